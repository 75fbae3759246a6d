"""`ccm-rules batch` against hostile and corrupted registries (issue 16 items 9-13).

No registry is trusted: an output path may be the registry itself, a stray quote may
try to swallow the lines after it, a Parquet column may hold lists, a `row` cell may be
a word, repeated or negative, and a cell may be 30 MB of personal data. Each test
attacks the real CLI; the round trip at the end corrupts a registry at random
(seeded) and checks the batch's promises: input rows = result rows + error rows, every
error names its line or row and field, and no error repeats more than the start of a cell.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from ccm_rules import RulePack
from ccm_rules.engine._errors import InputFileError
from ccm_rules.engine.columnar import SHOWN_CHARS, Screener
from ccm_rules_adapters.batch import screen_batches
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES, RULES
from .test_batch import make_registry

PACK = RulePack.load(RULES)
REGISTRY = EXAMPLES / "batch" / "registry.csv"
ON = ["--as-of", "2026-01-01", "-q"]


def _registry(tmp_path: Path, rows: int = 40, seed: int = 1) -> tuple[Path, list[str]]:
    """A clean CSV registry (text cells, no bad cell) and its lines."""
    path = tmp_path / "registry.csv"
    make_registry(rows, seed, bad=0.0, text=True, pack=PACK).write_csv(path)
    return path, path.read_text(encoding="utf-8").splitlines()


# ------------------------------------------------------------------ item 9: outputs never destroy the registry


@pytest.mark.parametrize("option", ["-o", "--errors"])
def test_an_output_that_is_the_registry_is_refused_and_the_registry_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    registry = tmp_path / "reg.csv"
    registry.write_bytes(REGISTRY.read_bytes())
    args = ["-o", str(registry)] if option == "-o" else ["-o", str(tmp_path / "r.csv"), "--errors", str(registry)]
    assert main(["batch", str(registry), *args, *ON]) == 2
    err = capsys.readouterr().err
    assert f"{registry}: the {option} file is the registry itself" in err and "Traceback" not in err
    assert registry.read_bytes() == REGISTRY.read_bytes()
    assert not (tmp_path / "r.csv").exists()


def test_a_link_to_the_registry_or_two_equal_outputs_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = tmp_path / "reg.csv"
    registry.write_bytes(REGISTRY.read_bytes())
    (tmp_path / "soft.csv").symlink_to(registry)
    (tmp_path / "hard.csv").hardlink_to(registry)
    (tmp_path / "sub").mkdir()
    for output in ("soft.csv", "hard.csv", "sub/../reg.csv"):
        assert main(["batch", str(registry), "-o", str(tmp_path / output), *ON]) == 2
    assert (
        main(["batch", str(registry), "-o", str(tmp_path / "r.csv"), "--errors", str(tmp_path / "sub/../r.csv"), *ON])
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("is the registry itself") == 3 and "would both be written to" in err
    assert registry.read_bytes() == REGISTRY.read_bytes()


def test_the_outputs_are_said_in_the_users_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = tmp_path / "reg.csv"
    registry.write_bytes(REGISTRY.read_bytes())
    assert main(["batch", str(registry), "-o", str(registry), "--lang", "cs", *ON]) == 2
    assert "je sám registr" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_an_interrupted_batch_leaves_the_earlier_outputs_and_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    source = tmp_path / f"reg{suffix}"
    frame = make_registry(600, 4, bad=0.05, text=suffix == ".csv", pack=PACK)
    frame.write_csv(source) if suffix == ".csv" else frame.write_parquet(source, row_group_size=100)
    results, errors = tmp_path / "r.csv", tmp_path / "e.csv"
    results.write_text("earlier results\n")
    errors.write_text("earlier errors\n")
    calls = 0
    screen = Screener.screen

    def stopped(self: Screener, frame: pl.DataFrame, first_row: int = 1) -> pl.DataFrame:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the batch
        return screen(self, frame, first_row)

    monkeypatch.setattr(Screener, "screen", stopped)
    if suffix == ".csv":  # one batch: stop once it is written, while the lines are counted, before the rename
        from ccm_rules_adapters.cli import batch

        def counting(path: Path) -> int:
            raise KeyboardInterrupt

        monkeypatch.setattr(batch, "_count_lines", counting)
    with pytest.raises((KeyboardInterrupt, InputFileError, pl.exceptions.PolarsError)):
        main(["batch", str(source), "-o", str(results), "--errors", str(errors), "--batch-rows", "100", *ON])
    assert results.read_text() == "earlier results\n" and errors.read_text() == "earlier errors\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["e.csv", "r.csv", source.name])


def test_a_finished_batch_replaces_the_outputs_whole(tmp_path: Path) -> None:
    results = tmp_path / "r.csv"
    results.write_text("x" * 100_000)
    assert main(["batch", str(REGISTRY), "-o", str(results), *ON]) == 1
    assert pl.read_csv(results).height == 6 and sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.errors.csv"]


# ------------------------------------------------------------------ item 10: a stray quote costs one line


def test_a_stray_quote_costs_its_own_line_only_and_row_numbers_stay_line_numbers(tmp_path: Path) -> None:
    """One `"` at the start of a cell once merged the next 743 lines into one cell (issue 16 item 10)."""
    registry, lines = _registry(tmp_path, rows=200)
    cells = lines[10].split(",")  # line 11 of the file, row 10
    cells[1] = '"' + cells[1]
    lines[10] = ",".join(cells)
    registry.write_text("\n".join(lines) + "\n")
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.csv"), *ON]) == 1
    results, errors = pl.read_csv(tmp_path / "r.csv"), pl.read_csv(tmp_path / "r.errors.csv")
    assert results.height + errors.height == 200 == len(lines) - 1
    assert errors["row"].to_list() == [10]
    assert errors["error_fields"].to_list() == [lines[0].split(",")[1]]
    assert "'\"" in errors["error"][0]  # the cell is shown with its quote
    assert sorted(results["row"].to_list()) == [r for r in range(1, 201) if r != 10]
    assert results.filter(pl.col("row") == 150)["case"].item() == lines[150].split(",")[0]  # row n is line n + 1


def test_a_quoted_cell_that_would_span_lines_is_an_error_of_each_line_it_touches(tmp_path: Path) -> None:
    registry, lines = _registry(tmp_path, rows=20)
    registry.write_text("\n".join([*lines[:5], lines[5] + ',"a', 'b"', *lines[6:]]) + "\n")
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.csv"), *ON]) == 1
    errors = pl.read_csv(tmp_path / "r.errors.csv")
    by_row = dict(zip(errors["row"].to_list(), errors["error"].to_list(), strict=True))
    assert set(by_row) == {5, 6}  # lines 6 and 7 of the file
    width = len(lines[0].split(","))
    assert by_row[5].startswith(f"line 6 has {width + 1} fields, the header {width}; quotes do not group cells")
    assert by_row[6].startswith("line 7 has 1 fields")
    assert pl.read_csv(tmp_path / "r.csv").height + 2 == 21 == len(lines) + 1 - 1


def test_quoted_cells_are_read_without_their_quotes(tmp_path: Path) -> None:
    registry = tmp_path / "q.csv"
    registry.write_text('"case",services_needed,chronic_condition\n"C-1","3",""\n"C-""2",4,"true"\n')
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.csv"), "--ruleset", "eligibility", *ON]) == 0
    results = pl.read_csv(tmp_path / "r.csv")
    assert results["case"].to_list() == ["C-1", 'C-"2'] and results["row"].to_list() == [1, 2]


def test_empty_lines_are_error_rows_naming_their_line(tmp_path: Path) -> None:
    registry, lines = _registry(tmp_path, rows=10)
    registry.write_text("\n".join([*lines[:4], "", *lines[4:], ",,,"]) + "\n")
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.csv"), *ON]) == 1
    errors = pl.read_csv(tmp_path / "r.errors.csv")
    width = len(lines[0].split(","))
    assert sorted(errors["error"].to_list()) == [f"line 13 has 4 fields, the header {width}", "line 5 is empty"]
    assert pl.read_csv(tmp_path / "r.csv")["row"].to_list() == [1, 2, 3, *range(5, 12)]


def test_records_that_do_not_match_the_lines_refuse_the_batch_naming_the_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count of lines read is checked against the file (here a reader that loses a line, simulated)."""
    from ccm_rules_adapters.cli import batch

    monkeypatch.setattr(batch, "_count_lines", lambda path: 1 + 10 + 743)
    assert main(["batch", str(REGISTRY), "-o", str(tmp_path / "r.csv"), *ON]) == 2
    assert (
        "the file has 754 lines, but 11 were read as the header and records: 743 lines are not accounted for"
        in capsys.readouterr().err
    )
    assert not (tmp_path / "r.csv").exists()


