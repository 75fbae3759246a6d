"""`screen_batches` and `ccm-rules batch`: every input row comes out once, as a result or an error."""

from __future__ import annotations

import datetime
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccm_rules import RulePack
from ccm_rules.engine.columnar import ERROR, Screener
from ccm_rules_adapters.batch import output_schema, screen_batches
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES, ROOT, RULES

ON = datetime.date(2026, 1, 1)
PACK = RulePack.load(RULES)
SCREENER = Screener(PACK, as_of=ON)
REGISTRY = EXAMPLES / "batch" / "registry.csv"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_registry", ROOT / "benchmarks" / "make_registry.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_registry"] = module
    spec.loader.exec_module(module)
    return module


make_registry = _generator().make_registry


@settings(max_examples=25, deadline=None)
@given(
    rows=st.integers(0, 300),
    seed=st.integers(0, 10**6),
    bad=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
    text=st.booleans(),
    cuts=st.lists(st.integers(0, 300), max_size=4),
)
def test_input_rows_equal_result_rows_plus_error_rows(
    rows: int, seed: int, bad: float, text: bool, cuts: list[int]
) -> None:
    frame = make_registry(rows, seed, bad=bad, text=text, pack=PACK)
    table = frame.to_arrow()
    bounds = sorted({0, rows, *(c for c in cuts if c < rows)})
    batches = [b for lo, hi in zip(bounds, bounds[1:], strict=False) for b in table.slice(lo, hi - lo).to_batches()]
    out = pa.Table.from_batches(list(screen_batches(batches, SCREENER)), schema=output_schema(SCREENER))
    errors = out.filter(pc.is_valid(out[ERROR])).num_rows
    results = out.filter(pc.is_null(out[ERROR])).num_rows
    assert results + errors == rows
    assert out["row"].to_pylist() == list(range(1, rows + 1))
    assert out["case"].to_pylist() == frame["case"].to_list()
    if bad == 0.0:
        assert errors == 0
    if bad == 1.0:
        assert results == 0


def test_cli_example_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results, errors = tmp_path / "results.parquet", tmp_path / "errors.csv"
    code = main(["batch", str(REGISTRY), "-o", str(results), "--errors", str(errors), "--as-of", "2026-01-01"])
    assert code == 1  # some rows went to the errors file
    assert "10 rows: 6 screened" in capsys.readouterr().err
    screened = pl.read_parquet(results)
    bad = pl.read_csv(errors)
    assert screened.height + bad.height == 10
    assert sorted(bad["row"].to_list()) == [6, 7, 8, 9]
    by_row = {r["row"]: r for r in bad.iter_rows(named=True)}
    assert by_row[6]["error_fields"] == "domains.mental_health"
    assert by_row[7]["error"] == "services_needed: expected an integer, got 'three'"
    assert by_row[8]["error_fields"] == "chronic_condition, age"
    assert "11 fields" in by_row[9]["error"]
    first = screened.row(0, named=True)
    assert (first["case"], first["eligibility_outcome"], first["eligibility_failed"]) == ("C-0101", "eligible", [])
    undecided = screened.filter(pl.col("case") == "C-0110").row(0, named=True)
    assert undecided["eligibility_outcome"] == "undetermined" and undecided["eligibility_failed"] == ["E2"]
    assert screened["pack_hash"].unique().to_list() == [PACK.info.content_hash]


