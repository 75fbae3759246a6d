"""The web app's own texts (`texts.yaml`, and a file per group of pages such as
`intake_texts.yaml`), in en, cs, hu and de, read strictly once per process.

The file is read with the engine's strict YAML reader (duplicate keys refused, file and line
named), and every key must have every language of `ccm_rules.engine.LANGUAGES`: a missing
translation is an error when the app starts, never an English word on a Czech page.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

from ccm_rules.engine import LANGUAGES, parse_yaml

TEXTS_FILE = "texts.yaml"


class TextsError(ValueError):
    """`texts.yaml` is not what the app needs: the file, line and key are named."""


@functools.cache
def catalogue(file: str = TEXTS_FILE) -> Mapping[str, Mapping[str, str]]:
    """Every key of a texts file of this package (`texts.yaml` by default) with its text in each language."""
    text = resources.files(__package__).joinpath(file).read_text(encoding="utf-8")
    located = parse_yaml(text, file)
    data = located.data
    if not isinstance(data, dict):
        raise TextsError(f"{file}: expected a mapping of keys to texts")
    out: dict[str, dict[str, str]] = {}
    for key, texts in data.items():
        where = f"{file}:{located.line((key,))}"
        if not isinstance(texts, dict):
            raise TextsError(f"{where}: {key}: expected a mapping of languages to texts")
        missing = [lang for lang in LANGUAGES if not isinstance(texts.get(lang), str) or not texts[lang].strip()]
        extra = sorted(set(texts) - set(LANGUAGES))
        if missing or extra:
            raise TextsError(
                f"{where}: {key}: "
                + "; ".join(
                    [f"missing {', '.join(missing)}"] * bool(missing)
                    + [f"unknown language {', '.join(map(str, extra))}"] * bool(extra)
                )
            )
        out[str(key)] = {lang: texts[lang] for lang in LANGUAGES}
    return out


class UiTexts(Mapping[str, str]):
    """The texts of one language, for a template: `ui.login_title`, or `ui.fill("case_title", code=…)`.

    An unknown key raises `KeyError` (a misspelt key fails the tests instead of showing nothing).
    """

    def __init__(self, lang: str, file: str = TEXTS_FILE) -> None:
        self.lang = lang
        self._file = file
        self._texts = catalogue(file)

    def __getitem__(self, key: str) -> str:
        return self._texts[key][self.lang]

    def __getattr__(self, key: str) -> str:
        try:
            return self._texts[key][self.lang]
        except KeyError:
            raise AttributeError(f"no web text {key!r} in {self._file}") from None

    def __iter__(self) -> Any:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def fill(self, key: str, **values: Any) -> str:
        """The text of `key` with its `{name}` places filled in (autoescape still escapes the result)."""
        return self[key].format(**values)


@functools.cache
def ui_texts(lang: str) -> UiTexts:
    """The texts of `lang` (one of en, cs, hu, de)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return UiTexts(lang)
