"""What a decision records: outcome, per-criterion results, trace, open questions, pack.

Everything here is frozen and language-neutral; `explain()` renders it in a language.
"""

from __future__ import annotations

import datetime
import enum
from typing import Any

import attrs

from ._truth import Truth


def _freeze(value: Any) -> Any:
    """Lists (e.g. from JSON) become tuples, so a decision equals its own round trip."""
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


class Outcome(enum.StrEnum):
    """The three-valued answer of a ruleset."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"


class Status(enum.StrEnum):
    """Whether one criterion is met, not met, or unknown for lack of facts."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: bool | None) -> Status:
        if value is None:
            return cls.UNKNOWN
        return cls.MET if value else cls.NOT_MET


@attrs.frozen
class FactUse:
    """A fact a condition read; `value` is None when the fact was not given."""

    name: str
    value: Any = attrs.field(converter=_freeze)


@attrs.frozen(cache_hash=True)
class ParamUse:
    """A parameter value a condition used, with the dates it is valid for."""

    name: str
    value: Any = attrs.field(converter=_freeze)
    valid_from: datetime.date
    valid_until: datetime.date | None


@attrs.frozen
class ItemResult:
    """How one item of a collection (e.g. a life domain) fared in a quantifier."""

    key: str
    value: Truth


@attrs.frozen
class TraceNode:
    """One evaluated node of a condition: operator, operands used and its value."""

    op: str
    value: Truth
    fact: FactUse | None = None
    field: str | None = None
    param: ParamUse | None = None
    operand: Any = attrs.field(default=None, converter=_freeze)
    items: tuple[ItemResult, ...] = ()
    children: tuple[TraceNode, ...] = ()


@attrs.frozen
class Question:
    """Something still to find out that could settle an undetermined answer.

    `kind` is `fact` (answer the fact's question) or `item` (e.g. assess one life
    domain: `collection` is the fact, `key` the domain code).
    """

    kind: str
    key: str
    criteria: tuple[str, ...]
    collection: str | None = None

    @property
    def fact(self) -> str:
        """The fact to fill in, as a case file spells it: `referral_only`, or `domains.housing` for an item."""
        return self.key if self.collection is None else f"{self.collection}.{self.key}"


@attrs.frozen
class CriterionResult:
    """One criterion's status with the trace of its condition.

    `decide()` builds the trace when it is first read (see `LazyTrace`): equality, hashing,
    `repr`, pickling and JSON read it like any field, so a result is the same either way.
    """

    id: str
    status: Status
    role: str
    trace: TraceNode


LazyTrace = tuple[Any, ...]
"""A trace not built yet, as `CriterionResult.trace` holds it: `(build, reading, params)`.

`_evaluate.Evaluator` computes statuses, outcome and questions without traces, and leaves
in each result the function that builds its trace from the values already computed (the
reading) and the parameters used; the first read of `trace` calls it and keeps the trace.
A `TraceNode` is never a tuple, so the two cannot be confused.
"""


_TRACE_SLOT: Any = CriterionResult.__dict__["trace"]


def _read_trace(result: CriterionResult, _get: Any = _TRACE_SLOT.__get__, _set: Any = _TRACE_SLOT.__set__) -> TraceNode:
    value = _get(result)
    if type(value) is tuple:  # a `LazyTrace`
        build, reading, params = value
        value = build(reading, params)
        _set(result, value)  # the slot itself: the frozen class refuses `setattr`
    return value  # type: ignore[no-any-return]


CriterionResult.trace = property(_read_trace, _TRACE_SLOT.__set__, doc="The trace of the criterion's condition.")  # type: ignore[assignment]


@attrs.frozen
class PackPart:
    """One folder a merged pack was loaded from: the base pack, an area's own rule files, or an extension.

    `kind` is `base`, `area` or `extension`; `source` is what an extension's adaptation
    rests on (its manifest's `source`), so a decision names it (docs/regional-packs.md).
    """

    kind: str
    id: str
    version: str
    content_hash: str
    source: str | None = None


@attrs.frozen
class PackInfo:
    """Which rule pack made a decision: id, version and a hash of its content.

    `id`, `version` and `content_hash` are those of the effective pack. A pack merged from
    several folders (the base, areas' own rule files, regional extensions) lists them in
    `parts`, base first (`ccm-core+region 0.2.0+1.0.0`, its hash over the parts' hashes);
    a pack loaded from one folder has no parts.
    """

    id: str
    version: str
    content_hash: str
    parts: tuple[PackPart, ...] = ()


@attrs.frozen
class Decision:
    """The full, deterministic record of one decision.

    Same facts, same date and same pack give an equal `Decision`.
    """

    ruleset: str
    outcome: Outcome
    criteria: tuple[CriterionResult, ...]
    questions: tuple[Question, ...]
    facts: dict[str, Any]
    as_of: datetime.date
    pack: PackInfo

    def criterion(self, rule_id: str) -> CriterionResult:
        """The result of the criterion with this id."""
        for result in self.criteria:
            if result.id == rule_id:
                return result
        raise KeyError(rule_id)
