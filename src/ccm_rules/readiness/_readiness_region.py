"""Region files: one region's starting situation, Pioneer answers, risks, host, success-lesson
conditions, how case management is set up as a system in the region (seed 001 row 5) and an
optional ORIC survey, as YAML (`read_region`, `parse_region`) or as a mapping of the same
shape (`Region.from_mapping`); both go through one check.

Every answer is `yes`, `partly`, `no` or `unknown` (YAML `yes`/`no` read as booleans are
accepted). An unanswered item is *unknown*, never *no*. Every problem names the field and
the line, and all problems are reported at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ..engine import (
    InputFileError,
    Located,
    Message,
    Path_,
    Problem,
    RulePack,
    YamlProblem,
    date_field_message,
    describe,
    file_reason,
    format_path,
    moved_to_keywords,
    parse_yaml,
)
from ._readiness_spec import FactorCatalogueSpec, RolloutPlanSpec, SurveyInstrumentSpec

ANSWERS = ("yes", "partly", "no", "unknown")
UNKNOWN = "unknown"
REGION_KEYS = (
    "region",
    "as_of",
    "starting_situation",
    "host",
    "pioneer",
    "risks",
    "lessons",
    "system",
    "oric",
    "expect",
    "note",
)
LIST_FIELDS = ("connection_points",)
VARIANT_RULESET = "readiness_variant"
PHASES_RULESET = "readiness_phases"
LESSONS_RULESET = "readiness_lessons"
SYSTEM_RULESET = "readiness_system"
STARTING_RULESETS = (VARIANT_RULESET, PHASES_RULESET)
"""The rulesets that read the starting situation: the variant, and the phase plan's sensitisation step."""
INDEPENDENT_HOST = "independent_organisation"
"""The host answer that itself states structural independence (success lesson 4)."""


@attrs.frozen
class Region:
    """A parsed region file; unknown answers are left out of every mapping."""

    file: str
    name: str | None = None
    as_of: datetime.date | None = None
    starting: dict[str, str] = attrs.Factory(dict)
    connection_points: tuple[str, ...] = ()
    host: str | None = None
    pioneer: dict[str, str] = attrs.Factory(dict)
    risks: dict[str, str] = attrs.Factory(dict)
    lessons: dict[str, str] = attrs.Factory(dict)
    survey: tuple[dict[int, int], ...] | None = None
    expect: dict[str, Any] | None = None
    system: dict[str, str] = attrs.Factory(dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, pack: RulePack | None = None, file: str = "<mapping>") -> Region:
        """A region from plain data shaped like a region file (what `yaml.safe_load` gives), checked as a file is.

        `read_region` and `parse_region` read a file through this same check. Raises
        `InputFileError` listing every problem by its field path (`$.pioneer.F1.P2`) and
        `file`; a mapping has no lines. Dates are `datetime.date`s, ORIC item numbers ints.

        >>> from ccm_rules import Region
        >>> region = Region.from_mapping({"region": "R-1", "host": "authority", "pioneer": {"F1.P1": True, "F1.P2": "unknown"}})
        >>> region.name, region.host, region.pioneer
        ('R-1', 'authority', {'F1.P1': 'yes'})
        >>> Region.from_mapping({"host": "hospital"}, file="request")
        Traceback (most recent call last):
        ...
        ccm_rules.engine._errors.InputFileError: the region is not valid (1 problem...):
          - request: 'hospital' is not an answer here; use one of: ... @ $.host
        """
        return _checked(Located(_plain(data), {}, file), _pack_or_default(pack), from_text=False)


def factor_catalogue(pack: RulePack) -> FactorCatalogueSpec:
    """The pack's key-factor catalogue (exactly one `readiness_factors` file)."""
    return _one(pack, "readiness_factors")  # type: ignore[no-any-return]


def rollout_plan(pack: RulePack) -> RolloutPlanSpec:
    """The pack's rollout plan (exactly one `readiness_plan` file)."""
    return _one(pack, "readiness_plan")  # type: ignore[no-any-return]


