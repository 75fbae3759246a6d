"""Properties of the rule core (hypothesis): totality, determinism, soundness of unknowns,
and cattrs round-trips."""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import Decision, FactsError, Outcome, RulePack, decide
from ccm_rules.eligibility._eligibility import EligibilityFacts
from ccm_rules.engine._convert import facts_mapping, make_converter

from .conftest import RULES

PACK = RulePack.load(RULES)
RULESET = PACK.ruleset("eligibility")
CODES = PACK.vocabularies["life_domains"].codes
STATUSES = PACK.vocabularies["life_domains"].statuses
ON = datetime.date(2026, 11, 1)

domains = st.dictionaries(st.sampled_from(CODES), st.sampled_from(STATUSES))
valid_values: dict[str, st.SearchStrategy[Any]] = {
    "domains": domains,
    "services_needed": st.integers(0, 50),
    "chronic_condition": st.booleans(),
    "expected_duration_months": st.floats(0, 600),
    "ongoing_coordination_needed": st.booleans(),
    "referral_only": st.booleans(),
}
full_facts = st.fixed_dictionaries(valid_values)
partial_facts = st.fixed_dictionaries({}, optional=valid_values)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    domains,
)
arbitrary_facts = st.dictionaries(st.sampled_from([*valid_values, "bogus"]), junk)


@given(arbitrary_facts)
def test_evaluation_is_total(facts: dict[str, Any]) -> None:
    """Any input gives a decision or a FactsError — never another exception."""
    try:
        decision = decide(RULESET, facts, ON)
    except FactsError as err:
        assert err.problems
    else:
        assert decision.outcome in Outcome


@given(partial_facts)
def test_determinism(facts: dict[str, Any]) -> None:
    assert decide(RULESET, facts, ON) == decide(RULESET, dict(reversed(list(facts.items()))), ON)


@settings(max_examples=200)
@given(partial_facts, st.data())
def test_soundness_of_unknowns(facts: dict[str, Any], data: st.DataObject) -> None:
    """A definite answer on missing facts stays the same however they are filled in — but for
    one fact: a recorded duration of the need overrides E3's chronic evidence (001 §3), so
    filling it in may turn E3, and only E3, from met to not met."""
    decision = decide(RULESET, facts, ON)
    if decision.outcome is Outcome.UNDETERMINED:
        return
    missing = {k: v for k, v in valid_values.items() if k not in facts}
    filled = {**facts, **data.draw(st.fixed_dictionaries(missing))}
    later = decide(RULESET, filled, ON)
    if later.outcome is not decision.outcome:
        assert "expected_duration_months" in missing and facts.get("chronic_condition") is True
        changed = [c.id for c in decision.criteria if c.status is not later.criterion(c.id).status]
        assert "E3" in changed and later.criterion("E3").status.value == "not_met"


@given(partial_facts)
def test_undetermined_answers_say_what_to_ask(facts: dict[str, Any]) -> None:
    decision = decide(RULESET, facts, ON)
    assert (decision.outcome is Outcome.UNDETERMINED) == bool(decision.questions)


@given(full_facts)
def test_complete_holistic_facts_are_never_undetermined(facts: dict[str, Any]) -> None:
    facts["domains"] = {code: facts["domains"].get(code, "no_need") for code in CODES}
    facts["domains"] = {c: ("no_need" if s == "not_assessed" else s) for c, s in facts["domains"].items()}
    assert decide(RULESET, facts, ON).outcome is not Outcome.UNDETERMINED


@given(partial_facts)
def test_decision_round_trips_through_cattrs(facts: dict[str, Any]) -> None:
    conv = make_converter()
    decision = decide(RULESET, facts, ON)
    assert conv.structure(conv.unstructure(decision), Decision) == decision


@given(st.builds(EligibilityFacts, domains=st.none() | domains, services_needed=st.none() | st.integers(0, 50)))
def test_attrs_facts_round_trip_and_match_dicts(facts: EligibilityFacts) -> None:
    conv = make_converter()
    assert conv.structure(conv.unstructure(facts), EligibilityFacts) == facts
    assert decide(RULESET, facts_mapping(facts), ON) == decide(
        RULESET, {k: v for k, v in conv.unstructure(facts).items() if v is not None}, ON
    )


def test_typed_facts_mirror_the_declared_facts() -> None:
    import attrs

    from ccm_rules.eligibility._eligibility import LabourMarketFacts

    assert {f.name for f in attrs.fields(EligibilityFacts)} == set(RULESET.spec.facts)
    assert {f.name for f in attrs.fields(LabourMarketFacts)} == set(PACK.ruleset("labour_market").spec.facts)
