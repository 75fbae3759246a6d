"""Event monitoring throughput and memory: the Python engine and durable-rules, 10,000 open cases, 1M events.

Run: python benchmarks/bench_events.py [--events 1000000] [--cases 10000] [--engines python,durable]
[--floor] [--reader]; or `--write FILE` to write the same log as JSON Lines (to time
`ccm-rules monitor` on it).

Each chunk of events (`--chunk`, 10,000) goes through every engine in turn, the order
rotating from chunk to chunk, so all are measured on the same events at the same load;
the baseline is a bare loop that reads each event's kind. Printed, from the same run
(the machine is shared: compare ratios, and read CPU rates, which the load moves less
than wall rates):

- per 100,000 events: each engine's CPU rate in that stretch, RSS, the open cases and
  the Python engine's due-date index (entries, and the duties among them that can still
  alert), load average;
- over the run: events/s (CPU and wall), time against the bare loop's, alerts per event,
  the Python engine against durable-rules, and whether both raised the same alerts, chunk
  by chunk (exit 1 if not); peak RSS;
- with `--floor`, durable-rules' own floor in the same process (a bare unmatched post; a
  fact retract + assert with 1,000 and 20,000 facts held); with `--reader`, reading JSON
  Lines (`EventReader`, with its sequence checks).

The event stream is a seeded simulation of a region whose mix follows how the services
in the rules work, so that alerts are the exception they are in practice:

- **models** of the open caseload: 35 % ICM, 30 % labour-market CM, 20 % team CM, 15 % ACT
  (an assumed regional mix; the seeds give none). Cases stay open for a mean of 540 days
  (ICM), 365 days (labour-market and team CM) and 2,500 days for ACT, which "practically
  does not end" (seed 004); a closed case's place goes to a new client of the same model,
  so the open caseload stays at `cases` and its mix steady.
- **reviews** follow the team cadence of `rules/norms.yaml` (14 days, then monthly, then
  quarterly; computed by the same `Monitoring.review_due`): 90 % are held in the five days
  up to the due date, 10 % are 1–21 days late (M1 fires for those).
- **goals**: 1–3 goals when the plan is agreed and a new one at 40 % of reviews (at most 3
  open), each due in 30–180 days; 85 % are evaluated in the three weeks before their due
  date, 10 % late (M2), 5 % are re-dated first.
- **caseloads** are each worker's real number of open cases: workers are sized so the mean
  caseload is 1.5 below the model's norm (ACT 8.5 of 10, ICM 17.5 of 19, labour-market 33.5
  of 35; team CM, which has no norm, 15) and a new client goes to the less loaded of two
  workers drawn at random. A caseload is reported when it changes and once a week, so
  about 4 % of reports are above the norm (M3).
- **closures**: ICM closes for one of its listed reasons 85 % of the time (M5 otherwise);
  every ACT closure raises M4.
- **hospitalisations**: ~2 % of ACT/ICM clients a month, 0.5 % of the others, and one
  30–120 days before every "long-term hospitalised" closure. `assessed` and `plan_agreed`
  follow an opening within 10 and 30 days.
- **time**: one `tick` at the end of every day (the docs' "one tick per day").

The log starts with an import of the existing caseload: each case is opened on its past
start date (ages drawn like the durations, at most six years), had its last review
recently and has 0–2 open goals; the daily process then runs from `START`.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import random
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from ccm_rules.engine._pack import default_pack
from ccm_rules.monitoring._monitoring import Alert, Event, EventReader, Monitoring, PythonMonitor

START = datetime.date(2027, 1, 4)
MODEL_SHARE = {"icm": 0.35, "labour_market": 0.30, "team_cm": 0.20, "act": 0.15}
MEAN_DAYS_OPEN = {"icm": 540, "labour_market": 365, "team_cm": 365, "act": 2500}
TEAM_CM_CASELOAD = 15  # no norm in the seeds; a typical team caseload
REASONS: dict[str, tuple[tuple[str | None, float], ...]] = {
    "icm": (
        ("stabilised", 0.50),
        ("refuses_cooperation", 0.20),
        ("long_term_hospitalised", 0.15),
        ("moved_away", 0.07),
        ("other", 0.05),
        (None, 0.03),
    ),
    "act": (("stabilised", 0.30), ("moved_away", 0.30), ("refuses_cooperation", 0.20), ("other", 0.10), (None, 0.10)),
    "other": (
        ("goals_achieved", 0.45),
        ("stabilised", 0.15),
        ("moved_away", 0.15),
        ("refuses_cooperation", 0.10),
        ("other", 0.10),
        (None, 0.05),
    ),
}
HOSPITAL_PER_DAY = {"act": 0.02 / 30, "icm": 0.02 / 30, "labour_market": 0.005 / 30, "team_cm": 0.005 / 30}


class _Case:
    __slots__ = ("closing", "goals", "model", "opened", "reason", "worker")

    def __init__(
        self, model: str, opened: datetime.date, worker: int, closing: datetime.date, reason: str | None
    ) -> None:
        self.model = model
        self.opened = opened
        self.worker = worker
        self.goals: dict[str, datetime.date] = {}
        self.closing = closing
        self.reason = reason


class Region:
    """The simulated region: open cases, workers, and a calendar of what happens on which day."""

    def __init__(self, monitoring: Monitoring, cases: int, seed: int) -> None:
        self.m = monitoring
        self.rnd = random.Random(seed)
        self.target = cases
        self.cases: dict[str, _Case] = {}
        self.codes: list[str] = []  # open case codes, for drawing one at random
        self.where: dict[str, int] = {}
        self.counter = 0
        self.calendar: dict[datetime.date, list[tuple[Any, ...]]] = defaultdict(list)
        self.goal_counter = 0
        self.workers: dict[str, list[int]] = {}
        self.worker_ids: dict[str, list[str]] = {}
        for model, share in MODEL_SHARE.items():
            norm = self.m.norm(model, START)
            typical = norm - 1.5 if norm is not None else TEAM_CM_CASELOAD
            count = max(1, round(cases * share / typical))
            self.workers[model] = [0] * count
            self.worker_ids[model] = [f"W-{model[:3]}{n}" for n in range(count)]
        self.seq = 0

    # ------------------------------------------------------------ helpers

    def _event(self, kind: str, on: datetime.date, **fields: Any) -> Event:
        self.seq += 1
        return Event(kind, on, self.seq, self.seq, **fields)  # type: ignore[arg-type]

    def _model(self) -> str:
        roll, acc = self.rnd.random(), 0.0
        for model, share in MODEL_SHARE.items():
            acc += share
            if roll < acc:
                return model
        return "team_cm"

    def _reason(self, model: str) -> str | None:
        table = REASONS.get(model, REASONS["other"])
        roll, acc = self.rnd.random(), 0.0
        for reason, share in table:
            acc += share
            if roll < acc:
                return reason
        return table[-1][0]

    def _days(self, mean: float) -> int:
        return 1 + int(self.rnd.expovariate(1 / mean))

    def _assign(self, model: str) -> int:
        loads = self.workers[model]
        a, b = self.rnd.randrange(len(loads)), self.rnd.randrange(len(loads))
        pick = a if loads[a] <= loads[b] else b
        loads[pick] += 1
        return pick

    def _caseload(self, model: str, worker: int, on: datetime.date) -> Event:
        return self._event(
            "caseload", on, worker=self.worker_ids[model][worker], model=model, clients=self.workers[model][worker]
        )

    def _schedule(self, day: datetime.date, *action: Any) -> None:
        self.calendar[day].append(action)

    def _schedule_review(self, code: str, case: _Case, last: datetime.date | None, today: datetime.date) -> None:
        due, _ = self.m.review_due(case.opened, last)
        if self.rnd.random() < 0.9:
            day = due - datetime.timedelta(days=self.rnd.randrange(6))
        else:
            day = due + datetime.timedelta(days=self.rnd.randint(1, 21))
        self._schedule(max(day, today + datetime.timedelta(days=1)), "review", code)

    def _new_goal(self, code: str, case: _Case, today: datetime.date) -> Event:
        self.goal_counter += 1
        goal = f"G{self.goal_counter}"
        due = today + datetime.timedelta(days=self.rnd.randint(30, 180))
        case.goals[goal] = due
        self._schedule_goal(code, goal, due, today)
        return self._event("goal_due", today, case=code, goal=goal, due=due)

    def _schedule_goal(self, code: str, goal: str, due: datetime.date, today: datetime.date) -> None:
        roll = self.rnd.random()
        if roll < 0.85:
            day, action = due - datetime.timedelta(days=self.rnd.randrange(22)), "evaluate"
        elif roll < 0.95:
            day, action = due + datetime.timedelta(days=self.rnd.randint(1, 30)), "evaluate"
        else:
            day, action = due - datetime.timedelta(days=self.rnd.randrange(8)), "redate"
        self._schedule(max(day, today + datetime.timedelta(days=1)), action, code, goal, due)

    def _open(self, today: datetime.date, model: str, opened: datetime.date | None = None) -> tuple[str, _Case]:
        self.counter += 1
        code = f"C{self.counter:06d}"
        start = opened or today
        remaining = self._days(MEAN_DAYS_OPEN[model])
        closing = today + datetime.timedelta(days=remaining)
        case = _Case(model, start, self._assign(model), closing, self._reason(model))
        self.cases[code] = case
        self.where[code] = len(self.codes)
        self.codes.append(code)
        self._schedule(closing, "close", code)
        if case.reason == "long_term_hospitalised":
            admitted = closing - datetime.timedelta(days=self.rnd.randint(30, 120))
            if admitted > today:
                self._schedule(admitted, "hospitalised", code)
        return code, case

    def _drop(self, code: str) -> _Case:
        case = self.cases.pop(code)
        index = self.where.pop(code)
        last = self.codes.pop()
        if last != code:
            self.codes[index] = last
            self.where[last] = index
        self.workers[case.model][case.worker] -= 1
        return case

    # ------------------------------------------------------------ the log

    def events(self, total: int) -> Iterator[Event]:
        """`total` events: the import of the open caseload, then day after day."""
        yield from self._import()
        day = START
        while self.seq < total:
            yield from self._day(day)
            yield self._event("tick", day)
            day += datetime.timedelta(days=1)

    def _import(self) -> Iterator[Event]:
        history: list[tuple[datetime.date, int, str, dict[str, Any]]] = []
        today = START - datetime.timedelta(days=1)
        for n in range(self.target):
            model = self._model()
            age = min(self._days(MEAN_DAYS_OPEN[model]), 6 * 365)
            opened = START - datetime.timedelta(days=age)
            code, case = self._open(today, model, opened)
            history.append(
                (opened, 3 * n, "opened", {"case": code, "model": model, "cadence": "team"})
            )  # every simulated case follows the team's cadence
            last = None
            if age > 14:
                _, phase = self.m.review_due(opened, today)
                span = {"initial": 14, "middle": 30, "late": 91}[phase]
                last = max(opened, START - datetime.timedelta(days=self.rnd.randint(1, span - 1)))
                history.append((last, 3 * n + 1, "review_held", {"case": code}))
            for _ in range(self.rnd.choice((0, 1, 1, 2))):
                self.goal_counter += 1
                goal, due = f"G{self.goal_counter}", START + datetime.timedelta(days=self.rnd.randint(1, 150))
                case.goals[goal] = due
                self._schedule_goal(code, goal, due, today)
                history.append((last or opened, 3 * n + 2, "goal_due", {"case": code, "goal": goal, "due": due}))
            self._schedule_review(code, case, last, today)
        history.sort(key=lambda item: (item[0], item[1]))
        for on, _, kind, fields in history:
            yield self._event(kind, on, **fields)
        for model, loads in self.workers.items():
            for worker in range(len(loads)):
                yield self._caseload(model, worker, today)

    def _day(self, today: datetime.date) -> Iterator[Event]:
        rnd = self.rnd
        for action in self.calendar.pop(today, ()):
            kind, code = action[0], action[1]
            case = self.cases.get(code)
            if case is None:
                continue  # closed meanwhile
            if kind == "close":
                self._drop(code)
                yield self._event("closed", today, case=code, **({"reason": case.reason} if case.reason else {}))
                yield self._caseload(case.model, case.worker, today)
                new, fresh = self._open(today, case.model)  # the freed place goes to a new client of the same team
                yield self._event("opened", today, case=new, model=fresh.model, cadence="team")
                yield self._caseload(fresh.model, fresh.worker, today)
                self._schedule(today + datetime.timedelta(days=rnd.randint(1, 10)), "assessed", new)
                self._schedule(today + datetime.timedelta(days=rnd.randint(11, 30)), "plan_agreed", new)
                self._schedule_review(new, fresh, None, today)
            elif kind == "review":
                yield self._event("review_held", today, case=code)
                self._schedule_review(code, case, today, today)
                if len(case.goals) < 3 and rnd.random() < 0.4:
                    yield self._new_goal(code, case, today)
            elif kind in ("assessed", "hospitalised"):
                yield self._event(kind, today, case=code)
            elif kind == "plan_agreed":
                yield self._event("plan_agreed", today, case=code)
                for _ in range(rnd.randint(1, 3 - min(2, len(case.goals)))):
                    yield self._new_goal(code, case, today)
            else:  # evaluate / redate a goal, if it is still the same goal with the same due date
                goal, due = action[2], action[3]
                if case.goals.get(goal) != due:
                    continue
                if kind == "redate":
                    later = due + datetime.timedelta(days=rnd.randint(14, 60))
                    case.goals[goal] = later
                    self._schedule_goal(code, goal, later, today)
                    yield self._event("goal_due", today, case=code, goal=goal, due=later)
                else:
                    del case.goals[goal]
                    if rnd.random() < 0.5:
                        yield self._event("goal_achieved", today, case=code, goal=goal)
                    else:
                        yield self._event("goal_evaluated", today, case=code, goal=goal, achieved=rnd.random() < 0.6)
        for model, rate in HOSPITAL_PER_DAY.items():
            expected = rate * self.target * MODEL_SHARE[model]
            for _ in range(int(expected) + (rnd.random() < expected - int(expected))):
                code = self.codes[rnd.randrange(len(self.codes))]
                yield self._event("hospitalised", today, case=code)
        weekday = today.toordinal() % 7
        for model, loads in self.workers.items():
            for worker in range(weekday, len(loads), 7):
                yield self._caseload(model, worker, today)


def realistic_events(
    monitoring: Monitoring, cases: int = 10_000, total: int = 1_000_000, seed: int = 1
) -> Iterator[Event]:
    """About `total` events (ends with the day's tick) of a region holding `cases` open cases; seeded."""
    return Region(monitoring, cases, seed).events(total)


# ---------------------------------------------------------------- measuring


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def as_json(event: Event) -> str:
    """The event as a JSON Lines line, every field it has (so a log written with it replays the same alerts)."""
    fields: dict[str, Any] = {"event": event.kind, "on": event.on.isoformat()}
    for key in _LINE_FIELDS:
        value = getattr(event, key)
        if value is not None:
            fields[key] = value.isoformat() if isinstance(value, datetime.date) else value
    return json.dumps(fields)


_LINE_FIELDS = [f.name for f in attrs.fields(Event) if f.name not in ("kind", "on", "line", "seq")]


def engine_floor(engine: Any, sizes: tuple[int, ...] = (1_000, 20_000)) -> tuple[float, dict[int, float]]:
    """Microseconds for one bare unmatched event post, and for one fact retract + assert with n facts held."""
    dre = engine._dre
    rnd = random.Random(3)
    handle = dre.create_ruleset(f"floor_{id(engine)}", json.dumps(engine._definition))
    try:
        events = [
            {"sid": "0", "id": str(n), "t": "caseload", "model": "icm", "clients": 5, "norm": 19} for n in range(10_000)
        ]
        start = time.process_time()
        for n in range(0, len(events), 1000):
            dre.assert_events(handle, json.dumps(events[n : n + 1000]))
        post = (time.process_time() - start) / len(events) * 1e6
    finally:
        dre.delete_ruleset(handle)
    change: dict[int, float] = {}
    for size in sizes:
        handle = dre.create_ruleset(f"floor_{id(engine)}_{size}", json.dumps(engine._definition))
        try:
            facts = [
                {"sid": "0", "id": str(n), "t": "review", "due": 740_000 + rnd.randrange(200), "b": 0}
                for n in range(size)
            ]
            for n in range(0, size, 1000):
                dre.assert_facts(handle, json.dumps(facts[n : n + 1000]))
            changed = rnd.sample(facts, min(size, 5000))
            start = time.process_time()
            for n in range(0, len(changed), 500):
                dre.retract_facts(handle, json.dumps([{"sid": "0", "id": f["id"]} for f in changed[n : n + 500]]))
                dre.assert_facts(handle, json.dumps(changed[n : n + 500]))
            change[size] = (time.process_time() - start) / len(changed) * 1e6
        finally:
            dre.delete_ruleset(handle)
    return post, change


def _bare(events: list[Event]) -> list[Alert]:
    """The floor: a loop that reads each event's kind and raises nothing."""
    for event in events:
        event.kind  # noqa: B018 - the attribute read is the work measured
    return []


class _Meter:
    """CPU and wall seconds, events and alerts of one engine over the run and the current stretch."""

    def __init__(self, name: str, feed: Callable[[list[Event]], list[Alert]]) -> None:
        self.name, self.feed = name, feed
        self.wall = self.cpu = 0.0
        self.alerts = 0
        self.mark = (0.0, 0.0)

    def run(self, chunk: list[Event]) -> list[Alert]:
        start, start_cpu = time.perf_counter(), time.process_time()
        alerts = self.feed(chunk)
        self.wall += time.perf_counter() - start
        self.cpu += time.process_time() - start_cpu
        self.alerts += len(alerts)
        return alerts

    def stretch(self, n: int) -> str:
        cpu = self.cpu - self.mark[1]
        self.mark = (self.wall, self.cpu)
        return f"{self.name} {n / max(cpu, 1e-9):>9,.0f}/s"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=10_000, help="events per feed() call")
    parser.add_argument(
        "--engines",
        default="python,durable",
        help="comma-separated: python, durable (durable skipped when not installed)",
    )
    parser.add_argument(
        "--floor", action="store_true", help="also time durable-rules' own floor (bare post; fact retract + assert)"
    )
    parser.add_argument(
        "--reader", action="store_true", help="also time reading JSON Lines (EventReader) on 200,000 events"
    )
    parser.add_argument(
        "--write",
        type=Path,
        help="only write the event log as JSON Lines to this file (for timing `ccm-rules monitor`)",
    )
    args = parser.parse_args()
    monitoring = Monitoring.from_pack(default_pack())
    if args.write is not None:
        with args.write.open("w", encoding="utf-8") as log:
            log.writelines(as_json(event) + "\n" for event in realistic_events(monitoring, args.cases, args.events))
        return 0
    wanted = [name.strip() for name in args.engines.split(",") if name.strip()]
    print(f"start RSS {rss_mb():.0f} MB; load average {os.getloadavg()[0]:.2f}; Python {sys.version.split()[0]}")
    python = PythonMonitor(monitoring)
    meters = [_Meter("bare loop", _bare)]
    if "python" in wanted:
        meters.append(_Meter("python", python.feed))
    durable: Any = None
    if "durable" in wanted:
        try:
            from ccm_rules_adapters.events import DurableMonitor, EngineUnavailableError

            durable = DurableMonitor(monitoring)
        except (ImportError, EngineUnavailableError) as err:
            print(f"durable-rules skipped: {err}")
        else:
            meters.append(_Meter("durable", durable.feed))
    stream = realistic_events(monitoring, args.cases, args.events)
    kinds: Counter[str] = Counter()
    done = mark = rounds = 0
    same = True
    while chunk := list(itertools.islice(stream, args.chunk)):
        kinds.update(e.kind for e in chunk)
        rounds += 1
        turn = meters[rounds % len(meters) :] + meters[: rounds % len(meters)]  # who goes first rotates
        results = {meter.name: meter.run(chunk) for meter in turn}
        if "python" in results and "durable" in results and results["python"] != results["durable"]:
            same = False
        done += len(chunk)
        if done - mark >= 100_000 or len(chunk) < args.chunk:
            stretch = "  ".join(meter.stretch(done - mark) for meter in meters)
            index = (
                f"  open cases {len(python.cases):,}, duties indexed {python.indexed():,} ({python.armed():,} armed)"
                if "python" in wanted
                else ""
            )
            print(f"{done:>9,} events  cpu: {stretch}  RSS {rss_mb():5.0f} MB{index}  load {os.getloadavg()[0]:.2f}")
            mark = done
    if durable is not None and args.floor:
        floor_post, floor_change = engine_floor(durable)
        changes = "; ".join(f"{us:.1f} us with {size:,} facts held" for size, us in floor_change.items())
        print(
            f"durable-rules floor, same process: a bare unmatched event post {floor_post:.1f} us; a fact retract + assert {changes}"
        )
    if durable is not None:
        durable.close()
    mix = ", ".join(f"{kind} {count / done:.1%}" for kind, count in kinds.most_common())
    print(f"mix: {mix}; {done / max(1, kinds['tick']):,.0f} events per tick (day)")
    bare = meters[0]
    for meter in meters[1:]:
        print(
            f"{meter.name}: {done:,} events with {args.cases:,} open cases: {done / meter.cpu:,.0f} events/s cpu, "
            f"{done / meter.wall:,.0f}/s wall; {meter.cpu / bare.cpu:.1f}x the bare loop's time; "
            f"alerts {meter.alerts:,} ({meter.alerts / done:.3f} per event)"
        )
    if "python" in wanted and durable is not None:
        ratio = meters[2].cpu / meters[1].cpu
        print(
            f"python engine {ratio:.2f}x as fast as durable-rules (cpu, same chunks, interleaved); same alerts: {same}"
        )
    print(
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; load average {os.getloadavg()[0]:.2f}"
    )
    if args.reader:
        sample = [as_json(e) for e in realistic_events(monitoring, args.cases, 200_000, seed=2)]
        reader = EventReader(monitoring)
        start = time.perf_counter()
        for n, text in enumerate(sample, 1):
            reader.read(text, n)
        print(
            f"reading JSON Lines (EventReader, with sequence checks, events not kept): {len(sample) / (time.perf_counter() - start):,.0f} events/s"
        )
        assert not reader.problems, reader.problems[:3]
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
