"""The duties of seed 002 checked over the records (`check_duties`): examples from the seed's own words, and properties."""

from __future__ import annotations

import datetime
from collections import defaultdict
from pathlib import Path
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from ccm_rules.records import (
    DUTIES,
    MAX_CLIENTS,
    MAX_MINUTES_PER_WEEK,
    Closure,
    Declaration,
    Enrolment,
    Feedback,
    FollowUp,
    Located,
    Meeting,
    Plan,
    check_duties,
    read_records,
)

EXAMPLES = Path(__file__).parent.parent / "examples" / "records"
DAY = datetime.date(2026, 3, 2)  # a Monday


def meeting(on: datetime.date = DAY, **changes: Any) -> Meeting:
    base = Meeting(
        code="K-0001",
        on=on,
        case_manager="CM-01",
        activities=("plan review",),
        assessment_case_manager="ok",
        assessment_client="ok",
        confirmed_by_case_manager=True,
        confirmed_by_client=True,
        minutes=60,
    )
    return attrs.evolve(base, **changes)


def declared(code: str = "K-0001", on: datetime.date = DAY) -> Declaration:
    return Declaration(code=code, on=on)


def findings(*records: Any, as_of: datetime.date = datetime.date(2026, 6, 30)) -> list[tuple[str, str, str]]:
    return [(f.duty, f.subject, f.status) for f in check_duties([Located(r) for r in records], as_of=as_of)]


def test_every_duty_cites_seed_002() -> None:
    assert sorted(DUTIES) == ["D1", "D2", "D3", "D4", "D5", "D6", "D7"]
    assert all(source.startswith("002_d392965ea9d1d7b7.txt §") for source in DUTIES.values())


def test_at_most_two_hours_per_client_per_week() -> None:
    """002 §10 (line 209): "ügyfelenként maximum 2 óra/ hét"."""
    assert findings(declared(), meeting(), meeting(DAY + datetime.timedelta(days=4))) == []  # 120 minutes: within
    over = findings(
        declared(),
        meeting(minutes=45),
        meeting(DAY + datetime.timedelta(days=2), minutes=45),
        meeting(DAY + datetime.timedelta(days=6), minutes=45),
    )
    assert over == [("D2", "K-0001", "not_met")]
    next_week = findings(declared(), meeting(minutes=90), meeting(DAY + datetime.timedelta(days=7), minutes=90))
    assert next_week == []  # two calendar weeks


def test_a_meeting_of_unknown_length_makes_the_week_unknown_not_within() -> None:
    assert findings(declared(), meeting(), meeting(DAY + datetime.timedelta(days=1), minutes=None)) == [
        ("D2", "K-0001", "unknown")
    ]


def _enrolments(count: int, manager: str = "CM-01") -> list[Enrolment]:
    return [Enrolment(code=f"K-{n:04d}", on=DAY, provider="P", case_manager=manager) for n in range(count)]


def test_at_most_35_clients_per_case_manager_at_one_time() -> None:
    """002 §10 (line 210): "Egy esetmenedzser egyidőben maximum 35 ügyfél esetét menedzseli"."""
    assert findings(*_enrolments(35)) == []
    assert findings(*_enrolments(36)) == [("D3", "CM-01", "not_met")]
    assert findings(*_enrolments(20), *_enrolments(20, "CM-02")) == []
    closed_one = Closure(code="K-0000", on=DAY, survey_offered=True)
    assert ("D3", "CM-01", "not_met") not in findings(
        *_enrolments(36), closed_one, FollowUp(code="K-0000", on=DAY, kind="job")
    )


def test_the_declaration_is_on_file_before_the_first_service() -> None:
    assert findings(declared(), meeting()) == []
    assert findings(declared(on=DAY + datetime.timedelta(days=1)), meeting()) == [("D1", "K-0001", "not_met")]
    assert findings(meeting()) == [("D1", "K-0001", "not_met")]


