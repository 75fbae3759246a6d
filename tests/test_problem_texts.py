"""Refusals in the user's language, without Python's words (issue 14 item 10).

The catalogue (`src/ccm_rules/problem_texts.yaml`) is checked as data: every message in
en, cs, hu and de with the same placeholders, and every code the code uses is in it.
Then the readers are driven with bad values (hypothesis) and their messages must name
values as a person would ("the text 'yes'"), never as Python does ("str 'yes'",
"'int' object is not iterable"); the CLI's `--lang` and HTTP's Accept-Language choose the
language of the whole refusal.
"""

from __future__ import annotations

import datetime
import re
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccm_rules import FactsError, InputFileError, Message, RulePack
from ccm_rules.engine._casefile import parse_case
from ccm_rules.engine._facts import validate_facts
from ccm_rules.engine._problem_texts import LANGUAGES, catalogue, describe
from ccm_rules_adapters.cli import main

from .conftest import ROOT, missing_extras

PYTHON_WORDS = re.compile(
    r"\b(str|int|float|bool|dict|list|tuple|NoneType) ['\"\d\[{(-]|object is not|Errno|Traceback|not iterable|"
    r"\bexpected (str|int|float|bool)\b|positional argument|__init__"
)
"""What a message must not say: Python's type names before a value, its error phrases."""


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a template (a plural form's name counts once; `#` is not a field)."""
    names = {m.group(1) for m in re.finditer(r"\{(\w+)\s*,\s*plural", text)}
    plain = re.sub(r"\{\w+\s*,\s*plural\s*,(?:[^{}]|\{[^{}]*\})*\}", "", text)
    names |= {field for _, field, _, _ in string.Formatter().parse(plain) if field}
    return {n.split("!")[0] for n in names}


def test_every_message_is_written_in_the_four_languages_with_the_same_placeholders() -> None:
    for code, texts in catalogue().items():
        assert sorted(texts) == sorted(LANGUAGES), f"{code}: {sorted(texts)}"
        english = placeholders(texts["en"])
        for lang in LANGUAGES:
            assert placeholders(texts[lang]) == english, f"{code} [{lang}]: {texts[lang]!r}"
            assert not PYTHON_WORDS.search(texts[lang]), f"{code} [{lang}]"


def test_every_code_the_code_uses_is_in_the_catalogue() -> None:
    used: set[str] = set()
    for folder in ("src", "adapters"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r"Message\(\s*\"([a-z_]+\.[a-z_]+)\"", path.read_text(encoding="utf-8")))
    used |= {"expected.integer", "expected.number"}  # built as f"expected.{kind}" in _facts
    used |= {f"duration.{unit}" for unit in ("days", "weeks", "months", "years")}  # goals._goals._DURATIONS
    used |= {"file.lang_not_text", "conference.unknown_step", "conference.unknown_duty"}  # chosen, then passed on
    used |= {
        f"summary.{name}"
        for key in ("plan", "conference", "family_conference")  # goals._plan._SUMMARIES
        for name in (f"{key}_unreadable", f"not_{key}_file", f"{key}_file_invalid")
    }
    assert used, "no Message codes found: the scan is broken"
    assert used <= set(catalogue()), sorted(used - set(catalogue()))


def test_each_message_is_translated_not_copied() -> None:
    """A message that says anything beyond its values reads differently in each language."""
    for code, texts in catalogue().items():
        if texts["en"].strip("{}") in placeholders(texts["en"]):  # e.g. io.other: the system's own words
            continue
        assert len({texts[lang] for lang in LANGUAGES}) == len(LANGUAGES), code


VALUES = st.one_of(
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=100),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.dates(),
    st.datetimes(),
)


@given(value=VALUES)
def test_a_value_is_named_without_python_type_names(value: Any) -> None:
    for lang in LANGUAGES:
        shown = describe(value).say(lang)
        assert not PYTHON_WORDS.search(shown), (value, lang, shown)


@given(
    fact=st.sampled_from(
        ["domains", "services_needed", "chronic_condition", "expected_duration_months", "referral_only"]
    ),
    value=VALUES,
)
def test_every_refused_fact_is_said_in_every_language_without_python_words(
    pack: RulePack, fact: str, value: Any
) -> None:
    ruleset = pack.ruleset("eligibility")
    try:
        validate_facts({fact: value}, ruleset.spec.facts, ruleset.vocabularies)
    except FactsError as err:
        for lang in LANGUAGES:
            rendered = err.render(lang)
            assert not PYTHON_WORDS.search(rendered), (fact, value, lang, rendered)
            assert all(p.code is not None for p in err.problems), [p.message for p in err.problems]
        assert err.render("cs") != err.render("en")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("facts:\n  services_needed: [1, 2]\n", "expected a whole number, got a list"),
        ("facts:\n  chronic_condition: 'yes'\n", "expected yes or no (true or false), got the text 'yes'"),
        ("facts: 5\n", "'facts' must be a mapping of fact name to value"),
        ("facts: {}\nas_of: 2027-02-30\n", "got the text '2027-02-30': there is no such day"),
        ("facts: {}\nfacts: {}\n", "duplicate key 'facts' (first at line 1)"),
        ("facts: [\n", "malformed YAML"),
    ],
)
def test_case_file_problems_are_coded(text: str, words: str, pack: RulePack) -> None:
    ruleset = pack.ruleset("eligibility")
    try:
        case = parse_case(text, "case.yaml")
        validate_facts(case.facts, ruleset.spec.facts, ruleset.vocabularies)
    except (FactsError, InputFileError) as err:
        problem = err.problems[0]
        assert words in problem.message
        assert problem.code is not None
        assert problem.text("de") != problem.message
    else:
        pytest.fail("accepted")


