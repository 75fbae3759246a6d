"""The HTML reports as one Jinja2 template set (issue 17 item 8).

Every report (readiness, DACTS, rule book) renders in all four languages as a well-formed
page (html.parser and an XML parser both read it, the SVG charts too); every text a user or
a rule file supplies is escaped wherever the report writes it (a region name, a program
code, a rule text holding `<script>`); the stylesheet is inlined for a standalone file and
linked for the web app; the DACTS table says a figure as it was scored.
"""

from __future__ import annotations

import datetime
import enum
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

from ccm_rules import RulePack
from ccm_rules.engine import PackMismatchError, rule_book
from ccm_rules.fidelity import explain_dacts, read_program, score_dacts
from ccm_rules.readiness import assess_readiness, explain_readiness, parse_region, read_region
from ccm_rules_adapters.cli import main
from ccm_rules_adapters.html._charts import Bar, bar_chart, radar_chart
from ccm_rules_adapters.html._env import environment, render, stylesheet
from ccm_rules_adapters.html.dacts import render_dacts_html
from ccm_rules_adapters.html.readiness import render_report
from ccm_rules_adapters.html.rulebook import render_html, render_markdown

from .conftest import EXAMPLES, RULES

LANGS = ("en", "cs", "hu", "de")
HOSTILE = '<script>alert("x")</script>&<b onload=1>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&lt;b onload=1&gt;"
SVG = "{http://www.w3.org/2000/svg}"
CODES = {"lang", "verified"}  # fields that are keys into the pack's texts, not texts


# ------------------------------------------------------------------ helpers