def test_cli_agrees_with_single_case_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The batch row for a person and `ccm-rules eligibility` on the same facts agree."""
    registry = tmp_path / "one.csv"
    registry.write_text(
        "case,domains.housing,domains.finances,services_needed,chronic_condition,ongoing_coordination_needed,referral_only\nC-1,unmet_need,met_need,3,true,true,false\n"
    )
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.parquet"), "-q", "--ruleset", "eligibility"]) == 0
    row = pl.read_parquet(tmp_path / "r.parquet").row(0, named=True)
    case = tmp_path / "one.yaml"
    case.write_text(
        "facts:\n  domains: {housing: unmet_need, finances: met_need}\n  services_needed: 3\n  chronic_condition: true\n  ongoing_coordination_needed: true\n  referral_only: false\n"
    )
    assert main(["eligibility", str(case), "--format", "json"]) == 0
    import json

    decision = json.loads(capsys.readouterr().out)["decision"]
    assert row["eligibility_outcome"] == decision["outcome"] == "undetermined"
    assert row["eligibility_failed"] == [c["id"] for c in decision["criteria"] if c["status"] == "not_met"]
    assert "labour_market_outcome" not in row


def test_parquet_in_csv_out_and_default_errors_path(tmp_path: Path) -> None:
    registry = tmp_path / "reg.parquet"
    make_registry(500, 3, bad=0.02, pack=PACK).write_parquet(registry)
    out = tmp_path / "out.csv"
    code = main(["batch", str(registry), "-o", str(out), "-q", "--batch-rows", "64"])
    errors = tmp_path / "out.errors.csv"
    results = pl.read_csv(out)
    bad = pl.read_csv(errors)
    assert results.height + bad.height == 500
    assert code == (1 if bad.height else 0)
    assert sorted([*results["row"].to_list(), *bad["row"].to_list()]) == list(range(1, 501))


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--ruleset", "nonsense"], "no ruleset 'nonsense'"),
        (["--as-of", "2026-13-01"], "expected a date"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], needle: str) -> None:
    assert main(["batch", str(REGISTRY), "-o", str(tmp_path / "r.parquet"), *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_unknown_column_exit_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = tmp_path / "typo.csv"
    registry.write_text("case,servics_needed,domains.houzing\nC-1,3,unmet_need\n")
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.parquet")]) == 2
    err = capsys.readouterr().err
    assert "unknown column 'servics_needed'; did you mean 'services_needed'?" in err
    assert "unknown column 'domains.houzing'; did you mean 'domains.housing'?" in err
    assert f"{registry}:1:" in err


def test_unreadable_inputs_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "r.parquet")]) == 2
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet")
    assert main(["batch", str(broken), "-o", str(tmp_path / "r.parquet")]) == 2
    assert main(["batch", str(REGISTRY), "-o", str(tmp_path / "r.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 3 and "Traceback" not in err and "must end in .csv or .parquet" in err


def test_parquet_registry_streams_to_the_same_rows_as_screen(tmp_path: Path) -> None:
    """The CLI's streaming query (a Parquet registry in many morsels) gives exactly `Screener.screen`'s rows, in order."""
    frame = make_registry(700, 11, bad=0.05, pack=PACK)
    registry = tmp_path / "reg.parquet"
    frame.write_parquet(registry, row_group_size=50)  # polars screens it in several morsels
    results, errors = tmp_path / "out.parquet", tmp_path / "errors.parquet"
    code = main(["batch", str(registry), "-o", str(results), "--errors", str(errors), "-q", "--as-of", "2026-01-01"])
    want = SCREENER.screen(frame)
    assert code == 1 and want[ERROR].null_count() < 700
    assert pl.read_parquet(results).equals(want.filter(pl.col(ERROR).is_null()).drop("error_fields", ERROR))
    assert pl.read_parquet(errors).equals(
        want.filter(pl.col(ERROR).is_not_null()).select("row", "case", "error_fields", ERROR)
    )


def test_parquet_registry_keeps_its_row_numbers(tmp_path: Path) -> None:
    registry = tmp_path / "reg.parquet"
    make_registry(30, 5, pack=PACK).with_columns(row=pl.int_range(1000, 1030)).write_parquet(registry)
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.csv"), "-q"]) == 0
    assert pl.read_csv(tmp_path / "r.csv")["row"].to_list() == list(range(1000, 1030))
    assert pl.read_csv(tmp_path / "r.errors.csv").height == 0


def test_unwritable_output_exit_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = tmp_path / "reg.parquet"
    make_registry(10, 1, pack=PACK).write_parquet(registry)
    missing = tmp_path / "no" / "such" / "dir" / "r.parquet"
    assert main(["batch", str(registry), "-o", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and str(missing) in err and "Traceback" not in err


def test_progress_bar_counts_every_row_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = tmp_path / "reg.parquet"
    make_registry(300, 2, pack=PACK).write_parquet(registry, row_group_size=40)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.parquet")]) == 0
    err = capsys.readouterr().err
    assert "100%" in err and "300/300" in err


def test_a_csv_saved_by_excel_with_a_byte_order_mark_reads_like_one_without(tmp_path: Path) -> None:
    """Excel writes UTF-8 CSV with a BOM; it was read as a column '\\ufeffcase' and refused (found in review)."""
    plain = EXAMPLES / "batch/registry.csv"
    marked = tmp_path / "registry.csv"
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    outputs = []
    for source, name in ((plain, "plain"), (marked, "marked")):
        out = tmp_path / f"{name}.parquet"
        assert (
            main(
                [
                    "batch",
                    str(source),
                    "-o",
                    str(out),
                    "--errors",
                    str(tmp_path / f"{name}.csv"),
                    "--as-of",
                    "2026-01-01",
                    "-q",
                ]
            )
            == 1
        )
        outputs.append(pl.read_parquet(out))
    assert outputs[0].equals(outputs[1])
    assert (tmp_path / "plain.csv").read_text(encoding="utf-8") == (tmp_path / "marked.csv").read_text(encoding="utf-8")