def test_lines_are_counted_as_the_reader_splits_them(tmp_path: Path) -> None:
    from ccm_rules_adapters.cli.batch import _count_lines

    path = tmp_path / "x.csv"
    for data, lines in ((b"", 0), (b"a\n", 1), (b"a", 1), (b"a\r\nb\rc\n\n", 4), (b"a\nb", 2)):
        path.write_bytes(data)
        assert _count_lines(path) == lines, data


# ------------------------------------------------------------------ item 11: a list column is refused by name


def test_a_list_column_is_refused_by_name_before_any_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = tmp_path / "list.parquet"
    pl.DataFrame({"case": ["A", "B"], "services_needed": [[1, 2], [3]]}).write_parquet(registry)
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.parquet"), *ON]) == 2
    err = capsys.readouterr().err
    assert "column 'services_needed' holds values of type List(Int64), which no check can read" in err
    assert len(err) < 400 and "Traceback" not in err and "col(" not in err
    assert list(tmp_path.iterdir()) == [registry]


def test_screen_batches_refuses_a_struct_column_by_name() -> None:
    import pyarrow as pa

    batch = pa.RecordBatch.from_pydict({"case": ["A"], "age": [{"years": 3}]})
    with pytest.raises(InputFileError, match="column 'age' holds values of type Struct"):
        list(screen_batches([batch], Screener(PACK)))


