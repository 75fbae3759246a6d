"""Case conference (seeds 003, 004) and family conference (seed 004) checks.

A conference record becomes facts of the rulesets `case_conference` and
`family_conference` (`rules/goals/conference.yaml`, `family_conference.yaml`).
What the record *documents* (parties, agenda, output plan, next meeting) counts as
missing when left out; what it only *reports about the process* (parties informed,
summary sent, facilitator's involvement, neutral place, private family time, plan
consulted) is unknown when left out, and the decision asks for it.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs

from ._decision import Decision
from ._errors import FactsError, Problem
from ._evaluate import decide
from ._goals import GoalAssessment
from ._goals_spec import GoalChecklistSpec
from ._pack import RulePack
from ._plan import Document, Step, assess_goals, filled
from ._yaml import format_path

AGENDA = "case_conference_agenda"


@attrs.frozen
class Facilitator:
    """Who leads the conference; `involved_in_direct_work` unknown if left out."""

    role: str | None = None
    involved_in_direct_work: bool | None = None


@attrs.frozen
class Party:
    """A party at the conference, by role (client, mother, school, …)."""

    role: str


@attrs.frozen
class Output:
    """The conference's output plan: tasks (what, who, by when) and goals (texts or structured)."""

    tasks: list[Step] = attrs.Factory(list)
    goals: list[Any] = attrs.Factory(list)


@attrs.frozen
class Conference:
    """A case conference record."""

    date: datetime.date
    parties: list[Party] = attrs.Factory(list)
    facilitator: Facilitator | None = None
    parties_informed: bool | None = None
    summary_sent: bool | None = None
    agenda: list[str] | None = None
    neutral_place: bool | None = None
    output: Output | None = None
    next_meeting: datetime.date | None = None


@attrs.frozen
class Coordinator:
    """The family conference coordinator; `independent` unknown if left out."""

    role: str | None = None
    independent: bool | None = None


@attrs.frozen
class FamilyConference:
    """A family conference record (seed 004)."""

    date: datetime.date
    preparation_start: datetime.date | None = None
    coordinator: Coordinator | None = None
    private_family_time: bool | None = None
    plan_consulted: bool | None = None
    tasks: list[Step] = attrs.Factory(list)


@attrs.frozen
class ConferenceAssessment:
    """A conference decision, the agenda steps left out, and the output goals' SMART checks."""

    decision: Decision
    agenda_missing: tuple[str, ...]
    goals: tuple[GoalAssessment, ...]


def agenda_steps(pack: RulePack) -> GoalChecklistSpec:
    """The agenda checklist of a case conference (`rules/goals/agenda.yaml`)."""
    for spec in pack.documents("goal_checklist"):
        if isinstance(spec, GoalChecklistSpec) and spec.id == AGENDA:
            return spec
    raise KeyError(f"no goal_checklist {AGENDA!r} in pack {pack.info.id}")


def _drop_none(facts: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in facts.items() if v is not None}


def assess_conference_document(doc: Document, *, as_of: datetime.date | None = None, pack: RulePack | None = None) -> ConferenceAssessment:
    """Check a case conference read by `read_document(path, "conference", Conference)`."""
    from ._eligibility import default_pack

    pack = pack or default_pack()
    conf: Conference = doc.body
    on = as_of or doc.as_of or conf.date
    checklist = agenda_steps(pack)
    codes = [item.id for item in checklist.items]
    problems = [
        Problem(f"unknown agenda step {step!r}; steps: {', '.join(codes)}", format_path(("conference", "agenda", i)), doc.located.file, doc.located.line(("conference", "agenda", i)), kind="fact")
        for i, step in enumerate(conf.agenda or [])
        if step not in codes
    ]
    if conf.next_meeting is not None and conf.next_meeting < conf.date:
        problems.append(Problem(f"next meeting {conf.next_meeting} is before the conference {conf.date}", "$.conference.next_meeting", doc.located.file, doc.located.line(("conference", "next_meeting")), kind="fact"))
    if problems:
        raise FactsError("the conference record is not valid", problems)
    output = conf.output or Output()
    goals = assess_goals(output.goals, doc, ("conference", "output", "goals"), conf.date, pack)
    missing = tuple(c for c in codes if conf.agenda is not None and c not in conf.agenda)
    facilitator = conf.facilitator
    independent = None if facilitator is not None and facilitator.involved_in_direct_work is None else (facilitator is not None and facilitator.involved_in_direct_work is False)
    facts = _drop_none({
        "parties": len(conf.parties),
        "facilitator_independent": independent,
        "parties_informed": conf.parties_informed,
        "summary_sent": conf.summary_sent,
        "agenda_steps_missing": len(missing) if conf.agenda is not None else None,
        "output_tasks": len(output.tasks),
        "output_tasks_without_owner": sum(1 for t in output.tasks if not filled(t.who)),
        "output_goals_time_bound": _time_bound(goals),
        "next_meeting_set": conf.next_meeting is not None,
        "neutral_place": conf.neutral_place,
    })
    return ConferenceAssessment(decide(pack.ruleset("case_conference"), facts, on), missing, goals)


def _time_bound(goals: tuple[GoalAssessment, ...]) -> bool | None:
    """Every output goal has a time horizon: True / False (any not, or none) / unknown."""
    statuses = [g.time_bound for g in goals]
    if not statuses or "not_met" in statuses:
        return False
    return True if all(s == "met" for s in statuses) else None


def assess_family_conference_document(doc: Document, *, as_of: datetime.date | None = None, pack: RulePack | None = None) -> ConferenceAssessment:
    """Check a family conference read by `read_document(path, "family_conference", FamilyConference)`."""
    from ._eligibility import default_pack

    pack = pack or default_pack()
    fam: FamilyConference = doc.body
    on = as_of or doc.as_of or fam.date
    days = None
    if fam.preparation_start is not None:
        days = (fam.date - fam.preparation_start).days
        if days < 0:
            line = doc.located.line(("family_conference", "preparation_start"))
            raise FactsError("the family conference record is not valid", [Problem(f"preparation start {fam.preparation_start} is after the conference {fam.date}", "$.family_conference.preparation_start", doc.located.file, line, kind="fact")])
    facts = _drop_none({
        "preparation_days": days,
        "coordinator_independent": fam.coordinator.independent if fam.coordinator is not None else False,
        "private_family_time": fam.private_family_time,
        "plan_consulted": fam.plan_consulted,
        "tasks": len(fam.tasks),
        "tasks_incomplete": sum(1 for t in fam.tasks if not (filled(t.who) and t.by is not None)),
    })
    return ConferenceAssessment(decide(pack.ruleset("family_conference"), facts, on), (), ())
