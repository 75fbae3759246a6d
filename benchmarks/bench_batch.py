"""Batch screening benchmark: a 1M-row Parquet registry to results Parquet with reason codes.

Measured in one run, side by side (the machine is shared and noisy, so ratios matter
more than absolute figures):

- `ccm-rules batch` as a subprocess: wall time including interpreter start and pack
  load, and the child's peak RSS; best and median of `--repeat` runs;
- the same work in-process (read, screen, write; imports and pack already loaded);
- the per-record core (`row_facts` + `decide`, both rulesets, with validation) on a
  sample, extrapolated to the registry size;
- durable-rules per record on a sample, if it imports: eligibility only, one
  ruleset per criterion (an event fires one rule, so each criterion needs its own
  post), the domain count and holistic coverage pre-computed in Python, and no
  three-valued logic (a missing fact simply fails to match) — less work than ours.

    python benchmarks/bench_batch.py --rows 1000000 --sample 20000
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from make_registry import make_registry

from ccm_rules import RulePack, decide
from ccm_rules.engine._pack import default_pack
from ccm_rules.engine.columnar import DEFAULT_RULESETS, row_facts

ON = datetime.date(2026, 1, 1)


def run_cli(registry: Path, output: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one `ccm-rules batch` subprocess."""
    entry = "import sys; from ccm_rules_adapters.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", entry, "batch", str(registry), "-o", str(output), "-q", "--as-of", ON.isoformat()]
    start = time.perf_counter()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"ccm-rules batch failed with exit code {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def start_up() -> float:
    """Wall seconds to start Python, import the CLI and polars and load the shipped pack: what
    `ccm-rules batch` does before it reads a row (polars was left out before, though the CLI needs it)."""
    code = (
        "from ccm_rules_adapters.cli import build_parser; from ccm_rules.eligibility._eligibility import default_pack; "
        "import polars; build_parser(); default_pack()"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def run_in_process(registry: Path, output: Path) -> float:
    from ccm_rules_adapters.cli import main

    start = time.perf_counter()
    main(["batch", str(registry), "-o", str(output), "-q", "--as-of", ON.isoformat()])
    return time.perf_counter() - start


def per_record_core(rows: list[dict[str, Any]], pack: RulePack) -> float:
    """Rows per second through the per-record core, both rulesets, validation included."""
    rulesets = [pack.ruleset(r) for r in DEFAULT_RULESETS]
    start = time.perf_counter()
    for row in rows:
        for ruleset in rulesets:
            with contextlib.suppress(ValueError):
                decide(ruleset, row_facts(row, ruleset), ON)
    return len(rows) / (time.perf_counter() - start)


def per_record_durable(rows: list[dict[str, Any]], pack: RulePack) -> float | None:
    """Rows per second through durable-rules, eligibility only (see the module docstring)."""
    try:
        from durable.lang import m, post, ruleset, when_all
    except Exception:
        return None
    eligibility = pack.ruleset("eligibility")
    params = {name: use.value for name, use in eligibility.params_at(ON).items()}
    met: dict[str, list[str]] = {}
    conditions = {
        "E1": (m.domains_with_need >= params["min_domains_with_need"]) & (m.services_needed >= params["min_services"]),
        "E2": m.holistic_assessed == True,  # noqa: E712 - durable-rules DSL
        "E3": (m.chronic_condition == True) | (m.expected_duration_months >= params["long_term_months"]),  # noqa: E712
        "E4": (m.ongoing_coordination_needed == True) & (m.referral_only == False),  # noqa: E712
    }
    stamp = time.monotonic_ns()
    names = {}
    for criterion, condition in conditions.items():
        name = f"bench_{criterion}_{stamp}"
        names[criterion] = name
        with ruleset(name):

            @when_all(condition)
            def hit(c: Any, criterion: str = criterion) -> None:
                met.setdefault(c.m.case, []).append(criterion)

            @when_all(+m.case)
            def miss(c: Any) -> None:
                pass

    vocabulary = eligibility.vocabularies["life_domains"]
    holistic = params["holistic_domains"]
    need = {code: status.need for code, status in vocabulary.spec.statuses.items()}
    start = time.perf_counter()
    for row in rows:
        event = {k: v for k, v in row.items() if v is not None and "." not in k}
        statuses = [row.get(f"domains.{code}") or vocabulary.spec.default_status for code in vocabulary.codes]
        event["domains_with_need"] = sum(1 for s in statuses if need[s])
        event["holistic_assessed"] = all(row.get(f"domains.{code}") not in (None, "not_assessed") for code in holistic)
        for name in names.values():
            post(name, event)
    return len(rows) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--registry", type=Path, default=None, help="reuse this registry (made if missing)")
    args = parser.parse_args()
    pack = default_pack()
    workdir = Path(tempfile.mkdtemp(prefix="ccm-bench-"))
    registry = args.registry or workdir / f"registry_{args.rows}.parquet"
    if not registry.exists():
        make_registry(args.rows, seed=7, pack=pack).write_parquet(registry)
    output = workdir / "results.parquet"
    print(
        f"registry: {registry} ({registry.stat().st_size / 1e6:.1f} MB, {args.rows} rows); cores: {os.cpu_count()}; load: {os.getloadavg()[0]:.2f}"
    )

    runs = [run_cli(registry, output) for _ in range(args.repeat)]
    walls = [w for w, _, _ in runs]
    cpus = [c for _, c, _ in runs]
    rss = max(r for _, _, r in runs)
    boot = min(start_up() for _ in range(args.repeat))
    inproc = [run_in_process(registry, output) for _ in range(args.repeat)]
    results = pl.read_parquet(output)
    assert results.height + pl.read_csv(output.with_name("results.errors.csv")).height == args.rows

    sample = pl.read_parquet(registry, n_rows=args.sample).to_dicts()
    core_rate = per_record_core(sample, pack)
    durable_rate = per_record_durable(sample, pack)

    best = min(walls)
    print(
        f"batch CLI (subprocess, incl. start-up): best {best:.2f} s, median {statistics.median(walls):.2f} s wall; "
        f"CPU best {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s; peak RSS {rss:.0f} MiB"
    )
    print(f"  of which start-up (Python, imports incl. polars, pack load): best {boot:.2f} s")
    print(
        f"batch in-process (read+screen+write):   best {min(inproc):.2f} s, median {statistics.median(inproc):.2f} s → {args.rows / min(inproc) / 1e6:.2f} M rows/s"
    )
    core_time = args.rows / core_rate
    print(
        f"per-record core (both rulesets):        {core_rate:,.0f} rows/s → {core_time:.0f} s for {args.rows} rows; batch is {core_time / best:.0f}× faster"
    )
    if durable_rate is None:
        print("durable-rules per record: not importable here")
    else:
        durable_time = args.rows / durable_rate
        print(
            f"durable-rules per record (eligibility): {durable_rate:,.0f} rows/s → {durable_time:.0f} s; batch is {durable_time / best:.0f}× faster"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
