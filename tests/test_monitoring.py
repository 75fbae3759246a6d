"""Case monitoring: the event-log reader, the plain-Python rules (oracle) and `ccm-rules monitor`."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccm_rules import InputFileError, RulePack
from ccm_rules.engine._cadence import next_meeting, phase_on
from ccm_rules.monitoring._monitoring import (
    EventReader,
    Monitoring,
    PythonMonitor,
    alert_message,
    read_events,
)
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES

LOGS = sorted((EXAMPLES / "monitoring").glob("*.jsonl"))


@pytest.fixture(scope="module")
def monitoring(pack: RulePack) -> Monitoring:
    return Monitoring.from_pack(pack)


def replay(monitoring: Monitoring, lines: list[str]) -> list[tuple[str, str, str | None]]:
    alerts = PythonMonitor(monitoring).feed(read_events(lines, monitoring))
    return [(a.rule, a.on.isoformat(), a.case or a.worker) for a in alerts]


def ev(**fields: object) -> str:
    return json.dumps(fields)


def test_thresholds_come_from_the_shared_norms(monitoring: Monitoring) -> None:
    on = datetime.date(2027, 1, 1)
    assert (monitoring.norm("act", on), monitoring.norm("icm", on), monitoring.norm("labour_market", on)) == (
        10,
        19,
        35,
    )
    assert monitoring.norm("team_cm", on) is None
    assert monitoring.models["icm"].closure_reasons == ["stabilised", "refuses_cooperation", "long_term_hospitalised"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cases=st.lists(
        st.tuples(
            st.dates(datetime.date(2019, 1, 1), datetime.date(2031, 1, 1)), st.integers(min_value=-1, max_value=900)
        ),
        min_size=1,
        max_size=40,
    )
)
def test_cached_review_dates_are_the_cadences(monitoring: Monitoring, cases: list[tuple[datetime.date, int]]) -> None:
    """`review_due` (month arithmetic cached in `add_months`) answers as the cadence's own functions."""
    for start, offset in cases * 2:  # the second pass is answered from the cache
        last = None if offset < 0 else start + datetime.timedelta(days=offset)
        params = monitoring.params_at(last or start)
        assert monitoring.review_due(start, last) == (
            next_meeting(start, last, params),
            phase_on(start, last or start, params),
        )


@pytest.mark.parametrize("log", LOGS, ids=lambda p: p.stem)
def test_shipped_logs_give_the_expected_alerts(monitoring: Monitoring, log: Path) -> None:
    expected = json.loads(log.with_suffix(".expected.json").read_text())
    alerts = PythonMonitor(monitoring).feed(read_events(log.read_text().splitlines(), monitoring))
    got = [
        {
            "rule": a.rule,
            "on": a.on.isoformat(),
            **{k: v for k, v in (("case", a.case), ("worker", a.worker), ("goal", a.goal)) if v},
        }
        for a in alerts
    ]
    assert got == expected


def test_review_due_day_is_not_overdue_and_alerts_once(monitoring: Monitoring) -> None:
    log = [ev(event="opened", on="2027-01-04", case="C1", model="icm", cadence="team")]
    assert replay(monitoring, [*log, ev(event="tick", on="2027-01-18")]) == []
    ticks = [ev(event="tick", on=f"2027-01-{d}") for d in (19, 20, 25)]
    assert replay(monitoring, log + ticks) == [("M1", "2027-01-19", "C1")]
    held = [ev(event="review_held", on="2027-01-21", case="C1"), ev(event="tick", on="2027-02-05")]
    assert replay(monitoring, log + ticks[:1] + held) == [("M1", "2027-01-19", "C1"), ("M1", "2027-02-05", "C1")]


