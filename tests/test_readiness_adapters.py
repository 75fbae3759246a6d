"""Issue 15 items 11-13 through the adapters: the CLI readiness command (text, JSON, HTML
report) and the HTTP readiness service give the variant from first CCM experience alone,
the sensitisation step in the phase plan, structural independence as a question when not
shown, and seed 001 row 5 as the region's system check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ccm_rules import RulePack, assess_readiness
from ccm_rules.engine._convert import make_converter
from ccm_rules.readiness import parse_region
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES

OTHER = EXAMPLES / "readiness/other_provider_host.yaml"
HOSPITAL = EXAMPLES / "readiness/hospital_host.yaml"


def test_cli_text_hospital_host_is_minimum_with_a_provisional_sensitisation_step(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """First experience, sensitisation unknown: before, 'MAXIMUM VARIANT (provisional)'; now the
    minimum variant, and the unknown shapes only the phase plan."""
    assert main(["readiness", str(HOSPITAL)]) == 0
    out = capsys.readouterr().out
    assert "Rollout variant: MINIMUM VARIANT\n" in out and "RV2" not in out
    assert "  Sensitisation first (provisional): F5 Networking (50%), F6 Communication (39%)" in out
    assert "[unknown] RP1 " in out and "[fill in: starting_situation.sensitisation_needed]" in out
    assert "Case management as a system in the region: Case management is not yet set up as a system" in out
    assert "[not met] RS6 " in out and "organisational barriers and a non-uniform process" in out


def test_cli_json_carries_the_phase_and_system_decisions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["readiness", str(OTHER), "--format", "json", "--lang", "de"]) == 0
    data = json.loads(capsys.readouterr().out)
    result, explanation = data["result"], data["explanation"]
    assert result["variant"] == "minimum" and result["variant_determined"] is True
    assert result["phases"][0] == {"phase": "sensitisation", "factors": ["F5", "F6"], "provisional": False}
    assert (
        result["phases_decision"]["ruleset"] == "readiness_phases"
        and result["phases_decision"]["outcome"] == "not_eligible"
    )
    assert result["system_decision"]["outcome"] == "eligible"
    sl4h = next(c for c in result["lessons_decision"]["criteria"] if c["id"] == "SL4H")
    assert sl4h["status"] == "unknown"
    assert explanation["system_title"] == "Ist Case Management in der Region als System eingerichtet?"
    assert [c["id"] for c in explanation["system_criteria"]] == ["RS1", "RS2", "RS3", "RS4", "RS5", "RS6"]
    assert explanation["phases"][0]["title"] == "Zuerst Sensibilisierung"


def test_cli_html_report_shows_the_step_and_the_system_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.html"
    assert main(["readiness", str(HOSPITAL), "--lang", "hu", "--report", str(report)]) == 0
    capsys.readouterr()
    html = report.read_text(encoding="utf-8")
    assert (
        '<div class="first provisional"><h3>Előzetes érzékenyítés <span class="badge unknown">ideiglenes</span></h3>'
        in html
    )
    assert "<h2>Az esetmenedzsment mint rendszer a régióban</h2>" in html
    assert html.index("Előzetes érzékenyítés") < html.index("Kezdeti fázis")


def test_cli_refuses_a_self_contradicting_host(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("host: independent_organisation\nlessons: {host_independent: no}\n", encoding="utf-8")
    assert main(["readiness", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2:" in err and "$.lessons.host_independent" in err and "Traceback" not in err


# ------------------------------------------------------------------ HTTP


@pytest.fixture(scope="module")
def client(pack: RulePack) -> Any:
    pytest.importorskip("litestar")
    from litestar.testing import TestClient

    from ccm_rules_adapters.http import create_app

    with TestClient(create_app(pack)) as c:
        yield c


def plain(value: Any) -> Any:
    return json.loads(json.dumps(make_converter().unstructure(value)))


REGION = {
    "region": "R-9",
    "as_of": "2026-11-01",
    "starting_situation": {"prior_ccm_experience": "yes", "sensitisation_needed": "yes"},
    "host": "other_provider",
    "system": {"clients_shared": "no", "cm_beside_direct_work": "yes"},
}


def test_http_readiness_answers_as_the_core(client: Any, pack: RulePack) -> None:
    r = client.post("/v1/readiness", json=REGION, headers={"Accept-Language": "cs"})
    assert r.status_code == 200, r.text
    text = "starting_situation: {prior_ccm_experience: yes, sensitisation_needed: yes}\nhost: other_provider\n"
    text += "system: {clients_shared: no, cm_beside_direct_work: yes}\nas_of: 2026-11-01\nregion: R-9\n"
    expected = assess_readiness(parse_region(text, "r.yaml", pack=pack), pack=pack)
    body = r.json()
    assert body["result"] == plain(expected)
    assert body["result"]["variant"] == "minimum" and body["result"]["phases"][0]["phase"] == "sensitisation"
    statuses = {c["id"]: c["status"] for c in body["result"]["system_decision"]["criteria"]}
    assert statuses["RS1"] == statuses["RS6"] == "not_met"
    sl4h = next(c for c in body["result"]["lessons_decision"]["criteria"] if c["id"] == "SL4H")
    assert sl4h["status"] == "unknown"
    assert any("lessons.host_independent" in q for q in body["explanation"]["questions"])


def test_http_readiness_refuses_bad_system_fields_and_the_contradiction(client: Any) -> None:
    bad = {**REGION, "system": {"clients_shared": "sometimes", "shared_clients": "yes"}}
    r = client.post("/v1/readiness", json=bad)
    assert r.status_code == 422, r.text
    pointers = {e["pointer"] for e in r.json()["errors"]}
    assert {"/system/clients_shared", "/system/shared_clients"} <= pointers, pointers
    contradiction = {**REGION, "host": "independent_organisation", "lessons": {"host_independent": "no"}}
    r = client.post("/v1/readiness", json=contradiction)
    assert r.status_code == 422, r.text


def test_http_schema_describes_the_system_section_and_host_independent(client: Any) -> None:
    from ccm_rules import default_pack
    from ccm_rules_adapters.http._document_schemas import readiness_schema

    schema = readiness_schema(default_pack())
    assert set(schema["properties"]["system"]["properties"]) == {
        "clients_shared",
        "roles_divided",
        "information_sharing",
        "common_process",
        "joint_funding",
        "cm_beside_direct_work",
    }
    assert "host_independent" in schema["properties"]["lessons"]["properties"]
    assert "sensitisation_needed" in schema["properties"]["starting_situation"]["properties"]
