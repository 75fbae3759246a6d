"""SMART goal validation: a structured goal (exact checks) or free text (heuristics).

The criteria are the ruleset `smart_goal` (`rules/goals/smart.yaml`), evaluated by the
core's `decide()`, so each criterion is met / not met / unknown with a trace, a reason
and a suggestion in every shipped language. The facts come from the goal's fields where
they are given, and from its wording (`_goals_text`) where not.

A `Goal` mirrors FHIR Goal: `description` ← `Goal.description.text`, `measure` ←
`target[0].measure.text`, `target_value` / `target_low` / `target_high` / `target_unit`
← `target[0].detailQuantity` / `detailRange`, `due_date` ← `target[0].dueDate`,
`due_duration` ← `target[0].dueDuration`, `start_date` ← `startDate`, `responsible` ←
`expressedBy` (R4) / `source` (R5) or the CarePlan activity performer,
`client_agreed` ← `acceptance` extension / `lifecycleStatus = accepted`.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import attrs
import cattrs

from ..engine import (
    Decision,
    FactsError,
    InputFileError,
    Located,
    Message,
    Problem,
    RulePack,
    UnknownLanguageError,
    YamlProblem,
    cattrs_problems,
    date_field_message,
    decide,
    describe,
    file_reason,
    format_path,
    make_converter,
    parse_yaml,
)
from ._goals_spec import GoalLexiconSpec, LexiconLanguage
from ._goals_text import Evidence, read_goal_text

RULESET = "smart_goal"
LIMITS = "goal_limits"
DurationUnit = Literal["days", "weeks", "months", "years"]


@attrs.frozen
class Duration:
    """A time span from the goal's start (FHIR `Goal.target.dueDuration`)."""

    value: int
    unit: DurationUnit


@attrs.frozen
class Goal:
    """A goal aligned with FHIR Goal; every field but `description` may be left out (unknown)."""

    description: str
    lang: str = "en"
    measure: str | None = None
    target_value: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    target_unit: str | None = None
    due_date: datetime.date | None = None
    due_duration: Duration | None = None
    start_date: datetime.date | None = None
    responsible: str | None = None
    client_agreed: bool | None = None
    realistic: bool | None = None


@attrs.frozen
class GoalAssessment:
    """A goal's SMART decision, the wording evidence behind each fact, and the deadline found."""

    goal: Goal
    decision: Decision
    evidence: tuple[Evidence, ...]
    due: datetime.date | None
    fact_sources: dict[str, str]

    @property
    def time_bound(self) -> str:
        return self.decision.criterion("GOAL-T").status.value


def lexicon(pack: RulePack, lang: str) -> LexiconLanguage:
    """The goal-wording vocabulary of `lang`; `UnknownLanguageError` if the pack has none."""
    for spec in pack.documents("goal_lexicon"):
        assert isinstance(spec, GoalLexiconSpec)
        if lang in spec.languages:
            return spec.languages[lang]
    raise UnknownLanguageError(lang, [code for spec in pack.documents("goal_lexicon") for code in spec.languages])


def check_goal(goal: Goal, pack: RulePack, on: datetime.date, path: str = "$") -> list[Problem]:
    """Every problem with a goal's fields: empty or over-long text, due date before the start."""
    limit = pack.parameter_set(LIMITS).values_at(on)["max_goal_chars"]
    problems = []
    text = goal.description
    if not text.strip():
        problems.append(Problem(Message("goal.empty"), f"{path}.description", kind="fact"))
    elif len(text) > limit:
        problems.append(
            Problem(Message("goal.too_long", {"length": len(text), "limit": limit}), f"{path}.description", kind="fact")
        )
    if goal.due_date is not None and goal.start_date is not None and goal.due_date < goal.start_date:
        dates = {"due": goal.due_date.isoformat(), "start": goal.start_date.isoformat()}
        problems.append(Problem(Message("goal.due_before_start", dates), f"{path}.due_date", kind="fact"))
    if goal.due_duration is not None and goal.due_duration.value <= 0:
        problems.append(
            Problem(
                Message("goal.duration_not_positive", {"value": describe(goal.due_duration.value)}),
                f"{path}.due_duration.value",
                kind="fact",
            )
        )
    elif goal.due_duration is not None and _add(on, goal.due_duration) is None:
        past = {"duration": duration_text(goal.due_duration), "start": on.isoformat()}
        problems.append(
            Problem(Message("goal.duration_past_calendar", past), f"{path}.due_duration.value", kind="fact")
        )
    for name in ("target_value", "target_low", "target_high"):
        value = getattr(goal, name)
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(
                Problem(Message("expected.finite", {"value": describe(value)}), f"{path}.{name}", kind="fact")
            )
    if goal.target_low is not None and goal.target_high is not None and goal.target_low > goal.target_high:
        problems.append(
            Problem(
                Message("goal.range_reversed", {"low": goal.target_low, "high": goal.target_high}),
                f"{path}.target_low",
                kind="fact",
            )
        )
    return problems


