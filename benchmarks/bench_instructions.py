"""Instructions per eligibility decision, counted by valgrind: a figure the machine's load cannot move.

Timings on this shared 2-core machine move by 2× with other jobs; instruction counts do
not (callgrind counts the same total for the same run whatever else runs). For each
workload the script runs the program twice under `valgrind --tool=callgrind`, with 0 and
with N decisions after the same warm-up, and divides the difference by N:

- ``floor``  — the hand-written Python function of `bench_decisions.py` (no trace);
- ``pool``   — `decide()` cycling through 2,000 records decided twice in the warm-up (re-screening a caseload);
- ``fresh``  — `decide()` on 3,000 records never seen before (every record new): outcome, statuses, questions;
- ``fresh+trace`` — the same, with every criterion's trace read (built on first read);
- ``bound``  — `bench_bound.py`'s hand-written eligibility decision with its eager trace, on the same new records.

Instructions are not time (a cache miss costs more than an add), so read the ratios to the
floor, and the seconds from `bench_decisions.py`. Needs valgrind (Debian package).

Run: python benchmarks/bench_instructions.py [--n 3000]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(mode: str, n: int) -> None:
    """The measured program: warm up, then `n` calls of one workload."""
    sys.path.insert(0, str(HERE))
    from bench_bound import bound_decision, decide_traced
    from bench_decisions import ON, RULESET, floor, make_facts

    from ccm_rules import decide

    rnd = random.Random(7)
    warm = [make_facts(rnd) for _ in range(2000)]
    pool = warm if mode == "pool" else [make_facts(rnd) for _ in range(3000)]
    if mode == "bound":  # the bound reads the domains as given, as its own script times it
        pool = [facts for facts in pool if facts["domains"] is not None]
    bound = bound_decision()
    for _ in range(2):  # a memo keeps a reading on its second miss, so a record "seen before" is seen twice
        for facts in warm:
            decide_traced(facts)
            floor(facts)
            if facts["domains"] is not None:
                bound(facts)
    if mode == "floor":
        for i in range(n):
            floor(pool[i % len(pool)])
    elif mode == "bound":
        for i in range(n):
            bound(pool[i % len(pool)])
    elif mode == "fresh+trace":
        for i in range(n):
            decide_traced(pool[i % len(pool)])
    else:
        for i in range(n):
            decide(RULESET, pool[i % len(pool)], ON)


def count(mode: str, n: int) -> int:
    """Instructions of the whole child program under callgrind."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        mode,
        str(n),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="calls counted per workload")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    modes = ("floor", "pool", "fresh", "fresh+trace", "bound")
    with ThreadPoolExecutor(max_workers=2) as pool:
        totals = dict(
            zip(
                [(m, k) for m in modes for k in (0, args.n)],
                pool.map(lambda job: count(*job), [(m, k) for m in modes for k in (0, args.n)]),
                strict=True,
            )
        )
    per_call = {m: (totals[(m, args.n)] - totals[(m, 0)]) / args.n for m in modes}
    print(f"{'workload':<12} {'instructions per call':>22} {'÷ floor':>8} {'bound ÷':>8}")
    for mode in modes:
        print(
            f"{mode:<12} {per_call[mode]:>22,.0f} {per_call[mode] / per_call['floor']:>8.2f} {per_call['bound'] / per_call[mode]:>8.2f}"
        )
    print(f"\npython {sys.version.split()[0]}, {args.n} calls per workload")
    return 0


if __name__ == "__main__":
    sys.exit(main())
