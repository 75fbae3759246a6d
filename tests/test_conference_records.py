"""Case and family conference records, and plans with goals that are not SMART (issue 15 items 7, 14, 15).

Example tests are built from the seeds' own statements (each names its lines); the
property tests pin the two rules of DOMAIN.md §6 that bind these checks: a fact the record
does not give is unknown, never "no"; an undetermined answer always comes with questions;
a goal that is not SMART makes the plan incomplete and the plan names it.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import FactsError, Outcome, RulePack
from ccm_rules.engine._convert import make_converter
from ccm_rules.engine._pack import default_pack
from ccm_rules.engine._yaml import parse_yaml
from ccm_rules.goals._conference import (
    Conference,
    ConferenceAssessment,
    FamilyConference,
    assess_conference_document,
    assess_family_conference_document,
)
from ccm_rules.goals._plan import Document, Plan, PlanAssessment, assess_plan_document
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES

OK = EXAMPLES / "conferences" / "case_conference_ok.yaml"
PLAN_NOT_SMART = EXAMPLES / "plans" / "plan_goal_not_smart.yaml"


def _doc(data: dict[str, Any], key: str, cls: type) -> Document:
    """A document from a mapping, as `read_document` makes it from a file (no file needed)."""
    located = parse_yaml(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "record.yaml")
    body: Any = make_converter().structure(located.data[key], cls)
    return Document(body, located, key, data.get("case"), data.get("as_of"), str(data.get("lang", "en")), None)


def _ok() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(OK.read_text(encoding="utf-8"))
    data.pop("expect")
    return data


def _conference(data: dict[str, Any]) -> ConferenceAssessment:
    return assess_conference_document(_doc(data, "conference", Conference), pack=default_pack())


def _statuses(result: ConferenceAssessment | PlanAssessment) -> dict[str, str]:
    return {c.id: c.status.value for c in result.decision.criteria}


def _with(**changes: Any) -> dict[str, Any]:
    data = _ok()
    data["conference"].update(changes)
    return data


# ---------------------------------------------------------------- item 7: the conference record


def test_the_ok_record_meets_every_check() -> None:
    result = _conference(_ok())
    assert result.decision.outcome is Outcome.ELIGIBLE
    assert set(_statuses(result).values()) == {"met"}


@pytest.mark.parametrize(
    ("parties", "status"),
    [
        (
            [
                {"role": "matka", "kind": "family"},
                {"role": "škola", "kind": "network"},
                {"role": "OSPOD", "kind": "network"},
            ],
            "not_met",
        ),
        (
            [
                {"role": "opatrovnice", "kind": "guardian"},
                {"role": "matka", "kind": "family"},
                {"role": "škola", "kind": "network"},
            ],
            "met",
        ),
        ([{"role": "matka", "kind": "family"}, {"role": "škola"}, {"role": "OSPOD", "kind": "network"}], "unknown"),
    ],
)
def test_client_or_guardian_among_the_parties(parties: list[dict[str, str]], status: str) -> None:
    """004 line 358: "zajistit účast klienta (příp. zákonného zástupce), rodiny" — a guardian counts;
    a party of unrecorded kind might be the client, so that is unknown, not "no"."""
    result = _conference(_with(parties=parties))
    assert _statuses(result)["CONF-9"] == status
    assert (
        result.decision.outcome
        is {"met": Outcome.ELIGIBLE, "not_met": Outcome.NOT_ELIGIBLE, "unknown": Outcome.UNDETERMINED}[status]
    )


def test_family_among_the_parties() -> None:
    """004 lines 265-266: a meeting "klienta, jeho rodiny a všech, kteří … představují … podpůrnou síť"."""
    parties = [
        {"role": "klientka", "kind": "client"},
        {"role": "škola", "kind": "network"},
        {"role": "OSPOD", "kind": "network"},
    ]
    result = _conference(_with(parties=parties))
    assert _statuses(result)["CONF-10"] == "not_met" and result.decision.outcome is Outcome.NOT_ELIGIBLE


@pytest.mark.parametrize(
    ("field", "criterion"),
    [
        ("aim_set_with_client", "CONF-11"),  # 004 l. 359 "společně s klientem stanovit cíl setkání"
        ("participants_motivated", "CONF-12"),  # l. 360 "motivovat všechny účastníky PK"
        ("natural_resources_mapped", "CONF-13"),  # l. 361 "zmapovat okolí klienta a jeho přirozené zdroje pomoci"
        ("participants_suitable", "CONF-14"),  # l. 362-363 "s ohledem na jejich vhodnost"
        ("participants_balanced", "CONF-15"),  # l. 364-365 "zajistit vyváženost setkání"
    ],
)
def test_each_preparation_step_of_004(field: str, criterion: str) -> None:
    no = _ok()
    no["conference"]["preparation"][field] = False
    assert _statuses(_conference(no))[criterion] == "not_met"
    unrecorded = _ok()
    del unrecorded["conference"]["preparation"][field]
    result = _conference(unrecorded)
    assert _statuses(result)[criterion] == "unknown" and result.decision.outcome is Outcome.UNDETERMINED
    assert field in {q.key for q in result.decision.questions}


@pytest.mark.parametrize(
    ("absent", "status"),
    [
        ([{"role": "pediatr", "written_statement": False}], "not_met"),
        ([{"role": "pediatr"}], "unknown"),
        ([], "met"),
        (None, "unknown"),
    ],
)
def test_written_statements_from_those_who_cannot_attend(absent: list[dict[str, Any]] | None, status: str) -> None:
    """004 line 366: "zajistit písemná vyjádření od osob, které se PK nemohou zúčastnit"."""
    data = _ok()
    if absent is None:
        del data["conference"]["absent"]
    else:
        data["conference"]["absent"] = absent
    assert _statuses(_conference(data))["CONF-16"] == status


def test_facilitator_duties_are_checked_where_recorded_and_inform() -> None:
    """004 lines 338-352 (the facilitator's duties): a duty not recorded as done is shown, and does
    not fail the conference; duties not recorded at all are unknown and asked of nobody."""
    fewer = _ok()
    fewer["conference"]["facilitator"]["duties"] = ["programme", "communication", "rules", "aim", "outputs"]
    result = _conference(fewer)
    assert _statuses(result)["CONF-17"] == "not_met" and result.duties_missing == ("techniques",)
    assert result.decision.outcome is Outcome.ELIGIBLE
    unrecorded = _ok()
    del unrecorded["conference"]["facilitator"]["duties"]
    result = _conference(unrecorded)
    assert _statuses(result)["CONF-17"] == "unknown" and result.decision.outcome is Outcome.ELIGIBLE


def test_an_unknown_duty_code_is_named_at_its_line(tmp_path: Path) -> None:
    record = tmp_path / "c.yaml"
    record.write_text(
        "conference:\n  date: 2027-02-15\n  facilitator:\n    duties: [programme, coffee]\n", encoding="utf-8"
    )
    from ccm_rules.goals._plan import read_document

    with pytest.raises(FactsError) as err:
        assess_conference_document(read_document(record, "conference", Conference), pack=default_pack())
    (problem,) = err.value.problems
    assert problem.path == "$.conference.facilitator.duties[1]" and problem.line == 4 and "'coffee'" in problem.message


def test_the_agenda_includes_003s_discussion_seeking_consensus() -> None:
    """003 line 38: "diskuse, hledání konsensu" is a step of the conference (004's list lacks it)."""
    data = _ok()
    data["conference"]["agenda"].remove("discussion")
    result = _conference(data)
    assert result.agenda_missing == ("discussion",) and _statuses(result)["CONF-5"] == "not_met"


def test_output_goals_need_a_time_horizon_and_a_measure() -> None:
    """003 line 41: goals "s časovým horizontem jejich naplnění, které musí být vyhodnotitelné" —
    a goal with a date but nothing to evaluate it by fails the output (it passed on GOAL-T alone)."""
    data = _ok()
    data["conference"]["output"]["goals"] = ["Klientka do 30. 6. 2027 zlepší svou situaci."]
    result = _conference(data)
    (goal,) = result.goals
    assert (
        goal.decision.criterion("GOAL-T").status.value == "met"
        and goal.decision.criterion("GOAL-M").status.value == "not_met"
    )
    assert _statuses(result)["CONF-6"] == "not_met" and result.decision.outcome is Outcome.NOT_ELIGIBLE


@pytest.mark.parametrize(
    ("involved", "agreed", "status"),
    [
        (True, False, "not_met"),
        (True, True, "met"),
        (False, None, "met"),
        (True, None, "unknown"),
        (None, None, "unknown"),
    ],
)
def test_third_party_agreement_at_the_start(involved: bool | None, agreed: bool | None, status: str) -> None:
    """003 line 45: "Při spolupráci se třetím subjektem je třeba na počátku dojednat možnost použití
    případové konference"."""
    data = _ok()
    for key, value in (("third_party_involved", involved), ("third_party_agreement", agreed)):
        if value is None:
            data["conference"].pop(key)
        else:
            data["conference"][key] = value
    assert _statuses(_conference(data))["CONF-18"] == status


@pytest.mark.parametrize(
    ("drop", "criterion"),
    [("facilitator", "CONF-2"), ("output", "CONF-6"), ("next_meeting", "CONF-7"), ("parties", "CONF-1")],
)
def test_a_part_left_out_of_the_record_is_unknown_not_no(drop: str, criterion: str) -> None:
    """DOMAIN.md §6 "Unknown is not no" (these read as "no" before: no facilitator → not independent,
    no output → no tasks, no next meeting date → none set, no parties → 0 parties)."""
    data = _ok()
    del data["conference"][drop]
    if drop == "next_meeting":
        data["conference"].pop("agenda")
    result = _conference(data)
    assert _statuses(result)[criterion] == "unknown" and result.decision.outcome is Outcome.UNDETERMINED


def test_an_agenda_without_the_next_meeting_step_and_no_date_is_no_date() -> None:
    data = _ok()
    del data["conference"]["next_meeting"]
    data["conference"]["agenda"].remove("next_meeting")
    assert _statuses(_conference(data))["CONF-7"] == "not_met"


def test_no_not_needed_wording_in_the_conference_rules(pack: RulePack) -> None:
    """A conference may be recommended, never called "not needed" (issue 15 item 7)."""
    text = (
        (Path(__file__).resolve().parents[1] / "rules" / "goals" / "conference.yaml")
        .read_text(encoding="utf-8")
        .lower()
    )
    for words in ("not needed", "unnecessary", "není potřeba", "nicht nötig", "nem szükséges"):
        assert words not in text


# ---------------------------------------------------------------- item 15: family conference


def _family(**changes: Any) -> ConferenceAssessment:
    data: dict[str, Any] = {
        "family_conference": {
            "date": "2027-04-01",
            "preparation_start": "2027-02-25",
            "coordinator": {"independent": True},
            "private_family_time": True,
            "plan_consulted": True,
            "tasks": [{"what": "school run", "who": "grandmother", "by": "2027-04-08"}],
        }
    }
    data["family_conference"].update(changes)
    for key in [k for k, v in data["family_conference"].items() if v is None]:
        del data["family_conference"][key]
    return assess_family_conference_document(_doc(data, "family_conference", FamilyConference), pack=default_pack())


@pytest.mark.parametrize(
    ("start", "outcome", "fam1", "fam6"),
    [
        (
            "2027-01-04",
            Outcome.ELIGIBLE,
            "met",
            "not_met",
        ),  # 87 days: longer than 4-6 weeks, informative (was: not eligible)
        ("2027-02-18", Outcome.ELIGIBLE, "met", "met"),  # 42 days
        ("2027-03-04", Outcome.ELIGIBLE, "met", "met"),  # 28 days
        ("2027-03-05", Outcome.NOT_ELIGIBLE, "not_met", "met"),  # 27 days: shorter than 4 weeks
    ],
)
def test_family_conference_preparation_4_to_6_weeks(start: str, outcome: Outcome, fam1: str, fam6: str) -> None:
    """004 lines 451-455: "Příprava: 4-6 týdnů"; longer is reported for information, not a failure."""
    result = _family(preparation_start=start)
    assert (
        result.decision.outcome is outcome and _statuses(result)["FAM-1"] == fam1 and _statuses(result)["FAM-6"] == fam6
    )


def test_family_conference_parts_left_out_are_unknown() -> None:
    """No coordinator or tasks recorded is unknown (a missing coordinator read as "not independent")."""
    result = _family(coordinator=None, tasks=None)
    assert _statuses(result)["FAM-2"] == "unknown" and _statuses(result)["FAM-5"] == "unknown"
    assert result.decision.outcome is Outcome.UNDETERMINED
    assert {"coordinator_independent", "tasks"} <= {q.key for q in result.decision.questions}


# ---------------------------------------------------------------- item 14: plans


def _plan(data: dict[str, Any]) -> PlanAssessment:
    return assess_plan_document(_doc(data, "plan", Plan), pack=default_pack())


def _plan_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PLAN_NOT_SMART.read_text(encoding="utf-8"))
    data.pop("expect")
    return data


def test_a_goal_that_is_not_smart_makes_the_plan_incomplete_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    """DOMAIN.md §6 "Plans" (the plan was undetermined, with no question to settle it)."""
    result = _plan(_plan_data())
    assert result.decision.outcome is Outcome.NOT_ELIGIBLE and result.not_smart == (2,)
    assert _statuses(result)["PLAN-5"] == "not_met"
    assert main(["plan", str(PLAN_NOT_SMART)]) == 0
    out = capsys.readouterr().out
    assert "The plan is incomplete: 1 goal is not SMART." in out
    assert "  - 2. “Improve the family's situation.” — lacks: Specific, Measurable, Time-bound" in out
    assert main(["plan", str(PLAN_NOT_SMART), "--format", "json"]) == 0
    assert '"not_smart": [\n    2\n  ]' in capsys.readouterr().out


def test_a_plan_undetermined_by_a_goal_asks_and_names_nothing() -> None:
    data = _plan_data()
    data["plan"]["goals"][1] = "The client will submit 5 job applications by 31 March 2027."
    result = _plan(data)
    assert result.decision.outcome is Outcome.UNDETERMINED and result.not_smart == ()
    assert [q.key for q in result.decision.questions] == ["goals_smart"]
    assert result.goals[1].decision.questions


# ---------------------------------------------------------------- properties

_GOALS = [
    "Klientka do 30. 6. 2027 podá 5 žádostí o práci.",
    "Zlepšit situaci rodiny.",
    {
        "description": "The client will open a bank account.",
        "measure": "account opened",
        "target_value": 1,
        "due_date": "2027-05-01",
        "responsible": "client",
        "client_agreed": True,
        "realistic": True,
    },
]
_OPTIONAL = (
    "parties",
    "absent",
    "facilitator",
    "preparation",
    "parties_informed",
    "summary_sent",
    "agenda",
    "neutral_place",
    "output",
    "next_meeting",
    "third_party_involved",
    "third_party_agreement",
)


@st.composite
def _records(draw: st.DrawFn) -> dict[str, Any]:
    """A case conference record built from the ok record: parts dropped, flags flipped, goals swapped."""
    data = _ok()
    conf = data["conference"]
    for key in ("parties_informed", "summary_sent", "neutral_place", "third_party_involved", "third_party_agreement"):
        conf[key] = draw(st.booleans())
    for key in list(conf["preparation"]):
        conf["preparation"][key] = draw(st.booleans())
    conf["parties"] = draw(
        st.lists(
            st.fixed_dictionaries(
                {"role": st.just("r")}, optional={"kind": st.sampled_from(["client", "guardian", "family", "network"])}
            ),
            max_size=4,
        )
    )
    conf["output"]["goals"] = draw(st.lists(st.sampled_from(_GOALS), max_size=2))
    for key in draw(st.sets(st.sampled_from(_OPTIONAL))):
        conf.pop(key, None)
    return data


@settings(max_examples=60, deadline=None)
@given(_records(), st.sampled_from(_OPTIONAL))
def test_leaving_a_part_out_never_reads_as_no(data: dict[str, Any], drop: str) -> None:
    """Dropping a part of a record can turn criteria unknown, never not met; undetermined always asks."""
    conf = data["conference"]
    if drop == "next_meeting" and "next_meeting" not in conf.get("agenda", ["next_meeting"]):
        return  # the recorded agenda says the step was skipped: evidence, not a part left out
    before = _conference(data)
    fewer = copy.deepcopy(data)
    fewer["conference"].pop(drop, None)
    after = _conference(fewer)
    was = _statuses(before)
    for rule, status in _statuses(after).items():
        if status == "not_met":
            assert was[rule] == "not_met", (drop, rule)
    for result in (before, after):
        if result.decision.outcome is Outcome.UNDETERMINED:
            assert result.decision.questions


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(_GOALS), min_size=1, max_size=3))
def test_plan_outcome_follows_its_goals(goals: list[Any]) -> None:
    """Any goal not SMART → plan incomplete, naming exactly those goals; undetermined always asks."""
    data = _plan_data()
    data["plan"]["goals"] = goals
    result = _plan(data)
    failing = tuple(i for i, g in enumerate(result.goals, 1) if g.decision.outcome is Outcome.NOT_ELIGIBLE)
    assert result.not_smart == failing
    if failing:
        assert result.decision.outcome is Outcome.NOT_ELIGIBLE
    elif result.decision.outcome is Outcome.UNDETERMINED:
        assert result.decision.questions
    else:
        assert all(g.decision.outcome is Outcome.ELIGIBLE for g in result.goals)
