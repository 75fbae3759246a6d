"""FHIR input the adapter cannot use is said, never decided from (issue 16 items 8, 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES

PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female"}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_a_resource_the_decision_does_not_read_is_refused_not_decided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Patient gave exit 0 and an all-unknown decision."""
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(PATIENT), encoding="utf-8")
    code, out, err = run(["fhir", str(path)], capsys)
    assert code == 2 and out == ""
    assert "nothing in the file can be decided from" in err
    assert (
        "a Patient is not used for this decision (it reads: QuestionnaireResponse, Condition, Observation) @ Patient"
        in err
    )


def test_an_empty_bundle_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": []}), encoding="utf-8")
    code, out, err = run(["fhir", str(path)], capsys)
    assert code == 2 and out == "" and "the file holds no resource @ Bundle.entry" in err


def test_an_unused_resource_beside_an_intake_is_named_in_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    intake = json.loads((EXAMPLES / "fhir/intake-eligible.R4B.json").read_text(encoding="utf-8"))
    entries = [
        {"resource": PATIENT},
        *(intake["entry"] if intake.get("resourceType") == "Bundle" else [{"resource": intake}]),
    ]
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}), encoding="utf-8")
    code, out, _ = run(["fhir", str(path)], capsys)
    assert code == 0
    assert "a Patient is not used for this decision" in out and "Bundle.entry[0].resource" in out


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"resourceType": "Patient", "x": ' + "[" * 60_000 + "]" * 60_000 + "}", "nested more than 64 levels deep"),
        ('{"resourceType": "Patient", "x": ' + "9" * 6000 + "}", "a number of 6000 digits"),
    ],
    ids=["deep", "long-number"],
)
def test_json_past_a_limit_is_refused_before_it_is_walked(
    text: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON nested 50,000-100,000 deep (RecursionError) and 6,000-digit numbers gave tracebacks."""
    path = tmp_path / "deep.json"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(["fhir", str(path)], capsys)
    assert code == 2 and "cannot read the FHIR file" in err and words in err and str(path) in err
