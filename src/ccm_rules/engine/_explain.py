"""Rendering a decision in one language: headline, criterion reasons, sources, questions."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import attrs

from ._citations import parse_ref
from ._decision import Decision, PackInfo, Question, Status, TraceNode
from ._deprecation import moved_to_keywords
from ._errors import PackMismatchError, UnknownLanguageError
from ._extend import regional_notes
from ._messages import format_number, format_text
from ._pack import RulePack, Ruleset
from ._spec import PROJECT_POLICY, Source
from ._vocabulary import Vocabulary


@attrs.frozen
class CriterionExplanation:
    """One criterion in words: title, status, the reason, and where the rule comes from."""

    id: str
    title: str
    status: Status
    status_label: str
    role: str
    reason: str
    source: str
    """The rule's source as the rule file writes it (a seed by its file name), with its rationale."""
    source_title: str
    """The same source as a reader sees it in `lang`: a seed by its title and section (see `cite`)."""


@attrs.frozen
class Explanation:
    """A decision rendered in one language, ready to print or send."""

    lang: str
    ruleset: str
    title: str
    outcome: str
    outcome_label: str
    headline: str
    criteria: tuple[CriterionExplanation, ...]
    questions: tuple[str, ...]
    as_of: datetime.date
    pack: str


def check_explainable(made_by: PackInfo, pack: RulePack, lang: str) -> None:
    """Refuse a language the pack does not ship, or a pack other than the one that made a result."""
    if lang not in pack.languages:
        raise UnknownLanguageError(lang, pack.languages)
    if made_by != pack.info:
        raise PackMismatchError(
            f"the result was made by {made_by.id} {made_by.version} ({made_by.content_hash}),"
            f" not by the loaded pack {pack.info.id} {pack.info.version} ({pack.info.content_hash})"
        )


def explain(decision: Decision, pack: RulePack, lang: str = "en") -> Explanation:
    """Explain `decision` in `lang` with the pack that made it (checked by content hash)."""
    check_explainable(decision.pack, pack, lang)
    ruleset = pack.ruleset(decision.ruleset)
    values = _values(decision, ruleset, lang, pack.texts)
    criteria = []
    for result in decision.criteria:
        spec = next(c.spec for c in ruleset.criteria if c.id == result.id)
        template = {Status.MET: spec.met, Status.NOT_MET: spec.not_met, Status.UNKNOWN: spec.unknown}[result.status][
            lang
        ]
        criteria.append(
            CriterionExplanation(
                id=result.id,
                title=spec.title[lang],
                status=result.status,
                status_label=pack.text(f"status.{result.status.value}", lang),
                role=result.role,
                reason=format_text(template, lang, values),
                source=source_ref(spec.source),
                source_title=_with_regional(
                    cite(spec.source, pack.texts, lang),
                    pack,
                    ruleset.id,
                    result.trace if pack.regional else None,
                    decision.as_of,
                    lang,
                ),
            )
        )
    return Explanation(
        lang=lang,
        ruleset=ruleset.id,
        title=ruleset.spec.title[lang],
        outcome=decision.outcome.value,
        outcome_label=pack.text(f"outcome.{decision.outcome.value}", lang),
        headline=ruleset.spec.outcomes[decision.outcome.value][lang],
        criteria=tuple(criteria),
        questions=tuple(question_text(q, ruleset, pack, lang) for q in decision.questions),
        as_of=decision.as_of,
        pack=f"{decision.pack.id} {decision.pack.version} ({decision.pack.content_hash[:19]})",
    )


def _with_regional(
    shown: str, pack: RulePack, owner: str, trace: TraceNode | None, on: datetime.date, lang: str
) -> str:
    """A criterion's source as shown, followed by each regional value its condition used (docs/regional-packs.md).

    A region never silently changes a seed's rule: where an extension pack's value of a
    parameter was in force, the reader sees it, its own source and the extension."""
    if trace is None:
        return shown
    names: set[str] = set()
    stack = [trace]
    while stack:
        node = stack.pop()
        if node.param is not None:
            names.add(node.param.name)
        stack.extend(node.children)
    return "; ".join([shown, *regional_notes(pack, owner, sorted(names), on, lang)])


RATIONALE_LANG = "en"
"""The language a source's rationale is written in: other languages' answers leave it out."""


def source_ref(source: Source) -> str:
    """A source as the rule file writes it (`<seed file> §<section>` …), with its rationale: what JSON carries."""
    return f"{source.ref} — {source.rationale}" if source.rationale else source.ref


def cite(source: Source | str, texts: Mapping[str, Mapping[str, str]], lang: str) -> str:
    """A source as a reader sees it in `lang` — the one way every answer shows a citation.

    A seed is shown by its title and section instead of its file name, the title, section
    labels and line numbers as the pack's `source.*` texts (rules/sources.yaml) give them in
    `lang`; "project policy" is translated; a published reference is shown as written. The
    rationale (written in English only) follows in English answers. A reference the pack has
    no title for is shown as written.

    >>> from ccm_rules import default_pack
    >>> texts = default_pack().texts
    >>> cite("001_bb7494a8907fa6f9.txt §2", texts, "cs")
    'Kdy má a kdy nemá smysl uvažovat o case managementu? §2'
    >>> cite("002_d392965ea9d1d7b7.txt §staffing (line 210); 004_510c44708344b2e6.txt §ACT (line 123)", texts, "de")
    'Fallmanager (Leistungsbeschreibung) §Personal (Zeile 210); Case Management (Vorlesungsfolien) §ACT (Zeile 123)'
    >>> cite(Source("project policy", rationale="Kept equal to select_below_share."), texts, "en")
    'project policy — Kept equal to select_below_share.'
    >>> cite(Source("project policy", rationale="Kept equal to select_below_share."), texts, "hu")
    'projektszabály'
    """
    ref, rationale = (source, None) if isinstance(source, str) else (source.ref, source.rationale)
    text = "; ".join(_cite_part(part, texts, lang) for part in ref.split("; "))
    return f"{text} — {rationale}" if rationale and lang == RATIONALE_LANG else text


