"""Every citation in the goals area's rule files is right (issue 15 item 16).

A `source` cites `<seed file> §<section> (line N | lines N-M)`, several joined by "; ".
The section must be one of the seed's sections below (each pinned to the heading at its
first line), the cited lines must lie inside it, and the quote's words — fragments split
at "…" — must appear, in order, at those lines. A citation of a project document
(`docs/…md §4.3`) must name a heading of that document, and its quote must stand in that
section. "project policy" cites nothing and must say why (`rationale`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT, RULES, SEEDS, SEEDS_MISSING

SECTIONS: dict[str, dict[str, tuple[int, int, str]]] = {
    "003_e271fa39f35a27a0.txt": {
        "a": (12, 14, "a) Individuální case management"),
        "b": (16, 25, "b) Týmový case management"),
        "case conference": (27, 45, "Jako nástroj aktivního týmového CM využíváme tzv. případové konference."),
    },
    "004_510c44708344b2e6.txt": {
        "stages": (1, 22, "Etapy:"),
        "case conference": (263, 388, "Případová konference"),
        "SMART": (300, 310, "Cíle"),
        "individual plan": (392, 415, "Individuální plán"),
        "family conference": (427, 467, "Rodinná konference"),
    },
}
"""The sections of the seeds the goals area cites: label → (first line, last line, heading at the first line)."""

REF = re.compile(r"^(?P<file>\S+) §(?P<section>[^()]+?)(?: \((?:line (?P<line>\d+)|lines (?P<first>\d+)-(?P<last>\d+))\))?$")
FILES = sorted((RULES / "goals").glob("*.yaml"))


def _sources(node: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every `source` mapping in a rule file, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, dict):
                yield f"{path}.source", value
            else:
                yield from _sources(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _sources(item, f"{path}[{index}]")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _problems(ref: str, quote: str | None) -> list[str]:
    """What is wrong with one citation (empty when it is right)."""
    problems: list[str] = []
    cited: list[str] = []
    for part in ref.split("; "):
        found = REF.match(part)
        if found is None:
            return [f"{part!r} is not '<file> §<section> (line N | lines N-M)'"]
        name, section = found["file"], found["section"]
        first = int(found["line"] or found["first"] or 0)
        last = int(found["line"] or found["last"] or 0)
        if name.startswith("docs/"):
            cited.append(_doc_section(name, section, problems))
            continue
        sections = SECTIONS.get(name)
        if sections is None or section not in sections:
            problems.append(f"{part}: no section §{section} in {name} (sections: {', '.join(sections or [])})")
            continue
        start, end, _ = sections[section]
        if not first:
            first, last = start, end
        if not (start <= first <= last <= end):
            problems.append(f"{part}: lines {first}-{last} are outside §{section} (lines {start}-{end})")
        cited.append("\n".join((SEEDS / name).read_text(encoding="utf-8").splitlines()[first - 1:last]))
    if quote is not None:
        text, at = _collapse(" ".join(cited)), 0
        for fragment in (_collapse(f) for f in quote.split("…")):
            where = text.find(fragment, at)
            if where < 0:
                problems.append(f"{ref}: the quoted words {fragment!r} are not at the cited lines")
                break
            at = where + len(fragment)
    return problems


def _doc_section(name: str, section: str, problems: list[str]) -> str:
    """The text of section `section` (a heading's number) of a project document."""
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    heads = [i for i, line in enumerate(lines) if line.startswith("#")]
    for i in heads:
        if re.match(rf"#+ {re.escape(section)}\b", lines[i]):
            end = next((j for j in heads if j > i), len(lines))
            return "\n".join(lines[i:end])
    problems.append(f"{name}: no heading §{section}")
    return ""


def test_the_section_table_follows_the_seeds() -> None:
    if not SEEDS.is_dir():
        pytest.skip(SEEDS_MISSING)
    for name, sections in SECTIONS.items():
        lines = (SEEDS / name).read_text(encoding="utf-8").splitlines()
        for label, (start, _, heading) in sections.items():
            assert _collapse(lines[start - 1]) == heading, (name, label)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_citation_names_its_section_lines_and_words(path: Path) -> None:
    if not SEEDS.is_dir():
        pytest.skip(SEEDS_MISSING)
    problems = []
    for where, source in _sources(yaml.safe_load(path.read_text(encoding="utf-8"))):
        ref = source["ref"]
        if ref == "project policy":
            if not source.get("rationale"):
                problems.append(f"{where}: project policy without a rationale")
            continue
        problems += [f"{path.name} {where}: {p}" for p in _problems(ref, source.get("quote"))]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("ref", "quote", "wrong"), [
    ("003_e271fa39f35a27a0.txt §case conference (line 28)", "schůzka minimálně tří stran", "quoted words"),
    ("004_510c44708344b2e6.txt §case conference (line 275)", "Všechny strany dopředu seznámeny s kauzou klienta, obsahem plánovaného setkání", "quoted words"),
    ("003_e271fa39f35a27a0.txt §team (line 41)", None, "no section"),
    ("004_510c44708344b2e6.txt §individual plan (line 300)", None, "outside"),
    ("docs/research/date_parsing.md §4.3", 'only DATE_ORDER="DMY" does', "quoted words"),
])
def test_the_checker_finds_wrong_citations(ref: str, quote: str | None, wrong: str) -> None:
    """The citations this check corrected (and M2's "003 §team", which belongs to §case conference)."""
    if not SEEDS.is_dir():
        pytest.skip(SEEDS_MISSING)
    (problem,) = _problems(ref, quote)
    assert wrong in problem
