"""Eligibility decided as seed 001 decides it (DOMAIN.md §6), pinned by the seed's own statements.

- 001 §2: "Potřeba komplexní podpory se nezjistí, pokud vyhodnocujeme jen jednu doménu
  života" — until the assessment is holistic (E2), the answer is undetermined and names
  the domains still to assess, even when a criterion read from the partial assessment is
  not met. A criterion refuses only on facts a fuller assessment could not change.
- 001 §1: "CM není pro někoho, kdo potřebuje podporu jen v jedné poměrně dobře definované
  oblasti, zajištěnou jedním poskytovatelem" — the "not CM" side is one area AND one
  provider; two services in a multi-domain, long-term case are no reason to refuse.
- 001 §3: "CM nepotřebují lidé, kde je potřeba časově omezená, krátkodobá intervence" — the
  expected duration of the need decides when it is known; a chronic condition ("chronickým
  duševním onemocněním", "chronickém bezdomovectví") is evidence while it is not.

Each example failed on the pack before this change; the properties hold the rules in
general (the columnar engine's agreement is in `test_columnar.py`).
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import Outcome, RulePack, RulePackError, Status, decide
from ccm_rules_adapters.cli import main

from .conftest import _HTTP, EXAMPLES, RULES, missing_extras

PACK = RulePack.load(RULES)
RULESET = PACK.ruleset("eligibility")
VOCAB = PACK.vocabularies["life_domains"]
CODES = VOCAB.codes
ON = datetime.date(2026, 11, 1)
CORE = tuple(RULESET.params_at(ON)["holistic_domains"].value)
HOLISTIC = dict.fromkeys(CORE, "no_need")
EVERY_DOMAIN = dict.fromkeys(CODES, "no_need")

REFUSING = {
    "services_needed": 1,
    "chronic_condition": False,
    "expected_duration_months": 3,
    "ongoing_coordination_needed": False,
    "referral_only": True,
}
"""What a partial assessment might show: one provider, a short need, a simple referral."""


def statuses(decision: Any) -> dict[str, str]:
    return {c.id: c.status.value for c in decision.criteria}


# ------------------------------------------------------------------ 1. precedence (001 §2)


def test_a_partial_assessment_does_not_refuse_and_names_the_domains_to_assess() -> None:
    """Only work assessed: E1, E3 and E4 read from it are not met, but the answer is undetermined
    (before: not eligible), asking the core domains first."""
    decision = decide(RULESET, {"domains": {"work": "unmet_need"}, **REFUSING}, ON)
    assert decision.outcome is Outcome.UNDETERMINED
    assert statuses(decision) == {"E1": "unknown", "E2": "not_met", "E3": "not_met", "E4": "not_met"}
    asked = [q.key for q in decision.questions]
    assert asked[: len(CORE) - 1] == [c for c in CORE if c != "work"]
    assert all(q.collection == "domains" for q in decision.questions)


def test_with_the_assessment_holistic_the_same_facts_refuse() -> None:
    decision = decide(RULESET, {"domains": HOLISTIC | {"work": "unmet_need"}, **REFUSING}, ON)
    assert decision.outcome is Outcome.NOT_ELIGIBLE
    assert decision.questions == ()


def test_no_refusal_before_anything_is_known_of_the_assessment() -> None:
    """Domains not recorded at all: an assessment not known to be holistic is not one, so the
    simple referral does not refuse yet (before: not eligible); the assessment is asked for."""
    decision = decide(RULESET, {"referral_only": True, "ongoing_coordination_needed": False}, ON)
    assert decision.outcome is Outcome.UNDETERMINED
    assert decision.criterion("E4").status is Status.NOT_MET
    assert decision.questions[0].fact == "domains"


def _pack_where_only(tmp_path: Path, provisional: str) -> RulePack:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    path = root / "eligibility.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("    provisional: "))
    path.write_text(text.replace(line, f"    provisional: [{provisional}]"), encoding="utf-8")
    return RulePack.load(root)


def test_a_refusal_on_facts_no_assessment_could_change_stands(tmp_path: Path) -> None:
    """With only `services_needed` provisional, a simple referral refuses under a partial
    assessment, and a refusal that rests on the service count alone does not."""
    ruleset = _pack_where_only(tmp_path, "services_needed").ruleset("eligibility")
    referral = decide(ruleset, {"domains": {"work": "unmet_need"}, **REFUSING}, ON)
    assert referral.outcome is Outcome.NOT_ELIGIBLE
    one_service = {
        "domains": dict.fromkeys(CODES, "no_need") | {"leisure": "not_assessed"},  # at most one area
        "services_needed": 1,
        "expected_duration_months": 24,
        "ongoing_coordination_needed": True,
        "referral_only": False,
    }
    decision = decide(ruleset, one_service, ON)
    assert statuses(decision) == {"E1": "not_met", "E2": "not_met", "E3": "met", "E4": "met"}
    assert decision.outcome is Outcome.UNDETERMINED


def test_a_gate_without_provisional_facts_keeps_the_old_precedence(tmp_path: Path) -> None:
    """Holding refusals back is the rule data's choice (`provisional` on a gate): without it, a
    required criterion not met still refuses beside an unmet gate, as every other ruleset's does."""
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    path = root / "eligibility.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines(keepends=True) if x.startswith("    provisional: "))
    path.write_text(text.replace(line, ""), encoding="utf-8")
    ruleset = RulePack.load(root).ruleset("eligibility")
    decision = decide(ruleset, {"domains": {"work": "unmet_need"}, **REFUSING}, ON)
    assert decision.outcome is Outcome.NOT_ELIGIBLE
    assert all(c.spec.provisional == [] for r in PACK.rulesets.values() if r.id != "eligibility" for c in r.criteria)


