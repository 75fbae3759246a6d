"""The guided intake interview (issue 19 item 3): it asks only what can still change the decision.

A brute force over every answer (a dense set of values per fact, every status per life
domain, "not known yet" for each) is the oracle: a question is asked exactly when some
answers to the other open questions exist under which two of its own answers give
different outcomes. The example tests come from seed 001 (eligibility) and seed 002
(labour-market CM), and count how many answers the examples in examples/ take.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ccm_rules.eligibility import (
    Interview,
    deciding_questions,
    eligibility_interview,
    interview,
    known_facts,
    labour_market_interview,
)
from ccm_rules.engine import Outcome, UnknownLanguageError, decide, default_pack

from .conftest import EXAMPLES

ON = datetime.date(2026, 11, 1)
PACK = default_pack()
DOMAINS = PACK.ruleset("eligibility").vocabularies["life_domains"].codes
HOLISTIC = (
    "physical_health",
    "mental_health",
    "housing",
    "daily_living",
    "finances",
    "work",
    "social_relationships",
    "leisure",
)
STATUSES = ("no_need", "met_need", "unmet_need", "not_assessed")

# Dense answers per fact for the oracle: every value on and around each threshold, and far from it.
DENSE: dict[str, tuple[Any, ...]] = {
    "services_needed": (0, 1, 2, 3, 4, 50),
    "expected_duration_months": (0, 1, 11, 11.9, 12, 12.1, 24, 600),
    "age": (0, 14, 15, 16, 30, 50, 51, 63, 64, 65, 120),
    "completed_grades": (0, 5, 6, 7, 25),
}


def dense_values(ruleset_id: str, fact: str) -> tuple[Any, ...]:
    """None (not known yet) and every answer the oracle tries for one open question (`fact` as spelled)."""
    rs = PACK.ruleset(ruleset_id)
    if "." in fact:
        return (None, *STATUSES)
    spec = rs.spec.facts[fact]
    if spec.type == "boolean":
        return (None, True, False)
    if spec.type == "enum":
        return (None, *(spec.values or ()))
    return (None, *DENSE[fact])


def with_answers(facts: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    out = {name: (dict(value) if isinstance(value, dict) else value) for name, value in facts.items()}
    for fact, value in answers.items():
        collection, _, key = fact.partition(".")
        if key:
            out.setdefault(collection, {})
            if value is None:
                out[collection].pop(key, None)
            else:
                out[collection][key] = value
        elif value is None:
            out.pop(fact, None)
        else:
            out[fact] = value
    return out


def oracle(ruleset_id: str, facts: Mapping[str, Any]) -> tuple[Outcome, list[str], set[str]]:
    """(outcome, open questions, those that can change the outcome), by trying every answer to every open question.

    Open questions are the decision's own, with a collection not given read as an
    assessment with nothing assessed yet (as the interview asks it, item by item)."""
    rs = PACK.ruleset(ruleset_id)
    given = decide(rs, facts, ON)
    if given.outcome is not Outcome.UNDETERMINED:
        return given.outcome, [], set()
    full = {**{n: {} for n, s in rs.spec.facts.items() if s.type == "domain_statuses"}, **facts}
    open_ = [q.fact for q in decide(rs, full, ON).questions]
    values = [dense_values(ruleset_id, fact) for fact in open_]
    outcomes = {
        combo: decide(rs, with_answers(full, dict(zip(open_, combo, strict=True))), ON).outcome
        for combo in itertools.product(*values)
    }
    relevant = set()
    for at, fact in enumerate(open_):
        by_rest: dict[tuple[Any, ...], set[Outcome]] = {}
        for combo, outcome in outcomes.items():
            by_rest.setdefault(combo[:at] + combo[at + 1 :], set()).add(outcome)
        if any(len(seen) > 1 for seen in by_rest.values()):
            relevant.add(fact)
    return given.outcome, open_, relevant


def run(ruleset_id: str, profile: Mapping[str, Any], lang: str = "en") -> tuple[Interview, int, list[str]]:
    """Answer the interview from `profile` (what is absent there is answered "not known yet").

    Returns the last state, how many answers were given (not known yet included) and the screens shown."""
    facts: dict[str, Any] = {}
    skip: set[str] = set()
    answers = 0
    screens: list[str] = []
    for _ in range(100):
        state = interview(ruleset_id, facts, lang=lang, as_of=ON, skip=skip)
        if state.state != "ask":
            return state, answers, screens
        assert state.screen is not None
        screens.append(state.screen.key)
        for question in state.screen.questions:
            answers += 1
            value = (
                profile.get(question.collection, {}).get(question.key)
                if question.collection
                else profile.get(question.key)
            )
            if value is None:
                skip.add(question.fact)
            else:
                facts = with_answers(facts, {question.fact: value})
    raise AssertionError("the interview did not end")


# ---------------------------------------------------------------- generated partial facts

_SLOTS_E = [f"domains.{code}" for code in DOMAINS] + [
    "services_needed",
    "chronic_condition",
    "expected_duration_months",
    "ongoing_coordination_needed",
    "referral_only",
]
_SLOTS_LM = [
    "age",
    "employed",
    "in_education",
    "entry_route",
    "individual_plan",
    "individual_plan_records_steps",
    "cannot_manage_labour_market_role",
    "can_become_capable",
    "long_term_unemployed",
]


@st.composite
def nearly_known(draw: st.DrawFn, ruleset_id: str) -> dict[str, Any]:
    """A case with every fact answered, then up to four answers forgotten (or domains left not assessed)."""
    slots = _SLOTS_E if ruleset_id == "eligibility" else _SLOTS_LM
    answers = {}
    for fact in slots:
        choices = [v for v in dense_values(ruleset_id, fact) if v is not None and v != "not_assessed"]
        answers[fact] = draw(st.sampled_from(choices))
    forgotten = draw(st.lists(st.sampled_from(slots), max_size=4, unique=True))
    for fact in forgotten:
        answers[fact] = draw(st.sampled_from([None, "not_assessed"])) if "." in fact else None
    return with_answers({}, answers)


@given(nearly_known("eligibility"))
def test_eligibility_asks_exactly_what_can_change_the_outcome(facts: dict[str, Any]) -> None:
    """Every question asked has an answer that changes the outcome, and none that could is left out."""
    outcome, open_, relevant = oracle("eligibility", facts)
    state = eligibility_interview(facts, as_of=ON)
    assert {q.fact for q in state.asking} == relevant
    assert set(state.set_aside) == set(open_) - relevant
    assert state.decision.outcome is outcome
    _, questions = deciding_questions(PACK.ruleset("eligibility"), facts, as_of=ON)
    assert {q.fact for q in questions} == relevant


@given(nearly_known("labour_market"))
def test_labour_market_asks_exactly_what_can_change_the_outcome(facts: dict[str, Any]) -> None:
    outcome, open_, relevant = oracle("labour_market", facts)
    state = labour_market_interview(facts, as_of=ON)
    assert {q.fact for q in state.asking} == relevant
    assert set(state.set_aside) == set(open_) - relevant
    assert state.decision.outcome is outcome


@given(st.sampled_from(["eligibility", "labour_market"]).flatmap(lambda r: st.tuples(st.just(r), nearly_known(r))))
def test_settled_asks_nothing_more_and_screens_hold_one_group(case: tuple[str, dict[str, Any]]) -> None:
    """Settled is eligible or not eligible, with no screen and nothing open; an open one asks one group per screen."""
    ruleset_id, facts = case
    state = interview(ruleset_id, facts, as_of=ON, lang="cs")
    assert state.settled == (state.decision.outcome is not Outcome.UNDETERMINED)
    if state.settled:
        assert state.screen is None and state.asking == () and state.set_aside == ()
        return
    assert state.state in ("ask", "exhausted")
    if state.screen is not None:
        assert state.screen.questions and {q.screen for q in state.screen.questions} == {state.screen.key}
        asking = [q.fact for q in state.asking]
        assert [q.fact for q in state.screen.questions] == [
            f for f in asking if f in {q.fact for q in state.screen.questions}
        ]
        settling = [q.settles for q in state.asking]
        assert settling == sorted(settling, reverse=True)  # those that can settle the decision come first


@given(nearly_known("eligibility"), st.data())
def test_not_known_yet_is_not_asked_again_and_the_interview_ends(facts: dict[str, Any], data: st.DataObject) -> None:
    state = eligibility_interview(facts, as_of=ON)
    if state.state != "ask":
        return
    skip = {q.fact for q in state.asking if data.draw(st.booleans())}
    again = eligibility_interview(facts, as_of=ON, skip=skip)
    assert again.asking == state.asking
    if skip == {q.fact for q in state.asking}:
        assert again.state == "exhausted" and again.screen is None
    else:
        assert again.screen is not None and not {q.fact for q in again.screen.questions} & skip


# ---------------------------------------------------------------- examples from the seeds


def test_empty_case_starts_with_the_holistic_assessment_by_life_domain() -> None:
    """001 §2: "rozhodnutí, jestli je potřeba CM, [musí] vycházet z holistického hodnocení" —
    the first screens are the life domains, grouped as rules/vocabulary/life_domains.yaml groups them."""
    state = eligibility_interview({}, as_of=ON, lang="cs")
    assert state.state == "ask"
    assert state.screen is not None
    assert state.screen.key == "domains:health" and state.screen.title == "zdraví"
    first = state.screen.questions[0]
    assert first.fact == "domains.physical_health"
    assert first.text == "Posuďte oblast života: tělesné zdraví"
    assert first.answer == "choice"
    assert [c.value for c in first.choices] == ["no_need", "met_need", "unmet_need"]
    assert [c.label for c in first.choices] == ["bez potřeby", "potřeba naplněná", "nenaplněná potřeba"]
    assert len(state.asking) == 20  # every question can still matter on an empty case


def test_answer_types_come_from_the_facts_spec() -> None:
    state = labour_market_interview({}, as_of=ON, lang="hu")
    by_fact = {q.fact: q for q in state.asking}
    assert by_fact["age"].answer == "integer" and (by_fact["age"].minimum, by_fact["age"].maximum) == (0, 120)
    assert by_fact["employed"].answer == "yes_no"
    assert [c.label for c in by_fact["employed"].choices] == ["igen", "nem"]
    assert by_fact["entry_route"].answer == "choice"
    assert by_fact["entry_route"].choices[0].label == "a munkaügyi kirendeltség irányította"
    assert by_fact["employed"].text == "Foglalkoztatott-e a személy?"
    assert state.screen is not None and state.screen.key == "criterion:LM1"


def test_partial_assessment_asks_only_the_core_domains() -> None:
    """001 §2 and §4, DOMAIN.md §6: only work was assessed and a simple referral would do.
    "Pokud dojde k prostému doporučení do nějaké další služby následné podpory, nejde o CM" —
    once the core domains are assessed the referral refuses, whatever the other domains hold,
    so only the core domains are asked; the other seven are set aside."""
    facts = yaml.safe_load(
        (EXAMPLES / "eligibility" / "partial_assessment_not_refused.yaml").read_text(encoding="utf-8")
    )["facts"]
    state = eligibility_interview(facts, as_of=ON)
    assert [q.fact for q in state.asking] == [f"domains.{c}" for c in HOLISTIC if c != "work"]
    assert set(state.set_aside) == {f"domains.{c}" for c in DOMAINS if c not in HOLISTIC}
    assert all(not q.settles for q in state.asking)  # one answer alone does not complete the assessment
    done = with_answers(facts, {f"domains.{c}": "no_need" for c in HOLISTIC if c != "work"})
    assert eligibility_interview(done, as_of=ON).state == "settled"
    assert eligibility_interview(done, as_of=ON).decision.outcome is Outcome.NOT_ELIGIBLE


def test_no_ongoing_coordination_makes_the_referral_question_moot() -> None:
    """001 §4: E4 needs ongoing coordination and not a simple referral; when no coordination is needed, whether a referral would do cannot change it."""
    facts = {
        "domains": dict.fromkeys(HOLISTIC, "unmet_need"),
        "services_needed": 3,
        "chronic_condition": True,
        "ongoing_coordination_needed": False,
    }
    state = eligibility_interview(facts, as_of=ON)
    assert state.state == "settled" and state.decision.outcome is Outcome.NOT_ELIGIBLE
    facts["ongoing_coordination_needed"] = True
    state = eligibility_interview(facts, as_of=ON)
    assert [q.fact for q in state.asking] == ["referral_only"]
    assert state.asking[0].settles and state.asking[0].answer == "yes_no"


def test_known_short_duration_is_asked_before_chronic_condition() -> None:
    """001 §3, DOMAIN.md §6: the expected duration decides when known; a chronic condition is evidence only while it is not."""
    facts = {
        "domains": dict.fromkeys(HOLISTIC, "unmet_need"),
        "services_needed": 3,
        "ongoing_coordination_needed": True,
        "referral_only": False,
    }
    state = eligibility_interview(facts, as_of=ON, lang="de")
    assert [q.fact for q in state.asking] == ["expected_duration_months", "chronic_condition"]
    assert state.screen is not None and state.screen.title == "Langfristiger Bedarf"
    assert eligibility_interview({**facts, "expected_duration_months": 36}, as_of=ON).state == "settled"
    # the duration not known yet: the chronic condition is still asked, and settles it
    skipped = eligibility_interview(facts, as_of=ON, skip={"expected_duration_months"})
    assert skipped.screen is not None and [q.fact for q in skipped.screen.questions] == ["chronic_condition"]


def test_typical_eligible_case_settles_in_at_most_20_answers() -> None:
    """Issue 19 item 8, seed 001 §1-4 (examples/eligibility/chronic_mental_illness.yaml: chronic
    mental illness, several domains, several services): the interview settles it *eligible*."""
    profile = yaml.safe_load((EXAMPLES / "eligibility" / "chronic_mental_illness.yaml").read_text(encoding="utf-8"))[
        "facts"
    ]
    state, answers, screens = run("eligibility", profile, lang="cs")
    assert state.state == "settled" and state.decision.outcome is Outcome.ELIGIBLE
    assert answers <= 20
    assert (
        answers == 13
    )  # 8 core domains + 1 other on the same screens, duration and chronic condition, coordination and referral
    assert screens[:5] == [
        "domains:health",
        "domains:living",
        "domains:economic",
        "domains:social",
        "domains:participation",
    ]


ANSWERS = {
    # examples/<ruleset>/<file>: answers the interview takes, answered from the example's facts
    # ("not known yet" counted: an undetermined example ends when every question left was answered so)
    "eligibility/chronic_but_short_need.yaml": 11,
    "eligibility/chronic_mental_illness.yaml": 13,
    "eligibility/only_work_assessed.yaml": 20,
    "eligibility/partial_assessment_not_refused.yaml": 18,
    "eligibility/senior_long_term_care_unknowns.yaml": 13,
    "eligibility/short_intervention.yaml": 11,
    "eligibility/simple_referral.yaml": 13,
    "eligibility/single_domain_debt.yaml": 16,
    "eligibility/two_services_several_domains.yaml": 13,
    "labour_market/employed_person.yaml": 3,
    "labour_market/long_term_unemployed_50plus.yaml": 6,
    "labour_market/no_individual_plan.yaml": 6,
    "labour_market/not_a_priority_case.yaml": 6,
    "labour_market/plan_without_steps.yaml": 6,
    "labour_market/steps_not_recorded_yet.yaml": 6,
}


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_examples_reach_their_own_outcome(name: str) -> None:
    """Each example answered through the interview ends with the example's own outcome, in at most 20 answers."""
    case = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    ruleset_id = name.split("/")[0]
    state, answers, _ = run(ruleset_id, case["facts"])
    assert state.decision.outcome.value == case["expect"]["outcome"]
    assert state.state == ("exhausted" if case["expect"]["outcome"] == "undetermined" else "settled")
    assert answers <= 20
    assert answers == ANSWERS[name]


