"""What makes records fit to enter the logs: checks made before anything is stored.

Each problem names the record's file and line (when read from one) and the field:
- a date after today (a log records what happened; `on`, `due` excepted: a plan's measure
  may be due later, and so may the plan's end);
- a meeting not confirmed by both the case manager and the client (002 §8.2, line 194:
  "az esetmenedzser és az ügyfél aláírásával hitelesíti");
- a code the code register does not know (002 §8.2, line 192: the further records refer to
  the register's codes);
- the same entry twice (the same `id`, or the same content without one);
- a correction (`corrects`) of an entry that does not exist, or of another kind or client;
- personal identification in a text field (an e-mail address, a phone or identity number):
  identities belong only in the code register; and an entry id that contains the client's
  code (after an erasure the logs must not be linkable to the person).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping

import attrs
import cattrs

from ..engine import Problem
from ._convert import converter, entry_id
from ._models import Meeting, SurveyResponse
from ._read import Located

FUTURE_OK = frozenset({"due", "until", "period_to"})
"""Date fields that may lie after today: a measure's due date, the plan's end, a feedback period's end."""

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_NUMBER = re.compile(r"(?<!\w)(?:\+?\d[\d ./-]{7,}\d)(?!\w)")
"""Nine or more digits in a row (a TAJ, tax or phone number), spaces, dots, slashes or dashes allowed between."""


@attrs.frozen
class Existing:
    """What the checks need to know of an entry already stored: its kind and client code."""

    kind: str
    code: str | None


def identity_in_text(text: str) -> str | None:
    """What in `text` looks like personal identification (an e-mail address, a long number), or None."""
    if _EMAIL.search(text):
        return "an e-mail address"
    for match in _NUMBER.finditer(text):
        if sum(c.isdigit() for c in match.group()) >= 9 and not _is_date_like(match.group()):
            return "a phone or identity number"
    return None


def _is_date_like(text: str) -> bool:
    return re.fullmatch(r"\d{4}[-./]\d{2}[-./]\d{2}", text.strip()) is not None


def _texts(value: object, path: str) -> Iterable[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}[{index}]")


def _dates(value: object, path: str, key: str = "") -> Iterable[tuple[str, str, datetime.date]]:
    if isinstance(value, datetime.date):
        yield path, key, value
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):  # type: ignore[arg-type]
            yield from _dates(getattr(value, field.name), f"{path}.{field.name}", field.name)
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _dates(item, f"{path}[{index}]", key)


def check_records(
    items: Iterable[Located],
    *,
    today: datetime.date,
    known_code: Callable[[str], bool] | None = None,
    existing: Callable[[str], Existing | None] = lambda _id: None,
    conv: cattrs.Converter | None = None,
) -> list[Problem]:
    """Every problem that keeps these records out of the logs (empty: all may be stored).

    `known_code(code)` says whether the code register knows a code (None: not checked, as
    for a records folder read without a register); `existing(id)` finds an entry already
    stored, for duplicates and corrections.
    """
    conv = conv or converter()
    problems: list[Problem] = []
    seen: dict[str, Existing] = {}

    def problem(item: Located, message: str, path: str, kind: str) -> None:
        problems.append(Problem(message, path, file=item.file, line=item.line, kind=kind))

    for item in items:
        record = item.record
        ident = entry_id(record, conv)
        kind = type(record).KIND
        code = getattr(record, "code", None)
        if ident in seen or existing(ident) is not None:
            problem(
                item,
                f"duplicate entry: an entry with id '{ident}' is already {'in this batch' if ident in seen else 'stored'}; a correction is a new entry with its own id whose 'corrects' names it",
                "$.id",
                "duplicate",
            )
        seen.setdefault(ident, Existing(kind, code))
        if code is not None and record.id is not None and code in record.id:
            problem(
                item,
                f"the entry id '{record.id}' contains the client's code: after the person's erasure it would still link the entry to them",
                "$.id",
                "identity",
            )
        if code is not None and known_code is not None and not known_code(code):
            problem(
                item,
                f"unknown code '{code}': the code register has no such client (add it first: `ccm-rules register add`)",
                "$.code",
                "unknown_code",
            )
        corrects = getattr(record, "corrects", None)
        if corrects is not None:
            target = seen.get(corrects) if corrects != ident else None
            target = target or existing(corrects)
            if target is None:
                problem(item, f"'corrects' names entry '{corrects}', which does not exist", "$.corrects", "corrects")
            elif target.kind != kind or target.code != code:
                problem(
                    item,
                    f"'corrects' names entry '{corrects}' of another {'kind' if target.kind != kind else 'client'} ({target.kind}, {target.code})",
                    "$.corrects",
                    "corrects",
                )
        for path, key, value in _dates(record, "$"):
            if value > today and key not in FUTURE_OK:
                problem(
                    item,
                    f"date {value.isoformat()} is in the future (today is {today.isoformat()}): a log records what has happened",
                    path,
                    "future_date",
                )
        if isinstance(record, SurveyResponse) and record.period > today.strftime("%Y-%m"):
            problem(item, f"period {record.period} is in the future", "$.period", "future_date")
        if isinstance(record, Meeting):
            for field in ("confirmed_by_case_manager", "confirmed_by_client"):
                if getattr(record, field) is not True:
                    who = field.removeprefix("confirmed_by_").replace("_", " ")
                    state = "not recorded" if getattr(record, field) is None else "false"
                    problem(
                        item,
                        f"the meeting is not confirmed by the {who} ({state}): the case log records each meeting confirmed by both (002 §8.2, line 194)",
                        f"$.{field}",
                        "unconfirmed",
                    )
        for path, text in _texts(conv.unstructure(record), "$"):
            if path in ("$.code", "$.id", "$.corrects", "$.on"):
                continue
            if (what := identity_in_text(text)) is not None:
                problem(
                    item,
                    f"the text holds {what}: identities belong only in the code register (002 §8.2, line 192)",
                    path,
                    "identity",
                )
    return problems
