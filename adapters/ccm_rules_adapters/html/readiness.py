"""The planner's readiness report as one self-contained HTML page (`templates/readiness.html`).

The stylesheet is inlined and the charts (a bar per key factor, and a radar of the nine
factors) are inline SVG; no scripts, no fonts or images fetched, so the file opens offline.
The markup is well-formed XHTML-compatible HTML (every element closed, only XML entities),
so both `html.parser` and `xml.etree` read it. All wording comes from
`ReadinessExplanation`; this module only computes the chart geometry and hands the view to
the template, which escapes every text.
"""

from __future__ import annotations

from ccm_rules import RulePack
from ccm_rules.engine import check_explainable
from ccm_rules.readiness import ReadinessExplanation

from ._charts import CHART_BAR, CHART_LABEL, CHART_ROW, HBar, RadarChart, hbar_chart, radar_chart
from ._env import render, stylesheet

__all__ = ["CHART_BAR", "CHART_LABEL", "CHART_ROW", "CSS", "readiness_radar", "render_report"]

CSS: str = str(stylesheet())
"""The reports' shared stylesheet (`static/report.css`), as the page inlines it."""


def render_report(
    view: ReadinessExplanation, *, pack: RulePack | None = None, stylesheet_url: str | None = None
) -> str:
    """The whole report page in the view's language.

    The view carries every text, so `pack` is only checked: given, it must be the pack that
    made the view (same content hash), as for every renderer (`render_x(explanation, pack=…)`).
    `stylesheet_url` links the stylesheet instead of inlining it (web app).
    """
    if pack is not None:
        check_explainable(view.pack, pack, view.lang)
    lb = view.labels
    threshold = _threshold(view)
    rows = [HBar(f"{f.id} {f.short_title}", f.share, f.share_max, f.share_text, f.selected) for f in view.factors]
    context = {
        "view": view,
        "lb": lb,
        "lang": view.lang,
        "report": "report-readiness",
        "title": f"{view.title}: {view.region}" if view.region else view.title,
        "chart": hbar_chart(rows, title=lb["label.chart"], threshold=threshold, threshold_title=lb["label.threshold"]),
        "radar": readiness_radar(view),
        "threshold_text": "" if threshold is None else lb["format.percent"].format(value=round(threshold * 100)),
    }
    return render("readiness.html", context, stylesheet_url=stylesheet_url)


def readiness_radar(view: ReadinessExplanation) -> RadarChart:
    """The radar of the nine factors' shares (and how far each could reach), with the minimum variant's threshold.

    The report and the web app's planner workspace draw it with `macros.html`'s `radar_chart`.
    """
    return radar_chart(
        [f.id for f in view.factors],
        [f.share for f in view.factors],
        [f.share_max for f in view.factors],
        title=view.labels["label.chart"],
        threshold=_threshold(view),
    )


def _threshold(view: ReadinessExplanation) -> float | None:
    """The minimum variant's selection threshold (a share), read from the parameters the view lists."""
    for line in view.parameters:
        if line.startswith("select_below_share = "):
            value = line.split(" = ", 1)[1].split(" ", 1)[0].replace(",", ".")
            return float(value)
    return None