def test_goal_alert_needs_no_evaluation_and_a_tick_after_due(monitoring: Monitoring) -> None:
    log = [
        ev(event="opened", on="2027-01-04", case="C1", model="team_cm"),
        ev(event="goal_due", on="2027-01-04", case="C1", goal="G1", due="2027-01-10"),
        ev(event="goal_due", on="2027-01-04", case="C1", goal="G2", due="2027-01-10"),
        ev(event="goal_evaluated", on="2027-01-09", case="C1", goal="G2", achieved=False),
        ev(event="tick", on="2027-01-11"),
    ]
    alerts = PythonMonitor(monitoring).feed(read_events(log, monitoring))
    assert [(a.rule, a.goal, a.values["days_overdue"]) for a in alerts] == [("M2", "G1", 1)]


@pytest.mark.parametrize(
    ("model", "reason", "rule"),
    [
        ("act", "stabilised", "M4"),
        ("icm", None, "M5"),
        ("icm", "other", "M5"),
        ("icm", "refuses_cooperation", None),
        ("labour_market", None, None),
    ],
)
def test_closure_rules(monitoring: Monitoring, model: str, reason: str | None, rule: str | None) -> None:
    closed = {"event": "closed", "on": "2027-02-01", "case": "C1"} | ({"reason": reason} if reason else {})
    got = replay(monitoring, [ev(event="opened", on="2027-01-04", case="C1", model=model), json.dumps(closed)])
    assert got == ([(rule, "2027-02-01", "C1")] if rule else [])


def test_caseload_above_norm_only(monitoring: Monitoring) -> None:
    log = [ev(event="caseload", on="2027-01-04", worker="W1", model="icm", clients=n) for n in (19, 20)]
    assert replay(monitoring, log) == [("M3", "2027-01-04", "W1")]


def test_messages_in_every_language(monitoring: Monitoring) -> None:
    log = [ev(event="opened", on="2027-01-04", case="C1", model="icm"), ev(event="closed", on="2027-01-05", case="C1")]
    alert = PythonMonitor(monitoring).feed(read_events(log, monitoring))[0]
    texts = {lang: alert_message(alert, monitoring, lang) for lang in ("en", "cs", "hu", "de")}
    assert "no reason given" in texts["en"] and "bez uvedení důvodu" in texts["cs"]
    assert (
        "klient je stabilizovaný" in texts["cs"]
        and "Klient ist stabilisiert" in texts["de"]
        and "stabilizálódott" in texts["hu"]
    )


def test_every_bad_line_is_reported_with_its_line(monitoring: Monitoring) -> None:
    lines = [
        ev(event="opened", on="2027-01-04", case="C1", model="icm"),
        ev(event="opened", on="2027-01-04", case="C5", model="acct"),
        "{not json",
        ev(event="review_held", on="2027-01-05", case="C9"),
        ev(event="caseload", on="2027-01-06", worker="W1", model="icm", clients=-1, name="x"),
        ev(event="tick", on="2027-01-01"),
        "",
        ev(event="goal_achieved", on="2027-01-07", case="C2", goal="G1"),
        ev(event="explode", on="2027-01-08"),
    ]
    with pytest.raises(InputFileError) as info:
        read_events(lines, monitoring, "log.jsonl")
    found = [(p.line, p.path) for p in info.value.problems]
    assert found == [(2, "$.model"), (3, "$"), (4, "$.case"), (5, "$.name"), (6, "$.on"), (8, "$.case"), (9, "$.event")]
    assert "did you mean" not in str(info.value) and "unknown model 'acct'" in str(info.value)
    assert "events must be in date order" in str(info.value)


