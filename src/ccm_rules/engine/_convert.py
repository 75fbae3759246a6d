"""cattrs converters: a strict one for rule files and one for decisions and facts.

Each call makes a new converter, so no caller can change another's (no global state).
Structuring errors are turned into `Problem`s with a cattrs-style path.
"""

from __future__ import annotations

import datetime
import enum
import re
import typing
from collections.abc import Mapping
from typing import Any

import attrs
import cattrs
from cattrs._compat import is_literal
from cattrs.cols import is_mutable_sequence, list_structure_factory
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._dates import date_field_message, date_message, iso_date
from ._errors import Problem
from ._facts import not_one_of
from ._problem_texts import CodedValueError, Message, describe
from ._spec import RENAMES, SPEC_KINDS
from ._yaml import Path_, format_path


def _structure_date(value: Any, _: type) -> datetime.date:
    if isinstance(value, str):
        return iso_date(value)
    if value is None or date_field_message(value) is not None:
        raise CodedValueError(date_message(value))
    return value  # type: ignore[no-any-return]


_EXPECTED = {str: "expected.text", int: "expected.integer", float: "expected.number", bool: "expected.bool"}


def _strict_scalar(kind: type, whole_floats: bool = False) -> Any:
    """A structure hook that converts nothing but an int to a float (and, if asked, 25.0 to 25)."""

    def structure(value: Any, _: type) -> Any:
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if whole_floats and kind is int and type(value) is float and value.is_integer():
            return int(value)
        if type(value) is not kind:
            raise CodedValueError(Message(_EXPECTED[kind], {"value": describe(value)}))
        return value

    return structure


def _structure_enum(value: Any, cls: type[enum.StrEnum]) -> enum.StrEnum:
    try:
        return cls(value)
    except ValueError:
        raise CodedValueError(not_one_of(value, [member.value for member in cls])) from None


