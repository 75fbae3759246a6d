"""The rule book: every rule of a pack as a domain expert reviews it, in one language.

`rule_book(lang, pack=...)` reads the loaded pack — nothing else — into plain data: for each
ruleset its rules (id, title, role, the condition in words, the source cited as a reader
sees it and its quote), the parameters they use with every dated value and its source, the
pack's parameter sets, and every other citation of the rule files. The adapters render it
as Markdown or HTML (`ccm-rules rules doc`); `docs/rulebook/` holds it in every language.

The words come from the pack's `rulebook.*` texts (rules/texts.yaml), the facts' labels
and the vocabularies, so a condition reads as the answers read: "specialised services
needed is at least the parameter min_services". The result is deterministic: the same
pack gives the same book, which is what lets CI check that `docs/rulebook/` is current.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import attrs

from ._citations import Citation
from ._conditions import (
    Comparison,
    Junction,
    Known,
    Negation,
    Node,
    Quantifier,
)
from ._errors import UnknownLanguageError
from ._explain import _show, cite, shipped_pack_if_none
from ._pack import Parameter, RulePack, Ruleset
from ._spec import ParameterSpec, Source


@attrs.frozen
class BookSource:
    """A citation as the book shows it: as the rule file writes it, as a reader sees it, and its quote."""

    ref: str
    shown: str
    quote: str | None
    rationale: str | None
    file: str | None = None
    line: int | None = None


@attrs.frozen
class BookValue:
    """One dated value of a parameter (`until` None: open-ended), shown in the book's language."""

    value: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    source: BookSource | None


@attrs.frozen
class BookParameter:
    """A parameter: name, description, unit, why it has its value, and every dated value."""

    name: str
    description: str
    unit: str | None
    rationale: str
    values: tuple[BookValue, ...]


@attrs.frozen
class BookCondition:
    """A condition in words; an `all`/`any` holds its parts as `children` under its own words."""

    text: str
    children: tuple[BookCondition, ...] = ()


@attrs.frozen
class BookRule:
    """One rule (criterion): id, title, role and what it means, its condition in words, its source."""

    id: str
    title: str
    role: str
    role_text: str
    condition: BookCondition
    source: BookSource
    parameters: tuple[str, ...]
    """The parameters the condition uses, by name (their values are in the chapter's parameters)."""


@attrs.frozen
class BookChapter:
    """A ruleset (with rules) or a parameter set (parameters only), with its file and source."""

    id: str
    title: str
    description: str | None
    file: str | None
    source: BookSource
    rules: tuple[BookRule, ...]
    parameters: tuple[BookParameter, ...]


@attrs.frozen
class BookEntry:
    """A citation outside rulesets and parameter sets: where it stands (id or path) and what it cites."""

    where: str
    source: BookSource


@attrs.frozen
class RuleBook:
    """Every rule of a pack in one language, ready to render (see `ccm_rules_adapters.rulebook`)."""

    lang: str
    title: str
    pack_id: str
    version: str
    chapters: tuple[BookChapter, ...]
    other_sources: tuple[tuple[str, tuple[BookEntry, ...]], ...]
    """Rule file → its other citations, in file order."""

    def text(self, pack: RulePack, key: str) -> str:
        """A `rulebook.*` heading of the pack in the book's language."""
        return pack.text(f"rulebook.{key}", self.lang)


