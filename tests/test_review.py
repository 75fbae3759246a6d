"""`ccm-rules review`: the team cadence by default, the case's own interval or evaluation date when agreed.

003 (line 45): the 14 days → monthly → quarterly sequence is an example ("např."), and "četnost
se vždy odvíjí od potřeby úspěšného řešení klientovy situace". 002 §10: contact "Az egyéni
tervben meghatározott időintervallumban". 004 §individual plan: "stanovení termínu a způsobu
vyhodnocení plánu".
"""

from __future__ import annotations

import json

import pytest

from ccm_rules_adapters.cli import main


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["review", *args, "--format", "json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_the_team_cadence_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--start", "2027-01-04", "--last", "2027-02-01", "--on", "2027-02-20")
    assert (data["basis"], data["phase"], data["due"], data["days_overdue"]) == (
        "team_cadence",
        "initial",
        "2027-02-15",
        5,
    )


def test_the_plans_interval_overrides_the_team_cadence(capsys: pytest.CaptureFixture[str]) -> None:
    """Before: there was no way to give the plan's interval; the team calendar applied to every case."""
    data = run_json(
        capsys, "--start", "2027-01-04", "--last", "2027-02-01", "--on", "2027-03-10", "--interval-days", "30"
    )
    assert (data["basis"], data["due"], data["overdue"], data["days_overdue"]) == (
        "plan_interval",
        "2027-03-03",
        True,
        7,
    )
    assert data["upcoming"] == ["2027-04-02", "2027-05-02", "2027-06-01"]


def test_the_plans_evaluation_date_overrides_the_team_cadence(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--start", "2027-01-04", "--on", "2027-02-20", "--review-on", "2027-03-31")
    assert (data["basis"], data["due"], data["overdue"]) == ("plan_evaluation", "2027-03-31", False)
    assert (
        main(["review", "--start", "2027-01-04", "--on", "2027-04-02", "--review-on", "2027-03-31", "--lang", "cs"])
        == 0
    )
    out = capsys.readouterr().out
    assert "termín 2027-03-31 (termín vyhodnocení plánu)" in out and "PO TERMÍNU o 2 dny" in out


@pytest.mark.parametrize(
    "args",
    [
        ["--interval-days", "0"],
        ["--interval-days", "400"],
        ["--interval-days", "7", "--review-on", "2027-02-01"],
        ["--last", "2026-12-01", "--interval-days", "7"],
    ],
)
def test_bad_agreements_are_refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "--start", "2027-01-04", *args]) == 2
    assert "Traceback" not in capsys.readouterr().err
