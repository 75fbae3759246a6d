"""Case files: one person's facts (by pseudonymous code, never a name) as YAML or JSON."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import attrs

from ._dates import date_field_message
from ._errors import FactsError, InputFileError, Problem
from ._problem_texts import Message, file_reason
from ._yaml import Located, YamlProblem, parse_yaml

CASE_KEYS = ("ruleset", "case", "as_of", "cooperation_start", "facts", "expect", "note")


@attrs.frozen
class Case:
    """A parsed case file. `expect` is only read by tests (a case file is also a scenario)."""

    facts: dict[str, Any]
    file: str
    ruleset: str | None = None
    code: str | None = None
    as_of: datetime.date | None = None
    expect: dict[str, Any] | None = None
    cooperation_start: datetime.date | None = None
    """When the cooperation with the client began: team meeting dates count from it."""
    fact_lines: dict[str, int] = attrs.Factory(dict)


def parse_case(text: str, file: str) -> Case:
    """Parse a case document; raise `InputFileError` naming file, line and key."""
    try:
        located = parse_yaml(text, file)
    except YamlProblem as err:
        raise InputFileError(Message("summary.case_unreadable"), [err.problem]) from err
    return _case(located)


def read_case(path: Path | str) -> Case:
    """Read a case file (YAML or JSON)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        problem = Problem(Message("io.unreadable", {"reason": file_reason(err)}), file=str(path), kind="io")
        raise InputFileError(Message("summary.case_unreadable"), [problem]) from err
    return parse_case(text, str(path))


def _case(located: Located) -> Case:
    data, file = located.data, located.file
    if not isinstance(data, dict):
        raise InputFileError(
            Message("summary.not_case_file"), [Problem(Message("case.not_mapping"), file=file, line=1)]
        )
    problems = []
    for key in data:
        if key not in CASE_KEYS:
            unknown = Message("key.unknown", {"key": str(key), "allowed": ", ".join(CASE_KEYS)})
            problems.append(Problem(unknown, f"$.{key}", file, located.line((key,))))
    facts = data.get("facts")
    if not isinstance(facts, dict):
        problems.append(Problem(Message("case.facts_not_mapping"), "$.facts", file, located.line(("facts",))))
    for key in ("as_of", "cooperation_start"):
        value = data.get(key)
        if (message := date_field_message(value)) is not None:
            problems.append(Problem(message, f"$.{key}", file, located.line((key,))))
    as_of = data.get("as_of")
    for key in ("ruleset", "case"):
        if data.get(key) is not None and not isinstance(data[key], str):
            problems.append(Problem(Message("key.not_text", {"key": key}), f"$.{key}", file, located.line((key,))))
    if problems:
        raise InputFileError(Message("summary.case_invalid"), problems)
    assert isinstance(facts, dict)
    return Case(
        facts=facts,
        file=file,
        ruleset=data.get("ruleset"),
        code=data.get("case"),
        as_of=as_of,
        expect=data.get("expect"),
        cooperation_start=data.get("cooperation_start"),
        fact_lines={str(k): located.line(("facts", k)) or 0 for k in facts},
    )


def locate_fact_errors(err: FactsError, case: Case) -> FactsError:
    """The same error, with each problem pointing into the case file (`$.facts.<name>`)."""
    problems = []
    for p in err.problems:
        name = p.path.removeprefix("$.").split(".")[0]
        problems.append(
            attrs.evolve(p, path="$.facts" + p.path.removeprefix("$"), file=case.file, line=case.fact_lines.get(name))
        )
    relocated = err.with_problems(problems)
    assert isinstance(relocated, FactsError)
    return relocated
