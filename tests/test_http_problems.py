"""HTTP refusals (issue 17 item 7): one parse path for every body, one problem+json shape for every 4xx.

The server parsed each body twice (`json.loads` for the limits, then msgspec for the typed
model) and the two accepted different things; it answered 4xx in two shapes, one with an
empty `errors`. Now a body is read once (`http/_body.py`) and every refusal is
`{type, title, status, detail, instance, errors: [{pointer, code, detail, …}]}`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from ccm_rules.engine import LANGUAGES, load_json
from ccm_rules.engine._problem_texts import catalogue
from ccm_rules_adapters.http import _body, create_app

TOKEN = "problems-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON = {**AUTH, "Content-Type": "application/json"}
CALL = {
    "hook": "patient-view",
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "context": {"userId": "Practitioner/1", "patientId": "C-0042"},
}
SHAPE = {"type", "title", "status", "detail", "instance", "errors"}
POINTER = re.compile(r"(/([^~/]|~0|~1)*)*")  # RFC 6901: "" or /segment/segment with ~0 ~1 escapes


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with TestClient(create_app(token=TOKEN, max_body=4096)) as c:
        yield c


# (method, path, headers, body bytes) → status and the codes of its errors
REFUSALS: dict[str, tuple[str, str, dict[str, str], bytes | None, int, list[str]]] = {
    "not JSON": ("POST", "/v1/eligibility", JSON, b"{facts", 400, ["json.malformed"]),
    "not JSON (document)": ("POST", "/v1/caseload", JSON, b"{facts", 400, ["json.malformed"]),
    "not JSON (CDS)": ("POST", "/cds-services/ccm-eligibility", JSON, b"{facts", 400, ["json.malformed"]),
    "trailing comma": ("POST", "/v1/goal", JSON, b'{"goal": "x",}', 400, ["json.trailing_comma"]),
    "empty body": ("POST", "/v1/readiness", JSON, b"", 400, ["json.malformed"]),
    "NaN": ("POST", "/cds-services/ccm-eligibility/feedback", JSON, b'{"feedback": NaN}', 400, ["json.constant"]),
    "too deep": ("POST", "/v1/plan", JSON, b'{"plan": ' + b"[" * 100 + b"]" * 100 + b"}", 400, ["limit.depth"]),
    "half a surrogate pair": ("POST", "/v1/eligibility", JSON, b'{"case": "\\ud800"}', 400, ["http.not_utf8"]),
    "not UTF-8": ("POST", "/v1/eligibility", JSON, b'{"case": "\xff"}', 400, ["http.not_utf8"]),
    "no token": ("POST", "/v1/eligibility", {"Content-Type": "application/json"}, b"{}", 401, ["http.unauthorized"]),
    "no such path": ("GET", "/v1/nothing-here", AUTH, None, 404, ["http.not_found"]),
    "wrong method": ("GET", "/v1/eligibility", AUTH, None, 405, ["http.method_not_allowed"]),
    "too large": ("POST", "/v1/eligibility", JSON, b'{"case": "' + b"x" * 5000 + b'"}', 413, ["http.body_too_large"]),
    "not sent as JSON": (
        "POST",
        "/v1/eligibility",
        {**AUTH, "Content-Type": "text/plain"},
        b"{}",
        415,
        ["http.media_type"],
    ),
    "bad fact": ("POST", "/v1/eligibility", JSON, b'{"facts": {"services_needed": "many"}}', 422, ["expected.integer"]),
    "not an object": ("POST", "/v1/caseload", JSON, b"[]", 422, ["expected.mapping"]),
    "CDS field missing": (
        "POST",
        "/cds-services/ccm-eligibility",
        JSON,
        b'{"hook": "patient-view", "hookInstance": "x"}',
        422,
        ["key.missing"],
    ),
    "CDS field of the wrong type": (
        "POST",
        "/cds-services/ccm-eligibility",
        JSON,
        json.dumps({**CALL, "hookInstance": 5}).encode(),
        422,
        ["expected.text"],
    ),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_every_refusal_has_the_one_problem_shape(client: Any, name: str) -> None:
    method, path, headers, body, status, codes = REFUSALS[name]
    r = client.request(method, path, headers=headers, content=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert set(problem) == SHAPE and problem["status"] == status and problem["instance"] == path
    assert problem["type"].startswith("urn:ccm-rules:problem:") and problem["detail"]
    assert [e["code"] for e in problem["errors"]] == codes  # never empty, every item coded
    for error in problem["errors"]:
        assert POINTER.fullmatch(error["pointer"]) and error["detail"] and error["code"] in catalogue()


def test_pointers_name_the_field_in_every_kind_of_body(client: Any) -> None:
    """msgspec's `$.data.hookInstance` was `/data/hookInstance`: `data` is Litestar's argument, not part of the body."""
    missing = client.post(
        "/cds-services/ccm-eligibility", headers=AUTH, json={"hook": "patient-view", "hookInstance": "x"}
    )
    assert missing.json()["errors"][0]["pointer"] == "/context"
    nested = client.post(
        "/cds-services/ccm-eligibility/feedback",
        headers=AUTH,
        json={"feedback": [{"card": 1, "outcome": "accepted", "outcomeTimestamp": "t"}]},
    )
    assert [(e["pointer"], e["detail"]) for e in nested.json()["errors"]] == [
        ("/feedback/0/card", "expected a text, got the number 1")
    ]
    fact = client.post("/v1/eligibility", headers=AUTH, json={"facts": {"services_needed": "many"}})
    assert fact.json()["errors"][0]["pointer"] == "/facts/services_needed"
    surrogate = client.post("/v1/eligibility", headers=JSON, content=b'{"case": "\\udc00"}')
    assert surrogate.json()["errors"][0]["pointer"] == "/case"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "name",
    ["not JSON", "no token", "no such path", "wrong method", "too large", "not sent as JSON", "CDS field missing"],
)
def test_every_refusal_is_said_in_the_request_language(client: Any, name: str, lang: str) -> None:
    method, path, headers, body, _, _ = REFUSALS[name]
    r = client.request(method, path, headers={**headers, "Accept-Language": lang}, content=body)
    assert r.headers["content-language"] == lang
    error = r.json()["errors"][0]
    english = client.request(method, path, headers={**headers, "Accept-Language": "en"}, content=body).json()["errors"][
        0
    ]
    assert error["code"] == english["code"]
    assert (error["detail"] == english["detail"]) is (lang == "en")


def test_a_decision_date_without_parameter_values_is_said_in_the_request_language(client: Any) -> None:
    r = client.post("/v1/eligibility", headers={**AUTH, "Accept-Language": "de"}, json={"as_of": "1990-01-01"})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/as_of"
    assert r.json()["errors"][0]["code"] == "http.not_in_force_before" and "entscheiden Sie" in r.json()["detail"]


def test_a_body_without_content_type_is_read_as_json(client: Any) -> None:
    r = client.post("/v1/eligibility", headers=AUTH, content=b'{"case": "C-1"}')
    assert r.status_code == 200 and r.json()["case"] == "C-1"
    fhir = client.post("/v1/eligibility", headers={**AUTH, "Content-Type": "application/fhir+json"}, content=b"{}")
    assert fhir.status_code == 200


ENDPOINTS = {
    "/v1/eligibility": {"facts": {"services_needed": 2}, "case": "C-1"},
    "/v1/caseload": {
        "team": "T",
        "as_of": "2027-01-04",
        "norm": "act",
        "workers": [{"id": "w", "fte": 1, "clients": 5}],
    },
    "/v1/goal": {"goal": "Find a flat by the end of June 2027", "as_of": "2027-01-04"},
    "/cds-services/ccm-eligibility": CALL,
    "/cds-services/ccm-eligibility/feedback": {"feedback": []},
}


@pytest.mark.parametrize("path", list(ENDPOINTS))
def test_each_body_is_decoded_once_by_the_one_reader(client: Any, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The old path decoded with `json.loads` (limits) and again with msgspec (Litestar's `Request.json`)."""
    calls: list[bytes | str] = []
    real = load_json

    def counted(text: bytes | str) -> Any:
        calls.append(text)
        return real(text)

    def second_parser(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the body was decoded a second time")

    monkeypatch.setattr(_body, "load_json", counted)
    monkeypatch.setattr("litestar.connection.request.decode_json", second_parser)
    r = client.post(path, headers=AUTH, json=ENDPOINTS[path])
    assert r.status_code < 500, r.text
    assert len(calls) == 1


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(max_size=40), path=st.sampled_from(list(ENDPOINTS)))
def test_property_any_text_body_is_answered_not_crashed(client: Any, text: str, path: str) -> None:
    """Any text (surrogate halves included, as JSON escapes) gets an answer or a problem, never a 500."""
    for body in (text.encode("utf-8", "surrogatepass"), json.dumps({"case": text, "hookInstance": text}).encode()):
        r = client.post(path, headers=JSON, content=body)
        assert r.status_code < 500, r.text
        if r.status_code >= 400:
            assert set(r.json()) == SHAPE and r.json()["errors"]


