"""Case monitoring on durable-rules, the optional engine: same alerts as the default Python engine, at scale, or a clear refusal.

Skipped, with the install command, where the extra 'events' is missing (durable-rules has no
wheel and does not import on Python 3.13+).
"""

from __future__ import annotations

import datetime
import json
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccm_rules import RulePack
from ccm_rules.monitoring._monitoring import Alert, Event, Monitoring, PythonMonitor
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES
from .monitor_logs import generate

pytest.importorskip(
    "durable_rules_engine",
    reason="durable-rules is not installed: pip install -e '.[events]' (Python < 3.13, a C compiler)",
)

from ccm_rules_adapters.events import DurableMonitor, EngineUnavailableError, compile_ruleset, load_engine
from ccm_rules_adapters.events import _durable as durable_module
from ccm_rules_adapters.events._durable import _Ids, fnv1a_32


@pytest.fixture(scope="module")
def monitoring(pack: RulePack) -> Monitoring:
    return Monitoring.from_pack(pack)


def replay(monitor: DurableMonitor, events: list[Event], chunk: int) -> list[Alert]:
    got = []
    for index in range(0, len(events), chunk):  # fed in pieces, as a stream would be
        got.extend(monitor.feed(events[index : index + chunk]))
    return got


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    length=st.integers(min_value=1, max_value=300),
    chunk=st.integers(min_value=1, max_value=400),
    bucket_days=st.sampled_from([1, 7, 30]),
)
def test_durable_rules_give_the_oracles_alerts(
    monitoring: Monitoring, seed: int, length: int, chunk: int, bucket_days: int
) -> None:
    events = list(generate(monitoring, seed, length))
    expected = PythonMonitor(monitoring).feed(events)
    with DurableMonitor(monitoring, bucket_days=bucket_days) as engine:
        assert replay(engine, events, chunk) == expected


def _mutated(rule: str, old: str, new: str) -> Callable[[Monitoring], dict[str, Any]]:
    def compile_mutated(monitoring: Monitoring) -> dict[str, Any]:
        definition = compile_ruleset(monitoring)
        text = json.dumps(definition[rule])
        assert old in text
        definition[rule] = json.loads(text.replace(old, new))
        return definition

    return compile_mutated


@pytest.mark.parametrize(
    ("rule", "old", "new"),
    [
        ("M1", "$gt", "$gte"),
        ("M2", "$gt", "$lt"),
        ("M3", "$gt", "$gte"),
        ("M4", '"act"', '"icm"'),
        ("M6", '"$gt"', '"$gte"'),
        ("M6", '"labour_market"', '"icm"'),
    ],
)
def test_the_engine_decides_a_mutated_rule_changes_the_alerts(
    monitoring: Monitoring, monkeypatch: pytest.MonkeyPatch, rule: str, old: str, new: str
) -> None:
    """If Python decided the alerts, changing the engine's rule would change nothing."""
    events = list(generate(monitoring, 7, 3000))
    expected = PythonMonitor(monitoring).feed(events)
    with DurableMonitor(monitoring) as engine:
        assert replay(engine, events, 500) == expected
    monkeypatch.setattr(durable_module, "compile_ruleset", _mutated(rule, old, new))
    with DurableMonitor(monitoring) as engine:
        assert replay(engine, events, 500) != expected


def test_case_codes_whose_engine_ids_would_collide(monitoring: Monitoring) -> None:
    """durable-rules identifies a fact by a 32-bit FNV-1a hash of its id; "r:C-0667786" and "r:C-1526240" share one."""
    assert fnv1a_32("r:C-0667786") == fnv1a_32("r:C-1526240")
    day = datetime.date(2027, 1, 4)
    log = [
        Event("opened", day, 1, 1, case="C-0667786", model="icm", cadence="team"),
        Event("opened", day, 2, 2, case="C-1526240", model="icm", cadence="team"),
    ]
    log.append(Event("tick", day + datetime.timedelta(days=15), 3, 3))
    with DurableMonitor(monitoring) as engine:
        assert [(a.rule, a.case) for a in engine.feed(log)] == [("M1", "C-0667786"), ("M1", "C-1526240")]


