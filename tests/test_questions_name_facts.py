"""Every open question names the fact to fill in, spelt as the input file spells it."""

from __future__ import annotations

import re

import pytest

from ccm_rules import (
    RulePack,
    assess_readiness,
    decide,
    explain,
    explain_dacts,
    explain_readiness,
    explain_team_model,
    read_region,
    recommend_team_model,
    score_dacts,
)
from ccm_rules.engine._casefile import read_case
from ccm_rules.engine._yaml import read_yaml

from .conftest import EXAMPLES, RULES

PACK = RulePack.load(RULES)
LANGS = ("en", "cs", "hu", "de")
FILL_IN = re.compile(r" \[(?:fill in|doplňte|kitöltendő|auszufüllen): ([a-z0-9_.]+)\]$")


def named_facts(questions: tuple[str, ...]) -> list[str]:
    found = []
    for question in questions:
        match = FILL_IN.search(question)
        assert match, f"the question names no fact to fill in: {question!r}"
        found.append(match.group(1))
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_eligibility_questions_name_case_file_facts(lang: str) -> None:
    case = read_case(EXAMPLES / "eligibility/senior_long_term_care_unknowns.yaml")
    decision = decide(PACK.ruleset("eligibility"), case.facts, case.as_of)
    facts = named_facts(explain(decision, PACK, lang).questions)
    assert facts and "ongoing_coordination_needed" in facts
    declared = PACK.ruleset("eligibility").spec.facts
    vocabulary = PACK.vocabularies["life_domains"].codes
    for fact in facts:
        name, _, item = fact.partition(".")
        assert name in declared and (not item or item in vocabulary), fact


@pytest.mark.parametrize("lang", LANGS)
def test_team_model_questions_name_case_file_facts(lang: str) -> None:
    case = read_case(EXAMPLES / "team_model/unknowns_provisional.yaml")
    rec = recommend_team_model(case.facts, as_of=case.as_of)
    facts = named_facts(explain_team_model(rec, PACK, lang).questions)
    assert facts and set(facts) <= PACK.fact_names


@pytest.mark.parametrize("lang", LANGS)
def test_readiness_questions_name_region_file_fields(lang: str) -> None:
    path = EXAMPLES / "readiness/new_to_ccm.yaml"
    view = explain_readiness(assess_readiness(read_region(path, pack=PACK), pack=PACK), PACK, lang)
    facts = named_facts(view.questions[:-1])  # the last one sends the planner to the unanswered Pioneer items
    assert "host" in facts and "lessons.complete_method" in facts
    sections = {"starting_situation", "lessons"}
    assert all(f == "host" or f.split(".")[0] in sections for f in facts)


@pytest.mark.parametrize("lang", LANGS)
def test_dacts_questions_name_figures(lang: str) -> None:
    path = EXAMPLES / "dacts/partly_measured.yaml"
    figures = read_yaml(path).data["figures"]
    ex = explain_dacts(score_dacts(figures, as_of=None), PACK, lang)
    facts = named_facts(ex.missing)
    assert facts and all(f.startswith("figures.") and f.removeprefix("figures.") not in figures for f in facts)
