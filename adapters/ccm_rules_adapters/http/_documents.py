"""Endpoints whose request is a whole document (a team, a programme, a region, a goal, a plan …).

The body is the same document the CLI reads from a YAML/JSON file, sent as JSON. Each row
only translates: it checks the document's envelope (its keys, `as_of`, the case code), hands
the body to the core's public functions and returns the core's result with its explanation.
Every problem the core finds comes back as a `ProblemsError` naming the field (422).

JSON has types, so the body's attrs parts are read strictly (`5` is not a text, `"no"` not a
boolean; the YAML reader of the CLI is lenient there): the OpenAPI schema of each body
(`_document_schemas.py`) then describes exactly what is accepted.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs
import cattrs
import yaml

from ccm_rules import (
    Explanation,
    FactsError,
    Problem,
    ProblemsError,
    RulePack,
    assess_conference_document,
    assess_goal,
    assess_plan_document,
    assess_readiness,
    check_caseload,
    explain,
    explain_dacts,
    explain_readiness,
    score_dacts,
)
from ccm_rules.engine import (
    CodedValueError,
    Located,
    Message,
    Path_,
    cattrs_problems,
    date_message,
    describe,
    format_path,
    iso_date,
    make_spec_converter,
)
from ccm_rules.fidelity import DactsExplanation, FidelityResult, dacts_scale
from ccm_rules.goals import (
    Conference,
    ConferenceAssessment,
    Document,
    FamilyConference,
    Goal,
    GoalAssessment,
    Plan,
    PlanAssessment,
    assess_family_conference_document,
)
from ccm_rules.readiness import ReadinessExplanation, ReadinessResult, factor_catalogue, parse_region
from ccm_rules.team import CaseloadResult, team_model_doc

from . import _document_schemas as schemas
from ._document_schemas import MAX_FIGURE

T = TypeVar("T")

SOURCE = "request body"
"""The `file` of problems found in a request (there is no file: the body is the document)."""

Respond = Callable[[Mapping[str, Any], RulePack, str], Any]
"""(the document as JSON, pack, language) → the response body (an attrs instance)."""


@attrs.frozen
class DocumentService:
    """One document endpoint: `POST /v1/<name>` whose body is the document itself (`body_schema` its JSON Schema)."""

    name: str
    summary: str
    description: str
    respond: Respond
    response_model: type
    available: Callable[[RulePack], bool]
    body_schema: Callable[[RulePack], dict[str, Any]]


# ---------------------------------------------------------------- response bodies


@attrs.frozen
class CaseloadResponse:
    """The caseload check of one team; `status` is `not_met` when the team or a worker is over the norm."""

    result: CaseloadResult
    status: str
    case: str | None = None


@attrs.frozen
class FidelityResponse:
    """A programme's DACTS scores with their explanation, for one pseudonymous programme code."""

    result: FidelityResult
    explanation: DactsExplanation
    case: str | None = None


@attrs.frozen
class ReadinessResponse:
    """A region's rollout readiness with its explanation (region name as given)."""

    result: ReadinessResult
    explanation: ReadinessExplanation
    case: str | None = None


@attrs.frozen
class GoalResponse:
    """A goal's SMART check (decision, wording evidence, deadline) with the decision explained."""

    assessment: GoalAssessment
    explanation: Explanation
    case: str | None = None


@attrs.frozen
class PlanResponse:
    """A plan's completeness decision explained, each goal's SMART check explained, the review status."""

    assessment: PlanAssessment
    explanation: Explanation
    goal_explanations: list[Explanation]
    case: str | None = None


@attrs.frozen
class ConferenceResponse:
    """A case or family conference decision explained, the agenda steps left out, the output goals."""

    assessment: ConferenceAssessment
    explanation: Explanation
    goal_explanations: list[Explanation]
    case: str | None = None


# ---------------------------------------------------------------- envelope checks


