"""The sizes every reader accepts, and one bounded walk that checks a document against them.

Input comes from people and from other systems, so no reader trusts its size: a file of
aliases that expands a billion-fold (YAML "billion laughs"), 2 million keys, a 60 MB case
code, a number of 6,000 digits or JSON nested 100,000 deep must each be refused with a
clear error, in bounded time and memory, before anything walks the data recursively.
The limits are far above any real case file, rule file, FHIR resource or request
(docs/reliability.md lists them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from ._problem_texts import Message

MAX_FILE_CHARS = 10_000_000
"""Characters in one file or request body (about 10 MB)."""
MAX_DEPTH = 64
"""Levels of nesting (a FHIR Bundle goes about 15 deep, a rule's conditions about 10)."""
MAX_KEYS = 10_000
"""Keys in one mapping."""
MAX_ITEMS = 100_000
"""Items in one list."""
MAX_TEXT = 100_000
"""Characters in one text value."""
MAX_VALUES = 1_000_000
"""Values in one document, counted as a reader will walk it (a YAML alias counts its anchor's values again)."""
MAX_DIGITS = 1_000
"""Digits of one number (Python itself refuses integers past 4,300 digits)."""


@attrs.frozen
class LimitExceeded:
    """One limit passed: the message, and where (a key path) if it is known."""

    message: Message
    path: tuple[str | int, ...] = ()


def too_long(text: str) -> Message | None:
    """A whole file or body larger than `MAX_FILE_CHARS`."""
    if len(text) > MAX_FILE_CHARS:
        return Message("limit.file", {"size": len(text), "limit": MAX_FILE_CHARS})
    return None


def number_too_long(digits: str) -> Message | None:
    """A number written with more than `MAX_DIGITS` digits."""
    count = sum(ch.isdigit() for ch in digits)
    return Message("limit.digits", {"digits": count, "limit": MAX_DIGITS}) if count > MAX_DIGITS else None


def check_data(data: Any) -> LimitExceeded | None:
    """The first limit that plain data (from JSON) passes, walked without recursion."""
    values = 0
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        values += 1
        if values > MAX_VALUES:
            return LimitExceeded(Message("limit.values", {"limit": MAX_VALUES}), path)
        if len(path) > MAX_DEPTH:
            return LimitExceeded(Message("limit.depth", {"limit": MAX_DEPTH}), path[:8])  # where it starts
        if found := _size_problem(node):
            return LimitExceeded(found, path)
        stack.extend(_children(node, path))
    return None


def _children(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[Any, tuple[str | int, ...]]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield value, (*path, str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield value, (*path, index)


def _size_problem(node: Any) -> Message | None:
    if isinstance(node, Mapping):
        return size_problem(len(node), "keys")
    if isinstance(node, list):
        return size_problem(len(node), "items")
    if isinstance(node, str):
        return size_problem(len(node), "text")
    return None


def size_problem(count: int, kind: str) -> Message | None:
    """A mapping (`kind="keys"`), list (`"items"`) or text (`"text"`) of `count` past its limit."""
    limit = {"keys": MAX_KEYS, "items": MAX_ITEMS, "text": MAX_TEXT}[kind]
    if count <= limit:
        return None
    return Message(f"limit.{kind}", {"length" if kind == "text" else "count": count, "limit": limit})
