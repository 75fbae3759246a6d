"""Filling a rule text's placeholders, with plural forms chosen by the language's CLDR rules.

Texts use `str.format` placeholders (`{case}`, `{due}`) and, where a number is counted, the
plural form of ICU MessageFormat that translators know:

    {days, plural, one {# day} other {# days}}
    {days, plural, one {# den} few {# dny} many {# dne} other {# dní}}

`#` stands for the number; `=0 {…}` matches an exact value before any category. Babel
gives each language's categories (Czech: one, few, many, other), so "1 days" and "2 dní"
cannot happen. Only this plural form of MessageFormat is supported: no select, no nesting.

Numbers are written here, once for every text: a value that is a number (and the `#` of a
plural form) is shown as `format_number` writes it in the text's language, so Czech,
Hungarian and German texts say "2,5" where English says "2.5".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

_START = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*,\s*plural\s*,")
_OPTION = re.compile(r"\s*(=\d+|zero|one|two|few|many|other)\s*\{")
CATEGORIES = ("zero", "one", "two", "few", "many", "other")


class MessageError(ValueError):
    """A text whose plural form cannot be read (unbalanced braces, no `other`, …)."""


DECIMAL_COMMA = frozenset({"cs", "hu", "de"})
"""The languages that write a decimal comma (CLDR: "2,5" in cs, hu and de)."""


def format_number(value: int | float, lang: str) -> str:
    """`value` as a text in `lang` writes it: as Python writes it in English (`2.5`, `-3.0`),
    with a decimal comma in Czech, Hungarian and German (`2,5`); no digit grouping, so a
    number reads back as written.

    >>> format_number(2.5, "en"), format_number(2.5, "cs"), format_number(12, "de")
    ('2.5', '2,5', '12')
    """
    text = repr(value) if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang in DECIMAL_COMMA else text


class _Number:
    """A number placed in a text: `{n}`, `{n!r}` and `{n:.1f}` all write it as `format_number` does."""

    __slots__ = ("lang", "value")

    def __init__(self, value: int | float, lang: str) -> None:
        self.value, self.lang = value, lang

    def __str__(self) -> str:
        return format_number(self.value, self.lang)

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        text = format(self.value, spec)
        return text.replace(".", ",") if self.lang in DECIMAL_COMMA else text


def _shown(values: Mapping[str, Any], lang: str) -> Mapping[str, Any]:
    """`values` with each number (not a yes/no) ready to be written in `lang`."""
    if not any(_is_number(v) for v in values.values()):
        return values
    return {k: _Number(v, lang) if _is_number(v) else v for k, v in values.items()}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def format_text(text: str, lang: str, values: Mapping[str, Any]) -> str:
    """`text` with its plural forms chosen for `values` in `lang`, then its placeholders filled
    (numbers written as `format_number` writes them in `lang`)."""
    if "plural" not in text:
        return text.format_map(_shown(values, lang))
    out: list[str] = []
    for literal, plural in _segments(text):
        out.append(literal)
        if plural is not None:
            name, options = plural
            shown = values[name]
            written = format_number(shown, lang) if _is_number(shown) else str(shown)
            out.append(_choose(options, _number(shown), lang).replace("#", written))
    return "".join(out).format_map(_shown(values, lang))


def _number(value: Any) -> int | float | None:
    """The count a value shows (explanations pass numbers already rendered as text)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    for kind in (int, float):
        try:
            return kind(str(value).replace(",", ".").replace("\u00a0", ""))
        except ValueError:
            continue
    return None


def plural_names(text: str) -> list[tuple[str, dict[str, str]]]:
    """Each plural form in `text`: the counted placeholder and its options (for checks)."""
    return [plural for _, plural in _segments(text) if plural is not None]


def plain_text(text: str) -> str:
    """`text` with each plural form replaced by its `{name}` placeholder (for placeholder checks)."""
    return "".join(literal + ("{" + plural[0] + "}" if plural else "") for literal, plural in _segments(text))


def _segments(text: str) -> Iterator[tuple[str, tuple[str, dict[str, str]] | None]]:
    """(literal text, following plural form or None), in order."""
    position = 0
    while True:
        found = _START.search(text, position)
        if found is None:
            yield text[position:], None
            return
        options: dict[str, str] = {}
        at = found.end()
        while True:
            option = _OPTION.match(text, at)
            if option is None:
                break
            body, at = _braced(text, option.end() - 1)
            options[option.group(1)] = body
        rest = text[at:].lstrip()
        if not rest.startswith("}"):
            raise MessageError(f"plural form of {found.group(1)!r} is not closed by '}}' after its options")
        if "other" not in options:
            raise MessageError(f"plural form of {found.group(1)!r} needs an 'other' option")
        yield text[position : found.start()], (found.group(1), options)
        position = len(text) - len(rest) + 1


def _braced(text: str, start: int) -> tuple[str, int]:
    """The text inside the braces opening at `start`, and the index after the closing brace."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index], index + 1
    raise MessageError("unbalanced braces in a plural option")


def _choose(options: Mapping[str, str], count: int | float | None, lang: str) -> str:
    if count is None:  # not a number (e.g. not yet known): the general form
        return options["other"]
    exact = options.get(f"={count}")
    if exact is not None:
        return exact
    return options.get(_category(lang, count), options["other"])


def plural_problems(text: str, lang: str) -> list[str]:
    """What is wrong with the plural forms of one text in `lang` (for `rules check`)."""
    try:
        forms = plural_names(text)
    except MessageError as err:
        return [str(err)]
    if not forms:
        return []
    from babel import Locale

    known = {*Locale.parse(lang).plural_form.tags, "other"}
    return [
        f"plural category {key!r} does not exist in {lang!r}; its categories: {', '.join(sorted(known))}"
        for _, options in forms
        for key in options
        if not key.startswith("=") and key not in known
    ]


@functools.lru_cache(maxsize=1024)
def _category(lang: str, count: Any) -> str:
    from babel import Locale  # only texts that count something need the CLDR data

    category: str = Locale.parse(lang).plural_form(count)
    return category
