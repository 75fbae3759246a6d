"""The word lists for reading goal wording (`rules/goals/lexicon.yaml`), compiled to matchers.

A list entry is a word or a phrase, matched case-insensitively on whole words; `*`
inside a word stands for any letters, and a lone `*` word for any one word. This
small glob language keeps the vocabulary readable for domain experts, who edit it as
data; no regular expression is written by hand for any language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import attrs

DURATION_UNITS = ("day", "week", "month", "year")


def _word_pattern(word: str) -> str:
    if word == "*":
        return r"\w+"
    return r"\w*".join(re.escape(part) for part in word.split("*"))


def entry_pattern(entry: str) -> str:
    """The regular expression (source) of one list entry: whole words, any whitespace between them."""
    words = entry.casefold().split()
    body = r"\s+".join(_word_pattern(w) for w in words)
    return rf"(?<![\w]){body}(?![\w'’])"


@functools.cache
def compile_list(entries: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern matching any entry (longest first, so phrases win over their words)."""
    if not entries:
        return None
    ordered = sorted(set(entries), key=lambda e: (-len(e), e))
    return re.compile("|".join(f"(?:{entry_pattern(e)})" for e in ordered))


@attrs.frozen
class Hit:
    """One match of a list in a text: which list, the words matched and where."""

    kind: str
    text: str
    start: int
    end: int


def find(entries: list[str] | tuple[str, ...], text: str, kind: str) -> Iterator[Hit]:
    """Every non-overlapping match of a word list in `text` (already case-folded)."""
    pattern = compile_list(tuple(entries))
    if pattern is None:
        return
    for m in pattern.finditer(text):
        yield Hit(kind, m.group(0), m.start(), m.end())


def alternation(entries: list[str] | tuple[str, ...]) -> str:
    """A non-capturing group matching any entry, for building larger patterns from lists."""
    ordered = sorted(set(entries), key=lambda e: (-len(e), e))
    return "(?:" + "|".join(r"\s+".join(_word_pattern(w) for w in e.casefold().split()) for e in ordered) + ")"
