"""Dates are read as YYYY-MM-DD only, everywhere the product reads one."""

from __future__ import annotations

import datetime
import re

import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccm_rules.engine._convert import cattrs_problems, make_converter
from ccm_rules.engine._dates import iso_date
from ccm_rules.goals._plan import Plan


@given(st.dates())
def test_every_date_reads_back_from_its_iso_form(day: datetime.date) -> None:
    assert iso_date(day.isoformat()) == day


@given(st.text(max_size=12))
def test_any_other_text_is_refused(text: str) -> None:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
        return
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        iso_date(text)


@pytest.mark.parametrize("text", ["2027-W01-1", "20270104", "2027-001", "２０２７-01-04", "2027-02-30"])
def test_other_iso_forms_and_impossible_days_are_refused(text: str) -> None:
    """Python 3.11 reads 2027-W01-1 and 20270104 as dates; the product promises YYYY-MM-DD."""
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        iso_date(text)


def test_documents_refuse_a_week_date() -> None:
    with pytest.raises(cattrs.ClassValidationError) as err:
        make_converter().structure({"start_date": "2027-W01-1"}, Plan)
    assert cattrs_problems(err.value) == [(("start_date",), "expected a date (YYYY-MM-DD), got the text '2027-W01-1'")]
