"""Chart geometry for the reports' inline SVG: small functions that compute coordinates.

They return plain data (numbers already formatted for SVG attributes, texts as given); the
macros in `templates/macros.html` draw it, with every text escaped by the template engine.
No markup is built here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs


def _n(value: float) -> str:
    """A coordinate for an SVG attribute, always with one decimal (stable output)."""
    return f"{value:.1f}"


# ---------------------------------------------------------------- vertical bars (DACTS)


@attrs.frozen
class Bar:
    """One bar of a chart: label, value (None = unknown, drawn as a dashed range low–high), colour."""

    label: str
    value: float | None
    colour: str
    low: float | None = None
    high: float | None = None


@attrs.frozen
class DrawnBar:
    """A bar placed on the chart: `kind` is `value` (solid), `range` (dashed low–high) or `empty`."""

    kind: str
    label: str
    colour: str
    x: str
    width: str
    top: str
    height: str
    centre: str
    figure: str


@attrs.frozen
class Tick:
    """A grid line at `at` (y or x) with its label."""

    at: str
    label: str


@attrs.frozen
class BarChart:
    """A vertical bar chart, every coordinate computed."""

    title: str
    unknown: str
    width: int
    height: int
    left: int
    right: int
    baseline: str
    label_y: int
    ticks: tuple[Tick, ...]
    threshold: str | None
    bars: tuple[DrawnBar, ...]


def bar_chart(
    bars: Sequence[Bar],
    *,
    maximum: float,
    title: str,
    ticks: Sequence[float],
    threshold: float | None = None,
    height: int = 270,
    unknown: str = "not known",
    bar_width: int = 32,
) -> BarChart:
    """Place `bars` on a vertical chart from 0 to `maximum`; `unknown` names a value not known yet, in the page's language."""
    width_per_bar, left, bottom, top = bar_width, 40, 40, 40
    width = left + width_per_bar * len(bars) + 16
    plot_h = height - bottom - top

    def y(v: float) -> float:
        return top + plot_h * (1 - v / maximum)

    drawn = []
    for i, bar in enumerate(bars):
        x = left + i * width_per_bar + 4
        w = width_per_bar - 8
        centre = f"{x + w / 2:g}"
        if bar.value is not None:
            drawn.append(
                DrawnBar(
                    "value",
                    bar.label,
                    bar.colour,
                    str(x),
                    str(w),
                    _n(y(bar.value)),
                    _n(y(0) - y(bar.value)),
                    centre,
                    f"{bar.value:g}",
                )
            )
        elif bar.low is not None and bar.high is not None:
            drawn.append(
                DrawnBar(
                    "range",
                    bar.label,
                    bar.colour,
                    str(x),
                    str(w),
                    _n(y(bar.high)),
                    _n(y(bar.low) - y(bar.high)),
                    centre,
                    f"{bar.low:g}–{bar.high:g}",
                )
            )
        else:
            drawn.append(DrawnBar("empty", bar.label, bar.colour, str(x), str(w), _n(y(0)), "0", centre, ""))
    return BarChart(
        title=title,
        unknown=unknown,
        width=width,
        height=height,
        left=left,
        right=width - 8,
        baseline=_n(y(0)),
        label_y=height - bottom + 14,
        ticks=tuple(Tick(_n(y(t)), f"{t:g}") for t in ticks),
        threshold=_n(y(threshold)) if threshold is not None else None,
        bars=tuple(drawn),
    )


# ---------------------------------------------------------------- horizontal bars (readiness)


@attrs.frozen
class HBar:
    """One row of a horizontal chart: a share in place (solid) and the share reachable (light), 0..1."""

    label: str
    share: float
    share_max: float
    text: str
    selected: bool


@attrs.frozen
class DrawnHBar:
    """A row placed on the chart."""

    label: str
    text: str
    colour: str
    y: int
    text_y: int
    bar_y: int
    solid: str
    light: str
    text_x: str


