"""Citations of the seed texts: a reference read into its parts, and its quote found at its lines.

A rule file cites a seed as `<seed file> §<section>`, optionally with the lines the passage
stands on — `(line N)`, `(lines N-M)` or `LN-M` (several spans: `L670-677, L702-705`) —
and quotes the seed's own words in `quote`. `citation_drift` checks every citation of a
loaded pack against the seed texts, so that a quote cannot silently drift away from its
lines when a rule or a line number is edited: the cited section must be one of its seed
(`rules/seeds.yaml`, kind `seed_sections`), the cited lines must lie within it, and the
quote's words must stand, in order, on those lines (within the section when no lines are
cited).

Quotes are compared word by word: punctuation, line breaks, markup (`<b>`) and case do not
count, so a quote may join a list of bullet lines with commas. An ellipsis (`…` or `...`)
or ` | ` between table cells leaves words out; the parts around it must still come in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs

from ._errors import Problem
from ._spec import Source, register_kind

if TYPE_CHECKING:
    from ._pack import RulePack

SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
"""How a seed file is named: `<nnn>_<16 hex digits>.txt`."""

_SEED_PART = re.compile(rf"(?P<file>{SEED_FILE.pattern})(?: (?P<sections>§.*))?")
_PAREN_LINES = re.compile(r" \((?P<word>lines?) (?P<spans>\d+(?:\s*[-–]\s*\d+)?)\)$")
_L_LINES = re.compile(r" (?P<spans>L\d+(?:\s*[-–]\s*\d+)?(?:, L\d+(?:\s*[-–]\s*\d+)?)*)$")
_SPAN = re.compile(r"(\d+)(?:\s*[-–]\s*(\d+))?")
_GAP = re.compile(r"\s*(?:…|\.\.\.|\s\|\s)\s*")
_MARKUP = re.compile(r"<[^>]{1,40}>")
_WORD = re.compile(r"\w+")


@attrs.frozen
class SeedSection:
    """One cited section of a seed: its label as written, and the lines it names (may be none).

    `lines` holds inclusive `(first, last)` spans, in the order the reference gives them.
    """

    file: str
    label: str
    lines: tuple[tuple[int, int], ...] = ()

    @property
    def lines_text(self) -> str:
        """The lines as a reader writes them: `147`, `147–148`, `670–677, 702–705` ("" if none)."""
        return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in self.lines)


def parse_ref(ref: str) -> tuple[SeedSection, ...]:
    """The seed sections a reference cites, in its order; a publication or project policy cites none.

    Parts of a reference are separated by `; `, sections of one seed by `, §`:

    >>> [(s.label, s.lines) for s in parse_ref("002_d392965ea9d1d7b7.txt §staffing (line 210); 004_510c44708344b2e6.txt §ACT, §ACT vs ICM (lines 147-148)")]
    [('staffing', ((210, 210),)), ('ACT', ()), ('ACT vs ICM', ((147, 148),))]
    >>> [(s.label, s.lines) for s in parse_ref("000_5ffae0410bee8b00.txt §Fázisok L670-677, L702-705")]
    [('Fázisok', ((670, 677), (702, 705)))]
    >>> parse_ref("project policy")
    ()
    """
    sections: list[SeedSection] = []
    for part in ref.split("; "):
        seed = _SEED_PART.fullmatch(part.strip())
        if seed is None:
            continue
        if not seed["sections"]:
            sections.append(SeedSection(seed["file"], ""))
            continue
        for text in seed["sections"].removeprefix("§").split(", §"):
            found = _PAREN_LINES.search(text) or _L_LINES.search(text)
            label = text[: found.start()] if found else text
            spans = tuple((int(a), int(b or a)) for a, b in _SPAN.findall(found["spans"])) if found else ()
            sections.append(SeedSection(seed["file"], label.strip(), spans))
    return tuple(sections)


@attrs.frozen
class SeedSpec:
    """The sections of one seed text: label → `first-last` lines (inclusive), as the rule files cite them.

    Labels are the seed's own numbering where it has one (`2.2`, `b`, `7`) and otherwise
    the English name the rule files use for a passage (`ACT vs ICM`, `case conference`);
    sections may nest (`case conference` lies within `b`).
    """

    lines: int
    sections: dict[str, str]


@attrs.frozen
class SeedSectionsSpec:
    """`kind: seed_sections` (`rules/seeds.yaml`): where each cited section of each seed stands."""

    kind: Literal["seed_sections"]
    seeds: dict[str, SeedSpec]


register_kind("seed_sections", SeedSectionsSpec)


def _span(text: str) -> tuple[int, int] | None:
    found = _SPAN.fullmatch(text.strip())
    return (int(found[1]), int(found[2] or found[1])) if found else None


def section_lines(seed: SeedSpec, label: str) -> tuple[int, int] | None:
    """The lines of a section label: as listed, without a trailing `(note)`, or a range `1-4` / `a-b`."""
    candidates = [label, re.sub(r"\s*\(.*\)$", "", label)]
    for candidate in candidates:
        if candidate in seed.sections:
            return _span(seed.sections[candidate])
    for candidate in candidates:
        first, dash, last = candidate.partition("-")
        if dash and first in seed.sections and last in seed.sections:
            a, b = _span(seed.sections[first]), _span(seed.sections[last])
            if a and b:
                return a[0], b[1]
    return None


@attrs.frozen
class Citation:
    """One `source` of a rule file: what it says and where it stands (file, line, path, rule id)."""

    source: Source
    file: str
    line: int | None
    path: str
    rule_id: str | None = None

    @property
    def sections(self) -> tuple[SeedSection, ...]:
        return parse_ref(self.source.ref)


def words(text: str) -> list[str]:
    """The words of a text as quotes are compared: markup dropped, case folded, punctuation ignored."""
    return [w.casefold() for w in _WORD.findall(_MARKUP.sub(" ", text))]


def quote_parts(quote: str) -> list[list[str]]:
    """A quote's words, split where an ellipsis or a table-cell bar leaves words out."""
    return [w for w in (words(part) for part in _GAP.split(quote)) if w]


