"""`rules check` catches each fault kind, naming file, line and rule id — one fixture each.

Each fixture is the shipped pack with one edit, so the test also shows the clean pack is clean.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ccm_rules import RulePack, RulePackError
from ccm_rules.engine import check_pack
from ccm_rules_adapters.cli import main

from .conftest import RULES

E1_CONDITION = re.compile(r"  - id: E1\n(?:(?!  - id: ).*\n)*?(?P<edit>    condition:\n(?:      .*\n)+)")
"""E1's condition block, whatever it says (the eligibility rules change; the faults below do not)."""

FIRST_DATED_VALUE = re.compile(r"(?P<edit>      - value: \d+\n        from: 2019-01-01\n)")
"""The first integer parameter value valid from 2019-01-01 (min_domains_with_need today)."""

# (id, file, text to replace, replacement, expected message part, expected rule id)
FAULTS = [
    (
        "unknown-key",
        "eligibility.yaml",
        "    role: gate\n",
        "    role: gate\n    weight: 3\n",
        "unknown key 'weight'",
        "E2",
    ),
    (
        "duplicate-key",
        "eligibility.yaml",
        "    role: gate\n",
        "    role: gate\n    role: required\n",
        "duplicate key 'role'",
        None,
    ),
    ("duplicate-rule-id", "labour_market.yaml", "  - id: LM2\n", "  - id: LM1\n", "duplicate rule id 'LM1'", "LM1"),
    (
        "undeclared-fact",
        "eligibility.yaml",
        "        - {fact: referral_only, eq: false}",
        "        - {fact: referal_only, eq: false}",
        "undeclared fact 'referal_only'; did you mean 'referral_only'?",
        "E4",
    ),
    (
        "wrong-type",
        "eligibility.yaml",
        "        - {fact: chronic_condition, eq: true}",
        "        - {fact: chronic_condition, eq: 12}",
        "expected a boolean value",
        "E3",
    ),
    (
        "missing-translation",
        "eligibility.yaml",
        "      hu: Az életterületeket átfogó holisztikus felmérés\n",
        "",
        "missing translation for 'hu'",
        "E2",
    ),
    (
        "overlapping-validity",
        "eligibility.yaml",
        FIRST_DATED_VALUE,
        "      - value: 2\n        from: 2018-01-01\n{edit}",
        "overlaps",
        None,
    ),
    (
        "never-fires",
        "eligibility.yaml",
        E1_CONDITION,
        "    condition:\n      all:\n        - {fact: services_needed, gte: 10}\n        - {fact: services_needed, lt: 5}\n",
        "can never be met",
        "E1",
    ),
    ("malformed-yaml", "labour_market.yaml", "kind: ruleset\n", "kind: [ruleset\n", "malformed YAML", None),
]


def _broken_pack(tmp_path: Path, file: str, old: str | re.Pattern[str], new: str) -> Path:
    """The shipped pack with one edit: `old` text (or the `edit` group of a pattern) replaced by
    `new`, in which `{edit}` stands for the text replaced."""
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    target = root / file
    text = target.read_text(encoding="utf-8")
    if isinstance(old, re.Pattern):
        found = old.search(text)
        assert found is not None, f"fixture pattern does not apply to {file}"
        start, end = found.span("edit")
    else:
        assert old in text, f"fixture edit does not apply to {file}"
        start = text.index(old)
        end = start + len(old)
    target.write_text(text[:start] + new.replace("{edit}", text[start:end]) + text[end:], encoding="utf-8")
    return root


def test_shipped_pack_is_clean() -> None:
    assert check_pack(RULES) == []


@pytest.mark.parametrize(("name", "file", "old", "new", "message", "rule_id"), FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_is_reported_with_file_line_and_rule(
    tmp_path: Path, name: str, file: str, old: str | re.Pattern[str], new: str, message: str, rule_id: str | None
) -> None:
    root = _broken_pack(tmp_path, file, old, new)
    problems = [p for p in check_pack(root) if message in p.message]
    assert problems, f"{name}: no problem mentioning {message!r}"
    problem = problems[0]
    assert problem.file is not None and problem.file.endswith(file)
    assert problem.line is not None and problem.line > 0
    if rule_id is not None:
        assert problem.rule_id == rule_id
    with pytest.raises(RulePackError):
        RulePack.load(root)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    root = _broken_pack(tmp_path, "eligibility.yaml", "    role: gate\n", "    role: gate\n    weight: 3\n")
    other = root / "labour_market.yaml"
    other.write_text(other.read_text(encoding="utf-8").replace("  - id: LM2\n", "  - id: LM1\n", 1), encoding="utf-8")
    messages = " | ".join(p.message for p in check_pack(root))
    assert "unknown key 'weight'" in messages and "duplicate rule id 'LM1'" in messages


# Faults only an area's own check of its documents sees (register_pack_check): before it,
# `rules check` passed these packs and the fault showed only when the area was first used.
AREA_FAULTS = [
    ("dacts-item-missing", "dacts.yaml", "- id: H2\n  section: H\n", "- id: H1\n  section: H\n", "duplicate item id"),
    (
        "team-model-ruleset",
        "team_model.yaml",
        "organisation_ruleset: team_external\n",
        "organisation_ruleset: team_externel\n",
        "no ruleset 'team_externel'",
    ),
    (
        "monitoring-norm",
        "monitoring.yaml",
        "    caseload_norm: icm_max_clients_per_worker\n",
        "    caseload_norm: icm_max_clients\n",
        "no parameter 'icm_max_clients'",
    ),
]


@pytest.mark.parametrize(("name", "file", "old", "new", "message"), AREA_FAULTS, ids=[f[0] for f in AREA_FAULTS])
def test_area_checks_run_in_rules_check(tmp_path: Path, name: str, file: str, old: str, new: str, message: str) -> None:
    root = _broken_pack(tmp_path, file, old, new)
    problems = [p for p in check_pack(root) if message in p.message]
    assert problems, f"{name}: no problem mentioning {message!r} in {[p.message for p in check_pack(root)]}"
    assert problems[0].file is not None and problems[0].file.endswith(file)
    assert main(["rules", "check", str(root)]) == 1  # findings


@pytest.mark.parametrize(
    "condition",
    [
        # found in review: a step of 1e-9 vanished next to 1e8, so "more than 1e8 months" looked impossible
        "    condition:\n      all:\n        - {fact: expected_duration_months, gt: 500.5}\n        - {fact: expected_duration_months, lt: 500.50000000001}\n",
        "    condition:\n      all:\n        - {fact: expected_duration_months, gt: 0}\n        - {fact: expected_duration_months, lt: 1.0e-10}\n",
        # found in review: a count over `among: {param}` was bounded by the whole vocabulary's size
        "    condition:\n      count: domains\n      among: {param: holistic_domains}\n      where: {field: status, in: [no_need, met_need, unmet_need, not_assessed]}\n      eq: 8\n",
    ],
)
def test_conditions_that_can_be_met_are_not_called_dead(tmp_path: Path, condition: str) -> None:
    root = _broken_pack(tmp_path, "eligibility.yaml", E1_CONDITION, condition)
    problems = check_pack(root)
    assert not [p for p in problems if p.severity == "error"], problems