_DURATIONS: dict[str, str] = {
    "days": "duration.days",
    "weeks": "duration.weeks",
    "months": "duration.months",
    "years": "duration.years",
}
"""The catalogue's counted text of each unit of `Duration` ("3 weeks", "3 týdny")."""


def duration_text(duration: Duration) -> Message:
    """A duration as a person says it, in any language: "1 week", "6 weeks", "6 týdnů"."""
    return Message(_DURATIONS[duration.unit], {"count": duration.value})


def assess_goal(
    goal: Goal | str,
    *,
    lang: str | None = None,
    as_of: datetime.date | None = None,
    pack: RulePack | None = None,
) -> GoalAssessment:
    """Is this goal SMART? Each criterion met / not met / unknown, with evidence and suggestions.

    A plain string is read as free text in `lang` (default English). Relative deadlines
    ("within six weeks") count from the goal's `start_date`, else from `as_of` (default today).

    >>> a = assess_goal("Klient do 15. 4. 2027 podá žádost o příspěvek na bydlení.", lang="cs",
    ...                 as_of=datetime.date(2027, 1, 4))
    >>> a.time_bound, a.due.isoformat()
    ('met', '2027-04-15')
    """
    from ..engine import default_pack

    pack = pack or default_pack()
    if isinstance(goal, str):
        goal = Goal(description=goal, lang=lang or "en")
    elif lang is not None:
        goal = attrs.evolve(goal, lang=lang)
    on = goal.start_date or as_of or datetime.date.today()
    problems = check_goal(goal, pack, on)
    if problems:
        raise FactsError(Message("summary.goal_invalid"), problems)
    words = lexicon(pack, goal.lang)
    date_order = pack.parameter_set(LIMITS).values_at(on)["date_order"]
    reading = read_goal_text(goal.description, goal.lang, words, on, date_order)
    facts, sources = _facts(goal, reading.facts)
    due = reading.due
    if goal.due_date is not None:
        due = goal.due_date
    elif goal.due_duration is not None:
        due = _add(on, goal.due_duration)
    decision = decide(pack.ruleset(RULESET), facts, on)
    return GoalAssessment(goal, decision, reading.evidence, due, sources)


def _add(on: datetime.date, duration: Duration) -> datetime.date | None:
    """`on` plus the duration; None past 9999-12-31 (`check_goal` refuses such a goal)."""
    from ._goals_text import span

    try:
        return on + span(duration.unit.removesuffix("s"), duration.value)
    except (OverflowError, ValueError):
        return None


def _facts(goal: Goal, from_text: Mapping[str, bool]) -> tuple[dict[str, bool], dict[str, str]]:
    """Facts from the goal's fields where given ("field"), else from its wording ("text")."""
    exact: dict[str, bool | None] = {
        "measure_stated": (goal.target_value is not None or goal.target_low is not None or goal.target_high is not None)
        if goal.measure is not None
        else None,
        "deadline_stated": True if goal.due_date is not None or goal.due_duration is not None else None,
        "client_agreed": goal.client_agreed,
        "realistic_assessed": goal.realistic,
        "responsible_named": True if goal.responsible and goal.responsible.strip() else None,
    }
    facts: dict[str, bool] = {}
    sources: dict[str, str] = {}
    for name in ("concrete_action", "vague_wording", *exact):
        field_value = exact.get(name)
        if field_value is not None:
            facts[name], sources[name] = field_value, "field"
        elif name in from_text:
            facts[name], sources[name] = from_text[name], "text"
    return facts, sources