def _find(needle: Sequence[str], haystack: Sequence[str], start: int) -> int:
    """Index of `needle` in `haystack` at or after `start`, or -1."""
    n = len(needle)
    for i in range(start, len(haystack) - n + 1):
        if haystack[i : i + n] == needle:
            return i
    return -1


def _tokens(seed_lines: Sequence[str], spans: Iterable[tuple[int, int]]) -> tuple[list[str], list[int]]:
    """The words on the given lines (1-based, inclusive), each with the line it stands on."""
    tokens: list[str] = []
    at: list[int] = []
    for first, last in spans:
        for number in range(first, min(last, len(seed_lines)) + 1):
            line_words = words(seed_lines[number - 1])
            tokens += line_words
            at += [number] * len(line_words)
    return tokens, at


def quote_lines(
    quote: str, seed_lines: Sequence[str], spans: Iterable[tuple[int, int]] | None = None
) -> tuple[int, int] | None:
    """The first and last line where the quote's words stand in order, or None if they do not.

    `spans` limits the search to those lines (1-based, inclusive); None searches the whole seed.
    """
    tokens, at = _tokens(seed_lines, [(1, len(seed_lines))] if spans is None else spans)
    parts = quote_parts(quote)
    position, first = 0, -1
    for part in parts:  # the earliest match of each part leaves the most room for the next
        found = _find(part, tokens, position)
        if found < 0:
            return None
        first = found if first < 0 else first
        position = found + len(part)
    return (at[first], at[position - 1]) if parts else None


def seed_lines(path: Path) -> list[str]:
    """A seed's lines as an editor numbers them: split at line feeds only (not at form feeds)."""
    text = path.read_text(encoding="utf-8")
    return text.removesuffix("\n").split("\n")


def _seed_text(seeds: Path, name: str, cache: dict[str, list[str] | None]) -> list[str] | None:
    if name not in cache:
        path = seeds / name
        cache[name] = seed_lines(path) if path.is_file() else None
    return cache[name]


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first}-{last}"


def _home(spec: SeedSpec | None, first: int, last: int) -> str:
    """` (§label)`: the narrowest section holding those lines, to name the right label in a message."""
    if spec is None:
        return ""
    holding = [
        (span[1] - span[0], label)
        for label in spec.sections
        if (span := section_lines(spec, label)) is not None and span[0] <= first and last <= span[1]
    ]
    return f" (§{min(holding)[1]})" if holding else ""