def rule_book(lang: str = "en", *, pack: RulePack | None = None) -> RuleBook:
    """The rule book of `pack` (default: the shipped pack) in `lang`.

    >>> book = rule_book("de")
    >>> rule = next(r for c in book.chapters for r in c.rules if r.id == "E2")
    >>> rule.role_text.startswith("Schwelle — ist sie nicht erfüllt, lautet die Antwort: Noch keine Entscheidung")
    True
    >>> rule.source.shown.startswith("Wann ist Case Management sinnvoll und wann nicht? §2")
    True
    """
    pack = shipped_pack_if_none(pack)
    if lang not in pack.languages:
        raise UnknownLanguageError(lang, pack.languages)
    by_source = {id(c.source): c for c in pack.citations}
    used: set[int] = set()

    def source(src: Source) -> BookSource:
        used.add(id(src))
        citation = by_source.get(id(src))
        return BookSource(
            src.ref,
            cite(Source(src.ref), pack.texts, lang),
            src.quote,
            src.rationale,
            _relative(citation, pack.root) if citation else None,
            citation.line if citation else None,
        )

    chapters: list[BookChapter] = []
    for ruleset in sorted(pack.rulesets.values(), key=lambda r: _file_order(by_source, r.spec.source, pack.root)):
        chapters.append(_chapter_of_ruleset(ruleset, pack, lang, source))
    for pset in sorted(pack.parameter_sets.values(), key=lambda p: _file_order(by_source, p.spec.source, pack.root)):
        spec = pset.spec
        chapters.append(
            BookChapter(
                spec.id,
                spec.title[lang],
                spec.description[lang] if spec.description else None,
                source(spec.source).file,
                source(spec.source),
                (),
                tuple(_parameter(p, lang, source, None) for p in pset.parameters.values()),
            )
        )
    others: dict[str, list[BookEntry]] = {}
    for citation in pack.citations:
        if id(citation.source) in used:
            continue
        where = citation.rule_id or citation.path
        entry = BookEntry(where, source(citation.source))
        others.setdefault(_relative(citation, pack.root), []).append(entry)
    return RuleBook(
        lang,
        pack.spec.title[lang],
        pack.spec.id,
        pack.spec.version,
        tuple(chapters),
        tuple((file, tuple(entries)) for file, entries in sorted(others.items())),
    )


def _relative(citation: Citation, root: Path) -> str:
    path = Path(citation.file)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _file_order(by_source: dict[int, Citation], src: Source, root: Path) -> tuple[str, int]:
    citation = by_source.get(id(src))
    return (_relative(citation, root), citation.line or 0) if citation else ("", 0)


def _chapter_of_ruleset(ruleset: Ruleset, pack: RulePack, lang: str, source: Any) -> BookChapter:
    spec = ruleset.spec
    chapter_source = source(spec.source)
    rules = []
    for criterion in ruleset.criteria:
        words = _Words(ruleset, pack, lang)
        condition = words.condition(criterion.node)
        rules.append(
            BookRule(
                criterion.id,
                criterion.spec.title[lang],
                criterion.spec.role,
                _role_text(criterion.spec.role, spec.outcomes, pack, lang),
                condition,
                source(criterion.spec.source),
                tuple(sorted(words.params)),
            )
        )
    parameters = []
    for param in ruleset.parameters.values():
        vocabulary = ruleset.vocabularies.get(param.spec.vocabulary) if param.spec.vocabulary else None
        parameters.append(_parameter(param, lang, source, vocabulary))
    return BookChapter(
        spec.id,
        spec.title[lang],
        spec.description[lang] if spec.description else None,
        chapter_source.file,
        chapter_source,
        tuple(rules),
        tuple(parameters),
    )


_OUTCOME_OF_ROLE = {"required": "not_eligible", "gate": "undetermined"}
"""The outcome a rule that is not met leads to, by its role (see `_evaluate`); informative: none."""


def _role_text(role: str, outcomes: Any, pack: RulePack, lang: str) -> str:
    """The role in words, naming the ruleset's own answer when the rule is not met."""
    outcome = _OUTCOME_OF_ROLE.get(role)
    text = pack.text(f"rulebook.role.{role}", lang)
    return text.format(outcome=outcomes[outcome][lang]) if outcome else text


def _parameter(param: Parameter, lang: str, source: Any, vocabulary: Any) -> BookParameter:
    spec: ParameterSpec = param.spec
    values = tuple(
        BookValue(
            _show(v.value, lang, vocabulary),
            v.valid_from,
            v.valid_until,
            source(v.source) if v.source is not None else None,
        )
        for v in sorted(spec.values, key=lambda v: v.valid_from)
    )
    return BookParameter(param.name, spec.description[lang], spec.unit, spec.rationale, values)


