"""Dates as the product writes and reads them: YYYY-MM-DD, nothing else.

Python 3.11's `date.fromisoformat` also reads other ISO 8601 forms (2027-W01-1,
20270104), which every message here promises not to: one strict reader for all,
and one wording for every date that cannot be read (`date_message`).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def iso_date(text: str) -> datetime.date:
    """The date written YYYY-MM-DD in `text`; ValueError (worded by `date_message`) for anything else."""
    if _ISO_DATE.fullmatch(text) is None:
        raise ValueError(date_message(text))
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:  # e.g. 2027-02-30
        raise ValueError(date_message(text)) from None


def date_message(value: Any) -> str:
    """Why `value` is not a date, in the one wording every reader uses."""
    if isinstance(value, datetime.datetime):
        return f"expected a date (YYYY-MM-DD), got a date and time {value.isoformat()}"
    if isinstance(value, str):
        if _ISO_DATE.fullmatch(value):
            return f"expected a date (YYYY-MM-DD), got {value!r}: there is no such day"
        return f"expected a date (YYYY-MM-DD), got {value!r}"
    return f"expected a date (YYYY-MM-DD), got {describe(value)}"


def date_field_message(value: Any) -> str | None:
    """None when `value` is a date or absent (None); else why it is not a date."""
    if value is None or (isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)):
        return None
    return date_message(value)


def describe(value: Any) -> str:
    """A value as a person would name it in a message: no Python type names."""
    if isinstance(value, bool):
        return f"yes/no value {'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}" if type(value) is not int or value.bit_length() <= 1024 else "a very long number"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) <= 80 else f"a text of {len(value)} characters"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if value is None:
        return "nothing"
    return "a value of another kind"
