"""Rollout readiness of a region: the 9 key factors, variant, phases and lessons (seed 000)."""

from ..engine import Area, register_area
from ._readiness import FactorScore, ReadinessResult, assess_readiness
from ._readiness_explain import (
    FactorView,
    ItemView,
    LessonView,
    ReadinessExplanation,
    explain_readiness,
    render_readiness_text,
)
from ._readiness_region import (
    ANSWERS,
    INDEPENDENT_HOST,
    LESSONS_RULESET,
    LIST_FIELDS,
    SYSTEM_RULESET,
    Region,
    answer_options,
    factor_catalogue,
    parse_region,
    read_region,
    rollout_plan,
    starting_ruleset,
    survey_instrument,
    system_fields,
)
from ._readiness_spec import FactorCatalogueSpec, RolloutPlanSpec, SurveyInstrumentSpec

AREA = register_area(
    Area(
        name="readiness",
        title="Rollout readiness of a region (seed 000)",
        kinds={
            "readiness_factors": FactorCatalogueSpec,
            "readiness_plan": RolloutPlanSpec,
            "readiness_survey": SurveyInstrumentSpec,
        },
    )
)
"""This area, as the engine's registry knows it (entry point `ccm_rules.areas`)."""

__all__ = [
    "ANSWERS",
    "AREA",
    "INDEPENDENT_HOST",
    "LESSONS_RULESET",
    "LIST_FIELDS",
    "SYSTEM_RULESET",
    "FactorScore",
    "FactorView",
    "ItemView",
    "LessonView",
    "ReadinessExplanation",
    "ReadinessResult",
    "Region",
    "answer_options",
    "assess_readiness",
    "explain_readiness",
    "factor_catalogue",
    "parse_region",
    "read_region",
    "render_readiness_text",
    "rollout_plan",
    "starting_ruleset",
    "survey_instrument",
    "system_fields",
]
