"""The planner's readiness report as one self-contained HTML page.

Inline CSS and an inline SVG bar chart drawn here; no scripts, no fonts or images fetched,
so the file opens offline. The markup is well-formed XHTML-compatible HTML (every element
closed, only XML entities), so both `html.parser` and `xml.etree` read it. All wording comes
from `ReadinessExplanation`; this module only lays it out.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from ccm_rules.engine import CriterionExplanation, Status
from ccm_rules.readiness import FactorView, ItemView, LessonView, ReadinessExplanation

CSS = """
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;color:#1d2733;margin:0;background:#f4f6f8;line-height:1.4}
main{max-width:1080px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #d5dde5;padding-bottom:4px;margin-top:28px}
h3{font-size:15px;margin:14px 0 4px}.meta{color:#5b6875;font-size:13px}
.cards{display:flex;gap:16px;margin-top:16px}.card{flex:1;border:1px solid #d5dde5;border-radius:6px;padding:12px 16px}
.card .big{font-size:20px;font-weight:bold;margin:2px 0 6px}.small{font-size:12.5px;color:#5b6875}
.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:bold;color:#fff}
.met{background:#2e7d4f}.not_met{background:#b3261e}.unknown{background:#8a6d00}.sel{background:#2f5d8a}.nosel{background:#8894a0}
table{border-collapse:collapse;width:100%;font-size:13.5px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e3e8ee;vertical-align:top}
th{background:#eef2f6}td.num{text-align:right;white-space:nowrap}
ul{margin:4px 0 8px 18px;padding:0}li{margin:2px 0}.src{color:#7a8793;font-size:11.5px}
.phases{display:flex;gap:10px}.phase{flex:1;border:1px solid #c9d3dd;border-radius:6px;padding:8px 12px;background:#f8fafc}
.band{margin-top:10px;border:1px dashed #2f5d8a;border-radius:6px;padding:8px 12px;background:#eef4fa}
.first{margin-bottom:10px;border:1px solid #c9a400;border-radius:6px;padding:8px 12px;background:#fffbea}
.first.provisional{border-style:dashed}
.lesson{border-left:5px solid #8894a0;padding:6px 12px;margin:8px 0;background:#fafbfc}
.lesson.s-met{border-color:#2e7d4f}.lesson.s-not_met{border-color:#b3261e}.lesson.s-unknown{border-color:#c9a400}
.factor{border:1px solid #e0e6ec;border-radius:6px;padding:6px 14px;margin:10px 0}
.risk{color:#b3261e}footer{margin-top:30px;font-size:11.5px;color:#5b6875}
"""

CHART_ROW = 30
CHART_LABEL = 250
CHART_BAR = 560


def render_report(view: ReadinessExplanation) -> str:
    """The whole report page in the view's language."""
    lb = view.labels
    title = f"{view.title}: {view.region}" if view.region else view.title
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<div class="meta">{_e(lb["label.assessed_as_of"])}: {view.as_of}</div>',
        _summary(view),
        f'<h2>{_e(lb["heading.factors"])}</h2>',
        _chart(view),
        f'<p class="small">{_e(lb["label.chart"])} <span class="risk">- - -</span> {_e(lb["label.threshold"])}'
        f' ({_e(_percent_text(view))}). <span style="color:#2f5d8a">&#9632;</span> {_e(lb["label.considered"])}'
        f' <span style="color:#8894a0">&#9632;</span> {_e(lb["label.not_selected"])}</p>',
        _factor_table(view),
        f'<h2>{_e(lb["heading.phases"])}</h2>',
        _phases(view),
        f'<h2>{_e(lb["heading.lessons"])}</h2>',
        f"<p>{_e(view.lessons_headline)}</p>",
        *(_lesson(lesson) for lesson in view.lessons),
        *([_system(view)] if view.system_title is not None else []),
        f'<h2>{_e(lb["heading.starting"])} · {_e(lb["heading.variant"])}</h2>',
        _starting(view),
        *([_survey(view)] if view.survey else []),
        *([f'<h2>{_e(lb["heading.questions"])}</h2>', _list(_e(q) for q in view.questions)] if view.questions else []),
        f'<h2>{_e(lb["heading.details"])}</h2>',
        *(_factor_detail(f, view) for f in view.factors),
        _footer(view),
    ]
    return (
        "<!DOCTYPE html>\n"
        f'<html xmlns="http://www.w3.org/1999/xhtml" lang="{_e(view.lang)}">\n'
        f'<head><meta charset="utf-8"/><title>{_e(title)}</title><style>{CSS}</style></head>\n'
        "<body><main>\n" + "\n".join(body) + "\n</main></body>\n</html>\n"
    )


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _list(items: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _status_badge(status: Status, label: str) -> str:
    return f'<span class="badge {status.value}">{_e(label)}</span>'


def _summary(view: ReadinessExplanation) -> str:
    lb = view.labels
    provisional = "" if view.variant_determined else f' <span class="badge unknown">{_e(lb["label.provisional"])}</span>'
    return (
        '<div class="cards">'
        f'<div class="card"><div class="small">{_e(lb["heading.variant"])}</div>'
        f'<div class="big">{_e(view.variant_title)}{provisional}</div><div>{_e(view.variant_headline)}</div></div>'
        f'<div class="card"><div class="small">{_e(lb["heading.overall"])}</div>'
        f'<div class="big">{_e(view.overall_level)}</div><div>{_e(view.overall_text)}</div></div>'
        "</div>"
    )


def _chart(view: ReadinessExplanation) -> str:
    """Horizontal bars: share in place (solid), reachable with unknowns (light), threshold line."""
    lb = view.labels
    threshold = _threshold(view)
    height = CHART_ROW * len(view.factors) + 34
    width = CHART_LABEL + CHART_BAR + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{_e(lb["label.chart"])}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">'
    ]
    for tick in (0, 25, 50, 75, 100):
        x = CHART_LABEL + CHART_BAR * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 24}" stroke="#e3e8ee"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#7a8793" font-size="11">{tick}</text>')
    for row, factor in enumerate(view.factors):
        y = 8 + row * CHART_ROW
        solid = CHART_BAR * factor.share
        light = CHART_BAR * factor.share_max
        colour = "#2f5d8a" if factor.selected else "#8894a0"
        parts.append(f'<text x="{CHART_LABEL - 8}" y="{y + 15}" text-anchor="end" fill="#1d2733">{_e(factor.id)} {_e(factor.short_title)}</text>')
        parts.append(f'<rect x="{CHART_LABEL}" y="{y + 2}" width="{light:.1f}" height="18" fill="{colour}" fill-opacity="0.22"/>')
        parts.append(f'<rect x="{CHART_LABEL}" y="{y + 2}" width="{solid:.1f}" height="18" fill="{colour}"/>')
        parts.append(f'<text x="{CHART_LABEL + max(light, solid) + 6:.1f}" y="{y + 15}" fill="#1d2733">{_e(factor.share_text)}</text>')
    if threshold is not None:
        x = CHART_LABEL + CHART_BAR * threshold
        parts.append(f'<line x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{height - 24}" stroke="#b3261e" stroke-dasharray="4 3"/>')
        parts.append(f'<title>{_e(lb["label.threshold"])}</title>')
    parts.append("</svg>")
    return "".join(parts)


def _threshold(view: ReadinessExplanation) -> float | None:
    for line in view.parameters:
        if line.startswith("select_below_share = "):
            value = line.split(" = ", 1)[1].split(" ", 1)[0].replace(",", ".")
            return float(value)
    return None


def _percent_text(view: ReadinessExplanation) -> str:
    threshold = _threshold(view)
    return "" if threshold is None else view.labels["format.percent"].format(value=round(threshold * 100))


def _factor_table(view: ReadinessExplanation) -> str:
    lb = view.labels
    rows = [
        f"<tr><th>{_e(lb['label.factor'])}</th><th>{_e(lb['label.in_place'])}</th><th>{_e(lb['label.unknown'])}</th>"
        f"<th>{_e(lb['label.risks'])}</th><th>{_e(lb['label.plan'])}</th></tr>"
    ]
    for f in view.factors:
        plan = (
            f'<span class="badge sel">{_e(lb["label.considered"])}</span> ' + _e("; ".join(f.reasons))
            if f.selected
            else f'<span class="badge nosel">{_e(lb["label.not_selected"])}</span>'
        )
        risks = f'<span class="risk">{len(f.risks_present)}</span>' if f.risks_present else "0"
        rows.append(
            f"<tr><td>{_e(f.id)} {_e(f.title)}</td><td class=\"num\">{_e(f.share_text)}</td>"
            f'<td class="num">{len(f.unknown_items)}</td><td class="num">{risks}</td><td>{plan}</td></tr>'
        )
    return "<table>" + "".join(rows) + "</table>"


def _phases(view: ReadinessExplanation) -> str:
    """The phases side by side, the all-phases band below; a sensitisation step first, above them."""
    lb = view.labels
    first, columns, bands = [], [], []
    for phase in view.phases:
        factors = _list(f"{_e(fid)} {_e(name)} ({_e(share)})" for fid, name, share in phase.factors)
        provisional = f' <span class="badge unknown">{_e(lb["label.provisional"])}</span>' if phase.provisional else ""
        block = (
            f"<h3>{_e(phase.title)}{provisional}</h3><div class=\"small\">{_e(lb['label.phase_factors'])}</div>{factors}"
            f"<div>{_e(phase.text)}</div><div class=\"src\">{_e(phase.source_title)}</div>"
        )
        if phase.all_phases:
            bands.append(f'<div class="band">{block}</div>')
        elif phase.opens_plan:
            first.append(f'<div class="first{" provisional" if phase.provisional else ""}">{block}</div>')
        else:
            columns.append(f'<div class="phase">{block}</div>')
    why = ""
    if view.phases_headline:
        why = f"<p>{_e(view.phases_headline)}</p>" + _criteria(view.phases_criteria)
    return f"<p>{_e(view.phases_intro)}</p>" + "".join(first) + '<div class="phases">' + "".join(columns) + "</div>" + "".join(bands) + why


def _criteria(criteria: Iterable[CriterionExplanation]) -> str:
    """Criteria as a list: status badge, id, title, the reason and the source."""
    return _list(
        f"{_status_badge(c.status, c.status_label)} <b>{_e(c.id)}</b> {_e(c.title)}: {_e(c.reason)}"
        f'<div class="src">{_e(c.source_title)}</div>'
        for c in criteria
    )


def _system(view: ReadinessExplanation) -> str:
    """Seed 001 row 5: is case management set up as a system in the region?"""
    return f'<h2>{_e(view.labels["heading.system"])}</h2><p>{_e(view.system_headline)}</p>' + _criteria(view.system_criteria)


def _lesson(lesson: LessonView) -> str:
    findings = _criteria(lesson.findings)
    return (
        f'<div class="lesson s-{lesson.status.value}"><h3>{_status_badge(lesson.status, lesson.status_label)} '
        f"{_e(lesson.id)} {_e(lesson.title)}</h3><div class=\"small\">{_e(lesson.text)}</div>{findings}"
        f'<div class="src">{_e(lesson.source_title)}</div></div>'
    )


def _starting(view: ReadinessExplanation) -> str:
    lb = view.labels
    rows = [f"<tr><td>{_e(s.question)}</td><td>{_e(s.answer)}</td></tr>" for s in view.starting]
    points = ", ".join(view.connection_points) or lb["label.none"]
    rows.append(f"<tr><td>{_e(lb['label.connection_points'])}</td><td>{_e(points)}</td></tr>")
    criteria = _criteria(view.variant_criteria)
    return (
        "<table>" + "".join(rows) + "</table>"
        f"<h3>{_e(view.variant_title)}</h3><p>{_e(view.variant_description)}</p>"
        f"<div class=\"small\">{_e(lb['heading.criteria'])}</div>{criteria}"
    )


def _survey(view: ReadinessExplanation) -> str:
    rows = "".join(f'<tr><td>{_e(s.title)}</td><td class="num">{_e(s.mean)}</td><td>{_e(s.detail)}</td></tr>' for s in view.survey)
    return f"<h2>{_e(view.survey_title)}</h2><table>{rows}</table><p class=\"small\">{_e(view.survey_note)}</p>"


def _items(label: str, items: tuple[ItemView, ...], css: str = "") -> str:
    if not items:
        return ""
    entries = _list(f'{_e(i.id)} {_e(i.text)} <span class="src">({_e(i.answer)}; {_e(i.source_title)})</span>' for i in items)
    return f'<div class="small {css}">{_e(label)}</div>{entries}'


def _factor_detail(f: FactorView, view: ReadinessExplanation) -> str:
    lb = view.labels
    return (
        f'<div class="factor"><h3>{_e(f.id)} {_e(f.title)} — {_e(f.share_text)}</h3>'
        f"<div>{_e(f.description)}</div><div class=\"small\">{_e(f.summary)}</div>"
        + _items(lb["label.risks_present"], f.risks_present, "risk")
        + _items(lb["label.open_items"], f.open_items)
        + _items(lb["label.unknown_items"], f.unknown_items)
        + _items(lb["label.risks_unknown"], f.risks_unknown)
        + (f'<div class="small">{_e(lb["label.experience"])}</div>' + _list(_e(t) for t in f.experience) if f.experience else "")
        + f'<div class="src">{_e(f.source_title)}</div></div>'
    )


def _footer(view: ReadinessExplanation) -> str:
    lb = view.labels
    pack = view.pack
    return (
        f"<footer>{_e(lb['label.generated'])}: {_e('; '.join(view.parameters))}.<br/>"
        f"{_e(pack.id)} {_e(pack.version)} ({_e(pack.content_hash)})</footer>"
    )
