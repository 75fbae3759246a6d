"""Evaluating a ruleset: criteria → outcome, and what is still to ask when undetermined."""

from __future__ import annotations

import datetime
import itertools
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._conditions import (
    Comparison,
    Junction,
    Known,
    Negation,
    Node,
    Params,
    Provisional,
    Quantifier,
    combine,
)
from ._decision import (
    CriterionResult,
    Decision,
    FactUse,
    ItemResult,
    Outcome,
    PackInfo,
    Question,
    Status,
    TraceNode,
)
from ._memo import MEMO_SIZE, Memo
from ._truth import Truth

if TYPE_CHECKING:
    from ._pack import Criterion, Ruleset


def decide(ruleset: Ruleset, facts: Mapping[str, Any], as_of: datetime.date | None = None) -> Decision:
    """Validate `facts` (raising `FactsError` with every problem) and decide.

    `as_of` picks the parameter values in force; it defaults to today and is recorded.
    Each criterion's trace is built when it is first read (`CriterionResult.trace`).
    """
    ready = ruleset.fast_facts.ready(facts)
    on = as_of if as_of is not None else datetime.date.today()
    evaluator: Evaluator = ruleset.evaluator
    return evaluator.decide(ready, ruleset.params_at(on), on)


Concluded = tuple[tuple[CriterionResult, ...], Outcome, tuple[Question, ...]]

_TV_OF = {Status.MET: "True", Status.NOT_MET: "False", Status.UNKNOWN: "None"}
_OPS = {"eq": "==", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "in": "in", "not_in": "not in"}


class Evaluator:
    """A ruleset's criteria compiled into one Python function, generated from their condition trees.

    Built once, when the ruleset is loaded, and never changed after: `decide` is generated
    source (as attrs and cattrs generate their methods) that reads each fact and parameter
    once, computes every node's three-valued value in locals, concludes the outcome with
    `allows_eligible` and `refuses` (tabled over every status), and, when undetermined,
    collects the open questions from the same locals as `open_questions` collects them from
    traces. Each criterion's trace is left to `CriterionResult.trace`, which builds it from
    the tree (`Node.trace`) on first read, through a memo keyed on the criterion's reading.

    The tree stays the one semantics: the generated code is derived from it node by node,
    calls its `combine` and `_count_compare`, and falls back to `Node.test` for what it
    does not table; the differential tests hold the two (and the columnar screener) equal.
    """

    def __init__(self, ruleset_id: str, criteria: Sequence[Criterion], pack: PackInfo) -> None:
        self.ruleset_id = ruleset_id
        self.criteria = tuple(criteria)
        self.pack = pack
        self.provisional = provisional_gates(self.criteria)
        """(index of a gate, its provisional facts) for each gate that has some."""
        self._questions: dict[tuple[str, tuple[str, ...]], Question] = {}
        self.asks: dict[str, _Ask] = {}
        """Every question the generated code can ask, by its text key."""
        generator = _Generator(self)
        self.source = generator.source()
        """The generated Python source of `decide` (kept for reading and debugging)."""
        namespace = {**self._namespace(), **generator.constants}
        self.memos = tuple(value for value in generator.constants.values() if isinstance(value, Memo))
        """The trace memos of the generated code (bounded, kept on a reading's second miss)."""
        exec(compile(self.source, f"<ccm_rules evaluator {ruleset_id}>", "exec"), namespace)  # noqa: S102 - source generated from the compiled tree, never from input
        self.decide: Callable[[Mapping[str, Any], Params, datetime.date], Decision] = namespace["decide"]

    def _namespace(self) -> dict[str, Any]:
        return {
            "STATUS": {True: Status.MET, False: Status.NOT_MET, None: Status.UNKNOWN},
            "CR": CriterionResult,
            "DECISION": Decision,
            "ELIGIBLE": Outcome.ELIGIBLE,
            "NOT_ELIGIBLE": Outcome.NOT_ELIGIBLE,
            "UNDETERMINED": Outcome.UNDETERMINED,
            "PROVISIONAL": Provisional,
            "COMBINE": combine,
            "GETITEM": operator.getitem,
            "MERGE": self.merge,
            "RULESET": self.ruleset_id,
            "PACK": self.pack,
            "TN": TraceNode,
            "FU": FactUse,
            "ITEM": ItemResult,
            "TRUTH": {True: Truth.TRUE, False: Truth.FALSE, None: Truth.UNKNOWN},
        }

    def evaluate(self, facts: Mapping[str, Any], params: Params) -> Concluded:
        """The criteria, outcome and questions for checked facts and the parameters in force."""
        decision = self.decide(facts, params, datetime.date.min)
        return decision.criteria, decision.outcome, decision.questions

    def merge(self, asked: list[tuple[str, str]]) -> tuple[Question, ...]:
        """Questions in the order first asked, each naming every criterion that asks it.

        `asked` holds (ask, criterion id) pairs, an ask being a key of `self.asks` (text, so
        that its hash is computed once)."""
        criteria: dict[str, tuple[str, ...]] = {}
        for ask, rule_id in asked:
            ids = criteria.get(ask)
            if ids is None:
                criteria[ask] = (rule_id,)
            elif rule_id not in ids:
                criteria[ask] = (*ids, rule_id)
        known = self._questions.get
        return tuple([known(entry) or self._question(entry) for entry in criteria.items()])

    def _question(self, entry: tuple[str, tuple[str, ...]]) -> Question:
        """The frozen `Question`, made once: a ruleset asks few distinct ones, and each costs a microsecond."""
        cache = self._questions
        if len(cache) >= 4096:
            cache.clear()
        kind, key, collection = self.asks[entry[0]]
        found = cache[entry] = Question(kind, key, entry[1], collection)
        return found


