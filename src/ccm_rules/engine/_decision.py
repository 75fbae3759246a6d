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


@attrs.frozen
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
    """One criterion's status with the trace of its condition."""

    id: str
    status: Status
    role: str
    trace: TraceNode


@attrs.frozen
class PackInfo:
    """Which rule pack made a decision: id, version and a hash of its content."""

    id: str
    version: str
    content_hash: str


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
