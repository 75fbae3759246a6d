"""One exception tree under `CcmRulesError`; every error carries its problems as data."""

from __future__ import annotations

from collections.abc import Iterable

import attrs


@attrs.frozen
class Problem:
    """One thing wrong with an input: what, where (path, file, line) and for which rule."""

    message: str
    path: str = "$"
    file: str | None = None
    line: int | None = None
    rule_id: str | None = None
    kind: str = "invalid"
    severity: str = "error"

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line is not None else f"{self.file}: "
        rule = f"[{self.rule_id}] " if self.rule_id else ""
        level = "warning: " if self.severity == "warning" else ""
        return f"{where}{level}{rule}{self.message} @ {self.path}"


class CcmRulesError(Exception):
    """Root of every error this library raises on purpose."""


class ProblemsError(CcmRulesError, ValueError):
    """Input was refused; `problems` lists every problem found, not just the first."""

    def __init__(self, summary: str, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(summary, self.problems)

    def __str__(self) -> str:
        lines = [f"{self.args[0]} ({len(self.problems)} problem(s)):"]
        lines.extend(f"  - {p}" for p in self.problems)
        return "\n".join(lines)


class FactsError(ProblemsError):
    """The facts given for a decision are malformed; no decision is made from them."""


class RulePackError(ProblemsError):
    """A rule pack could not be loaded; each problem names file, line, rule id and path."""


class InputFileError(ProblemsError):
    """A case or data file could not be read or parsed."""


class UnknownLanguageError(CcmRulesError, LookupError):
    """A language was asked for that the rule pack does not ship."""

    def __init__(self, lang: str, available: Iterable[str]) -> None:
        self.lang = lang
        self.available = tuple(available)
        super().__init__(lang, self.available)

    def __str__(self) -> str:
        return f"unknown language {self.lang!r}; available: {', '.join(self.available)}"


class ParameterNotInForceError(CcmRulesError, LookupError):
    """No value of a parameter is valid on the date a decision is made for."""

    def __init__(self, parameter: str, on: object) -> None:
        self.parameter = parameter
        self.on = on
        super().__init__(parameter, on)

    def __str__(self) -> str:
        return f"parameter {self.parameter!r} has no value in force on {self.on}"


class PackMismatchError(CcmRulesError, ValueError):
    """A decision is explained with a rule pack other than the one that made it."""
