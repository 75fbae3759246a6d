"""Strict YAML and JSON reading: duplicate keys refused, and every node's line kept for messages.

A file named `*.json` is read as JSON (a trailing comma or a comment is an error there,
though YAML would take it); every other file as YAML.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import yaml

from ._errors import Problem
from ._limits import (
    MAX_DEPTH,
    MAX_VALUES,
    check_data,
    number_too_long,
    size_problem,
    too_long,
)
from ._problem_texts import CodedValueError, Message, file_reason

Path_ = tuple[str | int, ...]


class Located:
    """A parsed YAML document with the line of every mapping key and sequence item."""

    def __init__(self, data: Any, lines: dict[Path_, int], file: str) -> None:
        self.data = data
        self.lines = lines
        self.file = file

    def line(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest located ancestor."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


def format_path(path: Path_) -> str:
    """`('criteria', 2, 'title')` → `$.criteria[2].title` (the cattrs style)."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


_Composer: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it (about 10x faster); it only builds the node tree."""


class _StrictConstructor(yaml.constructor.SafeConstructor):
    """Safe constructor that refuses duplicate keys (PyYAML keeps the last one silently)."""


def _refuse_duplicates(loader: _StrictConstructor, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                Message("key.duplicate_at", {"key": key, "first": seen[key]}),
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


def _checked_timestamp(loader: _StrictConstructor, node: yaml.ScalarNode) -> Any:
    """A YAML date or time that does not exist (month 13, 30 February) is kept as its text.

    The reader that expects a date there then refuses it at its own path and line, in the
    one wording of `_dates.date_message` ("… got '2026-02-30': there is no such day").
    """
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return node.value


# The stubs type constructors as taking a Loader; a bare constructor is all they use.
_StrictConstructor.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _refuse_duplicates)  # type: ignore[type-var]
_StrictConstructor.add_constructor("tag:yaml.org,2002:timestamp", _checked_timestamp)  # type: ignore[type-var]


def _collect_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            child = (*path, key)
            lines[child] = key_node.start_mark.line + 1
            _collect_lines(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, (*path, index), lines)


def parse_yaml(text: str, file: str) -> Located:
    """Parse one YAML document (JSON if `file` ends in .json) strictly; raise `YamlProblem` with file and line on failure.

    The document is checked against the limits of `_limits` before it is built, so a
    file of aliases that would expand a billion-fold is refused in milliseconds.
    """
    if (large := too_long(text)) is not None:
        raise YamlProblem(Problem(large, file=file, kind="limit"))
    if file.lower().endswith(".json"):
        return _parse_json(text, file)
    try:
        node = yaml.compose(text, Loader=_Composer)
        if node is not None and (found := _check_nodes(node)) is not None:
            message, bad = found
            raise YamlProblem(Problem(message, file=file, line=bad.start_mark.line + 1, kind="limit"))
        data = _StrictConstructor().construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlProblem(Problem(_yaml_message(err), file=file, line=line, kind="yaml")) from err
    except yaml.YAMLError as err:
        raise YamlProblem(Problem(Message("yaml.malformed", {"detail": str(err)}), file=file, kind="yaml")) from err
    except RecursionError as err:
        raise YamlProblem(Problem(_TOO_DEEP, file=file, kind="limit")) from err
    lines: dict[Path_, int] = {}
    if node is not None:
        try:
            _collect_lines(node, (), lines)
        except RecursionError as err:
            raise YamlProblem(Problem(Message("yaml.alias_loop"), file=file, kind="yaml")) from err
    return Located(data, lines, file)


def _yaml_message(err: yaml.MarkedYAMLError) -> Message:
    """PyYAML's own words for what is wrong (its duplicate-key check says ours, in any language)."""
    if isinstance(err.problem, Message):
        return err.problem
    detail = " ".join(str(part) for part in (err.context, err.problem) if part)
    if "maximum nesting depth" in detail:  # PyYAML >= 6.0.3 bounds nesting itself
        return _TOO_DEEP
    return Message("yaml.malformed", {"detail": detail})