def _cite_part(part: str, texts: Mapping[str, Mapping[str, str]], lang: str) -> str:
    """One seed's part of a reference (read by `_citations.parse_ref`, the one reader of refs), or a publication as written."""

    def text(key: str, default: str) -> str:
        return texts.get(key, {}).get(lang, default)

    sections = parse_ref(part)
    if not sections:
        return text("source.project_policy", part) if part.lower() == PROJECT_POLICY else part
    title = text(f"source.{sections[0].file}", sections[0].file)
    shown = []
    for section in sections:
        if not section.label:
            continue
        label = text(f"source.section.{section.label}", section.label)
        if section.lines:
            word = "line" if len(section.lines) == 1 and section.lines[0][0] == section.lines[0][1] else "lines"
            n = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in section.lines)
            label += " (" + text(f"source.{word}", f"{word} {{n}}").format(n=n) + ")"
        shown.append(f"§{label}")
    return f"{title} {', '.join(shown)}" if shown else title


def unknown_value(texts: Mapping[str, Mapping[str, str]], lang: str) -> str:
    """How an answer in `lang` shows a value that is not known ("not known", "neznámo", …)."""
    return texts.get("value.unknown", {}).get(lang, "not known")


class _Values(dict[str, str]):
    def __init__(self, unknown: str) -> None:
        super().__init__()
        self.unknown = unknown

    def __missing__(self, key: str) -> str:
        return self.unknown


def _values(
    decision: Decision, ruleset: Ruleset, lang: str, texts: Mapping[str, Mapping[str, str]]
) -> Mapping[str, str]:
    values = _Values(unknown_value(texts, lang))
    for name, spec in ruleset.spec.facts.items():
        if name in decision.facts:
            value = decision.facts[name]
            if spec.value_labels and value in spec.value_labels:
                values[name] = spec.value_labels[value][lang]
            elif spec.type != "domain_statuses":
                values[name] = _show(value, lang)
    for name, use in ruleset.params_at(decision.as_of).items():
        param = ruleset.spec.parameters[name]
        vocab = ruleset.vocabularies.get(param.vocabulary) if param.vocabulary else None
        values[name] = _show(use.value, lang, vocab)
    return values


def _show(value: Any, lang: str, vocabulary: Vocabulary | None = None) -> str:
    if isinstance(value, bool):
        return (
            {"en": "yes", "cs": "ano", "hu": "igen", "de": "ja"}.get(lang, "yes")
            if value
            else {"en": "no", "cs": "ne", "hu": "nem", "de": "nein"}.get(lang, "no")
        )
    if isinstance(value, (tuple, list)):
        return ", ".join(_show(v, lang, vocabulary) for v in value)
    if vocabulary is not None and isinstance(value, str) and value in vocabulary.codes:
        return vocabulary.label(value, lang)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    return str(value)


def question_text(question: Question, ruleset: Ruleset, pack: RulePack, lang: str, fact: str | None = None) -> str:
    """The question in `lang`, naming the fact to fill in (`fact`, default: as a case file spells it)."""
    if question.kind == "fact":
        text = ruleset.spec.facts[question.key].question[lang]
    else:
        assert question.collection is not None
        spec = ruleset.spec.facts[question.collection]
        vocabulary = ruleset.vocabularies[spec.vocabulary or ""]
        text = pack.text("question.assess_domain", lang).format(domain=vocabulary.label(question.key, lang))
    return pack.text("question.fill_in", lang).format(question=text, fact=fact or question.fact)


def shipped_pack_if_none(pack: RulePack | None) -> RulePack:
    """`pack`, or the shipped pack when None (what every renderer's `pack=None` means)."""
    if pack is not None:
        return pack
    from ._pack import default_pack

    return default_pack()


@moved_to_keywords("pack")
def render_text(explanation: Explanation, *, pack: RulePack | None = None) -> str:
    """A plain-text report of an explanation, as the CLI prints it.

    Every renderer takes the same arguments — the explanation, and `pack` (the one that
    made it, for its labels) as an optional keyword that defaults to the shipped pack:
    `render_text`, `render_team_model_text`, `render_dacts_text`, `render_readiness_text`.
    """
    pack = shipped_pack_if_none(pack)
    lang = explanation.lang
    lines = [
        f"{explanation.title}: {explanation.outcome_label.upper()}",
        explanation.headline,
        "",
        pack.text("heading.criteria", lang),
    ]
    lines += criterion_lines(explanation.criteria, pack, lang)
    if explanation.questions:
        lines += ["", pack.text("heading.questions", lang)]
        lines += [f"  - {q}" for q in explanation.questions]
    lines += [
        "",
        f"{pack.text('label.as_of', lang)}: {explanation.as_of.isoformat()}   "
        f"{pack.text('label.pack', lang)}: {explanation.pack}",
    ]
    return "\n".join(lines)


def criterion_lines(
    criteria: tuple[CriterionExplanation, ...], pack: RulePack, lang: str, indent: str = ""
) -> list[str]:
    """Each criterion as text: `[status] id title`, its reason, and its source as the reader sees it."""
    lines = []
    for c in criteria:
        lines.append(f"{indent}  [{c.status_label}] {c.id} {c.title}")
        lines.append(f"{indent}      {c.reason}")
        lines.append(f"{indent}      {pack.text('label.source', lang)}: {c.source_title}")
    return lines
