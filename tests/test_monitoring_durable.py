"""Case monitoring on durable-rules: same alerts as the plain-Python oracle, at scale, or a clear refusal."""

from __future__ import annotations

import datetime
import random
import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccm_rules import RulePack
from ccm_rules._monitoring import Event, Monitoring, PythonMonitor
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES

pytest.importorskip("durable_rules_engine", reason="durable-rules (extra 'events') is not installed")

from ccm_rules_adapters.events import DurableMonitor, EngineUnavailableError, compile_ruleset


@pytest.fixture(scope="module")
def monitoring(pack: RulePack) -> Monitoring:
    return Monitoring.from_pack(pack)


def generate(monitoring: Monitoring, seed: int, length: int, start: datetime.date = datetime.date(2027, 1, 4)) -> Iterator[Event]:
    """A valid random event log: cases opened, reviewed, goals set and evaluated, closures, caseloads, ticks."""
    rnd = random.Random(seed)
    models, reasons = list(monitoring.models), [None, *monitoring.reasons]
    day, open_cases, goals, next_case = start, {}, {}, 0
    for seq in range(1, length + 1):
        day += datetime.timedelta(days=rnd.choice((0, 0, 1, 3, 9)))
        roll = rnd.random()
        fields: dict[str, object] = {}
        if roll < 0.15 or not open_cases:
            next_case += 1
            kind, case = "opened", f"C{next_case % 7}x{next_case}"
            open_cases[case] = rnd.choice(models)
            fields = {"case": case, "model": open_cases[case]}
        elif roll < 0.35:
            kind = "tick"
        elif roll < 0.45:
            kind = "caseload"
            fields = {"worker": f"W{rnd.randrange(5)}", "model": rnd.choice(models), "clients": rnd.randrange(45)}
        else:
            case = rnd.choice(sorted(open_cases))
            open_goals = sorted(g for c, g in goals if c == case)
            pick = rnd.random()
            if pick < 0.3:
                kind = "review_held"
            elif pick < 0.5:
                kind = "goal_due"
                goal = rnd.choice(["G1", "G2", "G3"])
                goals[(case, goal)] = True
                fields = {"goal": goal, "due": (day + datetime.timedelta(days=rnd.randrange(-5, 60))).isoformat()}
            elif pick < 0.65 and open_goals:
                kind = rnd.choice(["goal_achieved", "goal_evaluated"])
                goal = rnd.choice(open_goals)
                del goals[(case, goal)]
                fields = {"goal": goal} | ({"achieved": rnd.random() < 0.5} if kind == "goal_evaluated" else {})
            elif pick < 0.8:
                kind = rnd.choice(["assessed", "plan_agreed", "hospitalised"])
            else:
                kind = "closed"
                del open_cases[case]
                for key in [k for k in goals if k[0] == case]:
                    del goals[key]
                reason = rnd.choice(reasons)
                fields = {"reason": reason} if reason else {}
            fields["case"] = case
        due = fields.pop("due", None)
        yield Event(kind, day, seq, seq, due=datetime.date.fromisoformat(due) if isinstance(due, str) else None, **fields)  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32), length=st.integers(min_value=1, max_value=300), chunk=st.integers(min_value=1, max_value=400))
def test_durable_rules_give_the_oracles_alerts(monitoring: Monitoring, seed: int, length: int, chunk: int) -> None:
    events = list(generate(monitoring, seed, length))
    expected = PythonMonitor(monitoring).feed(events)
    with DurableMonitor(monitoring) as engine:
        got = []
        for index in range(0, len(events), chunk):  # fed in pieces, as a stream would be
            got.extend(engine.feed(events[index : index + chunk]))
    assert got == expected


def test_ten_thousand_open_cases_in_one_session(monitoring: Monitoring) -> None:
    day = datetime.date(2027, 1, 4)
    opened = [Event("opened", day, n, n, case=f"C{n}", model="icm") for n in range(1, 12_001)]
    tick = Event("tick", day + datetime.timedelta(days=15), 12_001, 12_001)
    with DurableMonitor(monitoring) as engine:
        assert engine.feed(opened) == []
        alerts = engine.feed([tick])
        assert len(alerts) == 12_000 and {a.rule for a in alerts} == {"M1"}
        assert engine.feed([Event("tick", tick.on + datetime.timedelta(days=1), 12_002, 12_002)]) == []  # alerted once
        assert engine.facts() == 0  # alerted reviews left the engine; nothing else is held


def test_compiled_rules_follow_the_rule_data(monitoring: Monitoring) -> None:
    rules = compile_ruleset(monitoring)
    assert sorted(rules) == ["M1", "M2", "M3", "M4", "M5.icm"]
    icm = rules["M5.icm"]["all"][0]["m"]["$and"]
    assert {"$neq": {"reason": "stabilised"}} in icm[2]["$or"][1]["$and"]


def test_cli_durable_engine_matches_expected(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", str(EXAMPLES / "monitoring/icm_and_act.jsonl"), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert '"engine": "durable"' in out and out.count('"rule": "M1"') == 2


def test_without_durable_rules_monitor_says_why(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], monitoring: Monitoring) -> None:
    monkeypatch.setitem(sys.modules, "durable_rules_engine", None)  # import now fails, as on Python 3.13
    with pytest.raises(EngineUnavailableError, match="ccm-rules\\[events\\]"):
        DurableMonitor(monitoring)
    log = str(EXAMPLES / "monitoring/icm_and_act.jsonl")
    assert main(["monitor", log]) == 2
    err = capsys.readouterr().err
    assert "needs durable-rules" in err and "--engine python" in err and "Traceback" not in err
    assert main(["monitor", log, "--engine", "python"]) == 1  # the rest still works
