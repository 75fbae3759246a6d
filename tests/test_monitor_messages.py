"""The event log's refusals in the user's language (issue 14 item 10): every EventReader problem is a `log.*` Message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ccm_rules import InputFileError, Message, RulePack
from ccm_rules.engine._problem_texts import catalogue
from ccm_rules.monitoring import Monitoring, read_events
from ccm_rules_adapters.cli import main

from .conftest import ROOT
from .test_problem_texts import PYTHON_WORDS

MONITORING = Monitoring.from_pack(RulePack.load())
BAD = [
    '\ufeff{"event": "tick", "on": "2026-03-01"}',
    '{"event": "tick", "on": "2026-03-01"',
    "[1, 2]",
    '{"evnt": "tick", "on": "2026-03-01"}',
    '{"on": "2026-03-01"}',
    '{"event": 5, "on": "2026-03-01"}',
    '{"event": "closd", "on": "2026-03-01", "case": "C-1"}',
    '{"event": "zzzzzz", "on": "2026-03-01"}',
    '{"event": "opened", "on": "2026-03-02", "case": "C-1", "model": "icm", "colour": 1}',
    '{"event": "opened", "on": "2026-03-02", "model": "icm"}',
    '{"event": "opened", "on": "2026-03-02", "case": "", "model": "icm"}',
    '{"event": "opened", "on": "2026-03-02", "case": "C-1", "model": "acct"}',
    '{"event": "opened", "on": "2026-03-02", "case": "C-1", "model": "icm", "cadence": "weekly"}',
    '{"event": "opened", "on": "1900-01-01", "case": "C-9", "model": "icm"}',
    '{"event": "opened", "on": "9999-12-31", "case": "C-9", "model": "icm"}',
    '{"event": "opened", "on": "2026-03-02", "case": "C-2", "model": "icm"}',
    '{"event": "opened", "on": "2026-03-02", "case": "C-2", "model": "icm"}',
    '{"event": "plan_agreed", "on": "2026-03-02", "case": "C-2", "interval_days": 0}',
    '{"event": "plan_agreed", "on": "2026-03-02", "case": "C-2", "review_on": "2026-03-01"}',
    '{"event": "contact", "on": "2026-03-02", "case": "C-2", "hours": 200}',
    '{"event": "closed", "on": "2026-03-02", "case": "C-2", "reason": "bored"}',
    '{"event": "closed", "on": "2026-03-02", "case": "C-2", "survey_offered": "yes"}',
    '{"event": "caseload", "on": "2026-03-02", "worker": "W", "model": "icm", "clients": -1}',
    '{"event": "goal_achieved", "on": "2026-03-02", "case": "C-2", "goal": "G"}',
    '{"event": "contact", "on": "2026-03-02", "case": "C-7", "hours": 1}',
    '{"event": "tick", "on": "2026-03-01"}',
]


def problems() -> list[object]:
    with pytest.raises(InputFileError) as caught:
        read_events(BAD, MONITORING)
    return list(caught.value.problems)


def test_every_problem_of_the_event_log_is_a_message_in_the_four_languages() -> None:
    found = problems()
    assert len(found) == len(BAD) - 1  # the second 'opened' of C-2 is the one good line
    codes = set()
    for problem in found:
        message = problem.message  # type: ignore[attr-defined]
        assert isinstance(message, Message), message
        codes.add(message.code)
        for lang in ("en", "cs", "hu", "de"):
            assert not PYTHON_WORDS.search(message.say(lang)), (lang, message.say(lang))
    assert {
        "log.bom",
        "log.date_order",
        "log.unknown_event_close",
        "log.case_already_open",
        "log.case_not_open",
        "log.goal_not_open",
    } <= codes


def test_the_log_codes_live_in_their_own_file() -> None:
    """A code is written in one file only: the event-log codes in problem_texts_log.yaml."""
    main_file = (ROOT / "src" / "ccm_rules" / "engine" / "problem_texts.yaml").read_text(encoding="utf-8")
    assert not re.search(r"^log\.", main_file, flags=re.M)
    assert {"log.not_object", "log.more_problems", "log.date_order"} <= set(catalogue())


def test_the_english_wording_is_kept() -> None:
    said = [str(p.message) for p in problems()]  # type: ignore[attr-defined]
    assert "events must be in date order: 2026-03-01 is before 2026-03-02" in said
    assert (
        "unknown event 'closd'; did you mean 'closed'?; events: "
        + ", ".join(
            [
                "opened",
                "assessed",
                "plan_agreed",
                "review_held",
                "contact",
                "goal_due",
                "goal_achieved",
                "goal_evaluated",
                "hospitalised",
                "closed",
                "caseload",
                "tick",
                "declared",
                "service",
                "feedback_given",
                "follow_up",
            ]
        )
        in said
    )


def test_ccm_rules_monitor_refuses_a_bad_log_in_czech(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "events.jsonl"
    log.write_text("\n".join(BAD[6:]) + "\n", encoding="utf-8")
    assert main(["monitor", str(log), "--lang", "cs"]) == 2
    err = capsys.readouterr().err
    assert "záznam událostí není platný" in err
    assert "neznámá událost 'closd'; neměl jste na mysli 'closed'?" in err
    assert "případ 'C-2' je již otevřen" in err
    assert "události musí jít po sobě podle data: 2026-03-01 je před 2026-03-02" in err
    assert "unknown" not in err and "expected" not in err
