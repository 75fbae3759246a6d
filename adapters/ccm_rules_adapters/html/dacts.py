"""The DACTS report as one self-contained HTML page: band, means, a chart of the 28 item
scores, the item table with anchors and sources, and the items to improve first."""

from __future__ import annotations

from ccm_rules import RulePack
from ccm_rules.engine import unknown_value
from ccm_rules.fidelity import DactsExplanation, FidelityResult

from ._page import Bar, bar_chart, esc, page, table

SCORE_COLOURS = {1: "#c0392b", 2: "#e67e22", 3: "#f1c40f", 4: "#7fb77e", 5: "#2e8b57"}
SECTION_GAP = "#ffffff"


def render_dacts_html(ex: DactsExplanation, result: FidelityResult, pack: RulePack, program: str | None = None) -> str:
    """The DACTS report of one program, in the explanation's language."""
    t = pack.texts
    lang = ex.lang

    def label(key: str) -> str:
        return t[key][lang]

    bars = [Bar(i.id, i.score, SCORE_COLOURS.get(i.score or 0, "#9aa3b2"), i.low, i.high) for i in ex.items]
    threshold = next((float(p.value) for p in result.band_params), None)
    chart = bar_chart(bars, maximum=5, ticks=(1, 2, 3, 4, 5), title=label("dacts.heading.chart"), threshold=threshold, unknown=unknown_value(t, lang))
    sections = table((label("dacts.heading.sections"), ""), [(f"{code} {title}", mean) for code, title, mean in ex.sections], numeric=(1,))
    rows = []
    for item in ex.items:
        score = str(item.score) if item.score is not None else f"{item.low}–{item.high}"
        note = label(f"dacts.verified.{item.verified}")
        rows.append((item.id, item.title, item.value, score, item.anchor, note))
    items = table(
        (label("dacts.heading.item"), "", label("dacts.heading.figure"), label("dacts.heading.score"), label("dacts.heading.anchor"), label("dacts.heading.verification")),
        rows,
        numeric=(3,),
    )
    improve = "".join(f"<li>{esc(text)}</li>" for text in ex.improve)
    missing = "".join(f"<li>{esc(text)}</li>" for text in ex.missing)
    sources = "".join(f"<li>{esc(s)}</li>" for s in dict.fromkeys(ex.source_titles))
    band = f'{esc(ex.band)}{" — " + esc(ex.band_meaning) if ex.band_meaning else ""}'
    body = f"""
<h1>{esc(ex.title)}</h1>
<p class="meta">{esc(program or "")} · {esc(label("label.as_of"))}: {esc(ex.as_of.isoformat())} · {esc(label("label.pack"))}: {esc(ex.pack)}</p>
<p><span class="badge" style="background:{_band_colour(result.band)}">{esc(label("dacts.band"))}: {band}</span></p>
<p><strong>{esc(label("dacts.total_mean"))}: {esc(ex.total)}</strong></p>
{sections}
{chart}
{f'<h2>{esc(label("dacts.heading.improve"))}</h2><ol>{improve}</ol>' if improve else ""}
{f'<h2>{esc(label("heading.questions"))}</h2><ul>{missing}</ul>' if missing else ""}
<h2>{esc(label("dacts.heading.items"))}</h2>
{items}
<h2>{esc(label("label.source"))}</h2>
<ul class="meta">{sources}</ul>
"""
    return page(ex.title, body, lang)


def _band_colour(band: str | None) -> str:
    return {"high": "#cdeccf", "moderate": "#fbeeb8", "low": "#f6c9c3"}.get(band or "", "#e6e9ef")
