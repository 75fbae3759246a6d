"""The table of decision endpoints: one row per decision the core offers.

Adding an endpoint is one more `DecisionService(...)` row: its facts (the rule pack's
declared `FactSpec`s, which validate requests and give the OpenAPI schema) and a function
from checked facts to the response. The app factory builds route, OpenAPI, validation and
errors from the row. Nothing here imports a web framework.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ccm_rules import Decision, Explanation, RulePack, decide, explain
from ccm_rules.engine import FactSpec, Vocabulary

Respond = Callable[[Mapping[str, Any], "datetime.date | None", RulePack, str], Any]
"""(checked facts, as_of, pack, language) → the response body (an attrs instance)."""


@attrs.frozen
class DecisionResponse:
    """A decision with its explanation in the negotiated language, for one pseudonymous case."""

    decision: Decision
    explanation: Explanation
    case: str | None = None


@attrs.frozen
class DecisionService:
    """One decision endpoint: `POST /v1/<name>` with `{"facts": {...}, "as_of", "case"}`.

    `facts` gives the declared facts (and `vocabularies` their life-domain codes) that check
    each request and describe it in OpenAPI; `respond` decides and explains; the response's
    attrs class `response_model` (with a `case` field) is what OpenAPI documents.
    """

    name: str
    summary: str
    description: str
    facts: Callable[[RulePack], Mapping[str, FactSpec]]
    respond: Respond
    response_model: type = DecisionResponse
    vocabularies: Callable[[RulePack], Mapping[str, Vocabulary]] = attrs.field(default=lambda pack: pack.vocabularies)
    available: Callable[[RulePack], bool] = attrs.field(default=lambda pack: True)
    earliest: Callable[[RulePack], datetime.date | None] = attrs.field(default=lambda pack: None)
    """The first decision date the parameters allow (published in the schema of `as_of`)."""


def ruleset_service(name: str, ruleset_id: str, summary: str, description: str) -> DecisionService:
    """The usual row: `decide()` over one ruleset of the pack, explained."""

    def respond(facts: Mapping[str, Any], as_of: datetime.date | None, pack: RulePack, lang: str) -> DecisionResponse:
        decision = decide(pack.ruleset(ruleset_id), facts, as_of)
        return DecisionResponse(decision, explain(decision, pack, lang))

    return DecisionService(
        name,
        summary,
        description,
        facts=lambda pack: pack.ruleset(ruleset_id).spec.facts,
        respond=respond,
        vocabularies=lambda pack: pack.ruleset(ruleset_id).vocabularies,
        available=lambda pack: ruleset_id in pack.rulesets,
        earliest=lambda pack: pack.ruleset(ruleset_id).earliest_date,
    )


def decision_services(pack: RulePack) -> tuple[DecisionService, ...]:
    """Every decision endpoint this pack can serve, in URL order (see docs/http.md)."""
    from . import _more_services

    rows = [
        ruleset_service(
            "eligibility",
            "eligibility",
            "Does this person need case management?",
            "General CM eligibility (criteria E1-E4, seed 001): eligible, not eligible or "
            "undetermined with the facts still to assess.",
        ),
        ruleset_service(
            "labour-market",
            "labour_market",
            "Is labour-market case management indicated?",
            "Labour-market CM (seed 002): target group, entry route and individual plan.",
        ),
        *_more_services.rows(),
    ]
    return tuple(row for row in rows if row.available(pack))