# ------------------------------------------------------------------ 2. E1: one area AND one provider (001 §1)


def test_two_services_in_a_multi_domain_long_term_case_are_no_reason_to_refuse() -> None:
    """Before: E1 not met (fewer than 3 services), not eligible."""
    facts = {
        "domains": HOLISTIC | {"housing": "unmet_need", "finances": "unmet_need", "mental_health": "met_need"},
        "services_needed": 2,
        "chronic_condition": True,
        "expected_duration_months": 24,
        "ongoing_coordination_needed": True,
        "referral_only": False,
    }
    decision = decide(RULESET, facts, ON)
    assert decision.criterion("E1").status is Status.MET
    assert decision.outcome is Outcome.ELIGIBLE


def test_one_area_served_by_one_provider_is_not_case_management() -> None:
    decision = decide(RULESET, {"domains": EVERY_DOMAIN | {"finances": "unmet_need"}, "services_needed": 1}, ON)
    assert decision.criterion("E1").status is Status.NOT_MET


@pytest.mark.parametrize(
    ("domains", "services", "expected"),
    [
        (EVERY_DOMAIN | {"finances": "unmet_need"}, 3, Status.MET),  # one area, several services: not the "not" side
        (
            EVERY_DOMAIN | {"finances": "unmet_need", "housing": "met_need"},
            1,
            Status.MET,
        ),  # several areas, one provider
        (EVERY_DOMAIN | {"finances": "unmet_need"}, None, Status.UNKNOWN),  # one area, providers unknown: ask
        (HOLISTIC | {"finances": "unmet_need"}, 1, Status.UNKNOWN),  # a domain outside the core may hold a second need
    ],
)
def test_e1_refuses_only_the_seeds_not_side(domains: dict[str, str], services: int | None, expected: Status) -> None:
    facts: dict[str, Any] = {"domains": domains}
    if services is not None:
        facts["services_needed"] = services
    assert decide(RULESET, facts, ON).criterion("E1").status is expected


# ------------------------------------------------------------------ 3. E3: the need's duration decides (001 §3)


@pytest.mark.parametrize(
    ("chronic", "months", "expected"),
    [
        (True, 3, Status.NOT_MET),  # before: met on the chronic condition
        (True, None, Status.MET),  # the duration not known: a chronic condition is evidence
        (False, 24, Status.MET),
        (False, None, Status.UNKNOWN),
        (None, 11.5, Status.NOT_MET),
        (None, 12, Status.MET),
    ],
)
def test_e3_the_expected_duration_decides_when_known(
    chronic: bool | None, months: float | None, expected: Status
) -> None:
    facts = {
        k: v for k, v in {"chronic_condition": chronic, "expected_duration_months": months}.items() if v is not None
    }
    assert decide(RULESET, facts, ON).criterion("E3").status is expected


def test_e3_asks_for_the_duration_first() -> None:
    decision = decide(RULESET, {"domains": HOLISTIC}, ON)
    e3 = [q.key for q in decision.questions if "E3" in q.criteria]
    assert e3 == ["expected_duration_months", "chronic_condition"]


def test_a_chronic_condition_with_a_short_need_is_not_eligible() -> None:
    facts = {
        "domains": HOLISTIC | {"physical_health": "unmet_need", "housing": "unmet_need"},
        "services_needed": 3,
        "chronic_condition": True,
        "expected_duration_months": 3,
        "ongoing_coordination_needed": True,
        "referral_only": False,
    }
    assert decide(RULESET, facts, ON).outcome is Outcome.NOT_ELIGIBLE


# ------------------------------------------------------------------ properties

domains = st.dictionaries(st.sampled_from(CODES), st.sampled_from(VOCAB.statuses))
scalars: dict[str, st.SearchStrategy[Any]] = {
    "services_needed": st.integers(0, 50),
    "chronic_condition": st.booleans(),
    "expected_duration_months": st.floats(0, 600) | st.sampled_from([11.5, 12, 12.0]),
    "ongoing_coordination_needed": st.booleans(),
    "referral_only": st.booleans(),
}
facts_strategy = st.fixed_dictionaries({}, optional={"domains": domains, **scalars})


