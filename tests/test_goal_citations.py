"""Every citation in the goals area's rule files is right (issue 15 item 16).

Seed citations go through the core's one checker (`ccm_rules.engine._citations`, sections in
`rules/seeds.yaml`): the section label must be a section of the seed, the cited lines
must lie inside it, and the quote's words must stand at those lines. Here, the goals
area holds no drift at all (not even a KNOWN_DRIFT entry of tests/test_citations.py), the
citations this check corrected stay corrected, and a citation of a project document
(`docs/…md §4.3`), which the seed checker does not read, names a heading of that
document whose section holds the quote. "project policy" must say why (`rationale`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ccm_rules import RulePack
from ccm_rules.engine._citations import Citation, citation_drift, drift, seed_sections
from ccm_rules.engine._spec import Source

from .conftest import ROOT, RULES, SEEDS, SEEDS_MISSING

GOALS = RULES / "goals"


def needs_seeds() -> None:
    if not SEEDS.is_dir():
        pytest.skip(SEEDS_MISSING)


def test_no_citation_of_the_goals_area_drifts(pack: RulePack) -> None:
    needs_seeds()
    problems = [
        p
        for p in citation_drift(SEEDS, pack=pack)
        if p.file is not None and Path(p.file).resolve().is_relative_to(GOALS.resolve())
    ]
    assert not problems, "\n".join(f"{p.file}:{p.line} {p.path}: {p.message}" for p in problems)


@pytest.mark.parametrize(
    ("ref", "quote"),
    [
        (
            "003_e271fa39f35a27a0.txt §case conference (lines 27-45); 004_510c44708344b2e6.txt §case conference (lines 263-388)",
            "schůzka minimálně tří stran … řízena nezávislým moderátorem (facilitátorem)",
        ),  # the seed: "schůzku"
        (
            "004_510c44708344b2e6.txt §case conference (line 275)",
            "Všechny strany dopředu seznámeny s kauzou klienta, obsahem plánovaného setkání",
        ),
        (
            "004_510c44708344b2e6.txt §individual plan (line 412)",
            "kdo a jakým způsobem bude informovat nepřítomné o obsahu plánu",
        ),
        ("004_510c44708344b2e6.txt §family conference (line 453)", "Příprava: 4-6 týdnů"),
        ("004_510c44708344b2e6.txt §individual plan (line 300)", "Cíle"),
    ],
)
def test_the_citations_corrected_here_were_wrong(pack: RulePack, ref: str, quote: str) -> None:
    """The old citations of conference.yaml, plan.yaml and family_conference.yaml fail the check."""
    needs_seeds()
    citation = Citation(Source(ref, quote), "x.yaml", 1, "$.source")
    assert drift(citation, SEEDS, seed_sections(pack))


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


def _doc_problem(ref: str, quote: str | None) -> str | None:
    """What is wrong with a citation `docs/… §N` of a project document (None: nothing)."""
    name, _, section = ref.partition(" §")
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    heads = [i for i, line in enumerate(lines) if line.startswith("#")]
    for i in heads:
        if re.match(rf"#+ {re.escape(section)}\b", lines[i]):
            text = " ".join(" ".join(lines[i : next((j for j in heads if j > i), len(lines))]).split())
            return (
                None
                if quote is None or " ".join(quote.split()) in text
                else f"{ref}: the quote {quote!r} is not in that section"
            )
    return f"{name}: no heading §{section}"


@pytest.mark.parametrize("path", sorted(GOALS.glob("*.yaml")), ids=lambda p: p.name)
def test_project_documents_and_policy_are_cited_properly(path: Path) -> None:
    problems = []
    for where, source in _sources(yaml.safe_load(path.read_text(encoding="utf-8"))):
        ref = source["ref"]
        if ref == "project policy" and not source.get("rationale"):
            problems.append(f"{where}: project policy without a rationale")
        elif ref.startswith("docs/") and (problem := _doc_problem(ref, source.get("quote"))) is not None:
            problems.append(f"{where}: {problem}")
    assert not problems, "\n".join(problems)


def test_a_wrong_document_quote_is_found() -> None:
    """The quote limits.yaml had before (without the backticks the document has)."""
    assert _doc_problem("docs/research/date_parsing.md §4.3", 'only DATE_ORDER="DMY" does') is not None
    assert _doc_problem("docs/research/date_parsing.md §4.3", 'only `DATE_ORDER="DMY"` does') is None