def _check_nodes(root: yaml.Node) -> tuple[Message, yaml.Node] | None:
    """The first limit the node graph passes, and the node where; None when it is within all.

    A YAML alias makes the graph a DAG whose readers walk it as a tree, so the values are
    counted as expanded (each node's count once, from its children's), without recursion.
    A node reached again while its own children are being counted is an alias to itself.
    """
    values: dict[int, int] = {}
    height: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            open_.discard(key)
            kids = _node_children(node)
            values[key] = 1 + sum(values[id(k)] for k in kids)
            height[key] = 1 + max((height[id(k)] for k in kids), default=0)
            if values[key] > MAX_VALUES:
                return Message("limit.values", {"limit": MAX_VALUES}), node
            if height[key] > MAX_DEPTH + 1:
                return Message("limit.depth", {"limit": MAX_DEPTH}), node
            continue
        if key in values:
            continue
        if key in open_:
            return Message("yaml.alias_loop"), node
        if (found := _node_problem(node)) is not None:
            return found
        open_.add(key)
        stack.append((node, True))
        stack.extend((kid, False) for kid in _node_children(node) if id(kid) not in values)
    return None


def _node_children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [value for _, value in node.value]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


_TOO_DEEP = Message("limit.depth", {"limit": MAX_DEPTH})
"""One wording for nesting past the limit, whichever part of the reader finds it."""

_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _node_problem(node: yaml.Node) -> tuple[Message, yaml.Node] | None:
    """A limit one node passes by itself: too many keys or items, too long a text or number, a key that is not a value."""
    if isinstance(node, yaml.MappingNode):
        if (found := size_problem(len(node.value), "keys")) is not None:
            return found, node
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                shown = Message("value.list") if isinstance(key_node, yaml.SequenceNode) else Message("value.mapping")
                return Message("key.not_value", {"value": shown}), key_node
    elif isinstance(node, yaml.SequenceNode):
        if (found := size_problem(len(node.value), "items")) is not None:
            return found, node
    elif isinstance(node, yaml.ScalarNode):
        if (found := size_problem(len(node.value), "text")) is not None:
            return found, node
        if node.tag in _NUMBER_TAGS and (found := number_too_long(node.value)) is not None:
            return found, node
    return None


_JSON_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object: duplicate keys refused; a text that is exactly a real YYYY-MM-DD day read as a date.

    JSON has no dates, so a date is written as text; YAML reads the same value, unquoted,
    as a date. A day that does not exist (2026-02-30) stays text, for its reader to name.
    """
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _JsonDuplicate(key)
        out[key] = _json_value(value)
    return out


def _json_value(value: Any) -> Any:
    if isinstance(value, str) and _JSON_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    return value


class _JsonDuplicate(ValueError):  # noqa: N818 - internal carrier
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def _refuse_constant(name: str) -> Any:
    raise CodedValueError(Message("json.constant", {"name": name}))


def _json_int(text: str) -> int:
    if (found := number_too_long(text)) is not None:
        raise CodedValueError(found)
    return int(text)


def _json_float(text: str) -> float:
    if (found := number_too_long(text)) is not None:
        raise CodedValueError(found)
    value = float(text)
    if value in (float("inf"), float("-inf")):  # 1e400: JSON allows it, no reader can use it
        raise CodedValueError(Message("json.constant", {"name": text}))
    return value


def _parse_json(text: str, file: str) -> Located:
    """Parse a JSON document strictly, with the lines of its keys and items (from the YAML composer)."""
    try:
        data = json.loads(
            text,
            object_pairs_hook=_json_pairs,
            parse_constant=_refuse_constant,
            parse_int=_json_int,
            parse_float=_json_float,
        )
    except json.JSONDecodeError as err:
        code = "json.trailing_comma" if trailing_comma(text, err.pos) else "json.malformed"
        message = Message(code, {"detail": err.msg, "column": err.colno})
        raise YamlProblem(Problem(message, file=file, line=err.lineno, kind="json")) from err
    except _JsonDuplicate as err:
        line = _line_of_key(text, err.key)
        raise YamlProblem(
            Problem(Message("key.duplicate", {"key": err.key}), file=file, line=line, kind="json")
        ) from err
    except RecursionError as err:
        raise YamlProblem(Problem(_TOO_DEEP, file=file, kind="limit")) from err
    except CodedValueError as err:  # NaN, Infinity, a number of too many digits
        raise YamlProblem(Problem(err.message, file=file, kind="json")) from err
    if (exceeded := check_data(data)) is not None:
        raise YamlProblem(Problem(exceeded.message, format_path(exceeded.path), file=file, kind="limit"))
    data = _json_value(data)
    lines: dict[Path_, int] = {}
    try:
        node = yaml.compose(text, Loader=_Composer)
        if node is not None:
            _collect_lines(node, (), lines)
    except (yaml.YAMLError, RecursionError):
        lines = {(): 1}  # valid JSON the YAML composer cannot read: problems point at the file
    return Located(data, lines, file)


class JsonLimitError(Exception):
    """A JSON text passes one of the readers' limits; `problem` names it."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem)