def test_each_meeting_confirmed_by_both() -> None:
    """002 §8.2 (line 194): "az esetmenedzser és az ügyfél aláírásával hitelesíti"; not recorded is unknown, not no."""
    assert findings(declared(), meeting(confirmed_by_client=None)) == [("D4", "K-0001", "unknown")]
    assert findings(declared(), meeting(confirmed_by_case_manager=False)) == [("D4", "K-0001", "not_met")]


def test_feedback_at_the_agreed_interval() -> None:
    """002 §4.1 (line 48): "Számukra meghatározott időközönként visszajelzést ad"."""
    plan = Plan(code="K-0001", on=DAY, author="labour office", feedback_interval_days=30)
    as_of = DAY + datetime.timedelta(days=45)
    assert findings(plan, as_of=as_of) == [("D5", "K-0001", "not_met")]
    fed = Feedback(code="K-0001", on=DAY + datetime.timedelta(days=29), to="commissioner", summary="measures taken")
    assert findings(plan, fed, as_of=as_of) == []
    assert findings(attrs.evolve(plan, feedback_interval_days=None), as_of=as_of) == []  # no interval agreed: none due


def test_at_closure_the_survey_offered_and_follow_up_recorded() -> None:
    """002 §8.1 (line 187) and §8.2 (line 195)."""
    follow = FollowUp(code="K-0001", on=DAY, kind="job", outcome="employed")
    assert findings(Closure(code="K-0001", on=DAY, survey_offered=True), follow) == []
    assert findings(Closure(code="K-0001", on=DAY), follow) == [("D6", "K-0001", "unknown")]
    assert findings(Closure(code="K-0001", on=DAY, survey_offered=False)) == [
        ("D6", "K-0001", "not_met"),
        ("D7", "K-0001", "not_met"),
    ]


def test_a_correction_replaces_the_entry_it_corrects() -> None:
    first = meeting(minutes=150, id="m-1")
    fixed = meeting(minutes=60, id="m-2", corrects="m-1")
    assert findings(declared(), first) == [("D2", "K-0001", "not_met")]
    assert findings(declared(), first, fixed) == []


def test_the_example_provider_meets_its_duties_until_the_logs_stop() -> None:
    items = read_records(EXAMPLES)
    assert check_duties(items, as_of=datetime.date(2026, 6, 30)) == []
    later = check_duties(items, as_of=datetime.date(2026, 9, 30))
    assert later and {f.duty for f in later} == {"D5"}  # the open cases' feedback falls due once the logs stop
    closed = {item.record.code for item in items if isinstance(item.record, Closure)}
    assert not {f.subject for f in later} & closed


_minutes = st.none() | st.integers(0, 200)