def json_numbers(value: Any) -> Any:
    """JSON has one number type: `3.0` is the integer 3 (as JSON Schema's `integer` says), so a whole
    number sent as `3.0` reaches the core as `3`; every other value is unchanged."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: json_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_numbers(v) for v in value]
    return value


def _unknown_keys(raw: Mapping[str, Any], allowed: Sequence[str]) -> list[Problem]:
    return [
        Problem(Message("key.unknown", {"key": str(key), "allowed": ", ".join(allowed)}), f"$.{key}", kind="fact")
        for key in raw
        if key not in allowed
    ]


def _iso_date(value: Any, _: type) -> datetime.date:
    """A JSON date: text `YYYY-MM-DD` that is a real day (not `20270101`, not `2027-W01-1`)."""
    if isinstance(value, str):
        return iso_date(value)
    raise CodedValueError(date_message(value))


def _date(raw: Mapping[str, Any], key: str, problems: list[Problem]) -> datetime.date | None:
    value = raw.get(key)
    if value is None:
        return None
    try:
        return _iso_date(value, datetime.date)
    except CodedValueError as err:
        problems.append(Problem(err.message, f"$.{key}", kind="fact"))
        return None


def strict_converter() -> cattrs.Converter:
    """The core's strict converter (types not coerced, unknown keys refused) with JSON dates."""
    conv = make_spec_converter()
    conv.register_structure_hook(datetime.date, _iso_date)
    return conv


def _structure(conv: cattrs.Converter, data: Any, cls: type[T], path: Path_, problems: list[Problem]) -> T | None:
    """`data` as `cls`, or None with every problem (each naming its field) added to `problems`."""
    try:
        return conv.structure(data, cls)
    except (cattrs.ClassValidationError, cattrs.IterableValidationError) as err:
        problems += [Problem(message, format_path((*path, *sub)), kind="fact") for sub, message in cattrs_problems(err)]
        return None


def _goals(conv: cattrs.Converter, goals: Sequence[Any], path: Path_, lang: str, problems: list[Problem]) -> None:
    """Check structured goals strictly; texts and other values are left to the core, which names them."""
    for index, goal in enumerate(goals):
        if isinstance(goal, dict):
            _structure(conv, {"lang": lang, **goal}, Goal, (*path, index), problems)


def _code(raw: Mapping[str, Any], key: str, problems: list[Problem]) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        message = (
            Message("file.case_not_text", {"value": describe(value)})
            if key == "case"
            else Message("file.code_not_text", {"key": key})
        )
        problems.append(Problem(message, f"$.{key}", kind="fact"))
        return None
    return value


def _refuse(problems: list[Problem]) -> None:
    """Every problem of the envelope and the core in one refusal, said in the request's language."""
    if problems:
        raise FactsError(Message("summary.request"), problems)


def _core(call: Callable[[], T], problems: list[Problem], prefix: str = "") -> T | None:
    """Run the core; its problems join the envelope's, so one answer names every bad field."""
    try:
        return call()
    except ProblemsError as err:
        problems += [attrs.evolve(p, path=prefix + p.path.removeprefix("$")) if prefix else p for p in err.problems]
        return None
    except (OverflowError, ValueError) as err:
        if not isinstance(err, OverflowError) and "out of range" not in str(err):
            raise
        # a date counted past year 9999 that the core does not catch itself: said without Python's words
        problems.append(Problem(Message("document.past_calendar"), prefix or "$", kind="fact"))
        return None


# ---------------------------------------------------------------- rows

CASELOAD_KEYS = ("team", "as_of", "norm", "workers", "note")


def _caseload(raw: Mapping[str, Any], pack: RulePack, lang: str) -> CaseloadResponse:
    problems = _unknown_keys(raw, CASELOAD_KEYS)
    as_of = _date(raw, "as_of", problems)
    code = _code(raw, "team", problems)
    norm, workers = raw.get("norm"), raw.get("workers")
    if not isinstance(norm, str):
        problems.append(Problem(Message("expected.text", {"value": describe(norm)}), "$.norm", kind="figure"))
    if not isinstance(workers, list):
        problems.append(Problem(Message("expected.list", {"value": describe(workers)}), "$.workers", kind="figure"))
    result = None
    if isinstance(norm, str) and isinstance(workers, list):
        result = _core(lambda: check_caseload(norm, workers, as_of=as_of, pack=pack), problems)
    _refuse(problems)
    assert result is not None
    return CaseloadResponse(result, result.status.value, code)


PROGRAM_KEYS = ("program", "as_of", "figures", "note")


def _fidelity(raw: Mapping[str, Any], pack: RulePack, lang: str) -> FidelityResponse:
    problems = _unknown_keys(raw, PROGRAM_KEYS)
    as_of = _date(raw, "as_of", problems)
    code = _code(raw, "program", problems)
    figures = raw.get("figures")
    result = None
    if isinstance(figures, dict):
        huge = [
            Problem(
                Message("range.above", {"value": describe(value), "limit": f"{MAX_FIGURE:g}"}),
                f"$.figures.{name}",
                kind="figure",
            )
            for name, value in figures.items()
            if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_FIGURE
        ]
        if huge:  # the core's scoring rounds in 28-digit decimals: far larger numbers cannot be scored
            problems += huge
        else:
            result = _core(lambda: score_dacts(figures, as_of=as_of, pack=pack), problems, "$.figures")
    else:
        problems.append(Problem(Message("dacts.figures_not_mapping"), "$.figures", kind="figure"))
    _refuse(problems)
    assert result is not None
    return FidelityResponse(result, explain_dacts(result, pack, lang), code)


