"""Hostile input to every file reader: bounded time and memory, a clear error, never a traceback (issue 16).

Each reader is given the inputs that broke it once — a "billion laughs" of nested aliases
(324 bytes that expanded past 10 GB), an integer of 5,000 digits, a list as a mapping
key, nesting 100,000 deep, 20,000 keys, a text of 200,000 characters — and must refuse
each with the file, the line where it is known, and the limit that was passed. Then
hypothesis feeds every reader arbitrary text and arbitrary nested data: a reader either
reads it or raises `ProblemsError`; nothing else escapes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccm_rules import ProblemsError, RulePack
from ccm_rules.engine._casefile import read_case
from ccm_rules.engine._limits import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_KEYS,
    MAX_TEXT,
    MAX_VALUES,
)
from ccm_rules.fidelity._dacts import read_program
from ccm_rules.goals._goals import read_goal_file
from ccm_rules.goals._plan import Plan, read_document
from ccm_rules.readiness._readiness_region import read_region
from ccm_rules.team._caseload import read_team

from .conftest import RULES


def _bomb(levels: int = 9) -> str:
    """The classic: each anchor is a list of nine aliases of the one before (9**9 values expanded)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines) + f"\nfacts: *a{levels - 1}\n"


HOSTILE_YAML = {
    "billion laughs": (_bomb(), 7, f"more than {MAX_VALUES} values in one document"),  # a6 expands to 5.3M
    "long integer": (
        "facts:\n  services_needed: " + "9" * 5000 + "\n",
        2,
        f"a number of 5000 digits; at most {MAX_DIGITS}",
    ),
    "list as key": ("facts: {[a]: b}\n", 1, "a key must be a text or a number, not a list"),
    "mapping as key": ("facts:\n  ? {a: 1}\n  : b\n", 2, "a key must be a text or a number, not a mapping"),
    "deep nesting": ("facts: " + "[" * 300 + "]" * 300 + "\n", 1, f"nested more than {MAX_DEPTH} levels deep"),
    "many keys": (
        "facts:\n" + "".join(f"  k{i}: 1\n" for i in range(MAX_KEYS + 5)),
        2,
        f"a mapping with {MAX_KEYS + 5} keys",
    ),
    "long text": ("case: " + "x" * (MAX_TEXT + 1) + "\nfacts: {}\n", 1, f"a text of {MAX_TEXT + 1} characters"),
    "alias loop": ("facts: &x [*x]\n", 1, "an alias refers to itself"),
}
HOSTILE_JSON = {
    "long integer": (
        '{"facts": {"services_needed": ' + "9" * 6000 + "}}",
        f"a number of 6000 digits; at most {MAX_DIGITS}",
    ),
    "deep nesting": ('{"facts": ' + "[" * 100_000 + "]" * 100_000 + "}", f"nested more than {MAX_DEPTH} levels deep"),
    "nesting past the limit": ('{"facts": ' + "[" * 100 + "]" * 100 + "}", f"nested more than {MAX_DEPTH} levels deep"),
    "infinite number": ('{"facts": {"n": 1e400}}', "1e400 is not a number JSON allows"),
    "long text": ('{"case": "' + "x" * (MAX_TEXT + 1) + '", "facts": {}}', f"a text of {MAX_TEXT + 1} characters"),
}


def _readers() -> dict[str, Callable[[Path], Any]]:
    pack = RulePack.load(RULES)
    return {
        "case": read_case,
        "region": lambda path: read_region(path, pack=pack),
        "goal": read_goal_file,
        "plan": lambda path: read_document(path, "plan", Plan),
        "team": read_team,
        "program": read_program,
    }


READERS = _readers()


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("name", sorted(HOSTILE_YAML))
def test_hostile_yaml_is_refused_with_file_line_and_limit(reader: str, name: str, tmp_path: Path) -> None:
    text, line, words = HOSTILE_YAML[name]
    path = tmp_path / "input.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        READERS[reader](path)
    problems = caught.value.problems
    assert any(words in p.message and p.file == str(path) and p.line == line for p in problems), problems


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("name", sorted(HOSTILE_JSON))
def test_hostile_json_is_refused_with_file_and_limit(reader: str, name: str, tmp_path: Path) -> None:
    text, words = HOSTILE_JSON[name]
    path = tmp_path / "input.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        READERS[reader](path)
    assert any(words in p.message and p.file == str(path) for p in caught.value.problems), caught.value.problems


def test_a_rule_pack_file_of_aliases_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pack.yaml").write_text((RULES / "pack.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "bomb.yaml").write_text("kind: ruleset\n" + _bomb(), encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        RulePack.load(tmp_path)
    assert any(
        "values in one document" in p.message and p.file and p.file.endswith("bomb.yaml") for p in caught.value.problems
    )


def test_the_shipped_rules_are_far_within_the_limits() -> None:
    """The anchors the rule files use (dacts.yaml) still load: the limits bound abuse, not use."""
    assert RulePack.load(RULES).info.id


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.dates(),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=25,
)
KEYS = st.sampled_from(
    ["facts", "case", "as_of", "region", "goal", "plan", "team", "program", "workers", "lang", "host", "pioneer"]
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(reader=st.sampled_from(sorted(READERS)), document=st.dictionaries(KEYS, DATA, max_size=4), as_json=st.booleans())
def test_any_nested_data_is_read_or_refused_with_problems(
    reader: str, document: dict[str, Any], as_json: bool, tmp_path: Path
) -> None:
    path = tmp_path / ("input.json" if as_json else "input.yaml")
    text = json.dumps(document, default=str) if as_json else yaml.safe_dump(document, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    try:
        READERS[reader](path)
    except ProblemsError as err:
        assert err.problems and all(p.file == str(path) for p in err.problems if p.file is not None)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    reader=st.sampled_from(sorted(READERS)),
    text=st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\" \n\t#?,0129.e")), max_size=200),
)
def test_any_text_is_read_or_refused_with_problems(reader: str, text: str, tmp_path: Path) -> None:
    for name in ("input.yaml", "input.json"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        try:
            READERS[reader](path)
        except ProblemsError as err:
            assert err.problems