def test_unknown_language_and_bad_facts_are_refused_clearly() -> None:
    with pytest.raises(UnknownLanguageError, match="available: en, cs, hu, de"):
        eligibility_interview({}, lang="fr")
    from ccm_rules.engine import FactsError

    with pytest.raises(FactsError, match="services_needed"):
        eligibility_interview({"services_needed": "many"}, as_of=ON)


def test_null_is_not_known_yet() -> None:
    assert known_facts({"referral_only": None, "domains": {"work": None, "housing": "no_need"}}) == {
        "domains": {"housing": "no_need"}
    }
    assert eligibility_interview({"referral_only": None}, as_of=ON).asking == eligibility_interview({}, as_of=ON).asking


def test_record_answers_types_the_form_texts_and_names_a_bad_one() -> None:
    """A screen's answers as a form sends them: yes/no, numbers (decimal comma), choices, "" for not known yet."""
    from ccm_rules.eligibility import record_answers
    from ccm_rules.engine import FactsError

    facts = {"domains": dict.fromkeys(HOLISTIC, "unmet_need"), "services_needed": 3, "referral_only": False}
    e3 = eligibility_interview(facts, as_of=ON).asking
    assert [q.fact for q in e3] == [
        "expected_duration_months",
        "ongoing_coordination_needed",
        "chronic_condition",
    ]  # "no" to either settles it
    got, not_known = record_answers(
        e3,
        facts,
        {"expected_duration_months": "11,5", "chronic_condition": "", "ongoing_coordination_needed": "yes"},
        ruleset="eligibility",
        as_of=ON,
    )
    assert got["expected_duration_months"] == 11.5 and got["ongoing_coordination_needed"] is True
    assert "chronic_condition" not in got and "chronic_condition" in not_known
    assert got["referral_only"] is False  # an answer not on the screen is kept
    lm = labour_market_interview({}, as_of=ON).asking
    got, _ = record_answers(
        lm,
        {},
        {"age": "52", "employed": "false", "entry_route": "labour_office_referral"},
        ruleset="labour_market",
        as_of=ON,
    )
    assert got == {"age": 52, "employed": False, "entry_route": "labour_office_referral"}
    with pytest.raises(FactsError) as refused:
        record_answers(lm, {}, {"age": "fifty", "entry_route": "by_bus"}, ruleset="labour_market", as_of=ON)
    paths = {p.path for p in refused.value.problems}
    assert paths == {"$.age", "$.entry_route"}
    # a domain answered "not known yet" is taken out again (unknown is not no)
    health = eligibility_interview({}, as_of=ON).screen
    assert health is not None
    got, not_known = record_answers(
        health.questions, facts, {"domains.physical_health": ""}, ruleset="eligibility", as_of=ON
    )
    assert "physical_health" not in got["domains"] and "domains.physical_health" in not_known


def test_interview_question_rebuilds_a_screen_already_answered() -> None:
    """Going back: a question is put as the interview puts it, on the same screen."""
    from ccm_rules.eligibility import interview_question

    for state in (eligibility_interview({}, as_of=ON, lang="cs"), labour_market_interview({}, as_of=ON, lang="cs")):
        for asked in state.asking:
            again = interview_question(state.ruleset, asked.fact, lang="cs")
            assert attrs.evolve(asked, criteria=(), settles=False) == again
    with pytest.raises(KeyError):
        interview_question("eligibility", "domains.moon")