def test_cli_text_json_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    log = str(EXAMPLES / "monitoring/icm_and_act.jsonl")
    assert main(["monitor", log, "--lang", "hu", "--engine", "python"]) == 1
    out = capsys.readouterr().out
    assert "Az esetszám meghaladja a modell normáját" in out and "sha256:" in out
    assert main(["monitor", log, "--format", "json", "--engine", "python"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [a["rule"] for a in data["alerts"]] == ["M3", "M1", "M1", "M2", "M5", "M4"]
    assert data["pack"]["content_hash"].startswith("sha256:") and data["alerts"][0]["values"]["norm"] == 10


def test_cli_bad_log_exits_2_naming_line_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "events.jsonl"
    log.write_text(
        ev(event="opened", on="2027-01-04", case="C1", model="icm")
        + "\n"
        + ev(event="closed", on="04/01/2027", case="C1")
        + "\n"
    )
    assert main(["monitor", str(log), "--engine", "python"]) == 2
    err = capsys.readouterr().err
    assert f"{log}:2: expected a date (YYYY-MM-DD), got the text '04/01/2027' @ $.on" in err and "Traceback" not in err
    assert main(["monitor", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read file" in capsys.readouterr().err


@pytest.mark.parametrize("engine", ["python", "durable"])
def test_a_bad_line_after_alerts_lists_every_problem_and_no_alerts(
    engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The log is read once, streaming into the engine: problems found late still refuse the whole log."""
    if engine == "durable":
        pytest.importorskip(
            "durable.engine",
            reason="the durable engine needs the 'events' extra: pip install -e '.[events]' (Python < 3.13)",
        )
    good = (EXAMPLES / "monitoring/icm_and_act.jsonl").read_text(encoding="utf-8").splitlines()
    log = tmp_path / "log.jsonl"
    log.write_text(
        "\n".join([*good, '{"event": "tick", "on": "1999-01-01"}', *good[:1], "not json"]) + "\n", encoding="utf-8"
    )
    assert main(["monitor", str(log), "--engine", engine]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # no alerts from a log that is not valid
    assert (
        f"log.jsonl:{len(good) + 1}" in err
        and f"log.jsonl:{len(good) + 2}" in err
        and f"log.jsonl:{len(good) + 3}" in err
    )


json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 40)
    | st.sampled_from(["2027-01-04", "2027-02-30", "2027-W01-1", "C1", "icm", "", " "]),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2),
    max_leaves=4,
)
event_line = st.fixed_dictionaries(
    {"event": st.sampled_from(["opened", "review_held", "goal_due", "closed", "caseload", "tick", "nope", 3])},
    optional=dict.fromkeys(
        ("on", "case", "model", "goal", "due", "reason", "worker", "clients", "achieved", "x"), json_value
    ),
).map(json.dumps)
any_line = event_line | st.text(max_size=12) | st.sampled_from(["", "\n", "  \t\n", "[]", "null", "{"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(any_line, max_size=8))
def test_the_reader_reads_or_reports_every_line_and_never_raises(monitoring: Monitoring, lines: list[str]) -> None:
    """The event parser as a specification: each line is an event, blank, or reported with its
    line number; a reported line yields no event; blank lines are never reported."""
    reader = EventReader(monitoring, "log.jsonl")
    for number, text in enumerate(lines, start=1):
        before = len(reader.problems)
        event = reader.read(text, number)
        reported = reader.problems[before:]
        assert all(p.line == number and p.file == "log.jsonl" for p in reported)
        if not text.strip():
            assert event is None and not reported
        elif event is None:
            assert reported
        else:
            assert not reported and event.line == number and event.kind == json.loads(text)["event"]
            assert event.on.isoformat() == json.loads(text)["on"]  # only YYYY-MM-DD (3.11 would also read 2027-W01-1)


def test_unhashable_codes_and_a_stray_byte_order_mark_are_reported(monitoring: Monitoring) -> None:
    """Found in review: a list as model or reason raised TypeError; a BOM inside a log was
    reported as 'Expecting value' instead of naming the mark."""
    lines = [
        ev(event="opened", on="2027-01-04", case="C1", model=["icm"]),
        ev(event="opened", on="2027-01-04", case="C2", model="icm"),
        ev(event="closed", on="2027-01-05", case="C2", reason={"why": "x"}),
        "\ufeff" + ev(event="tick", on="2027-01-06"),
    ]
    with pytest.raises(InputFileError) as info:
        read_events(lines, monitoring, "log.jsonl")
    assert [(p.line, p.path) for p in info.value.problems] == [(1, "$.model"), (3, "$.reason"), (4, "$")]
    assert "Unexpected UTF-8 BOM" in str(info.value)


def test_cli_reads_a_log_that_starts_with_a_byte_order_mark(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "events.jsonl"
    log.write_text(
        ev(event="opened", on="2027-01-04", case="C1", model="icm") + "\n" + ev(event="tick", on="2027-01-05") + "\n",
        encoding="utf-8-sig",
    )
    assert main(["monitor", str(log), "--engine", "python"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_event_dates_are_strict_and_end_a_year_before_the_calendar(monitoring: Monitoring) -> None:
    """Found in review: 2027-W01-1 was read as 2027-01-04, and an event in 9999 gave a traceback."""
    lines = [ev(event="tick", on="2027-W01-1"), ev(event="tick", on="20270104xx"), ev(event="tick", on="9999-12-25")]
    with pytest.raises(InputFileError) as info:
        read_events(lines, monitoring, "log.jsonl")
    assert [(p.line, p.path) for p in info.value.problems] == [(1, "$.on"), (2, "$.on"), (3, "$.on")]
    assert "too late" in info.value.problems[2].message


def test_an_event_before_the_norms_are_in_force_is_named_at_its_line(monitoring: Monitoring) -> None:
    """Found in review: the engines failed with no line number, each naming another parameter."""
    lines = [ev(event="opened", on="2018-06-01", case="C1", model="icm"), ev(event="tick", on="2018-06-02")]
    with pytest.raises(InputFileError) as info:
        read_events(lines, monitoring, "log.jsonl")
    assert [(p.line, p.path) for p in info.value.problems] == [(1, "$.on"), (2, "$.on")]
    assert "have no values in force on 2018-06-01" in info.value.problems[0].message


# ------------------------------------------------------------ item 8: the review agreed for the case


def test_no_review_is_overdue_when_none_was_agreed(monitoring: Monitoring) -> None:
    """003: "četnost se vždy odvíjí od potřeby" — the frequency follows the case. Before: every case,
    whatever its model, was held to 14 days → monthly → quarterly and alerted on 2027-01-19."""
    log = [
        ev(event="opened", on="2027-01-04", case=f"C{m}", model=m) for m in ("icm", "act", "labour_market", "team_cm")
    ]
    log += [
        ev(event="plan_agreed", on="2027-01-05", case="Cicm"),
        ev(event="tick", on="2027-01-19"),
        ev(event="tick", on="2028-01-19"),
    ]
    assert replay(monitoring, log) == []


@pytest.mark.parametrize(
    ("agreement", "due", "basis"),
    [
        (
            [ev(event="plan_agreed", on="2027-01-11", case="C1", review_on="2027-03-31")],
            "2027-03-31",
            "plan_evaluation",
        ),
        ([ev(event="plan_agreed", on="2027-01-11", case="C1", interval_days=30)], "2027-02-10", "plan_interval"),
        ([ev(event="plan_agreed", on="2027-01-11", case="C1", cadence="team")], "2027-01-25", "team_cadence"),
        (
            [
                ev(event="plan_agreed", on="2027-01-11", case="C1", cadence="team"),
                ev(event="review_held", on="2027-01-20", case="C1", next_review="2027-03-01"),
            ],
            "2027-03-01",
            "next_review",
        ),
        # a case overrides the team's default with its plan's interval, counted from its last review
        (
            [
                ev(event="plan_agreed", on="2027-01-11", case="C1", cadence="team"),
                ev(event="plan_agreed", on="2027-01-12", case="C1", interval_days=7),
                ev(event="review_held", on="2027-01-15", case="C1"),
            ],
            "2027-01-22",
            "plan_interval",
        ),
    ],
)
def test_a_review_is_overdue_against_what_the_case_agreed(
    monitoring: Monitoring, agreement: list[str], due: str, basis: str
) -> None:
    log = [ev(event="opened", on="2027-01-04", case="C1", model="icm"), *agreement]
    day = datetime.date.fromisoformat(due)
    on_due = ev(event="tick", on=due)
    late = ev(event="tick", on=(day + datetime.timedelta(days=2)).isoformat())
    assert replay(monitoring, [*log, on_due]) == []
    alerts = PythonMonitor(monitoring).feed(read_events([*log, on_due, late], monitoring))
    assert [(a.rule, a.values["due"].isoformat(), a.values["basis"], a.values["days_overdue"]) for a in alerts] == [
        ("M1", due, basis, 2)
    ]
    assert "2 days overdue" in alert_message(alerts[0], monitoring, "en")


def test_a_date_agreed_for_a_review_is_consumed_by_the_review(monitoring: Monitoring) -> None:
    log = [
        ev(event="opened", on="2027-01-04", case="C1", model="team_cm"),
        ev(event="plan_agreed", on="2027-01-11", case="C1", review_on="2027-02-01"),
        ev(event="review_held", on="2027-01-30", case="C1"),
        ev(event="tick", on="2027-06-01"),
    ]
    assert replay(monitoring, log) == []  # reviewed before the date; no rhythm agreed, so nothing is due next


def test_review_agreements_are_checked(monitoring: Monitoring) -> None:
    lines = [
        ev(event="opened", on="2027-01-04", case="C1", model="icm", cadence="monthly"),
        ev(event="opened", on="2027-01-04", case="C2", model="icm"),
        ev(event="plan_agreed", on="2027-01-05", case="C2", interval_days=0),
        ev(event="plan_agreed", on="2027-01-05", case="C2", review_on="2027-01-01"),
        ev(event="review_held", on="2027-01-06", case="C2", next_review="2027-13-01"),
        ev(event="contact", on="2027-01-06", case="C2", hours=-1),
        ev(event="contact", on="2027-01-06", case="C2"),
    ]
    with pytest.raises(InputFileError) as info:
        read_events(lines, monitoring, "log.jsonl")
    assert [(p.line, p.path) for p in info.value.problems] == [
        (1, "$.cadence"),
        (3, "$.interval_days"),
        (4, "$.review_on"),
        (5, "$.next_review"),
        (6, "$.hours"),
        (7, "$.hours"),
    ]
    assert "unknown cadence 'monthly'; cadences: team" in str(info.value)


# ------------------------------------------------------------ item 9: hours for each client in each week


def test_hours_alert_per_client_and_week_once(monitoring: Monitoring) -> None:
    """002 §10: "ügyfelenként maximum 2 óra/ hét". Before: no event carried hours; nothing was checked."""
    log = [
        ev(event="opened", on="2027-01-04", case="K1", model="labour_market"),
        ev(event="opened", on="2027-01-04", case="K2", model="icm"),
        ev(event="contact", on="2027-01-04", case="K1", hours=1.5),
        ev(event="contact", on="2027-01-05", case="K2", hours=5),  # ICM sets no hours limit
        ev(event="contact", on="2027-01-06", case="K1", hours=0.5),  # 2.0: at the limit, not over
        ev(event="contact", on="2027-01-08", case="K1", hours=0.25),  # 2.25: over
        ev(event="contact", on="2027-01-09", case="K1", hours=1),  # still the same week: alerted once
        ev(event="contact", on="2027-01-11", case="K1", hours=2),  # a new week (Monday)
    ]
    alerts = PythonMonitor(monitoring).feed(read_events(log, monitoring))
    assert [(a.rule, a.line, a.values["week"].isoformat(), a.values["hours"]) for a in alerts] == [
        ("M6", 6, "2027-01-04", 2.25)
    ]
    assert alert_message(alerts[0], monitoring, "en") == (
        "Case K1 (labour-market case management): 2.25 hours in the week of 2027-01-04, above the limit of 2 hours a week for each client."
    )


def test_cli_json_reports_where_the_review_date_came_from(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["monitor", str(EXAMPLES / "monitoring/agreed_reviews.jsonl"), "--format", "json", "--engine", "python"])
        == 1
    )
    data = json.loads(capsys.readouterr().out)
    assert [(a["rule"], a["values"].get("basis")) for a in data["alerts"]] == [
        ("M6", None),
        ("M1", "plan_interval"),
        ("M1", "next_review"),
        ("M1", "plan_evaluation"),
    ]
