"""The rule book: every rule, parameter value and citation of the pack, in every language and
both formats; conditions read in words; `rules doc` writes, prints and checks it; docs/ is current."""

from __future__ import annotations

import datetime
import functools
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import RulePack, UnknownLanguageError
from ccm_rules.engine._conditions import Scope, compile_condition
from ccm_rules.engine._rulebook import BookCondition, RuleBook, _Words, rule_book
from ccm_rules.engine._spec import FactSpec, ParameterSpec, ParameterValue, Texts
from ccm_rules_adapters.cli import main
from ccm_rules_adapters.html.rulebook import REGENERATE, anchor, render_html, render_markdown

from .conftest import RULES

LANGS = ("en", "cs", "hu", "de")
DOCS = Path(__file__).resolve().parents[1] / "docs" / "rulebook"


@functools.cache
def shipped() -> RulePack:
    return RulePack.load(RULES)


@pytest.fixture(scope="module")
def books() -> dict[str, RuleBook]:
    return {lang: rule_book(lang, pack=shipped()) for lang in LANGS}


def leaves(condition: BookCondition) -> list[str]:
    return [condition.text] if not condition.children else [t for c in condition.children for t in leaves(c)]


# ------------------------------------------------------------------ content: everything, nothing twice


def test_every_rule_of_every_ruleset_is_in_the_book(pack: RulePack, books: dict[str, RuleBook]) -> None:
    expected = {r.id: [c.id for c in r.criteria] for r in pack.rulesets.values()}
    for book in books.values():
        assert {c.id: [r.id for r in c.rules] for c in book.chapters if c.id in pack.rulesets} == expected
        assert {c.id for c in book.chapters} == set(pack.rulesets) | set(pack.parameter_sets)


def test_every_parameter_value_is_in_the_book_with_its_dates(pack: RulePack, books: dict[str, RuleBook]) -> None:
    params = {
        **{(r.id, n): p for r in pack.rulesets.values() for n, p in r.spec.parameters.items()},
        **{(s.id, n): p for s in pack.parameter_sets.values() for n, p in s.spec.parameters.items()},
    }
    for book in books.values():
        shown = {(c.id, p.name): p for c in book.chapters for p in c.parameters}
        assert set(shown) == set(params)
        for key, spec in params.items():
            dates = [(v.valid_from, v.valid_until) for v in sorted(spec.values, key=lambda v: v.valid_from)]
            assert [(v.valid_from, v.valid_until) for v in shown[key].values] == dates, key


def test_every_citation_of_the_pack_is_shown_once(pack: RulePack, books: dict[str, RuleBook]) -> None:
    """Rules, chapters, parameter values and the other sources together show each citation exactly once."""
    for book in books.values():
        shown = [c.source.ref for c in book.chapters]
        shown += [r.source.ref for c in book.chapters for r in c.rules]
        shown += [v.source.ref for c in book.chapters for p in c.parameters for v in p.values if v.source]
        shown += [e.source.ref for _, entries in book.other_sources for e in entries]
        assert sorted(shown) == sorted(c.source.ref for c in pack.citations)


def test_every_quote_is_in_the_book_word_for_word(pack: RulePack, books: dict[str, RuleBook]) -> None:
    quotes = sorted(c.source.quote for c in pack.citations if c.source.quote)
    for lang, book in books.items():
        text = render_markdown(book, pack=pack)
        missing = [q for q in quotes if q.replace("|", "\\|").replace("<", "&lt;") not in text]
        assert missing == [], lang


def test_the_book_is_deterministic(pack: RulePack) -> None:
    assert render_markdown(rule_book("hu", pack=pack), pack=pack) == render_markdown(
        rule_book("hu", pack=pack), pack=pack
    )


def test_an_unshipped_language_is_refused(pack: RulePack) -> None:
    with pytest.raises(UnknownLanguageError):
        rule_book("fr", pack=pack)


# ------------------------------------------------------------------ conditions in words, by example


def rule(book: RuleBook, rule_id: str) -> Any:
    return next(r for c in book.chapters for r in c.rules if r.id == rule_id)


