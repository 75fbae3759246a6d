"""Plural forms in rule texts: each language's CLDR categories, checked by `rules check`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccm_rules import RulePack
from ccm_rules.engine import check_pack, format_text
from ccm_rules.engine._messages import MessageError, plural_names

from .conftest import RULES

DAYS = "{days, plural, one {# den} few {# dny} other {# dní}} po termínu"


@pytest.mark.parametrize(
    ("lang", "text", "count", "expected"),
    [
        ("cs", DAYS, 1, "1 den po termínu"),
        ("cs", DAYS, 3, "3 dny po termínu"),
        ("cs", DAYS, 5, "5 dní po termínu"),
        ("cs", DAYS, 22, "22 dní po termínu"),  # Czech 'few' is 2–4 only
        ("cs", DAYS, 0, "0 dní po termínu"),
        ("de", "seit {days, plural, one {# Tag} other {# Tagen}}", 1, "seit 1 Tag"),
        ("de", "seit {days, plural, one {# Tag} other {# Tagen}}", 2, "seit 2 Tagen"),
        ("en", "{days, plural, =0 {today} one {# day} other {# days}} on {on}", 0, "today on 2027-01-04"),
        ("en", "{days, plural, =0 {today} one {# day} other {# days}} on {on}", 1, "1 day on 2027-01-04"),
        (
            "en",
            "{days, plural, one {# day} other {# days}}",
            "unknown",
            "unknown days",
        ),  # not a number: the general form
    ],
)
def test_plural_forms_follow_the_language(lang: str, text: str, count: Any, expected: str) -> None:
    assert format_text(text, lang, {"days": count, "on": "2027-01-04"}) == expected


@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=40))
def test_text_without_plural_forms_is_plain_format(text: str) -> None:
    assert format_text(text + " {x}", "cs", {"x": 7}) == (text + " {x}").format(x=7)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{n, plural, one {# day}}", "needs an 'other' option"),
        ("{n, plural, one {# day} other {# days}", "not closed"),
        ("{n, plural, one {# day other {# days}}", "not closed"),
    ],
)
def test_unreadable_plural_forms_are_refused(text: str, words: str) -> None:
    with pytest.raises(MessageError, match=words):
        plural_names(text)


def test_every_shipped_plural_text_renders_for_every_count(pack: RulePack) -> None:
    """No leftover braces or '#', in every language, for counts 0–30."""
    checked = 0
    for texts in _all_texts(pack):
        for lang, text in texts.items():
            if not plural_names(text):
                continue
            for count in range(31):
                out = format_text(text, lang, _Any(count))
                assert "{" not in out and "#" not in out, (lang, text, count, out)
            checked += 1
    assert checked >= 20  # the plan, monitoring, conference and readiness texts in en, cs and de


class _Any(dict):  # type: ignore[type-arg]
    """Every placeholder is the same count."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def __missing__(self, key: str) -> int:
        return self.count


def _all_texts(pack: RulePack) -> list[dict[str, str]]:
    found: list[dict[str, str]] = list(pack.texts.values())  # type: ignore[arg-type]
    monitoring = pack.documents("monitoring")[0]
    found += [alert.message for alert in monitoring.alerts]
    found += list(monitoring.texts.values())
    for ruleset in pack.rulesets.values():
        for criterion in ruleset.spec.criteria:
            found += [criterion.met, criterion.not_met, criterion.unknown]
    return found


def test_a_plural_category_the_language_lacks_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    path = root / "monitoring.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("one {# day} other {# days}} overdue.", "one {# day} few {# days} other {# days}} overdue.", 1),
        encoding="utf-8",
    )
    problems = [p for p in check_pack(root) if "plural category 'few' does not exist in 'en'" in p.message]
    assert (
        problems and problems[0].file is not None and problems[0].file.endswith("monitoring.yaml") and problems[0].line
    )


def test_the_monitor_summary_counts_in_each_language(pack: RulePack) -> None:
    """'1 alerts' is gone (the summary used to say it)."""
    monitoring = pack.documents("monitoring")[0]
    text = monitoring.texts["monitor.summary"]
    assert format_text(text["en"], "en", {"events": 1, "alerts": 1}) == "1 event replayed, 1 alert."
    assert format_text(text["en"], "en", {"events": 2, "alerts": 0}) == "2 events replayed, 0 alerts."
    assert format_text(text["de"], "de", {"events": 1, "alerts": 2}) == "1 Ereignis abgespielt, 2 Warnungen."
