"""Issue 14 item 10, the leftovers: every refusal and every report line in the user's language.

Refusals that were still English f-strings with `code: null` (the FHIR resource checks behind
a CDS Hooks prefetch, the document endpoints' last fallback, the rule-pack author checks),
the rule texts' "(s)" plurals and the DACTS report's "as scored" value are said in en, cs, hu
and de: codes from the catalogue, plural forms and numbers as each language writes them.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccm_rules import ProblemsError, RulePack
from ccm_rules.engine._problem_texts import LANGUAGES, catalogue

from .conftest import EXAMPLES, missing_extras
from .test_problem_texts import PYTHON_WORDS

FHIR_MISSING = missing_extras((("fhir", ("fhir.resources",)),))
HTTP_MISSING = missing_extras((("http", ("litestar", "httpx")), ("fhir", ("fhir.resources",))))

MODEL_WORDS = re.compile(r"Input should|Value error|Extra inputs|Field required|does not match spec regex|String should|is required\.")
"""The FHIR model library's (pydantic's) own English: never shown to a person."""

TOKEN = "leftovers-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CALL = {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/1", "patientId": "C-0042"}}


def intake() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "fhir" / "intake-eligible.R4B.json").read_text(encoding="utf-8"))
    return data


def assert_said_in_every_language(err: ProblemsError) -> None:
    """Every problem coded; no Python or pydantic words; Czech and Hungarian differ from English."""
    assert err.problems
    for problem in err.problems:
        assert problem.code in catalogue(), problem.message
        english = problem.text("en")
        for lang in LANGUAGES:
            said = problem.text(lang)
            assert not PYTHON_WORDS.search(said) and not MODEL_WORDS.search(said), (lang, said)
            assert (said == english) is (lang == "en"), (lang, said)
    assert err.summary("cs") != err.summary("en") and err.summary("hu") != err.summary("en")


# ---------------------------------------------------------------- 2. FHIR resources (CDS Hooks prefetch, fhir command)

BAD_RESOURCES = {
    "a number for an integer": {"resourceType": "QuestionnaireResponse", "status": "completed",
                                "item": [{"linkId": "services_needed", "answer": [{"valueInteger": "many"}]}]},
    "unknown type": {"resourceType": "Foo"},
    "no resourceType": {"status": "completed"},
    "not an object": ["QuestionnaireResponse"],
    "unknown element, bad date, bad id": {"resourceType": "QuestionnaireResponse", "status": "completed", "foo": 1,
                                          "authored": "2027-02-30", "id": "a b"},
    "entry type not text": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": 5}}]},
    "entry type unknown": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Foo"}}]},
    "decimal and dateTime not written as FHIR": {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
                                                 "valueQuantity": {"value": "x"}, "effectiveDateTime": "yesterday"},
    "status missing, item not a list": {"resourceType": "QuestionnaireResponse", "item": {"linkId": 3}},
}


@pytest.mark.skipif(FHIR_MISSING is not None, reason=FHIR_MISSING or "")
@pytest.mark.parametrize("name", list(BAD_RESOURCES))
def test_a_refused_fhir_resource_is_coded_and_said_in_every_language(name: str) -> None:
    """They were English f-strings and pydantic's own text ("Input should be a valid integer"), code null."""
    from ccm_rules_adapters.fhir import resources

    with pytest.raises(ProblemsError) as caught:
        resources(BAD_RESOURCES[name], "R4B")
    assert_said_in_every_language(caught.value)


FHIR_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.sampled_from(["a", "value", "code"]), st.integers(), max_size=2),
)


@pytest.mark.skipif(FHIR_MISSING is not None, reason=FHIR_MISSING or "")
@given(
    where=st.sampled_from([("authored",), ("status",), ("subject",), ("subject", "reference"), ("item", 1, "linkId"),
                           ("item", 1, "answer"), ("item", 1, "answer", 0, "valueInteger"), ("item", 2, "answer", 0),
                           ("item", 0, "item", 0, "answer", 0, "valueCoding"), ("questionnaire",), ("id",), ("meta",)]),
    value=FHIR_VALUES,
)
def test_property_any_bad_element_of_an_intake_is_refused_in_the_users_language(where: tuple[Any, ...], value: Any) -> None:
    from ccm_rules_adapters.fhir import resources

    bundle = intake()
    node: Any = bundle["entry"][0]["resource"]
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = copy.deepcopy(value)
    try:
        resources(bundle, "R4B")
    except ProblemsError as err:
        assert_said_in_every_language(err)


@pytest.fixture(scope="module")
def client(pack: RulePack) -> Any:
    from litestar.testing import TestClient

    from ccm_rules_adapters.http import create_app

    with TestClient(create_app(pack, token=TOKEN)) as c:
        yield c


@pytest.mark.skipif(HTTP_MISSING is not None, reason=HTTP_MISSING or "")
@pytest.mark.parametrize("lang", ["cs", "hu"])
@pytest.mark.parametrize("name", [name for name in BAD_RESOURCES if name != "not an object"])  # the request schema refuses that
def test_a_refused_prefetch_names_the_code_and_says_it_in_the_request_language(client: Any, name: str, lang: str) -> None:
    """CDS Hooks: the prefetch refusals had `code: null` and English details inside a Czech answer."""
    body = {**CALL, "prefetch": {"intake": BAD_RESOURCES[name]}}
    english = client.post("/cds-services/ccm-eligibility", headers=AUTH, json=body)
    answer = client.post("/cds-services/ccm-eligibility", headers={**AUTH, "Accept-Language": lang}, json=body)
    assert answer.status_code in (400, 422) and answer.headers["content-language"] == lang, answer.text
    assert answer.json()["detail"] != english.json()["detail"]
    for said, en in zip(answer.json()["errors"], english.json()["errors"], strict=True):
        assert said["code"] in catalogue() and said["code"] == en["code"], en
        assert said["detail"] != en["detail"] and not MODEL_WORDS.search(en["detail"]), en["detail"]
        assert said["pointer"].startswith("/prefetch/intake"), said["pointer"]
