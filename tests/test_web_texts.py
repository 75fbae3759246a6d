"""The web app's own texts (`web/texts.yaml`): every key in all four languages, and nothing else."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from ccm_rules.engine import LANGUAGES, parse_yaml
from ccm_rules_adapters.web import TextsError, _texts, catalogue, ui_texts

TEMPLATES = Path(__file__).parent.parent / "adapters" / "ccm_rules_adapters" / "html" / "templates" / "web"


def test_every_key_has_all_four_languages() -> None:
    raw = parse_yaml(
        resources.files("ccm_rules_adapters.web").joinpath("texts.yaml").read_text(encoding="utf-8"), "texts.yaml"
    ).data
    assert raw and set(raw) == set(catalogue())
    for key, texts in raw.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(isinstance(texts[lang], str) and texts[lang].strip() for lang in LANGUAGES), key


def test_the_placeholders_are_the_same_in_every_language() -> None:
    for key, texts in catalogue().items():
        names = {lang: set(re.findall(r"\{(\w+)\}", texts[lang])) for lang in LANGUAGES}
        assert len({frozenset(v) for v in names.values()}) == 1, (key, names)


def test_every_key_a_foundation_template_names_exists() -> None:
    used = set()
    for name in ("base", "login", "home", "coming", "error", "cases", "case", "users"):
        used |= set(re.findall(r"\bui\.(?:fill\(\")?(\w+)", (TEMPLATES / f"{name}.html").read_text(encoding="utf-8")))
    used.discard("fill")
    assert used and used <= set(catalogue()), used - set(catalogue())


def test_an_unknown_key_is_an_error_not_an_empty_text() -> None:
    with pytest.raises(AttributeError, match="no web text 'nope'"):
        _ = ui_texts("cs").nope
    with pytest.raises(ValueError, match="language 'fr'"):
        ui_texts("fr")


def test_a_missing_translation_names_the_file_line_and_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = "ok:\n  en: a\n  cs: b\n  hu: c\n  de: d\nbroken:\n  en: a\n  cs: b\n"
    monkeypatch.setattr(_texts, "resources", _FakeResources(text))
    _texts.catalogue.cache_clear()
    try:
        with pytest.raises(TextsError, match=r"texts.yaml:6: broken: missing hu, de"):
            _texts.catalogue()
    finally:
        monkeypatch.undo()
        _texts.catalogue.cache_clear()


class _FakeResources:
    def __init__(self, text: str) -> None:
        self.text = text

    def files(self, _package: str) -> _FakeResources:
        return self

    def joinpath(self, _name: str) -> _FakeResources:
        return self

    def read_text(self, encoding: str) -> str:
        return self.text
