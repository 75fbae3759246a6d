"""Case files: one person's facts (by pseudonymous code, never a name) as YAML or JSON."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import attrs

from ._dates import date_field_message
from ._errors import FactsError, InputFileError, Problem
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
        raise InputFileError("cannot read the case file", [err.problem]) from err
    return _case(located)


def read_case(path: Path | str) -> Case:
    """Read a case file (YAML or JSON)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputFileError("cannot read the case file", [Problem(f"cannot read file: {err}", file=str(path), kind="io")]) from err
    return parse_case(text, str(path))


def _case(located: Located) -> Case:
    data, file = located.data, located.file
    if not isinstance(data, dict):
        raise InputFileError("not a case file", [Problem("a case file must be a mapping with a 'facts' key", file=file, line=1)])
    problems = []
    for key in data:
        if key not in CASE_KEYS:
            problems.append(Problem(f"unknown key {key!r}; allowed keys: {', '.join(CASE_KEYS)}", f"$.{key}", file, located.line((key,))))
    facts = data.get("facts")
    if not isinstance(facts, dict):
        problems.append(Problem("'facts' must be a mapping of fact name to value", "$.facts", file, located.line(("facts",))))
    for key in ("as_of", "cooperation_start"):
        value = data.get(key)
        if (message := date_field_message(value)) is not None:
            problems.append(Problem(message, f"$.{key}", file, located.line((key,))))
    as_of = data.get("as_of")
    for key in ("ruleset", "case"):
        if data.get(key) is not None and not isinstance(data[key], str):
            problems.append(Problem(f"{key!r} must be text", f"$.{key}", file, located.line((key,))))
    if problems:
        raise InputFileError("the case file is not valid", problems)
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
        problems.append(attrs.evolve(p, path="$.facts" + p.path.removeprefix("$"), file=case.file, line=case.fact_lines.get(name)))
    return FactsError(str(err.args[0]), problems)
