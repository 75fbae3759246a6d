"""JSON of any result: `to_json_data`, `to_json` and, back, `from_json_data`.

They use the decisions converter of `_convert` (dates as ISO text, enums as their values,
tuples as lists), so the data is what the CLI's `--format json` and the HTTP service print.
"""

from __future__ import annotations

import enum
import functools
import json
from typing import Any, TypeVar

import cattrs

from ._convert import make_converter

T = TypeVar("T")


@functools.cache
def _converter() -> cattrs.Converter:
    # One private converter: never handed out, so no caller can change it.
    conv = make_converter()
    conv.register_unstructure_hook(enum.StrEnum, _enum_value)  # before `str` in a StrEnum's MRO
    conv.register_unstructure_hook(enum.Enum, _enum_value)
    return conv


def _enum_value(member: enum.Enum) -> Any:
    return member.value


def _plain(value: Any) -> Any:
    """Tuples (kept by cattrs where a field is typed as a fixed tuple) as lists, all the way down."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


def to_json_data(obj: Any) -> Any:
    """Plain JSON-ready data (dicts, lists, text, numbers, booleans, None) of a result or explanation.

    Works for every result, decision and explanation the package returns (`Decision`,
    `Explanation`, `ReadinessResult`, `TeamModelRecommendation`, `FidelityResult`, …).

    >>> import datetime, json
    >>> import ccm_rules
    >>> d = ccm_rules.assess_eligibility({"referral_only": True, "ongoing_coordination_needed": False}, as_of=datetime.date(2026, 11, 1))
    >>> data = ccm_rules.to_json_data(d)
    >>> data["outcome"], data["as_of"], data["criteria"][3]["id"], data["criteria"][3]["status"]
    ('undetermined', '2026-11-01', 'E4', 'not_met')
    >>> json.loads(json.dumps(data)) == data
    True
    """
    return _plain(_converter().unstructure(obj))


def to_json(obj: Any, *, indent: int | None = 2) -> str:
    """`to_json_data(obj)` as JSON text (UTF-8 kept readable: `ensure_ascii=False`).

    >>> import ccm_rules
    >>> print(ccm_rules.to_json(ccm_rules.PackInfo("ccm-core", "0.1.0", "sha256:0"), indent=None))
    {"id": "ccm-core", "version": "0.1.0", "content_hash": "sha256:0", "parts": []}
    """
    return json.dumps(to_json_data(obj), ensure_ascii=False, indent=indent)


def from_json_data(data: Any, cls: type[T]) -> T:
    """The result `to_json_data` made `data` from, back as a `cls` (e.g. `ccm_rules.Decision`).

    >>> import ccm_rules
    >>> d = ccm_rules.assess_eligibility({"referral_only": True, "ongoing_coordination_needed": False})
    >>> ccm_rules.from_json_data(ccm_rules.to_json_data(d), ccm_rules.Decision) == d
    True
    """
    return _converter().structure(data, cls)
