"""Caseload and capacity check against the shared norms (seeds 002, 004; Cochrane ICM)."""

from __future__ import annotations

import datetime
import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import FactsError, RulePack, Status
from ccm_rules._caseload import check_caseload, read_team
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES

TEAMS = sorted((EXAMPLES / "caseload").glob("*.yaml"))
ON = datetime.date(2027, 1, 1)


@pytest.mark.parametrize("path", TEAMS, ids=lambda p: p.stem)
def test_example(path: Path, pack: RulePack) -> None:
    team = read_team(path)
    expect = team.expect
    assert expect is not None
    result = check_caseload(team.norm, team.workers, as_of=team.as_of, pack=pack)
    assert result.status.value == expect["status"]
    assert result.team.status.value == expect["team"]
    if "workers" in expect:
        assert {w.subject: w.status.value for w in result.workers} == expect["workers"]
    if "team_extra_fte" in expect:
        assert result.team.extra_fte_rounded == expect["team_extra_fte"]


def _limits(pack: RulePack) -> dict[str, Any]:
    return pack.parameter_set("team_norms").values_at(ON)


@settings(max_examples=120, deadline=None)
@given(
    norm=st.sampled_from(["labour_market", "icm", "act"]),
    clients=st.integers(0, 400),
    fte=st.floats(0.1, 20, allow_nan=False).map(lambda f: round(f, 2)),
)
def test_agrees_with_arithmetic_oracle(pack: RulePack, norm: str, clients: int, fte: float) -> None:
    limits = _limits(pack)
    cap = {"labour_market": limits["labour_market_max_clients_per_worker"], "icm": limits["icm_max_clients_per_worker"], "act": limits["act_max_clients_per_worker"]}[norm]
    result = check_caseload(norm, [{"code": "W", "fte": fte, "clients": clients}], as_of=ON, pack=pack)
    check = result.team
    over = clients - cap * Fraction(str(fte))
    assert check.status is (Status.MET if over <= 0 else Status.NOT_MET)
    assert check.over_by == pytest.approx(float(max(over, 0)))
    needed = Fraction(clients, 1) / cap - Fraction(str(fte))
    assert check.extra_fte == pytest.approx(float(max(needed, 0)))
    # the rounded extra staff is enough, and 0.1 FTE less would not be
    assert clients <= cap * (Fraction(str(fte)) + Fraction(str(check.extra_fte_rounded))) + Fraction(1, 10**9)
    if check.extra_fte_rounded > 0:
        assert clients > cap * (Fraction(str(fte)) + Fraction(str(check.extra_fte_rounded)) - Fraction(1, 10))
    if norm == "act":
        assert check.below_minimum == (Fraction(clients) / Fraction(str(fte)) < limits["act_min_clients_per_worker"])


@settings(max_examples=40, deadline=None)
@given(hours=st.floats(0, 6, allow_nan=False).map(lambda h: round(h, 2)))
def test_labour_market_hours_limit(pack: RulePack, hours: float) -> None:
    result = check_caseload("labour_market", [{"code": "W", "fte": 1, "clients": 10, "hours_per_client_week": hours}], as_of=ON, pack=pack)
    limit = _limits(pack)["labour_market_max_hours_per_client_week"]
    assert result.workers[0].hours_status is (Status.MET if hours <= limit else Status.NOT_MET)
    assert result.workers[0].hours_over_by == pytest.approx(max(hours - limit, 0))
    assert math.isclose(result.team.hours_per_client_week or 0, hours)


def test_missing_figures_are_unknown_not_zero(pack: RulePack) -> None:
    result = check_caseload("icm", [{"code": "W", "fte": 1.0}], as_of=ON, pack=pack)
    assert result.status is Status.UNKNOWN and result.workers[0].status is Status.UNKNOWN


@pytest.mark.parametrize(
    ("workers", "path", "needle"),
    [
        ([{"code": "W", "fte": -1, "clients": 3}], "$.workers[0].fte", "0 or more"),
        ([{"code": "W", "fte": 1, "clients": 3, "name": "Jan"}], "$.workers[0].name", "unknown field 'name'"),
        ([{"code": "W", "fte": 0, "clients": 3}], "$.workers[0].fte", "FTE above 0"),
        ([{"code": "W", "fte": 1, "clients": 2.5}], "$.workers[0].clients", "whole number"),
        ([], "$.workers", "non-empty"),
    ],
)
def test_bad_input_names_the_field(pack: RulePack, workers: list[dict[str, Any]], path: str, needle: str) -> None:
    with pytest.raises(FactsError) as info:
        check_caseload("icm", workers, as_of=ON, pack=pack)
    assert [(p.path, needle in p.message) for p in info.value.problems] == [(path, True)]


def test_unknown_norm(pack: RulePack) -> None:
    with pytest.raises(FactsError, match="unknown caseload norm"):
        check_caseload("cm", [{"fte": 1, "clients": 1}], pack=pack)


def test_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["caseload", str(EXAMPLES / "caseload/labour_market_over.yaml"), "--lang", "hu"]) == 1
    out = capsys.readouterr().out
    assert "a norma felett" in out and "Esetmenedzser (szolgáltatásleírás) §személyi feltételek" in out
    assert main(["caseload", str(EXAMPLES / "caseload/act_team_within.yaml"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["result"]["status"] == "met"
    bad = tmp_path / "t.yaml"
    bad.write_text("norm: icm\nworkers:\n  - code: W1\n    fte: -0.5\n    clients: 4\n")
    assert main(["caseload", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:4:" in err and "$.workers[0].fte" in err and "Traceback" not in err


@pytest.mark.parametrize(("key", "value"), [("fte", "5.0e-324"), ("fte", "1001.0"), ("clients", "1000001")])
def test_figures_beyond_the_arithmetic_are_refused(key: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Found by fuzzing the HTTP endpoint: an FTE of 5e-324 crashed the CLI with OverflowError."""
    worker = {"code": "W1", "fte": "1.0", "clients": "10", key: value}
    bad = tmp_path / "team.yaml"
    fields = ", ".join(f"{k}: {v}" for k, v in worker.items())
    bad.write_text(f"norm: labour_market\nworkers:\n  - {{{fields}}}\n", encoding="utf-8")
    assert main(["caseload", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"$.workers[0].{key}" in err and "out of range" in err and "team.yaml:3" in err
