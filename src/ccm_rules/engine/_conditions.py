"""Declarative conditions compiled once, at load time, into evaluator objects (no eval).

A condition is a YAML mapping with one operator:

    {all: [...]} {any: [...]} {not: {...}}
    {fact: NAME, <op>: OPERAND}                  op: eq ne lt lte gt gte in not_in
    {count: COLLECTION, where: {...}, <op>: OPERAND, among: CODES}
    {every: COLLECTION, where: {...}, among: CODES}
    {some: COLLECTION, where: {...}, among: CODES}
    {field: NAME, <op>: OPERAND}                 only inside `where`
    {known: NAME}                                whether a fact is recorded

An OPERAND is a literal or `{param: NAME}`. Evaluation is three-valued (Kleene): a
missing fact makes a comparison unknown, and unknown propagates only as far as it
can still change the result. `known` is the one test of a fact's absence itself: it
lets a rule take a fact as evidence only while a better one is not recorded (E3: a
chronic condition counts while the need's expected duration is not known).
"""

from __future__ import annotations

import datetime
import itertools
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from ._decision import FactUse, ItemResult, ParamUse, TraceNode
from ._problem_texts import describe
from ._spec import FactSpec, ParameterSpec
from ._truth import (
    TV,
    Truth,
    k_and,
    k_not,
    k_or,
)
from ._vocabulary import Vocabulary
from ._yaml import Path_

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": lambda value, operand: value in operand,
    "not_in": lambda value, operand: value not in operand,
}
ORDERED = {"lt", "lte", "gt", "gte"}
MEMBERSHIP = {"in", "not_in"}
QUANTIFIERS = ("count", "every", "some")

Facts = Mapping[str, Any]
Params = Mapping[str, ParamUse]
Item = Mapping[str, Any]


@attrs.frozen
class ValueType:
    """What a fact, field or parameter holds, as far as type checks need to know."""

    kind: str  # boolean | integer | number | enum | date | collection | codes | string
    values: frozenset[str] | None = None
    low: float | None = None
    high: float | None = None
    vocabulary: str | None = None


@attrs.define
class Scope:
    """What a condition may refer to, and where compile problems are collected."""

    facts: Mapping[str, FactSpec]
    params: Mapping[str, ParameterSpec]
    vocabularies: Mapping[str, Vocabulary]
    problems: list[tuple[Path_, str]] = attrs.Factory(list)
    facts_used: set[str] = attrs.Factory(set)
    params_used: set[str] = attrs.Factory(set)

    def fact_type(self, name: str) -> ValueType:
        spec = self.facts[name]
        if spec.type == "enum":
            return ValueType("enum", values=frozenset(spec.values or ()))
        if spec.type == "domain_statuses":
            return ValueType("collection", vocabulary=spec.vocabulary)
        return ValueType(spec.type, low=spec.min, high=spec.max)

    def param_type(self, name: str) -> ValueType:
        spec = self.params[name]
        return ValueType(spec.type, vocabulary=spec.vocabulary)

    def param_values(self, name: str) -> list[Any]:
        return [v.value for v in self.params[name].values]


class Node:
    """A compiled condition: `test` gives its value, `trace` its value with the trace that explains it.

    The tree is the one semantics of a condition: `decide()` runs Python generated from it
    per ruleset (`_evaluate.Evaluator`), and builds a criterion's trace with `trace` when
    it is first read. Nodes are immutable once compiled: they keep no cache.
    """

    def test(self, facts: Facts, params: Params, item: Item | None) -> TV:
        raise NotImplementedError

    def trace(self, facts: Facts, params: Params) -> tuple[TV, TraceNode]:
        raise NotImplementedError

    def can_be(self, want: bool, scope: Scope) -> bool:
        """Whether some facts could make this node `want` (used to find dead rules)."""
        raise NotImplementedError


def kleene(op: str, values: Sequence[TV]) -> TV:
    """`all` (Kleene and) or `any` (Kleene or) of values already computed."""
    return k_and(values) if op == "all" else k_or(values)


