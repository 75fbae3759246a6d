"""Review dates: the team's meeting cadence, and the review a case has agreed (seeds 003, 004, 002).

003 (line 45) gives "at first e.g. every 14 days, then once a month, a quarter of a year",
and "the frequency always follows what the case needs": the 14 days → monthly →
quarterly sequence is the seed's *example* for an active team, a default each case may
override. Its intervals and phase lengths are parameters of the `team_norms` parameter set
in `rules/norms.yaml`; this module does the date arithmetic, so the team-model answer,
review reminders and case monitoring compute the same dates.

`ReviewAgreement` is what one case has agreed about its reviews, folded from its events:
a date (the plan's evaluation date, 004 §individual plan; or the next date set at a
review), the individual plan's interval (002 §10), or the team's cadence. A case that
has agreed none of them has no review due: monitoring raises "review overdue" only
against what was agreed for that case, never against one calendar for every model.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs
from dateutil.relativedelta import relativedelta

from ._problem_texts import CodedValueError, Message

Phase = Literal["initial", "middle", "late"]
Basis = Literal["team_cadence", "plan_interval", "plan_evaluation", "next_review"]
"""Where a case's review date comes from: the team's cadence, the plan's interval, the
plan's evaluation date, or the date set at the last review."""
CADENCES = ("team",)
"""Cadences a case can agree by name: `team`, the team's meeting cadence of `team_norms`."""
MAX_INTERVAL_DAYS = 365
"""The longest review interval a plan can set (a year; the seeds set none), so that the next
review of an event up to 9998-12-31 stays within the calendar."""

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


def next_meeting_in_phase(
    start: datetime.date, last_held: datetime.date | None, params: Mapping[str, Any]
) -> tuple[datetime.date, Phase]:
    """The next meeting's due date and the phase of the cadence it was set in.

    A `ValueError` (a `CodedValueError`, said in any language) when `last_held` is before
    `start` or the next meeting would fall after 9999-12-31.
    """
    since = last_held or start
    if since < start:
        raise CodedValueError(
            Message("review.meeting_before_start", {"last": since.isoformat(), "start": start.isoformat()})
        )
    try:
        phase = phase_on(start, since, params)
        if phase == "initial":
            return since + datetime.timedelta(days=params["meeting_interval_initial_days"]), phase
        return add_months(since, params[f"meeting_interval_{phase}_months"]), phase
    except (OverflowError, ValueError) as err:  # found in review: a traceback for dates in 9999
        raise CodedValueError(Message("review.past_calendar", {"last": since.isoformat()})) from err


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


@attrs.frozen
class AgreedDue:
    """The review a case has agreed: when it is due, on what basis, with the cadence phase or the interval."""

    due: datetime.date
    basis: Basis
    phase: Phase | None = None
    interval_days: int | None = None


@attrs.define(slots=True)
class ReviewAgreement:
    """What one case has agreed about its reviews, in the order its events came.

    A date agreed (`agree_date`: the plan's evaluation date; or the next review set at
    a review, `held`) is the next review's due date until a review is held. Otherwise a
    rhythm applies: the individual plan's interval in days (`agree_interval`) or the
    team's cadence (`agree_cadence`), counted from the last review held, or from the day
    it was agreed; the later of the two agreements replaces the earlier. With neither,
    no review is due: nothing was agreed to be late for.

    >>> a = ReviewAgreement()
    >>> a.due(lambda day: {}) is None
    True
    >>> a.agree_interval(datetime.date(2027, 1, 4), 30)
    >>> a.due(lambda day: {})
    AgreedDue(due=datetime.date(2027, 2, 3), basis='plan_interval', phase=None, interval_days=30)
    >>> a.held(datetime.date(2027, 2, 1), datetime.date(2027, 2, 15))
    >>> a.due(lambda day: {}).due, a.due(lambda day: {}).basis
    (datetime.date(2027, 2, 15), 'next_review')
    """

    fixed: datetime.date | None = None
    fixed_basis: Basis | None = None
    interval_days: int | None = None
    team_start: datetime.date | None = None
    since: datetime.date | None = None
    last_review: datetime.date | None = None

    def agree_cadence(self, on: datetime.date) -> None:
        """From `on` the case follows the team's meeting cadence (its phases count from `on`)."""
        self.team_start, self.interval_days, self.since = on, None, on

    def agree_interval(self, on: datetime.date, days: int) -> None:
        """From `on` the case is reviewed every `days` days (the individual plan's interval)."""
        self.interval_days, self.team_start, self.since = days, None, on

    def agree_date(self, due: datetime.date, basis: Basis = "plan_evaluation") -> None:
        """The next review is due on `due` (e.g. the plan's date of evaluation)."""
        self.fixed, self.fixed_basis = due, basis

    def held(self, on: datetime.date, next_review: datetime.date | None = None) -> None:
        """A review was held on `on`, setting the next one for `next_review` if it did."""
        self.last_review = self.since = on
        self.fixed, self.fixed_basis = (next_review, "next_review") if next_review is not None else (None, None)

    def due(self, params_at: Callable[[datetime.date], Mapping[str, Any]]) -> AgreedDue | None:
        """The next review agreed for the case, or None; `params_at(day)` gives the `team_norms` values in force."""
        if self.fixed is not None:
            assert self.fixed_basis is not None
            return AgreedDue(self.fixed, self.fixed_basis)
        if self.interval_days is not None:
            assert self.since is not None
            return AgreedDue(
                self.since + datetime.timedelta(days=self.interval_days),
                "plan_interval",
                interval_days=self.interval_days,
            )
        if self.team_start is not None:
            last = self.last_review if self.last_review is not None and self.last_review >= self.team_start else None
            due, phase = next_meeting_in_phase(self.team_start, last, params_at(last or self.team_start))
            return AgreedDue(due, "team_cadence", phase=phase)
        return None
