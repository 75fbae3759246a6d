"""The HTTP service: decisions in four languages, problem+json naming every field, auth, limits.

Most tests run on a copy of the core rule files (eligibility, labour market, vocabulary) so
they do not move when other areas of the pack change; one test serves the shipped pack.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from ccm_rules import RulePack, assess_eligibility, explain
from ccm_rules.engine._convert import make_converter
from ccm_rules_adapters.cli import main
from ccm_rules_adapters.http import create_app, decision_services, ruleset_service
from ccm_rules_adapters.http._lang import negotiate

from .conftest import RULES

CORE_FILES = ("pack.yaml", "texts.yaml", "eligibility.yaml", "labour_market.yaml", "vocabulary")
AS_OF = "2026-01-15"
FULL = {
    "domains": {
        "housing": "unmet_need",
        "finances": "unmet_need",
        "mental_health": "met_need",
        "work": "no_need",
        "physical_health": "no_need",
        "daily_living": "no_need",
        "social_relationships": "no_need",
        "leisure": "no_need",
    },
    "services_needed": 4,
    "chronic_condition": True,
    "expected_duration_months": 24,
    "ongoing_coordination_needed": True,
    "referral_only": False,
}


def copy_core_rules(target: Path) -> Path:
    """The core rule files only: a pack that other areas' work in progress cannot break."""
    target.mkdir(parents=True, exist_ok=True)
    for name in CORE_FILES:
        source = RULES / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    rules: Path, env: dict[str, str] | None = None, port: int | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """`ccm-rules serve` on a free loopback port, waited for until /health answers."""
    port = port or free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from ccm_rules_adapters.cli import main; sys.exit(main())",
            "serve",
            "--port",
            str(port),
            "--rules",
            str(rules),
        ],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server did not start: {proc.communicate()[0].decode()}")


@pytest.fixture(scope="module")
def core_pack(tmp_path_factory: pytest.TempPathFactory) -> RulePack:
    return RulePack.load(copy_core_rules(tmp_path_factory.mktemp("rules")))


@pytest.fixture(scope="module")
def client(core_pack: RulePack) -> Any:
    with TestClient(create_app(core_pack)) as c:
        yield c


@pytest.mark.parametrize("lang", ["en", "cs", "hu", "de"])
def test_accept_language_picks_the_explanation_language(client: Any, core_pack: RulePack, lang: str) -> None:
    r = client.post(
        "/v1/eligibility",
        json={"facts": FULL, "as_of": AS_OF, "case": "C-0001"},
        headers={"Accept-Language": f"{lang}-XX, en;q=0.1"},
    )
    assert r.status_code == 200
    assert r.headers["content-language"] == lang
    body = r.json()
    assert body["case"] == "C-0001"
    assert body["explanation"]["outcome_label"] == core_pack.text("outcome.eligible", lang)
    assert body["decision"]["pack"]["content_hash"] == core_pack.info.content_hash


def test_http_decision_is_the_core_decision(client: Any, core_pack: RulePack) -> None:
    facts = {"domains": {"work": "unmet_need"}, "services_needed": 1}
    r = client.post("/v1/eligibility", json={"facts": facts, "as_of": AS_OF})
    decision = assess_eligibility(facts, as_of=datetime.date.fromisoformat(AS_OF), pack=core_pack)
    conv = make_converter()
    assert r.json()["decision"] == json.loads(json.dumps(conv.unstructure(decision)))
    assert r.json()["explanation"] == json.loads(json.dumps(conv.unstructure(explain(decision, core_pack, "en"))))


def test_labour_market_endpoint(client: Any) -> None:
    r = client.post("/v1/labour-market", json={"facts": {"employed": True}, "as_of": AS_OF})
    assert r.status_code == 200 and r.json()["decision"]["ruleset"] == "labour_market"