# ------------------------------------------------------------------ item 12: row identifies a row or is refused


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        ("abc", "column 'row' on line 3: 'abc' is not a row number"),
        ("99999999999999999999", "on line 3: '99999999999999999999' is not a row number"),
        ("-3", "on line 3: '-3' is not a row number"),
        ("0", "on line 3: '0' is not a row number"),
        ("2.5", "on line 3: '2.5' is not a row number"),
        ("", "column 'row' on line 3 is empty"),
        ("1", "column 'row' holds 1 twice, on line 2 and on line 3"),
    ],
)
def test_a_csv_row_cell_that_identifies_no_row_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cell: str, said: str
) -> None:
    registry = tmp_path / "reg.csv"
    registry.write_text(f"row,case,age\n1,A,30\n{cell},B,40\n")
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.csv"), *ON]) == 2
    err = capsys.readouterr().err
    assert said in err and "@ $.row" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == [registry]


def test_a_duplicate_row_number_across_batches_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = tmp_path / "reg.csv"
    registry.write_text("row,case\n" + "".join(f"{n},C{n}\n" for n in range(1, 300)) + "7,again\n")
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.csv"), "--batch-rows", "50", *ON]) == 2
    assert "column 'row' holds 7 twice, on line 8 and on line 301" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        (pl.Series([1, 1], dtype=pl.Int64), "holds 1 twice, in the file's row 1 and in the file's row 2"),
        (pl.Series([1, -2], dtype=pl.Int64), "in the file's row 2: '-2' is not a row number"),
        (pl.Series([1, 2**63 + 5], dtype=pl.UInt64), "'9223372036854775813' is not a row number"),
        (pl.Series([1, None], dtype=pl.Int64), "in the file's row 2 is empty"),
        (pl.Series(["1", "2"]), "column 'row' must hold whole numbers, not values of type String"),
    ],
)
def test_a_parquet_row_column_that_identifies_no_row_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: pl.Series, said: str
) -> None:
    registry = tmp_path / "reg.parquet"
    pl.DataFrame({"row": rows, "case": ["A", "B"]}).write_parquet(registry)
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.parquet"), *ON]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == [registry]


