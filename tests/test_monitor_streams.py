"""`ccm-rules monitor` keeps memory flat however many alerts and bad lines a log has (issue 16 item 5).

Alerts are written as they are raised (to a spool that stays in memory up to 1 MiB, then
on disk) and printed once the whole log is known to be valid; a log of bad lines lists
the first 1,000 and counts the rest. Memory is measured with tracemalloc around the
command itself (the pack is loaded first), for a log and one eight times as long.
"""

from __future__ import annotations

import contextlib
import json
import tracemalloc
from pathlib import Path

import pytest

from ccm_rules.monitoring._monitoring import MAX_LISTED_PROBLEMS
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES


def closing_log(path: Path, cases: int) -> Path:
    """Case after case opened and closed without a reason: one alert each, and never more than one case open."""
    with path.open("w", encoding="utf-8") as log:
        for i in range(cases):
            log.write(json.dumps({"event": "opened", "on": "2026-01-05", "case": f"C-{i}", "model": "icm"}) + "\n")
            log.write(json.dumps({"event": "closed", "on": "2026-01-05", "case": f"C-{i}"}) + "\n")
    return path


def peak_kib(argv: list[str]) -> tuple[int, int]:
    """(exit code, peak traced memory in KiB) of one command, its output to /dev/null."""
    with (
        open("/dev/null", "w", encoding="utf-8") as sink,
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(sink),
    ):
        main([*argv[:1], str(EXAMPLES / "monitoring/icm_and_act.jsonl"), *argv[2:]])  # load the pack and code first
        tracemalloc.start()
        try:
            code = main(argv)
            return code, tracemalloc.get_traced_memory()[1] // 1024
        finally:
            tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_alerts_do_not_accumulate_in_memory(tmp_path: Path, fmt: str) -> None:
    small = closing_log(tmp_path / "small.jsonl", 2_000)
    large = closing_log(tmp_path / "large.jsonl", 16_000)
    code_small, small_kib = peak_kib(["monitor", str(small), "--engine", "python", "--format", fmt])
    code_large, large_kib = peak_kib(["monitor", str(large), "--engine", "python", "--format", fmt])
    assert code_small == code_large == 1  # alerts were raised
    # Held in memory, 16,000 alerts peaked at 94 MB against 12 MB for 2,000; streamed, both peak at 1.3 MB.
    assert large_kib < 1.5 * small_kib + 2048, (small_kib, large_kib)


def test_the_streamed_report_is_the_whole_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = closing_log(tmp_path / "log.jsonl", 3_000)  # past the 1 MiB in-memory spool
    assert main(["monitor", str(log), "--engine", "python", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["events"] == 6_000 and len(report["alerts"]) == 3_000
    assert [a["case"] for a in report["alerts"]] == [f"C-{i}" for i in range(3_000)]


def test_a_log_of_bad_lines_lists_the_first_thousand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "bad.jsonl"
    log.write_text(
        "".join(
            json.dumps({"event": "opened", "on": "someday", "case": f"C-{i}", "model": "icm"}) + "\n"
            for i in range(5_000)
        ),
        encoding="utf-8",
    )
    assert main(["monitor", str(log), "--engine", "python"]) == 2
    err = capsys.readouterr().err
    assert err.count(f"{log}:") == MAX_LISTED_PROBLEMS + 1
    assert f"only the first {MAX_LISTED_PROBLEMS} are listed" in err


@pytest.mark.parametrize("engine", ["python", "durable"])
@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('{"event": "opened", "x": ' + "[" * 5_000 + "]" * 5_000 + "}", "nested more than 64 levels deep"),
        (
            '{"event": "opened", "on": "2026-01-05", "case": "C-1", "model": "icm", "n": ' + "9" * 6000 + "}",
            "a number of 6000 digits",
        ),
        ("[1, 2]", "an event must be a JSON object, got a list"),
    ],
    ids=["deep", "long-number", "list"],
)
def test_a_line_past_a_limit_is_named_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: str, line: str, words: str
) -> None:
    """JSON nested 50,000-100,000 deep and 6,000-digit integers ended both engines in a traceback."""
    if engine == "durable":
        pytest.importorskip(
            "durable.engine", reason="the durable engine needs the 'events' extra: pip install -e '.[events]'"
        )
    log = tmp_path / "log.jsonl"
    log.write_text(line + "\n", encoding="utf-8")
    assert main(["monitor", str(log), "--engine", engine]) == 2
    err = capsys.readouterr().err
    assert f"{log}:1: " in err and words in err and "Traceback" not in err
