"""ccm_rules: explained, three-valued decision support for Case and Care Management."""

from ._cadence import ReviewStatus, meeting_dates, next_meeting, review_status
from ._caseload import CaseloadResult, check_caseload
from ._citations import citation_drift
from ._conference import (
    Conference,
    ConferenceAssessment,
    FamilyConference,
    assess_conference_document,
    assess_family_conference_document,
)
from ._dacts import FidelityResult, explain_dacts, render_dacts_text, score_dacts
from ._decision import (
    CriterionResult,
    Decision,
    FactUse,
    ItemResult,
    Outcome,
    PackInfo,
    ParamUse,
    Question,
    Status,
    TraceNode,
)
from ._eligibility import EligibilityFacts, LabourMarketFacts, assess_eligibility, assess_labour_market, default_pack
from ._errors import (
    CcmRulesError,
    FactsError,
    InputFileError,
    PackMismatchError,
    ParameterNotInForceError,
    Problem,
    ProblemsError,
    RulePackError,
    UnknownLanguageError,
)
from ._evaluate import decide, open_questions
from ._explain import CriterionExplanation, Explanation, explain, render_text
from ._goals import Duration, Goal, GoalAssessment, assess_goal, read_goal_file
from ._json import from_json_data, to_json, to_json_data
from ._messages import format_text
from ._monitoring import Alert, Event, Monitoring, PythonMonitor, alert_message, iter_events, read_events
from ._pack import ParameterSet, RulePack, Ruleset, check_pack, default_rules_dir
from ._plan import Document, Plan, PlanAssessment, assess_plan_document, next_review, read_document
from ._problem_texts import Message
from ._readiness import FactorScore, ReadinessResult, assess_readiness
from ._readiness_explain import ReadinessExplanation, explain_readiness, render_readiness_text
from ._readiness_region import Region, parse_region, read_region
from ._rulebook import RuleBook, rule_book
from ._team_model import (
    ProgramNeeds,
    TeamAxes,
    TeamModelRecommendation,
    explain_team_model,
    recommend_team_model,
    render_team_model_text,
)
from ._truth import Truth

__all__ = [
    "Alert",
    "CaseloadResult",
    "CcmRulesError",
    "Conference",
    "ConferenceAssessment",
    "CriterionExplanation",
    "CriterionResult",
    "Decision",
    "Document",
    "Duration",
    "EligibilityFacts",
    "Event",
    "Explanation",
    "FactUse",
    "FactorScore",
    "FactsError",
    "FamilyConference",
    "FidelityResult",
    "Goal",
    "GoalAssessment",
    "InputFileError",
    "ItemResult",
    "LabourMarketFacts",
    "Message",
    "Monitoring",
    "Outcome",
    "PackInfo",
    "PackMismatchError",
    "ParamUse",
    "ParameterNotInForceError",
    "ParameterSet",
    "Plan",
    "PlanAssessment",
    "Problem",
    "ProblemsError",
    "ProgramNeeds",
    "PythonMonitor",
    "Question",
    "ReadinessExplanation",
    "ReadinessResult",
    "Region",
    "ReviewStatus",
    "RuleBook",
    "RulePack",
    "RulePackError",
    "Ruleset",
    "Status",
    "TeamAxes",
    "TeamModelRecommendation",
    "TraceNode",
    "Truth",
    "UnknownLanguageError",
    "alert_message",
    "assess_conference_document",
    "assess_eligibility",
    "assess_family_conference_document",
    "assess_goal",
    "assess_labour_market",
    "assess_plan_document",
    "assess_readiness",
    "check_caseload",
    "check_pack",
    "citation_drift",
    "decide",
    "default_pack",
    "default_rules_dir",
    "explain",
    "explain_dacts",
    "explain_readiness",
    "explain_team_model",
    "format_text",
    "from_json_data",
    "iter_events",
    "meeting_dates",
    "next_meeting",
    "next_review",
    "open_questions",
    "parse_region",
    "read_document",
    "read_events",
    "read_goal_file",
    "read_region",
    "recommend_team_model",
    "render_dacts_text",
    "render_readiness_text",
    "render_team_model_text",
    "render_text",
    "review_status",
    "rule_book",
    "score_dacts",
    "to_json",
    "to_json_data",
]