def test_the_cli_speaks_the_users_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        "facts:\n  domains: {housng: unmet_need}\n  services_needed: three\n  chronic_condition: 'yes'\n",
        encoding="utf-8",
    )
    expected = {
        "en": [
            "error: the facts are not valid (3 problems):",
            "did you mean 'housing'?",
            "expected a whole number, got the text 'three'",
        ],
        "cs": [
            "chyba: údaje nejsou platné (3 problémy):",
            "mysleli jste 'housing'?",
            "očekává se celé číslo, zadáno: text 'three'",
        ],
        "hu": [
            "hiba: az adatok nem érvényesek (3 probléma):",
            "erre gondolt: 'housing'?",
            "egész szám a várt érték, megadva: 'three' (szöveg)",
        ],
        "de": [
            "Fehler: die Angaben sind nicht gültig (3 Probleme):",
            "meinten Sie 'housing'?",
            "erwartet: eine ganze Zahl; erhalten: der Text 'three'",
        ],
    }
    for lang, words in expected.items():
        assert main(["eligibility", str(case), "--lang", lang]) == 2
        err = capsys.readouterr().err
        for word in words:
            assert word in err, (lang, word, err)
        assert f"{case}:3:" in err and "@ $.facts.services_needed" in err  # file, line and path stay as they are
        assert not PYTHON_WORDS.search(err)


def test_a_missing_file_is_said_in_the_users_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eligibility", str(tmp_path / "nope.yaml"), "--lang", "cs"]) == 2
    err = capsys.readouterr().err
    assert "soubor případu nelze přečíst (1 problém):" in err and "soubor nelze přečíst: soubor neexistuje" in err
    assert "Errno" not in err


def test_messages_survive_pickling_with_their_code() -> None:
    """Spark and Dask send problems between processes: the code and values go with them."""
    import pickle

    message = Message("expected.date", {"value": describe(datetime.date(2027, 1, 4))})
    again = pickle.loads(pickle.dumps(message))
    assert again == message and again.code == "expected.date" and again.say("hu") == message.say("hu")


HTTP_MISSING = missing_extras((("http", ("litestar", "httpx")),))


@pytest.mark.skipif(HTTP_MISSING is not None, reason=HTTP_MISSING or "")
def test_http_refusals_follow_accept_language(pack: RulePack) -> None:
    from litestar.testing import TestClient

    from ccm_rules_adapters.http import create_app

    body = {"facts": {"services_needed": "three", "chronic": True}}
    with TestClient(create_app(pack)) as client:
        english = client.post("/v1/eligibility", json=body)
        german = client.post("/v1/eligibility", json=body, headers={"Accept-Language": "de-AT, en;q=0.5"})
    assert english.status_code == german.status_code == 422
    assert english.json()["detail"] == "the request is not valid"
    assert german.json()["detail"] == "die Anfrage ist nicht gültig"
    assert german.headers["content-language"] == "de"
    details = {e["path"]: e for e in german.json()["errors"]}
    assert details["$.facts.services_needed"]["detail"] == "erwartet: eine ganze Zahl; erhalten: der Text 'three'"
    assert details["$.facts.services_needed"]["code"] == "expected.integer"
    assert details["$.facts.chronic"]["detail"].startswith(
        "unbekannte Angabe 'chronic'; bekannte Angaben: chronic_condition, "
    )


def test_a_message_never_repeats_a_huge_input(pack: RulePack) -> None:
    """A 60 MB case code or fact name was echoed back whole; names are cut, texts named by length."""
    ruleset = pack.ruleset("eligibility")
    with pytest.raises(FactsError) as caught:
        validate_facts({"x" * 100_000: 1, "referral_only": "y" * 100_000}, ruleset.spec.facts, ruleset.vocabularies)
    for lang in LANGUAGES:
        assert len(caught.value.render(lang)) < 1_000


def test_a_planners_region_file_is_refused_in_her_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    region = tmp_path / "region.yaml"
    region.write_text("host: hospital\npioneer: {F1.P2: perhaps}\n", encoding="utf-8")
    assert main(["readiness", str(region), "--lang", "hu"]) == 2
    err = capsys.readouterr().err
    assert "hiba: a régiófájl nem érvényes (2 probléma):" in err
    assert "'hospital' itt nem válasz; ezek egyikét adja meg:" in err and f"{region}:1:" in err
    assert not PYTHON_WORDS.search(err)


def test_the_catalogue_is_read_from_every_file_and_a_code_written_twice_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccm_rules.engine import _problem_texts

    (tmp_path / "problem_texts.yaml").write_text("a.one: {en: one}\n", encoding="utf-8")
    (tmp_path / "problem_texts_more.yaml").write_text("a.two: {en: two}\n", encoding="utf-8")
    (tmp_path / "unrelated.yaml").write_text("a.three: {en: three}\n", encoding="utf-8")
    monkeypatch.setattr(_problem_texts.resources, "files", lambda _package: tmp_path)
    _problem_texts.catalogue.cache_clear()
    try:
        assert set(_problem_texts.catalogue()) == {"a.one", "a.two"}
        (tmp_path / "problem_texts_again.yaml").write_text("a.one: {en: uno}\n", encoding="utf-8")
        _problem_texts.catalogue.cache_clear()
        with pytest.raises(RuntimeError, match=r"problem_texts_again.yaml: .* a\.one"):
            _problem_texts.catalogue()
    finally:
        monkeypatch.undo()
        _problem_texts.catalogue.cache_clear()