def drift(
    citation: Citation,
    seeds: Path,
    sections: Mapping[str, SeedSpec] | None = None,
    cache: dict[str, list[str] | None] | None = None,
) -> list[str]:
    """What is wrong with one citation against the seed texts in `seeds` (empty: nothing).

    A seed file that is not there or has changed length since `sections` was written; a
    section label that is not a section of its seed; cited lines outside the labelled
    section; and a quote whose words do not stand at the cited lines (with no lines cited:
    within the cited sections, or anywhere in the seed). The message says where the quote
    does stand, so the fix is one edit.
    """
    cache = {} if cache is None else cache
    sections = sections or {}
    messages: list[str] = []
    texts: dict[str, list[str]] = {}
    search: dict[str, list[tuple[int, int]]] = {}
    unreadable = False  # a seed missing or changed: its quote cannot be looked for
    for cited in citation.sections:
        seed = _seed_text(seeds, cited.file, cache)
        if seed is None:
            messages.append(f"seed file {cited.file} is not in {seeds}")
            unreadable = True
            continue
        texts[cited.file] = seed
        spec = sections.get(cited.file)
        if spec is not None and spec.lines != len(seed):
            messages.append(
                f"{cited.file} has {len(seed)} lines, not {spec.lines} as the seed sections say: the seed has changed"
            )
            unreadable = True
            continue
        for first, last in cited.lines:
            if first < 1 or last > len(seed) or last < first:
                messages.append(f"lines {first}-{last} are not in {cited.file} (it has {len(seed)} lines)")
        section = section_lines(spec, cited.label) if spec is not None and cited.label else None
        if spec is not None and cited.label and section is None:
            messages.append(
                f"§{cited.label} is not a section of {cited.file} (its sections: {', '.join(spec.sections)})"
            )
        elif section is not None:
            for a, b in cited.lines:
                if a < section[0] or b > section[1]:
                    messages.append(
                        f"{_lines(a, b)} of {cited.file} {'is' if a == b else 'are'} outside §{cited.label}"
                        f" ({_lines(*section)}){_home(spec, a, b).replace(' (', ': in ', 1).rstrip(')')}"
                    )
        spans = list(cited.lines) or ([section] if section is not None else [(1, len(seed))])
        search.setdefault(cited.file, []).extend(spans)
    quote = citation.source.quote
    if not quote or not texts or unreadable:
        return messages
    if any(quote_lines(quote, texts[file], spans) is not None for file, spans in search.items()):
        return messages
    found = {file: quote_lines(quote, text) for file, text in texts.items()}
    where = "; ".join(
        f"{file} {_lines(*span)}{_home(sections.get(file), *span)}" for file, span in found.items() if span is not None
    )
    cited_text = "; ".join(
        f"{c.file} §{c.label}" + (f" ({c.lines_text})" if c.lines else "") for c in citation.sections if c.file in texts
    )
    if not where:
        return [
            *messages,
            f"the quote's words are nowhere in {', '.join(texts)}, in that order: quote the seed word for word (… marks a gap)",
        ]
    return [*messages, f"the quote is not at {cited_text}; it stands at {where}"]


def citation_drift(seeds: Path | str, *, pack: RulePack | None = None) -> list[Problem]:
    """Every citation of a pack whose quote is not at its cited seed lines, as problems.

    Each problem names the rule file, line, rule id and path of the `source`; `rules check
    --seeds DIR` reports them. `seeds` is the folder of the seed texts (`shared/seeds`).
    """
    from ._explain import shipped_pack_if_none

    pack = shipped_pack_if_none(pack)
    root = Path(seeds)
    if not root.is_dir():
        return [Problem(f"seed folder not found: {root}", file=str(root), kind="io")]
    cache: dict[str, list[str] | None] = {}
    sections = seed_sections(pack)
    return [
        Problem(message, citation.path, citation.file, citation.line, citation.rule_id, kind="citation")
        for citation in pack.citations
        for message in drift(citation, root, sections, cache)
    ]


def seed_sections(pack: RulePack) -> dict[str, SeedSpec]:
    """Seed file → its sections, from the pack's `seed_sections` files (empty when it has none)."""
    return {name: seed for doc in pack.documents("seed_sections") for name, seed in doc.seeds.items()}


def nearest_id(data: object, path: Sequence[str | int]) -> str | None:
    """The `id` of the innermost mapping on `path` that has one (a criterion, an item, a phase), if any."""
    found: str | None = None
    node = data
    for key in path:
        if isinstance(node, dict) and isinstance(node.get("id"), str) and node is not data:
            found = node["id"]
        if isinstance(node, dict) and key in node:  # noqa: SIM114 - one branch per container type keeps the index types apart
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            break
    return found