class _Words:
    """Reads a compiled condition in words, with the ruleset's fact labels and vocabularies."""

    def __init__(self, ruleset: Ruleset, pack: RulePack, lang: str) -> None:
        self.ruleset = ruleset
        self.pack = pack
        self.lang = lang
        self.params: set[str] = set()

    def t(self, key: str, **values: str) -> str:
        return self.pack.text(f"rulebook.{key}", self.lang).format(**values)

    def condition(self, node: Node) -> BookCondition:
        """A node in words; `all`/`any` become a heading with one child per part."""
        if isinstance(node, Junction):
            return BookCondition(self.t(node.op), tuple(self.condition(child) for child in node.children))
        return BookCondition(self.inline(node))

    def inline(self, node: Node, vocabulary: Any = None) -> str:
        """A node in one line of words (parts of `all`/`any` joined by "and"/"or")."""
        if isinstance(node, Junction):
            joiner = f" {self.t('and' if node.op == 'all' else 'or')} "
            return joiner.join(self.inline(child, vocabulary) for child in node.children)
        if isinstance(node, Negation):
            return self.t("not", subject=self.inline(node.child, vocabulary))
        if isinstance(node, Comparison):
            return self.comparison(node, vocabulary)
        if isinstance(node, Quantifier):
            return self.quantifier(node)
        if isinstance(node, Known):
            return self.t("known", subject=self.fact_label(node.name))
        raise TypeError(f"the rule book cannot yet read a {type(node).__name__} condition in words")

    def fact_label(self, name: str) -> str:
        fact = self.ruleset.spec.facts.get(name)
        return fact.label[self.lang] if fact is not None else name

    def operand(self, operand: Any, param: str | None, shown: Any) -> str:
        if param is not None:
            self.params.add(param)
            return self.t("param", name=param, values=self.param_values(param, shown))
        return str(shown(operand))

    def param_values(self, name: str, shown: Any) -> str:
        """A parameter's values as a condition shows them: `3`, or each with its dates when it has several."""
        values = sorted(self.ruleset.spec.parameters[name].values, key=lambda v: v.valid_from)
        if len(values) == 1 and values[0].valid_until is None:
            return str(shown(values[0].value))
        return ", ".join(
            f"{shown(v.value)}: {v.valid_from.isoformat()}–{v.valid_until.isoformat() if v.valid_until else ''}"
            for v in values
        )

    def comparison(self, node: Comparison, vocabulary: Any) -> str:
        if node.is_field:
            subject = self.t(f"field.{node.name}")
            codes = vocabulary
        else:
            subject = self.fact_label(node.name)
            fact = self.ruleset.spec.facts.get(node.name)
            codes = self.ruleset.vocabularies.get(fact.vocabulary) if fact is not None and fact.vocabulary else None
            labels = fact.value_labels if fact is not None else None
            if labels:
                return self.compare(
                    node.op, subject, self.operand(node.operand, node.param, lambda v: _labelled(v, labels, self.lang))
                )
        if isinstance(node.operand, bool) and node.param is None and node.op in ("eq", "ne"):
            if node.is_field:  # "there is a need" / "not: there is a need"
                return subject if node.operand == (node.op == "eq") else self.t("not", subject=subject)
            return f"{subject}: {_show(node.operand == (node.op == 'eq'), self.lang)}"
        return self.compare(
            node.op, subject, self.operand(node.operand, node.param, lambda v: _show(v, self.lang, codes))
        )

    def compare(self, op: str, subject: str, value: str) -> str:
        return self.t(f"op.{op}", subject=subject, value=value)

    def quantifier(self, node: Quantifier) -> str:
        collection = self.fact_label(node.collection)
        where = self.inline(node.where, node.vocabulary)
        text = self.t(node.kind, collection=collection, where=where)
        if node.among is not None or node.among_param is not None:
            codes = self.operand(
                sorted(node.among or ()), node.among_param, lambda v: _show(v, self.lang, node.vocabulary)
            )
            text += " " + self.t("among", codes=codes)
        if node.op is not None:
            text = self.compare(node.op, text, self.operand(node.operand, node.param, lambda v: _show(v, self.lang)))
        return text


def _labelled(value: Any, labels: dict[str, Any], lang: str) -> str:
    if isinstance(value, (list, tuple, frozenset, set)):
        return ", ".join(_labelled(v, labels, lang) for v in sorted(value))
    return str(labels[value][lang]) if value in labels else _show(value, lang)