def test_a_condition_reads_with_the_facts_labels_and_parameters(books: dict[str, RuleBook]) -> None:
    e2 = rule(books["en"], "E2")
    assert e2.condition.text.startswith(
        "for every one of life domains assessed: it was assessed (counting only: the parameter holistic_domains (physical health, mental health"
    )
    assert e2.parameters == ("holistic_domains",)
    eligibility = shipped().ruleset("eligibility").spec.outcomes
    assert (
        rule(books["cs"], "E2").role_text
        == f"brána — není-li splněno, odpověď zní: {eligibility['undetermined']['cs']}"
    )
    assert (
        rule(books["en"], "E1").role_text
        == f"required — if not met, the answer is: {eligibility['not_eligible']['en']}"
    )
    assert rule(books["de"], "CONF-8").role_text == "informativ — wird gezeigt, ändert die Antwort nicht"


def test_a_boolean_reads_yes_or_no_in_the_language(books: dict[str, RuleBook]) -> None:
    assert rule(books["en"], "GOAL-T").condition.text.endswith(": yes")
    assert rule(books["cs"], "GOAL-T").condition.text.endswith(": ano")
    assert rule(books["hu"], "GOAL-T").condition.text.endswith(": igen")
    assert rule(books["de"], "GOAL-T").condition.text.endswith(": ja")


def test_an_enum_reads_by_its_labels(pack: RulePack, books: dict[str, RuleBook]) -> None:
    lm2 = rule(books["en"], "LM2").condition.text
    labels = pack.ruleset("labour_market").spec.facts["entry_route"].value_labels
    assert labels is not None
    assert all(label["en"] in lm2 for label in labels.values() if label["en"] in lm2) and "labour office" in lm2


def test_every_leaf_names_its_fact_in_every_language(pack: RulePack, books: dict[str, RuleBook]) -> None:
    """Each part of a condition names a fact by its label (or an item field, or a parameter) — never a bare key."""
    for lang, book in books.items():
        for chapter in book.chapters:
            if chapter.id not in pack.rulesets:
                continue
            facts = pack.ruleset(chapter.id).spec.facts
            for r in chapter.rules:
                for text in leaves(r.condition):
                    assert any(f.label[lang] in text for f in facts.values()), (lang, r.id, text)


# ------------------------------------------------------------------ conditions in words, as properties

_FACTS = {
    "flag": FactSpec("boolean", Texts(dict.fromkeys(LANGS, "FLAG")), Texts(dict.fromkeys(LANGS, "?"))),
    "count": FactSpec("integer", Texts(dict.fromkeys(LANGS, "COUNT")), Texts(dict.fromkeys(LANGS, "?")), min=0, max=9),
}
_PARAMS = {
    "limit": ParameterSpec("integer", Texts({"en": "limit"}), "r", [ParameterValue(3, datetime.date(2020, 1, 1))])
}

_leaf = st.one_of(
    st.builds(lambda v: {"fact": "flag", "eq": v}, st.booleans()),
    st.builds(
        lambda op, v: {"fact": "count", op: v},
        st.sampled_from(["eq", "ne", "lt", "lte", "gt", "gte"]),
        st.integers(0, 9),
    ),
    st.builds(lambda op: {"fact": "count", op: {"param": "limit"}}, st.sampled_from(["lt", "gte"])),
    st.builds(lambda name: {"known": name}, st.sampled_from(["flag", "count"])),
)
_conditions = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, inner),
    ),
    max_leaves=6,
)


def _count_leaves(raw: Any) -> int:
    if "all" in raw or "any" in raw:
        return sum(_count_leaves(x) for x in raw.get("all", raw.get("any", [])))
    if "not" in raw:
        return _count_leaves(raw["not"])
    return 1


class _Ruleset:
    def __init__(self, params: dict[str, ParameterSpec] = _PARAMS) -> None:
        self.spec = type("Spec", (), {"facts": _FACTS, "parameters": params})()
        self.vocabularies: dict[str, Any] = {}


def test_a_parameter_reads_with_its_value_or_its_dated_values() -> None:
    dated = ParameterSpec(
        "integer",
        Texts({"en": "limit"}),
        "r",
        [
            ParameterValue(4, datetime.date(2025, 1, 1)),
            ParameterValue(3, datetime.date(2020, 1, 1), datetime.date(2024, 12, 31)),
        ],
    )
    node = compile_condition(
        {"fact": "count", "gte": {"param": "limit"}}, Scope(_FACTS, {"limit": dated}, {}), ("condition",)
    )
    assert node is not None
    words = _Words(_Ruleset({"limit": dated}), shipped(), "en")  # type: ignore[arg-type]
    assert words.inline(node) == "COUNT is at least the parameter limit (3: 2020-01-01–2024-12-31, 4: 2025-01-01–)"
    words = _Words(_Ruleset(), shipped(), "cs")  # type: ignore[arg-type]
    assert words.inline(node) == "COUNT je alespoň parametr limit (3)"


