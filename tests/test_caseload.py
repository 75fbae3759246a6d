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
from ccm_rules.engine._hours import client_weeks_over, week_of
from ccm_rules.monitoring._monitoring import Event, Monitoring, PythonMonitor
from ccm_rules.team._caseload import check_caseload, read_team
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
    if "team_extra_workers" in expect:
        assert result.team.extra_workers == expect["team_extra_workers"]
    if "hours" in expect:
        assert {w.subject: w.hours_status.value for w in result.workers if w.hours_status is not None} == expect[
            "hours"
        ]


def _limits(pack: RulePack) -> dict[str, Any]:
    return pack.parameter_set("team_norms").values_at(ON)


@settings(max_examples=120, deadline=None)
@given(
    norm=st.sampled_from(["icm", "act"]),
    clients=st.integers(0, 400),
    fte=st.floats(0.1, 20, allow_nan=False).map(lambda f: round(f, 2)),
)
def test_agrees_with_arithmetic_oracle(pack: RulePack, norm: str, clients: int, fte: float) -> None:
    limits = _limits(pack)
    cap = {
        "labour_market": limits["labour_market_max_clients_per_worker"],
        "icm": limits["icm_max_clients_per_worker"],
        "act": limits["act_max_clients_per_worker"],
    }[norm]
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


@settings(max_examples=120, deadline=None)
@given(clients=st.integers(0, 400), fte=st.floats(0.1, 3, allow_nan=False).map(lambda f: round(f, 2)))
def test_labour_market_cap_is_per_person_not_per_fte(pack: RulePack, clients: int, fte: float) -> None:
    """002 §10: "Egy esetmenedzser egyidőben maximum 35 ügyfél esetét menedzseli" — per case manager.

    Before: the cap was 35 x FTE (41 clients on 1.2 FTE were within, 20 on 0.5 FTE over).
    """
    cap = _limits(pack)["labour_market_max_clients_per_worker"]
    result = check_caseload("labour_market", [{"code": "W", "fte": fte, "clients": clients}], as_of=ON, pack=pack)
    worker = result.workers[0]
    assert worker.status is (Status.MET if clients <= cap else Status.NOT_MET)
    assert worker.over_by == max(clients - cap, 0) and worker.extra_workers == (1 if clients > cap else 0) * math.ceil(
        max(clients - cap, 0) / cap
    )
    assert (worker.extra_fte, worker.per) == (0.0, "person")
    unknown_fte = check_caseload("labour_market", [{"code": "W", "clients": clients}], as_of=ON, pack=pack).workers[0]
    assert unknown_fte.status is worker.status  # FTE does not count, so not knowing it changes nothing


def test_the_seed_cap_examples(pack: RulePack) -> None:
    more = check_caseload("labour_market", [{"code": "W", "fte": 1.2, "clients": 41}], as_of=ON, pack=pack)
    part = check_caseload("labour_market", [{"code": "W", "fte": 0.5, "clients": 20}], as_of=ON, pack=pack)
    assert (more.workers[0].status, part.workers[0].status) == (Status.NOT_MET, Status.MET)
    team = check_caseload(
        "labour_market",
        [{"code": "A", "fte": 1, "clients": 40}, {"code": "B", "fte": 1, "clients": 40}],
        as_of=ON,
        pack=pack,
    )
    assert (team.team.status, team.team.extra_workers, team.status) == (Status.NOT_MET, 1, Status.NOT_MET)


@settings(max_examples=40, deadline=None)
@given(hours=st.floats(0, 6, allow_nan=False).map(lambda h: round(h, 2)))
def test_an_average_within_the_limit_shows_nothing(pack: RulePack, hours: float) -> None:
    """002 §10: "ügyfelenként maximum 2 óra/ hét" — for each client. Before: an average within 2 h was met."""
    result = check_caseload(
        "labour_market", [{"code": "W", "fte": 1, "clients": 10, "hours_per_client_week": hours}], as_of=ON, pack=pack
    )
    limit = _limits(pack)["labour_market_max_hours_per_client_week"]
    assert result.workers[0].hours_status is (Status.UNKNOWN if hours <= limit else Status.NOT_MET)
    assert result.workers[0].hours_over_by == pytest.approx(max(hours - limit, 0))
    assert math.isclose(result.team.hours_per_client_week or 0, hours)


