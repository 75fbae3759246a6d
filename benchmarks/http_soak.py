"""Soak test: steady mixed traffic against the real server for a bounded time; is memory flat?

Starts `ccm-rules serve` (one worker, so its process is the server) on a free loopback port,
sends valid, invalid and CDS Hooks requests in a loop, samples the server's resident memory
every `--every` seconds, and reports the growth between the first and last minute.

    python benchmarks/http_soak.py [--duration 600] [--every 10] [--max-growth-mb 20]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from http_bench import BODY, start

MAX_DURATION = 900
REQUESTS = [
    ("POST", "/v1/eligibility", BODY, 200),
    ("POST", "/v1/eligibility", {"facts": {"servics_needed": 3, "domains": {"houzing": "x"}}}, 422),
    ("POST", "/v1/labour-market", {"facts": {"employed": False, "age": 52}}, 200),
    (
        "POST",
        "/cds-services/ccm-eligibility",
        {"hook": "patient-view", "hookInstance": "soak", "context": {"userId": "u", "patientId": "C-SOAK"}},
        200,
    ),
    ("GET", "/health", None, 200),
]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=600)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--max-growth-mb", type=float, default=20.0)
    parser.add_argument("--rules", default=None)
    args = parser.parse_args()
    duration = max(10, min(args.duration, MAX_DURATION))
    proc, url = start(1, args.rules)
    samples: list[tuple[float, float]] = []
    sent = wrong = 0
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            start_t = next_sample = time.monotonic()
            for method, path, body, status in itertools.cycle(REQUESTS):
                now = time.monotonic()
                if now - start_t >= duration:
                    break
                if now >= next_sample:
                    samples.append((round(now - start_t, 1), round(rss_mb(proc.pid), 2)))
                    next_sample += args.every
                r = client.request(method, path, json=body)
                sent += 1
                wrong += r.status_code != status
        samples.append((round(time.monotonic() - start_t, 1), round(rss_mb(proc.pid), 2)))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    window = max(1, 60 // args.every)
    first = sum(m for _, m in samples[:window]) / len(samples[:window])
    last = sum(m for _, m in samples[-window:]) / len(samples[-window:])
    report = {
        "duration_s": duration,
        "requests": sent,
        "unexpected_status": wrong,
        "rss_first_mb": round(first, 2),
        "rss_last_mb": round(last, 2),
        "growth_mb": round(last - first, 2),
        "samples": samples,
    }
    print(json.dumps(report))
    flat = last - first <= args.max_growth_mb and wrong == 0
    print(f"memory {'flat' if flat else 'GROWING or errors'}: {last - first:+.2f} MB", file=sys.stderr)
    sys.exit(0 if flat else 1)


if __name__ == "__main__":
    main()
