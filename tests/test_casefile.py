"""Case files: any text gives a case or a clear `InputFileError`, never another exception."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import InputFileError
from ccm_rules.engine._casefile import parse_case

yaml_like = st.text(alphabet=st.sampled_from(list("abc:-_ {}[],\n\"'#&*!|>%@`0123456789.T")), max_size=80)


@settings(max_examples=300)
@given(text=st.one_of(st.text(max_size=80), yaml_like))
def test_any_text_parses_or_fails_clearly(text: str) -> None:
    try:
        case = parse_case(text, "case.yaml")
    except InputFileError as err:
        assert err.problems and all(p.file == "case.yaml" for p in err.problems)
    else:
        assert isinstance(case.facts, dict)


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        (
            "facts: {}\nas_of: 2027-13-01\n",
            2,
            "expected a date (YYYY-MM-DD), got the text '2027-13-01': there is no such day",
        ),
        ("facts: {}\nas_of: 2027-02-30\n", 2, "got the text '2027-02-30': there is no such day"),
        (
            "facts: {}\nas_of: 2027-01-01T10:00:00\n",
            2,
            "expected a date (YYYY-MM-DD), got a date and time 2027-01-01T10:00:00",
        ),
        ("facts: {}\nas_of: tomorrow\n", 2, "expected a date (YYYY-MM-DD), got the text 'tomorrow'"),
        ("facts: {}\nruleset: 3\n", 2, "'ruleset' must be text"),
        ("facts: {}\nfacts: {}\n", 2, "duplicate key 'facts'"),
        ("facts: 3\n", 1, "'facts' must be a mapping"),
        ("facts: &x [*x]\n", 1, "an alias refers to itself"),
        # PyYAML >= 6.0.3 stops at its own depth limit (with a line); older ones hit RecursionError (none).
        ("[" * 5000 + "]" * 5000, "any", "nested more than 64 levels deep"),
    ],
)
def test_bad_case_files_name_line_and_field(text: str, line: int | str | None, needle: str) -> None:
    with pytest.raises(InputFileError) as caught:
        parse_case(text, "case.yaml")
    assert any((line == "any" or p.line == line) and needle in p.message for p in caught.value.problems), (
        caught.value.problems
    )


def test_as_of_is_read_as_a_date() -> None:
    assert parse_case("facts: {}\nas_of: 2027-03-31\n", "c.yaml").as_of == datetime.date(2027, 3, 31)
