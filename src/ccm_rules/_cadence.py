"""Team meeting cadence: at first every 14 days, then monthly, then quarterly (seed 003 §team).

The intervals and phase lengths are parameters of the `team_norms` parameter set in
`rules/norms.yaml`; this module only does the date arithmetic, so the team-model answer,
review reminders and case monitoring all compute the same dates.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from typing import Any, Literal

import attrs
from dateutil.relativedelta import relativedelta

Phase = Literal["initial", "middle", "late"]

PARAMETER_SET = "team_norms"
PARAMETERS = (
    "meeting_interval_initial_days",
    "meeting_initial_phase_days",
    "meeting_interval_middle_months",
    "meeting_middle_phase_until_months",
    "meeting_interval_late_months",
)


@attrs.frozen
class ReviewStatus:
    """When the next team meeting (review) is due, and whether it is overdue on a given day."""

    phase: Phase
    due: datetime.date
    overdue: bool
    days_overdue: int


def phase_on(start: datetime.date, on: datetime.date, params: Mapping[str, Any]) -> Phase:
    """The cadence phase a case that started on `start` is in on `on`."""
    if (on - start).days < params["meeting_initial_phase_days"]:
        return "initial"
    if on < add_months(start, params["meeting_middle_phase_until_months"]):
        return "middle"
    return "late"


def next_meeting(start: datetime.date, last_held: datetime.date | None, params: Mapping[str, Any]) -> datetime.date:
    """The date the next meeting is due: the last one held (or the start) plus the interval of its phase."""
    return next_meeting_in_phase(start, last_held, params)[0]


def next_meeting_in_phase(start: datetime.date, last_held: datetime.date | None, params: Mapping[str, Any]) -> tuple[datetime.date, Phase]:
    """The next meeting's due date and the phase of the cadence it was set in."""
    since = last_held or start
    if since < start:
        raise ValueError(f"last meeting {since} is before the start of the cooperation {start}")
    try:
        phase = phase_on(start, since, params)
        if phase == "initial":
            return since + datetime.timedelta(days=params["meeting_interval_initial_days"]), phase
        return add_months(since, params[f"meeting_interval_{phase}_months"]), phase
    except (OverflowError, ValueError) as err:  # found in review: a traceback for dates in 9999
        raise ValueError(f"the next meeting after {since} would fall after {datetime.date.max}") from err


@functools.lru_cache(maxsize=65_536)
def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole calendar months (the 31st falls back to the month's last day).

    Cached: monitoring asks this for the same few thousand dates again and again, and
    dateutil's `relativedelta` costs microseconds per call.
    """
    result: datetime.date = day + relativedelta(months=months)
    return result


def meeting_dates(start: datetime.date, count: int, params: Mapping[str, Any]) -> tuple[datetime.date, ...]:
    """The next `count` meeting dates after `start`, if every meeting is held when due
    (fewer if the calendar ends first, on 9999-12-31).

    >>> p = {"meeting_interval_initial_days": 14, "meeting_initial_phase_days": 84,
    ...      "meeting_interval_middle_months": 1, "meeting_middle_phase_until_months": 12,
    ...      "meeting_interval_late_months": 3}
    >>> [d.isoformat() for d in meeting_dates(datetime.date(2027, 1, 4), 7, p)]
    ['2027-01-18', '2027-02-01', '2027-02-15', '2027-03-01', '2027-03-15', '2027-03-29', '2027-04-29']
    """
    dates: list[datetime.date] = []
    last: datetime.date | None = None
    for _ in range(count):
        try:
            last = next_meeting(start, last, params)
        except ValueError:  # past the calendar's end
            break
        dates.append(last)
    return tuple(dates)


def review_status(
    start: datetime.date, last_held: datetime.date | None, on: datetime.date, params: Mapping[str, Any]
) -> ReviewStatus:
    """Whether the next meeting after `last_held` is overdue on `on` (due on the day itself is not overdue)."""
    due, phase = next_meeting_in_phase(start, last_held, params)
    late = (on - due).days
    return ReviewStatus(phase, due, late > 0, max(late, 0))
