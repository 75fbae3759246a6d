"""Evaluating a ruleset: criteria → outcome, and what is still to ask when undetermined."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from ._conditions import NOT_KEYED, Comparison, Junction, Negation, Node, Params, Quantifier, _remember
from ._decision import CriterionResult, Decision, Outcome, Question, Status, TraceNode
from ._facts import validate_facts
from ._pack import Criterion, Ruleset
from ._truth import Truth


def decide(ruleset: Ruleset, facts: Mapping[str, Any], as_of: datetime.date | None = None) -> Decision:
    """Validate `facts` (raising `FactsError` with every problem) and decide.

    `as_of` picks the parameter values in force; it defaults to today and is recorded.
    """
    ready = ruleset.fast_facts.check(facts)
    if ready is None:  # something to convert or report: the full check says what
        ready = validate_facts(facts, ruleset.spec.facts, ruleset.vocabularies, items=False)[1]
    on = as_of if as_of is not None else datetime.date.today()
    params = ruleset.params_at(on)
    evaluator: _Evaluator = ruleset.evaluator or _evaluator(ruleset)
    results = [reader.result(ready, params) for reader in evaluator.readers]
    criteria, outcome, questions = evaluator.conclude(results)
    return Decision(ruleset.id, outcome, criteria, questions, ready, on, ruleset.pack_info)


class _Evaluator:
    """A ruleset's criteria readers and the conclusions drawn from their results.

    The outcome and open questions depend only on the criterion results, which are
    shared frozen objects, so they are memoised on the results' identities.
    """

    def __init__(self, ruleset: Ruleset) -> None:
        self.readers = tuple(_Reader(criterion) for criterion in ruleset.criteria)
        self.memo: dict[tuple[int, ...], tuple[tuple[CriterionResult, ...], Outcome, tuple[Question, ...]]] = {}

    def conclude(self, results: list[CriterionResult]) -> tuple[tuple[CriterionResult, ...], Outcome, tuple[Question, ...]]:
        """The criteria as a tuple, the outcome, and the questions if undetermined."""
        key = tuple(map(id, results))
        found = self.memo.get(key)
        if found is not None:
            return found
        criteria = tuple(results)  # the entry holds them, so their ids stay theirs
        deciding = [r for r in criteria if r.role != "informative"]
        questions: tuple[Question, ...] = ()
        if all(r.status is Status.MET for r in deciding):
            outcome = Outcome.ELIGIBLE
        elif any(r.role == "required" and r.status is Status.NOT_MET for r in deciding):
            outcome = Outcome.NOT_ELIGIBLE
        else:
            outcome, questions = Outcome.UNDETERMINED, _questions(results)
        return _remember(self.memo, key, (criteria, outcome, questions))  # type: ignore[no-any-return]


def _evaluator(ruleset: Ruleset) -> _Evaluator:
    evaluator = ruleset.evaluator = _Evaluator(ruleset)
    return evaluator


class _Reader:
    """One criterion's evaluation, memoised on exactly what its trace depends on.

    A criterion's trace is a function of the scalar facts it reads (value and type),
    the item values of its quantifiers and the parameters in force. Equal readings give
    the same frozen `CriterionResult`, so a repeated reading costs a key and a look-up.
    """

    def __init__(self, criterion: Criterion) -> None:
        self.criterion = criterion
        self.role = criterion.spec.role
        names: list[str] = []
        self.quantifiers: list[Quantifier] = []
        _reads(criterion.node, names, self.quantifiers)
        self.names = tuple(dict.fromkeys(names))
        self.memo: dict[Any, tuple[Params, CriterionResult]] = {}

    def result(self, facts: Mapping[str, Any], params: Params) -> CriterionResult:
        values = tuple(map(facts.get, self.names))
        key = (id(params), values, tuple(map(type, values)))
        readings = None
        if self.quantifiers:
            readings = tuple([quantifier.reading(facts, params) for quantifier in self.quantifiers])
            key += readings
        found = self.memo.get(key)
        if found is not None:
            return found[1]
        if readings is not None:
            if NOT_KEYED in readings:
                return self._traced(facts, params)
            for quantifier, reading in zip(self.quantifiers, readings, strict=True):
                quantifier.keep_reading(facts, reading)
        result = self._traced(facts, params)
        _remember(self.memo, key, (params, result))  # the entry holds `params`, so `id(params)` stays its own
        return result

    def _traced(self, facts: Mapping[str, Any], params: Params) -> CriterionResult:
        criterion = self.criterion
        value, trace = criterion.node.trace(facts, params)
        return CriterionResult(criterion.id, Status.of(value), self.role, trace)


def _reads(node: Node, names: list[str], quantifiers: list[Quantifier]) -> None:
    """The scalar facts and the quantifiers below `node`, in order."""
    if isinstance(node, Comparison):
        if not node.is_field:
            names.append(node.name)
    elif isinstance(node, Quantifier):
        quantifiers.append(node)
    elif isinstance(node, Junction):
        for child in node.children:
            _reads(child, names, quantifiers)
    elif isinstance(node, Negation):
        _reads(node.child, names, quantifiers)
    else:
        raise TypeError(f"unknown condition node {type(node).__name__}")


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
