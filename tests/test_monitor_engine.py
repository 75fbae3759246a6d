"""The Python monitoring engine, the default (issue 17 item 6): duties indexed by due date, memory flat.

`PythonMonitor` no longer scans every open case at every tick: each case's agreed review
and each open goal sits in an index by due date, and a tick takes out the days before its
own. These tests hold it to the alerts of the scan it replaced (a reference written here,
independent of the index), check that a tick reads only what fell due, that the index
stays the size of the open caseload however long the log, and that `ccm-rules monitor`
runs this engine unless asked for durable-rules.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterable
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import RulePack
from ccm_rules.engine import ReviewAgreement, WeekTally, crossed
from ccm_rules.monitoring import _monitoring
from ccm_rules.monitoring._monitoring import (
    Alert,
    Event,
    Monitoring,
    PythonMonitor,
    agree,
    alert_order,
    closing_alerts,
    hours_values,
    review_values,
)
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES
from .monitor_logs import generate

DAY = datetime.date(2027, 1, 4)


@pytest.fixture(scope="module")
def monitoring(pack: RulePack) -> Monitoring:
    return Monitoring.from_pack(pack)


def scan(monitoring: Monitoring, events: Iterable[Event]) -> list[Alert]:
    """The rules read the long way: at every tick, every open case's review and goals are checked."""
    m, alerts = monitoring, []
    cases: dict[str, dict[str, Any]] = {}
    for event in events:
        kind, code = event.kind, event.case or ""
        raised: list[Alert] = []
        if kind == "tick":
            for code in sorted(cases):
                case = cases[code]
                agreed = m.agreed_review(case["review"])
                if agreed is not None and event.on > agreed.due and case["alerted"] != agreed.due:
                    case["alerted"] = agreed.due
                    raised.append(
                        Alert(
                            "M1",
                            "review_overdue",
                            event.on,
                            event.seq,
                            event.line,
                            case=code,
                            values=review_values(agreed, event.on),
                        )
                    )
                for goal, state in sorted(case["goals"].items()):
                    if event.on > state[0] and not state[1]:
                        state[1] = True
                        values = {"due": state[0], "days_overdue": (event.on - state[0]).days}
                        raised.append(
                            Alert(
                                "M2",
                                "goal_overdue",
                                event.on,
                                event.seq,
                                event.line,
                                case=code,
                                goal=goal,
                                values=values,
                            )
                        )
        elif kind == "caseload":
            norm = m.norm(event.model or "", event.on)
            if norm is not None and (event.clients or 0) > norm:
                values = {"model": event.model, "clients": event.clients, "norm": norm}
                raised.append(
                    Alert(
                        "M3", "caseload_above_norm", event.on, event.seq, event.line, worker=event.worker, values=values
                    )
                )
        elif kind == "opened":
            cases[code] = {
                "model": event.model,
                "review": ReviewAgreement(),
                "alerted": None,
                "goals": {},
                "week": WeekTally(),
            }
            agree(cases[code]["review"], event)
        elif kind in ("review_held", "plan_agreed"):
            if agree(cases[code]["review"], event):
                cases[code]["alerted"] = None
        elif kind == "goal_due":
            cases[code]["goals"][event.goal] = [event.due, False]
        elif kind in ("goal_achieved", "goal_evaluated"):
            cases[code]["goals"].pop(event.goal, None)
        elif kind == "contact":
            model, week = cases[code]["model"], cases[code]["week"]
            limit = m.hours_limit(model, event.on)
            if limit is not None:
                before, after = week.add(event.on, event.hours or 0)
                if crossed(before, after, limit):
                    raised.append(
                        Alert(
                            "M6",
                            "hours_above_limit",
                            event.on,
                            event.seq,
                            event.line,
                            case=code,
                            values=hours_values(model, week.week, after, limit),
                        )
                    )
        elif kind == "closed":
            raised.extend(closing_alerts(m, event, cases.pop(code)["model"]))
        alerts.extend(sorted(raised, key=alert_order(m)))
    return alerts


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    length=st.integers(min_value=1, max_value=400),
    codes=st.sampled_from([None, 3, 12]),
    slack=st.sampled_from([0, 5, 1024]),
)
def test_the_index_raises_what_a_scan_of_every_open_case_raises(
    pack: RulePack, seed: int, length: int, codes: int | None, slack: int
) -> None:
    """Same alerts, in the same order, as checking every open case at every tick; also when a closed
    case's code is opened again and when the index is rebuilt at every opportunity (slack 0)."""
    monitoring = Monitoring.from_pack(pack)
    events = list(generate(monitoring, seed, length, codes=codes))
    with mock.patch.object(_monitoring, "_SLACK", slack):
        assert PythonMonitor(monitoring).feed(events) == scan(monitoring, events)


