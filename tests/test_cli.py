"""The CLI: explained output, JSON, and exit code 2 with named fields on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES, RULES


def test_eligibility_in_czech(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eligibility", str(EXAMPLES / "eligibility/chronic_mental_illness.yaml"), "--lang", "cs"]) == 0
    out = capsys.readouterr().out
    assert "VHODNÉ" in out and "Kdy má a kdy nemá smysl uvažovat o case managementu? §1" in out and "C-0001" in out
    assert "001_bb7494a8907fa6f9.txt" not in out  # the text names the seed by its title; JSON keeps the file name


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eligibility", str(EXAMPLES / "eligibility/only_work_assessed.yaml"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decision"]["outcome"] == "undetermined"
    assert data["decision"]["pack"]["content_hash"].startswith("sha256:")
    assert data["explanation"]["questions"][0].startswith("Assess the life domain")


def test_bad_facts_exit_2_naming_every_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "bad.yaml"
    case.write_text("facts:\n  servics_needed: 3\n  expected_duration_months: -4\n  domains: {houzing: unmet_need}\n")
    assert main(["eligibility", str(case)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{case}:2: unknown fact 'servics_needed'; did you mean 'services_needed'?" in err
    assert f"{case}:3:" in err and "below the smallest allowed value 0" in err
    assert "$.facts.domains.houzing" in err and "did you mean 'housing'?" in err


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("facts: [1, 2\n", "malformed YAML"),
        ("facts: {}\nname: Jan\n", "unknown key 'name'"),
        ("- 1\n", "must be a mapping"),
    ],
)
def test_malformed_case_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, needle: str) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(text)
    assert main(["eligibility", str(case)]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_unknown_language_and_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eligibility", str(EXAMPLES / "eligibility/simple_referral.yaml"), "--lang", "fr"]) == 2
    assert main(["eligibility", "/nonexistent/case.yaml"]) == 2
    err = capsys.readouterr().err
    assert "unknown language 'fr'" in err and "cannot read file" in err


def test_rules_check_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check", str(RULES)]) == 0
    assert "0 error(s)" in capsys.readouterr().err


def test_closed_pipe_ends_quietly() -> None:
    import subprocess
    import sys

    script = f"from ccm_rules_adapters.cli import main; import sys; sys.exit(main(['eligibility', {str(EXAMPLES / 'eligibility/chronic_mental_illness.yaml')!r}]))"
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader goes away before the answer is written, like `| head -c 0`
        err = proc.stderr.read().decode()
        assert proc.wait() == 0
    assert "Traceback" not in err