@settings(max_examples=60, deadline=None)
@given(_conditions, st.sampled_from(LANGS))
def test_every_comparison_is_read_once_in_words(raw: Any, lang: str) -> None:
    """However a condition nests, its words name each comparison's fact once, and each parameter used."""
    pack = shipped()
    scope = Scope(_FACTS, _PARAMS, {})
    node = compile_condition(raw, scope, ("condition",))
    assert node is not None, scope.problems
    words = _Words(_Ruleset(), pack, lang)  # type: ignore[arg-type]
    text = " ".join([*leaves(words.condition(node)), words.inline(node)])
    mentions = text.count("FLAG") + text.count("COUNT")
    assert mentions == 2 * _count_leaves(raw)
    assert ("limit" in text) == ("'param'" in repr(raw))
    assert words.params == ({"limit"} if "'param'" in repr(raw) else set())


# ------------------------------------------------------------------ rendering


class _Checker(HTMLParser):
    VOID: ClassVar[set[str]] = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """`<meta .../>`: the reports are XHTML-compatible, a closed empty element opens nothing."""
        self.ids += [v for k, v in attrs if k == "id" and v]


@pytest.mark.parametrize("lang", LANGS)
def test_html_is_well_formed_with_an_anchor_for_every_rule(
    pack: RulePack, books: dict[str, RuleBook], lang: str
) -> None:
    html = render_html(books[lang], pack=pack)
    checker = _Checker()
    checker.feed(html)
    assert checker.stack == []
    rule_ids = [anchor(r.id) for c in books[lang].chapters for r in c.rules]
    assert set(rule_ids) <= set(checker.ids)
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"
    assert f'<html lang="{lang}">' in html and "<script" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_has_a_heading_for_every_rule(pack: RulePack, books: dict[str, RuleBook], lang: str) -> None:
    text = render_markdown(books[lang], pack=pack)
    for chapter in books[lang].chapters:
        assert f"## {chapter.title}" in text
        for r in chapter.rules:
            assert f"#### {r.id} — " in text
    assert REGENERATE in text and pack.text("rulebook.title", lang) in text


# ------------------------------------------------------------------ the command


def test_rules_doc_prints_one_language_and_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "doc", "--lang", "cs", "--format", "html"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!DOCTYPE html>") and "Kniha pravidel" in out


def test_rules_doc_refuses_an_unknown_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "doc", "--lang", "fr"]) == 2
    assert "fr" in capsys.readouterr().err


def test_rules_doc_check_needs_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "doc", "--check"]) == 2
    assert "--all" in capsys.readouterr().err


def test_rules_doc_writes_and_checks_every_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "book"
    out.mkdir()
    assert main(["rules", "doc", "--all", str(out), "--check"]) == 1  # nothing written yet
    assert "missing" in capsys.readouterr().err
    assert main(["rules", "doc", "--all", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{lang}.{fmt}" for lang in LANGS for fmt in ("md", "html"))
    assert main(["rules", "doc", "--all", str(out), "--check"]) == 0
    capsys.readouterr()
    # A rule edited, the book not regenerated: --check names the stale files and the command.
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    smart = rules / "goals" / "smart.yaml"
    smart.write_text(
        smart.read_text(encoding="utf-8").replace("Termínovanost", "Termínovanost (edited)", 1), encoding="utf-8"
    )
    assert main(["rules", "doc", "--rules", str(rules), "--all", str(out), "--check"]) == 1
    err = capsys.readouterr().err
    assert f"{out / 'cs.md'}: not current" in err and REGENERATE in err


def test_docs_rulebook_is_current() -> None:
    """docs/rulebook/ is what the shipped pack gives; after a rule edit run the REGENERATE command."""
    assert main(["rules", "doc", "--all", str(DOCS), "--check"]) == 0, f"regenerate with: {REGENERATE}"


def test_rules_doc_writes_one_book_to_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "kniha.md"
    assert main(["rules", "doc", "--lang", "cs", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("# Kniha pravidel: ")
    assert capsys.readouterr().out == ""
    assert main(["rules", "doc", "--all", str(tmp_path), "--output", str(target)]) == 2
    assert "--output" in capsys.readouterr().err