def survey_instrument(pack: RulePack) -> SurveyInstrumentSpec:
    """The pack's readiness survey (ORIC)."""
    return _one(pack, "readiness_survey")  # type: ignore[no-any-return]


def _one(pack: RulePack, kind: str) -> Any:
    docs = pack.documents(kind)
    if len(docs) != 1:
        raise KeyError(f"the rule pack {pack.info.id} needs exactly one '{kind}' file; found {len(docs)}")
    return docs[0]


@moved_to_keywords("pack")
def read_region(path: Path | str, *, pack: RulePack | None = None) -> Region:
    """Read and check a region file against the pack (default: the shipped one); raise `InputFileError` listing every problem.

    (`read_region(path, pack)` by position still works, with a DeprecationWarning.)
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputFileError(
            Message("summary.region_unreadable"),
            [Problem(Message("io.unreadable", {"reason": file_reason(err)}), file=str(path), kind="io")],
        ) from err
    return parse_region(text, str(path), pack=pack)


@moved_to_keywords("pack")
def parse_region(text: str, file: str = "<region>", *, pack: RulePack | None = None) -> Region:
    """Parse a region document (YAML or JSON text) and check it as `Region.from_mapping` does, with lines.

    (`parse_region(text, file, pack)` by position still works, with a DeprecationWarning.)
    """
    try:
        located = parse_yaml(text, file)
    except YamlProblem as err:
        raise InputFileError(Message("summary.region_unreadable"), [err.problem]) from err
    return _checked(located, _pack_or_default(pack), from_text=True)


def _checked(located: Located, pack: RulePack, *, from_text: bool) -> Region:
    """The one check of a region document, from a file (with lines) or a mapping (without)."""
    reader = _Reader(located, pack, from_text=from_text)
    region = reader.region()
    if reader.problems:
        raise InputFileError(
            Message("summary.region_file_invalid" if from_text else "summary.region_invalid"), reader.problems
        )
    return region


def _pack_or_default(pack: RulePack | None) -> RulePack:
    if pack is not None:
        return pack
    from ..engine import default_pack

    return default_pack()


def _plain(value: Any) -> Any:
    """Any mapping as a dict and a tuple as a list, all the way down: what a YAML file would give."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def answer_options(pack: RulePack, ruleset: str, fact: str) -> tuple[str, ...]:
    """The answers a starting-situation, lesson or system field takes: its enum values plus `unknown`."""
    spec = pack.ruleset(ruleset).spec.facts[fact]
    return (*(spec.values or ()), UNKNOWN)


def starting_ruleset(pack: RulePack, field: str) -> str | None:
    """The ruleset that declares a starting-situation field (variant or phase plan), if any.

    >>> from ccm_rules import default_pack
    >>> starting_ruleset(default_pack(), "prior_ccm_experience"), starting_ruleset(default_pack(), "sensitisation_needed")
    ('readiness_variant', 'readiness_phases')
    """
    for ruleset in STARTING_RULESETS:
        if ruleset in pack.rulesets and field in pack.ruleset(ruleset).spec.facts:
            return ruleset
    return None


def system_fields(pack: RulePack) -> tuple[str, ...]:
    """The fields of a region file's `system` section (seed 001 row 5); none if the pack has no such ruleset."""
    return tuple(pack.ruleset(SYSTEM_RULESET).spec.facts) if SYSTEM_RULESET in pack.rulesets else ()


