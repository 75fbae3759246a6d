"""Rendering a decision in one language: headline, criterion reasons, sources, questions."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import attrs

from ._decision import Decision, PackInfo, Question, Status
from ._errors import PackMismatchError, UnknownLanguageError
from ._messages import format_text
from ._pack import RulePack, Ruleset
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
    values = _values(decision, ruleset, lang)
    criteria = []
    for result in decision.criteria:
        spec = next(c.spec for c in ruleset.criteria if c.id == result.id)
        template = {Status.MET: spec.met, Status.NOT_MET: spec.not_met, Status.UNKNOWN: spec.unknown}[result.status][lang]
        criteria.append(
            CriterionExplanation(
                id=result.id,
                title=spec.title[lang],
                status=result.status,
                status_label=pack.text(f"status.{result.status.value}", lang),
                role=result.role,
                reason=format_text(template, lang, values),
                source=_cite(spec.source.ref, spec.source.rationale),
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
        questions=tuple(_question(q, ruleset, pack, lang) for q in decision.questions),
        as_of=decision.as_of,
        pack=f"{decision.pack.id} {decision.pack.version} ({decision.pack.content_hash[:19]})",
    )


def _cite(ref: str, rationale: str | None) -> str:
    return f"{ref} — {rationale}" if rationale else ref


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _values(decision: Decision, ruleset: Ruleset, lang: str) -> Mapping[str, str]:
    values = _Values()
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
        return {"en": "yes", "cs": "ano", "hu": "igen", "de": "ja"}.get(lang, "yes") if value else {
            "en": "no", "cs": "ne", "hu": "nem", "de": "nein"}.get(lang, "no")
    if isinstance(value, (tuple, list)):
        return ", ".join(_show(v, lang, vocabulary) for v in value)
    if vocabulary is not None and isinstance(value, str) and value in vocabulary.codes:
        return vocabulary.label(value, lang)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _question(question: Question, ruleset: Ruleset, pack: RulePack, lang: str, fact: str | None = None) -> str:
    """The question in `lang`, naming the fact to fill in (`fact`, default: as a case file spells it)."""
    if question.kind == "fact":
        text = ruleset.spec.facts[question.key].question[lang]
    else:
        assert question.collection is not None
        spec = ruleset.spec.facts[question.collection]
        vocabulary = ruleset.vocabularies[spec.vocabulary or ""]
        text = pack.text("question.assess_domain", lang).format(domain=vocabulary.label(question.key, lang))
    return pack.text("question.fill_in", lang).format(question=text, fact=fact or question.fact)


def render_text(explanation: Explanation, pack: RulePack) -> str:
    """A plain-text report of an explanation, as the CLI prints it."""
    lang = explanation.lang
    lines = [
        f"{explanation.title}: {explanation.outcome_label.upper()}",
        explanation.headline,
        "",
        pack.text("heading.criteria", lang),
    ]
    for c in explanation.criteria:
        lines.append(f"  [{c.status_label}] {c.id} {c.title}")
        lines.append(f"      {c.reason}")
        lines.append(f"      {pack.text('label.source', lang)}: {c.source}")
    if explanation.questions:
        lines += ["", pack.text("heading.questions", lang)]
        lines += [f"  - {q}" for q in explanation.questions]
    lines += [
        "",
        f"{pack.text('label.as_of', lang)}: {explanation.as_of.isoformat()}   "
        f"{pack.text('label.pack', lang)}: {explanation.pack}",
    ]
    return "\n".join(lines)
