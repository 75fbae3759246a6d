"""`DurableMonitor`: the monitoring rules running on durable-rules, within its known limits.

How the design meets the limits of durable-rules 2.0.28 (read in its source and tracker):

- **1,024 live sessions per ruleset** (`MAX_STATE_INDEX_LENGTH`): every case lives in ONE
  session as facts keyed by case (`review` and `goal` facts with an `id`), not in a
  session per case; 10,000+ open cases are 10,000+ facts in that session.
- **Unmatched events raise `MessageNotHandledException`** in the Python binding: this
  adapter calls the engine's C functions directly and reads the result code, where
  "not handled" simply means no alert rule matched. Only events a rule can match
  (`closed`, `caseload`) are posted; they are consumed when they fire and never stored
  when they do not, so nothing accumulates.
- **`post_batch` returning before processing, timer threads**: no `durable.engine.Host`
  is created, so there are no background dispatch threads; after each batch the
  adapter drains every pending action synchronously (`start_action` until none is left)
  before it returns.
- **No locks around rulesets (#148)**: `feed` holds a lock; one monitor is one ruleset.
- **Memory growth (#137, #371)**: live facts are bounded by the open cases and goals —
  a fact is retracted when its alert fired, its goal was evaluated or its case closed;
  the tick fact is retracted after each tick. `benchmarks/bench_events.py` prints RSS.

The folding of events into per-case dates (next review by the shared cadence, goal due
dates) is Python; the alert conditions are decided by the engine.
"""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterable
from types import ModuleType
from typing import Any

from ccm_rules import CcmRulesError
from ccm_rules._monitoring import Alert, Event, Monitoring, alert_order

from ._compile import compile_ruleset

SID = "0"
BATCH = 1000  # events posted per engine call
_NOT_HANDLED = 1


class EngineUnavailableError(CcmRulesError, RuntimeError):
    """durable-rules cannot be used here; the message says why and what to do."""


def load_engine() -> ModuleType:
    """The durable-rules C engine, or `EngineUnavailableError` explaining why it cannot load."""
    try:
        import durable_rules_engine  # type: ignore[import-not-found,unused-ignore]
    except ImportError as err:
        raise EngineUnavailableError(
            "event monitoring needs durable-rules, which cannot be imported here "
            f"({err}). Install the extra: pip install 'ccm-rules[events]' (it builds from source "
            "with a C compiler and does not import on Python 3.13 or later), "
            "or replay with the plain-Python engine: --engine python"
        ) from err
    engine: ModuleType = durable_rules_engine
    return engine


