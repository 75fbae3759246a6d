"""`rules check` says what was expected and names the rule, never an internal exception (issue 16 item 16)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ccm_rules import RulePack, RulePackError

from .conftest import RULES

INTERNAL = re.compile(r"typing\.|Literal\[|AttributeError|CattrsError|object has no attribute|Error:")


def broken_pack(tmp_path: Path, file: str, old: str, new: str) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    path = target / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{file} no longer has {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("file", "old", "new", "words", "rule"),
    [
        (
            "eligibility.yaml",
            "    type: domain_statuses",
            "    type: domain_statusez",
            "the text 'domain_statusez' is not one of: boolean, integer, number, enum, date, domain_statuses; did you mean 'domain_statuses'?",
            None,
        ),
        (
            "monitoring.yaml",
            "    check: review_overdue",
            "    check: review_overdu",
            "did you mean 'review_overdue'?",
            "M1",
        ),
        ("eligibility.yaml", "facts:\n", "facts: 3\nfacts_was:\n", "expected a mapping (keys with values) here", None),
    ],
    ids=["literal", "alert-check", "mapping"],
)
def test_a_bad_rule_file_is_told_in_words_with_its_rule(
    tmp_path: Path, file: str, old: str, new: str, words: str, rule: str | None
) -> None:
    with pytest.raises(RulePackError) as caught:
        RulePack.load(broken_pack(tmp_path, file, old, new))
    problems = caught.value.problems
    assert any(words in p.message and p.rule_id == rule and p.line for p in problems), problems
    assert not any(INTERNAL.search(p.message) for p in problems), problems