contact = st.tuples(
    st.sampled_from(["K1", "K2", "K3"]),
    st.dates(datetime.date(2027, 1, 1), datetime.date(2027, 2, 15)),
    st.sampled_from([0, 0.25, 0.5, 1, 1.5, 2, 2.5]),
)


@settings(max_examples=150, deadline=None)
@given(contacts=st.lists(contact, max_size=25))
def test_hours_are_checked_per_client_and_week(
    pack: RulePack, contacts: list[tuple[str, datetime.date, float]]
) -> None:
    """Each client-week over 2 h is named, however low the average; one within every week is met."""
    limit = _limits(pack)["labour_market_max_hours_per_client_week"]
    rows = [{"client": c, "day": d, "hours": h} for c, d, h in contacts]
    worker = check_caseload(
        "labour_market", [{"code": "W", "fte": 1, "clients": 3, "contacts": rows}], as_of=ON, pack=pack
    ).workers[0]
    totals: dict[tuple[str, datetime.date], Fraction] = {}
    for c, d, h in contacts:
        monday = d - datetime.timedelta(days=d.weekday())
        totals[(c, monday)] = totals.get((c, monday), Fraction(0)) + Fraction(str(h))
    over = {key for key, total in totals.items() if total > limit}
    assert {(w.client, w.week) for w in worker.client_weeks_over} == over
    assert worker.hours_status is (Status.NOT_MET if over else Status.MET)


