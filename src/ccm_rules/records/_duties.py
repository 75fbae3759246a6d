"""The documentation and time duties of seed 002, checked over the records (a first version, in English).

Each finding names the duty, the client code (or the case manager), the day and why, and
cites the seed. A duty whose facts were not recorded is *unknown*, never met or failed on a
guess (DOMAIN.md §6). The checks read the logs as they stand after every correction
(`current`). What the seed does not say is labelled project policy:

- D1 declaration before the first service — 002 §8.2 (line 191) lists the declarations among
  the documents; that one is on file before the first meeting or service is project policy
  (data may be processed only once the client has declared).
- D2 at most 2 hours per client per week — 002 §10 (line 209): "ügyfelenként maximum 2 óra/
  hét"; weeks are ISO calendar weeks (project policy), hours the meetings' `minutes`.
- D3 at most 35 clients per case manager at one time — 002 §10 (line 210): "Egy
  esetmenedzser egyidőben maximum 35 ügyfél esetét menedzseli"; a case is open from its
  enrolment to its closure.
- D4 each meeting confirmed by both — 002 §8.2 (line 194).
- D5 feedback due — 002 §4.1 (line 48): "meghatározott időközönként visszajelzést ad"; the
  interval is the plan's `feedback_interval_days`; no interval agreed, no feedback due.
- D6 the anonymous survey offered at closure — 002 §8.1 (line 187).
- D7 follow-up recorded — 002 §8.2 (line 195): a closed case has a follow-up document.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

import attrs

from ._models import Closure, Declaration, Enrolment, Feedback, FollowUp, Meeting, Plan, ServiceEvent
from ._read import Located, current

SEED = "002_d392965ea9d1d7b7.txt"
MAX_MINUTES_PER_WEEK = 120
"""002 §10 (line 209): at most 2 hours a week for each client."""
MAX_CLIENTS = 35
"""002 §10 (line 210): one case manager manages at most 35 clients at one time."""

DUTIES: dict[str, str] = {
    "D1": f"{SEED} §8.2 (line 191) — project policy: on file before the first service",
    "D2": f"{SEED} §10 (line 209): \"ügyfelenként maximum 2 óra/ hét\"",
    "D3": f"{SEED} §10 (line 210): \"Egy esetmenedzser egyidőben maximum 35 ügyfél esetét menedzseli\"",
    "D4": f"{SEED} §8.2 (line 194): \"az esetmenedzser és az ügyfél aláírásával hitelesíti\"",
    "D5": f"{SEED} §4.1 (line 48): \"Számukra meghatározott időközönként visszajelzést ad\"",
    "D6": f"{SEED} §8.1 (line 187): \"minden ügyfél a szolgáltatás befejezésekor anonim módon tölti ki\"",
    "D7": f"{SEED} §8.2 (line 195): \"A programokon résztvevők utánkövetésének … dokumentumai\"",
}
"""Each duty's id and its source."""


@attrs.frozen
class DutyFinding:
    """A duty not met, or not known to be met, for one client (or one case manager, D3) on one day."""

    duty: str
    subject: str
    on: datetime.date
    status: Literal["not_met", "unknown"]
    message: str

    @property
    def source(self) -> str:
        """The seed passage the duty comes from."""
        return DUTIES[self.duty]


def check_duties(items: Iterable[Located], *, as_of: datetime.date) -> list[DutyFinding]:
    """Every duty of 002 not met (or not known to be met) in these records up to `as_of`, by duty, subject and day."""
    records = [item.record for item in current(items)]
    by_kind: dict[type, list[object]] = defaultdict(list)
    for record in records:
        if getattr(record, "on", as_of) <= as_of:
            by_kind[type(record)].append(record)
    out: list[DutyFinding] = []
    out += _declaration_first(by_kind)
    out += _hours(by_kind)
    out += _caseload(by_kind, as_of)
    out += _confirmed(by_kind)
    out += _feedback(by_kind, as_of)
    out += _closure(by_kind)
    return sorted(out, key=lambda f: (f.duty, f.subject, f.on))


def _declaration_first(by_kind: dict[type, list[object]]) -> list[DutyFinding]:
    first: dict[str, datetime.date] = {}
    for record in [*by_kind[Meeting], *by_kind[ServiceEvent]]:
        code, on = record.code, record.on  # type: ignore[attr-defined]
        first[code] = min(on, first.get(code, on))
    declared: dict[str, datetime.date] = {}
    for record in by_kind[Declaration]:
        assert isinstance(record, Declaration)
        if not record.withdrawn:
            declared[record.code] = min(record.on, declared.get(record.code, record.on))
    out = []
    for code, on in sorted(first.items()):
        if code not in declared:
            out.append(DutyFinding("D1", code, on, "not_met", f"no data-processing declaration on file; the first service was on {on.isoformat()}"))
        elif declared[code] > on:
            out.append(DutyFinding("D1", code, on, "not_met", f"the declaration ({declared[code].isoformat()}) came after the first service ({on.isoformat()})"))
    return out


