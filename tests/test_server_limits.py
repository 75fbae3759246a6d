"""The real server's limits (issue 16 items 3, 4): headers, slow requests, connections, exposure.

Each test starts `ccm-rules serve` as a user would and attacks it over raw sockets:
a 1 MB header, a thousand half-sent requests ("slowloris"), a bind beyond loopback
without a token. The limits are those of `ccm_rules_adapters.http._server`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ccm_rules_adapters.cli import main
from ccm_rules_adapters.http._server import MAX_CONNECTIONS, MAX_HEADER_BYTES

from .test_http import copy_core_rules, free_port

ENTRY = "import sys; from ccm_rules_adapters.cli import main; sys.exit(main())"


def serve(tmp_path: Path | None, *args: str) -> tuple[subprocess.Popen[bytes], int]:
    """The server on a free port: with the core rules copied to `tmp_path`, or with the shipped pack (None)."""
    port = free_port()
    rules = ["--rules", str(copy_core_rules(tmp_path / "rules"))] if tmp_path is not None else []
    proc = subprocess.Popen(
        [sys.executable, "-c", ENTRY, "serve", "--port", str(port), *rules, *args],
        env={**os.environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server did not start: {proc.communicate()[0].decode()}")


@pytest.fixture
def server(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    proc, port = serve(tmp_path, "--request-timeout", "1")
    yield proc, port
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def full_server() -> tuple[subprocess.Popen[bytes], int]:
    """The shipped pack, so that every document endpoint is there."""
    proc, port = serve(None)
    yield proc, port
    proc.terminate()
    proc.wait(timeout=10)


def healthy(port: int) -> bool:
    return httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_an_oversized_header_is_refused_and_costs_no_memory(server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = server
    before = rss_kib(proc.pid)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ")
        answer = b""
        try:
            for _ in range(64):  # up to 4 MB of one header; the server answers and closes long before
                conn.sendall(b"a" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            answer = conn.recv(1024)
        except ConnectionResetError:
            answer = b""
    assert answer == b"" or answer.startswith(b"HTTP/1.1 400"), answer
    assert rss_kib(proc.pid) - before < 20 * 1024  # megabytes of header were never buffered
    assert healthy(port)
    assert MAX_HEADER_BYTES == 16 * 1024


def test_half_sent_requests_are_closed_after_the_request_timeout(server: tuple[subprocess.Popen[bytes], int]) -> None:
    _, port = server
    slow = []
    for _ in range(50):
        conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finished
        slow.append(conn)
    assert healthy(port)  # a real request is still served while they wait
    time.sleep(2.5)  # the request timeout is 1 s here
    closed = 0
    for conn in slow:
        conn.settimeout(2)
        try:
            closed += conn.recv(1024) == b""
        except (TimeoutError, ConnectionResetError):
            closed += 0
        conn.close()
    assert closed == len(slow)
    assert healthy(port)


def test_connections_past_the_cap_are_answered_503_not_queued(server: tuple[subprocess.Popen[bytes], int]) -> None:
    _, port = server
    held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(MAX_CONNECTIONS)]
    try:
        time.sleep(0.3)
        answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
        assert answer.status_code == 503
    finally:
        for conn in held:
            conn.close()
    time.sleep(0.3)
    assert healthy(port)


def test_a_keep_alive_connection_is_closed_when_idle(server: tuple[subprocess.Popen[bytes], int]) -> None:
    _, port = server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        conn.settimeout(8)
        received, started = b"", time.monotonic()
        while chunk := conn.recv(4096):  # b"": the server closed the connection
            received += chunk
        assert received.startswith(b"HTTP/1.1 200") and b'"status":"ok"' in received
        assert time.monotonic() - started < 7  # closed by the server (request timeout 1 s, keep-alive 5 s)


def test_a_bind_beyond_loopback_without_a_token_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CCM_RULES_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--port", str(free_port())]) == 2
    err = capsys.readouterr().err
    assert "refusing to serve beyond this machine without a bearer token" in err and "--insecure" in err


def test_insecure_serves_beyond_loopback_with_a_warning(tmp_path: Path) -> None:
    proc, port = serve(tmp_path, "--host", "0.0.0.0", "--insecure")
    try:
        assert healthy(port)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0].decode()
    assert "without a bearer token (--insecure)" in output


@pytest.mark.parametrize("path", ["/v1/eligibility", "/v1/readiness", "/cds-services/ccm-eligibility"])
@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('{"facts": ' + "[" * 2000 + "]" * 2000 + "}", "nested more than 64 levels deep"),
        ('{"facts": {"services_needed": ' + "9" * 6000 + "}}", "a number of 6000 digits; at most 1000 are allowed"),
    ],
    ids=["deep", "long-number"],
)
def test_json_bodies_past_a_limit_get_400_naming_it(
    full_server: tuple[subprocess.Popen[bytes], int], path: str, body: str, words: str
) -> None:
    """Nesting of 490-1,000 levels gave 500 (recursion in the handlers); a 6,000-digit number, a traceback."""
    _, port = full_server
    answer = httpx.post(
        f"http://127.0.0.1:{port}{path}", content=body, headers={"Content-Type": "application/json"}, timeout=10
    )
    assert answer.status_code == 400, answer.text
    assert words in answer.text
    assert healthy(port)
