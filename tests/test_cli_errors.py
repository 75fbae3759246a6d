"""No tracebacks and one table of exit codes: 0 done, 1 findings, 2 bad input or usage, 3 environment."""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path

import pytest

from ccm_rules_adapters.cli import main
from ccm_rules_adapters.cli._common import EXIT_BAD_INPUT, EXIT_ENVIRONMENT, EXIT_FINDINGS, EXIT_OK

from .conftest import EXAMPLES

DOC = Path(__file__).parents[1] / "docs/exit-codes.md"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_the_exit_code_table_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code in (EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_ENVIRONMENT):
        assert f"| {code} |" in text
    assert (EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_ENVIRONMENT) == (0, 1, 2, 3)


@pytest.mark.parametrize(
    "argv",
    [
        [
            "fidelity",
            "dacts",
            str(EXAMPLES / "dacts/high_fidelity.yaml"),
            "--format",
            "html",
            "-o",
            "/missing/dir/r.html",
        ],
        ["readiness", str(EXAMPLES / "readiness/new_to_ccm.yaml"), "--report", "/missing/dir/r.html"],
    ],
)
def test_an_output_file_in_a_missing_folder_is_bad_input(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(argv, capsys)
    assert code == EXIT_BAD_INPUT
    assert "/missing/dir/r.html: cannot write the file: its folder does not exist" in err


def test_batch_without_its_extra_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "polars" else real(name, *a))
    code, err = run(["batch", str(EXAMPLES / "batch/registry.csv"), "-o", str(tmp_path / "out.parquet")], capsys)
    assert code == EXIT_ENVIRONMENT
    assert "needs the 'batch' extra (missing: polars" in err and "pip install 'ccm-rules[batch]'" in err


@pytest.mark.parametrize("goal", ["nope.yaml", "nope.JSON", "goals/nope", "nope.yml"])
def test_a_goal_that_looks_like_a_missing_file_is_an_error(goal: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["goal", goal], capsys)
    assert code == EXIT_BAD_INPUT and f"no goal file {goal!r}" in err


def test_a_goal_text_is_still_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["goal", "The client will apply for three jobs by 2027-03-31."]) == EXIT_OK


def test_rules_check_of_a_missing_folder_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["rules", "check", str(tmp_path / "nope")], capsys)
    assert code == EXIT_BAD_INPUT and "no such rule pack folder" in err
    code, err = run(
        ["eligibility", str(EXAMPLES / "eligibility/short_intervention.yaml"), "--rules", str(tmp_path / "nope")],
        capsys,
    )
    assert code == EXIT_BAD_INPUT and "no such rule pack folder" in err


def test_serve_on_a_port_in_use_is_an_environment_error(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("uvicorn", reason="needs the http extra: pip install -e '.[http]'")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = run(["serve", "--port", str(port)], capsys)
    assert code == EXIT_ENVIRONMENT and f"port {port} on 127.0.0.1 is already in use" in err


def test_a_json_case_file_is_read_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.json"
    case.write_text(
        '{"case": "J-1", "as_of": "2027-01-04",\n "facts": {"services_needed": 1, "referral_only": true,}\n}\n',
        encoding="utf-8",
    )
    code, err = run(["eligibility", str(case)], capsys)
    assert code == EXIT_BAD_INPUT  # YAML would take the trailing comma
    assert f"{case}:2: malformed JSON" in err and "a comma before a closing bracket is not allowed in JSON" in err
    case.write_text(
        '{"case": "J-1", "as_of": "2027-01-04",\n "facts": {"services_needed": 1, "referral_only": true}\n}\n',
        encoding="utf-8",
    )
    assert main(["eligibility", str(case), "--format", "json"]) == EXIT_OK
    assert '"as_of": "2027-01-04"' in capsys.readouterr().out  # a JSON date is text, read as the date it names
    case.write_text('{"facts": {"services_needed": 1,\n "services_needed": 2}}', encoding="utf-8")
    code, err = run(["eligibility", str(case)], capsys)
    assert code == EXIT_BAD_INPUT and f"{case}:2: duplicate key 'services_needed'" in err
    case.write_text('{"facts": {"services_needed": NaN}}', encoding="utf-8")
    code, err = run(["eligibility", str(case)], capsys)
    assert code == EXIT_BAD_INPUT and "NaN is not a number JSON allows" in err


def test_review_refuses_a_negative_count(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["review", "--start", "2027-01-01", "--upcoming", "-3"], capsys)
    assert (
        code == EXIT_BAD_INPUT and "argument --upcoming: expected a whole number, 0 or more, got the text '-3'" in err
    )


def test_an_impossible_day_is_named_at_its_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("facts: {}\nas_of: 2026-02-30\n", encoding="utf-8")
    code, err = run(["eligibility", str(case)], capsys)
    assert code == EXIT_BAD_INPUT
    assert f"{case}:2: expected a date (YYYY-MM-DD), got the text '2026-02-30': there is no such day @ $.as_of" in err


def test_one_wording_for_every_date_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wording = "expected a date (YYYY-MM-DD), got the text '2027-1-4'"
    case = tmp_path / "case.yaml"
    case.write_text("as_of: '2027-1-4'\nfacts: {}\n", encoding="utf-8")
    region = tmp_path / "region.yaml"
    region.write_text(
        (EXAMPLES / "readiness/new_to_ccm.yaml")
        .read_text(encoding="utf-8")
        .replace("as_of: 2026-11-01", "as_of: '2027-1-4'"),
        encoding="utf-8",
    )
    runs = [
        ["eligibility", str(case)],
        ["readiness", str(region)],
        ["team-model", str(EXAMPLES / "team_model/individual_one_service.yaml"), "--start", "2027-1-4"],
        ["goal", "Apply for a job", "--as-of", "2027-1-4"],
        ["review", "--start", "2027-1-4"],
        ["batch", str(EXAMPLES / "batch/registry.csv"), "-o", str(tmp_path / "o.csv"), "--as-of", "2027-1-4"],
    ]
    for argv in runs:
        code, err = run(argv, capsys)
        assert code == EXIT_BAD_INPUT and wording in err, (argv, err)


def test_a_misspelt_event_key_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "events.jsonl"
    log.write_text('{"evnt": "tick", "on": "2027-02-01"}\n{"event": "tik", "on": "2027-02-01"}\n', encoding="utf-8")
    code, err = run(["monitor", str(log), "--engine", "python"], capsys)
    assert code == EXIT_BAD_INPUT
    assert f"{log}:1: unknown key 'evnt': did you mean 'event'?" in err
    assert f"{log}:2: unknown event 'tik'; did you mean 'tick'?" in err
    assert "None" not in err
