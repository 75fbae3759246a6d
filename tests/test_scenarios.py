"""Every shipped example is a scenario: facts → expected outcome, criteria and questions,
rendered in all four languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccm_rules import RulePack, decide, explain, render_text
from ccm_rules.engine._casefile import read_case

from .conftest import EXAMPLES

CASES = sorted([*EXAMPLES.glob("eligibility/*.yaml"), *EXAMPLES.glob("labour_market/*.yaml")])
"""Eligibility case files; the other areas' examples are scenarios of their own test modules."""


def test_there_are_scenarios_for_both_rulesets() -> None:
    rulesets = {read_case(p).ruleset for p in CASES}
    assert rulesets == {"eligibility", "labour_market"}
    assert len(CASES) >= 9


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario(path: Path, pack: RulePack) -> None:
    case = read_case(path)
    assert case.expect is not None, f"{path} has no 'expect'"
    decision = decide(pack.ruleset(case.ruleset or "eligibility"), case.facts, case.as_of)
    assert decision.outcome.value == case.expect["outcome"]
    assert {c.id: c.status.value for c in decision.criteria} == case.expect["criteria"]
    if "questions" in case.expect:
        assert [q.key for q in decision.questions] == case.expect["questions"]
    for lang in ("en", "cs", "hu", "de"):
        explanation = explain(decision, pack, lang)
        text = render_text(explanation, pack=pack)
        assert pack.text(f"outcome.{decision.outcome.value}", lang).upper() in text
        for criterion in explanation.criteria:
            assert criterion.title in text
            assert criterion.reason and "{" not in criterion.reason
        assert len(explanation.questions) == len(decision.questions)
