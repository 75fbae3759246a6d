"""FHIR CareTeam → team-model facts: who leads (from the roles), one organisation or several, the key worker.

A CareTeam tells `case_lead` (from its participants' roles, never from how many there are),
`single_organisation` and `concurrent_services` only when its participants say enough;
everything else stays unknown, so the answer asks for it.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccm_rules import FactsError, ProblemsError, RulePack
from ccm_rules_adapters.cli import main
from ccm_rules_adapters.fhir import assess_care_team, entries, load_care_team_mapping, parse
from ccm_rules_adapters.fhir._care_team import Resolver, care_team_facts
from ccm_rules_adapters.fhir._mapping import DATA

from .conftest import EXAMPLES

AS_OF = datetime.date(2027, 1, 4)
SNOMED = "http://snomed.info/sct"
PROVIDER = "http://example.org/fhir/ccm-rules/NamingSystem/provider"
ROLES = "http://example.org/fhir/ccm-rules/CodeSystem/care-team-role"
ALONE = {"coding": [{"system": ROLES, "code": "leads-alone"}]}
TOGETHER = {"coding": [{"system": ROLES, "code": "carries-together"}]}
VERSIONS = ("R4B", "R5")


def example(name: str) -> Any:
    return json.loads((EXAMPLES / "fhir" / name).read_text(encoding="utf-8"))


def participant(
    version: str,
    member: str | None = None,
    *,
    on_behalf_of: dict[str, Any] | None = None,
    role: dict[str, Any] | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    """One participant in R4B (role is a list, `period`) or R5 (one role, `coveragePeriod`) shape."""
    item: dict[str, Any] = {}
    if member is not None:
        item["member"] = {"reference": member}
    if on_behalf_of is not None:
        item["onBehalfOf"] = on_behalf_of
    if role is not None:
        item["role"] = [role] if version == "R4B" else role
    if end is not None:
        item["period" if version == "R4B" else "coveragePeriod"] = {"end": end}
    return item


def bundle(
    participants: list[dict[str, Any]], *others: dict[str, Any], status: str | None = "active"
) -> dict[str, Any]:
    team: dict[str, Any] = {
        "resourceType": "CareTeam",
        "subject": {"reference": "Patient/C-0001"},
        "participant": participants,
    }
    if status is not None:
        team["status"] = status
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": team}, *({"resource": r} for r in others)],
    }


def role(id_: str, organisation: str | None = None, service: str | None = None) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "PractitionerRole", "id": id_}
    if organisation:
        resource["organization"] = {"reference": organisation}
    if service:
        resource["healthcareService"] = [{"reference": service}]
    return resource


def assess(data: dict[str, Any], version: str, pack: RulePack) -> Any:
    return assess_care_team(entries(data, version), version=version, as_of=AS_OF, pack=pack)  # type: ignore[arg-type]


# ---------------------------------------------------------------- examples


def test_r4b_example_is_an_external_team_with_a_named_key_worker(pack: RulePack) -> None:
    a = assess(example("careteam-external.R4B.json"), "R4B", pack)
    assert a.facts == {
        "case_lead": "services_together",
        "concurrent_services": 3,
        "single_organisation": False,
        "domains": {"housing": "unmet_need"},
    }
    assert (
        a.recommendation.axes.organisation == "external" and a.recommendation.model == "team"
    )  # mode not in a CareTeam
    assert not a.recommendation.settled  # overlap, crises, mental illness … are not in a CareTeam: asked for
    assert {q.key for q in a.recommendation.questions} >= {"services_overlap", "severe_mental_illness"}
    assert [(k.member, k.role) for k in a.key_workers] == [("PractitionerRole/pr-kw-01", "Case manager (occupation)")]
    assert a.subject == "Patient/C-0042"
    for resource in a.results:
        parse(resource, "R4B")
    issues = a.results[-1]["issue"]
    assert any(
        i.get("expression") == ["Bundle.entry[0].resource.participant[0]"]
        and "PractitionerRole/pr-kw-01" in i["diagnostics"]
        for i in issues
    )


def test_r5_example_is_an_internal_team_and_an_ended_participant_is_not_counted(pack: RulePack) -> None:
    a = assess(example("careteam-internal.R5.json"), "R5", pack)
    # the case manager leads alone; home care (two nurses of one HealthcareService) entered; debt advice ended in June
    assert a.facts == {"case_lead": "one_worker", "concurrent_services": 2, "single_organisation": True}
    assert (
        a.recommendation.model == "individual" and a.recommendation.axes.organisation is None
    )  # two services, one lead: individual CM
    assert [k.role for k in a.key_workers] == ["Case Manager/Care Coordinator"]
    assert any(n.path.endswith("participant[3]") and "2026-06-30" in n.message for n in a.notes)
    for resource in a.results:
        parse(resource, "R5")


@pytest.mark.parametrize("version", VERSIONS)
def test_the_same_team_maps_alike_in_r4b_and_r5(pack: RulePack, version: str) -> None:
    data = bundle(
        [
            participant(
                version,
                "PractitionerRole/a",
                role={"coding": [{"system": SNOMED, "code": "768832004"}, *TOGETHER["coding"]]},
            ),
            participant(version, "Practitioner/b", on_behalf_of={"reference": "Organization/o2"}),
            participant(version, "Patient/C-0001"),
            participant(version, "RelatedPerson/r1"),
        ],
        role("a", "Organization/o1", "HealthcareService/h1"),
    )
    a = assess(data, version, pack)
    assert a.facts == {"case_lead": "services_together", "concurrent_services": 2, "single_organisation": False}
    assert len(a.key_workers) == 1


# ---------------------------------------------------------------- who leads: the roles, not the count


@pytest.mark.parametrize("version", VERSIONS)
def test_the_lead_comes_from_the_roles_not_the_participant_count(pack: RulePack, version: str) -> None:
    """003 §a: one worker leads alone while other services enter. Before: three services made a team."""
    three = [
        participant(version, "Practitioner/p1", on_behalf_of={"reference": "Organization/o1"}, role=ALONE),
        participant(version, "Practitioner/p2", on_behalf_of={"reference": "Organization/o2"}),
        participant(version, "Practitioner/p3", on_behalf_of={"reference": "Organization/o3"}),
    ]
    a = assess(bundle(three), version, pack)
    assert a.facts["case_lead"] == "one_worker" and a.facts["concurrent_services"] == 3
    assert a.recommendation.model == "individual" and a.recommendation.axes.mode is None
    one = assess(bundle([participant(version, "Organization/o1", role=TOGETHER)]), version, pack)
    assert one.facts["case_lead"] == "services_together" and one.recommendation.axes.lead == "team"
    unnamed = assess(
        bundle(
            [
                participant(version, "Practitioner/p1", on_behalf_of={"reference": "Organization/o1"}),
                participant(version, "Practitioner/p2", on_behalf_of={"reference": "Organization/o2"}),
            ]
        ),
        version,
        pack,
    )
    assert "case_lead" not in unnamed.facts and unnamed.recommendation.model == "undetermined"
    assert any("who leads the case" in n.message for n in unnamed.notes)
    assert "case_lead" in {q.key for q in unnamed.recommendation.questions}


def test_roles_that_disagree_leave_the_lead_to_ask(pack: RulePack) -> None:
    both = bundle(
        [participant("R4B", "Practitioner/p1", role=ALONE), participant("R4B", "Practitioner/p2", role=TOGETHER)]
    )
    a = assess(both, "R4B", pack)
    assert "case_lead" not in a.facts and any(n.severity == "warning" and "disagree" in n.message for n in a.notes)
    two = bundle([participant("R4B", "Practitioner/p1", role=ALONE), participant("R4B", "Practitioner/p2", role=ALONE)])
    assert "case_lead" not in assess(two, "R4B", pack).facts
    client = bundle([participant("R4B", "Patient/C-0001", role=ALONE)])  # the client is no service: names no lead
    assert "case_lead" not in assess(client, "R4B", pack).facts


def test_the_answer_shows_each_axis(pack: RulePack) -> None:
    a = assess(example("careteam-external.R4B.json"), "R4B", pack)
    texts = [i["diagnostics"] for i in a.results[-1]["issue"]]
    for heading in ("team.heading.lead", "team.heading.organisation", "team.heading.mode", "team.heading.intensity"):
        assert any(x.startswith(pack.texts[heading]["en"] + ":") for x in texts), heading


# ---------------------------------------------------------------- what stays unknown


@pytest.mark.parametrize("version", VERSIONS)
def test_missing_organisations_leave_both_facts_unknown(pack: RulePack, version: str) -> None:
    a = assess(
        bundle([participant(version, "Practitioner/p1"), participant(version, "Practitioner/p2")]), version, pack
    )
    assert a.facts == {}
    assert a.recommendation.organisation in (None, "unknown")
    keys = {q.key for q in a.recommendation.questions}
    assert {
        "case_lead",
        "single_organisation",
    } <= keys and "concurrent_services" not in keys  # the count decides nothing


def test_one_known_organisation_and_one_unknown_is_not_a_single_organisation_yet(pack: RulePack) -> None:
    data = bundle(
        [
            participant("R4B", "Practitioner/p1", on_behalf_of={"reference": "Organization/o1"}),
            participant("R4B", "Practitioner/p2"),
        ]
    )
    assert assess(data, "R4B", pack).facts == {}
    # two different organisations settle it, whatever a third participant leaves open
    data["entry"][0]["resource"]["participant"].append(
        participant("R4B", "Practitioner/p3", on_behalf_of={"reference": "Organization/o2"})
    )
    assert assess(data, "R4B", pack).facts == {"single_organisation": False}


def test_names_of_different_kinds_are_not_compared(pack: RulePack) -> None:
    """A literal reference and an identifier may name the same organisation: not guessed."""
    data = bundle(
        [
            participant("R4B", "Practitioner/p1", on_behalf_of={"reference": "Organization/o1"}),
            participant("R4B", "Practitioner/p2", on_behalf_of={"identifier": {"system": PROVIDER, "value": "P-001"}}),
        ]
    )
    assert assess(data, "R4B", pack).facts == {}
    # … unless the Bundle holds the Organization with that identifier: then it is one organisation
    org = {"resourceType": "Organization", "id": "o1", "identifier": [{"system": PROVIDER, "value": "P-001"}]}
    assert (
        assess(bundle(data["entry"][0]["resource"]["participant"], org), "R4B", pack).facts["single_organisation"]
        is True
    )


def test_versions_of_one_reference_name_one_organisation(pack: RulePack) -> None:
    data = bundle(
        [
            participant(
                "R5",
                "Practitioner/p1",
                on_behalf_of={"reference": "http://example.org/fhir/Organization/o1/_history/3"},
            ),
            participant("R5", "Practitioner/p2", on_behalf_of={"reference": "http://example.org/fhir/Organization/o1"}),
        ]
    )
    assert assess(data, "R5", pack).facts == {"single_organisation": True}


def test_two_workers_of_one_organisation_may_be_one_service_or_two(pack: RulePack) -> None:
    same_org = [role("a", "Organization/o1"), role("b", "Organization/o1")]
    data = bundle([participant("R4B", "PractitionerRole/a"), participant("R4B", "PractitionerRole/b")], *same_org)
    assert assess(data, "R4B", pack).facts == {"single_organisation": True}  # count unknown
    services = [
        role("a", "Organization/o1", "HealthcareService/h1"),
        role("b", "Organization/o1", "HealthcareService/h2"),
    ]
    data = bundle([participant("R4B", "PractitionerRole/a"), participant("R4B", "PractitionerRole/b")], *services)
    assert assess(data, "R4B", pack).facts == {"single_organisation": True, "concurrent_services": 2}


def test_a_nested_team_or_an_unresolved_member_leaves_the_count_open(pack: RulePack) -> None:
    nested = bundle([participant("R4B", "CareTeam/t2"), participant("R4B", "Organization/o1")])
    assert assess(nested, "R4B", pack).facts == {}
    unresolved = bundle(
        [participant("R4B", "urn:uuid:0c7b1a52-3f0e-4c55-9a39-2d0f1f7a0001"), participant("R4B", "Organization/o1")]
    )
    a = assess(unresolved, "R4B", pack)
    assert a.facts == {} and any("type is not known" in n.message for n in a.notes)


def test_only_the_client_and_family_count_no_service(pack: RulePack) -> None:
    a = assess(bundle([participant("R5", "Patient/C-0001"), participant("R5", "RelatedPerson/r1")]), "R5", pack)
    assert a.facts == {} and any("names no service" in n.message for n in a.notes)


def test_an_inactive_team_is_not_read(pack: RulePack) -> None:
    data = bundle([participant("R4B", "Organization/o1"), participant("R4B", "Organization/o2")], status="inactive")
    a = assess(data, "R4B", pack)
    assert a.facts == {}
    assert [(n.path, n.severity) for n in a.notes if "inactive" in n.message] == [
        ("Bundle.entry[0].resource.status", "warning")
    ]


def test_without_a_key_worker_role_the_answer_says_so(pack: RulePack) -> None:
    a = assess(bundle([participant("R4B", "Organization/o1", role={"text": "school"})]), "R4B", pack)
    assert a.key_workers == () and any("key worker" in n.message and n.severity == "warning" for n in a.notes)
    kw = {"coding": [{"system": "http://example.org/fhir/ccm-rules/CodeSystem/care-team-role", "code": "key-worker"}]}
    a = assess(bundle([participant("R4B", "Practitioner/p1", role=kw)]), "R4B", pack)
    assert [k.member for k in a.key_workers] == ["Practitioner/p1"]
    assert assess(bundle([participant("R4B", role=kw)]), "R4B", pack).key_workers == ()  # a role with no one in it


def test_the_mapping_data_cites_a_source_for_each_role() -> None:
    mapping = load_care_team_mapping()
    assert all(r.source.strip() for r in mapping.key_worker_roles)
    assert ("http://snomed.info/sct", "768832004") in {(r.system, r.code) for r in mapping.key_worker_roles}
    assert set(mapping.member_types) == {
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "CareTeam",
        "Patient",
        "RelatedPerson",
    }


def test_a_mapping_file_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    text = (DATA / "care_team.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "care_team.yaml"
    bad.write_text(text + "\ncolour: red\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as err:
        load_care_team_mapping(bad)
    assert "colour" in str(err.value)
    assert err.value.problems[0].line == text.count("\n") + 2  # the key's own line


def test_a_mapping_file_with_a_duplicate_key_is_refused_at_its_line(tmp_path: Path) -> None:
    text = (DATA / "care_team.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "care_team.yaml"
    bad.write_text(text + "on_behalf_of_types: [Organization]\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as err:
        load_care_team_mapping(bad)
    assert "duplicate key 'on_behalf_of_types'" in str(err.value) and err.value.problems[0].line == text.count("\n") + 1


# ---------------------------------------------------------------- bad resources


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (bundle([participant("R4B", "Goal/g1")]), "Bundle.entry[0].resource.participant[0].member"),
        (
            bundle([participant("R4B", "Practitioner/p1", on_behalf_of={"reference": "Patient/C-0001"})]),
            "participant[0].onBehalfOf",
        ),
        (bundle([participant("R4B", "Organization/o1")], status="finished"), "Bundle.entry[0].resource.status"),
        (bundle([], {"resourceType": "CareTeam"}), "Bundle.entry"),
    ],
)
def test_bad_care_teams_are_refused_naming_the_element(pack: RulePack, data: dict[str, Any], where: str) -> None:
    with pytest.raises(FactsError) as err:
        assess(data, "R4B", pack)
    assert any(where in p.path for p in err.value.problems), err.value


def test_cli_text_json_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = str(EXAMPLES / "fhir/careteam-external.R4B.json")
    assert main(["fhir", file, "--as-of", "2027-01-04", "--lang", "de"]) == 0
    out = capsys.readouterr().out
    assert "Schlüsselfachkraft (CareTeam): PractitionerRole/pr-kw-01" in out and "extern" in out
    assert (
        main(
            [
                "fhir",
                str(EXAMPLES / "fhir/careteam-internal.R5.json"),
                "--fhir-version",
                "R5",
                "--format",
                "json",
                "--as-of",
                "2027-01-04",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert [e["resource"]["resourceType"] for e in result["entry"]] == ["OperationOutcome", "OperationOutcome"]
    broken = tmp_path / "team.json"
    broken.write_text(json.dumps(bundle([participant("R4B", "Goal/g1")])), encoding="utf-8")
    assert main(["fhir", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "participant[0].member" in err and str(broken) in err and "Traceback" not in err
    broken.write_text(json.dumps({"resourceType": "CareTeam", "participant": "everyone"}), encoding="utf-8")
    assert main(["fhir", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "CareTeam.participant" in err and "Traceback" not in err


# ---------------------------------------------------------------- properties

MEMBERS = [
    "Practitioner/p{}",
    "PractitionerRole/r{}",
    "Organization/o{}",
    "Patient/C-0001",
    "RelatedPerson/f{}",
    "CareTeam/t{}",
    "urn:uuid:0c7b1a52-3f0e-4c55-9a39-2d0f1f7a000{}",
    None,
]
SERVICE_MEMBERS: list[str | None] = ["Practitioner/p{}", "PractitionerRole/r{}", "Organization/o{}"]


@st.composite
def participants(
    draw: st.DrawFn, version: str, members: list[str | None] = MEMBERS
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A participant and the resources it references (PractitionerRoles with organisation and service)."""
    n = draw(st.integers(0, 3))
    member = draw(st.sampled_from(members))
    member = member.format(draw(st.integers(0, 3))) if member else None
    behalf = draw(
        st.sampled_from(
            [None, {"reference": f"Organization/o{n}"}, {"identifier": {"system": PROVIDER, "value": f"P-{n}"}}]
        )
    )
    if member is not None and not member.startswith("Practitioner/"):
        behalf = None
    others = []
    if member is not None and member.startswith("PractitionerRole/") and draw(st.booleans()):
        others.append(
            role(
                member.split("/")[1],
                draw(st.sampled_from([None, f"Organization/o{n}"])),
                draw(st.sampled_from([None, f"HealthcareService/h{n}", f"HealthcareService/h{n + 1}"])),
            )
        )
    kw = draw(st.sampled_from([None, {"coding": [{"system": SNOMED, "code": "768832004"}]}, {"text": "nurse"}]))
    return participant(
        version, member, on_behalf_of=behalf, role=kw, end=draw(st.sampled_from([None, "2026-01-01", "2028"]))
    ), others


