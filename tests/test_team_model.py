"""Team-model recommendation (seeds 003, 004): scenarios, properties and the CLI."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import FactsError, Outcome, RulePack, Status, check_caseload
from ccm_rules.engine._cadence import meeting_dates
from ccm_rules.engine._casefile import read_case
from ccm_rules.team._team_model import (
    HEADLINES,
    explain_team_model,
    recommend_team_model,
    render_team_model_text,
    team_model_doc,
    team_rulesets,
)
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES, RULES, SEEDS, SEEDS_MISSING

CASES = sorted((EXAMPLES / "team_model").glob("*.yaml"))
ON = datetime.date(2027, 1, 4)


def test_every_headline_has_a_shipped_example() -> None:
    models = {read_case(p).expect["model"] for p in CASES}  # type: ignore[index]
    assert models == set(HEADLINES) - {"team"}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_scenario(path: Path, pack: RulePack) -> None:
    case = read_case(path)
    expect = case.expect
    assert expect is not None
    rec = recommend_team_model(case.facts, as_of=case.as_of, pack=pack)
    assert rec.model == expect["model"]
    assert rec.settled == expect["settled"]
    assert list(rec.possible) == expect.get("possible", [])
    assert (rec.axes.lead, rec.axes.organisation, rec.axes.mode, rec.axes.intensity) == (
        expect["lead"],
        expect["organisation"],
        expect["mode"],
        expect["intensity"],
    )
    assert rec.organisation == rec.axes.organisation  # the deprecated name still works
    assert rec.conference.value == expect["conference"]
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


def test_every_headline_states_a_key_worker(pack: RulePack) -> None:
    doc = team_model_doc(pack)
    assert [m.id for m in doc.models] == list(HEADLINES)
    assert all(m.key_worker_typical[lang] for m in doc.models for lang in pack.languages)


def test_cadence_uses_the_shared_norms(pack: RulePack) -> None:
    facts = {"case_lead": "services_together", "complicated_case": True}
    rec = recommend_team_model(facts, as_of=ON, start=datetime.date(2027, 2, 1), pack=pack)
    assert rec.model == "team_active" and rec.cadence.applies
    params = pack.parameter_set("team_norms").values_at(ON)
    assert rec.cadence.dates == meeting_dates(datetime.date(2027, 2, 1), 6, params)
    assert rec.cadence.dates[0] == datetime.date(2027, 2, 15)


def test_bad_facts_name_every_field(pack: RulePack) -> None:
    with pytest.raises(FactsError) as info:
        recommend_team_model(
            {"crises_last_year": -1, "needs_247": True, "severe_mental_illness": "yes"}, as_of=ON, pack=pack
        )
    paths = {p.path for p in info.value.problems}
    assert paths == {"$.crises_last_year", "$.needs_247", "$.severe_mental_illness"}
    assert any("did you mean 'needs_24_7'" in p.message for p in info.value.problems)


# ---------------------------------------------------------------- properties

DOMAIN_CODES = (
    "physical_health",
    "mental_health",
    "substance_use",
    "safety",
    "housing",
    "daily_living",
    "finances",
    "work",
    "education",
    "social_relationships",
    "family_care",
    "mobility",
    "communication",
    "official_matters",
    "leisure",
)
FEATURES = ("needs_24_7", "services_brokered", "expected_to_stabilise", "hard_to_engage", "psychiatric_care_key")
"""The client's side of the seed's ACT vs ICM table (004)."""
maybe_bool = st.one_of(st.none(), st.booleans())
maybe_count = st.one_of(st.none(), st.integers(0, 12))
maybe_lead = st.sampled_from([None, "one_worker", "services_together"])


def _without_none(facts: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in facts.items() if v is not None}


facts_strategy = st.fixed_dictionaries(
    {},
    optional={
        "case_lead": maybe_lead,
        "domains": st.dictionaries(
            st.sampled_from(DOMAIN_CODES), st.sampled_from(["no_need", "met_need", "unmet_need", "not_assessed"])
        ),
        "concurrent_services": maybe_count,
        "services_overlap": maybe_bool,
        "single_organisation": maybe_bool,
        "complicated_case": maybe_bool,
        "third_party_risk": maybe_bool,
        "conference_judged_fitting": maybe_bool,
        "crises_last_year": maybe_count,
        "severe_mental_illness": maybe_bool,
        "needs_intensive_support": maybe_bool,
        "needs_24_7": maybe_bool,
        "hard_to_engage": maybe_bool,
        "psychiatric_care_key": maybe_bool,
        "psychiatric_admissions_last_year": maybe_count,
        "expected_to_stabilise": maybe_bool,
        "services_brokered": maybe_bool,
    },
).map(_without_none)


@settings(max_examples=60, deadline=None)
@given(facts=facts_strategy)
def test_recommendation_is_total_and_deterministic(pack: RulePack, facts: dict[str, Any]) -> None:
    a = recommend_team_model(facts, as_of=ON, pack=pack)
    b = recommend_team_model(dict(facts), as_of=ON, pack=pack)
    assert a == b
    assert a.model in HEADLINES and set(a.possible) <= set(HEADLINES) and a.model not in a.possible
    assert a.settled == (not a.possible)
    assert a.axes.key_worker == "required"  # in every model (003 §b)
    assert (a.axes.organisation is None) == (a.axes.mode is None) == (a.axes.lead == "individual")
    assert a.cadence.applies == (a.axes.mode == "active")
    if "unknown" not in attrs.astuple(a.axes):  # every axis decided: only the conference may still ask
        assert not [q for q in a.questions if q.criteria and q.criteria[0].startswith(("TM", "TA", "TX", "IC", "AC"))]
        assert a.settled


@settings(max_examples=80, deadline=None)
@given(
    facts=facts_strategy,
    services=maybe_count,
    domains=st.dictionaries(st.sampled_from(DOMAIN_CODES), st.sampled_from(["no_need", "unmet_need"])),
)
def test_counting_services_or_domains_never_decides_the_model(
    pack: RulePack, facts: dict[str, Any], services: int | None, domains: dict[str, str]
) -> None:
    """Item 4: who leads decides individual vs team (003 §a-b, 004 "Dělení CM"), not a count."""
    counted = _without_none({**facts, "concurrent_services": services, "domains": domains})
    a, b = recommend_team_model(facts, as_of=ON, pack=pack), recommend_team_model(counted, as_of=ON, pack=pack)
    assert (a.model, a.axes, a.possible, a.conference) == (b.model, b.axes, b.possible, b.conference)


@settings(max_examples=80, deadline=None)
@given(facts=facts_strategy)
def test_the_intensity_axis_never_removes_the_team_axes(pack: RulePack, facts: dict[str, Any]) -> None:
    """Item 5: choosing ICM (or ACT) keeps the team's organisation, mode and meeting cadence."""
    with_smi = recommend_team_model({**facts, "severe_mental_illness": True}, as_of=ON, pack=pack)
    without = recommend_team_model({**facts, "severe_mental_illness": False}, as_of=ON, pack=pack)
    assert without.axes.intensity is None
    assert attrs.evolve(with_smi.axes, intensity=None) == without.axes
    assert with_smi.cadence == without.cadence


