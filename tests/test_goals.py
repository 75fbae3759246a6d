"""SMART goal checks: the labelled corpus (pinned precision/recall), properties, scenarios, CLI."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccm_rules import FactsError, RulePack, UnknownLanguageError
from ccm_rules.goals._goals import Goal, assess_goal, read_goal_file
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES, ROOT

CORPUS = ROOT / "tests" / "data" / "goals"
LANGS = ("cs", "hu", "de", "en")
CRITERIA = {"S": "GOAL-S", "M": "GOAL-M", "A": "GOAL-A", "R": "GOAL-R", "T": "GOAL-T", "W": "GOAL-W"}
START = datetime.date(2027, 1, 4)

# Measured on the corpus (docs/goals.md): (correct "met", predicted "met", labelled "met").
# A change that lowers precision or recall of "met" by more than TOLERANCE fails.
MEASURED_MET = {
    "cs": {"S": (23, 25, 26), "M": (22, 23, 24), "A": (6, 6, 6), "R": (1, 1, 1), "T": (18, 18, 18), "W": (26, 26, 27)},
    "hu": {"S": (26, 28, 26), "M": (23, 23, 24), "A": (6, 6, 6), "R": (1, 1, 1), "T": (18, 18, 18), "W": (25, 28, 27)},
    "de": {"S": (25, 26, 26), "M": (20, 20, 24), "A": (5, 5, 6), "R": (1, 1, 1), "T": (18, 18, 18), "W": (27, 28, 27)},
    "en": {"S": (26, 27, 26), "M": (23, 23, 24), "A": (6, 6, 6), "R": (1, 1, 1), "T": (18, 18, 18), "W": (27, 27, 27)},
}
TOLERANCE = 0.03


def corpus(lang: str) -> list[dict[str, Any]]:
    return yaml.safe_load((CORPUS / f"{lang}.yaml").read_text(encoding="utf-8"))


def confusion(
    items: list[dict[str, Any]], pack: RulePack, lang: str | None = None
) -> dict[str, Counter[tuple[str, str]]]:
    counts: dict[str, Counter[tuple[str, str]]] = {k: Counter() for k in CRITERIA}
    for item in items:
        result = assess_goal(item["text"], lang=lang or item["lang"], as_of=START, pack=pack)
        for key, rule in CRITERIA.items():
            counts[key][(item[key], result.decision.criterion(rule).status.value)] += 1
    return counts


def test_corpus_size_and_labels() -> None:
    for lang in LANGS:
        items = corpus(lang)
        assert len(items) >= 40
        assert len({i["id"] for i in items}) == len(items)
        for item in items:
            assert {item[k] for k in CRITERIA} <= {"met", "not_met", "unknown"}


@pytest.mark.parametrize("lang", LANGS)
def test_corpus_precision_and_recall_pinned(lang: str, pack: RulePack) -> None:
    counts = confusion(corpus(lang), pack, lang)
    for key, (tp, predicted, labelled) in MEASURED_MET[lang].items():
        c = counts[key]
        got_tp = c[("met", "met")]
        got_pred = sum(v for (_, g), v in c.items() if g == "met")
        got_true = sum(v for (label, _), v in c.items() if label == "met")
        assert got_true == labelled, f"{lang} {key}: corpus labels changed"
        precision = got_tp / got_pred if got_pred else 1.0
        assert precision >= tp / predicted - TOLERANCE, f"{lang} {key}: precision of met {got_tp}/{got_pred}"
        assert got_tp / labelled >= tp / labelled - TOLERANCE, f"{lang} {key}: recall of met {got_tp}/{labelled}"


def test_heldout_met_is_never_claimed_on_a_not_met_goal(pack: RulePack) -> None:
    items = yaml.safe_load((CORPUS / "heldout" / "all.yaml").read_text(encoding="utf-8"))
    counts = confusion(items, pack)
    for key in ("S", "M", "T"):
        assert counts[key][("not_met", "met")] == 0, key


def test_time_bound_forms_from_the_issue(pack: RulePack) -> None:
    cases = [
        ("cs", "Klient podá žádost do 31. 3. 2027.", "2027-03-31"),
        ("hu", "Az ügyfél 2027. március 31-ig beadja a kérelmet.", "2027-03-31"),
        ("de", "Die Klientin findet bis Ende Juni 2027 eine Wohnung.", "2027-06-30"),
        ("en", "The client will apply for housing within six weeks.", "2027-02-15"),
        ("hu", "Az ügyfél hat héten belül beadja a kérelmet.", "2027-02-15"),
    ]
    for lang, text, due in cases:
        result = assess_goal(text, lang=lang, as_of=START, pack=pack)
        assert result.time_bound == "met", text
        assert result.due is not None and result.due.isoformat() == due, text


def test_false_dates_are_filtered(pack: RulePack) -> None:
    for lang, text in [
        ("de", "Die Klientin soll ihre Lebensqualität verbessern."),
        ("en", "Pay £50 a month."),
        ("cs", "Každé úterý navštívit poradnu."),
    ]:
        assert assess_goal(text, lang=lang, as_of=START, pack=pack).time_bound == "not_met", text


def test_structured_goal_fields_override_wording(pack: RulePack) -> None:
    goal = Goal(
        description="Improve housing.",
        due_date=datetime.date(2027, 5, 1),
        start_date=START,
        client_agreed=False,
        measure="arrears",
        target_high=500.0,
    )
    result = assess_goal(goal, pack=pack)
    statuses = {c.id: c.status.value for c in result.decision.criteria}
    assert statuses["GOAL-T"] == "met" and statuses["GOAL-A"] == "not_met" and statuses["GOAL-M"] == "met"
    assert statuses["GOAL-S"] == "not_met"
    assert result.fact_sources["deadline_stated"] == "field" and result.fact_sources["concrete_action"] == "text"


@pytest.mark.parametrize(
    ("goal", "field", "words"),
    [
        (Goal(description=" \n "), "$.description", "empty"),
        (Goal(description="x" * 1001), "$.description", "at most 1000"),
        (
            Goal(description="Apply.", start_date=START, due_date=datetime.date(2026, 1, 1)),
            "$.due_date",
            "before the start",
        ),
    ],
)
def test_bad_goals_are_refused_naming_the_field(goal: Goal, field: str, words: str, pack: RulePack) -> None:
    with pytest.raises(FactsError) as err:
        assess_goal(goal, pack=pack)
    assert err.value.problems[0].path == field and words in err.value.problems[0].message


def test_unknown_language_is_refused(pack: RulePack) -> None:
    with pytest.raises(UnknownLanguageError):
        assess_goal("Apply for a passport.", lang="fr", pack=pack)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300), lang=st.sampled_from(LANGS))
def test_validator_is_total_and_deterministic(text: str, lang: str, pack: RulePack) -> None:
    try:
        first = assess_goal(text, lang=lang, as_of=START, pack=pack)
    except FactsError as err:
        assert err.problems[0].path == "$.description"
        return
    assert assess_goal(text, lang=lang, as_of=START, pack=pack) == first


DUE_PHRASES = {
    "cs": ["do 31. 3. 2027", "do konce června 2027", "do šesti týdnů"],
    "hu": ["2027. március 31-ig", "hat héten belül", "2027 végéig"],
    "de": ["bis 31.03.2027", "bis Ende Juni 2027", "innerhalb von sechs Wochen"],
    "en": ["by 31 March 2027", "by the end of June 2027", "within six weeks"],
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=1, max_size=200).filter(str.strip), lang=st.sampled_from(LANGS), pick=st.integers(0, 2))
def test_adding_a_due_date_never_breaks_time_bound(text: str, lang: str, pick: int, pack: RulePack) -> None:
    before = assess_goal(text, lang=lang, as_of=START, pack=pack).time_bound
    after = assess_goal(text + "\n" + DUE_PHRASES[lang][pick], lang=lang, as_of=START, pack=pack).time_bound
    assert after == "met"
    assert not (before == "met" and after == "not_met")


@settings(max_examples=30, deadline=None)
@given(text=st.sampled_from([i["text"] for lang in LANGS for i in corpus(lang)[:10]]), days=st.integers(1, 400))
def test_structured_due_date_makes_time_bound_met(text: str, days: int, pack: RulePack) -> None:
    goal = Goal(description=text, start_date=START, due_date=START + datetime.timedelta(days=days))
    assert assess_goal(goal, pack=pack).time_bound == "met"


GOAL_EXAMPLES = sorted((EXAMPLES / "goals").glob("*.yaml"))


@pytest.mark.parametrize("path", GOAL_EXAMPLES, ids=lambda p: p.stem)
def test_goal_scenario(path: Path, pack: RulePack) -> None:
    file = read_goal_file(path)
    assert file.expect is not None
    result = assess_goal(file.goal, as_of=file.as_of, pack=pack)
    assert result.decision.outcome.value == file.expect["outcome"]
    assert {c.id: c.status.value for c in result.decision.criteria} == file.expect["criteria"]
    if "due" in file.expect:
        assert result.due == file.expect["due"]


def test_cli_goal_text_and_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["goal", "Klient podá do 31. 3. 2027 žádost o dávku.", "--lang", "cs", "--as-of", "2027-01-04"]) == 0
    out = capsys.readouterr().out
    assert "[splněno] GOAL-T Termínovanost" in out and "2027-03-31" in out
    assert main(["goal", str(GOAL_EXAMPLES[0]), "--lang", "hu"]) == 0
    assert "GOAL-S" in capsys.readouterr().out


def test_cli_bad_goal_file_exits_2_naming_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "g.yaml"
    bad.write_text("goal:\n  description: Apply.\n  due_date: 31.3.2027\n", encoding="utf-8")
    assert main(["goal", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "$.goal.due_date" in err and "g.yaml:3" in err
    assert main(["goal", ""]) == 2
    assert "$.description" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("lines", "field", "words"),
    [
        (
            '  description: Apply for housing benefit by 31 March 2027.\n  client_agreed: "no"\n',
            "$.goal.client_agreed",
            "expected yes or no (true or false), got the text 'no'",
        ),
        ("  description: 5\n", "$.goal.description", "expected a text, got the number 5"),
        (
            "  description: Apply.\n  target_value: .nan\n",
            "$.goal.target_value",
            "expected a finite number, got the number nan",
        ),
    ],
)
def test_goal_file_values_are_not_coerced(
    lines: str, field: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A quoted "no" must not read as agreed (cattrs' default bool("no") is True), nor 5 as a text;
    a NaN target would be printed as `NaN`, which is not JSON (found in review)."""
    bad = tmp_path / "g.yaml"
    bad.write_text("goal:\n" + lines, encoding="utf-8")
    assert main(["goal", str(bad)]) == 2
    err = capsys.readouterr().err
    assert field in err and words in err


