"""Goals, individual plans and case and family conferences: SMART goals, plan completeness, conference duties."""

from ..engine import Area, register_area
from ._conference import (
    Conference,
    ConferenceAssessment,
    FamilyConference,
    agenda_steps,
    assess_conference_document,
    assess_family_conference_document,
    facilitator_duties,
)
from ._goals import (
    LIMITS,
    Duration,
    DurationUnit,
    Goal,
    GoalAssessment,
    assess_goal,
    locate_goal_errors,
    read_goal_file,
)
from ._goals_spec import GoalChecklistSpec, GoalLexiconSpec
from ._plan import CADENCE, Document, Plan, PlanAssessment, assess_plan_document, next_review, read_document

AREA = register_area(
    Area(
        name="goals",
        title="SMART goals, individual plans, case and family conferences",
        kinds={"goal_lexicon": GoalLexiconSpec, "goal_checklist": GoalChecklistSpec},
    )
)
"""This area, as the engine's registry knows it (entry point `ccm_rules.areas`)."""

__all__ = [
    "AREA",
    "CADENCE",
    "LIMITS",
    "Conference",
    "ConferenceAssessment",
    "Document",
    "Duration",
    "DurationUnit",
    "FamilyConference",
    "Goal",
    "GoalAssessment",
    "Plan",
    "PlanAssessment",
    "agenda_steps",
    "assess_conference_document",
    "assess_family_conference_document",
    "assess_goal",
    "assess_plan_document",
    "facilitator_duties",
    "locate_goal_errors",
    "next_review",
    "read_document",
    "read_goal_file",
]
