"""The commissioner's indicators report as one self-contained HTML page (`templates/indicators.html`).

Seed 002 §4.1 and §5 item 5 ask for feedback to the commissioner at set intervals; §6 and
§8.1 name what it reports. One section per group (provider, case manager or region, or
the whole service): the headline figures, a bar chart per indicator with categories (the
fulfilment of the planned measures, the impact, the base data, the satisfaction scores),
and every figure in a table. Texts are the indicator catalogue's, in the page's language;
the template escapes every text.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from itertools import groupby
from typing import Any

import attrs

from ccm_rules.records.indicators import category_label, format_value, group_label, indicator_label, report_order

from ._charts import HBar, HBarChart, hbar_chart
from ._env import render

WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "Labour-market case management: indicators",
        "period": "Period",
        "group": "Group",
        "indicator": "Indicator",
        "value": "Value",
        "source": "Source: seed 002 §6, §8.1",
    },
    "cs": {
        "title": "Case management na trhu práce: ukazatele",
        "period": "Období",
        "group": "Skupina",
        "indicator": "Ukazatel",
        "value": "Hodnota",
        "source": "Zdroj: podklad 002 §6, §8.1",
    },
    "hu": {
        "title": "Munkaerő-piaci esetmenedzsment: mutatók",
        "period": "Időszak",
        "group": "Csoport",
        "indicator": "Mutató",
        "value": "Érték",
        "source": "Forrás: 002 §6, §8.1",
    },
    "de": {
        "title": "Arbeitsmarktbezogenes Case Management: Kennzahlen",
        "period": "Zeitraum",
        "group": "Gruppe",
        "indicator": "Kennzahl",
        "value": "Wert",
        "source": "Quelle: Vorlage 002 §6, §8.1",
    },
}
"""The page's own words in each language."""


BY = {
    "provider": {"en": "provider", "cs": "poskytovatel", "hu": "szolgáltató", "de": "Anbieter"},
    "case_manager": {"en": "case manager", "cs": "case manažer", "hu": "esetmenedzser", "de": "Case Manager"},
    "region": {"en": "region", "cs": "region", "hu": "régió", "de": "Region"},
}


@attrs.frozen
class Figure:
    """One row of a group's table: the indicator's name, the category (may be empty) and the value as text."""

    indicator: str
    category: str
    value: str


@attrs.frozen
class Section:
    """One group of the report: its name, the headline figures, a chart per categorised indicator, the table."""

    name: str
    headline: tuple[Figure, ...]
    charts: tuple[HBarChart, ...]
    figures: tuple[Figure, ...]


def render_indicators_html(
    rows: Sequence[Mapping[str, Any]],
    *,
    lang: str = "en",
    start: datetime.date,
    end: datetime.date,
    by: str | None = None,
    stylesheet_url: str | None = None,
    csp_nonce: str | None = None,
) -> str:
    """The report of an indicator table's rows (`ccm_rules.records.indicators(...)`, as dicts) in `lang`."""
    words = WORDS.get(lang, WORDS["en"])
    sections = indicator_sections(rows, lang)
    context = {
        "lang": lang,
        "report": "indicators",
        "title": words["title"],
        "period_label": words["period"],
        "period": f"{start.isoformat()} – {end.isoformat()}",
        "group_label": BY[by][lang] if by in BY and lang in BY[by] else words["group"],
        "indicator_label": words["indicator"],
        "value_label": words["value"],
        "source": words["source"],
        "sections": sections,
    }
    return render("indicators.html", context, stylesheet_url=stylesheet_url, csp_nonce=csp_nonce)


def indicator_sections(rows: Sequence[Mapping[str, Any]], lang: str) -> list[Section]:
    """The report's sections (one per group: headline figures, a chart per categorised indicator, the table), for the web app's page too."""
    return [
        _section(str(group), list(items), lang)
        for group, items in groupby(report_order(rows), key=lambda r: r["group"])
    ]


def _section(group: str, rows: list[Mapping[str, Any]], lang: str) -> Section:
    figures = tuple(
        Figure(
            indicator_label(str(r["indicator"]), lang),
            category_label(r["category"], lang),
            format_value(r["value"], str(r["indicator"]), lang),
        )
        for r in rows
    )
    headline = tuple(f for f, r in zip(figures, rows, strict=True) if r["category"] is None)
    charts = []
    for indicator, items in groupby((r for r in rows if r["category"] is not None), key=lambda r: r["indicator"]):
        listed = list(items)
        total = sum(float(r["value"]) for r in listed) or 1.0
        bars = [
            HBar(
                category_label(r["category"], lang),
                float(r["value"]) / total,
                float(r["value"]) / total,
                format_value(r["value"], str(indicator), lang),
                True,
            )
            for r in listed
        ]
        charts.append(hbar_chart(bars, title=indicator_label(str(indicator), lang), threshold=None, threshold_title=""))
    return Section(group_label(group, lang), headline, tuple(charts), figures)