class _Reader:
    """Walks a region document, collecting every problem with its path and line."""

    def __init__(self, located: Located, pack: RulePack, *, from_text: bool = True) -> None:
        self.located = located
        self.from_text = from_text
        self.pack = pack
        self.problems: list[Problem] = []
        self.catalogue = factor_catalogue(pack)
        self.plan = rollout_plan(pack)

    def problem(self, path: Path_, message: str) -> None:
        self.problems.append(Problem(message, format_path(path), self.located.file, self.located.line(path)))

    def region(self) -> Region:
        data = self.located.data
        if not isinstance(data, dict):
            self.problems.append(
                Problem(Message("region.not_mapping"), "$", self.located.file, 1 if self.from_text else None)
            )
            return Region(self.located.file)
        for key in data:
            if key not in REGION_KEYS:
                self.problem((key,), Message("key.unknown", {"key": str(key), "allowed": ", ".join(REGION_KEYS)}))
        name = data.get("region")
        if name is not None and not isinstance(name, str):
            self.problem(("region",), Message("region.name_not_text", {"value": describe(name)}))
        as_of = data.get("as_of")
        if (message := date_field_message(as_of)) is not None:
            self.problem(("as_of",), message)
        starting, points = self.starting(data.get("starting_situation"))
        expect = data.get("expect")
        if expect is not None and not isinstance(expect, dict):
            self.problem(("expect",), Message("expected.mapping", {"value": describe(expect)}))
        host = self.host(data.get("host"))
        lessons = self.lessons(data.get("lessons"))
        if host == INDEPENDENT_HOST and lessons.get("host_independent") == "no":
            self.problem(
                ("lessons", "host_independent"),
                Message("region.independence_contradicted", {"host": INDEPENDENT_HOST}),
            )
        return Region(
            file=self.located.file,
            name=name if isinstance(name, str) else None,
            as_of=as_of if isinstance(as_of, datetime.date) and not isinstance(as_of, datetime.datetime) else None,
            starting=starting,
            connection_points=points,
            host=host,
            pioneer=self.items("pioneer", data.get("pioneer"), self.pioneer_ids()),
            risks=self.items("risks", data.get("risks"), self.attention_ids()),
            lessons=lessons,
            survey=self.survey(data.get("oric")),
            expect=expect if isinstance(expect, dict) else None,
            system=self.system(data.get("system")),
        )

    def pioneer_ids(self) -> tuple[str, ...]:
        return tuple(i.id for f in self.catalogue.factors for i in f.pioneer if not i.lead_in)

    def attention_ids(self) -> tuple[str, ...]:
        return tuple(i.id for f in self.catalogue.factors for i in f.attention)

    def mapping(self, key: str, value: Any) -> Mapping[Any, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem((key,), Message("region.section_not_mapping", {"key": key, "value": describe(value)}))
            return {}
        return value

    def answer(self, path: Path_, value: Any, allowed: Iterable[str]) -> str | None:
        """One answer, normalised (`True` → yes, `False` → no); None if it is invalid."""
        options = tuple(allowed)
        if value is True:
            value = "yes"
        elif value is False:
            value = "no"
        elif value is None:
            value = UNKNOWN
        if not isinstance(value, str) or value not in options:
            self.problem(
                path,
                Message(
                    "region.not_an_answer",
                    {"value": describe(value) if not isinstance(value, str) else value, "allowed": ", ".join(options)},
                ),
            )
            return None
        return value

    def starting(self, value: Any) -> tuple[dict[str, str], tuple[str, ...]]:
        fields = [q.field for q in self.plan.starting_situation]
        out: dict[str, str] = {}
        points: tuple[str, ...] = ()
        for key, raw in self.mapping("starting_situation", value).items():
            path: Path_ = ("starting_situation", key)
            if key in LIST_FIELDS:
                if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
                    self.problem(path, Message("region.not_institutions", {"key": key}))
                else:
                    points = tuple(raw)
            elif key in fields and (ruleset := starting_ruleset(self.pack, key)) is not None:
                answer = self.answer(path, raw, answer_options(self.pack, ruleset, key))
                if answer is not None and answer != UNKNOWN:
                    out[key] = answer
            else:
                self.problem(
                    path,
                    Message(
                        "region.unknown_field",
                        {"key": str(key), "section": "starting_situation", "allowed": ", ".join(fields)},
                    ),
                )
        return out, points

    def host(self, value: Any) -> str | None:
        if value is None:
            return None
        answer = self.answer(("host",), value, answer_options(self.pack, LESSONS_RULESET, "host"))
        return None if answer in (None, UNKNOWN) else answer

    def items(self, key: str, value: Any, ids: tuple[str, ...]) -> dict[str, str]:
        out: dict[str, str] = {}
        for item, raw in self.mapping(key, value).items():
            path: Path_ = (key, item)
            if item not in ids:
                self.problem(
                    path,
                    Message(
                        "region.unknown_item",
                        {
                            "item": str(item),
                            "kind": "Pioneer" if key == "pioneer" else "Attention",
                            "first": ids[0],
                            "last": ids[-1],
                        },
                    ),
                )
                continue
            answer = self.answer(path, raw, ANSWERS)
            if answer is not None and answer != UNKNOWN:
                out[item] = answer
        return out

    def lessons(self, value: Any) -> dict[str, str]:
        facts = self.pack.ruleset(LESSONS_RULESET).spec.facts
        starting = {q.field for q in self.plan.starting_situation}
        fields = [f for f in facts if f != "host" and f not in starting]
        out: dict[str, str] = {}
        for key, raw in self.mapping("lessons", value).items():
            path: Path_ = ("lessons", key)
            if key not in fields:
                where = "starting_situation" if key in starting else "$" if key == "host" else None
                values = {"key": str(key), "section": "lessons", "allowed": ", ".join(fields)}
                self.problem(
                    path,
                    Message("region.misplaced_field", {**values, "where": where})
                    if where
                    else Message("region.unknown_field", values),
                )
                continue
            answer = self.answer(path, raw, answer_options(self.pack, LESSONS_RULESET, key))
            if answer is not None and answer != UNKNOWN:
                out[key] = answer
        return out

    def system(self, value: Any) -> dict[str, str]:
        """How case management is set up as a system in the region (ruleset readiness_system, seed 001 row 5)."""
        fields = system_fields(self.pack)
        out: dict[str, str] = {}
        for key, raw in self.mapping("system", value).items():
            path: Path_ = ("system", key)
            if key not in fields:
                self.problem(
                    path,
                    Message(
                        "region.unknown_field", {"key": str(key), "section": "system", "allowed": ", ".join(fields)}
                    ),
                )
                continue
            answer = self.answer(path, raw, answer_options(self.pack, SYSTEM_RULESET, key))
            if answer is not None and answer != UNKNOWN:
                out[key] = answer
        return out

    def survey(self, value: Any) -> tuple[dict[int, int], ...] | None:
        if value is None:
            return None
        instrument = survey_instrument(self.pack)
        respondents = value.get("respondents") if isinstance(value, dict) else None
        if not isinstance(value, dict) or set(value) != {"respondents"} or not isinstance(respondents, list):
            self.problem(("oric",), Message("region.oric_shape"))
            return None
        out = []
        for index, answers in enumerate(respondents):
            path: Path_ = ("oric", "respondents", index)
            if not isinstance(answers, dict):
                self.problem(path, Message("region.respondent_shape", {"items": instrument.items}))
                continue
            ratings: dict[int, int] = {}
            for item, rating in answers.items():
                ipath = (*path, str(item))
                if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= instrument.items:
                    self.problem(
                        ipath,
                        Message(
                            "region.oric_item",
                            {"value": item if type(item) is int else describe(item), "items": instrument.items},
                        ),
                    )
                elif rating is None:
                    continue
                elif (
                    isinstance(rating, bool)
                    or not isinstance(rating, int)
                    or not instrument.min_response <= rating <= instrument.max_response
                ):
                    self.problem(
                        ipath,
                        Message(
                            "region.oric_rating",
                            {
                                "value": rating if type(rating) is int else describe(rating),
                                "low": instrument.min_response,
                                "high": instrument.max_response,
                            },
                        ),
                    )
                else:
                    ratings[item] = rating
            out.append(ratings)
        return tuple(out)