@attrs.frozen
class HBarChart:
    """A horizontal bar chart with a dashed threshold line, every coordinate computed."""

    title: str
    width: int
    height: int
    label_x: int
    bar_x: int
    grid_bottom: int
    tick_y: int
    ticks: tuple[Tick, ...]
    rows: tuple[DrawnHBar, ...]
    threshold: str | None
    threshold_title: str


CHART_ROW = 30
CHART_LABEL = 250
CHART_BAR = 560
SELECTED, NOT_SELECTED = "#2f5d8a", "#8894a0"


def hbar_chart(rows: Sequence[HBar], *, title: str, threshold: float | None, threshold_title: str) -> HBarChart:
    """Rows of shares (0..1) against a 0–100 scale; `threshold` (a share) is drawn as a dashed line."""
    height = CHART_ROW * len(rows) + 34
    drawn = []
    for index, row in enumerate(rows):
        y = 8 + index * CHART_ROW
        solid, light = CHART_BAR * row.share, CHART_BAR * row.share_max
        drawn.append(
            DrawnHBar(
                row.label,
                row.text,
                SELECTED if row.selected else NOT_SELECTED,
                y,
                y + 15,
                y + 2,
                _n(solid),
                _n(light),
                _n(CHART_LABEL + max(light, solid) + 6),
            )
        )
    return HBarChart(
        title=title,
        width=CHART_LABEL + CHART_BAR + 70,
        height=height,
        label_x=CHART_LABEL - 8,
        bar_x=CHART_LABEL,
        grid_bottom=height - 24,
        tick_y=height - 8,
        ticks=tuple(Tick(_n(CHART_LABEL + CHART_BAR * t / 100), str(t)) for t in (0, 25, 50, 75, 100)),
        rows=tuple(drawn),
        threshold=_n(CHART_LABEL + CHART_BAR * threshold) if threshold is not None else None,
        threshold_title=threshold_title,
    )


# ---------------------------------------------------------------- radar (readiness)


@attrs.frozen
class Spoke:
    """One axis of a radar chart: its end point, where its label sits and the anchor of the label."""

    label: str
    x: str
    y: str
    label_x: str
    label_y: str
    anchor: str


@attrs.frozen
class RadarChart:
    """A radar (spider) chart: rings, spokes and polygons of points, every coordinate computed."""

    title: str
    size: int
    centre: str
    rings: tuple[str, ...]
    ring_labels: tuple[Tick, ...]
    spokes: tuple[Spoke, ...]
    reachable: str
    in_place: str
    threshold: str | None
    points: tuple[tuple[str, str], ...]


def radar_chart(
    labels: Sequence[str], shares: Sequence[float], reachable: Sequence[float], *, title: str, threshold: float | None
) -> RadarChart:
    """Shares (0..1) on one spoke each, clockwise from the top; `reachable` as a light polygon behind."""
    size, radius = 250, 90
    c = size / 2
    count = len(labels)

    def at(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / count
        return c + r * math.cos(angle), c + r * math.sin(angle)

    def polygon(values: Sequence[float]) -> str:
        return " ".join(f"{_n(x)},{_n(y)}" for x, y in (at(i, radius * v) for i, v in enumerate(values)))

    spokes = []
    for i, label in enumerate(labels):
        x, y = at(i, radius)
        lx, ly = at(i, radius + 18)
        anchor = "middle" if abs(lx - c) < 8 else ("start" if lx > c else "end")
        spokes.append(Spoke(label, _n(x), _n(y), _n(lx), _n(ly + 4), anchor))
    return RadarChart(
        title=title,
        size=size,
        centre=_n(c),
        rings=tuple(polygon([f] * count) for f in (0.25, 0.5, 0.75, 1.0)),
        ring_labels=tuple(Tick(_n(c - radius * f + 4), str(round(f * 100))) for f in (0.25, 0.5, 0.75, 1.0)),
        spokes=tuple(spokes),
        reachable=polygon(reachable),
        in_place=polygon(shares),
        threshold=polygon([threshold] * count) if threshold is not None else None,
        points=tuple((_n(x), _n(y)) for x, y in (at(i, radius * v) for i, v in enumerate(shares))),
    )
