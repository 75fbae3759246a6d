"""One exception tree under `CcmRulesError`; every error carries its problems as data.

A problem's `message` is English; when it was built as a `Message` (most are), `text(lang)`
and `render(lang)` say it in cs, hu or de too, for the CLI's `--lang` and HTTP's
Accept-Language.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ._problem_texts import LANGUAGES, Message, say, text_in


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

    @property
    def code(self) -> str | None:
        """The message's code in the catalogue (`fact.unknown`, …), None for a plain text."""
        return self.message.code if isinstance(self.message, Message) else None

    def text(self, lang: str = "en") -> str:
        """What is wrong, in `lang` (as written when the message has no translation)."""
        return text_in(self.message, lang)

    def render(self, lang: str = "en") -> str:
        """One line: file and line, level, rule, what is wrong in `lang`, and the path."""
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line is not None else f"{self.file}: "
        rule = f"[{self.rule_id}] " if self.rule_id else ""
        level = say("print.warning", _known(lang), {}) if self.severity == "warning" else ""
        return f"{where}{level}{rule}{self.text(lang)} @ {_short(self.path)}"

    def __str__(self) -> str:
        return self.render("en")


def _short(path: str) -> str:
    """A path as printed: a key of someone's writing past 60 characters is cut (the path itself is kept whole)."""
    if len(path) <= 120:
        return path
    return ".".join(part if len(part) <= 60 else part[:57] + "..." for part in path.split("."))


def _known(lang: str) -> str:
    return lang if lang in LANGUAGES else "en"


class CcmRulesError(Exception):
    """Root of every error this library raises on purpose."""


class ProblemsError(CcmRulesError, ValueError):
    """Input was refused; `problems` lists every problem found, not just the first."""

    def __init__(self, summary: str, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(summary, self.problems)

    def with_problems(self, problems: Iterable[Problem]) -> ProblemsError:
        """The same refusal (its class and summary, said in any language) with other problems,
        e.g. the same problems pointed into the file they came from."""
        summary: str = self.args[0]
        return ProblemsError(summary, problems) if type(self) not in _PLAIN else type(self)(summary, problems)

    def summary(self, lang: str = "en") -> str:
        """The one-line summary (`the facts are not valid`) in `lang`."""
        summary: str = self.args[0]
        return text_in(summary, lang)

    def render(self, lang: str = "en") -> str:
        """The summary with its count, then one line per problem, in `lang`."""
        head = say("summary.count", _known(lang), {"summary": self.summary(lang), "count": len(self.problems)})
        return "\n".join([head, *(f"  - {p.render(lang)}" for p in self.problems)])

    def __str__(self) -> str:
        return self.render("en")


class FactsError(ProblemsError):
    """The facts given for a decision are malformed; no decision is made from them."""


class RulePackError(ProblemsError):
    """A rule pack could not be loaded; each problem names file, line, rule id and path."""


class InputFileError(ProblemsError):
    """A case or data file could not be read or parsed."""


_PLAIN: tuple[type[ProblemsError], ...] = (ProblemsError, FactsError, RulePackError, InputFileError)
"""The refusals whose constructor is `(summary, problems)`."""


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

    def __init__(self, parameter: str, on: object, *, earliest: object = None) -> None:
        self.parameter = parameter
        self.on = on
        self.earliest = earliest
        """The first day the parameter has a value, when `on` is before it (else None)."""
        super().__init__(parameter, on)

    def __str__(self) -> str:
        text = f"parameter {self.parameter!r} has no value in force on {self.on}"
        return text + f"; decide for {self.earliest} or later" if self.earliest is not None else text


class PackMismatchError(CcmRulesError, ValueError):
    """A decision is explained with a rule pack other than the one that made it."""