class Junction(Node):
    """`all` (Kleene and) or `any` (Kleene or) of child conditions."""

    def __init__(self, op: str, children: Sequence[Node]) -> None:
        self.op = op
        self.children = tuple(children)

    def test(self, facts: Facts, params: Params, item: Item | None) -> TV:
        return kleene(self.op, [child.test(facts, params, item) for child in self.children])

    def trace(self, facts: Facts, params: Params) -> tuple[TV, TraceNode]:
        traced = [child.trace(facts, params) for child in self.children]
        combined = kleene(self.op, [value for value, _ in traced])
        return combined, TraceNode(self.op, Truth.of(combined), children=tuple(node for _, node in traced))

    def can_be(self, want: bool, scope: Scope) -> bool:
        conjunctive = (self.op == "all") == want
        if not conjunctive:
            return any(child.can_be(want, scope) for child in self.children)
        if not all(child.can_be(want, scope) for child in self.children):
            return False
        return _jointly_possible(self.children, want, scope)


class Negation(Node):
    """`not`: true where its child is false; unknown stays unknown."""

    def __init__(self, child: Node) -> None:
        self.child = child

    def test(self, facts: Facts, params: Params, item: Item | None) -> TV:
        return k_not(self.child.test(facts, params, item))

    def trace(self, facts: Facts, params: Params) -> tuple[TV, TraceNode]:
        value, node = self.child.trace(facts, params)
        negated = k_not(value)
        return negated, TraceNode("not", Truth.of(negated), children=(node,))

    def can_be(self, want: bool, scope: Scope) -> bool:
        return self.child.can_be(not want, scope)


class Provisional(dict[str, Any]):
    """Facts with some set aside as provisional: read as unknown, recorded or not.

    A gate's `provisional` facts were read from an assessment that is not complete yet,
    so a fuller one could change them; `decide()` tests whether a criterion that is not
    met stays not met on the other facts alone (see `_evaluate.firm_status`). The
    mapping holds the other facts; `names` are the provisional ones, which `known`
    reads as unknown rather than as not recorded.
    """

    def __init__(self, facts: Facts, names: frozenset[str]) -> None:
        super().__init__((k, v) for k, v in facts.items() if k not in names)
        self.names = names


