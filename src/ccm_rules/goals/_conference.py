"""Case conference (seeds 003, 004) and family conference (seed 004) checks.

A conference record becomes facts of the rulesets `case_conference` and
`family_conference` (`rules/goals/conference.yaml`, `family_conference.yaml`).
A fact the record does not give is *unknown*, never "no" (DOMAIN.md §6): a record
without `parties`, `facilitator`, `output`, `absent`, `preparation` or `coordinator`
leaves what they would show unknown, and the decision asks for it. What the record
does give is evidence: `parties: []` is no party, an agenda without the step
`next_meeting` and no `next_meeting` date is no date set, `output: {tasks: []}` is no
task.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, Literal

import attrs

from ..engine import Decision, FactsError, Message, Problem, RulePack, decide, format_path
from ._goals import GoalAssessment
from ._goals_spec import GoalChecklistSpec
from ._plan import Document, Step, assess_goals, filled

AGENDA = "case_conference_agenda"
DUTIES = "facilitator_duties"
PartyKind = Literal["client", "guardian", "family", "network"]
"""Who a party is to the client (seed 004: "klienta, jeho rodiny a všech, kteří pro ně
představují … podpůrnou síť"; "zákonného zástupce"): the client, their guardian, their
family, or someone else of their support network (a service, school, friend)."""


@attrs.frozen
class Facilitator:
    """Who leads the conference; `involved_in_direct_work` unknown if left out.

    `duties` lists the codes of `rules/goals/facilitator.yaml` the facilitator carried
    out (seed 004 §case conference, lines 338-352); left out, they are unknown.
    """

    role: str | None = None
    involved_in_direct_work: bool | None = None
    duties: list[str] | None = None


@attrs.frozen
class Party:
    """A party at the conference, by role (client, mother, school, …) and `kind` (unknown if left out)."""

    role: str
    kind: PartyKind | None = None


@attrs.frozen
class AbsentParty:
    """Someone invited who could not attend, and whether they sent a written statement (seed 004)."""

    role: str
    kind: PartyKind | None = None
    written_statement: bool | None = None


@attrs.frozen
class Preparation:
    """The preparation steps of seed 004 (§case conference, lines 356-367); each unknown if left out.

    The client's and family's participation is read from the parties, the facilitator
    from `Conference.facilitator`, the written statements from `Conference.absent`.
    """

    aim_set_with_client: bool | None = None
    participants_motivated: bool | None = None
    natural_resources_mapped: bool | None = None
    participants_suitable: bool | None = None
    participants_balanced: bool | None = None


@attrs.frozen
class Output:
    """The conference's output plan: tasks (what, who, by when) and goals (texts or structured)."""

    tasks: list[Step] = attrs.Factory(list)
    goals: list[Any] = attrs.Factory(list)


@attrs.frozen
class Conference:
    """A case conference record; a field left out is unknown (see the module docstring).

    `absent` lists who was invited but could not attend; `third_party_involved` and
    `third_party_agreement` say whether a third party cooperates in the case and whether
    the use of conferences was agreed with it at the start (seed 003, line 45).
    """

    date: datetime.date
    parties: list[Party] | None = None
    facilitator: Facilitator | None = None
    parties_informed: bool | None = None
    summary_sent: bool | None = None
    agenda: list[str] | None = None
    neutral_place: bool | None = None
    output: Output | None = None
    next_meeting: datetime.date | None = None
    absent: list[AbsentParty] | None = None
    preparation: Preparation | None = None
    third_party_involved: bool | None = None
    third_party_agreement: bool | None = None


@attrs.frozen
class Coordinator:
    """The family conference coordinator; `independent` unknown if left out."""

    role: str | None = None
    independent: bool | None = None


@attrs.frozen
class FamilyConference:
    """A family conference record (seed 004); a field left out is unknown."""

    date: datetime.date
    preparation_start: datetime.date | None = None
    coordinator: Coordinator | None = None
    private_family_time: bool | None = None
    plan_consulted: bool | None = None
    tasks: list[Step] | None = None


@attrs.frozen
class ConferenceAssessment:
    """A conference decision, the agenda steps and facilitator duties left out, and the output goals' SMART checks."""

    decision: Decision
    agenda_missing: tuple[str, ...]
    goals: tuple[GoalAssessment, ...]
    duties_missing: tuple[str, ...] = ()


def _checklist(pack: RulePack, checklist_id: str) -> GoalChecklistSpec:
    for spec in pack.documents("goal_checklist"):
        if isinstance(spec, GoalChecklistSpec) and spec.id == checklist_id:
            return spec
    raise KeyError(f"no goal_checklist {checklist_id!r} in pack {pack.info.id}")


def agenda_steps(pack: RulePack) -> GoalChecklistSpec:
    """The agenda checklist of a case conference (`rules/goals/agenda.yaml`)."""
    return _checklist(pack, AGENDA)


def facilitator_duties(pack: RulePack) -> GoalChecklistSpec:
    """The facilitator's duties (`rules/goals/facilitator.yaml`, seed 004 lines 338-352)."""
    return _checklist(pack, DUTIES)


def _drop_none(facts: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in facts.items() if v is not None}


def assess_conference_document(
    doc: Document, *, as_of: datetime.date | None = None, pack: RulePack | None = None
) -> ConferenceAssessment:
    """Check a case conference read by `read_document(path, "conference", Conference)`."""
    from ..engine import default_pack

    pack = pack or default_pack()
    conf: Conference = doc.body
    on = as_of or doc.as_of or conf.date
    codes = [item.id for item in agenda_steps(pack).items]
    duty_codes = [item.id for item in facilitator_duties(pack).items]
    duties = conf.facilitator.duties if conf.facilitator is not None else None
    problems = _unknown_codes(doc, conf.agenda, ("conference", "agenda"), "conference.unknown_step", codes)
    problems += _unknown_codes(
        doc, duties, ("conference", "facilitator", "duties"), "conference.unknown_duty", duty_codes
    )
    if conf.next_meeting is not None and conf.next_meeting < conf.date:
        dates = {"next": conf.next_meeting.isoformat(), "date": conf.date.isoformat()}
        line = doc.located.line(("conference", "next_meeting"))
        problems.append(
            Problem(
                Message("conference.next_before", dates),
                "$.conference.next_meeting",
                doc.located.file,
                line,
                kind="fact",
            )
        )
    if problems:
        raise FactsError(Message("summary.conference_invalid"), problems)
    output = conf.output
    goals = (
        assess_goals(output.goals, doc, ("conference", "output", "goals"), conf.date, pack)
        if output is not None
        else ()
    )
    missing = tuple(c for c in codes if conf.agenda is not None and c not in conf.agenda)
    duties_missing = tuple(c for c in duty_codes if duties is not None and c not in duties)
    preparation = conf.preparation or Preparation()
    facts = _drop_none(
        {
            "parties": len(conf.parties) if conf.parties is not None else None,
            "client_present": _present(conf.parties, ("client", "guardian")),
            "family_present": _present(conf.parties, ("family",)),
            "facilitator_independent": _independent(conf.facilitator),
            "parties_informed": conf.parties_informed,
            "summary_sent": conf.summary_sent,
            "aim_set_with_client": preparation.aim_set_with_client,
            "participants_motivated": preparation.participants_motivated,
            "natural_resources_mapped": preparation.natural_resources_mapped,
            "participants_suitable": preparation.participants_suitable,
            "participants_balanced": preparation.participants_balanced,
            "absent_statements": _statements(conf.absent),
            "facilitator_duties_missing": len(duties_missing) if duties is not None else None,
            "agenda_steps_missing": len(missing) if conf.agenda is not None else None,
            "output_tasks": len(output.tasks) if output is not None else None,
            "output_tasks_without_owner": sum(1 for t in output.tasks if not filled(t.who))
            if output is not None
            else None,
            "output_goals_time_bound": _every(goals, "GOAL-T") if output is not None else None,
            "output_goals_measurable": _every(goals, "GOAL-M") if output is not None else None,
            "next_meeting_set": _next_meeting_set(conf),
            "neutral_place": conf.neutral_place,
            "third_party_involved": conf.third_party_involved,
            "third_party_agreement": conf.third_party_agreement,
        }
    )
    return ConferenceAssessment(decide(pack.ruleset("case_conference"), facts, on), missing, goals, duties_missing)


def _unknown_codes(
    doc: Document, given: list[str] | None, path: tuple[str, ...], code_of_message: str, codes: list[str]
) -> list[Problem]:
    """A problem (`conference.unknown_step` or `conference.unknown_duty`) for every code of a
    checklist that the pack does not know, at its line."""
    known = ", ".join(codes)
    return [
        Problem(
            Message(code_of_message, {"code": code, "known": known}),
            format_path((*path, i)),
            doc.located.file,
            doc.located.line((*path, i)),
            kind="fact",
        )
        for i, code in enumerate(given or [])
        if code not in codes
    ]


def _present(parties: Iterable[Party] | None, kinds: tuple[str, ...]) -> bool | None:
    """Some party is of one of `kinds`: True; none is and every kind is given: False; else unknown."""
    if parties is None:
        return None
    given = [p.kind for p in parties]
    if any(kind in kinds for kind in given):
        return True
    return False if None not in given else None


def _independent(facilitator: Facilitator | None) -> bool | None:
    """Not involved in direct work with the client (seed 003, line 29); unknown if not recorded."""
    if facilitator is None or facilitator.involved_in_direct_work is None:
        return None
    return not facilitator.involved_in_direct_work


def _statements(absent: list[AbsentParty] | None) -> bool | None:
    """Every absent party sent a written statement (True also when nobody was absent); unknown if not recorded."""
    if absent is None:
        return None
    sent = [a.written_statement for a in absent]
    if False in sent:
        return False
    return None if None in sent else True


def _next_meeting_set(conf: Conference) -> bool | None:
    """A date is given: True; the recorded agenda skipped the step `next_meeting`: False; else unknown."""
    if conf.next_meeting is not None:
        return True
    if conf.agenda is not None and "next_meeting" not in conf.agenda:
        return False
    return None


def _every(goals: tuple[GoalAssessment, ...], criterion: str) -> bool | None:
    """Every output goal meets `criterion`: True / False (any not, or no goal) / unknown."""
    statuses = [g.decision.criterion(criterion).status.value for g in goals]
    if not statuses or "not_met" in statuses:
        return False
    return True if all(s == "met" for s in statuses) else None


def assess_family_conference_document(
    doc: Document, *, as_of: datetime.date | None = None, pack: RulePack | None = None
) -> ConferenceAssessment:
    """Check a family conference read by `read_document(path, "family_conference", FamilyConference)`."""
    from ..engine import default_pack

    pack = pack or default_pack()
    fam: FamilyConference = doc.body
    on = as_of or doc.as_of or fam.date
    days = None
    if fam.preparation_start is not None:
        days = (fam.date - fam.preparation_start).days
        if days < 0:
            line = doc.located.line(("family_conference", "preparation_start"))
            dates = {"start": fam.preparation_start.isoformat(), "date": fam.date.isoformat()}
            problem = Problem(
                Message("family.preparation_after", dates),
                "$.family_conference.preparation_start",
                doc.located.file,
                line,
                kind="fact",
            )
            raise FactsError(Message("summary.family_conference_invalid"), [problem])
    facts = _drop_none(
        {
            "preparation_days": days,
            "coordinator_independent": fam.coordinator.independent if fam.coordinator is not None else None,
            "private_family_time": fam.private_family_time,
            "plan_consulted": fam.plan_consulted,
            "tasks": len(fam.tasks) if fam.tasks is not None else None,
            "tasks_incomplete": sum(1 for t in fam.tasks if not (filled(t.who) and t.by is not None))
            if fam.tasks is not None
            else None,
        }
    )
    return ConferenceAssessment(decide(pack.ruleset("family_conference"), facts, on), (), ())
