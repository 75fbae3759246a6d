"""`ccm-rules indicators SOURCE`: the example provider's logs in every format, and the commissioner's HTML report."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pl = pytest.importorskip("polars", reason="the indicators need the records extra: pip install -e '.[records]'")
pytest.importorskip("narwhals", reason="the indicators need the records extra: pip install -e '.[records]'")

from ccm_rules.records import current, read_records, tables  # noqa: E402
from ccm_rules.records.indicators import indicators  # noqa: E402
from ccm_rules_adapters.cli import main  # noqa: E402
from ccm_rules_adapters.html.indicators import render_indicators_html  # noqa: E402

from .conftest import ROOT  # noqa: E402

RECORDS = ROOT / "examples" / "records"
PERIOD = ["--from", "2026-01-01", "--to", "2026-06-30"]


def expected(by: str | None = None) -> list[dict[str, object]]:
    logs = tables(current(read_records(RECORDS)))
    frames = {
        k: pl.DataFrame(
            [{c: v for c, v in r.items() if not isinstance(v, list | tuple)} for r in rows], infer_schema_length=None
        )
        for k, rows in logs.items()
    }
    return indicators(frames, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30), by=by).to_dicts()  # type: ignore[no-any-return]


def test_json_is_the_indicator_table_of_the_records_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["indicators", str(RECORDS), *PERIOD, "--by", "provider", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    assert document["indicators"] == expected("provider")
    assert any(r["indicator"] == "output.clients_served" and r["value"] > 0 for r in document["indicators"])


def test_text_is_in_the_asked_language_with_decimal_commas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["indicators", str(RECORDS), *PERIOD, "--lang", "hu"]) == 0
    out = capsys.readouterr().out
    assert "A szolgáltatást igénybevevők száma" in out  # 002 §6, in the seed's own words
    assert "output.clients_served" not in out
    mean = next(r for r in expected() if r["indicator"] == "satisfaction.mean")["value"]
    assert f"{round(float(mean), 2)}".replace(".", ",") in out  # type: ignore[arg-type]


def test_csv_and_parquet_hold_the_same_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["indicators", str(RECORDS), *PERIOD, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "group,indicator,category,value"
    assert len(lines) - 1 == len(expected())
    assert main(["indicators", str(RECORDS), *PERIOD, "--format", "parquet", "-o", str(tmp_path / "i.parquet")]) == 0
    assert pl.read_parquet(tmp_path / "i.parquet").to_dicts() == expected()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["indicators", "no/such/folder", *PERIOD], "no/such/folder"),
        (["indicators", str(RECORDS), "--from", "2026-06-30", "--to", "2026-01-01"], "2026-01-01"),
        (["indicators", str(RECORDS), *PERIOD, "--format", "parquet"], "parquet"),
        (["indicators", str(RECORDS), *PERIOD, "--lang", "fr"], "fr"),
        (
            ["indicators", str(RECORDS), *PERIOD, "--format", "parquet", "-o", "/no/such/folder/i.parquet"],
            "/no/such/folder/i.parquet",
        ),
    ],
)
def test_bad_input_is_exit_2_with_a_message_naming_it(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("lang", ["en", "cs", "hu", "de"])
def test_the_html_report_is_well_formed_translated_and_escapes_every_text(lang: str) -> None:
    rows = [
        {"group": "<script>alert(1)</script>", "indicator": "output.clients_served", "category": None, "value": 3.0},
        {"group": "<script>alert(1)</script>", "indicator": "impact", "category": "employed", "value": 2.0},
        {"group": "<script>alert(1)</script>", "indicator": "result.fulfilment_rate", "category": None, "value": 0.5},
    ]
    page = render_indicators_html(
        rows, lang=lang, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30), by="provider"
    )
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    ET.fromstring(page.split("<!DOCTYPE html>", 1)[1])  # well-formed (XHTML-compatible) markup, SVG included
    assert f'lang="{lang}"' in page
    assert ("50,0 %" if lang != "en" else "50.0 %") in page
    assert page.count("<svg") == 1  # one chart: the only indicator with categories


def test_the_html_report_of_the_example_provider_has_a_chart_per_categorised_indicator(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["indicators", str(RECORDS), *PERIOD, "--format", "html", "--lang", "de", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    categorised = {r["indicator"] for r in expected() if r["category"] is not None}
    assert page.count("<svg") == len(categorised)
    assert "Betreute Klientinnen und Klienten" in page
