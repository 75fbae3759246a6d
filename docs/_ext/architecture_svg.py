"""Draw docs/img/architecture.svg: the layers (adapters, areas, engine) and the flow of one decision.

The boxes come from the tree itself: the areas are the `ccm_rules.areas` entry points of
pyproject.toml, the adapters the packages of adapters/ccm_rules_adapters/, so a new area or
adapter shows in the picture once the script runs again. tests/test_docs.py checks that the
committed picture is what the script draws now:

    python docs/_ext/architecture_svg.py            # rewrite the picture
    python docs/_ext/architecture_svg.py --check    # exit 1 if it is stale
"""

from __future__ import annotations

import sys
import tomllib
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "img" / "architecture.svg"

WIDTH = 1000
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"
COLOURS = {  # fill, stroke
    "adapter": ("#e3f2fd", "#1565c0"),
    "area": ("#e8f5e9", "#2e7d32"),
    "engine": ("#fff3e0", "#e65100"),
    "data": ("#f3e5f5", "#6a1b9a"),
}
ENGINE_PARTS = [
    "RulePack\n(load, check)",
    "facts and\nconditions",
    "decide\n(three-valued)",
    "Decision\n(trace, questions)",
    "explain\n(cited texts)",
    "register_area\n(area registry)",
]
FLOW = [
    ("1 Facts", "case file, JSON,\nFHIR resources,\na CSV row", "adapter", "adapter reads"),
    ("2 Rule pack", "rules/*.yaml: the\narea's ruleset,\ndated parameters", "data", "engine loads"),
    ("3 Evaluation", "every criterion\nmet / not met /\nunknown", "engine", "area calls decide"),
    ("4 Decision", "outcome, criteria,\ntrace, questions,\npack id + hash", "engine", "frozen, no language"),
    ("5 Explanation", "explain(decision,\npack, lang): texts\nin en, cs, hu, de", "engine", "cites the seeds"),
    ("6 Adapter output", "text, JSON, FHIR,\nHTML, Arrow,\nexit code", "adapter", "adapter renders"),
]


