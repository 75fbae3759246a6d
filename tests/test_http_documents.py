"""Typed request bodies of the document endpoints: the OpenAPI schema says what the service accepts.

Every shipped example is valid under its endpoint's schema and accepted; a body the schema
refuses is refused (422 naming the field); a whole number written `3.0` is an integer, as JSON
Schema says. schemathesis (tests/test_schemathesis.py) checks the same on generated bodies.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from litestar.testing import TestClient

from ccm_rules import RulePack
from ccm_rules_adapters.http import create_app
from ccm_rules_adapters.http._document_schemas import to_openapi
from ccm_rules_adapters.http._documents import document_services

from .test_http_more import example

jsonschema_rs = pytest.importorskip("jsonschema_rs")

EXAMPLES = {
    "caseload": [("caseload", n) for n in ("act_team_within", "icm_over", "labour_market_over")],
    "fidelity-dacts": [("dacts", n) for n in ("high_fidelity", "low_fidelity", "moderate_fidelity", "partly_measured")],
    "readiness": [("readiness", n) for n in ("hospital_host", "new_to_ccm", "running_pilot", "other_provider_host")],
    "goal": [("goals", n) for n in ("duration_de", "structured_smart", "vague_free_text_hu")],
    "plan": [("plans", n) for n in ("complete_plan", "incomplete_plan_cs")],
    "conference": [("conferences", n) for n in ("case_conference_ok", "case_conference_short")],
    "family-conference": [("conferences", "family_conference_short_prep")],
}


@pytest.fixture(scope="module")
def client(pack: RulePack) -> Any:
    with TestClient(create_app(pack)) as c:
        yield c


@pytest.fixture(scope="module")
def schemas(pack: RulePack) -> dict[str, Any]:
    return {row.name: row.body_schema(pack) for row in document_services(pack)}


def valid(schemas: dict[str, Any], name: str, body: Any) -> bool:
    return bool(jsonschema_rs.validator_for(schemas[name], validate_formats=True).is_valid(body))


def test_the_openapi_document_types_every_document_body(client: Any, schemas: dict[str, Any]) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert set(schemas) == set(EXAMPLES)
    for name, schema in schemas.items():
        published = paths[f"/v1/{name}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert published == to_openapi(schema).to_schema(), name
        assert "properties" in published or "anyOf" in published, name  # not "any JSON object"


@pytest.mark.parametrize(("name", "area", "file"), [(n, a, f) for n, files in EXAMPLES.items() for a, f in files])
def test_every_example_is_valid_and_accepted(
    client: Any, schemas: dict[str, Any], name: str, area: str, file: str
) -> None:
    body = example(area, file)
    assert valid(schemas, name, body), jsonschema_rs.validator_for(schemas[name]).iter_errors(body).__next__()
    r = client.post(f"/v1/{name}", json=body)
    assert r.status_code == 200, r.text


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


BAD = [
    ("plan", ("plans", "complete_plan"), ("plan", "people", 0, "role"), 5, "/plan/people/0/role"),  # 5 is not a text
    (
        "plan",
        ("plans", "complete_plan"),
        ("plan", "goals", 0),
        {"description": "Apply for housing benefit", "client_agreed": "no"},
        "/plan/goals/0/client_agreed",
    ),  # "no" is not a boolean
    (
        "goal",
        ("goals", "structured_smart"),
        ("goal", "due_duration"),
        {"value": 0, "unit": "weeks"},
        "/goal/due_duration/value",
    ),
    ("goal", ("goals", "structured_smart"), ("goal", "lang"), None, "/goal/lang"),
    (
        "conference",
        ("conferences", "case_conference_ok"),
        ("conference", "agenda"),
        ["opening", "lunch"],
        "/conference/agenda/1",
    ),
    (
        "family-conference",
        ("conferences", "family_conference_short_prep"),
        ("family_conference", "date"),
        "20270301",
        "/family_conference/date",
    ),
    (
        "caseload",
        ("caseload", "icm_over"),
        ("workers", 0, "hours_per_client_week"),
        1.5,
        "/workers/0/hours_per_client_week",
    ),
    ("caseload", ("caseload", "icm_over"), ("workers", 0, "fte"), 0, "/workers/0/fte"),
    (
        "caseload",
        ("caseload", "icm_over"),
        ("workers", 0, "fte"),
        5e-324,
        "/workers/0/fte",
    ),  # the caseload arithmetic would overflow
    (
        "fidelity-dacts",
        ("dacts", "partly_measured"),
        ("figures", "admission_criteria_rating"),
        4.5,
        "/figures/admission_criteria_rating",
    ),
    ("readiness", ("readiness", "running_pilot"), ("oric", "respondents", 0, "1"), 6, "/oric/respondents/0/1"),
    ("readiness", ("readiness", "running_pilot"), ("oric", "respondents", 0, "13"), 3, "/oric/respondents/0/13"),
    ("readiness", ("readiness", "running_pilot"), ("expect",), {"variant": "minimum"}, "/expect"),
]


@pytest.mark.parametrize(("name", "source", "path", "value", "pointer"), BAD, ids=[f"{b[0]}:{b[4]}" for b in BAD])
def test_a_body_the_schema_refuses_is_refused(
    client: Any,
    schemas: dict[str, Any],
    name: str,
    source: tuple[str, str],
    path: tuple[Any, ...],
    value: Any,
    pointer: str,
) -> None:
    body = _set(example(*source), path, value)
    assert not valid(schemas, name, body)
    r = client.post(f"/v1/{name}", json=body)
    assert r.status_code == 422, r.text
    assert pointer in {e["pointer"] for e in r.json()["errors"]}, r.json()["errors"]


def test_null_contacts_are_no_contacts_in_the_schema_and_the_answer(client: Any, schemas: dict[str, Any]) -> None:
    # schemathesis found the schema refusing `contacts: null` that the server accepts: each worker
    # field takes null for "not given", and the answer is the one for the missing key.
    body = example("caseload", "labour_market_over")
    absent = _set(body, ("workers", 0, "fte"), 1.2)  # W-01 has no contacts key
    given_null = _set(absent, ("workers", 0, "contacts"), None)
    assert valid(schemas, "caseload", given_null)
    r_null, r_absent = client.post("/v1/caseload", json=given_null), client.post("/v1/caseload", json=absent)
    assert r_null.status_code == r_absent.status_code == 200, r_null.text
    assert r_null.json() == r_absent.json()


GOOD = [
    (
        "caseload",
        ("caseload", "icm_over"),
        ("workers", 0, "clients"),
        25.0,
    ),  # JSON has one number type: 25.0 is the integer 25
    ("readiness", ("readiness", "running_pilot"), ("oric", "respondents", 0, "01"), 4.0),
    ("goal", ("goals", "structured_smart"), ("goal", "due_duration"), {"value": 6.0, "unit": "weeks"}),
    ("fidelity-dacts", ("dacts", "partly_measured"), ("figures", "admission_criteria_rating"), 4.0),
]


@pytest.mark.parametrize(("name", "source", "path", "value"), GOOD, ids=[g[0] for g in GOOD])
def test_whole_numbers_are_integers_however_written(
    client: Any, schemas: dict[str, Any], name: str, source: tuple[str, str], path: tuple[Any, ...], value: Any
) -> None:
    body = _set(example(*source), path, value)
    if name == "readiness":
        body["oric"]["respondents"][0].pop("1", None)
    assert valid(schemas, name, body)
    r = client.post(f"/v1/{name}", json=body)
    assert r.status_code == 200, r.text


def test_a_deadline_past_the_calendar_is_refused_not_a_500(client: Any) -> None:
    body = {"goal": {"description": "Find a flat", "due_duration": {"value": 23355155772, "unit": "weeks"}}}
    r = client.post("/v1/goal", json=body)
    assert r.status_code == 422 and "runs past the last date" in r.text and "/goal/due_duration/value" in r.text, r.text
