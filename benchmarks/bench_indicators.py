"""Indicators benchmark: seed 002's indicators over 1M log entries, against bare polars passes over the same tables.

Measured in one run, side by side (the machine is shared and noisy, so the ratios matter
more than the absolute figures):

- `indicators(...)` on eager polars tables, every table present, grouped by provider;
- the same on lazy frames (the plan is built and collected once);
- baseline: one bare polars `group_by(...).len()` per log table (the least any indicator
  computation must do: read each entry once), so the ratio is the cost of the indicators
  themselves over a scan.

The log is synthetic and deterministic (`--seed`): 10% enrolments, 50% meetings, 10%
planned measures, 15% measure results, 5% plan goals, 8% follow-ups, 2% surveys.

    python benchmarks/bench_indicators.py --entries 1000000 --repeat 5
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from ccm_rules.records.indicators import indicators

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
SHARES = {
    "enrolment": 0.10,
    "meeting": 0.50,
    "plan_measure": 0.10,
    "measure_result": 0.15,
    "plan_goal": 0.05,
    "follow_up": 0.08,
    "survey": 0.02,
}


def make_log(entries: int, seed: int) -> dict[str, pl.DataFrame]:
    """Deterministic synthetic log tables, `entries` rows in all."""
    rng = np.random.default_rng(seed)
    n = {name: int(entries * share) for name, share in SHARES.items()}
    clients = max(n["enrolment"], 1)
    codes = np.array([f"C{i:07d}" for i in range(clients)])
    day0 = np.datetime64("2025-10-01")

    def days(k: int) -> np.ndarray[Any, Any]:
        return day0 + rng.integers(0, 300, k).astype("timedelta64[D]")

    def pick(values: list[str] | np.ndarray[Any, Any], k: int) -> np.ndarray[Any, Any]:
        return np.asarray(values)[rng.integers(0, len(values), k)]

    outcomes = ["training_entered", "training_completed", "qualification", "employed", "job_kept"]
    return {
        "enrolment": pl.DataFrame(
            {
                "code": codes,
                "on": day0 + rng.integers(0, 60, clients).astype("timedelta64[D]"),
                "provider": pick([f"P{i}" for i in range(20)], clients),
                "case_manager": pick([f"M{i}" for i in range(600)], clients),
                "region": pick([f"R{i}" for i in range(8)], clients),
                "age_band": pick(["15-24", "25-34", "35-49", "50-64", "65+"], clients),
                "sex": pick(["female", "male"], clients),
                "education": pick(["primary", "lower_secondary", "vocational", "upper_secondary", "tertiary"], clients),
                "prior_status": pick(["job_seeker", "long_term_unemployed", "inactive"], clients),
            }
        ),
        "meeting": pl.DataFrame({"code": pick(codes, n["meeting"]), "on": days(n["meeting"])}),
        "plan_measure": pl.DataFrame(
            {
                "code": pick(codes, n["plan_measure"]),
                "plan": "p1",
                "on": days(n["plan_measure"]),
                "measure": pick([f"m{i}" for i in range(6)], n["plan_measure"]),
            }
        ),
        "measure_result": pl.DataFrame(
            {
                "code": pick(codes, n["measure_result"]),
                "on": days(n["measure_result"]),
                "measure": pick([f"m{i}" for i in range(6)], n["measure_result"]),
                "status": pick(["realised", "partly_realised", "not_realised"], n["measure_result"]),
            }
        ),
        "plan_goal": pl.DataFrame(
            {
                "code": pick(codes, n["plan_goal"]),
                "plan": "p1",
                "on": days(n["plan_goal"]),
                "outcome": pick(outcomes, n["plan_goal"]),
            }
        ),
        "follow_up": pl.DataFrame(
            {"code": pick(codes, n["follow_up"]), "on": days(n["follow_up"]), "outcome": pick(outcomes, n["follow_up"])}
        ),
        "survey": pl.DataFrame(
            {
                "provider": pick([f"P{i}" for i in range(20)], n["survey"]),
                "period": pick([f"2026-0{m}" for m in range(1, 8)], n["survey"]),
                "satisfaction": rng.integers(1, 6, n["survey"]),
            }
        ),
    }


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    tables = make_log(args.entries, args.seed)
    lazy = {k: v.lazy() for k, v in tables.items()}
    total = sum(t.height for t in tables.values())

    def baseline() -> None:
        for name, table in tables.items():
            table.group_by("provider" if name == "survey" else "code").len()

    runs = {
        "baseline: one group_by per table": timed(baseline, args.repeat),
        "indicators, eager, by provider": timed(
            lambda: indicators(tables, start=START, end=END, by="provider"), args.repeat
        ),
        "indicators, lazy, by provider": timed(
            lambda: indicators(lazy, start=START, end=END, by="provider").collect(), args.repeat
        ),
        "indicators, eager, by case manager": timed(
            lambda: indicators(tables, start=START, end=END, by="case_manager"), args.repeat
        ),
    }
    base = statistics.median(runs["baseline: one group_by per table"])
    print(
        f"{total:,} log entries in {len(tables)} tables; polars {pl.__version__}; best and median of {args.repeat} runs"
    )
    for label, times in runs.items():
        median = statistics.median(times)
        print(f"  {label:<38} best {min(times):6.3f} s  median {median:6.3f} s  {median / base:5.1f}x baseline")
    rows = indicators(tables, start=START, end=END, by="provider").height
    print(f"  result: {rows} indicator rows")


if __name__ == "__main__":
    main()