# ---------------------------------------------------------------- goal files

GOAL_FILE_KEYS = ("goal", "case", "as_of", "expect", "note")


def structure_goal(data: Any, located: Located, path: tuple[str | int, ...]) -> tuple[Goal | None, list[Problem]]:
    """A `Goal` from a mapping of a YAML/JSON file; problems name the file, line and field."""
    if isinstance(data, str):
        data = {"description": data}
    if not isinstance(data, dict):
        return None, [
            Problem(Message("goal.not_goal"), format_path(path), located.file, located.line(path), kind="fact")
        ]
    try:
        return make_converter().structure(data, Goal), []
    except (cattrs.ClassValidationError, cattrs.IterableValidationError) as err:
        found = []
        for sub, message in cattrs_problems(err):
            full = (*path, *sub)
            found.append(
                Problem(message, format_path(full), located.file, located.line(full) or located.line(path), kind="fact")
            )
        return None, found


@attrs.frozen
class GoalFile:
    """A goal file: the goal, an optional case code and date, and the `expect` of a scenario."""

    goal: Goal
    file: str
    code: str | None = None
    as_of: datetime.date | None = None
    expect: dict[str, Any] | None = None
    located: Located | None = attrs.field(default=None, eq=False, repr=False)
    """The file's lines, so that a problem found later can name its line."""


def read_goal_file(path: Path | str) -> GoalFile:
    """Read a goal file (YAML or JSON); raise `InputFileError` naming file, line and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputFileError(
            Message("summary.goal_unreadable"),
            [Problem(Message("io.unreadable", {"reason": file_reason(err)}), file=str(path), kind="io")],
        ) from err
    try:
        located = parse_yaml(text, str(path))
    except YamlProblem as err:
        raise InputFileError(Message("summary.goal_unreadable"), [err.problem]) from err
    data = located.data
    if not isinstance(data, dict) or "goal" not in data:
        raise InputFileError(
            Message("summary.not_goal_file"), [Problem(Message("goal.not_goal_file"), "$", str(path), 1)]
        )
    problems = [
        Problem(
            Message("key.unknown", {"key": str(key), "allowed": ", ".join(GOAL_FILE_KEYS)}),
            f"$.{key}",
            str(path),
            located.line((key,)),
        )
        for key in data
        if key not in GOAL_FILE_KEYS
    ]
    goal, found = structure_goal(data["goal"], located, ("goal",))
    problems += found
    as_of = data.get("as_of")
    if (message := date_field_message(as_of)) is not None:
        problems.append(Problem(message, "$.as_of", str(path), located.line(("as_of",))))
    problems += file_code_problems(data, located, str(path))
    if problems or goal is None:
        raise InputFileError(Message("summary.goal_file_invalid"), problems)
    return GoalFile(goal, str(path), data.get("case"), as_of, data.get("expect"), located)


def file_code_problems(data: dict[str, Any], located: Located, file: str) -> list[Problem]:
    """A file's `case` must be a pseudonymous code and its `lang` a language code, both text
    (found in review: `case: {a: 1}` reached the output, and a traceback in the text report)."""
    problems = []
    for name in ("case", "lang"):
        value = data.get(name)
        if name in data and (not isinstance(value, str) or not value.strip()):
            message = Message(
                "file.case_not_text" if name == "case" else "file.lang_not_text", {"value": describe(value)}
            )
            problems.append(Problem(message, f"$.{name}", file, located.line((name,))))
    return problems


def locate_goal_errors(
    err: FactsError, file: str, located: Located | None = None, prefix: tuple[str | int, ...] = ("goal",)
) -> FactsError:
    """The same error with each problem pointing into the goal file."""
    problems = []
    for p in err.problems:
        path = format_path(prefix) + p.path.removeprefix("$")
        sub = tuple(part for part in p.path.removeprefix("$").split(".") if part and "[" not in part)
        line = located.line((*prefix, *sub)) if located is not None else None
        problems.append(attrs.evolve(p, path=path, file=file, line=line))
    relocated = err.with_problems(problems)
    assert isinstance(relocated, FactsError)
    return relocated
