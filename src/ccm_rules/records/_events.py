"""The case records as a monitoring event log, so that the time-based duties of seed 002 raise alerts.

`monitoring_events` writes what `ccm-rules monitor` (and `ccm_rules.monitoring.read_events`)
reads: one JSON-ready event per record, sorted by date, under the care model
`labour_market`, whose alerts include the case-record duties (rules/monitoring.yaml M7–M10:
feedback overdue, first service without a declaration, closure without the survey, no
follow-up after closure) beside its caseload and weekly-hours norms. The records are read as
they stand after every correction (`current`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ._models import Closure, Declaration, Enrolment, Feedback, FollowUp, Meeting, Plan, ServiceEvent
from ._read import Located, current

MODEL = "labour_market"
"""The care model the records' cases are monitored under (002)."""

_RANK = {
    "opened": 0,
    "caseload": 1,
    "declared": 2,
    "plan_agreed": 3,
    "feedback_given": 4,
    "contact": 5,
    "service": 5,
    "follow_up": 6,
    "closed": 7,
    "tick": 9,
}
"""Order of events on one day: a case opens first; a declaration that day counts before that day's services; ticks last."""


def monitoring_events(items: Iterable[Located], *, until: datetime.date | None = None) -> list[dict[str, Any]]:
    """The records as monitoring events, sorted by date (then by the order within a day, then by case).

    Enrolment → `opened` with `records: true` (and the case manager's `caseload`), Declaration not withdrawn →
    `declared`, Plan → `plan_agreed` with its `feedback_interval_days`, Meeting → `contact`
    with its hours (or `service` when its length is not recorded), ServiceEvent → `service`,
    Feedback → `feedback_given`, Closure → `closed` with `survey_offered`, FollowUp →
    `follow_up`. Case events before a case's enrolment or after its closure are left out (the
    event log refuses them); declarations and follow-up are kept whenever they come. With
    `until`, a `tick` on every day from the first record's day to `until`, so that a duty
    falling due on a day alerts on the next.
    """
    records = [item.record for item in current(items)]
    opened: dict[str, Enrolment] = {}
    for record in records:
        if isinstance(record, Enrolment) and (record.code not in opened or record.on < opened[record.code].on):
            opened[record.code] = record
    closed: dict[str, datetime.date] = {}
    for record in records:
        if isinstance(record, Closure) and record.code in opened:
            closed[record.code] = min(record.on, closed.get(record.code, record.on))
    shut: set[str] = set()
    events: list[dict[str, Any]] = []

    def case_event(code: str, on: datetime.date, kind: str, **values: Any) -> None:
        enrolment = opened.get(code)
        if enrolment is None or on < enrolment.on or (code in closed and on > closed[code]):
            return
        events.append({"event": kind, "on": on, "case": code, **values})

    for record in records:
        if isinstance(record, Enrolment) and opened.get(record.code) is record:
            events.append({"event": "opened", "on": record.on, "case": record.code, "model": MODEL, "records": True})
        elif isinstance(record, Declaration) and not record.withdrawn:
            events.append({"event": "declared", "on": record.on, "case": record.code})
        elif isinstance(record, FollowUp):
            events.append({"event": "follow_up", "on": record.on, "case": record.code})
        elif isinstance(record, Plan):
            extra = (
                {}
                if record.feedback_interval_days is None
                else {"feedback_interval_days": record.feedback_interval_days}
            )
            case_event(record.code, record.on, "plan_agreed", **extra)
        elif isinstance(record, Meeting):
            if record.minutes is None:
                case_event(record.code, record.on, "service")
            else:
                case_event(record.code, record.on, "contact", hours=record.minutes / 60)
        elif isinstance(record, ServiceEvent):
            case_event(record.code, record.on, "service")
        elif isinstance(record, Feedback):
            case_event(record.code, record.on, "feedback_given")
        elif isinstance(record, Closure) and closed.get(record.code) == record.on and record.code not in shut:
            shut.add(record.code)
            extra = {} if record.survey_offered is None else {"survey_offered": record.survey_offered}
            case_event(record.code, record.on, "closed", **extra)
    events += _caseloads(opened, closed)
    if until is not None and events:
        day = min(e["on"] for e in events)
        while day <= until:
            events.append({"event": "tick", "on": day})
            day += datetime.timedelta(days=1)
    events.sort(key=lambda e: (e["on"], _RANK[e["event"]], e.get("case") or e.get("worker") or ""))
    for event in events:
        event["on"] = event["on"].isoformat()
    return events


def _caseloads(opened: dict[str, Enrolment], closed: dict[str, datetime.date]) -> list[dict[str, Any]]:
    """A `caseload` event for a case manager on each day their number of open cases changes (002 §10, 35 at most)."""
    change: dict[tuple[str, datetime.date], int] = defaultdict(int)
    for code, enrolment in opened.items():
        change[(enrolment.case_manager, enrolment.on)] += 1
        if code in closed:
            change[(enrolment.case_manager, closed[code])] -= 1
    out = []
    count: dict[str, int] = defaultdict(int)
    for (worker, on), delta in sorted(change.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if delta:
            count[worker] += delta
            out.append({"event": "caseload", "on": on, "worker": worker, "model": MODEL, "clients": count[worker]})
    return out