@settings(max_examples=120, deadline=None)
@given(facts=facts_strategy)
def test_a_24_7_need_never_points_to_icm(pack: RulePack, facts: dict[str, Any]) -> None:
    """Item 6: 24/7 availability is ACT's (004 §ACT); it never routes a client to ICM."""
    rec = recommend_team_model({**facts, "needs_24_7": True}, as_of=ON, pack=pack)
    assert rec.axes.intensity != "icm" and rec.model != "icm" and "icm" not in rec.possible
    assert rec.decision("team_icm").outcome is Outcome.NOT_ELIGIBLE
    if facts.get("severe_mental_illness") is True:
        assert rec.axes.intensity == "act"  # with a severe mental illness, 24/7 is ACT whatever else holds


@settings(max_examples=80, deadline=None)
@given(facts=facts_strategy, admissions=maybe_count, crises=maybe_count)
def test_hospital_use_informs_but_never_decides(
    pack: RulePack, facts: dict[str, Any], admissions: int | None, crises: int | None
) -> None:
    """Item 6: high use of hospital beds (Burns 2007) is not a condition the seed sets."""
    a = recommend_team_model(facts, as_of=ON, pack=pack)
    b = recommend_team_model(
        _without_none({**facts, "psychiatric_admissions_last_year": admissions, "crises_last_year": crises}),
        as_of=ON,
        pack=pack,
    )
    assert a.axes.intensity == b.axes.intensity  # crises still inform the team's mode (TA1), never the intensity
    assert a.decision("team_act").outcome == b.decision("team_act").outcome
    assert a.decision("team_icm").outcome == b.decision("team_icm").outcome
    assert not {"psychiatric_admissions_last_year"} & {q.key for q in b.questions}


