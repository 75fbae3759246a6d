"""The shapes of rule-pack files, as attrs classes that cattrs structures strictly.

These are what domain experts write in YAML under `rules/`; the loader refuses unknown
keys, so a typo is an error, not a silently ignored line.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Literal, NewType

import attrs

Texts = NewType("Texts", dict[str, str])
"""A text in every shipped language: language code → text."""

Role = Literal["required", "gate", "informative"]
FactType = Literal["boolean", "integer", "number", "enum", "date", "domain_statuses"]
ParamType = Literal["integer", "number", "boolean", "string", "codes"]

PROJECT_POLICY = "project policy"


@attrs.frozen
class Source:
    """Where a rule comes from: `<seed file> §<section>`, a publication, or project policy."""

    ref: str
    quote: str | None = None
    rationale: str | None = None


@attrs.frozen
class ParameterValue:
    """One value of a parameter and the dates it is valid for (`until` is inclusive)."""

    value: Any
    valid_from: datetime.date
    valid_until: datetime.date | None = None
    source: Source | None = None


@attrs.frozen
class ParameterSpec:
    """A threshold or list that rules refer to by name, with its dated values and why."""

    type: ParamType
    description: Texts
    rationale: str
    values: list[ParameterValue]
    unit: str | None = None
    vocabulary: str | None = None


@attrs.frozen
class FactSpec:
    """A fact a ruleset may ask about: its type, range and the question that settles it."""

    type: FactType
    label: Texts
    question: Texts
    min: float | None = None
    max: float | None = None
    values: list[str] | None = None
    value_labels: dict[str, Texts] | None = None
    vocabulary: str | None = None


@attrs.frozen
class CriterionSpec:
    """One rule: its condition and its explanation when met, not met or unknown.

    `role` says what a criterion that is not met does to the outcome: `required` makes
    it *not eligible*, `gate` makes it *undetermined* (e.g. an assessment still to
    do), `informative` leaves it unchanged.

    `provisional` (gates only) names the facts read from the assessment the gate
    checks: until the gate is met, a fuller assessment could change them, so a
    required criterion refuses only if it stays not met without them (seed 001 §2).
    """

    id: str
    title: Texts
    source: Source
    role: Role
    condition: Any
    met: Texts
    not_met: Texts
    unknown: Texts
    provisional: list[str] = attrs.Factory(list)


@attrs.frozen
class RulesetSpec:
    """A set of criteria deciding one question, with its facts and parameters."""

    kind: Literal["ruleset"]
    id: str
    title: Texts
    source: Source
    facts: dict[str, FactSpec]
    criteria: list[CriterionSpec]
    outcomes: dict[str, Texts]
    parameters: dict[str, ParameterSpec] = attrs.Factory(dict)
    description: Texts | None = None


@attrs.frozen
class ParameterSetSpec:
    """Parameters shared by several decisions (e.g. caseload norms, meeting cadence), with no criteria."""

    kind: Literal["parameters"]
    id: str
    title: Texts
    source: Source
    parameters: dict[str, ParameterSpec]
    description: Texts | None = None


@attrs.frozen
class StatusSpec:
    """A per-domain assessment status and what it means for need and coverage."""

    label: Texts
    need: bool | None
    assessed: bool
    codes: dict[str, str] = attrs.Factory(dict)


@attrs.frozen
class DomainSpec:
    """One life domain of the controlled vocabulary, mapped to published instruments."""

    code: str
    label: Texts
    group: str
    source: Source
    maps_to: dict[str, list[str]] = attrs.Factory(dict)


@attrs.frozen
class VocabularySpec:
    """A controlled vocabulary of life domains and their assessment statuses."""

    kind: Literal["vocabulary"]
    id: str
    title: Texts
    source: Source
    default_status: str
    statuses: dict[str, StatusSpec]
    groups: dict[str, Texts]
    domains: list[DomainSpec]
    instruments: dict[str, Source] = attrs.Factory(dict)


@attrs.frozen
class PackBase:
    """The pack an extension pack extends: its id and the base versions it fits (e.g. `>=0.2.0,<0.3.0`)."""

    id: str
    version: str


@attrs.frozen
class PackSpec:
    """The manifest of a rule pack: id, version and shipped languages.

    An extension pack (a region's own parameters, texts and rules, docs/regional-packs.md)
    also names the pack it `extends` and the `source` its adaptation rests on.
    """

    kind: Literal["pack"]
    id: str
    version: str
    title: Texts
    languages: list[str]
    description: Texts | None = None
    extends: PackBase | None = None
    source: Source | None = None


@attrs.frozen
class TextsSpec:
    """Labels shared by every ruleset (outcome names, headings), in every language."""

    kind: Literal["texts"]
    texts: dict[str, Texts]


SPEC_KINDS: dict[str, type] = {  # extended by register_kind()
    "pack": PackSpec,
    "ruleset": RulesetSpec,
    "vocabulary": VocabularySpec,
    "texts": TextsSpec,
    "parameters": ParameterSetSpec,
}

RENAMES: dict[type, dict[str, str]] = {ParameterValue: {"valid_from": "from", "valid_until": "until"}}
"""Python field → YAML key, where the natural YAML word is a Python keyword."""


def register_kind(kind: str, cls: type) -> None:
    """Let a domain module add a rule-file kind (an attrs class with a `kind` field).

    The loader then structures such files strictly, checks their translations and
    sources like any other, and `RulePack.documents(kind)` returns them.
    """
    known = SPEC_KINDS.get(kind)
    if known is not None and known is not cls:
        raise ValueError(f"rule-file kind {kind!r} is already registered to {known.__name__}")
    SPEC_KINDS[kind] = cls


PACK_CHECKS: dict[str, Callable[[Any], object]] = {}
"""Per rule-file kind, a check of its documents against the whole loaded pack."""


def register_pack_check(kind: str, check: Callable[[Any], object]) -> None:
    """Let a domain module check its documents against the loaded pack (e.g. 28 DACTS items).

    `check(pack)` raises `RulePackError` listing every problem; `rules check` (`check_pack`)
    runs it whenever the pack holds documents of `kind`, so a fault shows there and not
    only when the area is first used.
    """
    PACK_CHECKS[kind] = check
