"""Regional rollout readiness: shipped region examples as scenarios, the catalogue as data,
bad region files, the CLI (text, JSON, HTML report) and the report's well-formedness."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ccm_rules import InputFileError, RulePack
from ccm_rules._readiness import ReadinessResult, assess_readiness
from ccm_rules._readiness_explain import explain_readiness, render_readiness_text
from ccm_rules._readiness_region import factor_catalogue, parse_region, read_region, rollout_plan, survey_instrument
from ccm_rules_adapters.cli import main
from ccm_rules_adapters.html.readiness import render_report

from .conftest import EXAMPLES, SEEDS, SEEDS_MISSING

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
    assert {p.stem for p in REGIONS} >= {"new_to_ccm", "running_pilot", "hospital_host"}


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
    assert result.overall.level == expect["overall_level"]
    assert [f.factor for f in result.factors if f.selected] == expect["selected"]
    for factor, reasons in expect.get("reasons", {}).items():
        assert list(result.factor(factor).reasons) == reasons
    assert {f.factor: f.unknown for f in result.factors if f.unknown} == expect["unknown_items"]
    assert result.lessons_decision.outcome.value == expect["lessons_outcome"]
    assert {c.id: c.status.value for c in result.lessons_decision.criteria} == expect["lessons"]
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
@pytest.mark.parametrize("name", ["new_to_ccm", "running_pilot", "hospital_host"])
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
    assert pack.text("readiness.heading.lessons", lang) in text


def test_explaining_with_another_pack_is_refused(pack: RulePack) -> None:
    import attrs

    from ccm_rules import PackMismatchError

    result = assess_readiness(read_region(EXAMPLES / "readiness/new_to_ccm.yaml", pack=pack), pack=pack)
    foreign = attrs.evolve(result, pack=attrs.evolve(result.pack, content_hash="sha256:" + "0" * 64))
    with pytest.raises(PackMismatchError, match="not by the loaded pack"):
        explain_readiness(foreign, pack, "en")