def _lists_only(kind: Any, conv: cattrs.BaseConverter) -> Any:
    """A list hook that takes only a list: cattrs would read the string "Apply" as five
    one-letter items (found in review: `goals: "Apply"` became five goals), and say
    "'int' object is not iterable" of a number."""
    inner = list_structure_factory(kind, conv)

    def structure(value: Any, type_: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            raise CodedValueError(Message("expected.list", {"value": describe(value)}))
        return inner(value, type_)

    return structure


def _structure_literal(value: Any, kind: Any) -> Any:
    """One of a Literal's values, or the list of them (cattrs would print `typing.Literal[…]`)."""
    allowed = typing.get_args(kind)
    if value in allowed and type(value) in {type(a) for a in allowed}:
        return value
    raise CodedValueError(not_one_of(value, [str(a) for a in allowed]))


def make_spec_converter() -> cattrs.Converter:
    """A converter for rule files: unknown keys refused, scalars not coerced."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook_func(is_literal, _structure_literal)
    conv.register_structure_hook(datetime.date, _structure_date)
    conv.register_structure_hook_factory(is_mutable_sequence, _lists_only)
    for kind in (str, int, float, bool):
        conv.register_structure_hook(kind, _strict_scalar(kind))
    for cls, renames in RENAMES.items():
        overrides: dict[str, Any] = {field: override(rename=key) for field, key in renames.items()}
        conv.register_structure_hook(
            cls, make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, **overrides)
        )
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, conv, **overrides))
    return conv


def make_converter() -> cattrs.Converter:
    """A converter for facts, documents and decisions: dates as ISO strings, enums as their values.

    Scalars are not coerced (cattrs would read the string "no" as True and 5 as "5");
    only an int becomes a float, and a whole float such as 25.0 an int.
    """
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook_func(is_literal, _structure_literal)  # "not one of: …", not "typing.Literal[…]"
    conv.register_structure_hook(datetime.date, _structure_date)
    conv.register_structure_hook_factory(is_mutable_sequence, _lists_only)
    for kind in (str, int, float, bool):
        conv.register_structure_hook(kind, _strict_scalar(kind, whole_floats=True))
    conv.register_structure_hook(enum.StrEnum, _structure_enum)  # before `str` in a StrEnum's MRO
    conv.register_unstructure_hook(datetime.date, lambda d: d.isoformat())
    return conv


def _yaml_key(cls: type, name: str) -> str:
    return RENAMES.get(cls, {}).get(name, name)


def _allowed_keys(cls: type) -> list[str]:
    return sorted(_yaml_key(cls, f.name) for f in attrs.fields(cls))


def cattrs_problems(err: BaseException, path: Path_ = ()) -> list[tuple[Path_, str]]:
    """Flatten a cattrs validation error into `(path, message)` pairs, one per problem."""
    if isinstance(err, ClassValidationError):
        with_notes, without = err.group_exceptions()
        found: list[tuple[Path_, str]] = []
        for sub, note in with_notes:
            found.extend(cattrs_problems(sub, (*path, _yaml_key(err.cl, note.name))))
        for sub in without:
            found.extend(cattrs_problems(sub, path))
        return found
    if isinstance(err, IterableValidationError):
        with_notes_i, without_i = err.group_exceptions()
        found = []
        for sub, index_note in with_notes_i:
            found.extend(cattrs_problems(sub, (*path, index_note.index)))
        for sub in without_i:
            found.extend(cattrs_problems(sub, path))
        return found
    if isinstance(err, ForbiddenExtraKeysError):
        allowed = ", ".join(_allowed_keys(err.cl))
        return [
            ((*path, key), Message("key.unknown", {"key": key, "allowed": allowed})) for key in sorted(err.extra_fields)
        ]
    if isinstance(err, KeyError):
        return [(path, Message("key.missing", {"key": str(err.args[0])}))]
    if isinstance(err, CodedValueError):
        return [(path, err.message)]
    if isinstance(err, ValueError):  # a model's own validator: its text is already a sentence
        return [(path, str(err))]
    return [(path, _shape_message(err))]


_MISSING_ARGUMENTS = re.compile(r"missing \d+ required (?:positional |keyword-only )?arguments?: (.+)")


def _shape_message(err: BaseException) -> Message:
    """A part of a file that does not fit its model, said without Python's words.

    cattrs reads a mapping by indexing it, so a text or a number where a mapping belongs
    fails with "string indices must be integers" or "'int' object is not subscriptable".
    """
    text = str(err)
    if missing := _MISSING_ARGUMENTS.search(text):
        return Message("key.missing", {"key": missing.group(1).replace("'", "")})
    if isinstance(err, (TypeError, AttributeError)):
        return Message("expected.mapping_here")
    return Message("shape.wrong", {"detail": text})


def structure_spec(conv: cattrs.Converter, data: Any, file: str) -> tuple[Any, list[Problem]]:
    """Structure one rule file by its `kind`; return the spec or the problems found."""
    if not isinstance(data, dict):
        return None, [Problem(Message("rules.not_mapping"), file=file)]
    kind = data.get("kind")
    cls = SPEC_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        kinds = ", ".join(sorted(SPEC_KINDS))
        return None, [
            Problem(Message("rules.unknown_kind", {"kind": kind, "allowed": kinds}), path="$.kind", file=file)
        ]
    try:
        return conv.structure(data, cls), []
    except (ClassValidationError, IterableValidationError) as err:
        return None, [
            Problem(message, path=format_path(path), file=file, kind="schema") for path, message in cattrs_problems(err)
        ]


def facts_mapping(facts: Any) -> Mapping[str, Any]:
    """Facts as a plain mapping: attrs facts are unstructured, `None` values dropped."""
    if attrs.has(type(facts)):
        raw = make_converter().unstructure(facts)
        return {k: v for k, v in raw.items() if v is not None}
    return facts  # type: ignore[no-any-return]