def test_the_scan_reference_is_not_vacuous(monitoring: Monitoring) -> None:
    """The generated logs raise every time-based alert, and the index alerts each once."""
    events = list(generate(monitoring, 11, 3000, codes=40))
    alerts = PythonMonitor(monitoring).feed(events)
    assert alerts == scan(monitoring, events)
    rules = {a.rule for a in alerts}
    assert {"M1", "M2", "M3", "M4", "M5", "M6"} <= rules
    m1 = [(a.case, a.values["due"]) for a in alerts if a.rule == "M1"]
    assert len(m1) > 20


class CountingDict(dict[str, Any]):
    """The open cases, counting how often a case is looked up."""

    reads = 0

    def __getitem__(self, key: str) -> Any:
        CountingDict.reads += 1
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        CountingDict.reads += 1
        return super().get(key, default)


def test_a_tick_reads_only_the_duties_that_fell_due(monitoring: Monitoring) -> None:
    """10,000 open cases due in 14 days and one due tomorrow: the tick after tomorrow reads one case, not 10,001."""
    monitor = PythonMonitor(monitoring)
    log = [Event("opened", DAY, n, n, case=f"C{n}", model="icm", cadence="team") for n in range(1, 10_001)]
    log += [
        Event("opened", DAY, 10_001, 10_001, case="late", model="icm"),
        Event("plan_agreed", DAY, 10_002, 10_002, case="late", review_on=DAY + datetime.timedelta(days=1)),
    ]
    assert monitor.feed(log) == []
    monitor.cases = CountingDict(monitor.cases)
    CountingDict.reads = 0
    alerts = monitor.handle(Event("tick", DAY + datetime.timedelta(days=2), 10_003, 10_003))
    assert [(a.rule, a.case) for a in alerts] == [("M1", "late")]
    assert CountingDict.reads == 1
    CountingDict.reads = 0
    assert monitor.handle(Event("tick", DAY + datetime.timedelta(days=3), 10_004, 10_004)) == []
    assert CountingDict.reads == 0  # nothing fell due: nothing is read
    alerts = monitor.handle(Event("tick", DAY + datetime.timedelta(days=15), 10_005, 10_005))
    assert len(alerts) == 10_000 and [a.case for a in alerts] == sorted(f"C{n}" for n in range(1, 10_001))


def test_the_index_stays_the_size_of_the_open_caseload(monitoring: Monitoring) -> None:
    """200,000 events re-dating goals and holding reviews of 10 cases, never a tick: the index stays small."""
    monitor = PythonMonitor(monitoring)
    seq = 0

    def event(kind: str, **fields: Any) -> Event:
        nonlocal seq
        seq += 1
        return Event(kind, DAY, seq, seq, **fields)  # type: ignore[arg-type]

    for n in range(10):
        monitor.handle(event("opened", case=f"C{n}", model="icm", cadence="team"))
    sizes = []
    for step in range(100_000):
        code = f"C{step % 10}"
        monitor.handle(event("goal_due", case=code, goal="G", due=DAY + datetime.timedelta(days=30 + step % 500)))
        monitor.handle(event("review_held", case=code))
        sizes.append(monitor.indexed())
    assert monitor.armed() == 20  # one review and one goal per case
    assert max(sizes) <= 2 * 20 + _monitoring._SLACK + 1
    for n in range(10):
        monitor.handle(event("closed", case=f"C{n}", reason="stabilised"))
    assert monitor.armed() == 0 and monitor.cases == {}


def test_an_alerted_duty_alerts_once_and_a_new_agreement_rearms_it(monitoring: Monitoring) -> None:
    """003's cadence: due 14 days after opening; alerted once; a review held re-arms it for the next date."""
    monitor = PythonMonitor(monitoring)
    later = [DAY + datetime.timedelta(days=d) for d in (15, 16, 20, 60)]
    log = [
        Event("opened", DAY, 1, 1, case="C", model="icm", cadence="team"),
        Event("tick", later[0], 2, 2),
        Event("tick", later[1], 3, 3),
    ]
    log += [Event("review_held", later[2], 4, 4, case="C"), Event("tick", later[3], 5, 5)]
    alerts = monitor.feed(log)
    assert [(a.seq, a.values["due"]) for a in alerts] == [
        (2, DAY + datetime.timedelta(days=14)),
        (5, later[2] + datetime.timedelta(days=14)),
    ]


def test_monitor_runs_the_python_engine_by_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, the default was durable-rules, which cannot load on Python 3.13 (exit 3)."""
    monkeypatch.setitem(sys.modules, "durable_rules_engine", None)  # as where durable-rules is not installed
    assert main(["monitor", str(EXAMPLES / "monitoring/icm_and_act.jsonl"), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert '"engine": "python"' in out and out.count('"rule": "M1"') == 2


def test_the_help_names_the_default_engine(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "(default: python)" in help_text and "durable-rules" in help_text
