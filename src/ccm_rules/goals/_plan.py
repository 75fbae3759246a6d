"""Individual plan completeness (seed 004 §individual plan) and review dates (team cadence).

The plan's sections become facts of the ruleset `individual_plan`
(`rules/goals/plan.yaml`) and `decide()` says what is missing; every goal in the plan is
checked with `assess_goal`. A section the plan leaves out counts as *missing* (the plan
itself is the evidence). A goal that is not SMART makes the plan *incomplete* (PLAN-5,
DOMAIN.md §6), and `PlanAssessment.not_smart` names it; a goal whose SMART status cannot
be told yet keeps the plan *undetermined*, with that goal's open questions.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs

from ..engine import (
    CodedValueError,
    Decision,
    FactsError,
    InputFileError,
    Located,
    Message,
    Outcome,
    Problem,
    ReviewStatus,
    RulePack,
    YamlProblem,
    cattrs_problems,
    date_field_message,
    decide,
    file_reason,
    format_path,
    make_converter,
    moved_to_keywords,
    parse_yaml,
    review_status,
)
from ._goals import (
    LIMITS,
    GoalAssessment,
    assess_goal,
    file_code_problems,
    structure_goal,
)

RULESET = "individual_plan"
CADENCE = "team_norms"
FILE_KEYS = ("case", "as_of", "lang", "expect", "note")
T = TypeVar("T")


@attrs.frozen
class ClientInfo:
    """The client's basic information: a pseudonymous code and how to reach them (never a name)."""

    code: str | None = None
    contact: str | None = None


@attrs.frozen
class Person:
    """A person or service involved in the plan, by role, with a contact."""

    role: str
    contact: str | None = None


@attrs.frozen
class Step:
    """A concrete step: what, who, by when (seed 004)."""

    what: str | None = None
    who: str | None = None
    by: datetime.date | None = None


@attrs.frozen
class Risk:
    """A risk and the alternative step if it happens."""

    risk: str
    alternative: str | None = None


@attrs.frozen
class Feedback:
    """Who gives feedback on the plan, when, and to whom."""

    who: str | None = None
    when: str | None = None
    to_whom: str | None = None


@attrs.frozen
class Evaluation:
    """When and how the plan is evaluated."""

    date: datetime.date | None = None
    method: str | None = None


@attrs.frozen
class Informing:
    """Who informs absent persons of the plan, and how."""

    who: str | None = None
    how: str | None = None


@attrs.frozen
class Plan:
    """An individual plan; `goals` are texts or structured goals (see `Goal`)."""

    client: ClientInfo | None = None
    people: list[Person] = attrs.Factory(list)
    situation: str | None = None
    goals: list[Any] = attrs.Factory(list)
    steps: list[Step] = attrs.Factory(list)
    risks: list[Risk] = attrs.Factory(list)
    feedback: Feedback | None = None
    evaluation: Evaluation | None = None
    absent_informed: Informing | None = None
    next_conference: datetime.date | None = None
    start_date: datetime.date | None = None
    last_review: datetime.date | None = None


@attrs.frozen
class PlanAssessment:
    """The plan's completeness decision, each goal's SMART check, and the review status.

    `not_smart` names the goals that make the plan incomplete: their numbers (1 = the
    plan's first goal), in the plan's order.
    """

    decision: Decision
    goals: tuple[GoalAssessment, ...]
    review: ReviewStatus | None
    not_smart: tuple[int, ...] = ()


@attrs.frozen
class Document:
    """A parsed plan or conference file: the structured body, its raw goals and where things are."""

    body: Any
    located: Located
    key: str
    code: str | None
    as_of: datetime.date | None
    lang: str
    expect: dict[str, Any] | None


def filled(text: str | None) -> bool:
    return text is not None and bool(text.strip())


