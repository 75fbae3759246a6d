"""Event monitoring throughput and memory: durable-rules with 10,000 open cases over 1M events.

A steady caseload: 10,000 cases are opened first; then each step holds a review, sets or
evaluates a goal, reports a worker's caseload, or closes a case and opens a new one, and
time passes with one `tick` per ~3,000 events (a working day of a large region), so the
open caseload stays at 10,000. Printed per 100,000 events: events/s and RSS (flat memory
means RSS stops growing after warm-up). Also measured in the same run: reading the
events from JSON Lines (`EventReader`), and the plain-Python oracle on a shorter stretch.

Run: python benchmarks/bench_events.py [--events 1000000] [--cases 10000]
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import resource
import sys
import time
from collections.abc import Iterator

from ccm_rules._eligibility import default_pack
from ccm_rules._monitoring import Event, EventReader, Monitoring, PythonMonitor


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def steady_events(models: list[str], cases: int, total: int, seed: int = 1) -> Iterator[Event]:
    """`total` events over a caseload that stays at `cases` open cases."""
    rnd = random.Random(seed)
    day = datetime.date(2027, 1, 4)
    open_cases: list[str] = []
    goals: dict[str, list[str]] = {}
    counter = 0
    seq = 0

    def event(kind: str, **fields: object) -> Event:
        nonlocal seq
        seq += 1
        return Event(kind, day, seq, seq, **fields)  # type: ignore[arg-type]

    for _ in range(cases):
        counter += 1
        open_cases.append(f"C{counter}")
        yield event("opened", case=f"C{counter}", model=rnd.choice(models))
    while seq < total:
        if seq % 3000 == 0:
            day += datetime.timedelta(days=1)
            yield event("tick")
            continue
        roll = rnd.random()
        index = rnd.randrange(len(open_cases))
        case = open_cases[index]
        if roll < 0.05:
            yield event("closed", case=case, reason=rnd.choice((None, "stabilised", "moved_away", "refuses_cooperation")))
            goals.pop(case, None)
            counter += 1
            open_cases[index] = f"C{counter}"
            yield event("opened", case=open_cases[index], model=rnd.choice(models))
        elif roll < 0.45:
            yield event("review_held", case=case)
        elif roll < 0.6:
            goal = f"G{rnd.randrange(3)}"
            if goal not in goals.setdefault(case, []):
                goals[case].append(goal)
            yield event("goal_due", case=case, goal=goal, due=day + datetime.timedelta(days=rnd.randrange(10, 90)))
        elif roll < 0.7 and goals.get(case):
            yield event("goal_achieved", case=case, goal=goals[case].pop())
        elif roll < 0.8:
            yield event("caseload", worker=f"W{rnd.randrange(600)}", model=rnd.choice(models), clients=rnd.randrange(5, 40))
        else:
            yield event(rnd.choice(("assessed", "plan_agreed", "hospitalised")), case=case)


def as_json(event: Event) -> str:
    fields = {"event": event.kind, "on": event.on.isoformat()}
    for key in ("case", "model", "goal", "reason", "worker", "clients", "achieved"):
        value = getattr(event, key)
        if value is not None:
            fields[key] = value
    if event.due is not None:
        fields["due"] = event.due.isoformat()
    return json.dumps(fields)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=10_000, help="events per feed() call")
    args = parser.parse_args()
    monitoring = Monitoring.from_pack(default_pack())
    models = list(monitoring.models)

    from ccm_rules_adapters.events import DurableMonitor

    print(f"start RSS {rss_mb():.0f} MB")
    engine = DurableMonitor(monitoring)
    stream = steady_events(models, args.cases, args.events)
    done = alerts = 0
    busy = 0.0
    last_done, last_busy = 0, 0.0
    while done < args.events:
        chunk = [e for _, e in zip(range(args.chunk), stream, strict=False)]
        if not chunk:
            break
        start = time.perf_counter()
        alerts += len(engine.feed(chunk))
        busy += time.perf_counter() - start
        done += len(chunk)
        if done - last_done >= 100_000:
            interval = (done - last_done) / (busy - last_busy)
            print(f"{done:>9,} events  {done / busy:>9,.0f} events/s cumulative  {interval:>9,.0f} in the last stretch  RSS {rss_mb():6.0f} MB  live facts {engine.facts():,}  alerts {alerts:,}")
            last_done, last_busy = done, busy
    engine.close()
    print(f"durable-rules: {done:,} events with {args.cases:,} open cases: {done / busy:,.0f} events/s (event objects in, alerts out; generation excluded)")

    sample = [as_json(e) for e in steady_events(models, args.cases, 200_000, seed=2)]
    reader = EventReader(monitoring)
    start = time.perf_counter()
    parsed = [reader.read(text, n) for n, text in enumerate(sample, 1)]
    parse_rate = len(sample) / (time.perf_counter() - start)
    assert not reader.problems
    print(f"reading JSON Lines (EventReader, with sequence checks): {parse_rate:,.0f} events/s")

    events = [e for e in parsed if e is not None]
    with DurableMonitor(monitoring) as engine:
        start = time.perf_counter()
        durable_alerts = engine.feed(events)
        durable_rate = len(events) / (time.perf_counter() - start)
    oracle = PythonMonitor(monitoring)
    start = time.perf_counter()
    oracle_alerts = oracle.feed(events)
    oracle_rate = len(events) / (time.perf_counter() - start)
    same = durable_alerts == oracle_alerts
    print(f"same 200k events: durable {durable_rate:,.0f}/s, python oracle {oracle_rate:,.0f}/s (ratio {durable_rate / oracle_rate:.1f}); same alerts: {same} ({len(oracle_alerts):,})")
    end_to_end = 1 / (1 / parse_rate + 1 / durable_rate)
    print(f"end to end (read JSON Lines + durable-rules): ~{end_to_end:,.0f} events/s")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
