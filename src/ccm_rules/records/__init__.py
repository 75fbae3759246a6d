"""Labour-market case records (seed 002): the code register, plans, case and service logs, follow-up.

Pure data and checks, no database: the records are attrs classes (`Meeting`, `ServiceEvent`,
`Plan`, …) read strictly from JSON, JSON Lines or CSV (`read_records`), checked before they
may enter a log (`check_records`), and described by JSON Schemas (`record_schemas`). The
store that keeps them append-only is an adapter (`ccm_rules_adapters.storage`).
"""

from ..engine import Area, register_area
from ._checks import FUTURE_OK, Existing, check_records, identity_in_text
from ._convert import (
    IDENTITY_KEYS,
    RecordError,
    class_schema,
    code_problem,
    converter,
    csv_row,
    entry_id,
    is_identity_key,
    record_schemas,
    structure_record,
    structure_register_entry,
    unstructure_record,
)
from ._duties import DUTIES, MAX_CLIENTS, MAX_MINUTES_PER_WEEK, DutyFinding, check_duties
from ._events import monitoring_events
from ._models import (
    KINDS,
    LOG_KINDS,
    Closure,
    Declaration,
    Enrolment,
    Feedback,
    FollowUp,
    Identity,
    LogRecord,
    Measure,
    MeasureResult,
    Meeting,
    Plan,
    Record,
    RegisterEntry,
    ServiceEvent,
    ServiceIssue,
    SurveyResponse,
)
from ._read import (
    SUFFIXES,
    Located,
    current,
    located,
    parse_csv,
    parse_json,
    parse_jsonl,
    read_file,
    read_records,
    tables,
)

AREA = register_area(
    Area(
        name="records",
        title="Labour-market case records (seed 002 §8.2): code register, plans, case and service logs",
    )
)
"""This area, as the engine's registry knows it (entry point `ccm_rules.areas`)."""

__all__ = [
    "AREA",
    "DUTIES",
    "FUTURE_OK",
    "IDENTITY_KEYS",
    "KINDS",
    "LOG_KINDS",
    "MAX_CLIENTS",
    "MAX_MINUTES_PER_WEEK",
    "SUFFIXES",
    "Closure",
    "Declaration",
    "DutyFinding",
    "Enrolment",
    "Existing",
    "Feedback",
    "FollowUp",
    "Identity",
    "Located",
    "LogRecord",
    "Measure",
    "MeasureResult",
    "Meeting",
    "Plan",
    "Record",
    "RecordError",
    "RegisterEntry",
    "ServiceEvent",
    "ServiceIssue",
    "SurveyResponse",
    "check_duties",
    "check_records",
    "class_schema",
    "code_problem",
    "converter",
    "csv_row",
    "current",
    "entry_id",
    "identity_in_text",
    "is_identity_key",
    "located",
    "monitoring_events",
    "parse_csv",
    "parse_json",
    "parse_jsonl",
    "read_file",
    "read_records",
    "record_schemas",
    "structure_record",
    "structure_register_entry",
    "tables",
    "unstructure_record",
]
