"""Dates as the product writes and reads them: YYYY-MM-DD, nothing else.

Python 3.11's `date.fromisoformat` also reads other ISO 8601 forms (2027-W01-1,
20270104), which every message here promises not to: one strict reader for all,
and one wording for every date that cannot be read (`date_message`).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from ._problem_texts import CodedValueError, Message, describe

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def iso_date(text: str) -> datetime.date:
    """The date written YYYY-MM-DD in `text`; ValueError (worded by `date_message`) for anything else."""
    if _ISO_DATE.fullmatch(text) is None:
        raise CodedValueError(date_message(text))
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:  # e.g. 2027-02-30
        raise CodedValueError(date_message(text)) from None


def date_message(value: Any) -> Message:
    """Why `value` is not a date, in the one wording every reader uses."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return Message("expected.real_day", {"value": describe(value)})
    return Message("expected.date", {"value": describe(value)})


def date_field_message(value: Any) -> str | None:
    """None when `value` is a date or absent (None); else why it is not a date (a `Message`)."""
    if value is None or (isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)):
        return None
    return date_message(value)
