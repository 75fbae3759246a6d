"""ACT fidelity (DACTS): the scale as data, scoring properties, examples and the CLI."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import FactsError, RulePack
from ccm_rules.fidelity._dacts import (
    DactsItem,
    dacts_scale,
    explain_dacts,
    read_program,
    render_dacts_text,
    score_dacts,
    score_item,
)
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES

PROGRAMS = sorted((EXAMPLES / "dacts").glob("*.yaml"))
ON = datetime.date(2027, 1, 1)


def test_scale_structure(pack: RulePack) -> None:
    doc = dacts_scale(pack)
    assert [sum(i.section == s.code for i in doc.items) for s in doc.sections] == [11, 7, 10]
    assert [i.id for i in doc.items][:3] == ["H1", "H2", "H3"]
    verified = {i.id for i in doc.items if i.verified == "verified"}
    assert verified == {"H1", "H2", "H3", "H4", "H5", "H6"}
    for item in doc.items:
        if item.verified != "verified":
            assert item.source.ref == "project policy" and item.source.rationale, item.id


def test_bands_cover_high_moderate_low(pack: RulePack) -> None:
    uses = pack.parameter_set("dacts_bands").values_at(ON)
    assert uses == {"high_fidelity_min_mean": 4.0, "moderate_fidelity_min_mean": 3.0}


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_example(path: Path, pack: RulePack) -> None:
    program = read_program(path)
    expect = program.expect
    assert expect is not None
    result = score_dacts(program.figures, as_of=program.as_of, pack=pack)
    assert result.band == expect["band"]
    if "total_mean" in expect:
        assert round(result.total_mean or 0, 2) == expect["total_mean"]
        assert {s.code: round(s.mean or 0, 2) for s in result.sections} == expect["sections"]
        assert list(result.improve) == expect["improve"]
    if "possible_bands" in expect:
        assert list(result.possible_bands) == expect["possible_bands"]
        assert len(result.missing) == expect["missing_count"]
    for item_id, score in expect.get("scores", {}).items():
        assert result.item(item_id).score == score, item_id
    for lang in pack.languages:
        text = render_dacts_text(explain_dacts(result, pack, lang), pack=pack)
        assert "{" not in text and "H1" in text and "S10" in text


def test_examples_cover_each_band(pack: RulePack) -> None:
    bands = {read_program(p).expect["band"] for p in PROGRAMS}  # type: ignore[index]
    assert {"high", "moderate", "low"} <= bands


def test_total_mean_is_the_mean_of_28_items(pack: RulePack) -> None:
    result = score_dacts(read_program(EXAMPLES / "dacts/high_fidelity.yaml").figures, as_of=ON, pack=pack)
    scores = [i.score for i in result.items]
    assert None not in scores
    assert result.total_sum == sum(scores)  # type: ignore[arg-type]
    assert result.total_mean == pytest.approx(sum(scores) / 28)  # type: ignore[arg-type]


def test_h3_top_score_needs_every_client_reviewed(pack: RulePack) -> None:
    def h3(flag: bool | None) -> tuple[int | None, int, int]:
        figures: dict[str, Any] = {"program_meetings_per_week": 5}
        if flag is not None:
            figures["meeting_reviews_every_client"] = flag
        s = score_dacts(figures, as_of=ON, pack=pack).item("H3")
        return s.score, s.low, s.high

    assert h3(True) == (5, 5, 5)
    assert h3(False) == (4, 4, 4)
    assert h3(None) == (None, 4, 5)


def test_improve_first_breaks_ties_in_scale_order(pack: RulePack) -> None:
    figures = {"turnover_pct_2_years": 70, "clients_per_staff": 40, "program_fte": 3}  # all three score 2
    result = score_dacts(figures, as_of=ON, pack=pack)
    assert result.improve == ("H1", "H5", "H11")


@pytest.mark.parametrize(
    ("figures", "path", "needle"),
    [
        ({"program_fte": -1}, "$.program_fte", "below the smallest allowed value 0"),
        ({"pct_contacts_in_community": 120}, "$.pct_contacts_in_community", "above the largest allowed value 100"),
        ({"clients_per_staf": 9}, "$.clients_per_staf", "did you mean 'clients_per_staff'"),
        ({"crisis_services_rating": 3.5}, "$.crisis_services_rating", "whole number from 1 to 5"),
        ({"program_fte": "ten"}, "$.program_fte", "expected a number"),
    ],
)
def test_bad_figures_name_the_field(pack: RulePack, figures: dict[str, Any], path: str, needle: str) -> None:
    with pytest.raises(FactsError) as info:
        score_dacts(figures, as_of=ON, pack=pack)
    assert [(p.path, needle in p.message) for p in info.value.problems] == [(path, True)]


# ---------------------------------------------------------------- properties


def _numeric_items(pack: RulePack) -> list[DactsItem]:
    return [i for i in dacts_scale(pack).items if i.scoring != "rating"]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_item_scores_are_monotone_and_within_1_to_5(pack: RulePack, data: st.DataObject) -> None:
    item = data.draw(st.sampled_from(_numeric_items(pack)))
    top = item.max if item.max is not None else 1.7e308  # no cap: any finite figure must score
    a, b = sorted(data.draw(st.lists(st.floats(item.min, top, allow_nan=False), min_size=2, max_size=2)))
    cuts = item.cuts[0].value
    flag = data.draw(st.sampled_from([True, False]))
    (low_a, high_a, _), (low_b, high_b, _) = score_item(item, a, cuts, flag), score_item(item, b, cuts, flag)
    assert 1 <= low_a <= high_a <= 5 and 1 <= low_b <= high_b <= 5
    if item.scoring == "at_least":
        assert low_a <= low_b
    else:
        assert low_a >= low_b


@settings(max_examples=40, deadline=None)
@given(ratings=st.lists(st.integers(1, 5), min_size=6, max_size=6))
def test_rating_items_score_the_rating(pack: RulePack, ratings: list[int]) -> None:
    items = [i for i in dacts_scale(pack).items if i.scoring == "rating"]
    result = score_dacts(dict(zip([i.figure for i in items], ratings, strict=True)), as_of=ON, pack=pack)
    assert [result.item(i.id).score for i in items] == ratings
    assert 1 <= result.mean_low <= result.mean_high <= 5


# ---------------------------------------------------------------- CLI


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        assert not any(k in ("src", "href") for k, _ in attrs), "the report must not fetch anything"


def test_cli_html_report_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert (
        main(
            [
                "fidelity",
                "dacts",
                str(EXAMPLES / "dacts/moderate_fidelity.yaml"),
                "--format",
                "html",
                "--lang",
                "de",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    text = out.read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(text)
    assert "svg" in parser.tags and "script" not in parser.tags
    charts = [
        ET.fromstring(part.split("</svg>")[0] + "</svg>") for part in ("<svg" + p for p in text.split("<svg")[1:])
    ]
    assert [len(svg.findall(".//{http://www.w3.org/2000/svg}rect")) for svg in charts] == [
        11,
        7,
        10,
    ]  # a chart per section, a bar per item
    assert "mittlere Modelltreue" in text and 'lang="de"' in text


def test_cli_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fidelity", "dacts", str(EXAMPLES / "dacts/low_fidelity.yaml")]) == 0
    out = capsys.readouterr().out
    assert "LOW FIDELITY" in out and "Items to improve first:" in out and "ACT-P03" in out
    assert main(["fidelity", "dacts", str(EXAMPLES / "dacts/partly_measured.yaml"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["result"]["band"] is None and data["result"]["total_mean"] is None
    assert len(data["explanation"]["missing"]) == 23


def test_cli_bad_program_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("program: X\nfigures:\n  nurse_fte_per_100: -0.5\n  pct_full_staffing_12_months: 140\n")
    assert main(["fidelity", "dacts", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3:" in err and "$.figures.nurse_fte_per_100" in err
    assert f"{bad}:4:" in err and "above the largest allowed value 100" in err and "Traceback" not in err
    bad.write_text("figures: {}\nname: Jan\n")
    assert main(["fidelity", "dacts", str(bad)]) == 2
    assert "unknown key 'name'" in capsys.readouterr().err
