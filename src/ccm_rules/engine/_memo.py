"""A bounded memo that keeps only what comes back: the trace caches of `decide()`.

Trace nodes are frozen, so one evaluated result can stand in every decision that reads
the same values; re-screening a caseload then costs a key and a look-up. But a record
never seen before would fill the memo with entries nobody asks for again, and every
entry kept is an object the garbage collector must scan (measured: on new records the
collector took a quarter of each decision's time). So a key is kept only on its second miss: the
first miss only notes its hash in a set of integers, which the collector does not scan.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MEMO_SIZE = 2048
"""Most entries a memo keeps; it is emptied when full."""


class Memo(Generic[K, V]):
    """A dict memo with a doorkeeper: `get` looks up, `keep` stores a value on its key's second miss.

    Which keys are kept never changes a result, only how fast it comes: a value kept
    must be exactly the value that would be computed again.
    """

    __slots__ = ("_entries", "_seen", "get", "size")

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size = size
        self._entries: dict[K, V] = {}
        self._seen: set[int] = set()
        self.get: Callable[[K], V | None] = self._entries.get

    def keep(self, key: K, value: V) -> V:
        """Store `value` under `key` if the key was missed before; return `value` either way."""
        digest = hash(key)
        seen = self._seen
        if digest not in seen:
            if len(seen) >= 4 * self.size:
                seen.clear()
            seen.add(digest)
            return value
        entries = self._entries
        if len(entries) >= self.size:
            entries.clear()
        entries[key] = value
        return value

    def clear(self) -> None:
        """Forget every entry and every key seen."""
        self._entries.clear()
        self._seen.clear()

    def __len__(self) -> int:
        return len(self._entries)