class DurableMonitor:
    """Replays case events on durable-rules and returns the alerts, as `PythonMonitor` does."""

    def __init__(self, monitoring: Monitoring, engine: ModuleType | None = None) -> None:
        self.monitoring = monitoring
        self._dre = engine or load_engine()
        self._definition = compile_ruleset(monitoring)
        self._handle = self._dre.create_ruleset(f"ccm_monitoring_{id(self)}", json.dumps(self._definition))
        self._lock = threading.Lock()
        self._cases: dict[str, list[Any]] = {}  # case → [model, opened, goals set]
        self._live: dict[str, dict[str, Any]] = {}  # fact id → the fact as asserted
        self._pending: dict[str, dict[str, Any] | None] = {}  # fact id → new fact, or None to retract
        self._events: list[dict[str, Any]] = []
        self._by_seq: dict[int, Event] = {}
        self._alerts: list[Alert] = []
        self._alert_ids = {check: spec.id for check, spec in monitoring.alerts.items()}
        self._checks = {spec.id: check for check, spec in monitoring.alerts.items()}

    # ------------------------------------------------------------ public

    def feed(self, events: Iterable[Event]) -> list[Alert]:
        """Process events in order; every alert they raise, once all engine actions are done."""
        with self._lock:
            for event in events:
                self._handle_event(event)
            self._flush_events()
            alerts, self._alerts = self._alerts, []
        return sorted(alerts, key=alert_order(self.monitoring))

    def facts(self) -> int:
        """How many facts are live in the engine (for memory checks)."""
        return len(self._live)

    def close(self) -> None:
        """Free the engine's ruleset."""
        if self._handle is not None:
            self._dre.delete_ruleset(self._handle)
            self._handle = None

    def __enter__(self) -> DurableMonitor:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ------------------------------------------------------------ folding events into facts

    def _handle_event(self, event: Event) -> None:
        kind = event.kind
        if kind == "tick":
            self._tick(event)
            return
        if kind == "caseload":
            message: dict[str, Any] = {"sid": SID, "t": "caseload", "n": event.seq, "model": event.model, "clients": event.clients}
            assert event.model is not None
            norm = self.monitoring.norm(event.model, event.on)
            if norm is not None:
                message["norm"] = norm
            self._post(message, event)
            return
        case = event.case
        assert case is not None
        if kind == "opened":
            self._cases[case] = [event.model, event.on, set()]
            self._set_review(case, event.on, None)
        elif kind == "review_held":
            self._set_review(case, self._cases[case][1], event.on)
        elif kind == "goal_due":
            assert event.due is not None and event.goal is not None
            self._cases[case][2].add(event.goal)
            fid = f"g:{case}\x1f{event.goal}"
            self._pending[fid] = {"sid": SID, "id": fid, "t": "goal", "case": case, "goal": event.goal, "due": event.due.toordinal()}
        elif kind in ("goal_achieved", "goal_evaluated"):
            self._cases[case][2].discard(event.goal)
            self._pending[f"g:{case}\x1f{event.goal}"] = None
        elif kind == "closed":
            model, _, goals = self._cases.pop(case)
            self._pending[f"r:{case}"] = None
            for goal in goals:
                self._pending[f"g:{case}\x1f{goal}"] = None
            message = {"sid": SID, "t": "closed", "n": event.seq, "model": model}
            if event.reason is not None:
                message["reason"] = event.reason
            self._post(message, event)

    def _set_review(self, case: str, opened: datetime.date, last: datetime.date | None) -> None:
        due, phase = self.monitoring.review_due(opened, last)
        fid = f"r:{case}"
        self._pending[fid] = {"sid": SID, "id": fid, "t": "review", "case": case, "due": due.toordinal(), "phase": phase}

    def _post(self, message: dict[str, Any], event: Event) -> None:
        self._events.append(message)
        self._by_seq[event.seq] = event
        if len(self._events) >= BATCH:
            self._flush_events()

    # ------------------------------------------------------------ engine calls

    def _flush_events(self) -> None:
        if not self._events:
            return
        messages, self._events = self._events, []
        code, _ = self._dre.assert_events(self._handle, json.dumps(messages))
        if code not in (0, _NOT_HANDLED):
            raise RuntimeError(f"durable-rules refused a batch of events (code {code})")
        self._drain(None)
        self._by_seq.clear()

    def _flush_facts(self) -> None:
        if not self._pending:
            return
        retract, assert_ = [], []
        for fid, fact in self._pending.items():
            old = self._live.pop(fid, None)
            if old is not None:
                retract.append(old)
            if fact is not None:
                assert_.append(fact)
                self._live[fid] = fact
        self._pending = {}
        for call, facts in ((self._dre.retract_facts, retract), (self._dre.assert_facts, assert_)):
            if facts:
                code, _ = call(self._handle, json.dumps(facts))
                if code != 0:
                    raise RuntimeError(f"durable-rules refused {len(facts)} case facts (code {code})")

    def _tick(self, event: Event) -> None:
        self._flush_events()
        self._flush_facts()
        tick = json.dumps({"sid": SID, "id": "tick", "t": "tick", "on": event.on.toordinal()})
        code, _ = self._dre.assert_fact(self._handle, tick)
        if code != 0:
            raise RuntimeError(f"durable-rules refused the tick fact (code {code})")
        self._drain(event)
        self._dre.retract_fact(self._handle, tick)

    def _drain(self, tick: Event | None) -> None:
        """Run every pending action now: each is one alert."""
        dre, handle = self._dre, self._handle
        while True:
            started = dre.start_action(handle)
            if not started:
                return
            _, message, state = started
            while message:
                self._on_match(json.loads(message), tick)
                message = dre.complete_and_start_action(handle, state)

    def _on_match(self, match: dict[str, dict[str, Any]], tick: Event | None) -> None:
        for rule, bound in match.items():
            rule_id = rule.split(".", 1)[0]
            check = self._checks[rule_id]
            if check in ("review_overdue", "goal_overdue"):
                assert tick is not None
                fact = bound["k"] if check == "review_overdue" else bound["g"]
                due = datetime.date.fromordinal(fact["due"])
                values: dict[str, Any] = {"due": due, "days_overdue": (tick.on - due).days}
                if check == "review_overdue":
                    values["phase"] = fact["phase"]
                self._pending[fact["id"]] = None  # alerted once: the fact leaves the engine
                self._alerts.append(
                    Alert(rule_id, check, tick.on, tick.seq, tick.line, case=fact["case"], goal=fact.get("goal"), values=values)
                )
                continue
            message = bound["m"]
            event = self._by_seq[message["n"]]
            if check == "caseload_above_norm":
                values = {"model": message["model"], "clients": message["clients"], "norm": message["norm"]}
                self._alerts.append(Alert(rule_id, check, event.on, event.seq, event.line, worker=event.worker, values=values))
            else:
                values = {"model": message["model"], "reason": message.get("reason")}
                if check == "closure_without_reason":
                    values["reasons"] = tuple(self.monitoring.models[message["model"]].closure_reasons)
                self._alerts.append(Alert(rule_id, check, event.on, event.seq, event.line, case=event.case, values=values))
