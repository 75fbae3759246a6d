"""ccm_rules: explained, three-valued decision support for Case and Care Management."""

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
from ._evaluate import decide
from ._explain import CriterionExplanation, Explanation, explain, render_text
from ._pack import RulePack, Ruleset, check_pack, default_rules_dir
from ._truth import Truth

__all__ = [
    "CcmRulesError",
    "CriterionExplanation",
    "CriterionResult",
    "Decision",
    "EligibilityFacts",
    "Explanation",
    "FactUse",
    "FactsError",
    "InputFileError",
    "ItemResult",
    "LabourMarketFacts",
    "Outcome",
    "PackInfo",
    "PackMismatchError",
    "ParamUse",
    "ParameterNotInForceError",
    "Problem",
    "ProblemsError",
    "Question",
    "RulePack",
    "RulePackError",
    "Ruleset",
    "Status",
    "TraceNode",
    "Truth",
    "UnknownLanguageError",
    "assess_eligibility",
    "assess_labour_market",
    "check_pack",
    "decide",
    "default_pack",
    "default_rules_dir",
    "explain",
    "render_text",
]