def load_json(text: str | bytes) -> Any:
    """A JSON text as data, parsed once and within the readers' limits (depth, sizes, digits of a number).

    For readers that parse JSON themselves (the HTTP service, the FHIR command, the event
    log): Python's own parser stops with RecursionError near depth 1,000 and with "Exceeds
    the limit" past 4,300 digits; this names the limit first (`JsonLimitError`), in the one
    wording of every reader. Text that is not JSON raises `json.loads`'s own `ValueError`.
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode(json.detect_encoding(text), "surrogatepass")  # as json.loads decodes bytes
    if (large := too_long(text)) is not None:
        raise JsonLimitError(Problem(large, kind="limit"))
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_int=_json_int, parse_float=_json_float)
    except RecursionError:
        raise JsonLimitError(Problem(_TOO_DEEP, kind="limit")) from None
    except CodedValueError as err:
        raise JsonLimitError(Problem(err.message, kind="limit")) from None
    if (exceeded := check_data(data)) is not None:
        raise JsonLimitError(Problem(exceeded.message, format_path(exceeded.path), kind="limit"))
    return data


def trailing_comma(text: str, pos: int) -> bool:
    """Whether JSON decoding stopped at `pos` for a comma before a closing bracket (`[1, 2,]`).

    Python up to 3.12 stops after the comma, 3.13 at it ("Illegal trailing comma ..."): both
    are recognised, so the message is the same on every Python.
    """
    before, after = text[:pos].rstrip(), text[pos:].lstrip()
    return before.endswith(",") or (after.startswith(",") and after[1:].lstrip()[:1] in ("]", "}"))


def json_limit_problem(text: str | bytes) -> Problem | None:
    """The limit a JSON text passes, None when it is within them or is not JSON (see `load_json`)."""
    try:
        load_json(text)
    except JsonLimitError as err:
        return err.problem
    except ValueError:  # not JSON: the reader's own decoder names it
        return None
    return None


def _line_of_key(text: str, key: str) -> int | None:
    """The line where `key` is written as an object key the second time (for a duplicate)."""
    found = list(re.finditer(re.escape(json.dumps(key)) + r"\s*:", text))
    at = found[1] if len(found) > 1 else (found[0] if found else None)
    return text.count("\n", 0, at.start()) + 1 if at is not None else None


def read_yaml(path: Path) -> Located:
    """Read and parse a YAML file strictly."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise YamlProblem(
            Problem(Message("io.unreadable", {"reason": file_reason(err)}), file=str(path), kind="io")
        ) from err
    return parse_yaml(text, str(path))


class YamlProblem(Exception):  # noqa: N818 - internal carrier, never escapes the package
    """Carries one `Problem` out of the YAML layer."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem)
