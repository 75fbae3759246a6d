"""`DurableMonitor`: the monitoring rules running on durable-rules, within its known limits.

How the design meets the limits of durable-rules 2.0.28 (read in its source and tracker):

- **1,024 live sessions per ruleset** (`MAX_STATE_INDEX_LENGTH`): every case lives in ONE
  session as `review` and `goal` facts, not in a session per case; 10,000+ open cases
  are 10,000+ facts for that session (tested with 12,000 due at once).
- **Unmatched events raise `MessageNotHandledException`** in the Python binding: this
  adapter calls the engine's C functions directly and reads the result code, where
  "not handled" simply means no alert rule matched. Only events a rule can match
  (`closed`, `caseload`, and `contact` for a model with an hours limit) are posted; they
  are consumed when they fire and never stored when they do not, so nothing accumulates.
- **`post_batch` returning before processing, timer threads**: no `durable.engine.Host`
  is created, so there are no background dispatch threads; after each batch the
  adapter drains every pending action synchronously (`start_action` until none is left)
  before it returns. Batches hold at most `BATCH` messages, far below the ~50k where
  the binding's batch call is known to return early.
- **No locks around rulesets (#148)**: `feed` holds a lock; one monitor is one ruleset.
- **Memory growth (#137, #371)**: the engine holds only facts whose due-date bucket has
  come (below); a fact is retracted when its alert fired, its goal was evaluated or its
  case closed, and tick facts after each tick. `benchmarks/bench_events.py` prints RSS.
- **A fact's identity is a 32-bit FNV-1a hash of its `id`**: two different ids with the
  same hash are "the same fact" — the second assert is refused as already observed, and
  retracting one deletes the other (checked against the engine: ids "40186" and "797189"
  collide). Case codes as ids collide by chance once tens of thousands of facts are
  live, so the engine never sees them: every message (fact, tick, event) gets an id from
  `_Ids`, a pool of short decimal ids that skips any id whose hash an id already in the
  pool (or the session's own "sid-0") has; ids are reused once their message is gone.
- **A join whose last test fails reads past the rule's expression list** (2.0.28's
  `reduceExpressionSequence` skips the end marker and scans on through memory that is
  not its own; valgrind shows it at every failing `tick.on > due`, and a small ruleset
  segfaults on it): the date test sits in a one-item `$or` after the bucket equality,
  which the engine terminates properly. See `_compile.py`.

Where the time goes, and what this adapter does about it (figures in docs/monitoring.md):

- the engine's cost per asserted or retracted fact grows with the facts in the session
  (its message index has 512 buckets), so **only facts that can meet the next tick are
  in the engine**: each fact has a due-date bucket (`due` day number // `BUCKET_DAYS`);
  a tick can only find overdue facts in its own bucket or earlier ones, so facts of
  later buckets wait in a dict and are asserted at the first tick of their bucket. A
  review held, or a goal evaluated, before its due week never reaches the engine;
- the tick is asserted once per bucket the engine holds facts in, and the engine
  hash-joins it with the facts on the bucket: a tick visits only those facts, and the
  engine alone decides `on > due`;
- facts change only at ticks: between two ticks the latest state of each fact wins; a
  retract sends only `sid` and `id`, which is all the engine reads for it;
- the facts the engine holds are small (`id`, `t`, `due`, `b`): what an alert reports
  besides the due date (case, goal, cadence phase) is kept on the Python side by id.

The folding of events into per-case dates (the review each case agreed, read by the
shared `ReviewAgreement`; goal due dates) and into each case's hours in the current week
(the shared `WeekTally`) is Python; the alert conditions are decided by the engine.
"""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterable
from types import ModuleType
from typing import Any, NamedTuple

from ccm_rules import CcmRulesError
from ccm_rules.engine import ReviewAgreement, WeekTally
from ccm_rules.monitoring import (
    Alert,
    Event,
    Monitoring,
    agree,
    alert_order,
    hours_values,
    review_values,
)

from ._compile import compile_ruleset

SID = "0"
BATCH = 1000  # messages per engine call
BUCKET_DAYS = 7  # width of a due-date bucket (days)
_NOT_HANDLED = 1


class EngineUnavailableError(CcmRulesError, RuntimeError):
    """durable-rules cannot be used here; the message says why and what to do."""


