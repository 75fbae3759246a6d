"""The DACTS report as one self-contained HTML page (`templates/dacts.html`): band, means, a
chart of the item scores per section, the items to improve first, the item table with
anchors and sources.

This module only arranges the explanation's texts and computes the charts; the template
escapes every text.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ccm_rules import RulePack
from ccm_rules.engine import check_explainable, moved_to_keywords, shipped_pack_if_none, unknown_value
from ccm_rules.fidelity import DactsExplanation, FidelityResult

from ._charts import Bar, BarChart, bar_chart
from ._env import render

SCORE_COLOURS = {1: "#c0392b", 2: "#e67e22", 3: "#f1c40f", 4: "#7fb77e", 5: "#2e8b57"}
UNKNOWN_COLOUR = "#9aa3b2"
SECTION_GAP = "#ffffff"


@attrs.frozen
class ItemRow:
    """One row of the item table, every cell a text."""

    id: str
    title: str
    value: str
    score: str
    anchor: str
    note: str


@moved_to_keywords("pack", "program")
def render_dacts_html(
    ex: DactsExplanation,
    result: FidelityResult,
    *,
    pack: RulePack | None = None,
    program: str | None = None,
    stylesheet_url: str | None = None,
) -> str:
    """The DACTS report of one program, in the explanation's language.

    `pack` is the pack that made `result` (default: the shipped pack; checked by content
    hash), for the report's labels; `program` is the program's code shown under the title;
    `stylesheet_url` links the stylesheet instead of inlining it (web app). The renderers'
    one shape: the explanation first, then keywords (`render_dacts_text(ex, pack=…)`);
    `pack` and `program` by position still work, with a DeprecationWarning.
    """
    pack = shipped_pack_if_none(pack)
    check_explainable(result.pack, pack, ex.lang)
    t = pack.texts
    lang = ex.lang

    def label(key: str) -> str:
        return t[key][lang]

    context = {
        "ex": ex,
        "label": label,
        "lang": lang,
        "report": "report-dacts",
        "title": ex.title,
        "program": program or "",
        "band_class": f"b-{result.band}" if result.band else "b-open",
        "charts": _charts(ex, result, unknown_value(t, lang)),
        "rows": [_row(ex, result, i, label) for i in range(len(ex.items))],
        "sources": list(dict.fromkeys(ex.source_titles)),
    }
    return render("dacts.html", context, stylesheet_url=stylesheet_url)


def dacts_charts(ex: DactsExplanation, result: FidelityResult, *, pack: RulePack | None = None) -> list[BarChart]:
    """The report's chart per section (H, O, S) for `result` explained as `ex` (the web app's DACTS form draws them too)."""
    pack = shipped_pack_if_none(pack)
    check_explainable(result.pack, pack, ex.lang)
    return _charts(ex, result, unknown_value(pack.texts, ex.lang))


def _charts(ex: DactsExplanation, result: FidelityResult, unknown: str) -> list[BarChart]:
    """One chart per section (H, O, S), with the band's lowest line dashed across."""
    threshold = next((float(p.value) for p in result.band_params), None)
    charts = []
    for code, title, _mean in ex.sections:
        bars = [
            Bar(i.id, i.score, SCORE_COLOURS.get(i.score or 0, UNKNOWN_COLOUR), i.low, i.high)
            for i in ex.items
            if i.section == code
        ]
        charts.append(
            bar_chart(
                bars,
                maximum=5,
                ticks=(1, 2, 3, 4, 5),
                title=f"{code} {title}",
                threshold=threshold,
                unknown=unknown,
                bar_width=28,
            )
        )
    return charts


def _row(ex: DactsExplanation, result: FidelityResult, index: int, label: Callable[[str], str]) -> ItemRow:
    item = ex.items[index]  # its value is written as scored by explain_dacts (`94.6 → 95%`)
    shown = str(item.score) if item.score is not None else f"{item.low}–{item.high}"
    return ItemRow(item.id, item.title, item.value, shown, item.anchor, label(f"dacts.verified.{item.verified}"))