def _hours(by_kind: dict[type, list[object]]) -> list[DutyFinding]:
    weeks: dict[tuple[str, int, int], list[Meeting]] = defaultdict(list)
    for record in by_kind[Meeting]:
        assert isinstance(record, Meeting)
        year, week, _ = record.on.isocalendar()
        weeks[(record.code, year, week)].append(record)
    out = []
    for (code, year, week), meetings in sorted(weeks.items()):
        known = sum(m.minutes for m in meetings if m.minutes is not None)
        monday = datetime.date.fromisocalendar(year, week, 1)
        if known > MAX_MINUTES_PER_WEEK:
            out.append(DutyFinding("D2", code, monday, "not_met", f"{known} minutes in the week of {monday.isoformat()}: more than 2 hours"))
        elif any(m.minutes is None for m in meetings) and len(meetings) > 0:
            out.append(DutyFinding("D2", code, monday, "unknown", f"the week of {monday.isoformat()}: {known} minutes known, the length of a meeting not recorded"))
    return out


def _caseload(by_kind: dict[type, list[object]], as_of: datetime.date) -> list[DutyFinding]:
    opened: dict[str, Enrolment] = {}
    for record in by_kind[Enrolment]:
        assert isinstance(record, Enrolment)
        if record.code not in opened or record.on < opened[record.code].on:
            opened[record.code] = record
    closed: dict[str, datetime.date] = {}
    for record in by_kind[Closure]:
        assert isinstance(record, Closure)
        closed[record.code] = min(record.on, closed.get(record.code, record.on))
    out = []
    days = sorted({e.on for e in opened.values()} | {as_of})
    managers = sorted({e.case_manager for e in opened.values()})
    for manager in managers:
        for day in days:
            clients = [c for c, e in opened.items() if e.case_manager == manager and e.on <= day and not (c in closed and closed[c] <= day)]
            if len(clients) > MAX_CLIENTS:
                out.append(DutyFinding("D3", manager, day, "not_met", f"{len(clients)} open cases on {day.isoformat()}: more than {MAX_CLIENTS}"))
                break  # the first day over the cap, once per case manager
    return out


def _confirmed(by_kind: dict[type, list[object]]) -> list[DutyFinding]:
    out = []
    for record in by_kind[Meeting]:
        assert isinstance(record, Meeting)
        for who, value in (("case manager", record.confirmed_by_case_manager), ("client", record.confirmed_by_client)):
            if value is not True:
                status: Literal["not_met", "unknown"] = "unknown" if value is None else "not_met"
                out.append(DutyFinding("D4", record.code, record.on, status, f"the meeting is not confirmed by the {who} ({'not recorded' if value is None else 'false'})"))
    return out


def _feedback(by_kind: dict[type, list[object]], as_of: datetime.date) -> list[DutyFinding]:
    plans: dict[str, Plan] = {}
    for record in by_kind[Plan]:
        assert isinstance(record, Plan)
        if record.code not in plans or record.on >= plans[record.code].on:
            plans[record.code] = record
    closed = {r.code for r in by_kind[Closure]}  # type: ignore[attr-defined]
    last: dict[str, datetime.date] = {}
    for record in by_kind[Feedback]:
        assert isinstance(record, Feedback)
        last[record.code] = max(record.on, last.get(record.code, record.on))
    out = []
    for code, plan in sorted(plans.items()):
        if plan.feedback_interval_days is None or code in closed:
            continue
        due = last.get(code, plan.on) + datetime.timedelta(days=plan.feedback_interval_days)
        if due < as_of:
            out.append(DutyFinding("D5", code, due, "not_met", f"feedback was due on {due.isoformat()} (every {plan.feedback_interval_days} days)"))
    return out


def _closure(by_kind: dict[type, list[object]]) -> list[DutyFinding]:
    followed = {r.code for r in by_kind[FollowUp]}  # type: ignore[attr-defined]
    out = []
    for record in by_kind[Closure]:
        assert isinstance(record, Closure)
        if record.survey_offered is not True:
            status: Literal["not_met", "unknown"] = "unknown" if record.survey_offered is None else "not_met"
            out.append(DutyFinding("D6", record.code, record.on, status, f"the anonymous survey was {'not recorded as offered' if status == 'unknown' else 'not offered'} at closure"))
        if record.code not in followed:
            out.append(DutyFinding("D7", record.code, record.on, "not_met", "the case was closed with no follow-up document (training, qualification, job, retention)"))
    return out
