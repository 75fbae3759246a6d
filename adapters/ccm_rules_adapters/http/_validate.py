"""Checking a decision request completely before deciding: every bad field, in one answer."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import attrs

from ccm_rules import FactsError, Problem, RulePack
from ccm_rules._dates import iso_date
from ccm_rules._facts import validate_facts

from ._services import DecisionService

ENVELOPE_KEYS = ("facts", "as_of", "case")


@attrs.frozen
class DecisionRequest:
    """A checked request: facts as given (unknowns absent), decision date, case code."""

    facts: Mapping[str, Any]
    as_of: datetime.date | None
    case: str | None


def check_request(raw: Any, service: DecisionService, pack: RulePack) -> DecisionRequest:
    """Validate the envelope and the facts together; raise `FactsError` listing every problem."""
    if not isinstance(raw, Mapping):
        raise FactsError("the request is not valid", [Problem(f"the body must be a JSON object, got {_kind(raw)}", "$")])
    problems = [
        Problem(f"unknown key {key!r}; allowed keys: {', '.join(ENVELOPE_KEYS)}", f"$.{key}")
        for key in raw
        if key not in ENVELOPE_KEYS
    ]
    as_of = _as_of(raw.get("as_of"), problems)
    case = raw.get("case")
    if case is not None and not isinstance(case, str):
        problems.append(Problem(f"'case' must be a pseudonymous case code (text), got {_kind(case)}", "$.case"))
    facts = raw.get("facts")
    if facts is None:
        facts = {}
    if not isinstance(facts, Mapping):
        problems.append(Problem(f"'facts' must be an object of fact name to value, got {_kind(facts)}", "$.facts"))
    else:
        try:
            specs = service.facts(pack)
            validate_facts(facts, specs, service.vocabularies(pack), prefix="$.facts", elsewhere=pack.fact_names - specs.keys())
        except FactsError as err:
            problems.extend(err.problems)
    if problems:
        raise FactsError("the request is not valid", problems)
    assert isinstance(facts, Mapping)
    return DecisionRequest(facts, as_of, case)


def _as_of(value: Any, problems: list[Problem]) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return iso_date(value)
        except ValueError as err:
            problems.append(Problem(str(err), "$.as_of"))
            return None
    problems.append(Problem(f"expected a date (YYYY-MM-DD), got {_kind(value)}", "$.as_of"))
    return None


def _kind(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"
