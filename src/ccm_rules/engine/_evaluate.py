"""Evaluating a ruleset: criteria → outcome, and what is still to ask when undetermined."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Mapping, Sequence
from typing import Any

from ._conditions import (
    NOT_KEYED,
    Comparison,
    Junction,
    Known,
    Negation,
    Node,
    Params,
    Provisional,
    Quantifier,
    _fields_only,
)
from ._decision import (
    CriterionResult,
    Decision,
    Outcome,
    Question,
    Status,
    TraceNode,
)
from ._facts import validate_facts
from ._memo import Memo
from ._pack import Criterion, Ruleset
from ._truth import Truth


def decide(ruleset: Ruleset, facts: Mapping[str, Any], as_of: datetime.date | None = None) -> Decision:
    """Validate `facts` (raising `FactsError` with every problem) and decide.

    `as_of` picks the parameter values in force; it defaults to today and is recorded.
    """
    ready = ruleset.fast_facts.check(facts)
    if ready is None:  # something to convert or report: the full check says what
        ready = validate_facts(facts, ruleset.spec.facts, ruleset.vocabularies, items=False, elsewhere=ruleset.elsewhere)[1]
    on = as_of if as_of is not None else datetime.date.today()
    params = ruleset.params_at(on)
    evaluator: _Evaluator = ruleset.evaluator or _evaluator(ruleset)
    criteria, outcome, questions = evaluator.evaluate(ready, params)
    return Decision(ruleset.id, outcome, criteria, questions, ready, on, ruleset.pack_info)


Concluded = tuple[tuple[CriterionResult, ...], Outcome, tuple[Question, ...]]


class _Evaluator:
    """A ruleset's criteria readers and the conclusion drawn from their results.

    Like each criterion, the whole conclusion (criteria, outcome, questions) is a function
    of what the ruleset reads, so it is memoised on that reading.
    """

    def __init__(self, ruleset: Ruleset) -> None:
        readers = [_Reader(criterion) for criterion in ruleset.criteria]
        self.names = tuple(dict.fromkeys(name for reader in readers for name in reader.names))
        self.quantifiers = tuple({id(q): q for reader in readers for q in reader.quantifiers}.values())
        for reader in readers:
            reader.place(self.names, self.quantifiers)
        for at, quantifier in enumerate(self.quantifiers):
            read_at = 1 + 2 * len(self.names) + at  # see the flat reading in `evaluate`
            if quantifier.read_at not in (None, read_at):  # a node is compiled for one ruleset
                raise RuntimeError(f"condition node shared between rulesets ({quantifier.collection})")
            quantifier.read_at = read_at
        self.readers = tuple(readers)
        self.gates_first = tuple(sorted(range(len(readers)), key=lambda i: readers[i].role != "gate"))
        self.collections = tuple(
            {q.collection: q.vocabulary.codes for q in self.quantifiers if q.vocabulary is not None}.items()
        )
        # a `where` that reads facts (not just item fields) reads more than the key holds
        self.keyed = all(q.vocabulary is not None and _fields_only(q.where) for q in self.quantifiers)
        collections = [name for name, _ in self.collections]
        self.statuses_at = tuple(
            (q, collections.index(q.collection)) for q in self.quantifiers if q.collection in collections
        )
        self.readings: Memo[Any, tuple[Params, Concluded]] = Memo()  # the entry holds `params`
        self.provisional = provisional_gates(ruleset.criteria)
        """(index of a gate, its provisional facts) for each gate that has some."""

    def evaluate(self, facts: Mapping[str, Any], params: Params) -> Concluded:
        """The criteria, outcome and questions for checked facts and the parameters in force."""
        values = tuple(map(facts.get, self.names))
        types = tuple(map(type, values))
        statuses = [_statuses(facts.get(name), codes) for name, codes in self.collections]
        key = (id(params), values, types, *statuses)
        found = self.readings.get(key)
        if found is not None:
            return found[1]
        # one flat reading: the parameters' identity, scalar values, their types, quantifier readings
        read = (id(params), *values, *types, *self.read_quantifiers(facts, params, statuses))
        criteria = tuple([reader.result(read, facts, params) for reader in self.readers])
        outcome = conclude(criteria, self.firm(criteria, facts, params))
        questions = self.questions(read, criteria, params) if outcome is Outcome.UNDETERMINED else ()
        concluded = (criteria, outcome, questions)
        if self.keyed and NOT_KEYED not in key:  # the entry holds `params`, so `id(params)` stays its own
            self.readings.keep(key, (params, concluded))
        return concluded

    def firm(
        self, criteria: tuple[CriterionResult, ...], facts: Mapping[str, Any], params: Params
    ) -> tuple[Status, ...]:
        """Each criterion's status on the facts a fuller assessment could not change.

        The statuses themselves, unless a gate with provisional facts is not met: then a
        required criterion that is not met is tested again with those facts unknown.
        """
        statuses = tuple(result.status for result in criteria)
        held = provisional_facts(self.provisional, statuses)
        if not held:
            return statuses
        return tuple(
            firm_status(reader.criterion.node, result, facts, params, held)
            for reader, result in zip(self.readers, criteria, strict=True)
        )

    def read_quantifiers(self, facts: Mapping[str, Any], params: Params, statuses: list[Any]) -> list[Any]:
        """Each quantifier's reading, from the statuses already taken for the key where it can."""
        if not self.keyed:
            return [q.reading(facts, params) for q in self.quantifiers]
        return [q.reading_of(statuses[at], params) for q, at in self.statuses_at]

    def questions(
        self, read: tuple[Any, ...], criteria: tuple[CriterionResult, ...], params: Params
    ) -> tuple[Question, ...]:
        """`open_questions(criteria)`, with each criterion's part memoised on its reading."""
        readers = self.readers
        return _merge([(criteria[i].id, readers[i].asks(read, criteria[i], params)) for i in self.gates_first])


