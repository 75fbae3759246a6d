"""Throughput and latency of `POST /v1/eligibility` on the real server, measured with wrk.

Starts `ccm-rules serve` on a free loopback port, drives it with wrk (a real load generator,
`apt-get install wrk`) for a bounded time, and prints requests/s and latency percentiles.
Goal (issue 6): >= 2,000 requests/s with p99 <= 20 ms on 2 cores, loopback.

    python benchmarks/http_bench.py [--workers 2] [--duration 15] [--connections 8] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

BODY = {
    "facts": {
        "domains": {
            "housing": "unmet_need",
            "finances": "unmet_need",
            "mental_health": "met_need",
            "physical_health": "no_need",
            "daily_living": "no_need",
            "work": "no_need",
            "social_relationships": "no_need",
            "leisure": "no_need",
        },
        "services_needed": 4,
        "chronic_condition": True,
        "expected_duration_months": 24,
        "ongoing_coordination_needed": True,
        "referral_only": False,
    },
    "case": "C-BENCH",
}
MAX_DURATION = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(workers: int, rules: str | None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [
        sys.executable,
        "-c",
        "import sys; from ccm_rules_adapters.cli import main; sys.exit(main())",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    if rules:
        cmd += ["--rules", rules]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def wrk(url: str, duration: int, connections: int, threads: int) -> dict[str, float]:
    body = json.dumps(BODY)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
            'wrk.headers["Content-Type"] = "application/json"\nwrk.headers["Accept-Language"] = "cs"\n'
        )
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration}s",
                "--latency",
                "-s",
                script.name,
                f"{url}/v1/eligibility",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=duration + 30,
        ).stdout
    finally:
        os.unlink(script.name)
    result = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "75", "90", "99"):
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        result[f"p{pct}_ms"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = float(errors.group(1)) if errors else 0.0
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rules", default=None, help="rule pack directory (default: shipped)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")
    duration = max(1, min(args.duration, MAX_DURATION))
    proc, url = start(args.workers, args.rules)
    try:
        wrk(url, 3, args.connections, args.threads)  # warm-up
        result = wrk(url, duration, args.connections, args.threads)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    result.update(workers=args.workers, connections=args.connections, duration_s=duration, cpus=os.cpu_count() or 0)
    print(json.dumps(result, indent=2))
    goal = result["requests_per_s"] >= 2000 and result["p99_ms"] <= 20
    print(f"goal (>= 2000 req/s, p99 <= 20 ms): {'met' if goal else 'NOT met'}", file=sys.stderr)


if __name__ == "__main__":
    main()