class Known(Node):
    """`known: NAME`: true when the fact is recorded, false when it is not (never unknown).

    Under `Provisional` facts a provisional fact's `known` is unknown: a fuller
    assessment could record it, change it or leave it out.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def test(self, facts: Facts, params: Params, item: Item | None) -> TV:
        if isinstance(facts, Provisional) and self.name in facts.names:
            return None
        return facts.get(self.name) is not None

    def trace(self, facts: Facts, params: Params) -> tuple[TV, TraceNode]:
        value = self.test(facts, params, None)
        return value, TraceNode("known", Truth.of(value), fact=FactUse(self.name, facts.get(self.name)))

    def can_be(self, want: bool, scope: Scope) -> bool:
        return True


class Comparison(Node):
    """A fact (or, inside `where`, an item field) compared with a literal or parameter."""

    def __init__(self, name: str, is_field: bool, op: str, operand: Any, param: str | None, vtype: ValueType) -> None:
        self.name = name
        self.is_field = is_field
        self.op = op
        self.fn = COMPARISONS[op]
        self.operand = operand
        self.param = param
        self.vtype = vtype

    def _operand(self, params: Params) -> Any:
        return params[self.param].value if self.param is not None else self.operand

    def test(self, facts: Facts, params: Params, item: Item | None) -> TV:
        value = item[self.name] if self.is_field and item is not None else facts.get(self.name)
        if value is None:
            return None
        return self.fn(value, self._operand(params))

    def trace(self, facts: Facts, params: Params) -> tuple[TV, TraceNode]:
        value = facts.get(self.name)
        param = params[self.param] if self.param is not None else None
        tv = None if value is None else self.fn(value, self._operand(params))
        return tv, TraceNode(self.op, Truth.of(tv), fact=FactUse(self.name, value), param=param, operand=self.operand)

    def can_be(self, want: bool, scope: Scope) -> bool:
        operands = scope.param_values(self.param) if self.param is not None else [self.operand]
        return any(_comparison_possible(self, operand, want) for operand in operands)


@attrs.frozen
class Columns:
    """A tabled quantifier's codes in scope, with each code's item value and trace item per status.

    Compiled once per `among` value (a literal, or each value a parameter declares), so a
    checked `{code: status}` mapping is read by look-ups: `values[i][status]` is code i's
    item value (status None: not given, read as the vocabulary's default status), and
    `results[i][value]` its trace item.
    """

    codes: tuple[str, ...]
    values: tuple[dict[str | None, TV], ...]
    results: tuple[dict[TV, ItemResult], ...]

    def item_values(self, given: Mapping[str, str]) -> tuple[TV, ...]:
        """Each code's item value for a checked `{code: status}` mapping."""
        return tuple(map(operator.getitem, self.values, map(given.get, self.codes)))


def combine(kind: str, op: str | None, values: tuple[TV, ...], target: Any) -> TV:
    """A quantifier's value from its items' values: `every` is Kleene and, `some` Kleene or,
    `count` compares the range of possible counts with `target` (`_count_compare`)."""
    if kind == "every":
        return False if False in values else None if None in values else True
    if kind == "some":
        return True if True in values else None if None in values else False
    assert op is not None
    sure = values.count(True)
    return _count_compare(op, sure, sure + values.count(None), target)


class Quantifier(Node):
    """`count`, `every` or `some` over a collection fact such as the life domains."""

    def __init__(
        self,
        kind: str,
        collection: str,
        where: Node,
        among: Any,
        among_param: str | None,
        op: str | None,
        operand: Any,
        param: str | None,
        size: int,
        vocabulary: Vocabulary | None = None,
        among_values: Sequence[Any] = (),
    ) -> None:
        self.kind = kind
        self.collection = collection
        self.where = where
        self.among = frozenset(among) if among is not None else None
        self.among_param = among_param
        self.op = op
        self.operand = operand
        self.param = param
        self.size = size
        self.vocabulary = vocabulary
        self.trace_op = kind if op is None else f"count_{op}"
        self.tabled = vocabulary is not None and _fields_only(where)
        """Whether `where` reads only item fields, so its value per (code, status) is tabled."""
        self._table = self._item_table() if self.tabled else {}
        self.columns: Columns | None = None
        """The tabled columns of a literal (or no) `among`."""
        self.columns_by_among: dict[tuple[Any, ...], Columns] = {}
        """The tabled columns for each value an `among` parameter declares."""
        if self.tabled and among_param is None:
            self.columns = self._columns(self.among)
        elif self.tabled:
            for value in among_values:
                key = tuple(value)
                self.columns_by_among[key] = self._columns(frozenset(key))

    def _item_table(self) -> dict[tuple[str, str], tuple[TV, ItemResult]]:
        """Each item's value and trace item for every (code, status)."""
        assert self.vocabulary is not None
        vocabulary = self.vocabulary
        table = {}
        for status in vocabulary.statuses:
            for item in vocabulary.items(dict.fromkeys(vocabulary.codes, status)):
                tv = self.where.test({}, {}, item)
                table[(item["code"], status)] = (tv, ItemResult(item["code"], Truth.of(tv)))
        return table

    def _columns(self, among: frozenset[str] | None) -> Columns:
        assert self.vocabulary is not None
        table = self._table
        codes = tuple(c for c in self.vocabulary.codes if among is None or c in among)
        statuses = (*self.vocabulary.statuses, None)
        default = self.vocabulary.spec.default_status
        values = tuple({s: table[(c, default if s is None else s)][0] for s in statuses} for c in codes)
        results = tuple({table[(c, s)][0]: table[(c, s)][1] for s in self.vocabulary.statuses} for c in codes)
        return Columns(codes, values, results)

    def columns_for(self, among_value: Any) -> Columns:
        """The tabled columns for an `among` parameter's value (compiled anew for an undeclared one)."""
        key = tuple(among_value)
        found = self.columns_by_among.get(key)
        return found if found is not None else self._columns(frozenset(key))

    def target(self, params: Params) -> Any:
        """What a `count` compares with: the literal or the parameter's value in force."""
        return params[self.param].value if self.param is not None else self.operand

    def _items(self, facts: Facts, params: Params) -> Sequence[Item] | None:
        items: Sequence[Item] | Mapping[str, str] | None = facts.get(self.collection)
        if items is None:
            return None
        if isinstance(items, Mapping):  # a checked {code: status} mapping
            assert self.vocabulary is not None
            items = self.vocabulary.items(items)
        among = self.among
        if self.among_param is not None:
            among = frozenset(params[self.among_param].value)
        if among is None:
            return items
        return [item for item in items if item["code"] in among]

    def columns_in_force(self, params: Params) -> Columns | None:
        """The tabled columns for the `among` in force; None when `where` is not tabled."""
        if self.among_param is None:
            return self.columns
        return self.columns_for(params[self.among_param].value) if self.tabled else None

    def read(self, facts: Facts, params: Params) -> tuple[tuple[str, ...], tuple[TV, ...]] | None:
        """The codes in scope and each one's item value; None when the collection is not given.

        By table look-ups for a checked mapping when `where` reads only item fields, else
        by testing `where` on each item."""
        given = facts.get(self.collection)
        if given is None:
            return None
        if self.tabled and type(given) is dict:
            columns = self.columns_in_force(params)
            assert columns is not None
            return columns.codes, columns.item_values(given)
        items = self._items(facts, params)
        assert items is not None
        return tuple(it["code"] for it in items), tuple(self.where.test(facts, params, it) for it in items)

    def test(self, facts: Facts, params: Params, item: Item | None) -> TV:
        read = self.read(facts, params)
        if read is None:
            return None
        return combine(self.kind, self.op, read[1], self.target(params))

    def trace(self, facts: Facts, params: Params) -> tuple[TV, TraceNode]:
        read = self.read(facts, params)
        name = self.param or self.among_param
        param = params[name] if name is not None else None
        if read is None:
            return None, TraceNode(
                self.trace_op, Truth.UNKNOWN, fact=FactUse(self.collection, None), param=param, operand=self.operand
            )
        codes, values = read
        value = combine(self.kind, self.op, values, self.target(params))
        columns = self.columns_in_force(params) if type(facts.get(self.collection)) is dict else None
        if columns is not None:  # the trace items tabled too
            items = tuple(map(operator.getitem, columns.results, values))
        else:
            items = tuple(ItemResult(code, Truth.of(tv)) for code, tv in zip(codes, values, strict=True))
        return value, TraceNode(
            self.trace_op,
            Truth.of(value),
            fact=FactUse(self.collection, "given"),
            param=param,
            operand=self.operand,
            items=items,
        )

    def can_be(self, want: bool, scope: Scope) -> bool:
        if self.among_param is not None:  # each value in force (found in review: the whole vocabulary's size)
            sizes = {len(set(v)) for v in scope.param_values(self.among_param)}
        else:
            sizes = {self.size if self.among is None else len(self.among)}
        inner_true = self.where.can_be(True, scope)
        inner_false = self.where.can_be(False, scope)
        return any(self._size_can_be(want, size, inner_true, inner_false, scope) for size in sizes)

    def _size_can_be(self, want: bool, size: int, inner_true: bool, inner_false: bool, scope: Scope) -> bool:
        if self.kind == "every":
            return (inner_true or size == 0) if want else (inner_false and size > 0)
        if self.kind == "some":
            return (inner_true and size > 0) if want else (inner_false or size == 0)
        low = 0 if inner_false or size == 0 else size
        high = size if inner_true else 0
        assert self.op is not None
        targets = scope.param_values(self.param) if self.param is not None else [self.operand]
        fn = COMPARISONS[self.op]
        return any(fn(c, t) == want for t in targets for c in range(low, high + 1))


def _fields_only(node: Node) -> bool:
    """Whether a `where` condition reads only the item's fields (so its value per item can be tabled).

    A field compared with a parameter reads the parameters too (found in review: the table,
    built without parameters, raised KeyError).
    """
    if isinstance(node, Comparison):
        return node.is_field and node.param is None
    if isinstance(node, Junction):
        return all(_fields_only(child) for child in node.children)
    if isinstance(node, Negation):
        return _fields_only(node.child)
    return False  # `known` reads a fact, a quantifier is not an item test


def _count_compare(op: str, sure: int, maybe: int, target: Any) -> TV:
    """Compare a count known to lie in [sure, maybe] with a target, three-valued: decided
    only when every count in the range gives the same answer."""
    fn = COMPARISONS[op]
    if op in MEMBERSHIP:  # not monotone: look at every count in the range (found in review)
        answers = {fn(count, target) for count in range(sure, maybe + 1)}
        return answers.pop() if len(answers) == 1 else None
    if op in ("eq", "ne") and sure <= target <= maybe and sure != maybe:
        return None  # the count may or may not equal the target
    low, high = fn(sure, target), fn(maybe, target)
    return low if low == high else None


def _comparison_possible(node: Comparison, operand: Any, want: bool) -> bool:
    vtype = node.vtype
    if vtype.kind in ("integer", "number"):
        low = vtype.low if vtype.low is not None else float("-inf")
        high = vtype.high if vtype.high is not None else float("inf")
        return _interval_possible([(node.op, operand, want)], low, high, vtype.kind == "integer")
    if vtype.kind == "enum" and vtype.values is not None:
        return bool(_enum_allowed(node.op, operand, want, vtype.values))
    if vtype.kind == "boolean" and node.op in ("eq", "ne"):
        return True
    return True


def _enum_allowed(op: str, operand: Any, want: bool, values: frozenset[str]) -> frozenset[str]:
    fn = COMPARISONS[op]
    return frozenset(v for v in values if fn(v, operand) == want)


def _interval_possible(constraints: list[tuple[str, Any, bool]], low: float, high: float, integral: bool) -> bool:
    """Whether one value in [low, high] meets every (op, operand, want) at once."""
    candidates: set[float] = {low, high}
    for _, operand, _ in constraints:
        if isinstance(operand, (int, float)) and not isinstance(operand, bool):
            if integral:  # the whole numbers around it (a fixed step missed 3 between 2.5 and 3.5)
                candidates.update(
                    {math.floor(operand) - 1, math.floor(operand), math.ceil(operand), math.ceil(operand) + 1}
                )
            else:  # the nearest floats: a step of 1e-9 vanished next to 1e8 (found in review)
                candidates.update({operand, math.nextafter(operand, -math.inf), math.nextafter(operand, math.inf)})
        elif isinstance(operand, (list, tuple, frozenset)):
            candidates.update(x for x in operand if isinstance(x, (int, float)) and not isinstance(x, bool))
    finite = sorted(c for c in candidates if math.isfinite(c)) or [0]
    if not integral:  # and a value strictly between any two of them
        finite += [a + (b - a) / 2 for a, b in itertools.pairwise(finite)]
    for candidate in finite:
        if not low <= candidate <= high or (integral and candidate != int(candidate)):
            continue
        if all(COMPARISONS[op](candidate, operand) == want for op, operand, want in constraints):
            return True
    return False


def _jointly_possible(children: Sequence[Node], want: bool, scope: Scope) -> bool:
    """Check literal comparisons on one fact in a conjunction against each other."""
    by_fact: dict[str, list[Comparison]] = {}
    for child in children:
        if isinstance(child, Comparison) and child.param is None and not child.is_field:
            by_fact.setdefault(child.name, []).append(child)
    for group in by_fact.values():
        vtype = group[0].vtype
        if vtype.kind in ("integer", "number"):
            low = vtype.low if vtype.low is not None else float("-inf")
            high = vtype.high if vtype.high is not None else float("inf")
            constraints = [(c.op, c.operand, want) for c in group]
            if not _interval_possible(constraints, low, high, vtype.kind == "integer"):
                return False
        elif vtype.kind == "enum" and vtype.values is not None:
            allowed = vtype.values
            for c in group:
                allowed = allowed & _enum_allowed(c.op, c.operand, want, vtype.values)
            if not allowed:
                return False
    return True


def check_provisional(spec: Any, nodes: Mapping[str, Node]) -> list[tuple[Path_, str]]:
    """Problems with the `provisional` facts of a ruleset's criteria, as (path, message).

    Only a gate may declare them; each must be a declared scalar fact of the ruleset
    that the gate itself does not read (what the gate reads is the assessment).
    `nodes` are the compiled conditions by criterion id.
    """
    problems: list[tuple[Path_, str]] = []
    for index, criterion in enumerate(spec.criteria):
        if not criterion.provisional:
            continue
        path: Path_ = ("criteria", index, "provisional")
        if criterion.role != "gate":
            problems.append(
                (path, f"only a gate criterion can hold facts provisional ({criterion.id} is {criterion.role})")
            )
            continue
        node = nodes.get(criterion.id)
        own = read_facts(node) if node is not None else frozenset()
        for at, name in enumerate(criterion.provisional):
            if name not in spec.facts:
                problems.append(((*path, at), f"undeclared fact {name!r}{_suggest(name, spec.facts)}"))
            elif spec.facts[name].type == "domain_statuses":
                problems.append(
                    ((*path, at), f"fact {name!r} is a collection: its items are assessed or not, never provisional")
                )
            elif name in own:
                problems.append(((*path, at), f"fact {name!r} is read by the gate itself, so it cannot be provisional"))
    return problems


def read_facts(node: Node) -> frozenset[str]:
    """Every fact a condition reads: compared, tested with `known`, or quantified over."""
    if isinstance(node, Comparison):
        return frozenset() if node.is_field else frozenset({node.name})
    if isinstance(node, Known):
        return frozenset({node.name})
    if isinstance(node, Quantifier):
        return frozenset({node.collection}) | read_facts(node.where)
    if isinstance(node, Junction):
        return frozenset().union(*(read_facts(child) for child in node.children))
    if isinstance(node, Negation):
        return read_facts(node.child)
    raise TypeError(f"unknown condition node {type(node).__name__}")


# ---------------------------------------------------------------- compiling


class _Invalid(Exception):  # noqa: N818 - internal: a problem was recorded, stop this branch
    pass


def compile_condition(raw: Any, scope: Scope, path: Path_) -> Node | None:
    """Compile a condition; problems go to `scope.problems` and None is returned."""
    try:
        return _compile(raw, scope, path, item_type=None)
    except _Invalid:
        return None


def _fail(scope: Scope, path: Path_, message: str) -> _Invalid:
    scope.problems.append((path, message))
    return _Invalid()


def _compile(raw: Any, scope: Scope, path: Path_, item_type: Vocabulary | None) -> Node:
    if not isinstance(raw, dict):
        raise _fail(scope, path, f"a condition must be a mapping, got {describe(raw)}")
    if "all" in raw or "any" in raw:
        op = "all" if "all" in raw else "any"
        _only_keys(raw, {op}, scope, path)
        parts = raw[op]
        if not isinstance(parts, list) or not parts:
            raise _fail(scope, (*path, op), f"'{op}' needs a non-empty list of conditions")
        children = []
        failed = False
        for index, part in enumerate(parts):
            try:
                children.append(_compile(part, scope, (*path, op, index), item_type))
            except _Invalid:
                failed = True
        if failed:
            raise _Invalid()
        return Junction(op, children)
    if "not" in raw:
        _only_keys(raw, {"not"}, scope, path)
        return Negation(_compile(raw["not"], scope, (*path, "not"), item_type))
    if "known" in raw:
        return _compile_known(raw, scope, path, item_type)
    if "fact" in raw or "field" in raw:
        return _compile_comparison(raw, scope, path, item_type)
    for kind in QUANTIFIERS:
        if kind in raw:
            if item_type is not None:
                raise _fail(scope, path, f"'{kind}' cannot be nested inside 'where'")
            return _compile_quantifier(kind, raw, scope, path)
    known = "all, any, not, fact, field, known, count, every, some"
    raise _fail(scope, path, f"unknown condition {sorted(raw)!r}; a condition starts with one of: {known}")


def _compile_known(raw: dict[str, Any], scope: Scope, path: Path_, item_type: Vocabulary | None) -> Known:
    """`{known: NAME}`: a declared scalar fact, outside `where` (an item's fields are always given)."""
    _only_keys(raw, {"known"}, scope, path)
    name = raw["known"]
    if item_type is not None:
        raise _fail(scope, path, "'known' tests a fact, not an item: it cannot stand inside 'where'")
    if not isinstance(name, str) or name not in scope.facts:
        raise _fail(scope, (*path, "known"), f"undeclared fact {name!r}{_suggest(name, scope.facts)}")
    if scope.facts[name].type == "domain_statuses":
        raise _fail(scope, (*path, "known"), f"fact {name!r} is a collection: use count/every/some")
    scope.facts_used.add(name)
    return Known(name)


def _only_keys(raw: dict[str, Any], allowed: set[str], scope: Scope, path: Path_) -> None:
    extra = sorted(set(raw) - allowed)
    if extra:
        raise _fail(scope, (*path, extra[0]), f"unexpected key(s) {extra} beside {sorted(allowed)}")


def _one_comparison(raw: dict[str, Any], scope: Scope, path: Path_, what: str) -> str:
    ops = [key for key in raw if key in COMPARISONS]
    if len(ops) != 1:
        names = ", ".join(COMPARISONS)
        raise _fail(scope, path, f"{what} needs exactly one comparison of: {names}; found {ops or 'none'}")
    return ops[0]


def _compile_comparison(raw: dict[str, Any], scope: Scope, path: Path_, item_type: Vocabulary | None) -> Comparison:
    is_field = "field" in raw
    name = raw["field"] if is_field else raw["fact"]
    key = "field" if is_field else "fact"
    op = _one_comparison(raw, scope, path, f"'{key}: {name}'")
    _only_keys(raw, {key, op}, scope, path)
    if is_field:
        if item_type is None:
            raise _fail(scope, (*path, "field"), "'field' is only allowed inside a quantifier's 'where'")
        if name not in item_type.field_types:
            fields = ", ".join(sorted(item_type.field_types))
            raise _fail(scope, (*path, "field"), f"unknown field {name!r}; fields: {fields}")
        vtype = item_type.field_types[name]
    else:
        if not isinstance(name, str) or name not in scope.facts:
            raise _fail(scope, (*path, "fact"), f"undeclared fact {name!r}{_suggest(name, scope.facts)}")
        scope.facts_used.add(name)
        vtype = scope.fact_type(name)
        if vtype.kind == "collection":
            raise _fail(scope, (*path, "fact"), f"fact {name!r} is a collection: use count/every/some")
    operand, param = _operand(raw[op], scope, (*path, op))
    _check_operand(op, vtype, operand, param, scope, (*path, op))
    return Comparison(name, is_field, op, operand, param, vtype)


def _compile_quantifier(kind: str, raw: dict[str, Any], scope: Scope, path: Path_) -> Quantifier:
    collection = raw[kind]
    if not isinstance(collection, str) or collection not in scope.facts:
        raise _fail(scope, (*path, kind), f"undeclared fact {collection!r}{_suggest(collection, scope.facts)}")
    spec = scope.facts[collection]
    if spec.type != "domain_statuses" or spec.vocabulary not in scope.vocabularies:
        raise _fail(scope, (*path, kind), f"fact {collection!r} is not a collection of domain statuses")
    scope.facts_used.add(collection)
    assert spec.vocabulary is not None  # checked just above
    vocabulary = scope.vocabularies[spec.vocabulary]
    allowed = {kind, "where", "among"}
    op = None
    if kind == "count":
        op = _one_comparison(raw, scope, path, f"'count: {collection}'")
        allowed.add(op)
    _only_keys(raw, allowed, scope, path)
    if "where" not in raw:
        raise _fail(scope, path, f"'{kind}' needs a 'where' condition on the items")
    where = _compile(raw["where"], scope, (*path, "where"), vocabulary)
    among, among_param = None, None
    if "among" in raw:
        among, among_param = _operand(raw["among"], scope, (*path, "among"))
        codes_type = ValueType("enum", values=frozenset(vocabulary.codes))
        _check_operand("in", codes_type, among, among_param, scope, (*path, "among"))
    operand, param = (None, None)
    if op is not None:
        operand, param = _operand(raw[op], scope, (*path, op))
        _check_operand(op, ValueType("integer", low=0, high=len(vocabulary.codes)), operand, param, scope, (*path, op))
    among_values = scope.param_values(among_param) if among_param is not None else ()
    return Quantifier(
        kind, collection, where, among, among_param, op, operand, param, len(vocabulary.codes), vocabulary, among_values
    )


def _operand(raw: Any, scope: Scope, path: Path_) -> tuple[Any, str | None]:
    if isinstance(raw, dict):
        if set(raw) != {"param"}:
            raise _fail(scope, path, "an operand mapping must be exactly {param: NAME}")
        name = raw["param"]
        if name not in scope.params:
            raise _fail(scope, (*path, "param"), f"undeclared parameter {name!r}{_suggest(name, scope.params)}")
        scope.params_used.add(name)
        return None, name
    if isinstance(raw, list):
        return tuple(raw), None
    return raw, None


def _check_operand(op: str, vtype: ValueType, operand: Any, param: str | None, scope: Scope, path: Path_) -> None:
    values = [operand] if param is None else scope.param_values(param)
    if param is not None:
        ptype = scope.param_type(param)
        if op in MEMBERSHIP and ptype.kind != "codes":
            raise _fail(scope, path, f"'{op}' needs a parameter of type codes; {param!r} is {ptype.kind}")
        if op not in MEMBERSHIP and ptype.kind != _param_kind_for(vtype):
            raise _fail(scope, path, f"parameter {param!r} is {ptype.kind}, but the value compared is {vtype.kind}")
        values = [tuple(v) if isinstance(v, list) else v for v in values]
    for value in values:
        if op in MEMBERSHIP:
            if not isinstance(value, tuple):
                raise _fail(scope, path, f"'{op}' needs a list, got {value!r}")
            for element in value:
                _check_scalar(vtype, element, scope, path)
        else:
            if op in ORDERED and vtype.kind not in ("integer", "number", "date"):
                raise _fail(scope, path, f"'{op}' orders values, but the value compared is {vtype.kind}")
            _check_scalar(vtype, value, scope, path)


def _param_kind_for(vtype: ValueType) -> str:
    return {"enum": "string", "date": "string"}.get(vtype.kind, vtype.kind)


def _check_scalar(vtype: ValueType, value: Any, scope: Scope, path: Path_) -> None:
    kind = vtype.kind
    ok = {
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "date": isinstance(value, datetime.date),
        "enum": isinstance(value, str),
        "nullable_boolean": isinstance(value, bool),
    }.get(kind, True)
    if not ok:
        raise _fail(scope, path, f"expected a {kind} value, got {describe(value)}")
    if kind == "enum" and vtype.values is not None and value not in vtype.values:
        raise _fail(scope, path, f"{value!r} is not one of: {', '.join(sorted(vtype.values))}")


def _suggest(name: object, known: Mapping[str, Any]) -> str:
    import difflib

    if not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
