"""Messages of refused input in the user's language: a code, its values, and a catalogue.

An error message is built once, as a `Message`: a `str` holding the English wording (so
every existing reader of `Problem.message` and every log keeps working) that also knows
its code and values, so a CLI `--lang cs` or an HTTP `Accept-Language: hu` can say it
again in that language (`Message.say`). The wordings live in `problem_texts.yaml` beside
this module, in en, cs, hu and de; they name what a person wrote ("the text 'yes'", "a
list"), never a Python type ("str", "'int' object is not iterable").

The catalogue belongs to the library, not to a rule pack: input is refused before, or
without, any pack (a case file that is not YAML, a pack folder that does not load).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml

from ._messages import format_text

LANGUAGES = ("en", "cs", "hu", "de")
"""The languages every message is written in."""


@functools.cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Code → language → wording, read once from `problem_texts.yaml` and `problem_texts_*.yaml`.

    The catalogue may be kept in several files beside this module, one per group of messages
    (`problem_texts_log.yaml` for the event logs, ...), so that each is short enough to review;
    a code is written in one file only.
    """
    folder = resources.files(__package__)
    names = [
        "problem_texts.yaml",
        *sorted(e.name for e in folder.iterdir() if e.name.startswith("problem_texts_") and e.name.endswith(".yaml")),
    ]
    data: dict[str, dict[str, str]] = {}
    for name in names:
        part: dict[str, dict[str, str]] = yaml.safe_load(folder.joinpath(name).read_text(encoding="utf-8")) or {}
        twice = sorted(set(part) & set(data))
        if twice:
            raise RuntimeError(f"{name}: message codes written in another catalogue file too: {', '.join(twice)}")
        data.update(part)
    return data


def say(code: str, lang: str, values: Mapping[str, Any]) -> str:
    """The message `code` in `lang` (English for a language it is not written in).

    A value that is itself a `Message` (a described value, a reason) or a `Translated` text
    of the rule pack (an item's title) is said in the same language; plural forms follow the
    language's rules and numbers are written as the language writes them (see
    `_messages.format_text`: "2,5" in cs, hu and de).
    """
    texts = catalogue()[code]
    template = texts.get(lang) or texts["en"]
    shown = {
        name: value.say(lang) if isinstance(value, (Message, Translated)) else _cut(name, value)
        for name, value in values.items()
    }
    return format_text(template, lang if lang in texts else "en", shown)


_WRITTEN = frozenset({"name", "key", "code", "close", "kind", "text"})
"""Values that quote what someone wrote: cut, so that a message never repeats a huge input."""


def _cut(name: str, value: Any) -> Any:
    if name in _WRITTEN and isinstance(value, str) and len(value) > 60:
        return value[:57] + "..."
    return value


class Message(str):
    """An English message that can be said again in another language.

    >>> m = Message("expected.bool", {"value": describe("yes")})
    >>> str(m)
    "expected yes or no (true or false), got the text 'yes'"
    >>> m.say("de")
    "erwartet: ja oder nein (true oder false); erhalten: der Text 'yes'"
    """

    code: str
    values: Mapping[str, Any]

    def __new__(cls, code: str, values: Mapping[str, Any] | None = None) -> Message:
        values = dict(values or {})
        self = super().__new__(cls, say(code, "en", values))
        self.code = code
        self.values = values
        return self

    def say(self, lang: str) -> str:
        return say(self.code, lang, self.values)

    def __reduce__(self) -> tuple[Any, ...]:  # pickled (Spark, Dask workers) as code and values
        return (Message, (self.code, dict(self.values)))


class Translated(str):
    """A text of the rule pack placed in a message (a DACTS item's title): English as a `str`,
    said again in any language the pack wrote it in (English where it did not).

    >>> t = Translated({"en": "Small caseload", "cs": "Malý počet klientů"})
    >>> str(t), t.say("cs"), t.say("hu")
    ('Small caseload', 'Malý počet klientů', 'Small caseload')
    """

    texts: Mapping[str, str]

    def __new__(cls, texts: Mapping[str, str]) -> Translated:
        self = super().__new__(cls, texts.get("en", next(iter(texts.values()), "")))
        self.texts = dict(texts)
        return self

    def say(self, lang: str) -> str:
        return self.texts.get(lang) or str(self)

    def __reduce__(self) -> tuple[Any, ...]:  # pickled with every language
        return (Translated, (dict(self.texts),))


def text_in(message: str, lang: str) -> str:
    """Any message in `lang`: a `Message` is said there; a plain string stays as written."""
    return message.say(lang) if isinstance(message, Message) else message


class CodedValueError(ValueError):
    """A `ValueError` whose text is a `Message` (raised inside converters, caught as a problem)."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


def describe(value: Any) -> Message:
    """A value as a person would name it in a message: no Python type names."""
    if isinstance(value, bool):
        return Message("value.yes_no", {"value": "true" if value else "false"})
    if isinstance(value, (int, float)):
        if type(value) is int and value.bit_length() > 1024:
            return Message("value.long_number")
        return Message("value.number", {"number": value})
    if isinstance(value, str):
        if len(value) > 80:
            return Message("value.long_text", {"length": len(value)})
        return Message("value.text", {"text": value})
    if isinstance(value, (list, tuple)):
        return Message("value.list")
    if isinstance(value, Mapping):
        return Message("value.mapping")
    if isinstance(value, datetime.datetime):
        return Message("value.date_time", {"value": value.isoformat()})
    if isinstance(value, datetime.date):
        return Message("value.date", {"date": value.isoformat()})
    if value is None:
        return Message("value.nothing")
    return Message("value.other")


def file_reason(err: BaseException) -> Message:
    """Why a file could not be read or written, without Python's wording ("[Errno 2] …")."""
    if isinstance(err, FileNotFoundError):
        return Message("io.not_found")
    if isinstance(err, IsADirectoryError):
        return Message("io.is_folder")
    if isinstance(err, NotADirectoryError):
        return Message("io.not_folder")
    if isinstance(err, PermissionError):
        return Message("io.denied")
    if isinstance(err, UnicodeDecodeError):
        return Message("io.not_utf8", {"byte": err.start})
    detail = getattr(err, "strerror", None) or str(err)
    return Message("io.other", {"detail": str(detail).lower()})
