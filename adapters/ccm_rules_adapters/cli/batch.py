"""`ccm-rules batch REGISTRY -o RESULTS`: screen every row of a registry (CSV or Parquet).

Rows are screened by `ccm_rules._columnar.Screener`, as by `ccm_rules_adapters.batch`:
a Parquet registry in one streaming polars query (read, screen and write overlap),
a CSV registry in record batches from pyarrow's reader (which reports malformed
lines). Screened rows go to the results file, rows with a bad cell (or a malformed
CSV line) to the errors file with their row number and field, and the batch goes
on. Input rows = result rows + error rows, always. Exit 0 when every row was screened, 1 when some
went to the errors file, 2 when the batch could not run (unreadable file, unknown
column, unknown ruleset).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccm_rules import InputFileError, Problem

from ._common import EXIT_FINDINGS, EXIT_OK, date_arg, load_pack, require_extra

if TYPE_CHECKING:
    from ccm_rules._columnar import Screener

DEFAULT_BATCH_ROWS = 262_144


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "batch",
        help="screen every row of a registry (CSV or Parquet) for eligibility, columnar",
        description=(
            "Screen a registry: one row per person, one column per fact, one column "
            "'domains.<code>' per life domain (see docs/batch.md). Writes per row the outcome, "
            "the criteria not met and unknown as reason codes, and the rule-pack hash."
        ),
    )
    parser.add_argument("registry", type=Path, help="registry file: .csv or .parquet")
    parser.add_argument("-o", "--output", type=Path, required=True, help="results file: .parquet or .csv")
    parser.add_argument("--errors", type=Path, default=None, help="error rows: .csv or .parquet (default: RESULTS stem + .errors.csv)")
    parser.add_argument(
        "--ruleset", action="append", default=None, help="ruleset to apply; repeat for several (default: eligibility and labour_market)"
    )
    parser.add_argument("--as-of", type=date_arg, default=None, help="decide with the parameters in force on this date (default: today)")
    parser.add_argument("--rules", type=Path, default=None, help="rule pack directory (default: the shipped pack)")
    parser.add_argument("--ignore-extra-columns", action="store_true", help="skip columns no ruleset reads instead of refusing them")
    parser.add_argument("--batch-rows", type=int, default=DEFAULT_BATCH_ROWS, help=argparse.SUPPRESS)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    parser.set_defaults(handler=run)



def run(args: argparse.Namespace) -> int:
    require_extra("batch", "polars", "pyarrow")
    from ccm_rules._columnar import DEFAULT_RULESETS, Screener

    _check_suffix(args.registry, "registry", (".csv", ".parquet"))
    _check_suffix(args.output, "output", (".csv", ".parquet"))
    errors_path = args.errors or args.output.with_name(args.output.stem + ".errors.csv")
    _check_suffix(errors_path, "errors", (".csv", ".parquet"))
    screen = Screener(load_pack(args), tuple(args.ruleset or DEFAULT_RULESETS), args.as_of)
    source = _Source(args.registry, args.batch_rows)
    screen.check_columns(source.names, ignore_extra=args.ignore_extra_columns, file=str(args.registry))
    with _progress(source.total, args.quiet or not sys.stderr.isatty()) as bar:
        if source.parquet:
            rows, bad = _screen_parquet(source, screen, args.output, errors_path, bar)
        else:
            rows, bad = _screen_csv(source, screen, args.output, errors_path, bar)
    if not args.quiet:
        sys.stderr.write(f"{rows} rows: {rows - bad} screened → {args.output}, {bad} with errors → {errors_path}\n")
    return EXIT_FINDINGS if bad else EXIT_OK


ERROR_COLUMNS = ["row", "case", "error_fields", "error"]


def _screen_parquet(source: _Source, screen: Screener, output: Path, errors_path: Path, bar: Any) -> tuple[int, int]:
    """Screen a Parquet registry as one streaming polars query; (rows, rows with errors).

    polars reads the file in morsels, screens them (`Screener.screen`, the same as
    for Arrow batches), and writes results and errors as they come, in file order:
    memory stays bounded, and reading, screening and writing overlap on all cores.
    The three outputs share one scan and one screening (a common subplan).
    """
    import polars as pl

    from ccm_rules._columnar import ERROR, ERROR_FIELDS, ROW

    registry = pl.scan_parquet(source.path)
    if ROW not in source.names:
        registry = registry.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))

    def step(frame: pl.DataFrame) -> pl.DataFrame:
        out: pl.DataFrame = screen.screen(frame)
        bar.update(frame.height)
        return out

    screened = registry.map_batches(step, schema=screen.output_schema(), streamable=True)
    ok = pl.col(ERROR).is_null()
    queries = [
        _sink(screened.filter(ok).drop(ERROR_FIELDS, ERROR), output),
        _sink(screened.filter(ok.not_()).select(ERROR_COLUMNS), errors_path),
        screened.select(pl.len().alias("rows"), ok.not_().sum().alias("errors")),
    ]
    for path in (output, errors_path):
        _writable(path)
    try:
        counts = pl.collect_all(queries, engine="streaming")[-1].row(0)
    except (OSError, pl.exceptions.PolarsError) as err:
        problem = Problem(f"cannot screen the registry: {err}", file=str(source.path), kind="io")
        raise InputFileError("cannot read the registry or write the results", [problem]) from err
    return int(counts[0]), int(counts[1])


def _writable(path: Path) -> None:
    """Create (or empty) an output file now, so that an unwritable path is named before any work."""
    try:
        path.open("wb").close()
    except OSError as err:
        raise InputFileError("cannot write the output", [Problem(f"cannot write: {err}", file=str(path), kind="io")]) from err


# Results Parquet: zstd as polars writes it by default (a third of the size of lz4 or
# snappy, at about the same speed here); statistics are the null counts only: min/max
# of list and string columns cost as much as writing them and serve no reader here.
_PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "statistics": {"min": False, "max": False, "distinct_count": False, "null_count": True}}


def _sink(frame: Any, path: Path) -> Any:
    """A lazy sink writing a frame to Parquet, or to CSV with reason-code lists joined by `;`."""
    if path.suffix.lower() == ".parquet":
        return frame.sink_parquet(path, lazy=True, **_PARQUET_OPTIONS)
    return frame.with_columns(_csv_columns(frame.collect_schema())).sink_csv(path, lazy=True)


def _csv_columns(schema: Any) -> list[Any]:
    """Lists of reason codes as `;`-joined text, Enums as text: CSV has no other types."""
    import polars as pl

    lists = [name for name, dtype in schema.items() if isinstance(dtype, pl.List)]
    enums = [name for name, dtype in schema.items() if isinstance(dtype, pl.Enum | pl.Categorical)]
    return [pl.col(lists).cast(pl.List(pl.String)).list.join(";"), pl.col(enums).cast(pl.String)]


def _screen_csv(source: _Source, screen: Screener, output: Path, errors_path: Path, bar: Any) -> tuple[int, int]:
    """Screen a CSV registry batch by batch (pyarrow's reader reports malformed lines); (rows, rows with errors)."""
    import polars as pl

    from ccm_rules._columnar import ERROR, ERROR_FIELDS

    rows = bad_rows = 0
    first_row = 1
    with _Sink(output) as results, _Sink(errors_path) as errors:
        for frame in source.frames():
            out = screen.screen(frame, first_row)
            first_row += frame.height
            if out[ERROR].null_count() == out.height:  # no bad row: nothing to filter
                bad = out.clear()
                results.write(out.drop(ERROR_FIELDS, ERROR))
            else:
                bad = out.filter(pl.col(ERROR).is_not_null())
                results.write(out.filter(pl.col(ERROR).is_null()).drop(ERROR_FIELDS, ERROR))
            errors.write(bad.select(ERROR_COLUMNS))
            rows, bad_rows = rows + out.height, bad_rows + bad.height
            bar.update(out.height)
        malformed = source.malformed()
        if malformed or errors.writer is None:
            schema = {name: screen.output_schema()[name] for name in ERROR_COLUMNS}
            errors.write(pl.DataFrame(malformed, schema=schema))
            rows, bad_rows = rows + len(malformed), bad_rows + len(malformed)
        if results.writer is None:
            results.write(pl.DataFrame(schema=screen.output_schema()).drop(ERROR_FIELDS, ERROR))
    return rows, bad_rows


class _NoBar:
    """Stands in for the progress bar when it is off (and tqdm need not be imported)."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


def _progress(total: int | None, quiet: bool) -> Any:
    if quiet:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="rows", unit_scale=True, file=sys.stderr)


def _check_suffix(path: Path, what: str, allowed: tuple[str, ...]) -> None:
    if path.suffix.lower() not in allowed:
        problem = Problem(f"the {what} file must end in {' or '.join(allowed)}, not {path.suffix or '(none)'!r}", file=str(path), kind="io")
        raise InputFileError(f"cannot tell the {what} file's format", [problem])


class _Source:
    """A registry file: its column names and row count (Parquet), or CSV read in Arrow record batches as text (empty = unknown)."""

    def __init__(self, path: Path, batch_rows: int) -> None:
        self.path = path
        self.batch_rows = batch_rows
        self.parquet = path.suffix.lower() == ".parquet"
        self._bad: list[dict[str, Any]] = []
        self._skipped: set[int] = set()
        self.names: list[str] = []
        self.total: int | None = None
        if self.parquet:
            self._parquet_metadata()
        else:
            try:
                with path.open(newline="", encoding="utf-8-sig") as handle:  # -sig: Excel's byte-order mark
                    self.names = next(csv.reader(handle), [])
            except (OSError, UnicodeDecodeError, ValueError) as err:
                raise _unreadable(path, err) from err
        if not self.names:
            raise _unreadable(path, ValueError("no header line"))

    def _parquet_metadata(self) -> None:
        """Column names and row count from the file's footer (polars, so that pyarrow need not load)."""
        import polars as pl

        try:
            self.names = list(pl.read_parquet_schema(self.path))
            self.total = pl.scan_parquet(self.path).select(pl.len()).collect().item()
        except (OSError, pl.exceptions.PolarsError) as err:
            raise _unreadable(self.path, err) from err

    def frames(self) -> Iterator[Any]:
        """A CSV registry in polars frames of about `batch_rows` rows, in file order, with row numbers."""
        import polars as pl
        import pyarrow as pa

        try:
            next_row = 1
            for batch in self._csv_reader():
                if "row" not in self.names:
                    rows: list[int] = []
                    while len(rows) < batch.num_rows:
                        if next_row not in self._skipped:
                            rows.append(next_row)
                        next_row += 1
                    batch = batch.append_column("row", pa.array(rows, pa.int64()))
                frame = pl.from_arrow(batch)
                assert isinstance(frame, pl.DataFrame)
                yield frame
        except (OSError, pa.ArrowInvalid, pl.exceptions.PolarsError) as err:
            raise _unreadable(self.path, err) from err

    def _csv_reader(self) -> Any:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        def skip(row: Any) -> str:
            data_row = (row.number or 0) - 1
            self._skipped.add(data_row)
            self._bad.append(
                {
                    "row": data_row,
                    "case": None,
                    "error_fields": None,
                    "error": f"line has {row.actual_columns} fields, the header {row.expected_columns}",
                }
            )
            return "skip"

        return pacsv.open_csv(
            self.path,
            read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=skip),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.int64() if name == "row" else pa.string() for name in self.names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )

    def malformed(self) -> list[dict[str, Any]]:
        """CSV lines that could not be split into the header's fields (known once read)."""
        return list(self._bad)


def _unreadable(path: Path, err: BaseException) -> InputFileError:
    return InputFileError("cannot read the registry", [Problem(f"cannot read registry: {err}", file=str(path), kind="io")])


class _Sink:
    """Writes polars frames to one Parquet or CSV file; in CSV, reason-code lists become `;`-joined text."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.csv = path.suffix.lower() == ".csv"
        self.writer: Any = None

    def __enter__(self) -> _Sink:
        return self

    def write(self, frame: Any) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        if self.csv:
            frame = frame.with_columns(_csv_columns(frame.schema))
        table = frame.to_arrow()
        try:
            if self.writer is None:
                self.writer = pacsv.CSVWriter(self.path, table.schema) if self.csv else pq.ParquetWriter(self.path, table.schema)
            self.writer.write_table(table)
        except OSError as err:
            raise InputFileError("cannot write the output", [Problem(f"cannot write: {err}", file=str(self.path), kind="io")]) from err

    def __exit__(self, *exc: object) -> None:
        if self.writer is not None:
            self.writer.close()