def read_document(path: Path | str, key: str, cls: type[T]) -> Document:
    """Read a YAML/JSON file whose body is under `key`; every problem names file, line and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        located = parse_yaml(text, str(path))
    except (OSError, UnicodeDecodeError) as err:
        raise InputFileError(
            _summary(key, "unreadable"),
            [Problem(Message("io.unreadable", {"reason": file_reason(err)}), file=str(path), kind="io")],
        ) from err
    except YamlProblem as err:
        raise InputFileError(_summary(key, "unreadable"), [err.problem]) from err
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise InputFileError(
            _summary(key, "not_file"),
            [Problem(Message("file.document_not_mapping", {"key": key}), f"$.{key}", str(path), 1)],
        )
    problems = [
        Problem(
            Message("key.unknown", {"key": str(k), "allowed": ", ".join((key, *FILE_KEYS))}),
            f"$.{k}",
            str(path),
            located.line((k,)),
        )
        for k in data
        if k != key and k not in FILE_KEYS
    ]
    for name in ("as_of",):
        value = data.get(name)
        if (message := date_field_message(value)) is not None:
            problems.append(Problem(message, f"$.{name}", str(path), located.line((name,))))
    problems += file_code_problems(data, located, str(path))
    body = None
    try:
        body = make_converter().structure(data[key], cls)
    except (cattrs.ClassValidationError, cattrs.IterableValidationError) as err:
        for sub, message in cattrs_problems(err):
            full = (key, *sub)
            problems.append(
                Problem(message, format_path(full), str(path), located.line(full) or located.line((key,)), kind="fact")
            )
    if problems or body is None:
        raise InputFileError(_summary(key, "invalid"), problems)
    lang = data.get("lang", "en")
    return Document(body, located, key, data.get("case"), data.get("as_of"), str(lang), data.get("expect"))


_SUMMARIES: dict[str, dict[str, str]] = {
    "plan": {
        "unreadable": "summary.plan_unreadable",
        "not_file": "summary.not_plan_file",
        "invalid": "summary.plan_file_invalid",
    },
    "conference": {
        "unreadable": "summary.conference_unreadable",
        "not_file": "summary.not_conference_file",
        "invalid": "summary.conference_file_invalid",
    },
    "family_conference": {
        "unreadable": "summary.family_conference_unreadable",
        "not_file": "summary.not_family_conference_file",
        "invalid": "summary.family_conference_file_invalid",
    },
}
"""The catalogue codes of the summaries of each document `read_document` reads."""


def _summary(key: str, what: str) -> str:
    """Why a document's file is refused, in one line: a `Message` for the documents the library reads,
    plain English for a key of another caller's own."""
    code = _SUMMARIES.get(key, {}).get(what)
    if code is not None:
        return Message(code)
    return {
        "unreadable": f"cannot read the {key} file",
        "not_file": f"not a {key} file",
        "invalid": f"the {key} file is not valid",
    }[what]


def assess_goals(
    raw: Sequence[Any], doc: Document, path: tuple[str | int, ...], on: datetime.date, pack: RulePack
) -> tuple[GoalAssessment, ...]:
    """Check every goal of a document; all goal problems are reported together, located in the file."""
    limit = pack.parameter_set(LIMITS).values_at(on)["max_goals_per_plan"]
    file = doc.located.file
    if len(raw) > limit:
        raise FactsError(
            Message("summary.too_many_goals"),
            [
                Problem(
                    Message("goal.too_many", {"count": len(raw), "limit": limit}),
                    format_path(path),
                    file,
                    doc.located.line(path),
                    kind="fact",
                )
            ],
        )
    results: list[GoalAssessment] = []
    problems: list[Problem] = []
    for index, item in enumerate(raw):
        where = (*path, index)
        data = {"description": item} if isinstance(item, str) else item
        if isinstance(data, dict) and "lang" not in data:
            data = {**data, "lang": doc.lang}
        goal, found = structure_goal(data, doc.located, where)
        problems += found
        if goal is None:
            continue
        try:
            results.append(assess_goal(goal, as_of=on, pack=pack))
        except FactsError as err:
            problems += [
                attrs.evolve(
                    p, path=format_path(where) + p.path.removeprefix("$"), file=file, line=doc.located.line(where)
                )
                for p in err.problems
            ]
    if problems:
        raise FactsError(Message("summary.goals_invalid"), problems)
    return tuple(results)


def not_smart(goals: Sequence[GoalAssessment]) -> tuple[int, ...]:
    """The numbers (1-based) of the goals that are not SMART: a criterion of theirs is not met."""
    return tuple(i for i, g in enumerate(goals, 1) if g.decision.outcome is Outcome.NOT_ELIGIBLE)


def all_smart(goals: Sequence[GoalAssessment]) -> bool | None:
    """True if every goal is SMART, False if any is not, unknown otherwise.

    A plan without goals has no goal that is not SMART (True): PLAN-4 is what it misses,
    and PLAN-5 must not say "0 goals are not SMART".
    """
    outcomes = [g.decision.outcome for g in goals]
    if Outcome.NOT_ELIGIBLE in outcomes:
        return False
    if all(o is Outcome.ELIGIBLE for o in outcomes):
        return True
    return None


