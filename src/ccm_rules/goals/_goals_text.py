"""Reading a free-text goal: which SMART facts its wording supports, and on what evidence.

Each fact is `True` only on clear evidence (a concrete action verb, a number, a date),
`False` only on clear evidence of the opposite (only vague words, no time reference at
all), and left out (unknown) otherwise. Dates are found by dateparser (`search_dates`,
imported lazily); the word lists of `rules/goals/lexicon.yaml` add what it misses
(durations such as "hat héten belül", month + year with Hungarian suffixes, year ends,
school-year and event deadlines) and filter its false dates (weekday words such as
German "Die", amounts such as "£50", frequencies such as "every Tuesday").
"""

from __future__ import annotations

import calendar
import datetime
import re
import warnings
from collections.abc import Iterable
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from ._goals_lexicon import DURATION_UNITS, Hit, alternation, find
from ._goals_spec import LexiconLanguage

# Language-neutral shapes of numbers in dates (not words: those come from the lexicon).
_NUMERIC_DATE = re.compile(r"(?<!\d)\d{1,4}\s?[./-]\s?\d{1,2}(?:\s?[./-]\s?\d{2,4})?(?!\d)")
_YEAR = re.compile(r"(?<!\d)(?:19|20|21)\d{2}(?!\d)")
_DIGITS = re.compile(r"\d+")
_CODE = re.compile(r"(?<![\w-])[^\W\d_]{1,3}-\d{1,4}(?![\w-])")


@attrs.frozen
class Evidence:
    """One piece of wording behind a fact: the fact, what kind of sign, the words, and a date if any."""

    fact: str
    kind: str
    text: str
    date: datetime.date | None = None


@attrs.frozen
class TextReading:
    """What the wording says: facts with a verdict (others unknown), the evidence, the deadline found."""

    facts: dict[str, bool]
    evidence: tuple[Evidence, ...]
    due: datetime.date | None


def read_goal_text(
    text: str, lang: str, lexicon: LexiconLanguage, start: datetime.date, date_order: str
) -> TextReading:
    """Read one goal's wording in `lang`; relative deadlines count from `start`."""
    folded = text.casefold()
    evidence: list[Evidence] = []
    facts: dict[str, bool] = {}

    deadline, due, spans = _time(text, lang, lexicon, start, date_order, evidence)
    _set(facts, "deadline_stated", deadline)

    actors = _actors(folded, lexicon, evidence)
    _set(facts, "responsible_named", actors)
    _set(
        facts,
        "client_agreed",
        _signal(folded, lexicon.disagreement, lexicon.agreement + lexicon.first_person, "client_agreed", evidence),
    )
    _set(
        facts,
        "realistic_assessed",
        _signal(folded, lexicon.unrealistic, lexicon.realistic, "realistic_assessed", evidence),
    )

    blanked = _blank(folded, spans + [(h.start, h.end) for h in find(lexicon.actors, folded, "actor")])
    quantity = _quantity(blanked, lexicon, evidence)
    concrete, vague, measure = _wording(blanked, lexicon, quantity, evidence)
    _set(facts, "concrete_action", concrete)
    _set(facts, "vague_wording", vague)
    _set(facts, "measure_stated", measure)
    return TextReading(facts, tuple(evidence), due)


def _set(facts: dict[str, bool], name: str, value: bool | None) -> None:
    if value is not None:
        facts[name] = value


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, min(end, len(chars))):
            chars[i] = " "
    return "".join(chars)


def _signal(folded: str, negative: list[str], positive: list[str], fact: str, evidence: list[Evidence]) -> bool | None:
    """`False` on a negative phrase, else `True` on a positive one, else unknown."""
    for hit in find(negative, folded, "negative"):
        evidence.append(Evidence(fact, "negative", hit.text))
        return False
    for hit in find(positive, folded, "positive"):
        evidence.append(Evidence(fact, "positive", hit.text))
        return True
    return None


# ---------------------------------------------------------------- who acts


