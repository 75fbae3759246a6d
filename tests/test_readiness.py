"""Regional rollout readiness: shipped region examples as scenarios, the catalogue as data,
bad region files, the CLI (text, JSON, HTML report) and the report's well-formedness."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from ccm_rules import InputFileError, RulePack
from ccm_rules.engine._citations import (
    citation_drift,
    parse_ref,
    section_lines,
    seed_lines,
    seed_sections,
)
from ccm_rules.engine._decision import Outcome, Status
from ccm_rules.engine._evaluate import open_questions
from ccm_rules.readiness._readiness import PhaseFocus, ReadinessResult, assess_readiness
from ccm_rules.readiness._readiness_explain import explain_readiness, render_readiness_text
from ccm_rules.readiness._readiness_region import (
    factor_catalogue,
    parse_region,
    read_region,
    rollout_plan,
    survey_instrument,
)
from ccm_rules_adapters.cli import main
from ccm_rules_adapters.html.readiness import render_report

from .conftest import EXAMPLES, RULES, SEEDS, SEEDS_MISSING

REGIONS = sorted((EXAMPLES / "readiness").glob("*.yaml"))
LANGS = ("en", "cs", "hu", "de")
SEED = "000_5ffae0410bee8b00.txt"


def assess(path: Path, pack: RulePack) -> ReadinessResult:
    return assess_readiness(read_region(path, pack=pack), pack=pack)


# ------------------------------------------------------------------ catalogue as data


def test_catalogue_has_nine_factors_with_seeded_items(pack: RulePack) -> None:
    catalogue = factor_catalogue(pack)
    assert [f.id for f in catalogue.factors] == [f"F{n}" for n in range(1, 10)]
    for n, factor in enumerate(catalogue.factors, start=1):
        assert factor.pioneer and factor.attention and factor.experience
        for item in (*factor.pioneer, *factor.attention, *factor.experience):
            assert item.source.ref.startswith(f"{SEED} §{n} L"), item.id
            assert item.id.startswith(f"F{n}.")


def test_hungarian_item_texts_are_the_seed_text(pack: RulePack) -> None:
    """Every Pioneer/Attention item's Hungarian text is found (word by word) at its seed lines."""
    seed_file = SEEDS / SEED
    if not seed_file.exists():
        pytest.skip(SEEDS_MISSING)
    seed = seed_file.read_text(encoding="utf-8").splitlines()
    for factor in factor_catalogue(pack).factors:
        for item in (*factor.pioneer, *factor.attention):
            span = item.source.ref.rsplit(" L", 1)[1]
            first, _, last = span.partition("-")
            text = " ".join(seed[int(first) - 1 : int(last or first)]).lower()
            words = [w.strip(".,:;–-()„“\"'") for w in item.text["hu"].lower().split()]
            missing = [w for w in words if len(w) > 3 and w not in text]
            assert len(missing) <= max(1, len(words) // 5), (item.id, missing)


def test_phases_cover_every_factor_once(pack: RulePack) -> None:
    emphasised = [f for p in rollout_plan(pack).phases for f in p.emphasis]
    assert sorted(emphasised) == [f"F{n}" for n in range(1, 10)]
    all_phases = next(p for p in rollout_plan(pack).phases if p.order is None)
    assert sorted(all_phases.emphasis) == ["F3", "F4"]


def test_oric_structure(pack: RulePack) -> None:
    oric = survey_instrument(pack)
    items = sorted(i for s in oric.subscales for i in s.items)
    assert items == list(range(1, 13)) and oric.items == 12
    assert [len(s.items) for s in oric.subscales] == [5, 7]


# ------------------------------------------------------------------ scenarios


def test_the_three_shipped_regions_exist() -> None:
    assert {p.stem for p in REGIONS} >= {"new_to_ccm", "running_pilot", "hospital_host", "other_provider_host"}


@pytest.mark.parametrize("path", REGIONS, ids=lambda p: p.stem)
def test_region_scenario(path: Path, pack: RulePack) -> None:
    region = read_region(path, pack=pack)
    expect = region.expect
    assert expect is not None, f"{path} has no 'expect'"
    result = assess_readiness(region, pack=pack)
    assert result.variant == expect["variant"]
    assert result.variant_determined is expect["variant_determined"]
    assert {c.id: c.status.value for c in result.variant_decision.criteria} == expect["variant_criteria"]
    if "variant_questions" in expect:
        assert [q.key for q in result.variant_decision.questions] == expect["variant_questions"]
    assert [p.phase for p in result.phases] == expect["phases"]
    assert result.phases_decision is not None and result.system_decision is not None
    assert {c.id: c.status.value for c in result.phases_decision.criteria} == expect["phases_criteria"]
    assert result.overall.level == expect["overall_level"]
    assert [f.factor for f in result.factors if f.selected] == expect["selected"]
    for factor, reasons in expect.get("reasons", {}).items():
        assert list(result.factor(factor).reasons) == reasons
    assert {f.factor: f.unknown for f in result.factors if f.unknown} == expect["unknown_items"]
    assert result.lessons_decision.outcome.value == expect["lessons_outcome"]
    assert {c.id: c.status.value for c in result.lessons_decision.criteria} == expect["lessons"]
    if "lesson_questions" in expect:
        assert [q.key for q in result.lessons_decision.questions] == expect["lesson_questions"]
    assert result.system_decision.outcome.value == expect["system_outcome"]
    assert {c.id: c.status.value for c in result.system_decision.criteria} == expect["system"]
    if "oric" in expect:
        assert result.survey is not None
        assert {s.subscale: s.mean for s in result.survey.subscales} == expect["oric"]
    assert result.pack == pack.info
    for lang in LANGS:
        text = render_readiness_text(explain_readiness(result, pack, lang))
        assert "{" not in text and "?" not in text.split("\n")[0]


def test_hospital_host_violates_structural_independence(pack: RulePack) -> None:
    result = assess(EXAMPLES / "readiness/hospital_host.yaml", pack)
    view = explain_readiness(result, pack, "hu")
    lesson4 = next(lesson for lesson in view.lessons if lesson.id == "L4")
    assert lesson4.status.value == "not_met"
    finding = next(c for c in lesson4.findings if c.id == "SL4H")
    assert "helyi kórház" in finding.reason and "strukturális függetlenség" in finding.reason
    assert "§Tanulságok L658-661" in finding.source


def test_unanswered_items_are_unknown_not_no(pack: RulePack) -> None:
    text = "region: X\npioneer: {F1.P2: yes}\n"
    result = assess_readiness(parse_region(text, "x.yaml", pack=pack), pack=pack)
    f1 = result.factor("F1")
    assert (f1.yes, f1.no, f1.unknown) == (1, 0, f1.items - 1)
    assert f1.share == pytest.approx(1 / f1.items) and f1.share_max == 1.0
    assert result.overall.level == "undetermined"
    assert not result.variant_determined and result.variant == "maximum"
    assert result.phases[0] == PhaseFocus("sensitisation", ("F5", "F6"), provisional=True)
    assert result.system_decision is not None and result.system_decision.outcome is Outcome.UNDETERMINED


def test_minimum_variant_selects_only_with_reasons(pack: RulePack) -> None:
    result = assess(EXAMPLES / "readiness/running_pilot.yaml", pack)
    assert result.variant == "minimum"
    for f in result.factors:
        assert f.selected == bool(f.reasons)
        assert "all_factors" not in f.reasons
    assert {"F3", "F4"} <= {f.factor for f in result.factors if f.selected}


# ------------------------------------------------------------------ bad input


def test_bad_region_file_names_every_field_and_line(pack: RulePack, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "region: R\n"
        "starting_situation:\n"
        "  prior_ccm_experience: maybe\n"
        "  awarenes: yes\n"
        "host: hospital\n"
        "pioneer:\n"
        "  F1.P99: yes\n"
        "  F8.P1: yes\n"
        "  F2.P1: 3\n"
        "lessons: {needs_data: yes}\n"
        "oric: {respondents: [{1: 7, 13: 2}]}\n"
        "colour: blue\n"
    )
    with pytest.raises(InputFileError) as info:
        read_region(path, pack=pack)
    found = {(p.path, p.line) for p in info.value.problems}
    assert found == {
        ("$.starting_situation.prior_ccm_experience", 3),
        ("$.starting_situation.awarenes", 4),
        ("$.host", 5),
        ("$.pioneer.F1.P99", 7),
        ("$.pioneer.F8.P1", 8),
        ("$.pioneer.F2.P1", 9),
        ("$.lessons.needs_data", 10),
        ("$.oric.respondents[0].1", 11),
        ("$.oric.respondents[0].13", 11),
        ("$.colour", 12),
    }
    messages = " | ".join(p.message for p in info.value.problems)
    assert "'maybe' is not an answer here; use one of: yes, no, unknown" in messages
    assert "belongs under 'starting_situation'" in messages
    assert "'F8.P1' is not a Pioneer item id" in messages


def test_yaml_errors_and_non_mapping(pack: RulePack) -> None:
    with pytest.raises(InputFileError) as info:
        parse_region("pioneer: {F1.P2: yes, F1.P2: no}\n", "dup.yaml", pack=pack)
    assert info.value.problems[0].line == 1 and "duplicate key" in info.value.problems[0].message
    with pytest.raises(InputFileError):
        parse_region("- a list\n", "list.yaml", pack=pack)


# ------------------------------------------------------------------ CLI and report


def test_cli_text_hungarian_and_html_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "out.html"
    code = main(["readiness", str(EXAMPLES / "readiness/new_to_ccm.yaml"), "--lang", "hu", "--report", str(report)])
    assert code == 0
    out = capsys.readouterr().out
    assert "MAXIMUM-VÁLTOZAT" in out and "Módszertani kompetencia" in out
    html = report.read_text(encoding="utf-8")
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org/", "")
    assert "<script" not in html and "<link" not in html


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["readiness", str(EXAMPLES / "readiness/running_pilot.yaml"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["result"]["variant"] == "minimum"
    assert data["result"]["pack"]["content_hash"].startswith("sha256:")
    assert len(data["result"]["factors"]) == 9
    assert data["explanation"]["variant_title"] == "Minimum variant"


def test_cli_bad_input_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("pioneer:\n  F1.P2: perhaps\n")
    assert main(["readiness", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{path}:2:" in err and "$.pioneer.F1.P2" in err and "'perhaps' is not an answer" in err
    assert main(["readiness", str(tmp_path / "missing.yaml")]) == 2
    assert main(["readiness", str(EXAMPLES / "readiness/new_to_ccm.yaml"), "--lang", "fr"]) == 2


class _Collector(HTMLParser):
    """Checks that every opened element is closed in order (void elements excepted)."""

    VOID = frozenset({"meta", "br", "line", "rect", "path"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["new_to_ccm", "running_pilot", "hospital_host", "other_provider_host"])
def test_html_report_is_well_formed_and_names_every_factor(name: str, lang: str, pack: RulePack) -> None:
    result = assess(EXAMPLES / f"readiness/{name}.yaml", pack)
    page = render_report(explain_readiness(result, pack, lang))
    root = ET.fromstring(page.split("\n", 1)[1])  # XML parser: every element closed, only XML entities
    assert root.get("lang") == lang
    collector = _Collector()
    collector.feed(page)
    collector.close()
    assert collector.errors == [] and collector.stack == []
    text = " ".join(collector.text)
    for factor in factor_catalogue(pack).factors:
        assert factor.title[lang] in text, factor.id
        assert factor.short_title[lang] in text, factor.id
    for phase in rollout_plan(pack).phases:
        assert phase.title[lang] in text
    sensitisation = rollout_plan(pack).sensitisation
    assert sensitisation is not None
    assert (sensitisation.title[lang] in text) is (result.phases[0].phase == "sensitisation")
    assert pack.text("readiness.heading.system", lang) in text
    assert result.system_decision is not None
    for criterion in pack.ruleset("readiness_system").spec.criteria:
        assert criterion.title[lang] in text, criterion.id
    assert pack.text("readiness.heading.lessons", lang) in text


def test_explaining_with_another_pack_is_refused(pack: RulePack) -> None:
    import attrs

    from ccm_rules import PackMismatchError

    result = assess_readiness(read_region(EXAMPLES / "readiness/new_to_ccm.yaml", pack=pack), pack=pack)
    foreign = attrs.evolve(result, pack=attrs.evolve(result.pack, content_hash="sha256:" + "0" * 64))
    with pytest.raises(PackMismatchError, match="not by the loaded pack"):
        explain_readiness(foreign, pack, "en")


# ------------------------------------------------------------------ issue 15 item 11: the minimum variant


def region_of(pack: RulePack, text: str) -> ReadinessResult:
    return assess_readiness(parse_region(text, "r.yaml", pack=pack), pack=pack)


@pytest.mark.parametrize("sensitise", ["yes", "no", "unknown"])
@pytest.mark.parametrize(
    ("experience", "variant", "determined"),
    [("yes", "minimum", True), ("no", "maximum", True), ("unknown", "maximum", False)],
)
def test_first_experience_alone_decides_the_variant(
    pack: RulePack, experience: str, variant: str, determined: bool, sensitise: str
) -> None:
    """000 §Minimum-változat L97-99: 'A Minimum-változat abból indul ki, hogy a megfelelő régiónak már
    megvannak az elsődleges tapasztalatai' — the premise is first experience; the need to
    sensitise (L87-89) does not move the variant (DOMAIN.md §6)."""
    result = region_of(
        pack, f"starting_situation: {{prior_ccm_experience: {experience}, sensitisation_needed: {sensitise}}}\n"
    )
    assert (result.variant, result.variant_determined) == (variant, determined)
    assert [q.key for q in result.variant_decision.questions] == ([] if determined else ["prior_ccm_experience"])
    assert "sensitisation_needed" not in result.variant_decision.facts
    assert {c.id for c in result.variant_decision.criteria} == {"RV1", "RV3", "RV4", "RV5"}


def test_the_variant_ruleset_does_not_read_sensitisation(pack: RulePack) -> None:
    assert "sensitisation_needed" not in pack.ruleset("readiness_variant").spec.facts
    assert "sensitisation_needed" in pack.ruleset("readiness_phases").spec.facts


SENSITISED_FACTORS = "".join(f"  F5.P{n}: yes\n" for n in range(1, 7)) + "".join(
    f"  F6.P{n}: yes\n" for n in (1, 2, 3, 4, 6, 7, 8, 9, 10)
)


@pytest.mark.parametrize(
    ("sensitise", "first_phase", "provisional", "rp1", "reason"),
    [
        ("yes", "sensitisation", False, Status.NOT_MET, "sensitisation"),
        ("unknown", "sensitisation", True, Status.UNKNOWN, "sensitisation_unknown"),
        ("no", "initial", False, Status.MET, None),
    ],
)
def test_sensitisation_shapes_the_phase_plan(
    pack: RulePack, sensitise: str, first_phase: str, provisional: bool, rp1: Status, reason: str | None
) -> None:
    """000 §Kiindulási helyzet L87-89 'szükséges-e előzetesen érzékenyíteni az ezzel foglalkozó
    személyeket': sensitising first opens the phase plan, with the factors of sensitisation
    (F5 'Érzékenyítés a téma iránt', F6), even in the minimum variant and even when those
    factors are wholly in place and free of risks."""
    result = region_of(
        pack,
        f"starting_situation: {{prior_ccm_experience: yes, sensitisation_needed: {sensitise}}}\npioneer:\n{SENSITISED_FACTORS}",
    )
    assert result.variant == "minimum" and result.variant_determined
    assert result.phases[0].phase == first_phase and result.phases[0].provisional is provisional
    assert [p.phase for p in result.phases][-4:] == ["initial", "implementation", "normal_operation", "all_phases"]
    assert result.phases_decision is not None and result.phases_decision.criterion("RP1").status is rp1
    for factor in ("F5", "F6"):
        score = result.factor(factor)
        assert score.share == 1.0 and not score.risks_present
        assert score.reasons == ((reason,) if reason else ())
    view = explain_readiness(result, pack, "en")
    asked = any("starting_situation.sensitisation_needed" in q for q in view.questions)
    assert asked is (sensitise == "unknown")
    assert view.phases[0].provisional is provisional
    text = render_readiness_text(view)
    assert ("Sensitisation first" in text) is (sensitise != "no")


def test_maximum_variant_keeps_every_factor_and_the_sensitisation_step(pack: RulePack) -> None:
    result = assess(EXAMPLES / "readiness/new_to_ccm.yaml", pack)
    assert result.variant == "maximum" and all(f.reasons == ("all_factors",) for f in result.factors)
    assert result.phases[0] == PhaseFocus("sensitisation", ("F5", "F6"))


# ------------------------------------------------------------------ item 12: structural independence


def sl4h(pack: RulePack, host: str | None, independent: str | None = None) -> tuple[Status, list[str]]:
    lines = [f"host: {host}"] if host else []
    if independent is not None:
        lines.append(f"lessons: {{host_independent: {independent}}}")
    result = region_of(pack, "\n".join(lines) + "\n" if lines else "{}\n")
    criterion = result.lessons_decision.criterion("SL4H")
    return criterion.status, [q.key for q in open_questions([criterion])]


@pytest.mark.parametrize("independent", [None, "yes", "no"])
@pytest.mark.parametrize("host", ["authority", "local_hospital", "mobile_care_provider"])
def test_the_seeds_named_hosts_break_independence_whatever_is_claimed(
    pack: RulePack, host: str, independent: str | None
) -> None:
    """000 §Tanulságok L658-659: 'a CCM szolgálat nem telepedhet le egy hivatalnál, helyi kórháznál
    vagy mobil ápolási szolgáltatónál sem'."""
    assert sl4h(pack, host, independent) == (Status.NOT_MET, [])


def test_a_host_not_shown_independent_is_a_question_never_a_pass(pack: RulePack) -> None:
    """000 §Tanulságok L659-661: 'A szolgálatot struktúrát tekintve függetlenül kell végezni' — the
    principle; the three hosts are its examples. Another provider passes only when shown independent."""
    assert sl4h(pack, "other_provider") == (Status.UNKNOWN, ["host_independent"])
    assert sl4h(pack, "other_provider", "yes") == (Status.MET, [])
    assert sl4h(pack, "other_provider", "no") == (Status.NOT_MET, [])
    assert sl4h(pack, "independent_organisation") == (Status.MET, [])
    assert sl4h(pack, "independent_organisation", "yes") == (Status.MET, [])
    status, asked = sl4h(pack, None)
    assert status is Status.UNKNOWN and asked[0] == "host"


def test_other_provider_example_asks_for_independence(pack: RulePack) -> None:
    result = assess(EXAMPLES / "readiness/other_provider_host.yaml", pack)
    view = explain_readiness(result, pack, "en")
    finding = next(c for lesson in view.lessons for c in lesson.findings if c.id == "SL4H")
    assert (
        finding.status is Status.UNKNOWN
        and "another service provider" in finding.reason
        and "must be shown independent" in finding.reason
    )
    assert any("[fill in: lessons.host_independent]" in q for q in view.questions)


def test_independent_host_answered_not_independent_is_refused(pack: RulePack) -> None:
    with pytest.raises(InputFileError) as info:
        parse_region("host: independent_organisation\nlessons:\n  host_independent: no\n", "c.yaml", pack=pack)
    [problem] = info.value.problems
    assert (problem.path, problem.line) == ("$.lessons.host_independent", 3)
    assert "contradicts host: independent_organisation" in problem.message


# ------------------------------------------------------------------ item 13: seed 001 row 5 as a readiness check

ROW5 = "001_bb7494a8907fa6f9.txt §5 L8"
SYSTEM_OK = {
    "clients_shared": "yes",
    "roles_divided": "yes",
    "information_sharing": "yes",
    "common_process": "yes",
    "joint_funding": "yes",
    "cm_beside_direct_work": "no",
}


def system_result(pack: RulePack, **answers: str) -> ReadinessResult:
    fields = {**SYSTEM_OK, **answers}
    result = region_of(pack, "system:\n" + "".join(f"  {k}: {v}\n" for k, v in fields.items()))
    assert result.system_decision is not None
    return result


def test_row_5_is_one_readiness_check_citing_the_row(pack: RulePack) -> None:
    """001 row 5: 'CM vyžaduje systémovou multidisciplinaritu nastavenou na regionální úrovni (obce nebo
    obcí), dělbu rolí a odpovědností, systém sdílení informací, jednotný proces a spolupráci na
    financování. Klienti jsou sdílení.' — all of it in place: case management as a system."""
    ruleset = pack.ruleset("readiness_system")
    assert ruleset.spec.source.ref == ROW5
    assert all(c.source.ref == ROW5 and c.source.quote for c in ruleset.spec.criteria)
    result = system_result(pack)
    assert result.system_decision is not None and result.system_decision.outcome is Outcome.ELIGIBLE


@pytest.mark.parametrize(
    ("fact", "value", "criterion"),
    [
        ("clients_shared", "no", "RS1"),
        ("clients_shared", "partly", "RS1"),
        ("roles_divided", "partly", "RS2"),
        ("information_sharing", "no", "RS3"),
        ("common_process", "no", "RS4"),
        ("joint_funding", "partly", "RS5"),
        ("cm_beside_direct_work", "yes", "RS6"),
    ],
)
def test_each_part_of_row_5_missing_is_a_finding(pack: RulePack, fact: str, value: str, criterion: str) -> None:
    result = system_result(pack, **{fact: value})
    decision = result.system_decision
    assert decision is not None and decision.outcome is Outcome.NOT_ELIGIBLE
    assert [c.id for c in decision.criteria if c.status is Status.NOT_MET] == [criterion]


@pytest.mark.parametrize(
    ("fact", "value", "criterion"), [("clients_shared", "no", "RS1"), ("cm_beside_direct_work", "yes", "RS6")]
)
def test_the_not_cm_side_is_the_warning(pack: RulePack, fact: str, value: str, criterion: str) -> None:
    """001 row 5, 'not CM': 'Každá služba má své klienty. Tzv „case manažeři“, kteří mají CM jako
    doplňkovou činnost k přímé práci s klientem, se snaží přesvědčit kolegy … Nemusí se jim podařit
    … nemusí spolupráce fungovat kvůli organizačním bariérám a nejednotnému procesu.'"""
    view = explain_readiness(system_result(pack, **{fact: value}), pack, "cs")
    reason = next(c.reason for c in view.system_criteria if c.id == criterion)
    for words in ("přesvědč", "kolegy v jiných organizacích", "organizačním bariérám a nejednotnému procesu"):
        assert words in reason, (criterion, words)
    text = render_readiness_text(view)
    assert pack.text("readiness.heading.system", "cs") in text and reason in text


def test_unanswered_system_fields_are_unknown_and_asked(pack: RulePack) -> None:
    result = region_of(pack, "system: {clients_shared: yes, cm_beside_direct_work: unknown}\n")
    decision = result.system_decision
    assert decision is not None and decision.outcome is Outcome.UNDETERMINED
    assert decision.criterion("RS1").status is Status.MET and decision.criterion("RS6").status is Status.UNKNOWN
    view = explain_readiness(result, pack, "en")
    assert sum("[fill in: system." in q for q in view.questions) == 5


def test_bad_system_fields_name_field_and_line(pack: RulePack) -> None:
    with pytest.raises(InputFileError) as info:
        parse_region("system:\n  clients_shared: sometimes\n  shared_clients: yes\n", "s.yaml", pack=pack)
    found = {(p.path, p.line): p.message for p in info.value.problems}
    assert set(found) == {("$.system.clients_shared", 2), ("$.system.shared_clients", 3)}
    assert "use one of: yes, partly, no, unknown" in found[("$.system.clients_shared", 2)]
    assert "unknown system field 'shared_clients'" in found[("$.system.shared_clients", 3)]


# ------------------------------------------------------------------ item 16: every readiness citation


READINESS_FILES = sorted((RULES / "readiness").glob("*.yaml"))
REF_IN_TEXT = re.compile(r"(?P<file>\d{3}_[0-9a-f]{16}\.txt) (?P<sections>§[^)\n;]*?L\d+(?:-\d+)?(?:, L\d+(?:-\d+)?)*)")


def test_every_readiness_citation_stands_at_its_section_and_lines(pack: RulePack) -> None:
    """Each `source` of rules/readiness/*: its section label is a section of the seed, its lines lie in
    that section and its quote's words stand, in order, on those lines."""
    if not (SEEDS / SEED).exists():
        pytest.skip(SEEDS_MISSING)
    problems = [p for p in citation_drift(SEEDS, pack=pack) if "readiness" in Path(p.file or "").parts]
    assert [f"{p.file}:{p.line} {p.rule_id} {p.message}" for p in problems] == []
    cited = [c for c in pack.citations if "readiness" in Path(c.file).parts and c.sections]
    assert len(cited) >= 140  # every factor item, criterion, phase and lesson


def test_citations_written_into_rationales_name_real_sections_and_lines(pack: RulePack) -> None:
    """A rationale that points at the seed ('… (000_… §Fázisok L711-712) …') must be right as well."""
    sections = seed_sections(pack)
    checked = named = 0
    for citation in pack.citations:
        if "readiness" not in Path(citation.file).parts or not citation.source.rationale:
            continue
        named += len(re.findall(r"\d{3}_[0-9a-f]{16}\.txt", citation.source.rationale))
        for found in REF_IN_TEXT.finditer(citation.source.rationale):
            for cited in parse_ref(f"{found['file']} {found['sections']}"):
                span = section_lines(sections[cited.file], cited.label)
                assert span is not None, (citation.file, citation.path, cited.label)
                assert all(span[0] <= a <= b <= span[1] for a, b in cited.lines), (citation.file, citation.path, cited)
            checked += 1
    assert checked == named > 0  # every seed named in a rationale is cited by section and lines


def test_every_readiness_criterion_quotes_its_seed(pack: RulePack) -> None:
    for ruleset in ("readiness_variant", "readiness_phases", "readiness_lessons", "readiness_system"):
        for criterion in pack.ruleset(ruleset).spec.criteria:
            if criterion.source.ref != "project policy":
                assert criterion.source.quote, (ruleset, criterion.id)


def test_hungarian_plan_texts_stand_at_their_lines(pack: RulePack) -> None:
    """The starting questions, variants, phases, sensitisation step and lessons of plan.yaml are the
    seed's own Hungarian words: most of them must stand at the lines they cite."""
    if not (SEEDS / SEED).exists():
        pytest.skip(SEEDS_MISSING)
    seed = seed_lines(SEEDS / SEED)
    plan = rollout_plan(pack)
    entries: list[Any] = [*plan.starting_situation, *plan.variants, *plan.phases, *plan.lessons]
    assert plan.sensitisation is not None
    entries.append(plan.sensitisation)
    for entry in entries:
        text = entry.text["hu"] if hasattr(entry, "text") else entry.description["hu"]
        spans = [span for cited in parse_ref(entry.source.ref) for span in cited.lines]
        assert spans, entry.id
        on_lines = " ".join(seed[a - 1] for a, b in spans for a in range(a, b + 1)).lower()
        words = [w.strip(".,:;–-()„“\"'?") for w in text.lower().split()]
        missing = [w for w in words if len(w) > 3 and w not in on_lines]
        assert len(missing) <= max(1, len(words) // 5), (entry.id, missing)