def load_engine() -> ModuleType:
    """The durable-rules C engine, or `EngineUnavailableError` explaining why it cannot load."""
    try:
        import durable_rules_engine  # type: ignore[import-not-found,unused-ignore]
    except ImportError as err:
        raise EngineUnavailableError(
            "the durable engine needs durable-rules, which cannot be imported here "
            f"({err}). Install the extra: pip install 'ccm-rules[events]' (it builds from source "
            "with a C compiler and does not import on Python 3.13 or later), "
            "or replay with the default, built-in engine: --engine python"
        ) from err
    engine: ModuleType = durable_rules_engine
    return engine


def fnv1a_32(text: str) -> int:
    """The hash durable-rules 2.0.28 identifies a message by (FNV-1a, 32 bits, over the id's bytes)."""
    value = 0x811C9DC5
    for byte in text.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


class _Ids:
    """Engine ids that no two live messages share, even by hash (see the module docstring)."""

    def __init__(self) -> None:
        self._free: list[str] = []
        self._next = 0
        self._hashes = {fnv1a_32(f"sid-{SID}")}  # the session's state fact

    def take(self) -> str:
        if self._free:
            return self._free.pop()
        while True:
            candidate = str(self._next)
            self._next += 1
            value = fnv1a_32(candidate)
            if value not in self._hashes:
                self._hashes.add(value)
                return candidate

    def give_back(self, ids: Iterable[str]) -> None:
        self._free.extend(ids)

    def issued(self) -> int:
        """How many distinct ids were ever handed out (the pool's high-water mark)."""
        return len(self._hashes) - 1


class _Fact(NamedTuple):
    """A `review` or `goal` fact as the engine holds it, with what its alert reports."""

    key: str  # "r:<case>" or "g:<case>\x1f<goal>"
    kind: str  # "review" or "goal"
    case: str
    goal: str | None
    due: int  # day number (date.toordinal())
    agreed: Any = None  # the review agreed (`AgreedDue`), for reviews


class _Case:
    __slots__ = ("goals", "model", "opened", "review", "week")

    def __init__(self, model: str, opened: datetime.date) -> None:
        self.model = model
        self.opened = opened
        self.goals: set[str] = set()
        self.review = ReviewAgreement()
        self.week = WeekTally()