@settings(max_examples=100, deadline=None)
@given(contacts=st.lists(contact, max_size=25), clients=st.integers(30, 40))
def test_the_caseload_check_and_monitoring_agree(
    pack: RulePack, contacts: list[tuple[str, datetime.date, float]], clients: int
) -> None:
    """The same contacts and caseload give the same verdicts in `caseload` and in `monitor` (M3, M6)."""
    monitoring = Monitoring.from_pack(pack)
    contacts = sorted(contacts, key=lambda c: c[1])
    log = [
        Event("opened", datetime.date(2027, 1, 1), 0, n, case=code, model="labour_market")
        for n, code in enumerate(("K1", "K2", "K3"), 1)
    ]
    log += [Event("contact", d, n, n, case=c, hours=h) for n, (c, d, h) in enumerate(contacts, 4)]
    log.append(
        Event("caseload", datetime.date(2027, 2, 15), 99, 99, worker="W", model="labour_market", clients=clients)
    )
    alerts = PythonMonitor(monitoring).feed(log)
    worker = check_caseload(
        "labour_market",
        [
            {
                "code": "W",
                "fte": 0.8,
                "clients": clients,
                "contacts": [{"client": c, "day": d, "hours": h} for c, d, h in contacts],
            }
        ],
        as_of=ON,
        pack=pack,
    ).workers[0]
    assert {(a.case, a.values["week"]) for a in alerts if a.rule == "M6"} == {
        (w.client, w.week) for w in worker.client_weeks_over
    }
    assert any(a.rule == "M3" for a in alerts) is (worker.status is Status.NOT_MET)
    assert client_weeks_over([(c, d, h) for c, d, h in contacts], 2) == worker.client_weeks_over
    assert all(week_of(w.week) == w.week for w in worker.client_weeks_over)


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
    assert "a norma felett" in out and "Esetmenedzser (szolgáltatásleírás) §10" in out
    assert "K-0207" in out  # the client-week over the hours limit is named
    assert main(["caseload", str(EXAMPLES / "caseload/act_team_within.yaml"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["result"]["status"] == "met"
    bad = tmp_path / "t.yaml"
    bad.write_text("norm: icm\nworkers:\n  - code: W1\n    fte: -0.5\n    clients: 4\n")
    assert main(["caseload", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:4:" in err and "$.workers[0].fte" in err and "Traceback" not in err


@pytest.mark.parametrize(("key", "value"), [("fte", "5.0e-324"), ("fte", "1001.0"), ("clients", "1000001")])
def test_figures_beyond_the_arithmetic_are_refused(
    key: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by fuzzing the HTTP endpoint: an FTE of 5e-324 crashed the CLI with OverflowError."""
    worker = {"code": "W1", "fte": "1.0", "clients": "10", key: value}
    bad = tmp_path / "team.yaml"
    fields = ", ".join(f"{k}: {v}" for k, v in worker.items())
    bad.write_text(f"norm: labour_market\nworkers:\n  - {{{fields}}}\n", encoding="utf-8")
    assert main(["caseload", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"$.workers[0].{key}" in err and "out of range" in err and "team.yaml:3" in err


@pytest.mark.parametrize(
    ("contacts", "path", "needle"),
    [
        ("K1 2h", "$.workers[0].contacts", "must be a list"),
        ([{"client": "K1", "day": "2027-02-30", "hours": 1}], "$.workers[0].contacts[0].day", "no such day"),
        ([{"client": "K1", "day": "2027-01-04", "hours": -1}], "$.workers[0].contacts[0].hours", "from 0 to 168"),
        ([{"client": "K1", "hours": 1}], "$.workers[0].contacts[0].day", "needs 'day'"),
        ([{"client": "K1", True: "2027-01-04", "hours": 1}], "$.workers[0].contacts[0].True", "write 'day'"),
    ],
)
def test_bad_contacts_name_the_field(pack: RulePack, contacts: Any, path: str, needle: str) -> None:
    with pytest.raises(FactsError) as info:
        check_caseload(
            "labour_market", [{"code": "W", "fte": 1, "clients": 3, "contacts": contacts}], as_of=ON, pack=pack
        )
    found = [(p.path, p.message) for p in info.value.problems]
    assert any(p == path and needle in m for p, m in found), found


def test_contacts_under_a_norm_without_an_hours_limit_are_refused(pack: RulePack) -> None:
    with pytest.raises(FactsError, match="no hours limit"):
        check_caseload("icm", [{"code": "W", "fte": 1, "clients": 3, "contacts": []}], as_of=ON, pack=pack)


def test_http_caseload_checks_each_client_week_and_the_cap_per_person(pack: RulePack) -> None:
    pytest.importorskip("litestar")
    from litestar.testing import TestClient

    from ccm_rules_adapters.http import create_app

    body = {
        "team": "LM-T09",
        "as_of": "2027-01-11",
        "norm": "labour_market",
        "workers": [
            {"code": "W-01", "fte": 1.2, "clients": 41},
            {
                "code": "W-02",
                "fte": 0.5,
                "clients": 12,
                "contacts": [
                    {"client": "K1", "day": "2027-01-04", "hours": 1.5},
                    {"client": "K1", "day": "2027-01-10", "hours": 1},
                ],
            },
        ],
    }
    with TestClient(create_app(pack)) as client:
        r = client.post("/v1/caseload", json=body)
        assert r.status_code == 200, r.text
        workers = r.json()["result"]["workers"]
        assert (workers[0]["status"], workers[0]["extra_workers"], workers[0]["per"]) == ("not_met", 1, "person")
        assert workers[1]["hours_status"] == "not_met"
        assert workers[1]["client_weeks_over"] == [{"client": "K1", "week": "2027-01-04", "hours": 2.5, "over_by": 0.5}]
        bad = client.post(
            "/v1/caseload",
            json=body
            | {
                "workers": [
                    {
                        "code": "W",
                        "fte": 1,
                        "clients": 3,
                        "contacts": [{"client": "K1", "day": "2027-02-30", "hours": 1}],
                    }
                ]
            },
        )
        assert bad.status_code == 422
        assert [e["pointer"] for e in bad.json()["errors"]] == ["/workers/0/contacts/0/day"]


def test_a_bad_contact_in_a_team_file_is_named_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "team.yaml"
    bad.write_text(
        "norm: labour_market\nworkers:\n  - code: W-01\n    clients: 4\n    contacts:\n"
        "      - {client: K1, day: 2027-01-04, hours: 1}\n      - client: K2\n        day: 2027-02-30\n        hours: 1\n"
        "      - {client: K3, on: 2027-01-05, hours: 3}\n",
        encoding="utf-8",
    )
    assert main(["caseload", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "team.yaml:8:" in err and "$.workers[0].contacts[1].day" in err
    assert "team.yaml:10:" in err and "write 'day'" in err and "Traceback" not in err