def _actors(folded: str, lexicon: LexiconLanguage, evidence: list[Evidence]) -> bool | None:
    blocker = (
        re.compile(rf"(?:^|\W){alternation(lexicon.not_actor_before)}\W+(?:\w+\W+)?$")
        if lexicon.not_actor_before
        else None
    )
    found = False
    for hit in find(lexicon.actors + lexicon.first_person, folded, "actor"):
        before = folded[max(0, hit.start - 40) : hit.start]
        if blocker is not None and blocker.search(before):
            evidence.append(Evidence("responsible_named", "object", hit.text))
            continue
        evidence.append(Evidence("responsible_named", "actor", hit.text))
        found = True
    for line in folded.split("\n"):
        code = _CODE.match(line.strip())
        if code:
            evidence.append(Evidence("responsible_named", "actor", code.group(0)))
            found = True
    if found:
        return True
    for hit in find(lexicon.ambiguous_actors, folded, "ambiguous"):
        evidence.append(Evidence("responsible_named", "ambiguous", hit.text))
        return None
    return False


# ---------------------------------------------------------------- specific and measurable


def _quantity(blanked: str, lexicon: LexiconLanguage, evidence: list[Evidence]) -> bool:
    without_codes = _CODE.sub(" ", blanked)
    found = False
    for m in _DIGITS.finditer(without_codes):
        evidence.append(Evidence("measure_stated", "number", m.group(0)))
        found = True
        break
    for hit in find(lexicon.quantity, without_codes, "quantity"):
        evidence.append(Evidence("measure_stated", "quantity", hit.text))
        found = True
    return found


def _wording(
    blanked: str, lexicon: LexiconLanguage, quantity: bool, evidence: list[Evidence]
) -> tuple[bool | None, bool | None, bool | None]:
    actions = list(find(lexicon.action, blanked, "action"))
    vague = list(find(lexicon.vague, blanked, "vague"))
    direction = list(find(lexicon.direction, blanked, "direction"))
    completion = list(find(lexicon.completion, blanked, "completion"))
    vague_quantity = list(find(lexicon.vague_quantity, blanked, "vague_quantity"))
    if quantity:
        actions += direction  # "reduce arrears from 1 800 to under 500" is a concrete change
    else:
        vague += direction  # "reduce debts" with no number is a direction, not a target
    for hit in actions:
        evidence.append(Evidence("concrete_action", "action", hit.text))
    for hit in vague:
        evidence.append(Evidence("vague_wording", "vague", hit.text))
    for hit in completion:
        evidence.append(Evidence("measure_stated", "completion", hit.text))
    for hit in vague_quantity:
        evidence.append(Evidence("measure_stated", "vague_quantity", hit.text))

    concrete = True if actions else (False if vague else None)
    is_vague = (None if actions else True) if vague else (False if actions else None)
    if quantity or completion:
        measure: bool | None = True
    elif vague or vague_quantity:
        measure = False
    else:
        measure = None
    return concrete, is_vague, measure


# ---------------------------------------------------------------- time-bound


def _time(
    text: str, lang: str, lexicon: LexiconLanguage, start: datetime.date, date_order: str, evidence: list[Evidence]
) -> tuple[bool | None, datetime.date | None, list[tuple[int, int]]]:
    """Whether a deadline is stated (True/False/unknown), the latest deadline date, and the date spans."""
    folded = text.casefold()
    dates: list[datetime.date] = []
    spans: list[tuple[int, int]] = []
    found = False
    doubtful = False

    for kind, hit_span, day in _lexicon_deadlines(folded, lexicon, start):
        spans.append(hit_span)
        found = True
        evidence.append(Evidence("deadline_stated", kind, folded[hit_span[0] : hit_span[1]], day))
        if day is not None:
            dates.append(day)

    for matched, day, span in _dateparser_dates(text, folded, lang, lexicon, start, date_order):
        if any(s <= span[0] < e or s < span[1] <= e for s, e in spans):
            continue
        spans.append(span)
        if day < start:
            evidence.append(Evidence("deadline_stated", "past_date", matched, day))
            doubtful = True
            continue
        found = True
        evidence.append(Evidence("deadline_stated", "date", matched, day))
        dates.append(day)

    for hit in find(lexicon.event_deadlines, folded, "event"):
        evidence.append(Evidence("deadline_stated", "event", hit.text))
        doubtful = True
    for m in _NUMERIC_DATE.finditer(folded):
        if not any(s <= m.start() < e for s, e in spans) and not _inside_code(folded, m.start()):
            evidence.append(Evidence("deadline_stated", "unread_date", m.group(0)))
            doubtful = True
    if not found:
        for hit in find(lexicon.vague_time, folded, "vague_time"):
            evidence.append(Evidence("deadline_stated", "vague_time", hit.text))
        for hit in find(lexicon.frequency, folded, "frequency"):
            evidence.append(Evidence("deadline_stated", "frequency", hit.text))
    due = max(dates) if dates else None
    return (True if found else None if doubtful else False), due, spans


