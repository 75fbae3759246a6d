"""Validating facts: every bad entry is reported, each with its own path."""

from __future__ import annotations

import pytest

from ccm_rules import FactsError, RulePack
from ccm_rules.engine._facts import validate_facts


def test_every_bad_domain_entry_is_reported(pack: RulePack) -> None:
    ruleset = pack.ruleset("eligibility")
    domains = {
        "houzing": "unmet_need",
        "work": "maybe",
        "finances": "no_need",
        "leisur": "met_need",
        "mental_health": 3,
    }
    with pytest.raises(FactsError) as info:
        validate_facts({"domains": domains, "services_needed": -1}, ruleset.spec.facts, ruleset.vocabularies)
    paths = [p.path for p in info.value.problems]
    assert paths == [
        "$.domains.houzing",
        "$.domains.work",
        "$.domains.leisur",
        "$.domains.mental_health",
        "$.services_needed",
    ]
    messages = [p.message for p in info.value.problems]
    assert "did you mean 'housing'?" in messages[0] and "the text 'maybe' is not a status" in messages[1]
    assert "did you mean 'leisure'?" in messages[2] and "the number 3 is not a status" in messages[3]


def test_good_domains_come_back_in_vocabulary_order(pack: RulePack) -> None:
    ruleset = pack.ruleset("eligibility")
    vocabulary = ruleset.vocabularies["life_domains"]
    given, ready = validate_facts(
        {"domains": {"work": "no_need", "housing": "unmet_need"}}, ruleset.spec.facts, ruleset.vocabularies
    )
    assert list(given["domains"]) == [c for c in vocabulary.codes if c in ("work", "housing")]
    assert ready["domains"] == vocabulary.items(given["domains"])
    _, as_mapping = validate_facts(
        {"domains": {"work": "no_need"}}, ruleset.spec.facts, ruleset.vocabularies, items=False
    )
    assert as_mapping["domains"] == {"work": "no_need"}


@pytest.mark.parametrize(
    ("fact", "value", "message"),
    [
        (
            "services_needed",
            10**5000,
            "an integer of about 5001 digits is above the largest allowed value 50",
        ),  # was a traceback
        ("services_needed", float("inf"), "expected a finite number, got the number inf"),  # said "a whole number"
        ("services_needed", float("nan"), "expected a finite number, got the number nan"),
    ],
    ids=["5001-digits", "inf", "nan"],
)
def test_numbers_too_long_to_print_or_not_finite_are_named(
    pack: RulePack, fact: str, value: object, message: str
) -> None:
    """Found in review."""
    ruleset = pack.ruleset("eligibility")
    with pytest.raises(FactsError) as err:
        validate_facts({fact: value}, ruleset.spec.facts, ruleset.vocabularies)
    assert [p.message for p in err.value.problems] == [message]
