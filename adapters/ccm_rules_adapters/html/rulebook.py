"""The rule book (`ccm_rules.engine._rulebook.rule_book`) as Markdown or as one self-contained HTML page.

Both renderings show the same things in the same order — chapters (rulesets, then parameter
sets), each rule's role, condition, source and quote, each parameter's dated values, then
every other citation of the pack — so `docs/rulebook/<lang>.md` and `.html` never disagree.
The HTML page is the template `templates/rulebook.html` (the reports' shared layout and
stylesheet): no scripts, nothing fetched.
"""

from __future__ import annotations

import datetime
import re

from ccm_rules import RulePack
from ccm_rules.engine import (
    BookChapter,
    BookCondition,
    BookParameter,
    BookRule,
    BookSource,
    RuleBook,
    moved_to_keywords,
    shipped_pack_if_none,
)

from ._env import render

REGENERATE = "ccm-rules rules doc --all docs/rulebook"
"""The one command that rewrites every rule book under docs/ (CI runs it with --check)."""

_ANCHOR = re.compile(r"[^a-z0-9]+")


def anchor(text: str) -> str:
    """A stable anchor for a chapter or rule id (`team_act` → `team-act`, `CONF-1` → `conf-1`)."""
    return _ANCHOR.sub("-", text.lower()).strip("-")


def _date(day: datetime.date | None, book: RuleBook, pack: RulePack) -> str:
    return day.isoformat() if day is not None else book.text(pack, "open_ended")


def _rationale_label(book: RuleBook, pack: RulePack) -> str:
    """ "Why" — the rationale is written in English only, so other languages say so."""
    label = book.text(pack, "rationale")
    return label if book.lang == "en" else f"{label} (en)"


# ------------------------------------------------------------------ Markdown


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell or list item (pipes and line breaks escaped)."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _md_source(source: BookSource, indent: str = "") -> list[str]:
    where = f" (`{source.file}:{source.line}`)" if source.file and source.line else ""
    lines = [f"{_md(source.shown)}{where}"]
    if source.quote:
        lines.append(f"{indent}> {_md(source.quote)}")
    return lines


def _md_condition(condition: BookCondition, indent: str) -> list[str]:
    lines = [f"{indent}- {_md(condition.text)}"]
    for child in condition.children:
        lines += _md_condition(child, indent + "  ")
    return lines


def _md_rule(rule: BookRule, book: RuleBook, pack: RulePack) -> list[str]:
    t = book.text
    source = _md_source(rule.source, "  ")
    lines = [
        f'<a id="{anchor(rule.id)}"></a>',
        f"#### {_md(rule.id)} — {_md(rule.title)}",
        "",
        f"- **{t(pack, 'role')}:** {_md(rule.role_text)}",
    ]
    if rule.condition.children:
        lines.append(f"- **{t(pack, 'condition')}:** {_md(rule.condition.text)}")
        for child in rule.condition.children:
            lines += _md_condition(child, "  ")
    else:
        lines.append(f"- **{t(pack, 'condition')}:** {_md(rule.condition.text)}")
    lines.append(f"- **{pack.text('label.source', book.lang)}:** {source[0]}")
    lines += [f"  {line.lstrip()}" for line in source[1:]]
    if rule.source.rationale:
        lines.append(f"- **{_rationale_label(book, pack)}:** {_md(rule.source.rationale)}")
    return [*lines, ""]


def _md_parameter(param: BookParameter, book: RuleBook, pack: RulePack) -> list[str]:
    t = book.text
    unit = f" ({t(pack, 'unit')}: {_md(param.unit)})" if param.unit else ""
    lines = [
        f"#### `{param.name}`",
        "",
        f"{_md(param.description)}{unit}",
        "",
        f"*{_rationale_label(book, pack)}:* {_md(param.rationale)}",
        "",
        f"| {t(pack, 'value')} | {t(pack, 'valid_from')} | {t(pack, 'valid_until')} | {pack.text('label.source', book.lang)} |",
        "|---|---|---|---|",
    ]
    for value in param.values:
        cited = ""
        if value.source is not None:
            cited = _md(value.source.shown)
            if value.source.quote:
                cited += f" — „{_md(value.source.quote)}“"
            elif value.source.rationale:
                cited += f" — {_md(value.source.rationale)}"
        lines.append(
            f"| {_md(value.value)} | {_date(value.valid_from, book, pack)} | {_date(value.valid_until, book, pack)} | {cited} |"
        )
    return [*lines, ""]