@pytest.mark.parametrize(
    "lines",
    [
        "  description: Apply.\n  due_duration: {value: 23355155772, unit: weeks}\n",
        "  description: Apply.\n  start_date: 9999-06-01\n  due_duration: {value: 1, unit: years}\n",
    ],
)
def test_a_deadline_past_the_calendar_is_refused_at_its_line(
    lines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by fuzzing the HTTP endpoint: these crashed with OverflowError / 'year 10000 is out of range'."""
    bad = tmp_path / "g.yaml"
    bad.write_text("goal:\n" + lines, encoding="utf-8")
    assert main(["goal", str(bad)]) == 2
    err = capsys.readouterr().err
    assert (
        "$.goal.due_duration.value" in err
        and "runs past the last date" in err
        and f"g.yaml:{lines.count(chr(10)) + 1}" in err
    )


@pytest.mark.parametrize("text", ["Client will apply by March.", "Client will apply within 3 weeks."])
def test_a_deadline_past_the_calendars_end_is_not_a_traceback(text: str, pack: RulePack) -> None:
    """Found in review: 'by March' from 9999-06-01 (year 10000) and '3 weeks' from 9999-12-25 raised."""
    for start in (datetime.date(9999, 6, 1), datetime.date(9999, 12, 25)):
        result = assess_goal(Goal(description=text), as_of=start, pack=pack)
        assert result.decision.outcome.value in ("eligible", "not_eligible", "undetermined")