def test_openapi_documents_the_one_problem_shape_for_every_refusal(client: Any) -> None:
    document = client.get("/schema/openapi.json").json()
    item = document["components"]["schemas"]["ProblemItem"]
    assert {"pointer", "code", "detail"} <= set(item["properties"])
    posts = [op["post"] for op in document["paths"].values() if "post" in op]
    assert len(posts) >= 10
    for operation in posts:
        for status in ("400", "401", "413", "415", "422"):
            content = operation["responses"][status]["content"]
            assert content["application/problem+json"]["schema"]["$ref"].endswith("/ProblemDetails"), operation[
                "operationId"
            ]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/caseload", {"team": 5, "as_of": 20270104, "note": "x", "extra": 1}),
        ("/v1/fidelity-dacts", {"program": ["P"], "figures": 3}),
        ("/v1/readiness", {"region": "R", "expect": {}}),
        ("/v1/goal", {"goal": 5, "case": 7}),
        ("/v1/goal", {"case": "C"}),
        ("/v1/plan", {"plan": [], "lang": "xx"}),
    ],
)
def test_document_refusals_are_coded_and_said_in_the_request_language(
    client: Any, path: str, body: dict[str, Any]
) -> None:
    """The document envelopes said `got int 5` and `NoneType None`, in English only and without a code."""
    czech = client.post(path, headers={**AUTH, "Accept-Language": "cs"}, json=body)
    assert czech.status_code == 422, czech.text
    assert czech.json()["detail"] == "požadavek není platný"
    english = client.post(path, headers=AUTH, json=body).json()["errors"]
    for cs_error, en_error in zip(czech.json()["errors"], english, strict=True):
        assert cs_error["code"] == en_error["code"] and cs_error["code"] in catalogue(), en_error
        assert not re.search(r"\b(int|str|NoneType|dict)\b", en_error["detail"]), en_error["detail"]
