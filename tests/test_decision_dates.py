"""A decision date before any parameter is in force: refused, naming the first date allowed (issue 16 item 15)."""

from __future__ import annotations

import datetime

import pytest

from ccm_rules import ParameterNotInForceError, RulePack, decide

from .conftest import missing_extras

HTTP_MISSING = missing_extras((("http", ("litestar", "httpx")),))


def test_the_refusal_names_the_first_date_allowed(pack: RulePack) -> None:
    ruleset = pack.ruleset("eligibility")
    earliest = ruleset.earliest_date
    assert earliest is not None
    with pytest.raises(ParameterNotInForceError) as caught:
        decide(ruleset, {}, earliest - datetime.timedelta(days=1))
    assert caught.value.earliest is not None and caught.value.earliest <= earliest
    assert f"decide for {caught.value.earliest} or later" in str(caught.value)
    decide(ruleset, {}, earliest)  # the day itself is decided


@pytest.mark.skipif(HTTP_MISSING is not None, reason=HTTP_MISSING or "")
def test_the_schema_and_the_422_publish_the_first_date(pack: RulePack) -> None:
    from litestar.testing import TestClient

    from ccm_rules_adapters.http import create_app

    earliest = pack.ruleset("eligibility").earliest_date
    assert earliest is not None
    with TestClient(create_app(pack)) as client:
        schema = client.get("/schema/openapi.json").json()
        refused = client.post("/v1/eligibility", json={"facts": {}, "as_of": "1990-01-01"})
    as_of = schema["paths"]["/v1/eligibility"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "properties"
    ]["as_of"]
    assert f"{earliest.isoformat()} or later" in as_of["description"]
    assert refused.status_code == 422 and "or later" in refused.json()["detail"]
