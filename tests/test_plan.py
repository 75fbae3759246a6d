"""Individual plan completeness, review dates, and case/family conference checks: scenarios and CLI."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from ccm_rules import FactsError, InputFileError, RulePack
from ccm_rules.goals._conference import (
    Conference,
    FamilyConference,
    assess_conference_document,
    assess_family_conference_document,
)
from ccm_rules.goals._plan import Plan, assess_plan_document, next_review, read_document
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES

PLANS = sorted((EXAMPLES / "plans").glob("*.yaml"))
CONFERENCES = sorted((EXAMPLES / "conferences").glob("*.yaml"))


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_plan_scenario(path: Path, pack: RulePack) -> None:
    doc = read_document(path, "plan", Plan)
    assert doc.expect is not None
    result = assess_plan_document(doc, pack=pack)
    assert result.decision.outcome.value == doc.expect["outcome"]
    assert {c.id: c.status.value for c in result.decision.criteria} == doc.expect["criteria"]
    if "not_smart" in doc.expect:
        assert list(result.not_smart) == doc.expect["not_smart"]
    if "questions" in doc.expect:
        assert [q.key for q in result.decision.questions] == doc.expect["questions"]
    review = doc.expect.get("review")
    if review is not None:
        assert result.review is not None
        assert result.review.due == review["due"] and result.review.overdue == review["overdue"]


@pytest.mark.parametrize("path", CONFERENCES, ids=lambda p: p.stem)
def test_conference_scenario(path: Path, pack: RulePack) -> None:
    if "family_conference" in path.read_text(encoding="utf-8"):
        doc = read_document(path, "family_conference", FamilyConference)
        result = assess_family_conference_document(doc, pack=pack)
    else:
        doc = read_document(path, "conference", Conference)
        result = assess_conference_document(doc, pack=pack)
    assert doc.expect is not None
    assert result.decision.outcome.value == doc.expect["outcome"]
    assert {c.id: c.status.value for c in result.decision.criteria} == doc.expect["criteria"]
    if "agenda_missing" in doc.expect:
        assert list(result.agenda_missing) == doc.expect["agenda_missing"]
    if "duties_missing" in doc.expect:
        assert list(result.duties_missing) == doc.expect["duties_missing"]


def test_undocumented_process_facts_are_unknown_not_false(tmp_path: Path, pack: RulePack) -> None:
    """DOMAIN.md §6: a fact not recorded is unknown, never "no" — no facilitator, output or next
    meeting in the record is no reason to fail it (it was: CONF-2, CONF-6, CONF-7 not met)."""
    record = tmp_path / "c.yaml"
    record.write_text(
        "conference:\n  date: 2027-02-15\n  parties: [{role: a}, {role: b}, {role: c}]\n", encoding="utf-8"
    )
    result = assess_conference_document(read_document(record, "conference", Conference), pack=pack)
    statuses = {c.id: c.status.value for c in result.decision.criteria}
    assert statuses["CONF-1"] == "met" and statuses["CONF-3"] == "unknown" and statuses["CONF-5"] == "unknown"
    assert {statuses[c] for c in ("CONF-2", "CONF-6", "CONF-7", "CONF-9", "CONF-10")} == {"unknown"}
    assert result.decision.outcome.value == "undetermined"
    asked = {q.key for q in result.decision.questions}
    assert {"facilitator_independent", "output_tasks", "next_meeting_set", "client_present", "family_present"} <= asked


def test_review_follows_the_team_cadence(pack: RulePack) -> None:
    start = datetime.date(2027, 1, 4)
    first = next_review(start, None, as_of=datetime.date(2027, 1, 10), pack=pack)
    assert (first.due, first.overdue, first.phase) == (datetime.date(2027, 1, 18), False, "initial")
    middle = next_review(start, datetime.date(2027, 5, 3), as_of=datetime.date(2027, 6, 10), pack=pack)
    assert (middle.due, middle.overdue, middle.days_overdue, middle.phase) == (
        datetime.date(2027, 6, 3),
        True,
        7,
        "middle",
    )
    late = next_review(start, datetime.date(2028, 2, 1), as_of=datetime.date(2028, 2, 2), pack=pack)
    assert (late.due, late.phase) == (datetime.date(2028, 5, 1), "late")
    with pytest.raises(FactsError):
        next_review(start, datetime.date(2026, 1, 1), as_of=start, pack=pack)


def test_bad_plan_file_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("plan:\n  steps:\n    - {what: call, who: client, by: soon}\n  colour: red\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        read_document(bad, "plan", Plan)
    paths = {p.path for p in err.value.problems}
    assert "$.plan.steps[0].by" in paths and "$.plan.colour" in paths
    assert all(p.file == str(bad) and p.line is not None for p in err.value.problems)


def test_empty_goal_in_plan_is_located(tmp_path: Path, pack: RulePack) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("plan:\n  goals:\n    - 'ok goal: apply by 1 March 2027'\n    - '  '\n", encoding="utf-8")
    with pytest.raises(FactsError) as err:
        assess_plan_document(read_document(bad, "plan", Plan), pack=pack)
    assert err.value.problems[0].path == "$.plan.goals[1].description" and err.value.problems[0].line == 4


def test_cli_plan_conference_review(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(EXAMPLES / "plans" / "incomplete_plan_cs.yaml"), "--lang", "cs"]) == 0
    out = capsys.readouterr().out
    assert "Plán je neúplný" in out and "[nesplněno] PLAN-8" in out and "Příští revize v týmu" in out
    assert main(["conference", str(EXAMPLES / "conferences" / "case_conference_short.yaml"), "--lang", "de"]) == 0
    out = capsys.readouterr().out
    assert "Ausgelassene Tagesordnungspunkte" in out and "Rückblick auf das Treffen" in out
    assert (
        main(["conference", str(EXAMPLES / "conferences" / "family_conference_short_prep.yaml"), "--lang", "hu"]) == 0
    )
    assert "FAM-1" in capsys.readouterr().out
    assert (
        main(["review", "--start", "2027-01-04", "--last", "2027-02-01", "--on", "2027-02-20", "--format", "json"]) == 0
    )
    assert '"overdue": true' in capsys.readouterr().out


def test_cli_bad_inputs_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("conference:\n  date: 2027-02-15\n  agenda: [opening, lunch]\n", encoding="utf-8")
    assert main(["conference", str(bad)]) == 2
    assert "$.conference.agenda[1]" in capsys.readouterr().err
    assert main(["review", "--start", "2027-01-04", "--last", "2026-01-01"]) == 2
    assert "last review" in capsys.readouterr().err
    assert main(["plan", str(tmp_path / "missing.yaml")]) == 2


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        (
            "plan:\n  goals: Apply\n",
            "$.plan.goals",
            "expected a list, got the text 'Apply'",
        ),  # was five one-letter goals
        ("plan:\n  people: abc\n", "$.plan.people", "expected a list"),
        ("case: {a: 1}\nplan:\n  goals: [x]\n", "$.case", "'case' must be a pseudonymous case code"),  # was a traceback
        ("lang: 5\nplan:\n  goals: [x]\n", "$.lang", "'lang' must be a language code"),
    ],
)
def test_wrongly_shaped_plan_fields_are_named(tmp_path: Path, text: str, path: str, message: str) -> None:
    """Found in review: cattrs read a string as a list of its letters; `case` was not checked."""
    bad = tmp_path / "p.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        read_document(bad, "plan", Plan)
    [problem] = err.value.problems
    assert problem.path == path and message in problem.message and problem.line is not None


def test_review_dates_at_the_calendars_end_are_named_not_a_traceback(
    tmp_path: Path, pack: RulePack, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "plan:\n  start_date: 9999-12-20\n  goals: ['Client will apply for housing benefit by 31 December 9999.']\n",
        encoding="utf-8",
    )
    with pytest.raises(FactsError) as err:
        assess_plan_document(read_document(plan, "plan", Plan), pack=pack)
    [problem] = err.value.problems
    assert problem.path == "$.plan.start_date" and problem.line == 2 and "after 9999-12-31" in problem.message
    assert main(["review", "--start", "9999-12-25", "--on", "9999-12-26"]) == 2
    assert "after 9999-12-31" in capsys.readouterr().err
    assert main(["review", "--start", "9999-09-25", "--on", "9999-09-26", "--upcoming", "20", "--format", "json"]) == 0
    assert "9999-12-18" in capsys.readouterr().out  # the upcoming dates stop at the calendar's end
