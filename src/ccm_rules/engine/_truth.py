"""Three-valued (Kleene) logic: `True`, `False` and `None` for unknown."""

from __future__ import annotations

import enum
from collections.abc import Iterable

TV = bool | None


class Truth(enum.StrEnum):
    """The value of a condition: true, false, or unknown because a fact is missing."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: TV) -> Truth:
        if value is None:
            return cls.UNKNOWN
        return cls.TRUE if value else cls.FALSE


def k_and(values: Iterable[TV]) -> TV:
    """Kleene conjunction: false wins, then unknown."""
    result: TV = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def k_or(values: Iterable[TV]) -> TV:
    """Kleene disjunction: true wins, then unknown."""
    result: TV = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


def k_not(value: TV) -> TV:
    return None if value is None else not value
