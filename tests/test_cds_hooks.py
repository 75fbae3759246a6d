"""CDS Hooks 2.0: discovery, the patient-view eligibility card (checked against the spec's shapes), feedback."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from litestar.testing import TestClient

from ccm_rules import RulePack
from ccm_rules_adapters.http import create_app

from .conftest import EXAMPLES
from .test_http import copy_core_rules

# The shapes of CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/): discovery, response, card.
CODING = {"type": "object", "required": ["code", "system"], "properties": {"code": {"type": "string"}}}
ACTION = {
    "type": "object",
    "required": ["type", "description"],
    "properties": {
        "type": {"enum": ["create", "update", "delete"]},
        "description": {"type": "string"},
        "resource": {"type": "object", "required": ["resourceType"]},
        "resourceId": {"type": "array"},
    },
}
SUGGESTION = {
    "type": "object",
    "required": ["label"],
    "properties": {
        "label": {"type": "string"},
        "uuid": {"type": "string", "format": "uuid"},
        "isRecommended": {"type": "boolean"},
        "actions": {"type": "array", "items": ACTION},
    },
}
CARD = {
    "type": "object",
    "required": ["summary", "indicator", "source"],
    "properties": {
        "uuid": {"type": "string", "format": "uuid"},
        "summary": {"type": "string", "maxLength": 139},
        "detail": {"type": "string"},
        "indicator": {"enum": ["info", "warning", "critical"]},
        "source": {
            "type": "object",
            "required": ["label"],
            "properties": {
                "label": {"type": "string"},
                "url": {"type": "string"},
                "icon": {"type": "string"},
                "topic": CODING,
            },
        },
        "suggestions": {"type": "array", "items": SUGGESTION},
        "selectionBehavior": {"enum": ["at-most-one", "any"]},
        "overrideReasons": {"type": "array", "items": CODING},
        "links": {"type": "array"},
    },
    "dependentRequired": {"suggestions": ["selectionBehavior"]},
}
RESPONSE = {"type": "object", "required": ["cards"], "properties": {"cards": {"type": "array", "items": CARD}}}
DISCOVERY = {
    "type": "object",
    "required": ["services"],
    "properties": {
        "services": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["hook", "description", "id"],
                "properties": {
                    "hook": {"type": "string"},
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                    "id": {"type": "string"},
                    "prefetch": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        }
    },
}


def valid(instance: Any, schema: dict[str, Any]) -> None:
    jsonschema_rs.Draft202012Validator(schema, validate_formats=True).validate(instance)


def no_nulls(value: Any) -> bool:
    if isinstance(value, dict):
        return all(v is not None and no_nulls(v) for v in value.values())
    if isinstance(value, list):
        return all(no_nulls(v) for v in value)
    return True


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    pack = RulePack.load(copy_core_rules(tmp_path_factory.mktemp("rules")))
    with TestClient(create_app(pack)) as c:
        yield c


def call(prefetch: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    body = {
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/W-7", "patientId": "C-0042"},
        **overrides,
    }
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body


def bundle(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(EXAMPLES / "fhir" / name).read_text(encoding="utf-8"))
    return data


def test_discovery(client: Any) -> None:
    r = client.get("/cds-services")
    assert r.status_code == 200
    valid(r.json(), DISCOVERY)
    service = r.json()["services"][0]
    assert (service["hook"], service["id"]) == ("patient-view", "ccm-eligibility")
    assert "{{context.patientId}}" in service["prefetch"]["intake"]


def test_eligible_card_with_draft_referral(client: Any) -> None:
    r = client.post(
        "/cds-services/ccm-eligibility",
        json=call({"intake": bundle("intake-eligible.R4B.json")}),
        headers={"Accept-Language": "cs"},
    )
    assert r.status_code == 200 and r.headers["content-language"] == "cs"
    body = r.json()
    valid(body, RESPONSE)
    assert no_nulls(body)
    card = body["cards"][0]
    assert card["indicator"] == "warning" and "VHODNÉ".lower() in card["summary"].lower()
    assert "001_bb7494a8907fa6f9.txt" in card["source"]["label"]
    assert all(f"| E{i} " in card["detail"] for i in (1, 2, 3, 4))
    assert card["selectionBehavior"] == "at-most-one"
    action = card["suggestions"][0]["actions"][0]
    assert action["type"] == "create"
    assert action["resource"]["resourceType"] == "ServiceRequest"
    assert (action["resource"]["status"], action["resource"]["intent"]) == ("draft", "proposal")
    assert action["resource"]["subject"]["reference"] == "Patient/C-0042"


def test_no_prefetch_gives_an_undetermined_card_listing_what_to_assess(client: Any) -> None:
    r = client.post("/cds-services/ccm-eligibility", json=call())
    card = r.json()["cards"][0]
    valid(r.json(), RESPONSE)
    assert card["indicator"] == "info" and "suggestions" not in card
    assert "undetermined" in card["summary"] and card["detail"].count("\n- ") >= 5


def test_social_needs_prefetch_fills_domains(client: Any) -> None:
    r = client.post(
        "/cds-services/ccm-eligibility", json=call({"conditions": bundle("social-needs-only.R4B.json"), "intake": None})
    )
    assert r.status_code == 200
    valid(r.json(), RESPONSE)


def test_card_uuid_is_deterministic(client: Any) -> None:
    a = client.post("/cds-services/ccm-eligibility", json=call()).json()["cards"][0]["uuid"]
    b = client.post("/cds-services/ccm-eligibility", json=call()).json()["cards"][0]["uuid"]
    c = client.post("/cds-services/ccm-eligibility", json=call(hookInstance=str(uuid.uuid4()))).json()["cards"][0][
        "uuid"
    ]
    assert a == b != c


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (call(hook="order-select"), "/hook"),
        ({"hook": "patient-view", "hookInstance": "x", "context": {"userId": "u"}}, "/context/patientId"),
    ],
)
def test_bad_calls_are_problem_json_naming_the_field(client: Any, body: dict[str, Any], pointer: str) -> None:
    r = client.post("/cds-services/ccm-eligibility", json=body)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["pointer"] == pointer and r.json()["errors"][0]["code"]


def test_invalid_prefetch_resource_is_422_naming_the_key(client: Any) -> None:
    bad = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"linkId": "services_needed", "answer": [{"valueInteger": "many"}]}],
    }
    r = client.post("/cds-services/ccm-eligibility", json=call({"intake": bad}))
    assert r.status_code == 422
    assert r.json()["errors"][0]["path"].startswith("$.prefetch.intake")


def test_feedback(client: Any) -> None:
    body = {
        "feedback": [
            {
                "card": "9368d37b-283f-44a0-93ea-547cebab93ed",
                "outcome": "accepted",
                "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
                "outcomeTimestamp": "2026-03-01T10:00:00Z",
            }
        ]
    }
    assert client.post("/cds-services/ccm-eligibility/feedback", json=body).status_code == 200
    bad = client.post("/cds-services/ccm-eligibility/feedback", json={"feedback": [{"card": "x", "outcome": "maybe"}]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/feedback/0/outcome"


def test_shipped_example_request(client: Any) -> None:
    body = json.loads((EXAMPLES / "fhir/cds-patient-view-request.json").read_text(encoding="utf-8"))
    r = client.post("/cds-services/ccm-eligibility", json=body, headers={"Accept-Language": "de"})
    valid(r.json(), RESPONSE)
    card = r.json()["cards"][0]
    assert card["summary"].endswith("indiziert") and card["suggestions"][0]["isRecommended"] is True


def test_an_invalid_prefetch_resource_points_into_the_body_in_the_request_language(client: Any) -> None:
    """The pointer was `/prefetch/intake ($.item[0]…)` (not a JSON pointer) and the summary English in a Czech answer."""
    bad = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"linkId": "services_needed", "answer": [{"valueInteger": "many"}]}],
    }
    r = client.post("/cds-services/ccm-eligibility", json=call({"intake": bad}), headers={"Accept-Language": "cs"})
    assert r.status_code == 422 and r.headers["content-language"] == "cs"
    problem = r.json()
    assert problem["detail"] == "předem načtená data 'intake' nejsou platný FHIR R4B"
    pointers = [e["pointer"] for e in problem["errors"]]
    assert pointers and all(p.startswith("/prefetch/intake/") and " " not in p for p in pointers), pointers


def test_the_card_is_in_the_request_language_through_and_through(client: Any) -> None:
    """The suggestion label was the code system's English `Case management` inside a German card."""
    r = client.post(
        "/cds-services/ccm-eligibility",
        json=call({"intake": bundle("intake-eligible.R4B.json")}),
        headers={"Accept-Language": "de"},
    )
    card = r.json()["cards"][0]
    assert card["suggestions"][0]["label"] == "Entwurf einer Überweisung ins Case Management anlegen"
    assert (
        card["source"]["label"].startswith("Regelpaket ")
        and "Quelle: 001_bb7494a8907fa6f9.txt" in card["source"]["label"]
    )
    english = client.post(
        "/cds-services/ccm-eligibility", json=call({"intake": bundle("intake-eligible.R4B.json")})
    ).json()
    assert english["cards"][0]["suggestions"][0]["label"] == "Draft a referral to case management"


def test_openapi_says_a_prefetch_value_is_a_fhir_resource(client: Any) -> None:
    """The schema allowed any object as a prefetch value; the service requires a FHIR resource (issue 16 item 15)."""
    schemas = client.get("/schema/openapi.json").json()["components"]["schemas"]
    prefetch = schemas["CdsRequest"]["properties"]["prefetch"]
    mapping = next(s for s in prefetch["oneOf"] if s.get("type") == "object")
    resource = next(s for s in mapping["additionalProperties"]["oneOf"] if s.get("type") == "object")
    assert resource["required"] == ["resourceType"] and resource["properties"]["resourceType"]["type"] == "string"
    checker = jsonschema_rs.validator_for(resource)
    assert checker.is_valid({"resourceType": "Bundle", "entry": []}) and not checker.is_valid({"entry": []})
