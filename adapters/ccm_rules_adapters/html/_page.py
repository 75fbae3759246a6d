"""Generic helpers for self-contained HTML reports: one page, inline CSS, inline SVG charts.

Nothing is fetched over the network; every text is escaped with `html.escape`.
"""

from __future__ import annotations

import html
import string
from collections.abc import Sequence

import attrs

_PAGE = string.Template(
    """<!DOCTYPE html>
<html lang="$lang">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 70rem; color: #1d2430; line-height: 1.4; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d8dde6; padding-bottom: .25rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #e6e9ef; }
th { background: #f3f5f8; }
.meta { color: #5b6575; font-size: .85rem; }
.badge { display: inline-block; padding: .2rem .6rem; border-radius: .3rem; font-weight: 600; }
.note { color: #8a5a00; font-size: .8rem; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
svg text { font-family: inherit; }
</style>
</head>
<body>
$body
</body>
</html>
"""
)


def esc(text: object) -> str:
    """Escape any value for HTML text and attributes."""
    return html.escape(str(text), quote=True)


def page(title: str, body: str, lang: str) -> str:
    """A complete HTML document; `body` must already be escaped HTML."""
    return _PAGE.substitute(title=esc(title), body=body, lang=esc(lang))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """An HTML table; cells are escaped here, columns in `numeric` are right-aligned."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{esc(c)}</td>' for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@attrs.frozen
class Bar:
    """One bar of a chart: label, value (None = unknown, drawn as a hatched range), colour."""

    label: str
    value: float | None
    colour: str
    low: float | None = None
    high: float | None = None


def bar_chart(
    bars: Sequence[Bar], *, maximum: float, title: str, ticks: Sequence[float], threshold: float | None = None, height: int = 260, unknown: str = "not known"
) -> str:
    """A vertical bar chart as inline SVG (no scripts, no fonts fetched); `unknown` names a value not known yet, in the page's language."""
    width_per_bar, left, bottom, top = 32, 40, 40, 28
    width = left + width_per_bar * len(bars) + 16
    plot_h = height - bottom - top

    def y(v: float) -> float:
        return top + plot_h * (1 - v / maximum)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{esc(title)}" width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    parts.append(f'<text x="{left}" y="16" font-size="13" font-weight="600">{esc(title)}</text>')
    for t in ticks:
        parts.append(f'<line x1="{left}" x2="{width - 8}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#e1e5ec"/>')
        parts.append(f'<text x="{left - 6}" y="{y(t) + 4:.1f}" font-size="11" text-anchor="end">{esc(f"{t:g}")}</text>')
    if threshold is not None:
        parts.append(f'<line x1="{left}" x2="{width - 8}" y1="{y(threshold):.1f}" y2="{y(threshold):.1f}" stroke="#1d2430" stroke-dasharray="4 3"/>')
    for i, bar in enumerate(bars):
        x = left + i * width_per_bar + 5
        w = width_per_bar - 10
        if bar.value is not None:
            parts.append(f'<rect x="{x}" y="{y(bar.value):.1f}" width="{w}" height="{y(0) - y(bar.value):.1f}" fill="{esc(bar.colour)}"><title>{esc(bar.label)}: {esc(f"{bar.value:g}")}</title></rect>')
            parts.append(f'<text x="{x + w / 2}" y="{y(bar.value) - 3:.1f}" font-size="10" text-anchor="middle">{esc(f"{bar.value:g}")}</text>')
        elif bar.low is not None and bar.high is not None:
            span = f"{bar.low:g}–{bar.high:g}"
            parts.append(f'<rect x="{x}" y="{y(bar.high):.1f}" width="{w}" height="{y(bar.low) - y(bar.high):.1f}" fill="none" stroke="#9aa3b2" stroke-dasharray="3 2"><title>{esc(bar.label)}: {esc(unknown)} ({esc(span)})</title></rect>')
            parts.append(f'<text x="{x + w / 2}" y="{y(bar.high) - 3:.1f}" font-size="10" text-anchor="middle">{esc(span)}</text>')
        parts.append(f'<text x="{x + w / 2}" y="{height - bottom + 14}" font-size="10" text-anchor="middle">{esc(bar.label)}</text>')
    parts.append(f'<line x1="{left}" x2="{width - 8}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#1d2430"/>')
    parts.append("</svg>")
    return "".join(parts)