# ------------------------------------------------------------------ item 13: errors repeat only the start of a cell


def test_a_huge_bad_cell_is_cut_in_the_errors_file(tmp_path: Path) -> None:
    registry = tmp_path / "reg.csv"
    secret = "Jana Nováková born 1.2.1980 " * 40_000  # 1.2 MB of personal data in a status cell
    registry.write_text(f"case,domains.housing,age\n{'X' * 5000},{secret},{'7' * 200}\n", encoding="utf-8")
    assert main(["batch", str(registry), "-o", str(tmp_path / "r.csv"), *ON]) == 1
    text = (tmp_path / "r.errors.csv").read_text(encoding="utf-8")
    assert len(text) < 600
    error = pl.read_csv(tmp_path / "r.errors.csv").row(0, named=True)
    assert error["case"] == "X" * (SHOWN_CHARS - 3) + "..."
    assert (
        f"domains.housing: '{secret[: SHOWN_CHARS - 3]}...' ({len(secret)} characters) is not a status"
        in error["error"]
    )
    assert (
        f"age: {'7' * (SHOWN_CHARS - 3)}... (200 characters) is above the largest allowed value 120" in error["error"]
    )


def test_a_short_bad_cell_is_repeated_whole() -> None:
    frame = pl.DataFrame({"case": ["A"], "domains.housing": ["x" * SHOWN_CHARS], "age": ["y" * (SHOWN_CHARS + 1)]})
    error = Screener(PACK).screen(frame)["error"][0]
    assert f"'{'x' * SHOWN_CHARS}' is not a status" in error
    assert f"'{'y' * (SHOWN_CHARS - 3)}...' ({SHOWN_CHARS + 1} characters)" in error


# ------------------------------------------------------------------ the corrupted-registry round trip


def _corrupt(lines: list[str], rnd: random.Random, width: int) -> tuple[list[str], str]:
    """Corrupt some data lines of a CSV registry at random; which kind of row-number damage, if any."""
    out = [lines[0]]
    damage = "none"
    for line in lines[1:]:
        cells = line.split(",")
        kind = rnd.random()
        if kind < 0.05:  # a stray quote at the start of a cell
            at = rnd.randrange(width)
            cells[at] = '"' + cells[at]
        elif kind < 0.08:  # a missing field
            del cells[rnd.randrange(width)]
        elif kind < 0.11:  # an extra field
            cells.insert(rnd.randrange(width), "extra")
        elif kind < 0.16:  # a bad cell: a word, a huge text, a number out of range
            cells[rnd.randrange(1, width)] = rnd.choice(
                ["yes", "three", "-1", "1e400", "x" * 500, "999999999999999999999"]
            )
        elif kind < 0.17:
            out.append("")  # an empty line
        out.append(",".join(cells))
    if rnd.random() < 0.3:  # a row column, then maybe a bad or repeated row number
        damage = rnd.choice(["fine", "word", "twice", "negative", "huge"])
        numbers = [str(n) for n in range(1, len(out))]
        at = rnd.randrange(len(numbers))
        numbers[at] = {
            "fine": numbers[at],
            "word": "abc",
            "twice": numbers[at - 1] if at else "2",
            "negative": "-5",
            "huge": "1" + "0" * 19,
        }[damage]
        if damage == "twice" and len(numbers) < 2:
            damage = "fine"
        out = ["row," + out[0], *(f"{n},{line}" for n, line in zip(numbers, out[1:], strict=True))]
    return out, damage