def _has_quantifier(node: Node) -> bool:
    if isinstance(node, Quantifier):
        return True
    if isinstance(node, Junction):
        return any(_has_quantifier(child) for child in node.children)
    return isinstance(node, Negation) and _has_quantifier(node.child)


def _fact_names(node: Node) -> list[str]:
    """The scalar facts a quantifier-free condition reads, in order, once each."""
    if isinstance(node, Comparison | Known):
        return [node.name]
    children = node.children if isinstance(node, Junction) else (node.child,) if isinstance(node, Negation) else ()
    return list(dict.fromkeys(name for child in children for name in _fact_names(child)))


def _param_names(node: Node) -> list[str]:
    """The parameters a quantifier-free condition reads, in order, once each."""
    if isinstance(node, Comparison):
        return [node.param] if node.param is not None else []
    children = node.children if isinstance(node, Junction) else (node.child,) if isinstance(node, Negation) else ()
    return list(dict.fromkeys(name for child in children for name in _param_names(child)))


class _Generator:
    """Writes the Python source of an `Evaluator`'s `decide` from its criteria's trees."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self.counter = itertools.count()
        self.facts: dict[str, str] = {}
        self.params: dict[str, str] = {}
        self.vars: dict[int, str] = {}
        self.quantifiers: dict[int, tuple[str, str]] = {}  # node → (codes variable, item values variable)

    def const(self, value: Any) -> str:
        name = f"K{len(self.constants)}"
        self.constants[name] = value
        return name

    def new(self, prefix: str = "v") -> str:
        return f"{prefix}{next(self.counter)}"

    def fact(self, name: str) -> str:
        if name not in self.facts:
            self.facts[name] = f"f{len(self.facts)}"
        return self.facts[name]

    def param(self, name: str) -> str:
        if name not in self.params:
            self.params[name] = f"p{len(self.params)}"
        return self.params[name]

    def source(self) -> str:
        ev = self.evaluator
        body: list[str] = []
        tops: list[str] = []
        for criterion in ev.criteria:
            tops.append(self.node(criterion.node, body, "    ", held=False))
        for i, top in enumerate(tops):
            body.append(f"    s{i} = STATUS[{top}]")
        traces = [self.trace_function(i, c.node) for i, c in enumerate(ev.criteria)]
        results = ", ".join(
            f"CR({c.id!r}, s{i}, {c.spec.role!r}, (trace{i}, ({''.join(v + ', ' for v in traces[i][1])}), params))"
            for i, c in enumerate(ev.criteria)
        )
        body.append(f"    criteria = ({results},)")
        body.extend(self.conclusion(tops))
        body.append("    return DECISION(RULESET, outcome, criteria, questions, facts, on, PACK)")
        firms = [self.firm_function(i) for i, c in enumerate(ev.criteria) if self.can_refuse_on_firm(i)]
        head = ["def decide(facts, params, on):", "    get = facts.get"]
        head += [f"    {var} = get({name!r})" for name, var in self.facts.items()]
        head += [f"    {var} = params[{name!r}]" for name, var in self.params.items()]
        lines = [
            *itertools.chain.from_iterable(firms),
            *itertools.chain.from_iterable(t for t, _ in traces),
            *head,
            *body,
        ]
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------ traces

    def trace_function(self, index: int, node: Node) -> tuple[list[str], list[str]]:
        """`trace{index}(reading, params)`: the criterion's trace from the values `decide` computed.

        Returns the function's lines and the locals of `decide` it reads (its reading, in
        order). A comparison's or `known`'s trace node depends only on its fact's value and
        type and the parameter used, so it is memoised on them (bounded): on new records
        those repeat. The rest is built anew, from table look-ups where a quantifier is tabled.
        """
        reads: list[str] = []
        out: list[str] = []
        top = self.trace_node(node, out, reads)
        head = [f"def trace{index}(reading, params):", f"    {''.join(v + ', ' for v in reads)}= reading"]
        if not _has_quantifier(node):  # the whole trace is a function of the facts' values and types and the parameters
            facts = [self.facts[name] for name in _fact_names(node)]
            params = "".join(f"params[{name!r}], " for name in _param_names(node))
            memo = self.const(Memo())
            head += [
                f"    key = ({''.join(f'{f}, type({f}), ' for f in facts)}{params})",
                f"    found = {memo}.get(key)",
                "    if found is not None:",
                "        return found",
            ]
            return [*head, *out, f"    return {memo}.keep(key, {top})", ""], reads
        return [*head, *out, f"    return {top}", ""], reads

    def trace_node(self, node: Node, out: list[str], reads: list[str]) -> str:
        var = self.vars[id(node)]
        name = f"n{var}"
        reads.append(var)
        if isinstance(node, Comparison | Known):
            fact = self.facts[node.name]
            reads.append(fact)
            memo = self.const({})
            param = None if isinstance(node, Known) or node.param is None else node.param
            key = f"({fact}, type({fact}), params[{param!r}])" if param is not None else f"({fact}, type({fact}))"
            if isinstance(node, Known):
                build = f"TN('known', TRUTH[{var}], fact=FU({node.name!r}, {fact}))"
            else:
                use = f"params[{param!r}]" if param is not None else "None"
                build = f"TN({node.op!r}, TRUTH[{var}], fact=FU({node.name!r}, {fact}), param={use}, operand={self.const(node.operand)})"
            out += [
                f"    {name}k = {key}",
                f"    {name} = {memo}.get({name}k)",
                f"    if {name} is None:",
                f"        if len({memo}) >= 1024:",
                f"            {memo}.clear()",
                f"        {name} = {memo}[{name}k] = {build}",
            ]
        elif isinstance(node, Negation):
            child = self.trace_node(node.child, out, reads)
            out.append(f"    {name} = TN('not', TRUTH[{var}], children=({child},))")
        elif isinstance(node, Junction):
            children = [self.trace_node(child, out, reads) for child in node.children]
            out.append(f"    {name} = TN({node.op!r}, TRUTH[{var}], children=({''.join(c + ', ' for c in children)}))")
        elif isinstance(node, Quantifier):
            codes, values = self.quantifiers[id(node)]
            reads += [codes, values, f"{var}t"]
            param = node.param or node.among_param
            use = f"params[{param!r}]" if param is not None else "None"
            operand = self.const(node.operand)
            # a memo only where readings can come back: at most three values per item in scope, and a memo of MEMO_SIZE entries
            scopes = [node.columns] if node.columns is not None else list(node.columns_by_among.values())
            repeats = bool(scopes) and 3 ** max(len(c.codes) for c in scopes) <= 4 * MEMO_SIZE
            out += [
                f"    if {codes} is None:",
                f"        {name} = TN({node.trace_op!r}, TRUTH[None], fact={self.const(FactUse(node.collection, None))}, param={use}, operand={operand})",
            ]
            if not repeats:
                out += [
                    f"    elif {var}t is not None:",
                    f"        {name} = TN({node.trace_op!r}, TRUTH[{var}], fact={self.const(FactUse(node.collection, 'given'))}, param={use}, operand={operand}, items=tuple(map(GETITEM, {var}t.results, {values})))",
                ]
            memo = (
                self.const(Memo()) if repeats else ""
            )  # keyed on the item values and the parameter, which a tabled trace is a function of
            out += (
                []
                if not repeats
                else [
                    f"    elif {var}t is not None:",
                    f"        {name}k = ({values}, {use})",
                    f"        {name} = {memo}.get({name}k)",
                    f"        if {name} is None:",
                    f"            {name}s = tuple(map(GETITEM, {var}t.results, {values}))",
                    f"            {name} = {memo}.keep({name}k, TN({node.trace_op!r}, TRUTH[{var}], fact={self.const(FactUse(node.collection, 'given'))}, param={use}, operand={operand}, items={name}s))",
                ]
            )
            out += [
                "    else:",
                f"        {name}s = tuple(map(ITEM, {codes}, map(TRUTH.__getitem__, {values})))",
                f"        {name} = TN({node.trace_op!r}, TRUTH[{var}], fact={self.const(FactUse(node.collection, 'given'))}, param={use}, operand={operand}, items={name}s)",
            ]
        else:
            raise TypeError(f"cannot generate a trace for {type(node).__name__}")
        return name

    # ------------------------------------------------------------ values

    def node(self, node: Node, out: list[str], pad: str, held: bool) -> str:
        """Lines computing `node`'s value into a new local; returns the local's name."""
        var = self.new()
        self.vars[id(node)] = var
        if isinstance(node, Comparison) and not node.is_field:
            fact = self.fact(node.name)
            if held:
                out.append(f"{pad}{fact}h = None if {node.name!r} in held else {fact}")
                fact = f"{fact}h"
            operand = f"{self.param(node.param)}.value" if node.param is not None else self.const(node.operand)
            out.append(f"{pad}{var} = None if {fact} is None else ({fact} {_OPS[node.op]} {operand})")
        elif isinstance(node, Known):
            fact = self.fact(node.name)
            known = f"{fact} is not None"
            out.append(f"{pad}{var} = None if {node.name!r} in held else {known}" if held else f"{pad}{var} = {known}")
        elif isinstance(node, Negation):
            child = self.node(node.child, out, pad, held)
            out.append(f"{pad}{var} = None if {child} is None else not {child}")
        elif isinstance(node, Junction):
            children = [self.node(child, out, pad, held) for child in node.children]
            first, then, last = ("False", "None", "True") if node.op == "all" else ("True", "None", "False")
            sure = " or ".join(f"{c} is {first}" for c in children)
            maybe = " or ".join(f"{c} is None" for c in children)
            out.append(f"{pad}{var} = {first} if ({sure}) else {then} if ({maybe}) else {last}")
        elif isinstance(node, Quantifier):
            self.quantifier(node, var, out, pad, held)
        else:
            raise TypeError(f"cannot generate code for {type(node).__name__}")
        return var

    def quantifier(self, node: Quantifier, var: str, out: list[str], pad: str, held: bool) -> None:
        given = self.fact(node.collection)
        codes, values = f"{var}c", f"{var}i"
        self.quantifiers[id(node)] = (codes, values)
        target = f"{self.param(node.param)}.value" if node.param is not None else self.const(node.operand)
        facts = "PROVISIONAL(facts, held)" if held else "facts"
        out.append(f"{pad}if {given} is None:")
        out.append(f"{pad}    {var} = {codes} = {values} = {var}t = None")
        out.append(f"{pad}else:")
        inner = pad + "    "
        if not node.tabled:
            out.append(f"{inner}{var}t = None")
        if node.tabled:  # a checked mapping is read by look-ups in the columns compiled at load time
            if node.among_param is None:
                columns = self.const(node.columns)
            else:
                columns = f"{self.const(node.columns_by_among)}.get({self.param(node.among_param)}.value)"
            out.append(f"{inner}{var}t = {columns} if type({given}) is dict else None")
            out.append(f"{inner}if {var}t is not None:")
            out.append(f"{inner}    {codes} = {var}t.codes")
            out.append(f"{inner}    {values} = tuple(map(GETITEM, {var}t.values, map({given}.get, {codes})))")
            out.append(f"{inner}else:")
            inner += "    "
        out.append(f"{inner}{codes}, {values} = {self.const(node)}.read({facts}, params)")
        out.append(f"{pad}    {var} = COMBINE({node.kind!r}, {node.op!r}, {values}, {target})")

    # ------------------------------------------------------------ outcome, firm statuses, questions

    def can_refuse_on_firm(self, index: int) -> bool:
        """Whether criterion `index` may need its firm status: a required one, beside gates with provisional facts."""
        return bool(self.evaluator.provisional) and self.evaluator.criteria[index].spec.role == "required"

    def firm_function(self, index: int) -> list[str]:
        """`firm{index}(facts, params, held)`: the criterion's value with the `held` facts read as unknown."""
        saved = (self.vars, self.quantifiers)
        self.vars, self.quantifiers = {}, {}
        out: list[str] = []
        top = self.node(self.evaluator.criteria[index].node, out, "    ", held=True)
        self.vars, self.quantifiers = saved
        reads = [f"    {var} = get({name!r})" for name, var in self.facts.items()]
        reads += [f"    {var} = params[{name!r}]" for name, var in self.params.items()]
        return [f"def firm{index}(facts, params, held):", "    get = facts.get", *reads, *out, f"    return {top}", ""]

    def conclusion(self, tops: list[str]) -> list[str]:
        ev = self.evaluator
        out: list[str] = []
        eligible = []
        for i, c in enumerate(ev.criteria):
            allowed = [s for s in Status if allows_eligible(c.spec.role, s)]
            if len(allowed) < len(Status):
                eligible.append(
                    "(" + " or ".join(f"{tops[i]} is {_TV_OF[s]}" for s in allowed) + ")" if allowed else "False"
                )
        out.append(f"    if {' and '.join(eligible) or 'True'}:")
        out.append("        outcome = ELIGIBLE")
        out.append("        questions = ()")
        out.append("    else:")
        if ev.provisional:
            out.append("        held = frozenset()")
            for at, names in ev.provisional:
                out.append(f"        if {tops[at]} is not True:")  # not met: unknown counts as not met
                out.append(f"            held = held | {self.const(names)}")
        refusing = []
        for i, c in enumerate(ev.criteria):
            role = c.spec.role
            for s in Status:
                if ev.provisional and role == "required" and s is Status.NOT_MET:
                    firm_refuses = [f for f in Status if refuses(role, s, f)]
                    if firm_refuses == [Status.NOT_MET]:
                        refusing.append(f"({tops[i]} is False and (not held or firm{i}(facts, params, held) is False))")
                    elif firm_refuses:
                        raise NotImplementedError("a refusal on a firm status other than not met")
                elif refuses(role, s, s):
                    refusing.append(f"{tops[i]} is {_TV_OF[s]}")
        out.append(f"        if {' or '.join(refusing) or 'False'}:")
        out.append("            outcome = NOT_ELIGIBLE")
        out.append("            questions = ()")
        out.append("        else:")
        out.append("            outcome = UNDETERMINED")
        out.append("            asked = []")
        gates_first = sorted(range(len(ev.criteria)), key=lambda i: ev.criteria[i].spec.role != "gate")
        for i in gates_first:
            c = ev.criteria[i]
            if c.spec.role == "informative":
                continue
            out.extend(self.asks(c.node, None, c.id, "            "))  # unknown: what is missing
            if c.spec.role == "gate":  # a gate not met: what failed
                out.extend(self.asks(c.node, False, c.id, "            "))
        out.append("            questions = MERGE(asked) if asked else ()")
        return out

    def ask(self, kind: str, key: str, collection: str | None) -> str:
        """The text key of a question (`Evaluator.asks` maps it back)."""
        text = f"{kind}:{key}" if collection is None else f"{kind}:{collection}:{key}"
        self.evaluator.asks[text] = (kind, key, collection)
        return text

    def asks(self, node: Node, want: bool | None, rule_id: str, pad: str) -> list[str]:
        """Lines adding what below `node` made it `want`, as `_walk` finds it in the trace."""
        var = self.vars[id(node)]
        inner = pad + "    "
        body: list[str] = []
        if isinstance(node, Comparison | Known):
            fact = self.facts[node.name]
            body = [
                f"{inner}if {fact} is None:",
                f"{inner}    asked.append(({self.ask('fact', node.name, None)!r}, {rule_id!r}))",
            ]
        elif isinstance(node, Quantifier):
            given = self.facts[node.collection]
            codes, values = self.quantifiers[id(node)]
            assert node.vocabulary is not None
            items = self.const({code: self.ask("item", code, node.collection) for code in node.vocabulary.codes})
            body = [
                f"{inner}if {given} is None:",
                f"{inner}    asked.append(({self.ask('fact', node.collection, None)!r}, {rule_id!r}))",
                f"{inner}else:",
                f"{inner}    asked += [({items}[code], {rule_id!r}) for code, tv in zip({codes}, {values}) if tv is {want} or tv is None]",
            ]
        elif isinstance(node, Junction):
            for child in node.children:
                body.extend(self.asks(child, want, rule_id, inner))
        elif isinstance(node, Negation):
            body = self.asks(node.child, None if want is None else not want, rule_id, inner)
        if not body:
            return []
        return [f"{pad}if {var} is {want}:", *body]


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
        (at, frozenset(c.spec.provisional))
        for at, c in enumerate(criteria)
        if c.spec.role == "gate" and c.spec.provisional
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