@st.composite
def care_teams(draw: st.DrawFn, version: str, members: list[str | None] = MEMBERS, min_size: int = 0) -> dict[str, Any]:
    items = draw(st.lists(participants(version, members), min_size=min_size, max_size=5))
    others = {json.dumps(r, sort_keys=True): r for _, rs in items for r in rs}  # one resource per id
    by_id = {r["id"]: r for r in others.values()}
    return bundle(
        [p for p, _ in items], *by_id.values(), status=draw(st.sampled_from([None, "active", "proposed", "inactive"]))
    )


def facts_of(data: dict[str, Any], version: str) -> dict[str, Any]:
    parsed = entries(data, version)  # type: ignore[arg-type]
    team = parsed[0].resource
    return care_team_facts(team, parsed[0].path, Resolver(parsed, team), as_of=AS_OF).facts


RANK = {False: 0, None: 1, True: 2}


@pytest.mark.parametrize("version", VERSIONS)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_care_team_maps_or_gives_a_clear_error(pack: RulePack, version: str, data: st.DataObject) -> None:
    team = data.draw(care_teams(version, [*MEMBERS, "Goal/g{}"]))
    if data.draw(st.booleans()):
        team["entry"][0]["resource"]["status"] = data.draw(st.sampled_from(["bogus", "entered-in-error", "suspended"]))
    if data.draw(st.booleans()):
        team["entry"][0]["resource"]["participant"].append(
            data.draw(st.sampled_from([{"role": "x"}, {"member": 3}, {"onBehalfOf": {}}]))
        )
    try:
        a = assess(team, version, pack)
    except ProblemsError as err:
        assert err.problems and all(p.path.startswith(("CareTeam", "Bundle")) and p.message for p in err.problems), err
        return
    assert set(a.facts) <= {"case_lead", "concurrent_services", "single_organisation", "domains"}
    assert a.results[-1]["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize("version", VERSIONS)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_participant_from_another_organisation_only_moves_towards_an_external_team(
    version: str, data: st.DataObject
) -> None:
    team = data.draw(care_teams(version, SERVICE_MEMBERS, min_size=1))
    team["entry"][0]["resource"]["status"] = "active"
    team["entry"][0]["resource"]["participant"][0].pop("period", None)
    team["entry"][0]["resource"]["participant"][0].pop("coveragePeriod", None)  # at least one current service
    before = facts_of(team, version)
    team["entry"][0]["resource"]["participant"].append(
        participant(version, "Practitioner/newcomer", on_behalf_of={"reference": "Organization/o-new"})
    )
    after = facts_of(team, version)
    assert RANK[after.get("single_organisation")] <= RANK[before.get("single_organisation")], (before, after)
    assert after.get("single_organisation") is not True  # the newcomer's organisation differs from every other
    current = [
        p
        for p in team["entry"][0]["resource"]["participant"][:-1]
        if p.get("period", p.get("coveragePeriod", {})).get("end") != "2026-01-01"
    ]
    if any(
        "reference" in p.get("onBehalfOf", {}) or p.get("member", {}).get("reference", "").startswith("Organization/")
        for p in current
    ):
        assert after.get("single_organisation") is False, (before, after)  # one organisation named the same way differs
    if before.get("concurrent_services") is not None:
        assert after.get("concurrent_services") in (None, before["concurrent_services"] + 1), (before, after)
    else:
        assert "concurrent_services" not in after


