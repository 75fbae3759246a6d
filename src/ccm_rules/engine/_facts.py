"""Validating facts against a ruleset's declared facts: every problem, with its path."""

from __future__ import annotations

import datetime
import difflib
import math
from collections.abc import Collection, Mapping
from typing import Any

from ._dates import date_field_message, date_message, iso_date
from ._errors import FactsError, Problem
from ._problem_texts import Message, describe
from ._spec import FactSpec
from ._vocabulary import Vocabulary


def validate_facts(
    raw: Mapping[str, Any],
    specs: Mapping[str, FactSpec],
    vocabularies: Mapping[str, Vocabulary],
    *,
    file: str | None = None,
    lines: Mapping[str, int] | None = None,
    prefix: str = "$",
    items: bool = True,
    elsewhere: Collection[str] = (),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check raw facts; return (facts as given, normalised; facts ready to evaluate).

    `None` or an absent key means *unknown*. Raises `FactsError` with every problem.
    Facts named in `elsewhere` (those another area of the pack declares) are passed
    over, so that one case file can carry a person's facts for every decision; a name
    that no area declares is refused, with the nearest known name as a hint.
    A domain-statuses fact is ready as the vocabulary's items, or with `items=False`
    as the checked `{code: status}` mapping (what `decide()` evaluates fastest).

    `FactsValidator(specs, vocabularies, elsewhere).validate(...)`: see there.
    """
    return FactsValidator(specs, vocabularies, elsewhere).validate(
        raw, file=file, lines=lines, prefix=prefix, items=items
    )


class FactsValidator:
    """The one facts validator: a ruleset's declared facts, each with its check compiled once.

    Each fact's check has a happy path for a value already in its normal form (a boolean,
    an integer in range, a known code, ...) and otherwise the full check (`_check`), which
    converts (`12.0` to `12`, ISO text to a date) or says what is wrong. `validate` reports
    every problem; `ready` is what `decide()` calls: the happy paths alone while they hold,
    else `validate`, so every answer and every error message comes from one place.
    """

    def __init__(
        self, specs: Mapping[str, FactSpec], vocabularies: Mapping[str, Vocabulary], elsewhere: Collection[str] = ()
    ) -> None:
        self.specs = specs
        self.vocabularies = vocabularies
        self.elsewhere = elsewhere
        self._checks = {name: (_fast_check(spec, vocabularies), spec) for name, spec in specs.items()}
        self._passed_over = frozenset(name for name in elsewhere if isinstance(name, str)) - frozenset(specs)

    def validate(
        self,
        raw: Mapping[str, Any],
        *,
        file: str | None = None,
        lines: Mapping[str, int] | None = None,
        prefix: str = "$",
        items: bool = True,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(facts as given, normalised; facts ready to evaluate), or `FactsError` with every problem (`validate_facts`)."""
        if type(raw) is not dict and not isinstance(raw, Mapping):
            raise FactsError(
                Message("summary.facts_not_mapping"), [Problem(Message("facts.not_mapping"), prefix, file)]
            )
        specs, vocabularies, checks = self.specs, self.vocabularies, self._checks
        problems: list[Problem] = []
        given: dict[str, Any] = {}

        def problem(name: str, message: str, sub: str = "") -> None:
            line = lines.get(name) if lines else None
            problems.append(Problem(message, f"{prefix}.{name}{sub}", file, line, kind="fact"))

        for name, value in raw.items():
            entry = checks.get(name) if isinstance(name, str) else None
            if entry is None:
                if name in self._passed_over:
                    continue
                close = difflib.get_close_matches(str(name), [*specs, *self.elsewhere], n=1)
                if close:
                    problem(str(name), Message("fact.unknown_close", {"name": str(name), "close": close[0]}))
                else:
                    problem(str(name), Message("fact.unknown", {"name": str(name), "known": ", ".join(sorted(specs))}))
                continue
            if value is None:
                continue
            fast, spec = entry
            checked = fast(value)
            if checked is _REFER:
                try:
                    checked = _check(spec, value, vocabularies)
                except _Bad as bad:
                    for message, sub in bad.found:
                        problem(name, message, sub)
                    continue
            given[name] = checked
        if problems:
            raise FactsError(Message("summary.facts"), problems)
        ready = {
            name: vocabularies[specs[name].vocabulary or ""].items(value)
            if items and specs[name].type == "domain_statuses"
            else value
            for name, value in given.items()
        }
        return given, ready

    def ready(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """`validate(raw, items=False)[1]`: the facts `decide()` evaluates, or `FactsError`."""
        if type(raw) is dict:
            checks = self._checks
            out: dict[str, Any] = {}
            for name, value in raw.items():
                entry = checks.get(name)
                if entry is None:
                    if name in self._passed_over:
                        continue
                    break
                if value is None:
                    continue
                checked = entry[0](value)
                if checked is _REFER:
                    break
                out[name] = checked
            else:
                return out
        return self.validate(raw, items=False)[1]

    def check(self, raw: Any) -> dict[str, Any] | None:
        """`ready(raw)`, or None instead of `FactsError` (the old `FastFacts.check`)."""
        try:
            return self.ready(raw)
        except FactsError:
            return None


FastFacts = FactsValidator
"""The old name of `FactsValidator`."""


class _Bad(Exception):  # noqa: N818 - internal carrier
    """What is wrong with one fact: one or more (message, sub-path) pairs."""

    def __init__(self, message: str, sub: str = "", more: list[tuple[str, str]] | None = None) -> None:
        self.found = [(message, sub), *(more or [])]
        super().__init__(message)


def _check(spec: FactSpec, value: Any, vocabularies: Mapping[str, Vocabulary]) -> Any:
    kind = spec.type
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _Bad(Message("expected.bool", {"value": describe(value)}))
        return value
    if kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Bad(Message(f"expected.{kind}", {"value": describe(value)}))
        if isinstance(value, float) and not math.isfinite(value):
            raise _Bad(Message("expected.finite", {"value": describe(value)}))
        if kind == "integer" and isinstance(value, float):
            if not value.is_integer():
                raise _Bad(Message("expected.integer", {"value": describe(value)}))
            value = int(value)
        if isinstance(value, float):
            value += 0.0  # -0.0 becomes 0.0: equal values read the same in every trace
        if spec.min is not None and value < spec.min:
            raise _Bad(Message("range.below", {"value": _repr(value), "limit": _num(spec.min)}))
        if spec.max is not None and value > spec.max:
            raise _Bad(Message("range.above", {"value": _repr(value), "limit": _num(spec.max)}))
        return value
    if kind == "enum":
        allowed = spec.values or []
        if not isinstance(value, str) or value not in allowed:
            raise _Bad(not_one_of(value, allowed))
        return value
    if kind == "date":
        if isinstance(value, str):
            try:
                return iso_date(value)
            except ValueError:
                raise _Bad(date_message(value)) from None
        if (message := date_field_message(value)) is not None:
            raise _Bad(message)
        return value
    assert kind == "domain_statuses" and spec.vocabulary is not None
    return _check_domains(value, vocabularies[spec.vocabulary])


def _check_domains(value: Any, vocabulary: Vocabulary) -> dict[str, str]:
    """The statuses in vocabulary order; every unknown code and bad status is reported, not just the first."""
    if type(value) is not dict and not isinstance(value, Mapping):
        raise _Bad(Message("domain.not_mapping", {"value": describe(value)}))
    found: list[tuple[str, str]] = []
    for code, status in value.items():
        if code not in vocabulary.codes:
            close = difflib.get_close_matches(str(code), vocabulary.codes, n=1)
            if close:
                found.append((Message("domain.unknown_close", {"code": str(code), "close": close[0]}), f".{code}"))
            else:
                found.append(
                    (Message("domain.unknown", {"code": str(code), "known": ", ".join(vocabulary.codes)}), f".{code}")
                )
        elif status not in vocabulary.statuses:
            found.append(
                (
                    Message(
                        "domain.bad_status", {"value": describe(status), "allowed": ", ".join(vocabulary.statuses)}
                    ),
                    f".{code}",
                )
            )
    if found:
        raise _Bad(*found[0], more=found[1:])
    return {code: value[code] for code in vocabulary.codes if code in value}


def not_one_of(value: Any, allowed: Collection[str]) -> Message:
    """Why `value` is none of the `allowed` names, with the nearest as a hint."""
    close = difflib.get_close_matches(str(value), list(allowed), n=1)
    values = {"value": describe(value), "allowed": ", ".join(allowed)}
    return (
        Message("expected.one_of_close", {**values, "close": close[0]}) if close else Message("expected.one_of", values)
    )


def _repr(value: Any) -> str:
    """`repr`, except for an integer too long to print (Python refuses past 4,300 digits)."""
    if type(value) is int and value.bit_length() > 1024:
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    return repr(value)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_REFER = object()
"""A happy path's answer for "let the full check look at this" (an error, or a value to convert)."""


def _fast_check(spec: FactSpec, vocabularies: Mapping[str, Vocabulary]) -> Any:
    """A fact's happy path: a value already in its normal form, as `_check` would return it, else `_REFER`."""
    kind = spec.type
    low = -math.inf if spec.min is None else spec.min
    high = math.inf if spec.max is None else spec.max
    if kind == "boolean":
        return lambda v: v if v is True or v is False else _REFER
    if kind == "integer":
        return lambda v: v if type(v) is int and low <= v <= high else _REFER
    if kind == "number":  # a float here is finite: inf and nan fail the range test; -0.0 + 0.0 is 0.0
        return lambda v: (
            v if type(v) is int and low <= v <= high else v + 0.0 if type(v) is float and low <= v <= high else _REFER
        )
    if kind == "enum":
        allowed = frozenset(spec.values or ())
        return lambda v: v if type(v) is str and v in allowed else _REFER
    if kind == "date":
        return lambda v: v if type(v) is datetime.date else _REFER
    vocabulary = vocabularies.get(spec.vocabulary or "")
    if kind != "domain_statuses" or vocabulary is None:  # nothing to shortcut: the full check reports
        return lambda v: _REFER
    codes, known, statuses = vocabulary.codes, frozenset(vocabulary.codes), frozenset(vocabulary.statuses)

    def domains(value: Any) -> Any:
        if type(value) is not dict or not known.issuperset(value):
            return _REFER
        try:
            if not statuses.issuperset(value.values()):
                return _REFER
        except TypeError:  # an unhashable status: let the full check name it
            return _REFER
        return {code: value[code] for code in codes if code in value}

    return domains