def areas() -> list[str]:
    """The areas, in the order of their entry points."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["entry-points"]["ccm_rules.areas"])


def adapters() -> list[str]:
    """The adapter packages (folders with an __init__.py), by name."""
    base = ROOT / "adapters" / "ccm_rules_adapters"
    return sorted(p.parent.name for p in base.glob("*/__init__.py"))


def text(
    x: float,
    y: float,
    lines: str,
    size: int = 13,
    weight: str = "normal",
    anchor: str = "middle",
    colour: str = "#212121",
) -> str:
    """Centred (or anchored) text, one <tspan> per line."""
    parts = lines.split("\n")
    spans = "".join(
        f"<tspan x='{x:g}' dy='{0 if i == 0 else size + 3}'>{escape(line)}</tspan>" for i, line in enumerate(parts)
    )
    return f"<text x='{x:g}' y='{y:g}' {FONT} font-size='{size}' font-weight='{weight}' text-anchor='{anchor}' fill='{colour}'>{spans}</text>"


def box(x: float, y: float, w: float, h: float, kind: str, label: str, size: int = 13, weight: str = "normal") -> str:
    fill, stroke = COLOURS[kind]
    lines = label.count("\n") + 1
    first = y + h / 2 - (lines - 1) * (size + 3) / 2 + size * 0.35
    return (
        f"<rect x='{x:g}' y='{y:g}' width='{w:g}' height='{h:g}' rx='6' fill='{fill}' stroke='{stroke}' stroke-width='1.5'/>"
        + text(x + w / 2, first, label, size, weight)
    )


def row(y: float, names: list[str], kind: str, prefix: str) -> list[str]:
    """A band of equal boxes between x=30 and x=790."""
    gap, left, right = 10, 30, 790
    w = (right - left - gap * (len(names) - 1)) / len(names)
    return [box(left + i * (w + gap), y, w, 44, kind, f"{prefix}{name}", 12) for i, name in enumerate(names)]


def arrow(x1: float, y1: float, x2: float, y2: float, dashed: bool = False, colour: str = "#424242") -> str:
    dash = " stroke-dasharray='6 4'" if dashed else ""
    return f"<line x1='{x1:g}' y1='{y1:g}' x2='{x2:g}' y2='{y2:g}' stroke='{colour}' stroke-width='2'{dash} marker-end='url(#head)'/>"


def band(y: float, h: float, kind: str, title: str, note: str) -> list[str]:
    fill, stroke = COLOURS[kind]
    return [
        f"<rect x='16' y='{y:g}' width='{WIDTH - 32}' height='{h:g}' rx='10' fill='{fill}' fill-opacity='0.45' stroke='{stroke}' stroke-width='2'/>",
        text(30, y + 22, title, 15, "bold", "start", stroke),
        text(975, y + 22, note, 12, "normal", "end", "#424242"),
    ]


def draw() -> str:
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='700' viewBox='0 0 {WIDTH} 700' role='img' "
        "aria-label='ccm_rules architecture: adapters above areas above the engine, and the flow of one decision'>",
        "<defs><marker id='head' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' markerHeight='7' orient='auto-start-reverse'>"
        "<path d='M 0 0 L 10 5 L 0 10 z' fill='#424242'/></marker></defs>",
        f"<rect width='{WIDTH}' height='700' fill='#ffffff'/>",
        text(
            WIDTH / 2,
            26,
            "Layers: a layer imports only the layers below it, and only their public names (lint-imports)",
            15,
            "bold",
        ),
    ]
    out += band(44, 96, "adapter", "Adapters: ccm_rules_adapters.*", "read input, call an area, render output")
    out += row(84, adapters(), "adapter", "")
    out.append(arrow(410, 142, 410, 166))
    out.append(text(420, 159, "public names only (of the areas and of the engine)", 12, "normal", "start"))
    out += band(
        168, 96, "area", "Areas: ccm_rules.<area> (one package each)", "assess_...(facts), rule-file kinds, pack checks"
    )
    out += row(208, areas(), "area", "")
    out.append(arrow(410, 266, 410, 290))
    out.append(text(420, 283, "public names only (ccm_rules.engine)", 12, "normal", "start"))
    out += band(
        292, 118, "engine", "Engine: ccm_rules.engine (imports no area, no adapter)", "knows no area: areas register"
    )
    out += [box(30 + i * 128.3, 324, 118.3, 52, "engine", part, 12) for i, part in enumerate(ENGINE_PARTS)]
    out.append(box(820, 324, 155, 52, "data", "rules/ (YAML data)\nand area rule folders", 12))
    out.append(
        "<path d='M 897 376 V 388 H 89 V 380' fill='none' stroke='#6a1b9a' stroke-width='2' stroke-dasharray='6 4' marker-end='url(#head)'/>"
    )
    out.append(
        text(500, 403, "the pack is read from the rule files (data, not code)", 11, "normal", "middle", "#6a1b9a")
    )
    out.append(text(WIDTH / 2, 436, "The flow of one decision", 15, "bold"))
    w, gap = 144, 20
    for i, (title, body, kind, who) in enumerate(FLOW):
        x = 20 + i * (w + gap)
        out.append(box(x, 454, w, 34, kind, title, 13, "bold"))
        stroke = COLOURS[kind][1]
        out.append(
            f"<rect x='{x:g}' y='492' width='{w}' height='76' rx='6' fill='#ffffff' stroke='{stroke}' stroke-width='1'/>"
        )
        out.append(text(x + w / 2, 512, body, 12))
        out.append(text(x + w / 2, 588, who, 12, "normal", "middle", "#616161"))
        if i < len(FLOW) - 1:
            out.append(arrow(x + w + 2, 471, x + w + gap - 2, 471))
    out.append(
        text(
            WIDTH / 2,
            624,
            "The same facts, rule pack and decision date give the same decision; the language comes in only at step 5.",
            13,
        )
    )
    out.append(
        text(
            WIDTH / 2,
            646,
            "Unknown is not no: a fact not recorded leaves its criterion unknown, and the decision asks for it.",
            13,
        )
    )
    out.append(
        text(
            WIDTH / 2,
            680,
            "A new area: its package, its rule files, one entry-point line. A new adapter: its package on top, importing public names.",
            12,
            "normal",
            "middle",
            "#616161",
        )
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    picture = draw()
    if "--check" in argv:
        if OUT.read_text(encoding="utf-8") != picture:
            print(f"{OUT.relative_to(ROOT)} is stale: run python docs/_ext/architecture_svg.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(picture, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
