"""Records from plain data and back: strict structuring (cattrs), CSV cells, entry ids, JSON Schemas.

The converter is built once (`converter()`) and never changed afterwards, so that no
state is shared through it (house style: no module-level mutable global). Structuring is strict: a text is never read as a number or a yes,
a list is never read from a text, unknown keys are refused with the allowed ones listed, and
every problem of a record is reported with its path (`$.measures[1].id`), not just the
first one.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import types
import typing
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Literal, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import ClassValidationError, IterableValidationError, IterableValidationNote

from ..engine import Problem, ProblemsError, describe, iso_date
from . import _models
from ._models import KINDS, Record, RegisterEntry, SurveyResponse

IDENTITY_KEYS = frozenset(
    {
        "name",
        "full_name",
        "first_name",
        "given_name",
        "last_name",
        "family_name",
        "surname",
        "birth_date",
        "date_of_birth",
        "birthday",
        "birth_place",
        "mother_name",
        "mothers_name",
        "address",
        "street",
        "email",
        "e_mail",
        "phone",
        "telephone",
        "mobile",
        "personal_id",
        "taj",
        "tax_id",
        "id_number",
        "national_id",
        "ssn",
        "identity",
    }
)
"""Keys that carry personal identification: refused in every record outside the code register (002 §8.2, line 192)."""
IDENTITY_PARTS = ("name", "birth", "address", "email", "e_mail", "phone", "mobile", "taj", "passport", "ssn")
"""Parts of a key that mark it as personal identification too (`client_name`, `place_of_birth`, `home_address`)."""


def is_identity_key(key: str) -> bool:
    """Whether a key names personal identification (an exact `IDENTITY_KEYS` name, or one with an `IDENTITY_PARTS` part)."""
    norm = key.lower().replace("-", "_").replace(" ", "_")
    return norm in IDENTITY_KEYS or any(part in norm.split("_") or norm.startswith(part) for part in IDENTITY_PARTS)


class RecordError(ProblemsError):
    """Records were refused; `problems` names each bad field (file, line, path). Nothing was stored."""


def _fail(expected: str, value: object) -> typing.NoReturn:
    raise ValueError(f"expected {expected}, got {describe(value)}")


def _str(value: object, _: object) -> str:
    if not isinstance(value, str):
        _fail("a text", value)
    if not value.strip():
        _fail("a text that is not blank", value)
    return value


def _bool(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        _fail("true or false", value)
    return value


def _int(value: object, _: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail("a whole number", value)
    if value < 0:
        _fail("a number 0 or more", value)
    return value


def _float(value: object, _: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or value != value
        or value in (float("inf"), float("-inf"))
    ):
        _fail("a number", value)
    if value < 0:
        _fail("a number 0 or more", value)
    return float(value)


def _date(value: object, _: object) -> datetime.date:
    if not isinstance(value, str):
        _fail("a date (YYYY-MM-DD)", value)
    return iso_date(value)


def _is_tuple(tp: Any) -> bool:
    return get_origin(tp) is tuple


@functools.cache
def converter() -> cattrs.Converter:
    """The strict converter of the record classes (dates as YYYY-MM-DD texts).

    Built once per process: cattrs generates each class's code on first use, which costs
    more than reading a record. Nothing registers hooks on it after it is built; a caller
    who needs other hooks copies it (`converter().copy()`).
    """
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _str)
    conv.register_structure_hook(bool, _bool)
    conv.register_structure_hook(int, _int)
    conv.register_structure_hook(float, _float)
    conv.register_structure_hook(datetime.date, _date)
    conv.register_unstructure_hook(datetime.date, datetime.date.isoformat)

    def tuple_hook(tp: Any) -> Any:
        (item,) = get_args(tp)[:1]

        def structure(value: object, _: object) -> tuple[Any, ...]:
            if not isinstance(value, (list, tuple)):
                _fail("a list", value)
            out = []
            errors: list[Exception] = []
            for index, element in enumerate(value):
                try:
                    out.append(conv.structure(element, item))
                except Exception as err:
                    err.__notes__ = [
                        *getattr(err, "__notes__", []),
                        IterableValidationNote(f"Structuring {tp} @ index {index}", index, item),
                    ]
                    errors.append(err)
            if errors:
                raise IterableValidationError(f"While structuring {tp}", errors, tp)
            return tuple(out)

        return structure

    conv.register_structure_hook_factory(_is_tuple, tuple_hook)
    return conv


def _fields(cls: Any) -> tuple[attrs.Attribute[Any], ...]:
    """The class's attrs fields with their types resolved (the models use postponed annotations)."""
    return _resolved(cls)


@functools.cache
def _resolved(cls: Any) -> tuple[attrs.Attribute[Any], ...]:
    attrs.resolve_types(cls, globalns=vars(_models))
    return tuple(attrs.fields(cls))