@pytest.mark.parametrize("version", VERSIONS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_participants_without_a_lead_role_never_change_who_leads(version: str, data: st.DataObject) -> None:
    """Item 4: the lead is read from the roles; more (or fewer) participants without a lead role do not move it."""
    team = data.draw(care_teams(version, SERVICE_MEMBERS, min_size=1))
    team["entry"][0]["resource"]["status"] = "active"
    first = team["entry"][0]["resource"]["participant"][0]
    first.pop("period", None)
    first.pop("coveragePeriod", None)
    first["role"] = (
        [data.draw(st.sampled_from([ALONE, TOGETHER]))]
        if version == "R4B"
        else data.draw(st.sampled_from([ALONE, TOGETHER]))
    )
    for other in team["entry"][0]["resource"]["participant"][1:]:
        other.pop("role", None)
    before = facts_of(team, version)
    extra = data.draw(st.integers(1, 4))
    team["entry"][0]["resource"]["participant"] += [
        participant(version, f"Practitioner/more{i}", on_behalf_of={"reference": f"Organization/m{i}"})
        for i in range(extra)
    ]
    after = facts_of(team, version)
    assert before.get("case_lead") == after.get("case_lead")
    if first.get("member") is not None:
        assert after["case_lead"] == (
            "one_worker" if "leads-alone" in json.dumps(first["role"]) else "services_together"
        )
