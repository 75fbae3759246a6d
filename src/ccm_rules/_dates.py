"""Dates as the product writes and reads them: YYYY-MM-DD, nothing else.

Python 3.11's `date.fromisoformat` also reads other ISO 8601 forms (2027-W01-1,
20270104), which every message here promises not to: one strict reader for all.
"""

from __future__ import annotations

import datetime
import re

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def iso_date(text: str) -> datetime.date:
    """The date written YYYY-MM-DD in `text`; ValueError for any other form or a day that does not exist."""
    if _ISO_DATE.fullmatch(text) is None:
        raise ValueError(f"expected a date (YYYY-MM-DD), got {text!r}")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as err:  # e.g. 2027-02-30
        raise ValueError(f"expected a date (YYYY-MM-DD), got {text!r} ({err})") from None
