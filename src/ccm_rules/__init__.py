"""ccm_rules: explained, three-valued decision support for Case and Care Management.

The main entry points are re-exported here. Everything else lives in its package:
`ccm_rules.engine` (rule packs, evaluation, decisions, explanations) and one package per
area — `eligibility`, `team`, `readiness`, `goals`, `fidelity`, `monitoring`. Names that
were importable from here before the packages existed still are, with a
`DeprecationWarning` naming their new home.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

from .eligibility import EligibilityFacts, LabourMarketFacts, assess_eligibility, assess_labour_market
from .engine import (
    CcmRulesError,
    CriterionResult,
    Decision,
    Explanation,
    FactsError,
    InputFileError,
    Message,
    Outcome,
    PackInfo,
    PackMismatchError,
    ParameterNotInForceError,
    Problem,
    ProblemsError,
    Question,
    RulePack,
    RulePackError,
    Ruleset,
    Status,
    TraceNode,
    Truth,
    UnknownLanguageError,
    decide,
    default_pack,
    explain,
    from_json_data,
    open_questions,
    render_text,
    to_json,
    to_json_data,
)
from .fidelity import explain_dacts, score_dacts
from .goals import Goal, assess_conference_document, assess_goal, assess_plan_document
from .monitoring import Monitoring, PythonMonitor
from .readiness import Region, assess_readiness, explain_readiness, read_region, render_readiness_text
from .team import (
    TeamModelRecommendation,
    check_caseload,
    explain_team_model,
    recommend_team_model,
    render_team_model_text,
)

_MOVED = {
    "CriterionExplanation": "engine",
    "FactUse": "engine",
    "ItemResult": "engine",
    "ParamUse": "engine",
    "ParameterSet": "engine",
    "ReviewStatus": "engine",
    "RuleBook": "engine",
    "check_pack": "engine",
    "citation_drift": "engine",
    "default_rules_dir": "engine",
    "format_text": "engine",
    "meeting_dates": "engine",
    "next_meeting": "engine",
    "review_status": "engine",
    "rule_book": "engine",
    "CaseloadResult": "team",
    "ProgramNeeds": "team",
    "TeamAxes": "team",
    "Conference": "goals",
    "ConferenceAssessment": "goals",
    "Document": "goals",
    "Duration": "goals",
    "FamilyConference": "goals",
    "GoalAssessment": "goals",
    "Plan": "goals",
    "PlanAssessment": "goals",
    "assess_family_conference_document": "goals",
    "next_review": "goals",
    "read_document": "goals",
    "read_goal_file": "goals",
    "FidelityResult": "fidelity",
    "render_dacts_text": "fidelity",
    "Alert": "monitoring",
    "Event": "monitoring",
    "alert_message": "monitoring",
    "iter_events": "monitoring",
    "read_events": "monitoring",
    "FactorScore": "readiness",
    "ReadinessExplanation": "readiness",
    "ReadinessResult": "readiness",
    "parse_region": "readiness",
}
"""Names that moved to an area or the engine package: still served here, with a warning."""


def __getattr__(name: str) -> Any:
    """Serve a moved name from its new package, warning once per call site."""
    home = _MOVED.get(name)
    if home is None:
        raise AttributeError(f"module 'ccm_rules' has no attribute {name!r}")
    warnings.warn(
        f"ccm_rules.{name} moved to ccm_rules.{home}.{name}; import it from there",
        DeprecationWarning,
        stacklevel=2,
    )
    return getattr(importlib.import_module(f"ccm_rules.{home}"), name)


def __dir__() -> list[str]:
    return sorted([*__all__, *_MOVED])


__all__ = [
    "CcmRulesError",
    "CriterionResult",
    "Decision",
    "EligibilityFacts",
    "Explanation",
    "FactsError",
    "Goal",
    "InputFileError",
    "LabourMarketFacts",
    "Message",
    "Monitoring",
    "Outcome",
    "PackInfo",
    "PackMismatchError",
    "ParameterNotInForceError",
    "Problem",
    "ProblemsError",
    "PythonMonitor",
    "Question",
    "Region",
    "RulePack",
    "RulePackError",
    "Ruleset",
    "Status",
    "TeamModelRecommendation",
    "TraceNode",
    "Truth",
    "UnknownLanguageError",
    "assess_conference_document",
    "assess_eligibility",
    "assess_goal",
    "assess_labour_market",
    "assess_plan_document",
    "assess_readiness",
    "check_caseload",
    "decide",
    "default_pack",
    "explain",
    "explain_dacts",
    "explain_readiness",
    "explain_team_model",
    "from_json_data",
    "open_questions",
    "read_region",
    "recommend_team_model",
    "render_readiness_text",
    "render_team_model_text",
    "render_text",
    "score_dacts",
    "to_json",
    "to_json_data",
]
