"""Hours for each client in each week (seed 002 §10): one reading for the caseload check and monitoring.

002 §10 (line 209): "ügyfelenként maximum 2 óra/ hét" — at most 2 hours a week *for each
client*. The limit binds every client in every week, so it is checked per client and
calendar week (Monday to Sunday), never as an average over clients or weeks: a worker
whose clients average 1.5 hours may still give one client 3 hours in one week.

`ccm_rules.team` (caseload) checks a team file's contacts with `client_weeks_over`; monitoring
(`PythonMonitor` and the durable-rules engine) folds `contact` events with `WeekTally`.
Both add hours exactly (as fractions of their decimal text) and call a week over the
limit when its total is strictly above it, so the two always name the same client-weeks.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from fractions import Fraction

import attrs


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the calendar week (Monday to Sunday) that `day` falls in."""
    return day - datetime.timedelta(days=day.weekday())


def exact(hours: float | int | Fraction) -> Fraction:
    """Hours as an exact fraction of their decimal text (0.1 is one tenth, not a binary float)."""
    return hours if isinstance(hours, Fraction) else Fraction(str(hours))


@attrs.frozen
class ClientWeek:
    """One client's hours in one calendar week (`week` is its Monday), and by how much they exceed the limit."""

    client: str
    week: datetime.date
    hours: float
    over_by: float


def client_weeks_over(
    contacts: Iterable[tuple[str, datetime.date, float | int]], limit: float | int
) -> tuple[ClientWeek, ...]:
    """Every client-week whose hours add up to more than `limit`, by week then client.

    >>> d = datetime.date
    >>> client_weeks_over([("K1", d(2027, 1, 4), 1.5), ("K1", d(2027, 1, 10), 1), ("K2", d(2027, 1, 5), 2)], 2)
    (ClientWeek(client='K1', week=datetime.date(2027, 1, 4), hours=2.5, over_by=0.5),)
    """
    totals: dict[tuple[datetime.date, str], Fraction] = {}
    for client, day, hours in contacts:
        key = (week_of(day), client)
        totals[key] = totals.get(key, Fraction(0)) + exact(hours)
    cap = exact(limit)
    return tuple(
        ClientWeek(client, week, float(total), float(total - cap))
        for (week, client), total in sorted(totals.items())
        if total > cap
    )


@attrs.define(slots=True)
class WeekTally:
    """A running total of one case's hours in its current week, for a log read in date order.

    `add` returns the totals before and after a contact; a week is over the limit from the
    contact that takes its total above it (`crossed`), which is when monitoring alerts, once.
    """

    week: datetime.date | None = None
    total: Fraction = Fraction(0)

    def add(self, day: datetime.date, hours: float | int) -> tuple[Fraction, Fraction]:
        week = week_of(day)
        if week != self.week:
            self.week, self.total = week, Fraction(0)
        before = self.total
        self.total = before + exact(hours)
        return before, self.total


def crossed(before: Fraction, after: Fraction, limit: float | int) -> bool:
    """Whether a contact took the week's total from within `limit` to above it."""
    cap = exact(limit)
    return before <= cap < after