@settings(max_examples=300)
@given(facts_strategy)
def test_an_assessment_not_known_to_be_holistic_never_refuses(facts: dict[str, Any]) -> None:
    decision = decide(RULESET, facts, ON)
    if decision.criterion("E2").status is not Status.MET:
        assert decision.outcome is Outcome.UNDETERMINED
        if "domains" in facts:  # the domains still to assess are asked, core ones first
            missing = [c for c in CORE if facts["domains"].get(c, "not_assessed") == "not_assessed"]
            assert [q.key for q in decision.questions][: len(missing)] == missing


@settings(max_examples=200)
@given(facts_strategy, st.data())
def test_completing_the_assessment_never_turns_a_decision_round(facts: dict[str, Any], data: st.DataObject) -> None:
    """A definite answer stays when not-assessed domains are assessed and missing facts filled
    in — except the expected duration, which may overturn E3's chronic evidence (and only that)."""
    decision = decide(RULESET, facts, ON)
    if decision.outcome is Outcome.UNDETERMINED:
        return
    given_domains = facts.get("domains", {})
    more = {
        c: data.draw(st.sampled_from(["no_need", "met_need", "unmet_need"]))
        for c in CODES
        if given_domains.get(c, "not_assessed") == "not_assessed"
    }
    missing = {k: data.draw(v) for k, v in scalars.items() if k not in facts}
    filled = {**facts, **missing, "domains": {**given_domains, **more}}
    later = decide(RULESET, filled, ON)
    if later.outcome is not decision.outcome:
        assert "expected_duration_months" in missing and facts.get("chronic_condition") is True
        assert decision.criterion("E3").status is Status.MET and later.criterion("E3").status is Status.NOT_MET


@settings(max_examples=200)
@given(facts_strategy)
def test_several_areas_with_a_need_are_never_refused_by_e1(facts: dict[str, Any]) -> None:
    needs = sum(VOCAB.spec.statuses[s].need is True for s in facts.get("domains", {}).values())
    decision = decide(RULESET, facts, ON)
    if needs >= 2 or facts.get("services_needed", 0) >= 2:
        assert decision.criterion("E1").status is Status.MET


@settings(max_examples=200)
@given(facts_strategy)
def test_a_known_duration_alone_decides_e3(facts: dict[str, Any]) -> None:
    months = facts.get("expected_duration_months")
    if months is None:
        return
    decision = decide(RULESET, facts, ON)
    assert decision.criterion("E3").status is Status.of(months >= 12)


# ------------------------------------------------------------------ the rule file's checks


def _pack_with(tmp_path: Path, old: str, new: str) -> RulePackError:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    path = root / "eligibility.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(RulePackError) as caught:
        RulePack.load(root)
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    provisional: [services_needed,",
            "    provisional: [servics_needed,",
            "undeclared fact 'servics_needed'; did you mean 'services_needed'?",
        ),
        (
            "    provisional: [services_needed,",
            "    provisional: [domains, services_needed,",
            "fact 'domains' is a collection: its items are assessed or not, never provisional",
        ),
        (
            "    role: required\n    title:\n      en: Long-term need",
            "    role: required\n    provisional: [referral_only]\n    title:\n      en: Long-term need",
            "only a gate criterion can hold facts provisional (E3 is required)",
        ),
        (
            "{not: {known: expected_duration_months}}",
            "{not: {known: expected_duration}}",
            "undeclared fact 'expected_duration'; did you mean 'expected_duration_months'?",
        ),
        ("{not: {known: expected_duration_months}}", "{not: {known: domains}}", "fact 'domains' is a collection"),
        ("where: {field: assessed, eq: true}", "where: {known: referral_only}", "'known' tests a fact, not an item"),
    ],
)
def test_bad_provisional_and_known_are_refused_at_their_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    err = _pack_with(tmp_path, old, new)
    found = [p for p in err.problems if message in p.message]
    assert found, [p.message for p in err.problems]
    assert found[0].file is not None and found[0].file.endswith("eligibility.yaml") and found[0].line


# ------------------------------------------------------------------ adapters use the core


def test_cli_gives_the_new_precedence(capsys: pytest.CaptureFixture[str]) -> None:
    case = EXAMPLES / "eligibility" / "partial_assessment_not_refused.yaml"
    main(["eligibility", str(case), "--format", "json"])
    body = json.loads(capsys.readouterr().out)
    assert body["decision"]["outcome"] == "undetermined"
    assert body["decision"]["questions"][0]["key"] == "physical_health"


def test_http_gives_the_new_precedence() -> None:
    reason = missing_extras((_HTTP,))
    if reason:
        pytest.skip(reason)
    from litestar.testing import TestClient

    from ccm_rules_adapters.http import create_app

    with TestClient(create_app(PACK)) as client:
        r = client.post(
            "/v1/eligibility", json={"facts": {"domains": {"work": "unmet_need"}, **REFUSING}, "as_of": ON.isoformat()}
        )
    assert r.status_code == 200
    assert r.json()["decision"]["outcome"] == "undetermined"