def _readiness(raw: Mapping[str, Any], pack: RulePack, lang: str) -> ReadinessResponse:
    problems: list[Problem] = []
    if "expect" in raw:  # a scenario's expected answer belongs in test files, not in requests
        problems.append(Problem(Message("http.expect_not_sent"), "$.expect", kind="fact"))
    as_of = _date(raw, "as_of", problems)  # JSON has no date type: checked here, passed on
    body = {
        key: _item_numbers(value) if key == "oric" else value
        for key, value in raw.items()
        if key not in ("as_of", "expect")
    }
    # the core's own reader checks the rest (YAML text: JSON keys are text, ORIC item numbers are not)
    region = _core(lambda: parse_region(yaml.safe_dump(body, allow_unicode=True), SOURCE, pack=pack), problems)
    _refuse(problems)
    assert region is not None
    result = assess_readiness(region, pack=pack, as_of=as_of)
    return ReadinessResponse(result, explain_readiness(result, pack, lang), region.name)


def _item_numbers(oric: Any) -> Any:
    """JSON object keys are text: `{"1": 4}` in a respondent's ratings is ORIC item 1, as in YAML."""
    if not isinstance(oric, dict) or not isinstance(oric.get("respondents"), list):
        return oric
    respondents = [
        {int(k) if isinstance(k, str) and k.isascii() and k.isdigit() else k: v for k, v in r.items()}
        if isinstance(r, dict)
        else r
        for r in oric["respondents"]
    ]
    return {**oric, "respondents": respondents}


GOAL_KEYS = ("goal", "case", "as_of", "note")


def _goal(raw: Mapping[str, Any], pack: RulePack, lang: str) -> GoalResponse:
    problems = _unknown_keys(raw, GOAL_KEYS)
    as_of = _date(raw, "as_of", problems)
    code = _code(raw, "case", problems)
    assessment = None
    if "goal" not in raw:
        problems.append(Problem(Message("key.missing", {"key": "goal"}), "$.goal", kind="fact"))
    else:
        data = raw["goal"]
        goal = None
        if isinstance(data, (dict, str)):
            data = {"description": data} if isinstance(data, str) else data
            goal = _structure(strict_converter(), {"lang": lang, **data}, Goal, ("goal",), problems)
        else:
            problems.append(Problem(Message("goal.not_goal"), "$.goal", kind="fact"))
        if goal is not None:
            assessment = _core(lambda: assess_goal(goal, as_of=as_of, pack=pack), problems, "$.goal")
    _refuse(problems)
    assert assessment is not None
    return GoalResponse(assessment, explain(assessment.decision, pack, lang), code)


DOCUMENT_KEYS = ("case", "as_of", "lang", "note")


def _document(
    raw: Mapping[str, Any], key: str, cls: type, pack: RulePack, assess: Callable[[Document], T]
) -> tuple[Document, T]:
    """The body as the core's `Document` (what `read_document` makes of a file), assessed by the core."""
    problems = _unknown_keys(raw, (key, *DOCUMENT_KEYS))
    as_of = _date(raw, "as_of", problems)
    code = _code(raw, "case", problems)
    lang = raw.get("lang", "en")
    if lang not in pack.languages:
        problems.append(
            Problem(
                Message("expected.one_of", {"value": describe(lang), "allowed": ", ".join(pack.languages)}),
                "$.lang",
                kind="fact",
            )
        )
        lang = "en"
    body: Any = None
    shape: list[Problem] = []
    if not isinstance(raw.get(key), dict):
        problems.append(
            Problem(Message("expected.mapping", {"value": describe(raw.get(key))}), f"$.{key}", kind="fact")
        )
    else:
        conv = strict_converter()
        body = _structure(conv, raw[key], cls, (key,), shape)
        output = getattr(body, "output", None)
        for path, goals in (
            ((key, "goals"), getattr(body, "goals", None)),
            ((key, "output", "goals"), getattr(output, "goals", None)),
        ):
            if isinstance(goals, list):
                _goals(conv, goals, path, str(lang), shape)
    problems += shape
    doc = Document(body, Located(raw, {}, SOURCE), key, code, as_of, str(lang), None)
    result = _core(lambda: assess(doc), problems) if body is not None and not shape else None
    _refuse(problems)
    assert result is not None
    return doc, result


