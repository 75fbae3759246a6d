"""One person, one case file: every command reads its own facts and passes over the other areas'.

A fact that no area of the pack declares is still refused, with the nearest known name.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import FactsError, RulePack, decide, recommend_team_model
from ccm_rules.engine._facts import FastFacts, validate_facts
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES, RULES
from .test_fast_path import raw_facts, scalar

PACK = RulePack.load(RULES)
ON = datetime.date(2027, 1, 4)
PERSON = EXAMPLES / "person/one_person_all_areas.yaml"


def test_the_pack_knows_every_rulesets_facts() -> None:
    for ruleset in PACK.rulesets.values():
        assert set(ruleset.spec.facts) <= PACK.fact_names
        assert ruleset.elsewhere == PACK.fact_names - set(ruleset.spec.facts)
    assert {"services_needed", "age", "concurrent_services"} <= PACK.fact_names


@pytest.mark.parametrize("ruleset_id", sorted(PACK.rulesets))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_other_areas_facts_change_nothing(ruleset_id: str, data: st.DataObject) -> None:
    """Adding any values under other areas' fact names gives the same decision (or the same refusal)."""
    ruleset = PACK.ruleset(ruleset_id)
    own = data.draw(raw_facts(ruleset))
    others = (
        data.draw(st.dictionaries(st.sampled_from(sorted(ruleset.elsewhere) or ["services_needed"]), scalar))
        if ruleset.elsewhere
        else {}
    )
    merged = {**others, **own}
    try:
        alone = decide(ruleset, own, ON)
    except FactsError as err:
        with pytest.raises(FactsError) as caught:
            decide(ruleset, merged, ON)
        assert caught.value.problems == err.problems
        return
    assert decide(ruleset, merged, ON) == alone


@pytest.mark.parametrize("ruleset_id", sorted(PACK.rulesets))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_fast_check_passes_over_the_same_facts_as_the_full_check(ruleset_id: str, data: st.DataObject) -> None:
    ruleset = PACK.ruleset(ruleset_id)
    facts: dict[str, Any] = data.draw(raw_facts(ruleset))
    if ruleset.elsewhere:
        facts.update(data.draw(st.dictionaries(st.sampled_from(sorted(ruleset.elsewhere)), scalar, max_size=3)))
    fast = FastFacts(ruleset.spec.facts, ruleset.vocabularies, ruleset.elsewhere).check(facts)
    try:
        _, ready = validate_facts(
            facts, ruleset.spec.facts, ruleset.vocabularies, items=False, elsewhere=ruleset.elsewhere
        )
    except FactsError:
        assert fast is None
        return
    assert fast is None or fast == ready


def test_a_fact_no_area_knows_is_refused_with_a_hint() -> None:
    with pytest.raises(FactsError) as caught:
        decide(PACK.ruleset("eligibility"), {"concurent_services": 3}, ON)
    (problem,) = caught.value.problems
    assert problem.message == "unknown fact 'concurent_services'; did you mean 'concurrent_services'?"


def test_the_team_model_reads_an_eligibility_case_file() -> None:
    """Before: `unknown fact 'services_needed'` — one person needed two files."""
    facts = {"services_needed": 4, "referral_only": False, "concurrent_services": 3, "services_overlap": True}
    rec = recommend_team_model(facts, as_of=ON)
    assert "services_needed" not in rec.facts and rec.facts["concurrent_services"] == 3


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["eligibility", str(PERSON)], "ELIGIBLE"),
        (["eligibility", str(PERSON), "--ruleset", "labour_market"], "P-0001"),
        (["team-model", str(PERSON)], "ACTIVE TEAM"),
    ],
)
def test_every_command_reads_the_one_case_file(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert needle in captured.out and captured.err == ""


def test_a_misspelt_fact_in_the_one_case_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "person.yaml"
    case.write_text(
        PERSON.read_text(encoding="utf-8").replace("  services_overlap:", "  services_overlaps:"), encoding="utf-8"
    )
    for argv in (["eligibility", str(case)], ["team-model", str(case)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert (
            "unknown fact 'services_overlaps'; did you mean 'services_overlap'?" in err
            and "$.facts.services_overlaps" in err
        )


def test_the_http_api_reads_a_whole_persons_facts() -> None:
    pytest.importorskip("litestar", reason="needs the http extra: pip install -e '.[http]'")
    from litestar.testing import TestClient

    from ccm_rules.engine._casefile import read_case
    from ccm_rules_adapters.http import create_app

    facts = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in read_case(PERSON).facts.items()}
    with TestClient(create_app(PACK)) as client:
        r = client.post("/v1/eligibility", json={"facts": facts, "as_of": "2027-01-04"})
        assert r.status_code == 200, r.text
        assert r.json()["decision"]["outcome"] == "eligible"
        r = client.post("/v1/eligibility", json={"facts": {**facts, "agee": 3}, "as_of": "2027-01-04"})
        assert r.status_code == 422 and "did you mean 'age'" in r.text