# ---------------------------------------------------------------- the outcome
#
# One implementation of the precedence for both engines: `decide()` calls `conclude`,
# and the columnar screener tables `allows_eligible` and `refuses` over every status
# (`_columnar._decide`), so the two cannot drift apart.


def allows_eligible(role: str, status: Status) -> bool:
    """Whether a criterion lets the outcome be *eligible*: it is met, or only informative."""
    return status is Status.MET or role == "informative"


def refuses(role: str, status: Status, firm: Status) -> bool:
    """Whether a criterion makes the outcome *not eligible*.

    A required criterion that is not met refuses, but only on facts a fuller assessment
    could not change: `firm` is its status with a not-met gate's provisional facts set
    aside (seed 001 §2: complex need cannot be seen from one domain). A gate never
    refuses; an unmet gate makes the outcome undetermined.
    """
    return role == "required" and status is Status.NOT_MET and firm is Status.NOT_MET


def conclude(results: Sequence[CriterionResult], firm: Sequence[Status] | None = None) -> Outcome:
    """The outcome: *eligible* when every deciding criterion is met; else *not eligible*
    when a required one refuses (see `refuses`); else *undetermined*.

    `firm` is each criterion's status on the facts a fuller assessment could not change
    (`_Evaluator.firm`); without it the statuses themselves are taken.
    """
    if all(allows_eligible(r.role, r.status) for r in results):
        return Outcome.ELIGIBLE
    firms = firm if firm is not None else [r.status for r in results]
    if any(refuses(r.role, r.status, f) for r, f in zip(results, firms, strict=True)):
        return Outcome.NOT_ELIGIBLE
    return Outcome.UNDETERMINED


def _outcome(results: Sequence[CriterionResult]) -> Outcome:
    """`conclude` with no provisional facts (kept for callers of the old name)."""
    return conclude(results)


def provisional_gates(criteria: Sequence[Criterion]) -> tuple[tuple[int, frozenset[str]], ...]:
    """(index, provisional facts) of each gate criterion that declares some."""
    return tuple(
        (at, frozenset(c.spec.provisional)) for at, c in enumerate(criteria) if c.spec.role == "gate" and c.spec.provisional
    )


def provisional_facts(gates: Sequence[tuple[int, frozenset[str]]], statuses: Sequence[Status]) -> frozenset[str]:
    """The facts set aside now: the provisional facts of every gate that is not met.

    A gate that is unknown counts as not met: an assessment not known to be holistic is
    not one (unknown is not no, nor yes).
    """
    held: frozenset[str] = frozenset()
    for at, names in gates:
        if statuses[at] is not Status.MET:
            held |= names
    return held


def firm_status(
    node: Node, result: CriterionResult, facts: Mapping[str, Any], params: Params, held: frozenset[str]
) -> Status:
    """A criterion's status on the facts outside `held` (those read as unknown).

    Only a required criterion that is not met can change (to unknown): a met or unknown
    one keeps its status, and Kleene logic cannot turn unknown into a decision.
    """
    if result.role != "required" or result.status is not Status.NOT_MET:
        return result.status
    return Status.of(node.test(Provisional(facts, held), params, None))


