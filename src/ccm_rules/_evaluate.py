"""Evaluating a ruleset: criteria → outcome, and what is still to ask when undetermined."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from ._decision import CriterionResult, Decision, Outcome, Question, Status, TraceNode
from ._facts import validate_facts
from ._pack import Criterion, Ruleset
from ._truth import TV, Truth


def decide(ruleset: Ruleset, facts: Mapping[str, Any], as_of: datetime.date | None = None) -> Decision:
    """Validate `facts` (raising `FactsError` with every problem) and decide.

    `as_of` picks the parameter values in force; it defaults to today and is recorded.
    """
    given, ready = validate_facts(facts, ruleset.spec.facts, ruleset.vocabularies, items=False)
    on = as_of if as_of is not None else datetime.date.today()
    params = ruleset.params_at(on)
    results = []
    for criterion in ruleset.criteria:
        value, trace = criterion.node.trace(ready, params)
        results.append(_result(criterion, value, trace))
    outcome = _outcome(results)
    questions = _questions(results) if outcome is Outcome.UNDETERMINED else ()
    return Decision(ruleset.id, outcome, tuple(results), questions, given, on, ruleset.pack_info)


def _result(criterion: Criterion, value: TV, trace: TraceNode) -> CriterionResult:
    """The criterion's result; the same frozen object for the same trace node (memoised on its node)."""
    memo = criterion.node.result_memo()
    found = memo.get(id(trace))
    if found is not None and found.trace is trace:
        return found  # type: ignore[no-any-return]
    result = CriterionResult(criterion.id, Status.of(value), criterion.spec.role, trace)
    return criterion.node.remember(memo, id(trace), result)  # type: ignore[no-any-return]


def _outcome(results: list[CriterionResult]) -> Outcome:
    """Eligible if every deciding criterion is met; not eligible if a required one fails."""
    deciding = [r for r in results if r.role != "informative"]
    if all(r.status is Status.MET for r in deciding):
        return Outcome.ELIGIBLE
    if any(r.role == "required" and r.status is Status.NOT_MET for r in deciding):
        return Outcome.NOT_ELIGIBLE
    return Outcome.UNDETERMINED


def _questions(results: list[CriterionResult]) -> tuple[Question, ...]:
    """The facts and items whose answers could still change an undetermined outcome.

    For an unknown criterion: the missing facts and unknown items below it. For a gate
    criterion that is not met (e.g. an assessment not holistic): the items that failed.
    """
    found: dict[tuple[str, str], list[str]] = {}
    order: list[tuple[str, str, str | None]] = []

    def add(kind: str, key: str, collection: str | None, rule_id: str) -> None:
        ident = (kind, key if collection is None else f"{collection}.{key}")
        if ident not in found:
            found[ident] = []
            order.append((kind, key, collection))
        if rule_id not in found[ident]:
            found[ident].append(rule_id)

    def walk(node: TraceNode, want: Truth, rule_id: str) -> None:
        if node.value is not want:
            return
        if node.items or node.op in ("every", "some") or node.op.startswith("count_"):
            if node.fact is not None and node.fact.value is None:
                add("fact", node.fact.name, None, rule_id)
            for item in node.items:
                if item.value is want or item.value is Truth.UNKNOWN:
                    add("item", item.key, node.fact.name if node.fact else None, rule_id)
            return
        if node.fact is not None:
            if node.fact.value is None:
                add("fact", node.fact.name, None, rule_id)
            return
        child_want = want if node.op != "not" else _flip(want)
        for child in node.children:
            walk(child, child_want, rule_id)

    gates_first = sorted(results, key=lambda r: r.role != "gate")
    for result in gates_first:
        if result.role == "informative":
            continue
        if result.status is Status.UNKNOWN:
            walk(result.trace, Truth.UNKNOWN, result.id)
        elif result.status is Status.NOT_MET and result.role == "gate":
            walk(result.trace, Truth.FALSE, result.id)
    return tuple(
        Question(kind, key, tuple(found[(kind, key if coll is None else f"{coll}.{key}")]), coll)
        for kind, key, coll in order
    )


def _flip(want: Truth) -> Truth:
    return {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE}.get(want, Truth.UNKNOWN)