def _inside_code(folded: str, at: int) -> bool:
    return any(m.start() <= at < m.end() for m in _CODE.finditer(folded))


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _next_month_end(month: int, start: datetime.date) -> datetime.date | None:
    end = _month_end(start.year, month)
    if end >= start:
        return end
    return _month_end(start.year + 1, month) if start.year < datetime.MAXYEAR else None  # no year 10000


def _after(start: datetime.date, unit: str, count: int) -> datetime.date | None:
    """`start` plus a duration, or None past 9999-12-31 (a deadline stated but not computable)."""
    try:
        return start + span(unit, count)
    except (OverflowError, ValueError):
        return None


def _lexicon_deadlines(
    folded: str, lexicon: LexiconLanguage, start: datetime.date
) -> list[tuple[str, tuple[int, int], datetime.date | None]]:
    """Deadlines from the word lists: durations, month + year, marker + month, year ends, periods."""
    found: list[tuple[str, tuple[int, int], datetime.date | None]] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, m: re.Match[str] | Hit, day: datetime.date | None) -> None:
        begin, end = (m.start, m.end) if isinstance(m, Hit) else (m.start(), m.end())
        if not any(s < end and begin < e for s, e in taken):
            taken.append((begin, end))
            found.append((kind, (begin, end), day))

    numbers = {w.casefold(): n for n, words in lexicon.number_words.items() for w in words}
    number = r"(?P<n>\d{1,3}|" + alternation(list(numbers)) + ")"
    unit_of = {}
    for unit in DURATION_UNITS:
        for word in lexicon.duration_units.get(unit, []):
            unit_of[word.casefold()] = unit
    unit = "(?P<u>" + alternation(list(unit_of)) + ")"
    shapes = []
    if lexicon.duration_before:
        shapes.append(rf"(?<!\w){alternation(lexicon.duration_before)}\s+{number}\s+{unit}(?!\w)")
    if lexicon.duration_after:
        shapes.append(rf"(?<!\w){number}\s+{unit}\s+{alternation(lexicon.duration_after)}(?!\w)")
    for shape in shapes:
        for m in re.finditer(shape, folded):
            count = int(m["n"]) if m["n"].isdigit() else numbers.get(m["n"], 0)
            unit_name = _unit(m["u"], unit_of)
            if count > 0 and unit_name is not None:
                add("duration", m, _after(start, unit_name, count))

    month_of = {w: n for n, words in lexicon.months.items() for w in words}
    month = "(?P<m>" + alternation(list(month_of)) + ")"
    for m in re.finditer(
        rf"(?<!\w){month}\s+(?P<y>(?:19|20|21)\d\d)(?!\d)|(?<!\d)(?P<y2>(?:19|20|21)\d\d)\.?\s+{month.replace('?P<m>', '?P<m2>')}(?!\w)",
        folded,
    ):
        name = m["m"] or m["m2"]
        number_ = _month_number(name, month_of)
        if number_ is not None:
            add("month", m, _month_end(int(m["y"] or m["y2"]), number_))
    if lexicon.month_markers:
        for m in re.finditer(rf"(?<!\w){alternation(lexicon.month_markers)}\s+{month}(?!\w)", folded):
            number_ = _month_number(m["m"], month_of)
            if number_ is not None:
                add("month", m, _next_month_end(number_, start))
    if lexicon.deadline_suffixes:
        for m in re.finditer(rf"(?<!\w){month}(?!\w)", folded):
            number_ = _month_number(m["m"], month_of)
            if number_ is not None and any(m["m"].endswith(s) for s in lexicon.deadline_suffixes):
                add("month", m, _next_month_end(number_, start))

    year = r"(?P<y>(?:19|20|21)\d\d)"
    if lexicon.year_end_before:
        for m in re.finditer(rf"(?<!\w){alternation(lexicon.year_end_before)}\s+{year}(?!\d)", folded):
            add("year_end", m, datetime.date(int(m["y"]), 12, 31))
    if lexicon.year_end_after:
        for m in re.finditer(rf"(?<!\d){year}\.?\s+{alternation(lexicon.year_end_after)}(?!\w)", folded):
            add("year_end", m, datetime.date(int(m["y"]), 12, 31))
    for hit in find(lexicon.year_end_phrases, folded, "year_end"):
        add("year_end", hit, datetime.date(start.year, 12, 31))
    for hit in find(lexicon.period_deadlines, folded, "period"):
        add("period", hit, None)
    return found


