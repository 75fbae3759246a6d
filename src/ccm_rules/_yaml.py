"""Strict YAML reading: duplicate keys refused, and every node's line kept for messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ._errors import Problem

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
                f"duplicate key {key!r} (first at line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


def _checked_timestamp(loader: _StrictConstructor, node: yaml.ScalarNode) -> Any:
    """A YAML date or time that does not exist (month 13, 30 February) is an error at its line."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as err:
        raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is not a valid date: {err}", node.start_mark) from err


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
    """Parse one YAML document strictly; raise `YamlProblem` with file and line on failure."""
    try:
        node = yaml.compose(text, Loader=_Composer)
        data = _StrictConstructor().construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(str(part) for part in (err.context, err.problem) if part)
        if "maximum nesting depth" in message:  # PyYAML >= 6.0.3 bounds nesting itself
            message = "nested too deeply"
        raise YamlProblem(Problem(f"malformed YAML: {message}", file=file, line=line, kind="yaml")) from err
    except yaml.YAMLError as err:
        raise YamlProblem(Problem(f"malformed YAML: {err}", file=file, kind="yaml")) from err
    except RecursionError as err:
        raise YamlProblem(Problem("malformed YAML: nested too deeply", file=file, kind="yaml")) from err
    lines: dict[Path_, int] = {}
    if node is not None:
        try:
            _collect_lines(node, (), lines)
        except RecursionError as err:
            raise YamlProblem(Problem("malformed YAML: nested too deeply or an alias refers to itself", file=file, kind="yaml")) from err
    return Located(data, lines, file)


def read_yaml(path: Path) -> Located:
    """Read and parse a YAML file strictly."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise YamlProblem(Problem(f"cannot read file: {err}", file=str(path), kind="io")) from err
    return parse_yaml(text, str(path))


class YamlProblem(Exception):  # noqa: N818 - internal carrier, never escapes the package
    """Carries one `Problem` out of the YAML layer."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem)