class _Strict(HTMLParser):
    """Every element closed in order (void elements written `<meta .../>`), no scripts, nothing fetched."""

    VOID: ClassVar[set[str]] = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        assert tag != "script" and not any(k.startswith("on") or k in ("src", "style") for k, _ in attrs), (tag, attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        assert not any(k.startswith("on") or k in ("src", "style") for k, _ in attrs), (tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def well_formed(page: str, lang: str) -> ET.Element:
    """The page read by both parsers; its root element, with `lang` checked."""
    assert page.startswith("<!DOCTYPE html>\n")
    checker = _Strict()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    root = ET.fromstring(page.split("\n", 1)[1])
    assert root.tag == "html" and root.get("lang") == lang
    assert [child.tag for child in root] == ["head", "body"]
    assert [child.tag for child in root.find("body") or []] == ["header", "main", "footer"]
    assert "@media print" in page and "<link" not in page
    return root


def poisoned(value: Any, mark: str = HOSTILE) -> Any:
    """`value` with `mark` appended to every text inside it (attrs classes, tuples, lists and dict values; not enum members nor the CODES)."""
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return value + mark
    if attrs.has(type(value)):
        changes = {
            f.name: poisoned(getattr(value, f.name), mark)
            for f in attrs.fields(type(value))
            if f.init and f.name not in CODES
        }
        return attrs.evolve(value, **changes)
    if isinstance(value, tuple):
        return tuple(poisoned(v, mark) for v in value)
    if isinstance(value, list):
        return [poisoned(v, mark) for v in value]
    if isinstance(value, dict):
        return {k: poisoned(v, mark) for k, v in value.items()}
    return value


def assert_escaped(page: str, times: int) -> None:
    """The hostile text shows up only escaped, at least `times` times, and never as markup."""
    assert "<script" not in page and "<b onload" not in page
    assert page.count(ESCAPED) >= times, page.count(ESCAPED)


def readiness_page(name: str, lang: str, pack: RulePack, **kwargs: Any) -> tuple[Any, str]:
    result = assess_readiness(read_region(EXAMPLES / f"readiness/{name}.yaml", pack=pack), pack=pack)
    view = explain_readiness(result, pack, lang)
    return view, render_report(view, **kwargs)


def dacts_page(name: str, lang: str, pack: RulePack, program: str | None = "ACT-P01") -> str:
    result = score_dacts(
        read_program(EXAMPLES / f"dacts/{name}.yaml").figures, as_of=datetime.date(2027, 1, 1), pack=pack
    )
    return render_dacts_html(explain_dacts(result, pack, lang), result, pack=pack, program=program)


# ------------------------------------------------------------------ every report, every language


@pytest.mark.parametrize("lang", LANGS)
def test_readiness_report_is_well_formed_in_every_language(lang: str, pack: RulePack) -> None:
    view, page = readiness_page("running_pilot", lang, pack)
    root = well_formed(page, lang)
    charts = root.findall(f".//{SVG}svg")
    assert len(charts) == 2  # the factor bars and the radar
    radar, bars = sorted(
        charts, key=lambda svg: svg.get("class") != "chart radar"
    )  # the radar in the summary cards, the bars under the factors
    assert radar.get("class") == "chart radar"
    assert len(bars.findall(f"{SVG}rect")) == 2 * len(view.factors)  # reachable (light) and in place (solid)
    assert [t.text for t in radar.findall(f"{SVG}text")][-len(view.factors) :] == [f.id for f in view.factors]
    assert len(radar.findall(f"{SVG}circle")) == len(view.factors)
    assert root.find("head/title") is not None and root.findtext("head/title") == f"{view.title}: {view.region}"
    assert root.findtext("body/header/h1") == f"{view.title}: {view.region}"
    assert view.labels["heading.factors"] in page and pack.text("readiness.heading.lessons", lang) in page


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["high_fidelity", "partly_measured"])
def test_dacts_report_is_well_formed_with_a_chart_per_section(name: str, lang: str, pack: RulePack) -> None:
    page = dacts_page(name, lang, pack)
    root = well_formed(page, lang)
    charts = root.findall(f".//{SVG}svg")
    ex = explain_dacts(
        score_dacts(read_program(EXAMPLES / f"dacts/{name}.yaml").figures, as_of=datetime.date(2027, 1, 1), pack=pack),
        pack,
        lang,
    )
    assert [svg.findtext(f"{SVG}text") for svg in charts] == [f"{code} {title}" for code, title, _ in ex.sections]
    assert sum(len(svg.findall(f"{SVG}rect")) for svg in charts) == 28
    labels = [
        t.text
        for svg in charts
        for t in svg.findall(f"{SVG}text")
        if t.text and t.text[0] in "HOS" and t.text[1:].isdigit()
    ]
    assert labels == [i.id for i in ex.items]
    assert pack.text("dacts.heading.items", lang) in page and ex.title in page


@pytest.mark.parametrize("lang", LANGS)
def test_rulebook_is_well_formed_in_every_language(lang: str, pack: RulePack) -> None:
    book = rule_book(lang, pack=pack)
    root = well_formed(render_html(book, pack=pack), lang)
    ids = [a.get("id") for a in root.iter() if a.get("id")]
    assert len(ids) == len(set(ids))
    assert {r.id.lower() for c in book.chapters for r in c.rules} <= set(ids)
    assert root.findtext("body/header/h1") == f"{pack.text('rulebook.title', lang)}: {book.title}"


# ------------------------------------------------------------------ escaping


def test_a_region_name_with_markup_is_escaped(pack: RulePack, tmp_path: Path) -> None:
    source = (EXAMPLES / "readiness/new_to_ccm.yaml").read_text(encoding="utf-8")
    region = tmp_path / "region.yaml"
    region.write_text(
        source.replace("region: Region A (new to CCM)", "region: '" + HOSTILE.replace("'", "''") + "'"),
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    assert main(["readiness", str(region), "--lang", "cs", "--report", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert_escaped(page, 2)  # the <title> and the <h1>
    assert well_formed(page, "cs").findtext("head/title", "").endswith(HOSTILE)


def test_a_program_code_with_markup_is_escaped(tmp_path: Path) -> None:
    source = (EXAMPLES / "dacts/moderate_fidelity.yaml").read_text(encoding="utf-8")
    program = tmp_path / "program.yaml"
    code = next(line for line in source.splitlines() if line.startswith("program:"))
    program.write_text(source.replace(code, "program: '" + HOSTILE.replace("'", "''") + "'"), encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["fidelity", "dacts", str(program), "--format", "html", "--lang", "hu", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert_escaped(page, 1)
    well_formed(page, "hu")


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_of_the_readiness_report_is_escaped(lang: str, pack: RulePack) -> None:
    """Every text of the explanation (region, factor and criterion texts, labels, sources) carries markup: none gets through."""
    result = assess_readiness(read_region(EXAMPLES / "readiness/new_to_ccm.yaml", pack=pack), pack=pack)
    view = explain_readiness(result, pack, lang)
    page = render_report(poisoned(view))
    assert_escaped(page, 100)
    well_formed(page, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_of_the_dacts_report_is_escaped(lang: str, pack: RulePack) -> None:
    result = score_dacts(
        read_program(EXAMPLES / "dacts/partly_measured.yaml").figures, as_of=datetime.date(2027, 1, 1), pack=pack
    )
    page = render_dacts_html(poisoned(explain_dacts(result, pack, lang)), result, pack=pack, program=HOSTILE)
    assert_escaped(page, 28 * 4)  # at least title, figure, anchor and bar label of every item
    well_formed(page, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_of_the_rulebook_is_escaped(lang: str, pack: RulePack) -> None:
    book = rule_book(lang, pack=pack)
    page = render_html(poisoned(book), pack=pack)
    assert_escaped(page, sum(len(c.rules) for c in book.chapters) * 4)
    well_formed(page, lang)


def test_a_rule_text_with_markup_is_escaped_in_the_rulebook(tmp_path: Path) -> None:
    """A rule file is user input too: a title and a quote holding `<script>` end up as text."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    smart = rules / "goals" / "smart.yaml"
    text = smart.read_text(encoding="utf-8")
    assert "Termínovanost" in text
    smart.write_text(text.replace("Termínovanost", "Termínovanost <script>alert(1)</script>", 1), encoding="utf-8")
    pack = RulePack.load(rules)
    page = render_html(rule_book("cs", pack=pack), pack=pack)
    assert "<script" not in page and "Termínovanost &lt;script&gt;alert(1)&lt;/script&gt;" in page
    well_formed(page, "cs")


def test_chart_labels_are_escaped_by_the_macros() -> None:
    macros = environment().get_template("macros.html").module
    chart = bar_chart(
        [Bar(HOSTILE, 3, "#000"), Bar("x", None, "#000", 1, 5)], maximum=5, title=HOSTILE, ticks=(1, 5), unknown=HOSTILE
    )
    svg = str(macros.bar_chart(chart))  # type: ignore[attr-defined]
    assert_escaped(svg, 4)  # aria-label, title, bar title and bar label
    assert len(ET.fromstring(svg).findall(f"{SVG}rect")) == 2
    radar = str(
        macros.radar_chart(radar_chart([HOSTILE, "b", "c"], [0.5, 0, 1], [1, 1, 1], title=HOSTILE, threshold=0.75))
    )  # type: ignore[attr-defined]
    assert_escaped(radar, 3)
    assert len(ET.fromstring(radar).findall(f"{SVG}polygon")) == 4 + 3  # rings, reachable, in place, threshold


# ------------------------------------------------------------------ one environment, one stylesheet


def test_one_environment_autoescapes_and_refuses_undefined_names() -> None:
    env = environment()
    assert env is environment()
    assert env.autoescape("x.html") is True  # type: ignore[operator]
    assert {"base.html", "macros.html", "readiness.html", "dacts.html", "rulebook.html"} <= set(env.list_templates())
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        render("dacts.html", {"lang": "en", "report": "x", "title": "t"})


def test_the_web_app_links_the_stylesheet_instead_of_inlining_it(pack: RulePack) -> None:
    _, page = readiness_page("new_to_ccm", "de", pack, stylesheet_url="/static/report.css")
    assert '<link rel="stylesheet" href="/static/report.css"/>' in page and "<style" not in page
    _, standalone = readiness_page("new_to_ccm", "de", pack)
    assert str(stylesheet()) in standalone and standalone.count("<style>") == 1


def test_the_stylesheet_needs_no_inline_styles_and_prints() -> None:
    css = str(stylesheet())
    assert "@media print" in css and "break-inside: avoid" in css
    for cls in ("badge", "fidelity-band", "swatch-sel", "rule", "lesson", "factor", "phase"):
        assert f".{cls}" in css, cls


# ------------------------------------------------------------------ DACTS: the figure as scored (H6)


def _h6_row(page: str) -> list[str]:
    root = ET.fromstring(page.split("\n", 1)[1])
    for row in root.iter("tr"):
        cells = [c.text or "" for c in row.findall("td")]
        if cells and cells[0] == "H6":
            return cells
    raise AssertionError("no H6 row")


@pytest.mark.parametrize(
    ("figure", "shown", "score", "anchor"),
    [(94.6, "94.6 → 95%", "5", "≥ 95%"), (94.4, "94.4 → 94%", "4", "80–94%"), (85, "85%", "4", "80–94%")],
)
def test_dacts_h6_figure_agrees_with_its_anchor(
    figure: float, shown: str, score: str, anchor: str, pack: RulePack
) -> None:
    """Maine App. 193-2-A: "80 - 94%" scores 4, "Operated at 95% or more" scores 5; the figure is
    rounded half up to whole percent first (project policy), so 94.6 % scores 5 — the row says
    so instead of showing 94.6% next to the anchor ≥ 95%."""
    figures = {**read_program(EXAMPLES / "dacts/moderate_fidelity.yaml").figures, "pct_full_staffing_12_months": figure}
    result = score_dacts(figures, as_of=datetime.date(2027, 1, 1), pack=pack)
    cells = _h6_row(render_dacts_html(explain_dacts(result, pack, "en"), result, pack=pack))
    assert cells[2:5] == [shown, score, anchor]


# ------------------------------------------------------------------ old call forms


def test_renderers_take_one_shape_and_keep_their_old_call_forms(pack: RulePack) -> None:
    """Issue 14 item 15: the explanation first, then keywords (`pack=`, …); the old positional forms still work, with a DeprecationWarning."""
    result = score_dacts(
        read_program(EXAMPLES / "dacts/high_fidelity.yaml").figures, as_of=datetime.date(2027, 1, 1), pack=pack
    )
    ex = explain_dacts(result, pack, "cs")
    new = render_dacts_html(ex, result, pack=pack, program="P")
    with pytest.warns(DeprecationWarning, match="passing pack, program by position"):
        assert render_dacts_html(ex, result, pack, "P") == new  # type: ignore[call-arg]
    assert render_dacts_html(ex, result, program="P") == new  # the shipped pack by default
    book = rule_book("de", pack=pack)
    with pytest.warns(DeprecationWarning, match="pack by position"):
        assert render_html(book, pack) == render_html(book, pack=pack) == render_html(book)  # type: ignore[call-arg]
    with pytest.warns(DeprecationWarning, match="pack by position"):
        assert render_markdown(book, pack) == render_markdown(book, pack=pack)  # type: ignore[call-arg]
    region = parse_region((EXAMPLES / "readiness/hospital_host.yaml").read_text(encoding="utf-8"), "r.yaml", pack=pack)
    view = explain_readiness(assess_readiness(region, pack=pack), pack, "hu")
    assert render_report(view) == render_report(view, pack=pack)


def test_a_report_refuses_a_pack_other_than_the_one_that_made_it(pack: RulePack, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    smart = rules / "goals" / "smart.yaml"
    smart.write_text(
        smart.read_text(encoding="utf-8").replace("Termínovanost", "Termínovanost (edited)", 1), encoding="utf-8"
    )
    other = RulePack.load(rules)
    result = score_dacts(
        read_program(EXAMPLES / "dacts/high_fidelity.yaml").figures, as_of=datetime.date(2027, 1, 1), pack=pack
    )
    with pytest.raises(PackMismatchError):
        render_dacts_html(explain_dacts(result, pack, "en"), result, pack=other)
    region = parse_region((EXAMPLES / "readiness/hospital_host.yaml").read_text(encoding="utf-8"), "r.yaml", pack=pack)
    with pytest.raises(PackMismatchError):
        render_report(explain_readiness(assess_readiness(region, pack=pack), pack, "en"), pack=other)


def test_an_inlined_stylesheet_can_carry_a_csp_nonce(pack: RulePack) -> None:
    """The web app's strict CSP allows the single <style> by nonce (and a hostile nonce is escaped)."""
    book = rule_book("en", pack=pack)
    context = {
        "book": book,
        "t": lambda key: book.text(pack, key),
        "lang": "en",
        "report": "report-rulebook",
        "title": "t",
    }
    context |= {"source_label": "Source", "why_label": "Why", "regenerate": "", "date": str, "anchor": str.lower}
    page = render("rulebook.html", context, csp_nonce="r4nd0m")
    assert page.count('<style nonce="r4nd0m">') == 1
    assert '<style nonce="&#34;&gt;&lt;script&gt;">' in render("rulebook.html", context, csp_nonce='"><script>')
    assert "<style>" in render("rulebook.html", context)
