"""The rule book (`ccm_rules.engine._rulebook.rule_book`) as Markdown or as one self-contained HTML page.

Both renderings show the same things in the same order — chapters (rulesets, then parameter
sets), each rule's role, condition, source and quote, each parameter's dated values, then
every other citation of the pack — so `docs/rulebook/<lang>.md` and `.html` never disagree.
The HTML page uses the shared page helpers (`_page`): inline CSS, no scripts, nothing fetched.
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
)

from ._page import esc, page

REGENERATE = "ccm-rules rules doc --all docs/rulebook"
"""The one command that rewrites every rule book under docs/ (CI runs it with --check)."""

_ANCHOR = re.compile(r"[^a-z0-9]+")


def anchor(text: str) -> str:
    """A stable anchor for a chapter or rule id (`team_act` → `team-act`, `CONF-1` → `conf-1`)."""
    return _ANCHOR.sub("-", text.lower()).strip("-")


def _date(day: datetime.date | None, book: RuleBook, pack: RulePack) -> str:
    return day.isoformat() if day is not None else book.text(pack, "open_ended")


def _rationale_label(book: RuleBook, pack: RulePack) -> str:
    """"Why" — the rationale is written in English only, so other languages say so."""
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
        lines.append(f"| {_md(value.value)} | {_date(value.valid_from, book, pack)} | {_date(value.valid_until, book, pack)} | {cited} |")
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


def render_markdown(book: RuleBook, pack: RulePack) -> str:
    """The rule book as one Markdown page (GitHub-flavoured: tables, anchors)."""
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
    lines += ['<a id="other-sources"></a>', "", f"## {t(pack, 'other_sources')}", "", _md(t(pack, "other_sources_intro")), ""]
    for file, entries in book.other_sources:
        lines += [f"### `{file}`", "", f"| {t(pack, 'where')} | {pack.text('label.source', book.lang)} | {t(pack, 'quote')} |", "|---|---|---|"]
        for entry in entries:
            said = entry.source.quote or entry.source.rationale or ""
            quote = f"„{_md(said)}“" if entry.source.quote else _md(said)
            line = f" · {entry.source.line}" if entry.source.line else ""
            lines.append(f"| `{_md(entry.where)}`{line} | {_md(entry.source.shown)} | {quote} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------ HTML

_CSS = """<style>
nav.toc { columns: 2; font-size: .9rem; }
nav.toc li { break-inside: avoid; }
section.chapter { margin-top: 2.5rem; }
.rule { border: 1px solid #d8dde6; border-left: 4px solid #3b6fb6; border-radius: .35rem; padding: .6rem 1rem; margin: 1rem 0; background: #fff; }
.rule.gate { border-left-color: #c98a00; }
.rule.informative { border-left-color: #8c96a6; }
.rule h4 { margin: .1rem 0 .5rem; font-size: 1rem; }
.rule h4 .id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; background: #eef2f8; padding: .05rem .4rem; border-radius: .25rem; margin-right: .4rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; color: #3d4756; }
dl.facts dd { margin: 0; }
ul.cond { margin: .1rem 0; padding-left: 1.2rem; }
blockquote { margin: .4rem 0; padding: .35rem .8rem; border-left: 3px solid #b9c3d3; background: #f6f8fb; color: #2b3442; font-style: italic; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85em; }
.param { margin: 1rem 0; }
.param h4 { margin: .2rem 0; }
.why { color: #5b6575; font-size: .9rem; }
</style>"""


def _html_source(source: BookSource) -> str:
    where = f' <span class="meta mono">{esc(source.file)}:{esc(source.line)}</span>' if source.file and source.line else ""
    quote = f"<blockquote>{esc(source.quote)}</blockquote>" if source.quote else ""
    return f"{esc(source.shown)}{where}{quote}"


def _html_condition(condition: BookCondition) -> str:
    if not condition.children:
        return esc(condition.text)
    items = "".join(f"<li>{_html_condition(child)}</li>" for child in condition.children)
    return f'{esc(condition.text)}<ul class="cond">{items}</ul>'


def _html_rule(rule: BookRule, book: RuleBook, pack: RulePack) -> str:
    t = book.text
    why = f"<dt>{esc(_rationale_label(book, pack))}</dt><dd class=why>{esc(rule.source.rationale)}</dd>" if rule.source.rationale else ""
    return (
        f'<article class="rule {esc(rule.role)}" id="{anchor(rule.id)}">'
        f'<h4><span class="id">{esc(rule.id)}</span>{esc(rule.title)}</h4><dl class="facts">'
        f"<dt>{esc(t(pack, 'role'))}</dt><dd>{esc(rule.role_text)}</dd>"
        f"<dt>{esc(t(pack, 'condition'))}</dt><dd>{_html_condition(rule.condition)}</dd>"
        f"<dt>{esc(pack.text('label.source', book.lang))}</dt><dd>{_html_source(rule.source)}</dd>{why}"
        "</dl></article>"
    )


def _html_parameter(param: BookParameter, book: RuleBook, pack: RulePack, chapter: str) -> str:
    t = book.text
    unit = f" <span class=meta>({esc(t(pack, 'unit'))}: {esc(param.unit)})</span>" if param.unit else ""
    rows = []
    for value in param.values:
        cited = _html_source(value.source) if value.source is not None else ""
        if value.source is not None and not value.source.quote and value.source.rationale:
            cited += f'<div class="why">{esc(value.source.rationale)}</div>'
        rows.append(
            f"<tr><td class=num>{esc(value.value)}</td><td>{esc(_date(value.valid_from, book, pack))}</td>"
            f"<td>{esc(_date(value.valid_until, book, pack))}</td><td>{cited}</td></tr>"
        )
    head = "".join(f"<th>{esc(h)}</th>" for h in (t(pack, "value"), t(pack, "valid_from"), t(pack, "valid_until"), pack.text("label.source", book.lang)))
    return (
        f'<div class="param" id="{anchor(chapter)}--{anchor(param.name)}"><h4><code>{esc(param.name)}</code></h4>'
        f"<p>{esc(param.description)}{unit}</p>"
        f'<p class="why"><b>{esc(_rationale_label(book, pack))}:</b> {esc(param.rationale)}</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _html_chapter(chapter: BookChapter, book: RuleBook, pack: RulePack) -> str:
    t = book.text
    file = f" · {esc(t(pack, 'file'))}: <code>{esc(chapter.file)}</code>" if chapter.file else ""
    parts = [
        f'<section class="chapter" id="{anchor(chapter.id)}"><h2>{esc(chapter.title)}</h2>',
        f'<p class="meta"><code>{esc(chapter.id)}</code>{file}</p>',
    ]
    if chapter.description:
        parts.append(f"<p>{esc(chapter.description)}</p>")
    parts.append(f"<p><b>{esc(pack.text('label.source', book.lang))}:</b> {_html_source(chapter.source)}</p>")
    if chapter.source.rationale:
        parts.append(f'<p class="why"><b>{esc(_rationale_label(book, pack))}:</b> {esc(chapter.source.rationale)}</p>')
    if chapter.rules:
        parts.append(f"<h3>{esc(t(pack, 'rules'))}</h3>")
        parts += [_html_rule(rule, book, pack) for rule in chapter.rules]
    if chapter.parameters:
        parts.append(f"<h3>{esc(t(pack, 'parameters'))}</h3>")
        parts += [_html_parameter(param, book, pack, chapter.id) for param in chapter.parameters]
    parts.append("</section>")
    return "".join(parts)


def render_html(book: RuleBook, pack: RulePack) -> str:
    """The rule book as one self-contained HTML page (inline CSS, no scripts)."""
    t = book.text
    toc = "".join(f'<li><a href="#{anchor(c.id)}">{esc(c.title)}</a> <code>{esc(c.id)}</code></li>' for c in book.chapters)
    toc += f'<li><a href="#other-sources">{esc(t(pack, "other_sources"))}</a></li>'
    others = []
    for file, entries in book.other_sources:
        rows = "".join(
            f"<tr><td><code>{esc(e.where)}</code>{f' <span class=meta>:{esc(e.source.line)}</span>' if e.source.line else ''}</td>"
            f"<td>{esc(e.source.shown)}</td>"
            f"<td>{f'<blockquote>{esc(e.source.quote)}</blockquote>' if e.source.quote else esc(e.source.rationale or '')}</td></tr>"
            for e in entries
        )
        head = "".join(f"<th>{esc(h)}</th>" for h in (t(pack, "where"), pack.text("label.source", book.lang), t(pack, "quote")))
        others.append(f"<h3><code>{esc(file)}</code></h3><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    body = (
        f"{_CSS}<h1>{esc(t(pack, 'title'))}: {esc(book.title)}</h1>"
        f'<p class="meta"><code>{esc(book.pack_id)}</code> {esc(book.version)} · {esc(book.lang)}</p>'
        f"<p>{esc(t(pack, 'intro'))}</p>"
        f'<p class="meta">{esc(t(pack, "regenerate").format(command=REGENERATE))}</p>'
        f'<h2>{esc(t(pack, "contents"))}</h2><nav class="toc"><ul>{toc}</ul></nav>'
        + "".join(_html_chapter(c, book, pack) for c in book.chapters)
        + f'<section class="chapter" id="other-sources"><h2>{esc(t(pack, "other_sources"))}</h2>'
        f"<p>{esc(t(pack, 'other_sources_intro'))}</p>{''.join(others)}</section>"
    )
    return page(f"{t(pack, 'title')}: {book.title}", body, book.lang)
