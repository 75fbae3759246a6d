"""The labour-market case records of seed 002 (§8.2, §5 item 3, §4.1, §8.1): models, readers, checks.

Example tests are built from the seed's own statements; the property tests (hypothesis) check
that every record survives JSON, JSON Lines and CSV unchanged and that the readers are total:
any input gives records or a `RecordError` naming a field, never another exception.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import string
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccm_rules.engine import areas
from ccm_rules.records import (
    KINDS,
    Closure,
    Existing,
    FollowUp,
    Located,
    Measure,
    Meeting,
    Plan,
    RecordError,
    ServiceEvent,
    ServiceIssue,
    SurveyResponse,
    check_records,
    entry_id,
    identity_in_text,
    parse_csv,
    parse_json,
    parse_jsonl,
    read_records,
    record_schemas,
    structure_record,
    structure_register_entry,
    unstructure_record,
)

EXAMPLES = Path(__file__).parent.parent / "examples" / "records"
TODAY = datetime.date(2026, 6, 30)


def meeting(**changes: Any) -> Meeting:
    base = Meeting(
        code="K-0001",
        on=datetime.date(2026, 3, 2),
        case_manager="CM-01",
        activities=("reviewed the individual plan",),
        assessment_case_manager="motivated",
        assessment_client="useful",
        confirmed_by_case_manager=True,
        confirmed_by_client=True,
        minutes=60,
    )
    return attrs.evolve(base, **changes)


def refused(call: Any, *args: Any, **kwargs: Any) -> RecordError:
    with pytest.raises(RecordError) as info:
        call(*args, **kwargs)
    return info.value


# ---------------------------------------------------------------- the area and the models


def test_records_is_a_registered_area() -> None:
    assert "records" in [area.name for area in areas()]


def test_the_case_log_records_both_views_and_both_confirmations() -> None:
    """002 §8.2 (line 194): the activities, their assessment from the case manager's and the client's view, signed by both."""
    fields = {f.name for f in attrs.fields(Meeting)}
    assert {
        "on",
        "activities",
        "assessment_case_manager",
        "assessment_client",
        "confirmed_by_case_manager",
        "confirmed_by_client",
    } <= fields
    required = set(record_schemas()["meeting"]["required"])
    assert {"assessment_case_manager", "assessment_client", "activities", "on"} <= required


def test_the_service_log_has_progress_quantity_quality_and_the_leads_confirmation() -> None:
    """002 §8.2 (line 193): by date, progress, signed by the provider and the head and/or professional lead, quantity and quality."""
    fields = {f.name for f in attrs.fields(ServiceEvent)}
    assert {
        "on",
        "description",
        "progress",
        "quantity",
        "quality",
        "confirmed_by_provider",
        "confirmed_by_lead",
        "lead_role",
    } <= fields
    assert record_schemas()["service_event"]["properties"]["lead_role"]["anyOf"][0]["enum"] == [
        "head",
        "professional_lead",
    ]


def test_not_suitable_and_not_taken_up_need_reasons_and_next_steps() -> None:
    """002 §5 item 3 (line 98): "közösen feltárják az okokat, és a további tennivalókat"."""
    assert set(record_schemas()["service_issue"]["required"]) >= {"reasons", "next_steps", "issue"}
    issue = structure_record(
        "service_issue",
        {
            "code": "K-0001",
            "on": "2026-03-02",
            "service": "training",
            "issue": "not_taken_up",
            "reasons": ["no childcare"],
            "next_steps": ["ask the family support service"],
        },
    )
    assert isinstance(issue, ServiceIssue)
    assert "issue" in str(
        refused(
            structure_record,
            "service_issue",
            {"code": "K-0001", "on": "2026-03-02", "service": "x", "issue": "refused", "reasons": [], "next_steps": []},
        )
        .problems[0]
        .path
    )


def test_the_survey_carries_no_code() -> None:
    """002 §8.1 (line 187): every client fills in the satisfaction survey anonymously at the end of the service."""
    assert "code" not in {f.name for f in attrs.fields(SurveyResponse)}
    err = refused(
        structure_record, "survey", {"code": "K-0001", "provider": "P", "period": "2026-03", "satisfaction": 4}
    )
    assert err.problems[0].path == "$.code"


def test_a_plan_names_its_goals_so_that_impact_can_leave_them_out() -> None:
    """002 §6 (line 114): impact only "ha az egyéni tervben nem szerepelnek cél-ként"."""
    plan = structure_record(
        "plan",
        {
            "code": "K-0001",
            "on": "2026-01-05",
            "author": "labour office",
            "measures": [{"id": "M1", "description": "job-search training", "kind": "training"}],
            "goals": ["employed"],
        },
    )
    assert isinstance(plan, Plan)
    assert plan.goals == ("employed",)
    assert plan.measures == (Measure(id="M1", description="job-search training", kind="training"),)


# ---------------------------------------------------------------- strict reading: every problem, named


def test_every_problem_of_a_record_is_named_with_its_path() -> None:
    err = refused(
        structure_record,
        "meeting",
        {
            "code": "K-0001",
            "on": "2026-02-30",
            "case_manager": "CM-01",
            "activities": "talked",
            "assessment_case_manager": "",
            "assessment_client": "ok",
            "confirmed_by_client": "yes",
            "minutes": 30.5,
            "colour": "red",
        },
    )
    paths = {p.path for p in err.problems}
    assert paths == {
        "$.on",
        "$.activities",
        "$.assessment_case_manager",
        "$.confirmed_by_client",
        "$.minutes",
        "$.colour",
    }
    assert "expected one of: code, on" in next(p.text() for p in err.problems if p.path == "$.colour")


def test_a_nested_measure_problem_has_its_index() -> None:
    err = refused(
        structure_record,
        "plan",
        {
            "code": "K-0001",
            "on": "2026-01-05",
            "author": "x",
            "measures": [{"id": "M1", "description": "a"}, {"id": "M2", "kind": "holiday"}],
        },
    )
    assert {p.path for p in err.problems} == {"$.measures[1].description", "$.measures[1].kind"}


@pytest.mark.parametrize(
    "key",
    [
        "name",
        "birth_date",
        "address",
        "email",
        "taj",
        "family-name",
        "client_name",
        "place_of_birth",
        "home_address",
        "phone_number",
    ],
)
def test_identity_fields_outside_the_register_are_refused(key: str) -> None:
    """002 §8.2 (line 192): identities get a code; the further records refer to codes."""
    err = refused(structure_record, "closure", {"code": "K-0001", "on": "2026-03-02", key: "Kiss Anna"})
    (problem,) = err.problems
    assert problem.kind == "identity"
    assert problem.path == f"$.{key}"
    assert "code register" in problem.text()


def test_a_name_is_not_a_code() -> None:
    err = refused(structure_record, "closure", {"code": "Kiss Anna", "on": "2026-03-02"})
    assert [p.path for p in err.problems] == ["$.code"]


def test_the_register_entry_may_hold_an_identity() -> None:
    entry = structure_register_entry(
        {"code": "K-0001", "on": "2026-01-05", "identity": {"name": "Kiss Anna", "birth_date": "1975-04-01"}}
    )
    assert entry.identity.name == "Kiss Anna"


def test_the_jsonl_reader_names_file_line_and_field(tmp_path: Path) -> None:
    good = json.dumps(unstructure_record(meeting()))
    text = "\n".join([good, "{not json", json.dumps({**unstructure_record(meeting()), "minutes": "sixty"})])
    err = refused(parse_jsonl, text, "meeting", "meeting.jsonl")
    assert [(p.file, p.line, p.path) for p in err.problems] == [
        ("meeting.jsonl", 2, "$"),
        ("meeting.jsonl", 3, "$.minutes"),
    ]


def test_the_csv_reader_reads_cells_by_the_fields_type() -> None:
    text = "code,on,case_manager,activities,assessment_case_manager,assessment_client,confirmed_by_case_manager,confirmed_by_client,minutes\n"
    text += "K-0001,2026-03-02,CM-01,plan review; CV,motivated,useful,true,true,45\n"
    text += "K-0002,2026-03-02,CM-01,CV,ok,ok,true,,\n"
    first, second = parse_csv(text, "meeting", "meeting.csv")
    assert first.record == meeting(activities=("plan review", "CV"), minutes=45)
    assert (first.line, second.line) == (2, 3)
    assert second.record.confirmed_by_client is None  # type: ignore[union-attr]  # an empty cell is unknown, not "no"
    err = refused(parse_csv, text.replace(",45\n", ",many\n"), "meeting", "meeting.csv")
    assert [(p.line, p.path) for p in err.problems] == [(2, "$.minutes")]


def test_a_register_file_in_a_records_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "register.jsonl").write_text('{"code": "K-0001"}\n')
    err = refused(read_records, tmp_path)
    assert err.problems[0].kind == "identity"


def test_an_unknown_file_kind_is_named(tmp_path: Path) -> None:
    (tmp_path / "meetings.jsonl").write_text("")
    err = refused(read_records, tmp_path)
    assert "meetings" in err.problems[0].text()
    assert err.problems[0].file == str(tmp_path / "meetings.jsonl")


# ---------------------------------------------------------------- checks before the logs


def test_an_unconfirmed_meeting_is_refused_naming_who_did_not_confirm() -> None:
    """002 §8.2 (line 194): "az esetmenedzser és az ügyfél aláírásával hitelesíti"."""
    problems = check_records(
        [
            Located(meeting(confirmed_by_client=None)),
            Located(meeting(on=datetime.date(2026, 3, 9), confirmed_by_case_manager=False)),
        ],
        today=TODAY,
    )
    assert [(p.path, p.kind) for p in problems] == [
        ("$.confirmed_by_client", "unconfirmed"),
        ("$.confirmed_by_case_manager", "unconfirmed"),
    ]
    assert "not recorded" in problems[0].text()


def test_a_future_date_is_refused_but_a_due_date_may_lie_ahead() -> None:
    plan = Plan(
        code="K-0001",
        on=datetime.date(2026, 6, 1),
        author="labour office",
        measures=(Measure(id="M1", description="training", due=datetime.date(2026, 9, 1)),),
        until=datetime.date(2026, 12, 31),
    )
    assert check_records([Located(plan)], today=TODAY) == []
    (problem,) = check_records([Located(meeting(on=datetime.date(2026, 7, 1)))], today=TODAY)
    assert (problem.path, problem.kind) == ("$.on", "future_date")


def test_unknown_codes_and_duplicates_are_refused() -> None:
    known = {"K-0001"}.__contains__
    problems = check_records(
        [Located(meeting()), Located(meeting()), Located(meeting(code="K-0099"))], today=TODAY, known_code=known
    )
    assert [(p.path, p.kind) for p in problems] == [("$.id", "duplicate"), ("$.code", "unknown_code")]
    stored = check_records(
        [Located(meeting())],
        today=TODAY,
        existing=lambda i: Existing("meeting", "K-0001") if i == entry_id(meeting()) else None,
    )
    assert [p.kind for p in stored] == ["duplicate"]


def test_a_correction_must_name_an_entry_of_the_same_kind_and_client() -> None:
    first = meeting(id="m-1")
    fix = meeting(id="m-2", corrects="m-1", assessment_client="very useful")
    assert check_records([Located(first), Located(fix)], today=TODAY) == []
    wrong = check_records(
        [
            Located(first),
            Located(meeting(id="m-3", code="K-0002", corrects="m-1")),
            Located(meeting(id="m-4", corrects="m-9")),
        ],
        today=TODAY,
    )
    assert [(p.path, p.kind) for p in wrong] == [("$.corrects", "corrects"), ("$.corrects", "corrects")]


@pytest.mark.parametrize("text", ["call her on +36 30 123 4567", "TAJ 123 456 789", "write to anna.kiss@example.org"])
def test_identities_in_free_text_are_refused(text: str) -> None:
    (problem,) = check_records([Located(meeting(assessment_client=text))], today=TODAY)
    assert (problem.path, problem.kind) == ("$.assessment_client", "identity")


def test_dates_and_small_numbers_in_text_are_not_identities() -> None:
    assert identity_in_text("met on 2026-03-02 for 45 minutes, 3 applications sent") is None


# ---------------------------------------------------------------- the example provider


def test_the_example_provider_reads_and_checks_clean() -> None:
    items = read_records(EXAMPLES)
    kinds = {type(item.record).KIND for item in items}
    assert {
        "enrolment",
        "declaration",
        "plan",
        "meeting",
        "service_event",
        "service_issue",
        "follow_up",
        "feedback",
        "closure",
        "survey",
    } <= kinds
    codes = {item.record.code for item in items if hasattr(item.record, "code")}
    assert check_records(items, today=datetime.date(2026, 12, 1), known_code=codes.__contains__) == []


def test_the_example_script_makes_the_example_folder(tmp_path: Path) -> None:
    import runpy

    runpy.run_path(str(EXAMPLES / "make_records.py"), run_name="make_records").get("write")(tmp_path)  # type: ignore[misc]
    for file in sorted(EXAMPLES.glob("*.jsonl")) + sorted(EXAMPLES.glob("*.csv")):
        assert (tmp_path / file.name).read_text() == file.read_text(), file.name


# ---------------------------------------------------------------- JSON Schema agrees with the reader


def _jsonschema_rs() -> Any:
    """The JSON Schema validator of the test group (the core-only path skips with the command)."""
    return pytest.importorskip("jsonschema_rs", reason="needs jsonschema-rs: pip install -e . --group test")


def test_the_schemas_accept_what_the_reader_reads() -> None:
    jsonschema_rs = _jsonschema_rs()
    schemas = record_schemas()
    for item in read_records(EXAMPLES):
        kind = type(item.record).KIND
        jsonschema_rs.validator_for(schemas[kind]).validate(unstructure_record(item.record))


def test_the_schemas_refuse_an_identity_key() -> None:
    jsonschema_rs = _jsonschema_rs()
    validator = jsonschema_rs.validator_for(record_schemas()["closure"])
    assert not validator.is_valid({"code": "K-0001", "on": "2026-03-02", "name": "Kiss Anna"})
    assert not validator.is_valid({"code": "Kiss Anna", "on": "2026-03-02"})


# ---------------------------------------------------------------- properties

_text = (
    st.text(string.ascii_letters + " áéőű", min_size=1, max_size=12).map(str.strip).filter(bool)
)  # CSV list items are trimmed
_code = st.text(string.ascii_uppercase + string.digits + "-", min_size=3, max_size=10)
_day = st.dates(datetime.date(2020, 1, 1), datetime.date(2026, 6, 30))
_maybe_bool = st.none() | st.booleans()


def _records() -> st.SearchStrategy[Any]:
    measure = st.builds(
        Measure,
        id=_code,
        description=_text,
        kind=st.none() | st.sampled_from(["service", "training"]),
        due=st.none() | _day,
    )
    return st.one_of(
        st.builds(
            Meeting,
            code=_code,
            on=_day,
            case_manager=_text,
            activities=st.lists(_text, min_size=1, max_size=3).map(tuple),
            assessment_case_manager=_text,
            assessment_client=_text,
            confirmed_by_case_manager=_maybe_bool,
            confirmed_by_client=_maybe_bool,
            minutes=st.none() | st.integers(0, 600),
            id=st.none() | _code,
        ),
        st.builds(
            ServiceEvent,
            code=_code,
            on=_day,
            provider=_text,
            service=_text,
            description=_text,
            progress=st.none() | _text,
            quantity=st.none() | st.floats(0, 1e6, allow_nan=False),
            quality=st.none() | _text,
            confirmed_by_provider=_maybe_bool,
            confirmed_by_lead=_maybe_bool,
            lead_role=st.none() | st.sampled_from(["head", "professional_lead"]),
        ),
        st.builds(
            Plan,
            code=_code,
            on=_day,
            author=_text,
            measures=st.lists(measure, max_size=3).map(tuple),
            goals=st.lists(st.sampled_from(["employed", "training_entered"]), max_size=2, unique=True).map(tuple),
        ),
        st.builds(
            FollowUp,
            code=_code,
            on=_day,
            kind=st.sampled_from(["training", "job", "retention"]),
            outcome=st.none() | st.just("job_kept"),
        ),
        st.builds(Closure, code=_code, on=_day, survey_offered=_maybe_bool),
    )


@given(_records())
def test_every_record_survives_json(record: Any) -> None:
    kind = type(record).KIND
    data = json.loads(json.dumps(unstructure_record(record)))
    assert structure_record(kind, data) == record
    (back,) = parse_jsonl(json.dumps(data) + "\n", kind)
    assert back.record == record
    (again,) = parse_json(json.dumps([data]), kind)
    assert again.record == record
    assert entry_id(back.record) == entry_id(record)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value) if any(isinstance(v, dict) for v in value) else "; ".join(value)
    return str(value)


@given(st.lists(_records(), min_size=1, max_size=4))
def test_records_survive_csv(records: list[Any]) -> None:
    kind = type(records[0]).KIND
    same = [r for r in records if kind == type(r).KIND]
    columns = [f.name for f in attrs.fields(type(same[0]))]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    for record in same:
        data = unstructure_record(record)
        writer.writerow({c: _csv_cell(data.get(c)) for c in columns})
    assert [item.record for item in parse_csv(out.getvalue(), kind)] == same


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_keys = st.sampled_from(
    [
        "code",
        "on",
        "case_manager",
        "activities",
        "assessment_client",
        "minutes",
        "name",
        "measures",
        "goals",
        "survey_offered",
    ]
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(KINDS)),
    st.dictionaries(_keys, _json | st.sampled_from(["K-0001", "2026-03-02", "true"]), max_size=8),
)
def test_the_reader_is_total_over_any_json(kind: str, data: dict[str, Any]) -> None:
    """Any JSON object gives a record or a RecordError whose problems all have a path — never another exception."""
    try:
        structure_record(kind, data)
    except RecordError as err:
        assert err.problems
        assert all(p.path.startswith("$") for p in err.problems)


@given(st.text(max_size=200))
def test_the_csv_and_jsonl_readers_are_total_over_any_text(text: str) -> None:
    for parse in (parse_csv, parse_jsonl, parse_json):
        try:
            parse(text, "meeting", "x")
        except RecordError as err:
            assert err.problems