class DurableMonitor:
    """Replays case events on durable-rules and returns the alerts, as `PythonMonitor` does."""

    def __init__(
        self, monitoring: Monitoring, engine: ModuleType | None = None, bucket_days: int = BUCKET_DAYS
    ) -> None:
        if bucket_days < 1:
            raise ValueError(f"bucket_days must be 1 or more, got {bucket_days}")
        self.monitoring = monitoring
        self._dre = engine or load_engine()
        self._bucket_days = bucket_days
        self._definition = compile_ruleset(monitoring)
        self._handle = self._dre.create_ruleset(f"ccm_monitoring_{id(self)}", json.dumps(self._definition))
        self._lock = threading.Lock()
        self._ids = _Ids()
        self._cases: dict[str, _Case] = {}
        self._facts: dict[str, _Fact] = {}  # fact key → the case's current review or goal fact
        self._parked: dict[int, set[str]] = {}  # bucket → keys of current facts not yet in the engine
        self._live: dict[str, str] = {}  # fact key → engine id, for current facts the engine holds
        self._held: dict[str, _Fact] = {}  # engine id → the fact the engine holds under it
        self._buckets: dict[int, int] = {}  # bucket → facts the engine holds in it
        self._stale: list[str] = []  # engine ids of facts replaced, ended or alerted: retract at the next flush
        self._events: list[dict[str, Any]] = []
        self._by_id: dict[str, Event] = {}  # engine id of a posted event → the event
        self._values: dict[str, dict[str, Any]] = {}  # engine id of a posted contact → what its alert reports
        self._alerts: list[Alert] = []
        self._checks = {spec.id: check for check, spec in monitoring.alerts.items()}
        self._reasons = {model: tuple(spec.closure_reasons) for model, spec in monitoring.models.items()}

    # ------------------------------------------------------------ public

    def feed(self, events: Iterable[Event]) -> list[Alert]:
        """Process events in order; every alert they raise, once all engine actions are done."""
        with self._lock:
            if self._handle is None:
                raise RuntimeError("this monitor is closed")
            handle = self._handle_event
            for event in events:
                handle(event)
            self._flush_events()
            alerts, self._alerts = self._alerts, []
        alerts.sort(key=alert_order(self.monitoring))
        return alerts

    def facts(self) -> int:
        """How many review and goal facts the engine holds now (for memory checks)."""
        return len(self._held)

    def waiting(self) -> int:
        """How many review and goal facts wait outside the engine until their due-date bucket comes up."""
        return sum(len(keys) for keys in self._parked.values())

    def ids_issued(self) -> int:
        """How many distinct engine ids were ever used (bounded by the live facts, for memory checks)."""
        return self._ids.issued()

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
        if kind == "review_held" or kind == "plan_agreed":
            code = event.case
            assert code is not None
            if agree(self._cases[code].review, event):
                self._set_review(code)
        elif kind == "contact":
            code = event.case
            assert code is not None and event.hours is not None
            case = self._cases[code]
            limit = self.monitoring.hours_limit(case.model, event.on)
            if limit is not None:  # the engine decides whether this contact takes the week over the limit
                before, after = case.week.add(event.on, event.hours)
                assert case.week.week is not None
                contact = {
                    "sid": SID,
                    "t": "contact",
                    "model": case.model,
                    "before": float(before),
                    "after": float(after),
                    "limit": limit,
                }
                self._values[self._post(contact, event)] = hours_values(case.model, case.week.week, after, limit)
        elif kind == "goal_due":
            code, goal, due = event.case, event.goal, event.due
            assert code is not None and goal is not None and due is not None
            self._cases[code].goals.add(goal)
            key = f"g:{code}\x1f{goal}"
            self._set(_Fact(key, "goal", code, goal, due.toordinal()))
        elif kind == "goal_achieved" or kind == "goal_evaluated":
            code = event.case
            assert code is not None and event.goal is not None
            self._cases[code].goals.discard(event.goal)
            self._drop(f"g:{code}\x1f{event.goal}")
        elif kind == "caseload":
            assert event.model is not None
            message: dict[str, Any] = {"sid": SID, "t": "caseload", "model": event.model, "clients": event.clients}
            norm = self.monitoring.norm(event.model, event.on)
            if norm is not None:
                message["norm"] = norm
            self._post(message, event)
        elif kind == "tick":
            self._tick(event)
        elif kind == "opened":
            code = event.case
            assert code is not None and event.model is not None
            self._cases[code] = _Case(event.model, event.on)
            if agree(self._cases[code].review, event):
                self._set_review(code)
        elif kind == "closed":
            code = event.case
            assert code is not None
            case = self._cases.pop(code)
            self._drop(f"r:{code}")
            for goal in case.goals:
                self._drop(f"g:{code}\x1f{goal}")
            message = {"sid": SID, "t": "closed", "model": case.model}
            if event.reason is not None:
                message["reason"] = event.reason
            self._post(message, event)
        # assessed, hospitalised, a plan_agreed that agrees nothing about reviews: no alert rule reads them

    def _set_review(self, code: str) -> None:
        """The case's review fact after its agreement changed (none: nothing agreed, nothing can be overdue)."""
        key = f"r:{code}"
        agreed = self.monitoring.agreed_review(self._cases[code].review)
        if agreed is None:
            self._drop(key)
        else:
            self._set(_Fact(key, "review", code, None, agreed.due.toordinal(), agreed))

    def _set(self, fact: _Fact) -> None:
        """`fact` replaces the case's fact of the same key; it waits for its bucket outside the engine."""
        self._drop(fact.key)
        self._facts[fact.key] = fact
        bucket = fact.due // self._bucket_days
        keys = self._parked.get(bucket)
        if keys is None:
            keys = self._parked[bucket] = set()
        keys.add(fact.key)

    def _drop(self, key: str) -> None:
        """The fact under `key` ends (replaced, evaluated, closed or alerted)."""
        old = self._facts.pop(key, None)
        if old is None:
            return
        fid = self._live.pop(key, None)
        if fid is not None:
            self._stale.append(fid)
            return
        bucket = old.due // self._bucket_days
        keys = self._parked[bucket]
        keys.discard(key)
        if not keys:
            del self._parked[bucket]

    def _post(self, message: dict[str, Any], event: Event) -> str:
        eid: str = self._ids.take()
        message["id"] = eid
        self._events.append(message)
        self._by_id[eid] = event
        if len(self._events) >= BATCH:
            self._flush_events()
        return eid

    # ------------------------------------------------------------ engine calls

    def _call(self, function: Any, messages: list[dict[str, Any]], what: str) -> None:
        for start in range(0, len(messages), BATCH):
            code, _ = function(self._handle, json.dumps(messages[start : start + BATCH]))
            if code not in (0, _NOT_HANDLED):
                raise RuntimeError(f"durable-rules refused {what} (code {code})")

    def _flush_events(self) -> None:
        if not self._events:
            return
        messages, self._events = self._events, []
        self._call(self._dre.assert_events, messages, f"a batch of {len(messages)} events")
        self._drain(None)
        self._ids.give_back(self._by_id)  # every posted event is consumed or was never stored
        self._by_id.clear()
        self._values.clear()

    def _retract_stale(self) -> None:
        if not self._stale:
            return
        stale, self._stale = self._stale, []
        held, buckets, width = self._held, self._buckets, self._bucket_days
        for fid in stale:
            bucket = held.pop(fid).due // width
            left = buckets[bucket] - 1
            if left:
                buckets[bucket] = left
            else:
                del buckets[bucket]
        self._call(
            self._dre.retract_facts, [{"sid": SID, "id": fid} for fid in stale], f"retracting {len(stale)} case facts"
        )
        self._ids.give_back(stale)

    def _promote(self, last: int) -> None:
        """Assert every waiting fact whose bucket is `last` or earlier: only those can meet this tick."""
        due_buckets = [b for b in self._parked if b <= last]
        if not due_buckets:
            return
        facts, live, held, buckets, ids = self._facts, self._live, self._held, self._buckets, self._ids
        messages: list[dict[str, Any]] = []
        for bucket in due_buckets:
            keys = self._parked.pop(bucket)
            buckets[bucket] = buckets.get(bucket, 0) + len(keys)
            for key in keys:
                fact = facts[key]
                fid = live[key] = ids.take()
                held[fid] = fact
                messages.append({"sid": SID, "id": fid, "t": fact.kind, "due": fact.due, "b": bucket})
        self._call(self._dre.assert_facts, messages, f"{len(messages)} case facts")

    def _tick(self, event: Event) -> None:
        self._flush_events()
        self._retract_stale()
        on = event.on.toordinal()
        last = on // self._bucket_days  # later buckets hold only dates after the tick
        self._promote(last)
        buckets = [b for b in self._buckets if b <= last]
        if not buckets:
            return
        ids = [self._ids.take() for _ in buckets]
        ticks = [{"sid": SID, "id": fid, "t": "tick", "on": on, "b": b} for fid, b in zip(ids, buckets, strict=True)]
        self._call(self._dre.assert_facts, ticks, "the tick facts")
        self._drain(event)
        self._call(self._dre.retract_facts, [{"sid": SID, "id": fid} for fid in ids], "retracting the tick facts")
        self._ids.give_back(ids)

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
            if check == "review_overdue" or check == "goal_overdue":
                assert tick is not None
                fact = self._held[(bound["k"] if check == "review_overdue" else bound["g"])["id"]]
                due = datetime.date.fromordinal(fact.due)
                values: dict[str, Any] = (
                    review_values(fact.agreed, tick.on)
                    if fact.agreed is not None
                    else {"due": due, "days_overdue": (tick.on - due).days}
                )
                self._drop(fact.key)  # alerted once: the fact leaves the engine
                self._alerts.append(
                    Alert(rule_id, check, tick.on, tick.seq, tick.line, case=fact.case, goal=fact.goal, values=values)
                )
                continue
            message = bound["m"]
            event = self._by_id[message["id"]]
            if check == "caseload_above_norm":
                values = {"model": message["model"], "clients": message["clients"], "norm": message["norm"]}
                self._alerts.append(
                    Alert(rule_id, check, event.on, event.seq, event.line, worker=event.worker, values=values)
                )
            elif check == "hours_above_limit":
                self._alerts.append(
                    Alert(
                        rule_id,
                        check,
                        event.on,
                        event.seq,
                        event.line,
                        case=event.case,
                        values=self._values[message["id"]],
                    )
                )
            else:
                values = {"model": message["model"], "reason": message.get("reason")}
                if check == "closure_without_reason":
                    values["reasons"] = self._reasons[message["model"]]
                self._alerts.append(
                    Alert(rule_id, check, event.on, event.seq, event.line, case=event.case, values=values)
                )
