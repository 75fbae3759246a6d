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
    "Explanation",
    "FactUse",
    "FactsError",
    "InputFileError",
    "ItemResult",
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
    "check_pack",
    "decide",
    "default_rules_dir",
    "explain",
    "render_text",
]
