"""Team model: individual or team CM, ACT vs ICM, key worker, caseload and meeting cadence (seeds 003, 004)."""

from ..engine import Area, register_area
from ._caseload import (
    FTE_RANGE,
    MAX_CLIENTS,
    MAX_HOURS_PER_WEEK,
    CaseloadResult,
    check_caseload,
    locate_team_errors,
    read_team,
    render_caseload_text,
)
from ._team_model import (
    ProgramNeeds,
    TeamAxes,
    TeamModelExplanation,
    TeamModelRecommendation,
    explain_team_model,
    recommend_team_model,
    render_team_model_text,
    team_fact_specs,
    team_model_doc,
    team_rulesets,
)
from ._team_spec import TeamModelDoc

AREA = register_area(
    Area(
        name="team",
        title="Team model, caseload and meeting cadence (seeds 003, 004)",
        kinds={"team_model": TeamModelDoc},
        pack_checks={"team_model": team_model_doc},
    )
)
"""This area, as the engine's registry knows it (entry point `ccm_rules.areas`)."""

__all__ = [
    "AREA",
    "FTE_RANGE",
    "MAX_CLIENTS",
    "MAX_HOURS_PER_WEEK",
    "CaseloadResult",
    "ProgramNeeds",
    "TeamAxes",
    "TeamModelExplanation",
    "TeamModelRecommendation",
    "check_caseload",
    "explain_team_model",
    "locate_team_errors",
    "read_team",
    "recommend_team_model",
    "render_caseload_text",
    "render_team_model_text",
    "team_fact_specs",
    "team_model_doc",
    "team_rulesets",
]
