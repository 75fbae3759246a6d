"""Rule-file kinds of regional rollout readiness (seed 000): the key-factor catalogue, the
rollout plan (variants, factor selection, phases, success lessons) and survey instruments.

The pack loader structures these strictly, checks every translation and source, and
`pack.documents(kind)` returns them; `_readiness` evaluates a region against them.
"""

from __future__ import annotations

from typing import Literal

import attrs

from ..engine import Source, Texts

Approach = Literal["pioneer", "attention", "experience"]


@attrs.frozen
class FactorItemSpec:
    """One Pioneer, Attention or Experience bullet of a key factor, cited to its seed line.

    `lead_in` marks a bullet that only introduces its sub-bullets and is not answered on
    its own; `parent` names the bullet a sub-bullet belongs to.
    """

    id: str
    text: Texts
    source: Source
    parent: str | None = None
    lead_in: bool = False
    from_heading: bool = False


@attrs.frozen
class ApproachSpec:
    """How the seed looks at each factor: Pioneer (what it means), Attention (risks), Experience."""

    code: str
    title: Texts
    meaning: Texts
    source: Source


@attrs.frozen
class FactorSpec:
    """One of the 9 key factors with its three lists of items."""

    id: str
    key: str
    title: Texts
    short_title: Texts
    description: Texts
    source: Source
    pioneer: list[FactorItemSpec]
    attention: list[FactorItemSpec] = attrs.Factory(list)
    experience: list[FactorItemSpec] = attrs.Factory(list)
    headings: dict[str, Texts] = attrs.Factory(dict)


@attrs.frozen
class FactorCatalogueSpec:
    """The key-factor catalogue (`kind: readiness_factors`)."""

    kind: Literal["readiness_factors"]
    id: str
    title: Texts
    source: Source
    approaches: dict[str, ApproachSpec]
    factors: list[FactorSpec]
    description: Texts | None = None


@attrs.frozen
class StartingQuestionSpec:
    """A question about the region's starting situation, and the region-file field it fills."""

    id: str
    field: str
    text: Texts
    source: Source


@attrs.frozen
class VariantSpec:
    """The minimum or maximum rollout variant: whom it suits and which factors it considers."""

    id: Literal["minimum", "maximum"]
    title: Texts
    description: Texts
    considers: Literal["all", "selected"]
    source: Source


@attrs.frozen
class SelectionReasonSpec:
    """Why a factor is selected for the minimum variant (a label and its justification)."""

    label: Texts
    source: Source


@attrs.frozen
class PhaseSpec:
    """A rollout phase and the factors it emphasises; `order` is empty for the all-phases band."""

    id: str
    title: Texts
    text: Texts
    emphasis: list[str]
    source: Source
    order: int | None = None


@attrs.frozen
class LessonSpec:
    """One of the five success lessons, and the criteria of ruleset `readiness_lessons` that check it."""

    id: str
    title: Texts
    text: Texts
    criteria: list[str]
    source: Source


@attrs.frozen
class RolloutPlanSpec:
    """Variants, minimum-variant factor selection, phases and success lessons (`kind: readiness_plan`).

    `sensitisation` is the step the phase plan opens with when the people involved must
    first be sensitised (decided by ruleset `readiness_phases`, not by the variant).
    """

    kind: Literal["readiness_plan"]
    id: str
    title: Texts
    source: Source
    starting_situation_intro: Texts
    starting_situation: list[StartingQuestionSpec]
    variants_intro: Texts
    variants: list[VariantSpec]
    undetermined_variant: Texts
    undetermined_plan_as: Literal["minimum", "maximum"]
    undetermined_source: Source
    selection: dict[str, SelectionReasonSpec]
    phases_intro: Texts
    phases: list[PhaseSpec]
    lessons_intro: Texts
    lessons: list[LessonSpec]
    sensitisation: PhaseSpec | None = None


@attrs.frozen
class SurveySubscaleSpec:
    """A subscale of a survey instrument: the item numbers whose mean it reports."""

    id: str
    title: Texts
    items: list[int]


@attrs.frozen
class SurveyInstrumentSpec:
    """A published survey (e.g. ORIC): response range and subscales; item texts only where verified."""

    kind: Literal["readiness_survey"]
    id: str
    title: Texts
    source: Source
    description: Texts
    min_response: int
    max_response: int
    items: int
    subscales: list[SurveySubscaleSpec]
    verdict_note: Texts
