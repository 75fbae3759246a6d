"""Checking a decision request completely before deciding: every bad field, in one answer."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import attrs

from ccm_rules import FactsError, Message, Problem, RulePack
from ccm_rules.engine import date_field_message, describe, iso_date, validate_facts

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
        raise FactsError(
            Message("summary.request"), [Problem(Message("http.body_not_object", {"value": describe(raw)}), "$")]
        )
    problems = [
        Problem(Message("key.unknown", {"key": str(key), "allowed": ", ".join(ENVELOPE_KEYS)}), f"$.{key}")
        for key in raw
        if key not in ENVELOPE_KEYS
    ]
    as_of = _as_of(raw.get("as_of"), problems)
    case = raw.get("case")
    if case is not None and not isinstance(case, str):
        problems.append(Problem(Message("http.case_not_text", {"value": describe(case)}), "$.case"))
    facts = raw.get("facts")
    if facts is None:
        facts = {}
    if not isinstance(facts, Mapping):
        problems.append(Problem(Message("http.facts_not_object", {"value": describe(facts)}), "$.facts"))
    else:
        try:
            specs = service.facts(pack)
            validate_facts(
                facts, specs, service.vocabularies(pack), prefix="$.facts", elsewhere=pack.fact_names - specs.keys()
            )
        except FactsError as err:
            problems.extend(err.problems)
    if problems:
        raise FactsError(Message("summary.request"), problems)
    assert isinstance(facts, Mapping)
    return DecisionRequest(facts, as_of, case)


def _as_of(value: Any, problems: list[Problem]) -> datetime.date | None:
    if isinstance(value, str):
        try:
            return iso_date(value)
        except ValueError:
            pass
    if (message := date_field_message(value)) is not None:
        problems.append(Problem(message, "$.as_of"))
        return None
    assert value is None or isinstance(value, datetime.date)  # what date_field_message lets through
    return value
