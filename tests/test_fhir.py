"""The FHIR adapter: shipped Questionnaires, QuestionnaireResponse → facts, social needs → domains, results."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import FactsError, RulePack, assess_eligibility
from ccm_rules_adapters.cli import main
from ccm_rules_adapters.fhir import assess_resources, load_mapping, parse, resources, shipped_questionnaire
from ccm_rules_adapters.fhir._intake import intake_facts
from ccm_rules_adapters.fhir._mapping import DATA
from ccm_rules_adapters.fhir._social import category_index
from ccm_rules_adapters.fhir.generate import rendered

from .conftest import EXAMPLES
from .test_http import copy_core_rules

GRAVITY = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
QUESTIONNAIRE = "http://example.org/fhir/ccm-rules/Questionnaire/ccm-intake-eligibility"
AS_OF = datetime.date(2026, 1, 15)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> RulePack:
    return RulePack.load(copy_core_rules(tmp_path_factory.mktemp("rules")))


def example(name: str) -> Any:
    return json.loads((EXAMPLES / "fhir" / name).read_text(encoding="utf-8"))


def test_shipped_questionnaires_are_in_step_with_the_rule_pack(pack: RulePack) -> None:
    expected = rendered(pack, load_mapping())
    assert len(expected) == 2 * 2 * 4  # rulesets x FHIR versions x languages
    for name, text in expected.items():
        assert (DATA / name).read_text(encoding="utf-8") == text, (
            f"{name}: run python -m ccm_rules_adapters.fhir.generate"
        )


@pytest.mark.parametrize("version", ["R4B", "R5"])
@pytest.mark.parametrize("lang", ["en", "cs", "hu", "de"])
def test_questionnaires_are_valid_fhir_in_each_language(pack: RulePack, version: Any, lang: str) -> None:
    q = shipped_questionnaire("eligibility", lang, version)
    parse(q, version)
    assert q["language"] == lang
    assert q["title"] == pack.ruleset("eligibility").spec.title[lang]
    texts = {i["linkId"]: i["text"] for i in q["item"]}
    assert texts["chronic_condition"] == pack.ruleset("eligibility").spec.facts["chronic_condition"].question[lang]
    domains = next(i for i in q["item"] if i["linkId"] == "domains")
    assert {i["type"] for i in domains["item"]} == {"choice" if version == "R4B" else "coding"}


def response_for(facts: dict[str, Any]) -> dict[str, Any]:
    """A QuestionnaireResponse answering the intake Questionnaire with these facts."""
    items: list[dict[str, Any]] = []
    for name, value in facts.items():
        if name == "domains":
            items.append(
                {
                    "linkId": "domains",
                    "item": [
                        {"linkId": f"domains.{code}", "answer": [{"valueCoding": {"code": status}}]}
                        for code, status in value.items()
                    ],
                }
            )
        elif isinstance(value, bool):
            items.append({"linkId": name, "answer": [{"valueBoolean": value}]})
        elif isinstance(value, int):
            items.append({"linkId": name, "answer": [{"valueInteger": value}]})
        else:
            items.append({"linkId": name, "answer": [{"valueDecimal": value}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": QUESTIONNAIRE,
        "status": "completed",
        "subject": {"reference": "Patient/C-0001"},
        "item": items,
    }


FACTS = st.fixed_dictionaries(
    {},
    optional={
        "domains": st.dictionaries(
            st.sampled_from(["housing", "finances", "work", "leisure", "mental_health"]),
            st.sampled_from(["no_need", "met_need", "unmet_need", "not_assessed"]),
            min_size=1,
        ),
        "services_needed": st.integers(0, 50),
        "chronic_condition": st.booleans(),
        "expected_duration_months": st.floats(0, 600, allow_nan=False).map(lambda x: round(x, 2)),
        "ongoing_coordination_needed": st.booleans(),
        "referral_only": st.booleans(),
    },
)


@settings(max_examples=40, deadline=None)
@given(facts=FACTS, version=st.sampled_from(["R4B", "R5"]))
def test_property_questionnaire_response_gives_the_same_decision(
    pack: RulePack, facts: dict[str, Any], version: Any
) -> None:
    qr = parse(response_for(facts), version)
    got, _, problems = intake_facts(qr, pack.ruleset("eligibility"))
    assert problems == [] and got == facts
    via_fhir = assess_resources([qr], version=version, as_of=AS_OF, pack=pack)
    assert via_fhir.decision == assess_eligibility(facts, as_of=AS_OF, pack=pack)


def test_unanswered_questions_stay_unknown(pack: RulePack) -> None:
    qr = parse({**response_for({}), "item": [{"linkId": "chronic_condition"}]}, "R4B")
    result = assess_resources([qr], as_of=AS_OF, pack=pack)
    assert result.decision.outcome.value == "undetermined"
    assert "chronic_condition" not in result.decision.facts


def test_bad_answers_name_every_fhir_element(pack: RulePack) -> None:
    with pytest.raises(FactsError) as caught:
        assess_resources(resources(example("intake-bad-answers.R4B.json"), "R4B"), pack=pack)
    paths = [p.path for p in caught.value.problems]
    assert paths == [
        "QuestionnaireResponse.item[0].linkId",
        "QuestionnaireResponse.item[1]",
        "QuestionnaireResponse.item[2].item[0]",
    ]
    assert "did you mean 'services_needed'?" in caught.value.problems[0].message


def condition(code: str, status: str = "active", verification: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/C-1"},
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": status}]},
        "category": [{"coding": [{"system": GRAVITY, "code": code}]}],
        "code": {"text": code},
    }
    if verification:
        data["verificationStatus"] = {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": verification}]
        }
    return data


def test_every_gravity_code_in_the_vocabulary_maps_to_its_domain(pack: RulePack) -> None:
    vocabulary = pack.vocabularies["life_domains"]
    index = category_index(vocabulary, load_mapping())
    pairs = [(code, d.code) for d in vocabulary.spec.domains for code in d.maps_to.get("gravity", [])]
    assert len(pairs) >= 10
    for code, domain in pairs:
        assert index[(GRAVITY, code)] == domain
        result = assess_resources([parse(condition(code), "R4B")], as_of=AS_OF, pack=pack)
        assert result.decision.facts["domains"] == {domain: "unmet_need"}


def test_social_need_statuses_follow_the_mapping_data(pack: RulePack) -> None:
    items = [
        parse(r, "R4B")
        for r in (
            condition("housing-instability", "resolved"),  # skipped: says nothing about today
            condition("food-insecurity", verification="refuted"),  # skipped
            condition("financial-insecurity"),  # unmet need
            condition("medical-cost-burden"),  # not in the vocabulary: warned about
        )
    ]
    result = assess_resources(items, as_of=AS_OF, pack=pack)
    assert result.decision.facts["domains"] == {"finances": "unmet_need"}
    kinds = sorted(n.kind for n in result.notes)
    assert kinds == ["skipped", "skipped", "unmapped"]
    assert result.results[0]["resourceType"] == "OperationOutcome"


def test_intake_answers_win_over_social_need_records(pack: RulePack) -> None:
    qr = response_for({"domains": {"housing": "met_need"}})
    items = [
        parse(qr, "R4B"),
        parse(condition("housing-instability"), "R4B"),
        parse(condition("food-insecurity"), "R4B"),
    ]
    result = assess_resources(items, as_of=AS_OF, pack=pack)
    assert result.decision.facts["domains"] == {"housing": "met_need", "daily_living": "unmet_need"}


@pytest.mark.parametrize("version", ["R4B", "R5"])
def test_eligible_client_gets_draft_service_request_and_care_plan(pack: RulePack, version: Any) -> None:
    data = example("intake-eligible.R4B.json")
    result = assess_resources(resources(data, version), version=version, lang="hu", as_of=AS_OF, pack=pack)
    assert result.decision.outcome.value == "eligible"
    kinds = [r["resourceType"] for r in result.results]
    assert kinds == ["OperationOutcome", "ServiceRequest", "CarePlan"]
    for resource in result.results:
        parse(resource, version)
    request = result.results[1]
    assert (request["status"], request["intent"], request["subject"]["reference"]) == (
        "draft",
        "proposal",
        "Patient/C-0042",
    )
    assert ("concept" in request["code"]) == (version == "R5")
    assert result.results[2]["title"] == pack.ruleset("eligibility").spec.title["hu"]


def test_not_eligible_gets_no_drafts(pack: RulePack) -> None:
    core = [
        "physical_health",
        "mental_health",
        "housing",
        "daily_living",
        "finances",
        "work",
        "social_relationships",
        "leisure",
    ]
    facts = {"domains": dict.fromkeys(core, "no_need"), "referral_only": True, "ongoing_coordination_needed": False}
    qr = parse(response_for(facts), "R4B")  # a holistic assessment: a refusal needs one (seed 001 §2)
    result = assess_resources([qr], as_of=AS_OF, pack=pack)
    assert result.decision.outcome.value == "not_eligible"
    assert [r["resourceType"] for r in result.results] == ["OperationOutcome"]


def test_cli_text_and_fhir_json(tmp_path: Path, pack: RulePack, capsys: pytest.CaptureFixture[str]) -> None:
    rules = copy_core_rules(tmp_path / "rules")
    file = str(EXAMPLES / "fhir/intake-eligible.R4B.json")
    assert main(["fhir", file, "--lang", "cs", "--rules", str(rules)]) == 0
    assert "VHODNÉ" in capsys.readouterr().out
    assert main(["fhir", file, "--format", "json", "--fhir-version", "R5", "--rules", str(rules)]) == 0
    bundle = json.loads(capsys.readouterr().out)
    assert bundle["resourceType"] == "Bundle"
    parse(bundle, "R5")


def test_cli_bad_input_exits_2_naming_the_element(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = copy_core_rules(tmp_path / "rules")
    assert main(["fhir", str(EXAMPLES / "fhir/intake-bad-answers.R4B.json"), "--rules", str(rules)]) == 2
    err = capsys.readouterr().err
    assert "QuestionnaireResponse.item[2].item[0]" in err and "Traceback" not in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"resourceType": "QuestionnaireResponse", "status": 7}')
    assert main(["fhir", str(broken), "--rules", str(rules)]) == 2
    assert "QuestionnaireResponse.status" in capsys.readouterr().err
    broken.write_text("{nope")
    assert main(["fhir", str(broken), "--rules", str(rules)]) == 2
    assert f"{broken}:1:" in capsys.readouterr().err


def test_cli_without_the_fhir_extra(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name.startswith("fhir") else real(name, *a)
    )
    assert main(["fhir", "x.json"]) == 3  # exit 3: the environment (a missing extra)
    assert "pip install 'ccm-rules[fhir]'" in capsys.readouterr().err


@pytest.mark.parametrize("version", ["R4B", "R5"])
def test_fhir_goal_maps_to_the_smart_check(version: Any) -> None:
    goals = pytest.importorskip("ccm_rules.goals._goals")
    from ccm_rules import default_pack
    from ccm_rules_adapters.fhir._goal import goal_from_fhir, goal_outcome

    resource = resources(example("goal.R4B.json"), version)[0]
    goal = goal_from_fhir(resource, "en")
    assert (goal.lang, goal.due_date, goal.start_date, goal.target_value) == (
        "cs",
        datetime.date(2027, 4, 15),
        datetime.date(2027, 1, 4),
        1.0,
    )
    assessment, outcome = goal_outcome(resource, "de", version, None, default_pack())
    direct = goals.assess_goal(goal, pack=default_pack())
    assert assessment.decision == direct.decision
    parse(outcome, version)
    ids = [i["diagnostics"].split("] ")[1].split(" ")[0] for i in outcome["issue"][1:]]
    assert ids == [c.id for c in direct.decision.criteria]


def test_cli_goal(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("ccm_rules.goals._goals")
    assert main(["fhir", str(EXAMPLES / "fhir/goal.R4B.json"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["entry"][0]["resource"]["resourceType"] == "OperationOutcome"
    empty = tmp_path / "goal.json"
    empty.write_text(
        '{"resourceType": "Goal", "lifecycleStatus": "active", "description": {"text": " "},'
        ' "subject": {"reference": "Patient/C-1"}}'
    )
    assert main(["fhir", str(empty)]) == 2
    assert "@ Goal.description" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("entry_type", "where", "words"),
    [
        ("TOP:Foo", "Foo.resourceType", "unknown resourceType 'Foo'"),
        (None, "Bundle.entry[1].resource.resourceType", "expected the resource's type as text, got nothing"),
        ("Foo", "Bundle.entry[1].resource.resourceType", "unknown resourceType 'Foo'"),
    ],
)
def test_an_unknown_resource_type_is_refused_naming_the_element(
    entry_type: str | None, where: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by mutating the CareTeam example: these gave a ValueError/TypeError traceback or named no element."""
    if entry_type == "TOP:Foo":
        data: dict[str, Any] = {"resourceType": "Foo"}
    else:
        data = json.loads((EXAMPLES / "fhir/careteam-external.R4B.json").read_text(encoding="utf-8"))
        data["entry"][1]["resource"]["resourceType"] = entry_type
    path = tmp_path / "resource.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["fhir", str(path)]) == 2
    err = capsys.readouterr().err
    assert where in err and words in err