def plan_facts(plan: Plan, goals: Sequence[GoalAssessment]) -> dict[str, Any]:
    """The facts of `individual_plan` from a plan's sections (a missing section is false or zero)."""
    facts: dict[str, Any] = {
        "client_contacts": plan.client is not None and filled(plan.client.contact),
        "people_with_contacts": sum(1 for p in plan.people if filled(p.contact)),
        "people_without_contacts": sum(1 for p in plan.people if not filled(p.contact)),
        "situation": filled(plan.situation),
        "goals": len(plan.goals),
        "steps": len(plan.steps),
        "steps_incomplete": sum(1 for s in plan.steps if not (filled(s.what) and filled(s.who) and s.by is not None)),
        "risks": len(plan.risks),
        "risks_without_alternative": sum(1 for r in plan.risks if not filled(r.alternative)),
        "feedback_arranged": plan.feedback is not None
        and all(filled(v) for v in (plan.feedback.who, plan.feedback.when, plan.feedback.to_whom)),
        "evaluation_set": plan.evaluation is not None
        and plan.evaluation.date is not None
        and filled(plan.evaluation.method),
        "absent_informed": plan.absent_informed is not None
        and filled(plan.absent_informed.who)
        and filled(plan.absent_informed.how),
        "next_conference_set": plan.next_conference is not None,
    }
    facts["goals_not_smart"] = len(not_smart(goals))
    smart = all_smart(goals)
    if smart is not None:
        facts["goals_smart"] = smart
    return facts


def plan_review(plan: Plan, on: datetime.date, pack: RulePack) -> ReviewStatus | None:
    """When the plan's next team review is due under the team cadence, if the plan has a start date."""
    if plan.start_date is None:
        return None
    return next_review(plan.start_date, plan.last_review, as_of=on, pack=pack)


@moved_to_keywords("as_of", "pack")
def next_review(
    start: datetime.date,
    last: datetime.date | None = None,
    *,
    as_of: datetime.date | None = None,
    pack: RulePack | None = None,
) -> ReviewStatus:
    """The review due after `last` (or `start`) by the team cadence of `rules/norms.yaml`, and if it is overdue on `as_of` (default: today).

    `pack` defaults to the shipped pack. (`next_review(start, last, on, pack)` by position
    still works, with a DeprecationWarning.)

    >>> import datetime
    >>> from ccm_rules import next_review
    >>> r = next_review(datetime.date(2027, 1, 4), datetime.date(2027, 5, 3), as_of=datetime.date(2027, 6, 10))
    >>> r.due.isoformat(), r.overdue, r.days_overdue, r.phase
    ('2027-06-03', True, 7, 'middle')
    """
    if pack is None:
        from ..engine import default_pack

        pack = default_pack()
    on = as_of or datetime.date.today()
    if last is not None and last < start:
        dates = {"last": last.isoformat(), "start": start.isoformat()}
        raise FactsError(
            Message("summary.review_invalid"),
            [Problem(Message("review.before_start", dates), "$.last_review", kind="fact")],
        )
    try:
        return review_status(start, last, on, pack.parameter_set(CADENCE).values_at(on))
    except ValueError as err:  # the next review would fall after 9999-12-31 (found in review: a traceback)
        message = err.message if isinstance(err, CodedValueError) else str(err)
        raise FactsError(
            Message("summary.review_invalid"),
            [Problem(message, "$.last_review" if last else "$.start_date", kind="fact")],
        ) from err


def assess_plan_document(
    doc: Document, *, as_of: datetime.date | None = None, pack: RulePack | None = None
) -> PlanAssessment:
    """Check a plan read by `read_document(path, "plan", Plan)`."""
    from ..engine import default_pack

    pack = pack or default_pack()
    plan: Plan = doc.body
    on = as_of or doc.as_of or plan.start_date or datetime.date.today()
    goals = assess_goals(plan.goals, doc, ("plan", "goals"), plan.start_date or on, pack)
    decision = decide(pack.ruleset(RULESET), plan_facts(plan, goals), on)
    try:
        review = plan_review(plan, on, pack)
    except FactsError as err:  # point the review dates' problems into the file
        located = doc.located
        raise err.with_problems(
            [
                attrs.evolve(
                    p,
                    path="$.plan" + p.path.removeprefix("$"),
                    file=located.file,
                    line=located.line(("plan", p.path.removeprefix("$."))),
                )
                for p in err.problems
            ]
        ) from err
    return PlanAssessment(decision, goals, review, not_smart(goals))