def test_the_engine_hashes_ids_as_assumed_and_the_pool_avoids_collisions() -> None:
    dre = load_engine()
    handle = dre.create_ruleset("ccm_test_ids", json.dumps({"r": {"all": [{"m": {"t": "x"}}]}}))
    try:
        assert fnv1a_32("40186") == fnv1a_32("797189")
        assert dre.assert_facts(handle, json.dumps([{"sid": "0", "id": "40186", "t": "x"}]))[0] == 0
        assert (
            dre.assert_facts(handle, json.dumps([{"sid": "0", "id": "797189", "t": "x"}]))[0] == 2
        )  # "already observed"
    finally:
        dre.delete_ruleset(handle)
    pool = _Ids()
    pool._next = 40186
    assert pool.take() == "40186"
    pool._next = 797189
    assert pool.take() == "797190"  # 797189 hashes like 40186, which is in use
    pool.give_back(["40186"])
    assert pool.take() == "40186"


def test_ten_thousand_open_cases_in_one_session(monitoring: Monitoring) -> None:
    day = datetime.date(2027, 1, 4)
    opened = [Event("opened", day, n, n, case=f"C{n}", model="icm", cadence="team") for n in range(1, 12_001)]
    early = Event("tick", day + datetime.timedelta(days=1), 12_001, 12_001)
    tick = Event("tick", day + datetime.timedelta(days=15), 12_002, 12_002)
    with DurableMonitor(monitoring) as engine:
        assert engine.feed(opened) == [] and engine.feed([early]) == []
        assert (engine.facts(), engine.waiting()) == (0, 12_000)  # due in two weeks: not yet in the engine
        alerts = engine.feed([tick])
        assert len(alerts) == 12_000 and {a.rule for a in alerts} == {"M1"}
        assert engine.facts() == 12_000  # all 12,000 reviews met the tick in the engine
        assert engine.feed([Event("tick", tick.on + datetime.timedelta(days=1), 12_003, 12_003)]) == []  # alerted once
        assert (engine.facts(), engine.waiting()) == (0, 0)  # alerted reviews left the engine; nothing else is held


def test_compiled_rules_follow_the_rule_data(monitoring: Monitoring) -> None:
    rules = compile_ruleset(monitoring)
    assert sorted(rules) == ["M1", "M2", "M3", "M4", "M5.icm", "M6"]
    # a join's date test sits after the bucket equality, alone in an $or (see _compile.py)
    assert rules["M1"]["all"][1]["tk"]["$and"][1:] == [{"b": {"k": "b"}}, {"$or": [{"$gt": {"on": {"k": "due"}}}]}]
    icm = rules["M5.icm"]["all"][0]["m"]["$and"]
    assert {"$neq": {"reason": "stabilised"}} in icm[2]["$or"][1]["$and"]


def test_cli_durable_engine_matches_expected(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["monitor", str(EXAMPLES / "monitoring/icm_and_act.jsonl"), "--format", "json", "--engine", "durable"])
        == 1
    )
    out = capsys.readouterr().out
    assert '"engine": "durable"' in out and out.count('"rule": "M1"') == 2


def test_without_durable_rules_monitor_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], monitoring: Monitoring
) -> None:
    monkeypatch.setitem(sys.modules, "durable_rules_engine", None)  # import now fails, as on Python 3.13
    with pytest.raises(EngineUnavailableError, match="ccm-rules\\[events\\]"):
        DurableMonitor(monitoring)
    log = str(EXAMPLES / "monitoring/icm_and_act.jsonl")
    assert main(["monitor", log, "--engine", "durable"]) == 3  # exit 3: the environment (the engine cannot load)
    err = capsys.readouterr().err
    assert "needs durable-rules" in err and "--engine python" in err and "Traceback" not in err
    assert main(["monitor", log]) == 1  # the default engine, and the rest, still work