@settings(max_examples=80, deadline=None)
@given(features=st.fixed_dictionaries({f: st.booleans() for f in FEATURES}))
def test_act_and_icm_split_the_seeds_table(pack: RulePack, features: dict[str, bool]) -> None:
    """With a severe mental illness and intensive support needed, the seed's features decide: ACT
    when the client needs anything that defines ACT, else ICM — never both, never neither."""
    rec = recommend_team_model(
        {"severe_mental_illness": True, "needs_intensive_support": True, **features}, as_of=ON, pack=pack
    )
    needs_act = (
        features["needs_24_7"]
        or not features["services_brokered"]
        or not features["expected_to_stabilise"]
        or features["hard_to_engage"]
        or features["psychiatric_care_key"]
    )
    assert rec.axes.intensity == ("act" if needs_act else "icm")
    assert rec.settled is (rec.axes.lead != "unknown") or rec.model in ("act", "icm")


def test_no_intensive_need_is_neither_act_nor_icm(pack: RulePack) -> None:
    facts = {
        "severe_mental_illness": True,
        "needs_intensive_support": False,
        "needs_24_7": False,
        "case_lead": "one_worker",
    }
    rec = recommend_team_model(facts, as_of=ON, pack=pack)
    assert (rec.model, rec.axes.intensity, rec.settled) == ("individual", "neither", True)


# ---------------------------------------------------------------- the seeds' statements, item by item


def test_who_leads_decides_individual_or_team(pack: RulePack) -> None:
    """003 §a: one worker "vede sám klientův případ" while other services "vstoupí", chosen with the client."""
    alone = recommend_team_model({"case_lead": "one_worker", "concurrent_services": 5}, as_of=ON, pack=pack)
    assert (alone.model, alone.axes.lead, alone.axes.organisation, alone.axes.mode) == (
        "individual",
        "individual",
        None,
        None,
    )
    together = recommend_team_model({"case_lead": "services_together", "concurrent_services": 1}, as_of=ON, pack=pack)
    assert together.axes.lead == "team" and together.model == "team"
    unknown = recommend_team_model({"concurrent_services": 3}, as_of=ON, pack=pack)
    assert (
        unknown.model == "undetermined" and unknown.questions[0].key == "case_lead"
    )  # before: team_passive, by the count


def test_icm_keeps_an_active_external_team(pack: RulePack) -> None:
    """Before: ICM dropped the team: organisation None, no cadence."""
    rec = recommend_team_model(read_case(EXAMPLES / "team_model/icm_in_an_active_team.yaml").facts, as_of=ON, pack=pack)
    assert (rec.model, rec.axes.organisation, rec.axes.mode, rec.cadence.applies) == ("icm", "external", "active", True)
    ex = explain_team_model(rec, pack, "en")
    assert (
        ex.mode is not None
        and ex.mode.startswith("active")
        and ex.organisation is not None
        and ex.organisation.startswith("external")
    )
    assert "reviews the plan" in ex.meetings and "meets regularly" in ex.meetings


