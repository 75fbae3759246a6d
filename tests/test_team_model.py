"""Team-model recommendation (seeds 003, 004): scenarios, properties and the CLI."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import FactsError, RulePack
from ccm_rules._cadence import meeting_dates
from ccm_rules._casefile import read_case
from ccm_rules._team_model import (
    explain_team_model,
    recommend_team_model,
    render_team_model_text,
    team_model_doc,
    team_rulesets,
)
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES

CASES = sorted((EXAMPLES / "team_model").glob("*.yaml"))
ON = datetime.date(2027, 1, 4)


def test_every_model_has_a_shipped_example() -> None:
    models = {read_case(p).expect["model"] for p in CASES}  # type: ignore[index]
    assert models == {"individual", "team_passive", "team_active", "icm", "act"}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_scenario(path: Path, pack: RulePack) -> None:
    case = read_case(path)
    expect = case.expect
    assert expect is not None
    rec = recommend_team_model(case.facts, as_of=case.as_of, pack=pack)
    assert rec.model == expect["model"]
    assert rec.settled == expect["settled"]
    assert list(rec.possible) == expect.get("possible", [])
    assert rec.conference.value == expect["conference"]
    assert rec.organisation == expect["organisation"]
    assert rec.caseload_norm.id == expect["caseload_norm"]
    if "questions" in expect:
        assert [q.key for q in rec.questions] == expect["questions"]
    if "meeting_dates" in expect:
        assert list(rec.cadence.dates) == expect["meeting_dates"]
    for lang in pack.languages:
        text = render_team_model_text(explain_team_model(rec, pack, lang), pack=pack)
        assert "{" not in text and "}" not in text
        assert pack.texts["label.source"][lang] in text


def test_facts_shared_by_rulesets_are_declared_identically(pack: RulePack) -> None:
    seen: dict[str, Any] = {}
    for ruleset in team_rulesets(team_model_doc(pack), pack):
        for name, spec in ruleset.spec.facts.items():
            assert seen.setdefault(name, spec) == spec, f"fact {name!r} differs in {ruleset.id}"


def test_ladder_is_ordered_and_key_worker_always_stated(pack: RulePack) -> None:
    doc = team_model_doc(pack)
    assert [m.id for m in doc.models] == ["individual", "team_passive", "team_active", "icm", "act"]
    assert all(m.key_worker_typical["en"] for m in doc.models)


def test_cadence_uses_the_shared_norms(pack: RulePack) -> None:
    rec = recommend_team_model({"concurrent_services": 3, "complicated_case": True}, as_of=ON, start=datetime.date(2027, 2, 1), pack=pack)
    assert rec.model == "team_active" and rec.cadence.applies
    params = pack.parameter_set("team_norms").values_at(ON)
    assert rec.cadence.dates == meeting_dates(datetime.date(2027, 2, 1), 6, params)
    assert rec.cadence.dates[0] == datetime.date(2027, 2, 15)


def test_bad_facts_name_every_field(pack: RulePack) -> None:
    with pytest.raises(FactsError) as info:
        recommend_team_model({"crises_last_year": -1, "needs_247": True, "severe_mental_illness": "yes"}, as_of=ON, pack=pack)
    paths = {p.path for p in info.value.problems}
    assert paths == {"$.crises_last_year", "$.needs_247", "$.severe_mental_illness"}
    assert any("did you mean 'needs_24_7'" in p.message for p in info.value.problems)


# ---------------------------------------------------------------- properties

DOMAIN_CODES = ("physical_health", "mental_health", "substance_use", "safety", "housing", "daily_living", "finances", "work",
                "education", "social_relationships", "family_care", "mobility", "communication", "official_matters", "leisure")
maybe_bool = st.one_of(st.none(), st.booleans())
maybe_count = st.one_of(st.none(), st.integers(0, 12))
facts_strategy = st.fixed_dictionaries(
    {},
    optional={
        "domains": st.dictionaries(st.sampled_from(DOMAIN_CODES), st.sampled_from(["no_need", "met_need", "unmet_need", "not_assessed"])),
        "concurrent_services": maybe_count,
        "services_overlap": maybe_bool,
        "single_organisation": maybe_bool,
        "complicated_case": maybe_bool,
        "third_party_risk": maybe_bool,
        "crises_last_year": maybe_count,
        "severe_mental_illness": maybe_bool,
        "needs_24_7": maybe_bool,
        "hard_to_engage": maybe_bool,
        "psychiatric_admissions_last_year": maybe_count,
        "expected_to_stabilise": maybe_bool,
        "services_brokered": maybe_bool,
    },
)


@settings(max_examples=60, deadline=None)
@given(facts=facts_strategy)
def test_recommendation_is_total_and_deterministic(pack: RulePack, facts: dict[str, Any]) -> None:
    a = recommend_team_model(facts, as_of=ON, pack=pack)
    b = recommend_team_model(dict(facts), as_of=ON, pack=pack)
    assert a == b
    ids = [m.id for m in team_model_doc(pack).models]
    assert a.model in ids and set(a.possible) <= set(ids)
    assert a.settled == (not a.possible)
    assert not a.settled or not [q for q in a.questions if q.criteria and q.criteria[0].startswith(("TM", "TA", "IC", "AC"))]


complete_facts = st.fixed_dictionaries(
    {
        "domains": st.fixed_dictionaries({c: st.sampled_from(["no_need", "met_need", "unmet_need"]) for c in DOMAIN_CODES}),
        "concurrent_services": st.integers(0, 6),
        "services_overlap": st.booleans(),
        "single_organisation": st.booleans(),
        "complicated_case": st.booleans(),
        "third_party_risk": st.booleans(),
        "crises_last_year": st.integers(0, 8),
        "severe_mental_illness": st.booleans(),
        "needs_24_7": st.booleans(),
        "hard_to_engage": st.booleans(),
        "psychiatric_admissions_last_year": st.integers(0, 5),
        "expected_to_stabilise": st.booleans(),
        "services_brokered": st.booleans(),
    }
)


def _intensity(pack: RulePack, model: str) -> int:
    return next(m.intensity for m in team_model_doc(pack).models if m.id == model)


@settings(max_examples=80, deadline=None)
@given(facts=complete_facts, more_domains=st.lists(st.sampled_from(DOMAIN_CODES), max_size=5), more_crises=st.integers(0, 5), need_24_7=st.booleans())
def test_raising_need_never_lowers_the_model(pack: RulePack, facts: dict[str, Any], more_domains: list[str], more_crises: int, need_24_7: bool) -> None:
    before = recommend_team_model(facts, as_of=ON, pack=pack)
    raised = dict(facts)
    raised["domains"] = {**facts["domains"], **dict.fromkeys(more_domains, "unmet_need")}
    raised["crises_last_year"] = facts["crises_last_year"] + more_crises
    raised["needs_24_7"] = facts["needs_24_7"] or need_24_7
    after = recommend_team_model(raised, as_of=ON, pack=pack)
    assert before.settled and after.settled
    assert _intensity(pack, after.model) >= _intensity(pack, before.model)


# ---------------------------------------------------------------- CLI


def test_cli_text_in_czech(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["team-model", str(EXAMPLES / "team_model/active_external_team.yaml"), "--lang", "cs"]) == 0
    out = capsys.readouterr().out
    assert "AKTIVNÍ TÝM" in out and "Klíčový pracovník" in out and "2027-01-18" in out and "Case management v sociálních službách §b" in out


def test_cli_json_with_start(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["team-model", str(EXAMPLES / "team_model/active_external_team.yaml"), "--format", "json", "--start", "2027-03-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["recommendation"]["model"] == "team_active"
    assert data["recommendation"]["cadence"]["dates"][0] == "2027-03-15"
    assert data["recommendation"]["pack"]["content_hash"].startswith("sha256:")


def test_cli_bad_input_exit_2_naming_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "bad.yaml"
    case.write_text("facts:\n  concurrent_services: -2\n  crisis_count: 3\n")
    assert main(["team-model", str(case)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{case}:2:" in err and "$.facts.concurrent_services" in err
    assert f"{case}:3:" in err and "unknown fact 'crisis_count'" in err
    assert main(["team-model", str(case), "--start", "01.02.2027"]) == 2


def test_meeting_dates_count_from_the_case_files_cooperation_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`cooperation_start` in the case file sets the cadence's start; `--start` still overrides it."""
    source = (EXAMPLES / "team_model/active_external_team.yaml").read_text(encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text("cooperation_start: 2026-10-01\n" + source, encoding="utf-8")

    def cadence(*extra: str) -> dict[str, Any]:
        assert main(["team-model", str(case), "--format", "json", *extra]) in (0, 1)
        return json.loads(capsys.readouterr().out)["recommendation"]["cadence"]  # type: ignore[no-any-return]

    from_file = cadence()
    assert from_file["start"] == "2026-10-01" and from_file["dates"][:2] == ["2026-10-15", "2026-10-29"]
    assert cadence("--start", "2026-11-02")["start"] == "2026-11-02"
    case.write_text("cooperation_start: 2026-13-01\n" + source, encoding="utf-8")
    assert main(["team-model", str(case)]) == 2
    assert "case.yaml:1" in capsys.readouterr().err
