"""The rule engine: rule packs, conditions, facts, evaluation, decisions, explanations, messages.

Everything an area package builds on, and nothing about any one area. Areas import from
here only (never from the private modules below), and the engine imports no area: an area
registers its rule-file kinds and pack checks through `register_area`.
"""

from ._areas import ENTRY_POINT_GROUP, Area, areas, load_installed_areas, register_area
from ._cadence import (
    CADENCES,
    MAX_INTERVAL_DAYS,
    PARAMETERS,
    AgreedDue,
    ReviewAgreement,
    ReviewStatus,
    meeting_dates,
    next_meeting,
    next_meeting_in_phase,
    review_status,
)
from ._casefile import locate_fact_errors, read_case
from ._citations import citation_drift
from ._convert import cattrs_problems, facts_mapping, make_converter, make_spec_converter
from ._dates import date_field_message, date_message, iso_date
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
from ._deprecation import moved_to_keywords
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
from ._explain import (
    CriterionExplanation,
    Explanation,
    check_explainable,
    cite,
    criterion_lines,
    explain,
    question_text,
    render_text,
    shipped_pack_if_none,
    source_ref,
    unknown_value,
)
from ._facts import validate_facts
from ._hours import ClientWeek, WeekTally, client_weeks_over, crossed, exact, week_of
from ._json import from_json_data, to_json, to_json_data
from ._limits import size_problem
from ._messages import format_number, format_text
from ._pack import Parameter, ParameterSet, RulePack, Ruleset, check_pack, default_pack, default_rules_dir
from ._problem_texts import LANGUAGES, CodedValueError, Message, Translated, describe, file_reason, say, text_in
from ._rulebook import BookChapter, BookCondition, BookParameter, BookRule, BookSource, RuleBook, rule_book
from ._spec import FactSpec, ParameterSpec, ParameterValue, Source, Texts, register_kind, register_pack_check
from ._truth import Truth
from ._vocabulary import Vocabulary
from ._yaml import JsonLimitError, Located, Path_, YamlProblem, format_path, json_limit_problem, load_json, parse_yaml

__all__ = [
    "CADENCES",
    "ENTRY_POINT_GROUP",
    "LANGUAGES",
    "MAX_INTERVAL_DAYS",
    "PARAMETERS",
    "AgreedDue",
    "Area",
    "BookChapter",
    "BookCondition",
    "BookParameter",
    "BookRule",
    "BookSource",
    "CcmRulesError",
    "ClientWeek",
    "CodedValueError",
    "CriterionExplanation",
    "CriterionResult",
    "Decision",
    "Explanation",
    "FactSpec",
    "FactUse",
    "FactsError",
    "InputFileError",
    "ItemResult",
    "JsonLimitError",
    "Located",
    "Message",
    "Outcome",
    "PackInfo",
    "PackMismatchError",
    "ParamUse",
    "Parameter",
    "ParameterNotInForceError",
    "ParameterSet",
    "ParameterSpec",
    "ParameterValue",
    "Path_",
    "Problem",
    "ProblemsError",
    "Question",
    "ReviewAgreement",
    "ReviewStatus",
    "RuleBook",
    "RulePack",
    "RulePackError",
    "Ruleset",
    "Source",
    "Status",
    "Texts",
    "TraceNode",
    "Translated",
    "Truth",
    "UnknownLanguageError",
    "Vocabulary",
    "WeekTally",
    "YamlProblem",
    "areas",
    "cattrs_problems",
    "check_explainable",
    "check_pack",
    "citation_drift",
    "cite",
    "client_weeks_over",
    "criterion_lines",
    "crossed",
    "date_field_message",
    "date_message",
    "decide",
    "default_pack",
    "default_rules_dir",
    "describe",
    "exact",
    "explain",
    "facts_mapping",
    "file_reason",
    "format_path",
    "format_number",
    "format_text",
    "from_json_data",
    "iso_date",
    "json_limit_problem",
    "load_installed_areas",
    "load_json",
    "locate_fact_errors",
    "make_converter",
    "make_spec_converter",
    "meeting_dates",
    "moved_to_keywords",
    "next_meeting",
    "next_meeting_in_phase",
    "open_questions",
    "parse_yaml",
    "question_text",
    "read_case",
    "register_area",
    "register_kind",
    "register_pack_check",
    "render_text",
    "review_status",
    "rule_book",
    "say",
    "shipped_pack_if_none",
    "size_problem",
    "source_ref",
    "text_in",
    "to_json",
    "to_json_data",
    "unknown_value",
    "validate_facts",
    "week_of",
]