def _plan(raw: Mapping[str, Any], pack: RulePack, lang: str) -> PlanResponse:
    doc, result = _document(raw, "plan", Plan, pack, lambda d: assess_plan_document(d, pack=pack))
    goals = [explain(g.decision, pack, lang) for g in result.goals]
    return PlanResponse(result, explain(result.decision, pack, lang), goals, doc.code)


def _conference(raw: Mapping[str, Any], pack: RulePack, lang: str) -> ConferenceResponse:
    doc, result = _document(raw, "conference", Conference, pack, lambda d: assess_conference_document(d, pack=pack))
    goals = [explain(g.decision, pack, lang) for g in result.goals]
    return ConferenceResponse(result, explain(result.decision, pack, lang), goals, doc.code)


def _family_conference(raw: Mapping[str, Any], pack: RulePack, lang: str) -> ConferenceResponse:
    doc, result = _document(
        raw, "family_conference", FamilyConference, pack, lambda d: assess_family_conference_document(d, pack=pack)
    )
    return ConferenceResponse(result, explain(result.decision, pack, lang), [], doc.code)


def _has(probe: Callable[[RulePack], Any]) -> Callable[[RulePack], bool]:
    def available(pack: RulePack) -> bool:
        try:
            probe(pack)
        except Exception:  # the pack lacks this area's files
            return False
        return True

    return available


def _rulesets(*names: str) -> Callable[[RulePack], bool]:
    return lambda pack: all(name in pack.rulesets for name in names)


def document_services(pack: RulePack) -> tuple[DocumentService, ...]:
    """Every document endpoint this pack can serve (see docs/http.md)."""
    rows = [
        DocumentService(
            "caseload",
            "Is the caseload within the norm?",
            "A team document (`team`, `as_of`, `norm`: labour_market, icm or act, `workers` with code, fte, "
            "clients): each worker and the team against the norm, how far over and the staff (FTE) that would bring it within.",
            _caseload,
            CaseloadResponse,
            _has(team_model_doc),
            schemas.caseload_schema,
        ),
        DocumentService(
            "fidelity-dacts",
            "How faithful is this ACT programme to the model (DACTS)?",
            "A programme document (`program`, `as_of`, `figures`): the 28 DACTS item scores, section and total means, "
            "the fidelity band and the items to improve first.",
            _fidelity,
            FidelityResponse,
            _has(dacts_scale),
            schemas.fidelity_schema,
        ),
        DocumentService(
            "readiness",
            "How ready is this region to roll out CCM?",
            "A region document (`region`, `as_of`, `starting_situation`, `host`, `pioneer`, `risks`, `lessons`, `oric`): "
            "rollout variant, key-factor scores, phase plan and the findings from the success lessons.",
            _readiness,
            ReadinessResponse,
            _has(factor_catalogue),
            schemas.readiness_schema,
        ),
        DocumentService(
            "goal",
            "Is this goal SMART?",
            "A goal document (`goal`: a text or a structured goal, `case`, `as_of`): each SMART criterion with the "
            "wording evidence and the deadline found. A goal text without `lang` is read in the negotiated language.",
            _goal,
            GoalResponse,
            _rulesets("smart_goal"),
            schemas.goal_schema,
        ),
        DocumentService(
            "plan",
            "Is the individual plan complete, and are its goals SMART?",
            "A plan document (`plan`, `case`, `as_of`, `lang`): the plan's completeness decision, each goal's SMART "
            "check and the review status.",
            _plan,
            PlanResponse,
            _rulesets("individual_plan", "smart_goal"),
            schemas.plan_schema,
        ),
        DocumentService(
            "conference",
            "Does this case conference meet the standard?",
            "A case conference record (`conference`, `case`, `as_of`, `lang`): the decision, the agenda steps left "
            "out and the output goals' SMART checks.",
            _conference,
            ConferenceResponse,
            _rulesets("case_conference", "smart_goal"),
            schemas.conference_schema,
        ),
        DocumentService(
            "family-conference",
            "Does this family conference meet the standard?",
            "A family conference record (`family_conference`, `case`, `as_of`, `lang`): preparation time, "
            "independent coordinator, private family time, tasks.",
            _family_conference,
            ConferenceResponse,
            _rulesets("family_conference"),
            schemas.family_conference_schema,
        ),
    ]
    return tuple(row for row in rows if row.available(pack))