def _problems(err: BaseException, where: str) -> list[Problem]:
    lines = (
        cattrs.transform_error(err, path=where, format_exception=_format)
        if isinstance(err, (ClassValidationError, IterableValidationError))
        else [f"{err} @ {where}"]
    )
    out = []
    for line in lines:
        message, _, path = line.rpartition(" @ ")
        if message.startswith("Extra fields in constructor"):
            continue  # already named, with the allowed keys, by _key_problems
        out.append(Problem(message or line, path or where))
    return out


def _format(exc: BaseException, tp: Any) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ValueError) and str(exc).startswith("expected"):
        return str(exc)
    if tp is not None and get_origin(tp) is Literal:
        return f"expected one of {', '.join(map(str, get_args(tp)))}"
    if tp is not None and get_origin(tp) in (typing.Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        if len(options) == 1 and get_origin(options[0]) is Literal:
            return f"expected one of {', '.join(map(str, get_args(options[0])))} (or null: unknown)"
    return str(exc) or type(exc).__name__


def _key_problems(cls: type, data: Mapping[str, Any], where: str, *, identities_allowed: bool) -> list[Problem]:
    """Unknown keys (the allowed ones listed) and identity keys outside the register, with their paths."""
    names = [f.name for f in _fields(cls)]
    out = []
    for key in data:
        if not isinstance(key, str) or key in names:
            continue
        if not identities_allowed and is_identity_key(key):
            out.append(
                Problem(
                    f"field '{key}' holds personal identification: identities belong only in the code register "
                    "(002 §8.2: the further records must refer to the codes)",
                    f"{where}.{key}",
                    kind="identity",
                )
            )
        else:
            out.append(
                Problem(
                    f"unknown field '{key}'; expected one of: {', '.join(names)}",
                    f"{where}.{key}",
                    kind="unknown_field",
                )
            )
    for field in _fields(cls):
        if field.type is not None and attrs.has(field.type) and isinstance(data.get(field.name), Mapping):
            out += _key_problems(
                field.type, data[field.name], f"{where}.{field.name}", identities_allowed=identities_allowed
            )
        if _is_tuple(field.type) and attrs.has(get_args(field.type)[0]) and isinstance(data.get(field.name), list):
            for index, item in enumerate(data[field.name]):
                if isinstance(item, Mapping):
                    out += _key_problems(
                        get_args(field.type)[0],
                        item,
                        f"{where}.{field.name}[{index}]",
                        identities_allowed=identities_allowed,
                    )
    return out


def structure_record(kind: str, data: object, where: str = "$", conv: cattrs.Converter | None = None) -> Record:
    """The record of `kind` that `data` (parsed JSON) describes; `RecordError` naming every bad field.

    >>> structure_record("closure", {"code": "K-0001", "on": "2026-03-02", "survey_offered": True})
    Closure(code='K-0001', on=datetime.date(2026, 3, 2), reason=None, survey_offered=True, id=None, corrects=None)
    """
    cls = KINDS.get(kind)
    if cls is None:
        raise RecordError(
            "the records are not valid",
            [
                Problem(
                    f"unknown record kind '{kind}'; expected one of: {', '.join(sorted(KINDS))}",
                    where,
                    kind="unknown_kind",
                )
            ],
        )
    return typing.cast(Record, _structure(cls, data, where, conv, identities_allowed=False))


def structure_register_entry(data: object, where: str = "$", conv: cattrs.Converter | None = None) -> RegisterEntry:
    """A code-register entry (code, identity, date): the one record that may hold an identity."""
    return typing.cast(RegisterEntry, _structure(RegisterEntry, data, where, conv, identities_allowed=True))


def _structure(
    cls: type, data: object, where: str, conv: cattrs.Converter | None, *, identities_allowed: bool
) -> object:
    if not isinstance(data, Mapping):
        raise RecordError("the records are not valid", [Problem(f"expected an object, got {describe(data)}", where)])
    problems = _key_problems(cls, data, where, identities_allowed=identities_allowed)
    code = data.get("code")
    if cls is not RegisterEntry and isinstance(code, str) and code.strip() and (bad := code_problem(code)) is not None:
        problems.append(Problem(bad, f"{where}.code", kind="code"))
    known = {f.name for f in _fields(cls)}
    try:
        record: object = (conv or converter()).structure({k: v for k, v in data.items() if k in known}, cls)
    except Exception as err:
        problems += _problems(err, where)
        record = None
    if problems:
        raise RecordError("the records are not valid", problems)
    return record


CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def code_problem(code: str) -> str | None:
    """Why `code` is not a pseudonymous code (project policy: 3-40 letters, digits, '-', '_', '.', no spaces).

    A code with a space is refused so that a name ("Kiss Anna") is never taken for a code.
    """
    if not 3 <= len(code) <= 40 or not set(code) <= CODE_CHARS:
        return f"expected a pseudonymous code (3-40 letters, digits, '-', '_' or '.', no spaces), got {describe(code)}"
    return None


def unstructure_record(record: object, conv: cattrs.Converter | None = None) -> dict[str, Any]:
    """Plain JSON data of a record; fields at their default are left out (`structure_record` restores them)."""
    data: dict[str, Any] = (conv or converter()).unstructure(record)
    defaults = {f.name: f.default for f in _fields(type(record))}
    return {
        k: v
        for k, v in data.items()
        if not (k in defaults and defaults[k] is not attrs.NOTHING and _same(v, defaults[k]))
    }


def _same(value: object, default: object) -> bool:
    return value == default or (isinstance(value, list | tuple) and not value and default == ())


def entry_id(record: object, conv: cattrs.Converter | None = None) -> str:
    """The record's `id`, or one derived from its content (`sha256:` + 32 hex digits), so that the same
    record read twice is a duplicate, not a second entry.

    An anonymous survey without an id gets a random one (`survey:` + a UUID): two clients may
    well give the same answers, and nothing may tie a response to a client or a day.
    """
    given = getattr(record, "id", None)
    if given:
        return str(given)
    if isinstance(record, SurveyResponse):
        return f"survey:{uuid.uuid4()}"
    data = unstructure_record(record, conv)
    kind = type(record).KIND  # type: ignore[attr-defined]
    canonical = json.dumps({"kind": kind, **data}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


# ---------------------------------------------------------------- CSV cells


def csv_row(kind: str, row: Mapping[str, str | None], where: str) -> dict[str, Any]:
    """A CSV row of `kind` as the JSON data a JSON Lines file would give for it.

    Empty cells are unknown (left out). Booleans are `true`/`false`, numbers as written,
    lists of texts separated by `;`, lists of measures (and any other nested value) JSON.
    """
    cls = KINDS.get(kind)
    if cls is None:
        raise RecordError(
            "the records are not valid",
            [
                Problem(
                    f"unknown record kind '{kind}'; expected one of: {', '.join(sorted(KINDS))}",
                    where,
                    kind="unknown_kind",
                )
            ],
        )
    types_ = {f.name: f.type for f in _fields(cls)}
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, cell in row.items():
        if key is None:
            problems.append(Problem("more cells than columns", where))
            continue
        if cell is None or cell == "":
            continue
        try:
            out[key] = _cell(types_.get(key), cell)
        except ValueError as err:
            problems.append(Problem(str(err), f"{where}.{key}"))
    if problems:
        raise RecordError("the records are not valid", problems)
    return out


def _cell(tp: Any, cell: str) -> Any:
    options = (
        [a for a in get_args(tp) if a is not type(None)] if get_origin(tp) in (typing.Union, types.UnionType) else [tp]
    )
    base = options[0] if len(options) == 1 else None
    if base is bool:
        if cell.strip().lower() in ("true", "false"):
            return cell.strip().lower() == "true"
        _fail("true or false", cell)
    if base is int:
        try:
            return int(cell)
        except ValueError:
            _fail("a whole number", cell)
    if base is float:
        try:
            return float(cell)
        except ValueError:
            _fail("a number", cell)
    if _is_tuple(base):
        item = get_args(base)[0]
        if attrs.has(item) or cell.lstrip().startswith("["):
            try:
                return json.loads(cell)
            except ValueError:
                _fail("a JSON list", cell)
        return [part.strip() for part in cell.split(";") if part.strip()]
    return cell


# ---------------------------------------------------------------- JSON Schema


def _schema(tp: Any) -> dict[str, Any]:
    if get_origin(tp) in (typing.Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        inner = _schema(options[0]) if len(options) == 1 else {"anyOf": [_schema(a) for a in options]}
        return {"anyOf": [inner, {"type": "null"}]}
    if get_origin(tp) is Literal:
        return {"enum": list(get_args(tp))}
    if _is_tuple(tp):
        return {"type": "array", "items": _schema(get_args(tp)[0])}
    if attrs.has(tp):
        return class_schema(tp)
    scalars: dict[Any, dict[str, Any]] = {
        str: {"type": "string", "pattern": r"\S"},
        bool: {"type": "boolean"},
        int: {"type": "integer", "minimum": 0},
        float: {"type": "number", "minimum": 0},
        datetime.date: {"type": "string", "format": "date"},
    }
    return scalars[tp]


def class_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of one record class: closed object, required fields those without a default."""
    properties = {}
    for field in _fields(cls):
        prop = _schema(field.type)
        if field.name == "code":
            prop = {
                **prop,
                "pattern": r"^[A-Za-z0-9._-]{3,40}$",
                "description": "The client's pseudonymous code (never a name).",
            }
        properties[field.name] = prop
    required = [f.name for f in _fields(cls) if f.default is attrs.NOTHING]
    schema: dict[str, Any] = {
        "type": "object",
        "title": cls.__name__,
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    if cls.__doc__:
        schema["description"] = cls.__doc__.strip().split("\n\n")[0]
    return schema


def record_schemas() -> dict[str, dict[str, Any]]:
    """Every record kind's JSON Schema (draft 2020-12), by kind, plus `register_entry` for the code register."""
    out = {kind: class_schema(cls) for kind, cls in sorted(KINDS.items())}
    out["register_entry"] = class_schema(RegisterEntry)
    return out


def problems_at(problems: Iterable[Problem], file: str | None, line: int | None) -> list[Problem]:
    """The same problems pointed at a file and line."""
    return [attrs.evolve(p, file=file, line=line) for p in problems]