def test_every_bad_field_is_named_in_problem_json(client: Any) -> None:
    body = {
        "facts": {
            "servics_needed": 3,
            "chronic_condition": "yes",
            "expected_duration_months": -4,
            "domains": {"houzing": "unmet_need"},
        },
        "as_of": "2026-02-30",
        "case": 7,
        "extra": 1,
    }
    r = client.post("/v1/eligibility", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["status"] == 422 and problem["type"].startswith("urn:ccm-rules:problem:")
    pointers = [e["pointer"] for e in problem["errors"]]
    assert sorted(pointers) == sorted(
        [
            "/extra",
            "/as_of",
            "/case",
            "/facts/servics_needed",
            "/facts/chronic_condition",
            "/facts/expected_duration_months",
            "/facts/domains/houzing",
        ]
    )
    details = " ".join(e["detail"] for e in problem["errors"])
    assert "did you mean 'services_needed'?" in details and "did you mean 'housing'?" in details


@pytest.mark.parametrize(("body", "status"), [(b"{not json", 400), (b"[1, 2]", 422), (b'{"facts": []}', 422)])
def test_malformed_bodies(client: Any, body: bytes, status: int) -> None:
    r = client.post("/v1/eligibility", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"], "a refused body names what is wrong"


def test_date_before_any_parameter_value_is_422_naming_as_of(client: Any) -> None:
    r = client.post("/v1/eligibility", json={"facts": FULL, "as_of": "1990-01-01"})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/as_of"


def test_body_limit(core_pack: RulePack) -> None:
    with TestClient(create_app(core_pack, max_body=512)) as c:
        r = c.post("/v1/eligibility", json={"facts": {}, "case": "x" * 600})
        assert r.status_code == 413 and r.json()["type"].endswith("body-too-large")
        assert c.post("/v1/eligibility", json={"facts": {}}).status_code == 200


def test_bearer_token(core_pack: RulePack) -> None:
    with TestClient(create_app(core_pack, token="s3cret-token")) as c:
        assert c.get("/health").status_code == 200
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret-token"}):
            r = c.post("/v1/eligibility", json={"facts": {}}, headers=headers)
            assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
            assert c.get("/cds-services", headers=headers).status_code == 401
        ok = {"Authorization": "Bearer s3cret-token"}
        assert c.post("/v1/eligibility", json={"facts": {}}, headers=ok).status_code == 200
        schema = c.get("/schema/openapi.json").json()
        assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
        assert schema["paths"]["/v1/eligibility"]["post"]["security"] == [{"bearer": []}]


def test_openapi_31_from_models_and_rule_data(client: Any, core_pack: RulePack) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert {"/health", "/v1/decisions", "/v1/eligibility", "/v1/labour-market", "/cds-services"} <= set(schema["paths"])
    post = schema["paths"]["/v1/eligibility"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    facts = body["properties"]["facts"]["properties"]
    spec = core_pack.ruleset("eligibility").spec.facts["services_needed"]
    assert (facts["services_needed"]["minimum"], facts["services_needed"]["maximum"]) == (spec.min, spec.max)
    assert set(facts["domains"]["properties"]) == set(core_pack.vocabularies["life_domains"].codes)
    assert body["additionalProperties"] is False
    assert post["responses"]["422"]["content"]["application/problem+json"]
    assert "Decision" in schema["components"]["schemas"] and "Explanation" in schema["components"]["schemas"]


def test_a_new_endpoint_is_one_table_row(core_pack: RulePack) -> None:
    row = ruleset_service("eligibility-copy", "eligibility", "Same as eligibility", "A second row")
    with TestClient(create_app(core_pack, services=[*decision_services(core_pack), row])) as c:
        assert c.post("/v1/eligibility-copy", json={"facts": FULL}).json()["decision"]["outcome"] == "eligible"
        assert "/v1/eligibility-copy" in c.get("/schema/openapi.json").json()["paths"]
        assert [s["name"] for s in c.get("/v1/decisions").json()] == [
            "eligibility",
            "labour-market",
            "eligibility-copy",
        ]


def test_the_shipped_pack_is_served() -> None:
    with TestClient(create_app()) as c:
        schema = c.get("/schema/openapi.json").json()
        assert "/v1/eligibility" in schema["paths"]
        assert c.post("/v1/eligibility", json={"facts": FULL}).json()["decision"]["outcome"] == "eligible"


def test_team_model_endpoint_when_the_core_has_it() -> None:
    pytest.importorskip("ccm_rules.team._team_model")
    from ccm_rules.team._team_model import recommend_team_model

    facts = {"concurrent_services": 1, "domains": {}}
    with TestClient(create_app()) as c:
        r = c.post(
            "/v1/team-model",
            json={"facts": facts, "as_of": "2027-01-04", "case": "C-7"},
            headers={"Accept-Language": "hu"},
        )
        assert r.status_code == 200 and r.json()["case"] == "C-7"
        core = recommend_team_model(facts, as_of=datetime.date(2027, 1, 4))
        assert r.json()["recommendation"]["model"] == core.model
        assert r.json()["explanation"]["lang"] == "hu"
        bad = c.post("/v1/team-model", json={"facts": {"concurrent_servics": 1}})
        assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/facts/concurrent_servics"


STATUS = st.sampled_from(["no_need", "met_need", "unmet_need", "not_assessed"])
FACTS = st.fixed_dictionaries(
    {},
    optional={
        "domains": st.dictionaries(
            st.sampled_from(["housing", "finances", "work", "mental_health", "leisure"]), STATUS
        ),
        "services_needed": st.integers(0, 50),
        "chronic_condition": st.booleans(),
        "expected_duration_months": st.floats(0, 600, allow_nan=False),
        "ongoing_coordination_needed": st.booleans(),
        "referral_only": st.booleans() | st.none(),
    },
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(facts=FACTS, lang=st.sampled_from(["en", "cs", "hu", "de"]))
def test_property_http_agrees_with_core(client: Any, core_pack: RulePack, facts: dict[str, Any], lang: str) -> None:
    r = client.post("/v1/eligibility", json={"facts": facts, "as_of": AS_OF}, headers={"Accept-Language": lang})
    assert r.status_code == 200
    core = assess_eligibility(facts, as_of=datetime.date.fromisoformat(AS_OF), pack=core_pack)
    assert r.json()["decision"]["outcome"] == core.outcome.value
    assert r.json()["explanation"]["lang"] == lang


@given(header=st.text(max_size=80))
def test_property_negotiation_is_total(header: str) -> None:
    assert negotiate(header, ("en", "cs", "hu", "de"), "en") in ("en", "cs", "hu", "de")


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("cs-CZ,cs;q=0.9,en;q=0.8", "cs"),
        ("de-AT;q=0.8, hu, en;q=0.5", "hu"),
        ("fr", "en"),
        ("*", "en"),
        ("en;q=0, *", "cs"),
        ("xx;q=abc,de", "de"),
        (None, "en"),
        ("hu;q=0.5,de;q=0.5", "hu"),
    ],
)
def test_negotiation_examples(header: str | None, lang: str) -> None:
    assert negotiate(header, ("en", "cs", "hu", "de"), "en") == lang


def test_serve_without_the_http_extra_says_which_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "litestar" else real(name, *a))
    assert main(["serve", "--port", "1"]) == 3  # exit 3: the environment (a missing extra)
    err = capsys.readouterr().err
    assert "pip install 'ccm-rules[http]'" in err and "litestar" in err


def test_serve_bad_rules_dir_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--rules", str(tmp_path / "missing")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_real_server_logs_no_personal_data(tmp_path: Path) -> None:
    proc, url = start_server(copy_core_rules(tmp_path / "rules"), {"CCM_RULES_TOKEN": "tok-123"})
    try:
        auth = {"Authorization": "Bearer tok-123"}
        ok = httpx.post(f"{url}/v1/eligibility", json={"facts": FULL, "case": "C-SECRET-77"}, headers=auth)
        bad = httpx.post(f"{url}/v1/eligibility", json={"facts": {"services_needed": "C-SECRET-88"}}, headers=auth)
        assert ok.status_code == 200 and bad.status_code == 422
        assert httpx.post(f"{url}/v1/eligibility", json={"facts": {}}).status_code == 401
    finally:
        proc.terminate()
        log = proc.communicate(timeout=10)[0].decode()
    assert "Uvicorn running on http://127.0.0.1" in log
    assert "C-SECRET" not in log and "tok-123" not in log and "eligibility" not in log


@pytest.mark.parametrize("lang", ["en", "cs"])
def test_the_answer_is_the_librarys_json_of_the_decision(client: Any, core_pack: RulePack, lang: str) -> None:
    """The same data as `to_json_data` (`--format json`): with traces built on first read, the answer was a 500."""
    from ccm_rules.engine import to_json_data

    r = client.post("/v1/eligibility", json={"facts": FULL, "as_of": AS_OF}, headers={"Accept-Language": lang})
    expected = assess_eligibility(FULL, as_of=datetime.date.fromisoformat(AS_OF), pack=core_pack)
    assert r.status_code == 200
    assert r.json() == {
        "decision": to_json_data(expected),
        "explanation": to_json_data(explain(expected, core_pack, lang)),
        "case": None,
    }