def test_act_names_what_the_program_needs_and_links_the_checks(pack: RulePack) -> None:
    """004 §ACT: shared caseload, psychiatrist and psychiatric nurse, 1:8–1:10 — checked by caseload and DACTS."""
    rec = recommend_team_model(
        read_case(EXAMPLES / "team_model/act_without_hospital_data.yaml").facts, as_of=ON, pack=pack
    )
    assert rec.program is not None and rec.program.caseload_norm == "act" == rec.caseload_norm.id
    assert set(rec.program.dacts_items) == {"H1", "H2", "H7", "H8"}
    program = explain_team_model(rec, pack, "en").program
    assert program is not None
    for words in (
        "shared by the whole team",
        "psychiatrist",
        "psychiatric nurse",
        "1:8 to 1:10",
        "H7 Psychiatrist on staff",
        "H8 Nurse on staff",
    ):
        assert words in program, words
    assert (
        check_caseload(rec.program.caseload_norm, [{"code": "T", "fte": 1.0, "clients": 9}], as_of=ON, pack=pack).status
        is Status.MET
    )


def test_an_icm_case_can_end_when_its_goals_are_achieved(pack: RulePack) -> None:
    """Item 15: ICM may end when the goals are achieved, besides the seed's three examples (004 §ACT vs ICM)."""
    doc = team_model_doc(pack)
    summary = doc.model("icm").summary["en"]
    for words in ("goals are achieved", "stabilised", "refuses cooperation", "long-term hospitalised"):
        assert words in summary
    criterion = next(c for c in pack.ruleset("team_icm").spec.criteria if c.id == "IC5")
    assert "goals" in criterion.title["en"] and "Konec podpory" in (criterion.source.quote or "")


def test_a_conference_is_recommended_never_called_not_needed(pack: RulePack) -> None:
    """003 line 43: the key worker may propose one also in "dalších situací, kdy klíčový pracovník vyhodnotí"."""
    judged = recommend_team_model(
        {"complicated_case": False, "third_party_risk": False, "conference_judged_fitting": True}, as_of=ON, pack=pack
    )
    assert judged.conference is Status.MET
    none = recommend_team_model(
        {"complicated_case": False, "third_party_risk": False, "conference_judged_fitting": False}, as_of=ON, pack=pack
    )
    assert none.conference is Status.NOT_MET
    never = {"en": "not needed", "cs": "není potřeba", "hu": "nincs szükség", "de": "nicht nötig"}
    for lang in pack.languages:
        text = render_team_model_text(explain_team_model(none, pack, lang), pack=pack)
        conference = next(
            line for line in text.splitlines() if line.startswith(pack.texts["team.heading.conference"][lang])
        )
        assert never[lang] not in conference.casefold()
    assert "may still propose" in render_team_model_text(explain_team_model(none, pack, "en"), pack=pack)


def test_an_external_team_agrees_on_conferences_at_the_start(pack: RulePack) -> None:
    rec = recommend_team_model(read_case(EXAMPLES / "team_model/active_external_team.yaml").facts, as_of=ON, pack=pack)
    assert any("agree at the start" in note for note in explain_team_model(rec, pack, "en").notes)


# ---------------------------------------------------------------- citations

_GAP = re.compile(r"\s*(?:…|\.\.\.)\s*")
_SECTION_LINES = re.compile(r"\((?:line|lines) (\d+)(?:\s*[-–]\s*(\d+))?\)$")


def _words(text: str) -> list[str]:
    return [w.casefold() for w in re.findall(r"\w+", text)]


