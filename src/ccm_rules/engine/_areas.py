"""The area registry: how area packages plug their rule-file kinds and pack checks into the engine.

The engine knows no area. An area package (built in or third party) describes itself as an
`Area` and registers it when imported; its distribution also names it in the
`ccm_rules.areas` entry-point group, so that loading a pack imports every installed area
first. Adding an area is its own package, its rule files and one entry-point line.
"""

from __future__ import annotations

import functools
import importlib.metadata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ._errors import Problem, RulePackError
from ._spec import register_kind, register_pack_check

ENTRY_POINT_GROUP = "ccm_rules.areas"


@attrs.frozen
class Area:
    """One area of decision support, as the engine sees it.

    `kinds` maps a rule-file `kind:` to the attrs class its files are structured into;
    `pack_checks` maps a kind to a check run over the loaded pack (it returns problems or
    raises); `rules` is a folder of the area's own rule files, merged into the pack that
    loads it (None when its files ship in the main pack's `rules/`), and `version` the
    version of those files, recorded with their hash in every decision (`PackInfo.parts`).
    """

    name: str
    title: str
    kinds: Mapping[str, type] = attrs.field(factory=dict)
    pack_checks: Mapping[str, Callable[[Any], object]] = attrs.field(factory=dict)
    rules: Path | None = None
    version: str = ""


_AREAS: dict[str, Area] = {}


def register_area(area: Area) -> Area:
    """Make an area known: its kinds and pack checks join the engine's. Idempotent per name."""
    known = _AREAS.get(area.name)
    if known is not None:
        if known != area:
            raise ValueError(f"area {area.name!r} is registered twice, differently")
        return known
    for kind, cls in area.kinds.items():
        register_kind(kind, cls)
    for kind, check in area.pack_checks.items():
        register_pack_check(kind, check)
    _AREAS[area.name] = area
    return area


def areas() -> tuple[Area, ...]:
    """Every registered area, installed ones loaded first, by name."""
    load_installed_areas()
    return tuple(_AREAS[name] for name in sorted(_AREAS))


@functools.cache
def load_installed_areas() -> None:
    """Import every area named in the `ccm_rules.areas` entry points (once per process).

    An entry point names a module or an `Area` object; importing it registers the area. An
    entry point that cannot be imported is a `RulePackError` naming it and its distribution
    (a broken plugin stops the pack from loading, with a message instead of a traceback).
    """
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        loaded = load_entry_point(entry)
        if isinstance(loaded, Area):
            register_area(loaded)


def load_entry_point(entry: importlib.metadata.EntryPoint) -> object:
    """Import what an entry point names; a failure is a `RulePackError` naming the entry point."""
    try:
        return entry.load()
    except Exception as err:  # any import failure of a plugin is reported the same way
        dist = entry.dist.name if entry.dist is not None else "unknown distribution"
        message = f"entry point {entry.name!r} of group {entry.group!r} ({entry.value}, from {dist}) cannot be loaded: {type(err).__name__}: {err}"
        raise RulePackError("an installed plugin cannot be loaded", [Problem(message, kind="io")]) from err