@given(st.lists(st.tuples(st.integers(0, 27), _minutes), max_size=12))
def test_the_weekly_limit_is_the_sum_of_each_calendar_week(meetings: list[tuple[int, int | None]]) -> None:
    records = [meeting(DAY + datetime.timedelta(days=d), minutes=m) for d, m in meetings]
    weeks: dict[int, list[int | None]] = defaultdict(list)
    for d, m in meetings:
        weeks[d // 7].append(m)
    expected = []
    for week in sorted(weeks):
        known = sum(m for m in weeks[week] if m is not None)
        if known > 120:
            expected.append("not_met")
        elif None in weeks[week]:
            expected.append("unknown")
    got = check_duties([Located(declared()), *map(Located, records)], as_of=datetime.date(2026, 6, 30))
    assert [f.status for f in got if f.duty == "D2"] == expected
    assert (
        check_duties([Located(declared()), *map(Located, reversed(records))], as_of=datetime.date(2026, 6, 30)) == got
    )  # order does not matter


def test_the_duties_are_rules_of_the_pack_cited_with_the_seeds_words() -> None:
    """Each duty is a rule of `record_duties` (rules/records.yaml): title in four languages, its seed line and quote."""
    from ccm_rules.engine import default_pack

    ruleset = default_pack().ruleset("record_duties")
    assert [c.id for c in ruleset.spec.criteria] == sorted(DUTIES)
    for criterion in ruleset.spec.criteria:
        assert sorted(criterion.title) == ["cs", "de", "en", "hu"]
        assert criterion.source.ref.startswith("002_d392965ea9d1d7b7.txt §") and criterion.source.quote
    assert "Project policy" in next(c for c in ruleset.spec.criteria if c.id == "D1").source.rationale


def test_the_duty_limits_are_the_team_norms_of_seed_002_on_every_date() -> None:
    """One value per concept: the duties' 120 minutes and 35 clients are team_norms' 2 hours and 35 (002 §10)."""
    from ccm_rules.engine import default_pack

    pack = default_pack()
    duties, norms = pack.ruleset("record_duties"), pack.parameter_set("team_norms")
    for on in (datetime.date(2019, 1, 1), DAY, datetime.date(2030, 1, 1)):
        params, values = duties.params_at(on), norms.values_at(on)
        assert (
            params["max_minutes_per_client_week"].value
            == 60 * values["labour_market_max_hours_per_client_week"]
            == MAX_MINUTES_PER_WEEK
        )
        assert (
            params["max_clients_per_case_manager"].value
            == values["labour_market_max_clients_per_worker"]
            == MAX_CLIENTS
        )


def test_a_finding_gives_its_reason_in_the_language_asked_and_cites_the_seed() -> None:
    """002 §10 (line 209), 150 minutes in one week: the reason in each language, with its numbers."""
    records = [Located(declared()), Located(meeting(minutes=150))]
    reasons = {lang: check_duties(records, as_of=DAY, lang=lang)[0] for lang in ("en", "cs", "hu", "de")}
    assert reasons["en"].message.startswith("150 minutes in the calendar week: more than the 120 minutes")
    assert reasons["cs"].message.startswith("150 minut v kalendářním týdnu: více než 120 minut")
    assert reasons["hu"].message.startswith("150 perc a naptári héten")
    assert reasons["de"].message.startswith("150 Minuten in der Kalenderwoche")
    finding = reasons["en"]
    assert (finding.duty, finding.status, finding.on) == ("D2", "not_met", DAY)
    assert (
        finding.source == "002_d392965ea9d1d7b7.txt §10 (line 209)"
        and finding.quote == "de ügyfelenként maximum 2 óra/ hét"
    )
    assert finding.citation == DUTIES["D2"]


def test_recorded_minutes_over_the_limit_fail_the_week_even_when_a_length_is_missing() -> None:
    """Unknown is not no, but 150 recorded minutes are already more than 2 hours whatever the missing meeting lasted."""
    got = check_duties(
        [
            Located(declared()),
            Located(meeting(minutes=150)),
            Located(meeting(DAY + datetime.timedelta(days=1), minutes=None)),
        ],
        as_of=DAY + datetime.timedelta(days=1),
    )
    assert [(f.duty, f.status) for f in got] == [("D2", "not_met")]


def test_follow_up_is_due_only_once_the_rules_days_after_closure_have_passed() -> None:
    """002 §8.2 (line 195) sets no time; the rule's follow_up_within_days (project policy, 90) does."""
    closure = Closure(code="K-0001", on=DAY, survey_offered=True)
    assert findings(closure, as_of=DAY + datetime.timedelta(days=90)) == []
    assert findings(closure, as_of=DAY + datetime.timedelta(days=91)) == [("D7", "K-0001", "not_met")]
    assert (
        findings(
            closure,
            FollowUp(code="K-0001", on=DAY + datetime.timedelta(days=95), kind="job"),
            as_of=DAY + datetime.timedelta(days=95),
        )
        == []
    )


def test_a_meeting_confirmed_by_neither_is_one_finding() -> None:
    """002 §8.2 (line 194): one duty per meeting — both sign it."""
    got = check_duties(
        [Located(declared()), Located(meeting(confirmed_by_case_manager=False, confirmed_by_client=None))], as_of=DAY
    )
    assert [(f.duty, f.status) for f in got] == [("D4", "not_met")]
    assert "case manager: no; client: not known" in got[0].message