@pytest.mark.parametrize("seed", range(12))
def test_a_randomly_corrupted_csv_registry_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: int
) -> None:
    rnd = random.Random(seed)
    rows = rnd.randrange(1, 400)
    frame = make_registry(rows, seed, bad=rnd.choice([0.0, 0.1]), text=True, pack=PACK)
    registry = tmp_path / "reg.csv"
    frame.write_csv(registry)
    lines, damage = _corrupt(registry.read_text().splitlines(), rnd, frame.width)
    registry.write_text("\n".join(lines) + "\n")
    results, errors = tmp_path / "r.csv", tmp_path / "e.csv"
    code = main(
        [
            "batch",
            str(registry),
            "-o",
            str(results),
            "--errors",
            str(errors),
            "--batch-rows",
            str(rnd.choice([7, 64, 100_000])),
            *ON,
        ]
    )
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if damage in ("word", "twice", "negative", "huge"):
        assert code == 2 and "column 'row'" in err and " line " in err
        assert not results.exists() and not errors.exists()
        return
    screened, bad = pl.read_csv(results, infer_schema=False), pl.read_csv(errors, infer_schema=False)
    assert screened.height + bad.height == len(lines) - 1  # input rows = result rows + error rows
    assert code == (1 if bad.height else 0)
    for error in bad.iter_rows(named=True):
        assert error["row"] is not None or error["error"].startswith("line ")
        assert error["error_fields"] is not None or error["error"].startswith("line "), error
        assert len(error["error"]) < 200 * max(1, (error["error_fields"] or "").count(",") + 1)
    assert not any(len(line) > 1000 for line in errors.read_text().splitlines())
    if damage == "none":  # row n is line n + 1, for results and errors alike
        numbers = sorted(int(r) for r in [*screened["row"].to_list(), *bad["row"].to_list()])
        assert numbers == list(range(1, len(lines)))


def _wrong_type(frame: pl.DataFrame, rnd: random.Random) -> tuple[pl.DataFrame, str | None]:
    """A Parquet registry with one column of another type: a scalar (row errors) or a list (refused)."""
    name = rnd.choice([c for c in frame.columns if c != "case"])
    kind = rnd.choice(["int", "float", "bool", "list"])
    cast: dict[str, Any] = {
        "int": pl.int_range(0, pl.len()) - 3,
        "float": pl.int_range(0, pl.len()) / 3,
        "bool": pl.int_range(0, pl.len()) % 2 == 0,
        "list": pl.concat_list(pl.int_range(0, pl.len()), pl.lit(1)),
    }
    return frame.with_columns(cast[kind].alias(name)), name if kind == "list" else None


@pytest.mark.parametrize("seed", range(6))
def test_a_parquet_registry_with_a_column_of_the_wrong_type_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: int
) -> None:
    rnd = random.Random(seed)
    rows = rnd.randrange(1, 300)
    frame, refused = _wrong_type(make_registry(rows, seed, bad=0.05, pack=PACK), rnd)
    registry = tmp_path / "reg.parquet"
    frame.write_parquet(registry, row_group_size=rnd.choice([16, 1000]))
    results, errors = tmp_path / "r.parquet", tmp_path / "e.csv"
    code = main(["batch", str(registry), "-o", str(results), "--errors", str(errors), *ON])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if refused is not None:
        assert code == 2 and f"column {refused!r} holds values of type List" in err
        assert not results.exists() and not errors.exists()
        return
    screened, bad = pl.read_parquet(results), pl.read_csv(errors, infer_schema=False)
    assert screened.height + bad.height == rows
    assert sorted([*screened["row"].to_list(), *(int(r) for r in bad["row"])]) == list(range(1, rows + 1))
    assert all(e["row"] is not None and e["error_fields"] for e in bad.iter_rows(named=True))
