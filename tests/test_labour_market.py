"""Labour-market selection (seed 002 §3): a priority is not an exclusion; the plan records the steps.

002 §3 line 43: "A szolgáltatás elsősorban azoknak ajánlott, akik nem képesek hatékonyan
menedzselni munkaerő-piaci szerepüket ... de belátható időn belül erre képessé tehetők.
Rendelkeznek továbbá ... egyéni tervvel, ... amely rögzíti az elhelyezkedés érdekében
megteendő lépéseket /képzésben, szolgáltatásban való részvételt/". "Primarily recommended"
(elsősorban ajánlott) ranks the people the service is for; it excludes no one. The plan the
case manager works from (§4.1) must record the steps to take.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import Outcome, RulePack, assess_labour_market
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES

ON = datetime.date(2026, 11, 1)
BASE: dict[str, Any] = {
    "age": 38,
    "employed": False,
    "in_education": False,
    "entry_route": "provider_recommendation",
    "individual_plan": "individual_development_plan",
    "individual_plan_records_steps": True,
}


def outcome(pack: RulePack, **facts: Any) -> tuple[Outcome, dict[str, str]]:
    decision = assess_labour_market(BASE | facts, as_of=ON, pack=pack)
    return decision.outcome, {r.id: r.status.value for r in decision.criteria}


def test_not_a_priority_case_is_still_eligible(pack: RulePack) -> None:
    """Before: LM3 was required, so a person who already manages the role was not eligible."""
    got, criteria = outcome(pack, cannot_manage_labour_market_role=False)
    assert (got, criteria["LM3"]) == (Outcome.ELIGIBLE, "not_met")
    got, criteria = outcome(pack, cannot_manage_labour_market_role=True, can_become_capable=False)
    assert (got, criteria["LM3"]) == (Outcome.ELIGIBLE, "not_met")


def test_the_plan_must_record_the_steps_to_take(pack: RulePack) -> None:
    """Before: any plan type was enough; a plan recording no steps was eligible."""
    got, criteria = outcome(
        pack, cannot_manage_labour_market_role=True, can_become_capable=True, individual_plan_records_steps=False
    )
    assert (got, criteria["LM4"]) == (Outcome.NOT_ELIGIBLE, "not_met")


def test_steps_not_recorded_is_unknown_and_asked(pack: RulePack) -> None:
    facts = {k: v for k, v in BASE.items() if k != "individual_plan_records_steps"}
    decision = assess_labour_market(facts, as_of=ON, pack=pack)
    assert decision.outcome is Outcome.UNDETERMINED
    assert "individual_plan_records_steps" in {q.fact for q in decision.questions}
    no_plan = assess_labour_market(facts | {"individual_plan": "none"}, as_of=ON, pack=pack)
    assert no_plan.outcome is Outcome.NOT_ELIGIBLE  # no plan at all: the steps cannot change that


known = st.sampled_from([True, False, None])


@settings(max_examples=150, deadline=None)
@given(
    cannot=known,
    capable=known,
    plan=st.sampled_from([None, "none", "individual_development_plan", "rehabilitation_plan", "cooperation_agreement"]),
    steps=known,
    employed=known,
    route=st.sampled_from([None, "labour_office_referral", "other"]),
)
def test_the_priority_never_changes_the_outcome(
    cannot: bool | None,
    capable: bool | None,
    plan: str | None,
    steps: bool | None,
    employed: bool | None,
    route: str | None,
) -> None:
    """Whatever the other facts, LM3's facts (the priority) leave the outcome as it is without them."""
    from ccm_rules import default_pack

    pack = default_pack()
    facts = {
        k: v
        for k, v in {
            "age": 45,
            "employed": employed,
            "in_education": False,
            "individual_plan": plan,
            "individual_plan_records_steps": steps,
            "entry_route": route,
        }.items()
        if v is not None
    }
    without = assess_labour_market(facts, as_of=ON, pack=pack).outcome
    priority = {
        k: v
        for k, v in {"cannot_manage_labour_market_role": cannot, "can_become_capable": capable}.items()
        if v is not None
    }
    assert assess_labour_market(facts | priority, as_of=ON, pack=pack).outcome is without
    if plan in (None, "none") or steps is not True:  # eligible needs a plan that records the steps
        assert without is not Outcome.ELIGIBLE


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("not_a_priority_case", "eligible"),
        ("plan_without_steps", "not_eligible"),
        ("steps_not_recorded_yet", "undetermined"),
    ],
)
def test_eligibility_command(name: str, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLES / "labour_market" / f"{name}.yaml"
    main(["eligibility", str(path), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["decision"]["outcome"] == expected


def test_http_labour_market_service(pack: RulePack) -> None:
    pytest.importorskip("litestar")
    from litestar.testing import TestClient

    from ccm_rules_adapters.http import create_app

    with TestClient(create_app(pack)) as client:
        body = {"facts": BASE | {"cannot_manage_labour_market_role": False}, "as_of": ON.isoformat()}
        assert client.post("/v1/labour-market", json=body).json()["decision"]["outcome"] == "eligible"
        body = {"facts": BASE | {"individual_plan_records_steps": False}, "as_of": ON.isoformat()}
        assert client.post("/v1/labour-market", json=body).json()["decision"]["outcome"] == "not_eligible"


def test_examples_are_seed_statements() -> None:
    for name in ("not_a_priority_case", "plan_without_steps", "steps_not_recorded_yet"):
        assert "002 §3" in Path(EXAMPLES / "labour_market" / f"{name}.yaml").read_text(encoding="utf-8")
