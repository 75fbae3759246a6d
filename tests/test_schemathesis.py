"""schemathesis against the real server's OpenAPI document: no 5xx, no schema violations.

The server is `ccm-rules serve` with the shipped pack on a free loopback port, with a bearer token. Every operation
gets generated (valid and invalid) requests; together at least 1,000. The document endpoints'
bodies are typed (generated from the core's attrs classes and the rule pack), so valid documents
are generated and their 200 answers checked against the response schemas too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from .conftest import RULES
from .test_http import start_server

TOKEN = "schemathesis-token"
EXAMPLES = 120  # per operation and mode: about 2,500 requests in all
DOCUMENT_EXAMPLES = 60  # document bodies are large (a plan holds up to 50 goals, each read by the wording heuristics)
SENT: dict[str, int] = {}
IN_FORCE = "2027-01-04"  # a decision date on which every parameter has a value


# Operations whose schema cannot say everything the service checks: FHIR resources in the CDS
# prefetch (validity is FHIR's, not JSON Schema's), decision dates before any parameter value
# (JSON Schema has no date minimum) and cross-field dates in goals, plans and conferences (a due
# date before the start date). Those get a documented 422, so "valid → 2xx" is not asked.
# The documents below have only the decision date: with `as_of` pinned to a date in force,
# every body their schema accepts must be accepted.
PINNED = ("POST /v1/caseload", "POST /v1/fidelity-dacts", "POST /v1/readiness")


def fully_described(label: str) -> bool:
    return label in PINNED or not (label.startswith("POST /v1/") or label == "POST /cds-services/ccm-eligibility")


def is_document(label: str) -> bool:
    return label.startswith("POST /v1/") and label.removeprefix("POST /v1/") not in ("eligibility", "labour-market", "team-model")


@pytest.fixture(scope="session")
def live_url() -> Iterator[str]:
    proc, url = start_server(RULES, {"CCM_RULES_TOKEN": TOKEN})  # the shipped pack: every endpoint it offers
    yield url
    proc.terminate()
    proc.communicate(timeout=10)


@pytest.fixture(scope="session")
def api(live_url: str) -> Any:
    return schemathesis.openapi.from_url(f"{live_url}/schema/openapi.json")


def operations(api: Any) -> list[Any]:
    return [result.ok() for result in api.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation(api: Any, mode: GenerationMode) -> None:
    """Generated requests per operation and mode; each response checked by schemathesis's checks."""
    ops = operations(api)
    assert len(ops) >= 7
    for op in ops:
        if mode is GenerationMode.NEGATIVE and op.method.upper() == "GET":
            continue  # GET operations here take no input, so nothing can be made invalid
        run_operation(op, mode)


def run_operation(op: Any, mode: GenerationMode) -> None:
    label = f"{op.method.upper()} {op.path}"
    excluded = [] if fully_described(label) else [positive_data_acceptance]

    @settings(max_examples=DOCUMENT_EXAMPLES if is_document(label) else EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=op.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        SENT[label] = SENT.get(label, 0) + 1
        if label in PINNED and mode is GenerationMode.POSITIVE and isinstance(case.body, dict) and case.body.get("as_of") is not None:
            case.body["as_of"] = IN_FORCE
        case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, excluded_checks=excluded)

    run()


def test_enough_requests_were_generated() -> None:
    if not SENT:
        pytest.skip("run together with test_every_operation")
    assert len(SENT) >= 7, SENT
    assert sum(SENT.values()) >= 1000, SENT