def span(unit: str, count: int) -> relativedelta:
    """A time span of `count` days, weeks, months or years."""
    if unit == "day":
        return relativedelta(days=count)
    if unit == "week":
        return relativedelta(weeks=count)
    if unit == "month":
        return relativedelta(months=count)
    return relativedelta(years=count)


def _unit(word: str, unit_of: dict[str, str]) -> str | None:
    for entry, unit in unit_of.items():
        if re.fullmatch(r"\w*".join(re.escape(p) for p in entry.split("*")), word):
            return unit
    return None


def _month_number(word: str, month_of: dict[str, int]) -> int | None:
    for entry, number in month_of.items():
        if re.fullmatch(r"\w*".join(re.escape(p) for p in entry.casefold().split("*")), word):
            return number
    return None


def _dateparser_dates(
    text: str, folded: str, lang: str, lexicon: LexiconLanguage, start: datetime.date, date_order: str
) -> list[tuple[str, datetime.date, tuple[int, int]]]:
    """Calendar dates dateparser finds, line by line, minus its known false dates."""
    from dateparser.search import search_dates  # slow to import: only when a goal is read

    settings: dict[str, Any] = {
        "RELATIVE_BASE": datetime.datetime(start.year, start.month, start.day),
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": date_order,
    }
    months = alternation([w for words in lexicon.months.values() for w in words])
    frequency = alternation(lexicon.frequency) if lexicon.frequency else None
    found: list[tuple[str, datetime.date, tuple[int, int]]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results = search_dates(line, languages=[lang], settings=settings) or []
            cursor = 0
            folded_line = folded[offset : offset + len(line)] if len(folded) == len(text) else line.casefold()
            for matched, when in results:
                at = line.find(matched, cursor)
                if at < 0:
                    continue
                cursor = at + len(matched)
                piece = matched.casefold()
                has_month = re.search(rf"(?<!\w){months}(?!\w)", piece) is not None
                has_shape = _NUMERIC_DATE.search(piece) is not None or _YEAR.search(piece) is not None
                if not (has_month or has_shape):
                    continue  # weekday words, "a week", bare numbers: not a deadline
                if re.fullmatch(r"[\d\s]+", piece) and _YEAR.fullmatch(piece.strip()) is None:
                    continue
                before = folded_line[max(0, at - 30) : at]
                after = folded_line[at + len(matched) : at + len(matched) + 30]
                if (
                    frequency
                    and _YEAR.search(piece) is None
                    and (
                        re.search(rf"(?<!\w){frequency}\W+(?:\w+\W+)?$", before)
                        or re.match(rf"\W*(?:\w+\W+)?{frequency}(?!\w)", after)
                    )
                ):
                    continue  # "every 10th of the month": recurring (a date with a year is one-off)
                found.append(
                    (matched, _deadline_day(piece, when.date(), has_month), (offset + at, offset + at + len(matched)))
                )
        offset += len(line) + 1
    return found


def _deadline_day(piece: str, when: datetime.date, has_month: bool) -> datetime.date:
    """dateparser fills a missing day with today's; a deadline of a month or year is its last day."""
    numbers = [n for n in _DIGITS.findall(piece) if len(n) <= 2]
    if numbers:
        return when
    if has_month or _NUMERIC_DATE.search(piece):
        return _month_end(when.year, when.month)
    return datetime.date(when.year, 12, 31)