def _md_chapter(chapter: BookChapter, book: RuleBook, pack: RulePack) -> list[str]:
    t = book.text
    lines = [f'<a id="{anchor(chapter.id)}"></a>', "", f"## {_md(chapter.title)}", ""]
    meta = f"`{chapter.id}`"
    if chapter.file:
        meta += f" · {t(pack, 'file')}: `{chapter.file}`"
    lines += [meta, ""]
    if chapter.description:
        lines += [_md(chapter.description), ""]
    source = _md_source(chapter.source)
    lines += [f"**{pack.text('label.source', book.lang)}:** {source[0]}", "", *source[1:]]
    if chapter.source.rationale:
        lines += ["", f"*{_rationale_label(book, pack)}:* {_md(chapter.source.rationale)}"]
    lines.append("")
    if chapter.rules:
        lines += [f"### {t(pack, 'rules')}", ""]
        for rule in chapter.rules:
            lines += _md_rule(rule, book, pack)
    if chapter.parameters:
        lines += [f"### {t(pack, 'parameters')}", ""]
        for param in chapter.parameters:
            lines += _md_parameter(param, book, pack)
    return lines


@moved_to_keywords("pack")
def render_markdown(book: RuleBook, *, pack: RulePack | None = None) -> str:
    """The rule book as one Markdown page (GitHub-flavoured: tables, anchors); `pack` as for `render_html`."""
    pack = shipped_pack_if_none(pack)
    t = book.text
    lines = [
        f"# {t(pack, 'title')}: {_md(book.title)}",
        "",
        f"`{book.pack_id}` {book.version} · {book.lang}",
        "",
        _md(t(pack, "intro")),
        "",
        _md(t(pack, "regenerate").format(command=f"`{REGENERATE}`")).replace("\\`", "`"),
        "",
        f"## {t(pack, 'contents')}",
        "",
    ]
    for chapter in book.chapters:
        lines.append(f"- [{_md(chapter.title)}](#{anchor(chapter.id)}) — `{chapter.id}`")
    lines += [f"- [{t(pack, 'other_sources')}](#other-sources)", ""]
    for chapter in book.chapters:
        lines += _md_chapter(chapter, book, pack)
    lines += [
        '<a id="other-sources"></a>',
        "",
        f"## {t(pack, 'other_sources')}",
        "",
        _md(t(pack, "other_sources_intro")),
        "",
    ]
    for file, entries in book.other_sources:
        lines += [
            f"### `{file}`",
            "",
            f"| {t(pack, 'where')} | {pack.text('label.source', book.lang)} | {t(pack, 'quote')} |",
            "|---|---|---|",
        ]
        for entry in entries:
            said = entry.source.quote or entry.source.rationale or ""
            quote = f"„{_md(said)}“" if entry.source.quote else _md(said)
            line = f" · {entry.source.line}" if entry.source.line else ""
            lines.append(f"| `{_md(entry.where)}`{line} | {_md(entry.source.shown)} | {quote} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------ HTML


@moved_to_keywords("pack")
def render_html(book: RuleBook, *, pack: RulePack | None = None, stylesheet_url: str | None = None) -> str:
    """The rule book as one self-contained HTML page (`templates/rulebook.html`: inline stylesheet, no scripts).

    `pack` is the pack the book was made from (default: the shipped pack), for the headings;
    `stylesheet_url` links the stylesheet instead of inlining it (web app). `pack` by
    position still works, with a DeprecationWarning.
    """
    pack = shipped_pack_if_none(pack)
    title = f"{book.text(pack, 'title')}: {book.title}"
    context = {
        "book": book,
        "t": lambda key: book.text(pack, key),
        "lang": book.lang,
        "report": "report-rulebook",
        "title": title,
        "source_label": pack.text("label.source", book.lang),
        "why_label": _rationale_label(book, pack),
        "regenerate": book.text(pack, "regenerate").format(command=REGENERATE),
        "date": lambda day: _date(day, book, pack),
        "anchor": anchor,
    }
    return render("rulebook.html", context, stylesheet_url=stylesheet_url)