def _sources(node: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if isinstance(node.get("ref"), str):
            yield path, node
        for key, value in node.items():
            yield from _sources(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _sources(value, f"{path}[{index}]")


@pytest.mark.parametrize("file", sorted(p.name for p in RULES.glob("team_*.yaml")))
def test_every_quote_stands_at_its_cited_lines(file: str) -> None:
    """Item 16: a citation's quoted words stand, in order, at the cited lines of the seed ("…" marks a gap)."""
    if not (SEEDS / "003_e271fa39f35a27a0.txt").is_file():
        pytest.skip(SEEDS_MISSING)
    data = yaml.safe_load((RULES / file).read_text(encoding="utf-8"))
    for path, source in _sources(data):
        spans: list[str] = []
        for part in source["ref"].split("; "):
            seed = re.match(r"(\d{3}_[0-9a-f]{16}\.txt)(?: (§.*))?$", part)
            if seed is None:
                continue
            lines = (SEEDS / seed[1]).read_text(encoding="utf-8").split("\n")
            for section in (seed[2] or "").removeprefix("§").split(", §"):
                found = _SECTION_LINES.search(section)
                first, last = (int(found[1]), int(found[2] or found[1])) if found else (1, len(lines))
                spans.append(" ".join(lines[first - 1 : last]))
        if not spans or not source.get("quote"):
            continue
        tokens = _words(" ".join(spans))
        position = 0
        for piece in (_words(p) for p in _GAP.split(source["quote"])):
            at = next(
                (i for i in range(position, len(tokens) - len(piece) + 1) if tokens[i : i + len(piece)] == piece), -1
            )
            assert at >= 0, f"{file} {path}: {' '.join(piece)!r} is not at {source['ref']}"
            position = at + len(piece)


def test_ac1s_quote_supports_its_condition(pack: RulePack) -> None:
    """AC1 decides on a severe mental illness; its quote names that group in the seed's words."""
    ac1 = next(c for c in pack.ruleset("team_act").spec.criteria if c.id == "AC1")
    assert ac1.condition == {"fact": "severe_mental_illness", "eq": True}
    assert "závažným duševním onemocněním" in (ac1.source.quote or "")
    psychiatric = {c.id: c for c in pack.ruleset("team_icm").spec.criteria}[
        "IC7"
    ]  # the medical orientation has its own criterion
    assert psychiatric.condition == {"fact": "psychiatric_care_key", "eq": False} and "psychiatra" in (
        psychiatric.source.quote or ""
    )


# ---------------------------------------------------------------- CLI


def test_cli_text_in_czech(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["team-model", str(EXAMPLES / "team_model/active_external_team.yaml"), "--lang", "cs"]) == 0
    out = capsys.readouterr().out
    assert (
        "AKTIVNÍ TÝM" in out
        and "Klíčový pracovník" in out
        and "2027-01-18" in out
        and "Case management v sociálních službách §b" in out
    )


def test_cli_json_with_start(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "team-model",
                str(EXAMPLES / "team_model/active_external_team.yaml"),
                "--format",
                "json",
                "--start",
                "2027-03-01",
            ]
        )
        == 0
    )
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


def test_meeting_dates_count_from_the_case_files_cooperation_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
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


# ---------------------------------------------------------------- HTTP


def test_the_http_team_service_answers_with_the_headline_and_axes() -> None:
    pytest.importorskip("litestar", reason="needs the http extra: pip install -e '.[http]'")
    from litestar.testing import TestClient

    from ccm_rules_adapters.http import create_app

    icm = read_case(EXAMPLES / "team_model/icm_in_an_active_team.yaml").facts
    with TestClient(create_app()) as c:
        alone = c.post(
            "/v1/team-model",
            json={"facts": {"case_lead": "one_worker", "concurrent_services": 4}, "as_of": "2027-01-04"},
        ).json()
        assert (
            alone["recommendation"]["model"] == "individual" and alone["recommendation"]["axes"]["lead"] == "individual"
        )
        body = c.post(
            "/v1/team-model", json={"facts": icm, "as_of": "2027-01-04"}, headers={"Accept-Language": "de"}
        ).json()
        axes = body["recommendation"]["axes"]
        assert (body["recommendation"]["model"], axes["organisation"], axes["mode"], axes["intensity"]) == (
            "icm",
            "external",
            "active",
            "icm",
        )
        assert body["recommendation"]["cadence"]["applies"] is True and body["explanation"]["mode"].startswith("aktiv")
        assert body["recommendation"]["organisation"] == "external"  # the deprecated field is still sent
        bad = c.post("/v1/team-model", json={"facts": {"case_lead": "alone"}})
        assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/facts/case_lead"
