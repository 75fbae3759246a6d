"""The team meeting cadence (seed 003 §team), the review each case agreed, and the shared `team_norms` parameter set."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from ccm_rules import RulePack
from ccm_rules.engine._cadence import (
    ReviewAgreement,
    add_months,
    meeting_dates,
    next_meeting,
    phase_on,
    review_status,
)

ON = datetime.date(2027, 1, 1)


@pytest.fixture(scope="module")
def params(pack: RulePack) -> dict[str, object]:
    return pack.parameter_set("team_norms").values_at(ON)


def test_norms_hold_the_seed_values(pack: RulePack) -> None:
    uses = pack.parameter_set("team_norms").params_at(ON)
    assert uses["labour_market_max_clients_per_worker"].value == 35
    assert uses["labour_market_max_hours_per_client_week"].value == 2
    assert (uses["act_min_clients_per_worker"].value, uses["act_max_clients_per_worker"].value) == (8, 10)
    assert uses["icm_max_clients_per_worker"].value == 19
    assert uses["meeting_interval_initial_days"].value == 14


def test_unknown_parameter_set_names_the_known_ones(pack: RulePack) -> None:
    with pytest.raises(KeyError, match="team_norms"):
        pack.parameter_set("no_such_set")


def test_first_year_schedule(params: dict[str, object]) -> None:
    dates = meeting_dates(datetime.date(2027, 1, 4), 20, params)
    gaps = [(b - a).days for a, b in zip((datetime.date(2027, 1, 4), *dates), dates, strict=False)]
    assert gaps[:6] == [14] * 6  # every 14 days for the first 84 days
    assert all(28 <= g <= 31 for g in gaps[6:14])  # then monthly
    assert all(89 <= g <= 92 for g in gaps[-3:])  # then quarterly
    assert dates[6] == datetime.date(2027, 4, 29)


def test_review_overdue_counts_days_after_due(params: dict[str, object]) -> None:
    start = datetime.date(2027, 1, 4)
    on_due = review_status(start, None, datetime.date(2027, 1, 18), params)
    assert (on_due.due, on_due.overdue, on_due.days_overdue) == (datetime.date(2027, 1, 18), False, 0)
    late = review_status(start, None, datetime.date(2027, 1, 25), params)
    assert (late.overdue, late.days_overdue, late.phase) == (True, 7, "initial")


def test_last_meeting_before_start_is_refused(params: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="before the start"):
        next_meeting(datetime.date(2027, 1, 4), datetime.date(2026, 12, 1), params)


dates = st.dates(min_value=datetime.date(2019, 1, 1), max_value=datetime.date(2040, 12, 31))


@given(start=dates, count=st.integers(min_value=1, max_value=40))
def test_meetings_strictly_later_and_never_denser_over_time(
    params: dict[str, object], start: datetime.date, count: int
) -> None:
    schedule = meeting_dates(start, count, params)
    previous = start
    previous_gap = 0
    for day in schedule:
        gap = (day - previous).days
        assert gap > 0
        assert gap >= previous_gap - 3  # month lengths vary by up to 3 days; the cadence never speeds up
        previous, previous_gap = day, gap


@given(start=dates, offset=st.integers(min_value=0, max_value=2000))
def test_phases_follow_in_order(params: dict[str, object], start: datetime.date, offset: int) -> None:
    order = ["initial", "middle", "late"]
    here = phase_on(start, start + datetime.timedelta(days=offset), params)
    later = phase_on(start, start + datetime.timedelta(days=offset + 30), params)
    assert order.index(later) >= order.index(here)


@given(start=dates, held_after=st.none() | st.integers(min_value=0, max_value=2000))
def test_next_meeting_is_the_phase_interval_after_the_last(
    params: dict[str, object], start: datetime.date, held_after: int | None
) -> None:
    """The cached month arithmetic gives dateutil's answer: last meeting + its phase's interval."""
    last = None if held_after is None else start + datetime.timedelta(days=held_after)
    since = last or start
    phase = phase_on(start, since, params)
    step = (
        relativedelta(days=params["meeting_interval_initial_days"])
        if phase == "initial"
        else relativedelta(months=params[f"meeting_interval_{phase}_months"])
    )  # type: ignore[arg-type]
    assert next_meeting(start, last, params) == since + step
    months = params["meeting_middle_phase_until_months"]
    assert isinstance(months, int)
    assert add_months(since, months) == since + relativedelta(months=months)


# ------------------------------------------------------------ the review a case agreed


days = st.integers(min_value=0, max_value=400)


@given(start=st.dates(datetime.date(2019, 1, 1), datetime.date(2030, 1, 1)), held=st.lists(days, max_size=5))
def test_the_team_cadence_agreed_at_the_start_is_the_seed_calendar(
    params: dict[str, object], start: datetime.date, held: list[int]
) -> None:
    """A case that agreed the team's cadence is due exactly when the 003 calendar says."""
    agreement = ReviewAgreement()
    agreement.agree_cadence(start)
    last = None
    for offset in sorted(held):
        last = start + datetime.timedelta(days=offset)
        agreement.held(last)
    agreed = agreement.due(lambda day: params)
    assert agreed is not None and agreed.basis == "team_cadence"
    assert agreed.due == next_meeting(start, last, params) and agreed.phase == phase_on(start, last or start, params)


@given(
    start=st.dates(datetime.date(2019, 1, 1), datetime.date(2030, 1, 1)),
    steps=st.lists(
        st.tuples(
            st.sampled_from(["held", "held_next", "interval", "date", "cadence"]),
            days,
            st.integers(min_value=1, max_value=365),
        ),
        max_size=8,
    ),
)
def test_a_case_is_due_by_its_latest_agreement(
    params: dict[str, object], start: datetime.date, steps: list[tuple[str, int, int]]
) -> None:
    """An agreed date wins until a review is held; otherwise the latest rhythm counts from the
    last review or its agreement; with no agreement there is no due date at all."""
    agreement = ReviewAgreement()
    day, fixed, rhythm, since = start, None, None, start
    for kind, gap, n in steps:
        day += datetime.timedelta(days=gap)
        if kind in ("held", "held_next"):
            agreement.held(day, day + datetime.timedelta(days=n) if kind == "held_next" else None)
            fixed, since = (day + datetime.timedelta(days=n) if kind == "held_next" else None), day
        elif kind == "interval":
            agreement.agree_interval(day, n)
            rhythm, since = ("interval", n, day), day
        elif kind == "date":
            agreement.agree_date(day + datetime.timedelta(days=n))
            fixed = day + datetime.timedelta(days=n)
        else:
            agreement.agree_cadence(day)
            rhythm, since = ("team", 0, day), day
    agreed = agreement.due(lambda d: params)
    if fixed is not None:
        assert agreed is not None and agreed.due == fixed
    elif rhythm is None:
        assert agreed is None
    elif rhythm[0] == "interval":
        assert agreed is not None and (agreed.basis, agreed.due) == (
            "plan_interval",
            since + datetime.timedelta(days=rhythm[1]),
        )
    else:
        assert agreed is not None and agreed.basis == "team_cadence" and agreed.due > since