def _statuses(given: Any, codes: tuple[str, ...]) -> Any:
    """A collection fact as a key: its statuses in vocabulary order (None where not given)."""
    if given is None:
        return None
    if type(given) is not dict:
        return NOT_KEYED
    return tuple(map(given.get, codes))


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
        self.memo: Memo[Any, tuple[Params, CriterionResult]] = Memo()  # the entry holds `params`
        self.asked: Memo[Any, tuple[Params, tuple[_Ask, ...]]] = Memo()  # keyed like `memo`, holds `params` too

    def place(self, names: tuple[str, ...], quantifiers: tuple[Quantifier, ...]) -> None:
        """Where this criterion's part sits in the ruleset's flat reading (see `_Evaluator.evaluate`)."""
        values_at = [1 + names.index(name) for name in self.names]
        types_at = [at + len(names) for at in values_at]
        self.readings_at = tuple(
            1 + 2 * len(names) + next(i for i, q in enumerate(quantifiers) if q is mine) for mine in self.quantifiers
        )
        self.key_of = operator.itemgetter(0, *values_at, *types_at, *self.readings_at)

    def result(self, read: tuple[Any, ...], facts: Mapping[str, Any], params: Params) -> CriterionResult:
        """This criterion's result, from its part of the ruleset's flat reading."""
        key = self.key_of(read)
        found = self.memo.get(key)
        if found is not None:
            return found[1]
        if any(read[at] is NOT_KEYED for at in self.readings_at):
            return self._traced(facts, params)
        value, trace = self.criterion.node.trace_read(read, facts, params)
        result = CriterionResult(self.criterion.id, Status.of(value), self.role, trace)
        self.memo.keep(key, (params, result))  # holds `params`: its id stays its own
        return result

    def asks(self, read: tuple[Any, ...], result: CriterionResult, params: Params) -> tuple[_Ask, ...]:
        """What `result` (this criterion's result for `read`) leaves to ask; see `open_questions`."""
        if result.status is Status.MET or self.role == "informative":
            return ()
        if any(read[at] is NOT_KEYED for at in self.readings_at):
            return _asks(result)
        key = self.key_of(read)
        found = self.asked.get(key)
        if found is not None:
            return found[1]
        # the entry holds `params` (found in review: the result memo, which also holds it, is
        # emptied on its own schedule, so a dead `params`'s id could come back for another date)
        return self.asked.keep(key, (params, _asks(result)))[1]

    def _traced(self, facts: Mapping[str, Any], params: Params) -> CriterionResult:
        criterion = self.criterion
        value, trace = criterion.node.trace(facts, params)
        return CriterionResult(criterion.id, Status.of(value), self.role, trace)


def _reads(node: Node, names: list[str], quantifiers: list[Quantifier]) -> None:
    """The scalar facts and the quantifiers below `node`, in order."""
    if isinstance(node, Comparison):
        if not node.is_field:
            names.append(node.name)
    elif isinstance(node, Known):
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


def open_questions(results: Sequence[CriterionResult]) -> tuple[Question, ...]:
    """The facts and items whose answers could still change an undetermined outcome.

    `decide()` fills `Decision.questions` with this when the outcome is undetermined;
    other areas call it on a subset of criteria (e.g. the readiness lessons still open).

    For an unknown criterion: the missing facts and unknown items below it. For a gate
    criterion that is not met (e.g. an assessment not holistic): the items that failed.
    Gates come first; a question asked by several criteria is asked once, naming them all.
    """
    return _merge([(result.id, _asks(result)) for result in sorted(results, key=lambda r: r.role != "gate")])


_Ask = tuple[str, str, "str | None"]
"""One thing to ask: (kind, key, collection)."""


def _merge(asked: list[tuple[str, tuple[_Ask, ...]]]) -> tuple[Question, ...]:
    """Questions in the order first asked, each naming every criterion that asks it."""
    criteria: dict[_Ask, list[str]] = {}
    for rule_id, asks in asked:
        for ask in asks:
            criteria.setdefault(ask, []).append(rule_id)
    return tuple([_question(ask, tuple(dict.fromkeys(ids))) for ask, ids in criteria.items()])


_QUESTIONS: dict[tuple[_Ask, tuple[str, ...]], Question] = {}


def _question(ask: _Ask, criteria: tuple[str, ...]) -> Question:
    """The frozen `Question`, made once: a pack asks few distinct ones, and each costs a microsecond."""
    found = _QUESTIONS.get((ask, criteria))
    if found is None:
        if len(_QUESTIONS) >= 4096:
            _QUESTIONS.clear()
        kind, key, collection = ask
        found = _QUESTIONS[(ask, criteria)] = Question(kind, key, criteria, collection)
    return found


def _asks(result: CriterionResult) -> tuple[_Ask, ...]:
    """What one criterion result leaves to ask, in trace order (no memo: see `_Reader.asks`)."""
    asks: dict[_Ask, None] = {}
    if result.role != "informative":
        if result.status is Status.UNKNOWN:
            _walk(result.trace, Truth.UNKNOWN, asks)
        elif result.status is Status.NOT_MET and result.role == "gate":
            _walk(result.trace, Truth.FALSE, asks)
    return tuple(asks)


def _walk(node: TraceNode, want: Truth, asks: dict[_Ask, None]) -> None:
    """Collect into `asks` what below `node` made it `want` (a plain function: a nested
    recursive one would be a reference cycle left to the garbage collector on every call)."""
    if node.value is not want:
        return
    if node.items or node.op in ("every", "some") or node.op.startswith("count_"):
        collection = node.fact.name if node.fact else None
        if node.fact is not None and node.fact.value is None:
            asks[("fact", node.fact.name, None)] = None
        for item in node.items:
            if item.value is want or item.value is Truth.UNKNOWN:
                asks[("item", item.key, collection)] = None
        return
    if node.fact is not None:
        if node.fact.value is None:
            asks[("fact", node.fact.name, None)] = None
        return
    child_want = want if node.op != "not" else _flip(want)
    for child in node.children:
        _walk(child, child_want, asks)


def _flip(want: Truth) -> Truth:
    return {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE}.get(want, Truth.UNKNOWN)
