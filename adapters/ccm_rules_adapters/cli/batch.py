"""`ccm-rules batch REGISTRY -o RESULTS`: screen every row of a registry (CSV or Parquet).

Rows are read in record batches and screened by `ccm_rules_adapters.batch`; screened
rows go to the results file, rows with a bad cell (or a malformed CSV line) to the
errors file with their row number and field, and the batch goes on. Input rows =
result rows + error rows, always. Exit 0 when every row was screened, 1 when some
went to the errors file, 2 when the batch could not run (unreadable file, unknown
column, unknown ruleset).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ccm_rules import InputFileError, Problem

from ._common import EXIT_FINDINGS, EXIT_OK

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
    parser.add_argument("--as-of", type=_date, default=None, help="decide with the parameters in force on this date (default: today)")
    parser.add_argument("--rules", type=Path, default=None, help="rule pack directory (default: the shipped pack)")
    parser.add_argument("--ignore-extra-columns", action="store_true", help="skip columns no ruleset reads instead of refusing them")
    parser.add_argument("--batch-rows", type=int, default=DEFAULT_BATCH_ROWS, help=argparse.SUPPRESS)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    parser.set_defaults(handler=run)


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date (YYYY-MM-DD), got {text!r}") from None


def run(args: argparse.Namespace) -> int:
    import polars as pl
    from tqdm import tqdm

    from ccm_rules._columnar import DEFAULT_RULESETS, ERROR, ERROR_FIELDS, ROW

    from ..batch import screener

    _check_suffix(args.registry, "registry", (".csv", ".parquet"))
    _check_suffix(args.output, "output", (".csv", ".parquet"))
    errors_path = args.errors or args.output.with_name(args.output.stem + ".errors.csv")
    _check_suffix(errors_path, "errors", (".csv", ".parquet"))
    screen = screener(args.rules, tuple(args.ruleset or DEFAULT_RULESETS), args.as_of)
    source = _Source(args.registry, args.batch_rows)
    screen.check_columns(source.names, ignore_extra=args.ignore_extra_columns, file=str(args.registry))
    counts = {"rows": 0, "results": 0, "errors": 0}
    quiet = args.quiet or not sys.stderr.isatty()
    error_columns = [ROW, "case", ERROR_FIELDS, ERROR]
    first_row = 1
    with (
        _Sink(args.output) as results,
        _Sink(errors_path) as errors,
        tqdm(total=source.total, unit="rows", unit_scale=True, disable=quiet, file=sys.stderr) as bar,
    ):
        for frame in source.frames():
            out = screen.screen(frame, first_row)
            first_row += frame.height
            bad = out.filter(pl.col(ERROR).is_not_null())
            results.write(out.filter(pl.col(ERROR).is_null()).drop(ERROR_FIELDS, ERROR))
            errors.write(bad.select(error_columns))
            _count(counts, out.height, out.height - bad.height)
            bar.update(out.height)
        malformed = source.malformed()
        if malformed or errors.writer is None:
            schema = {name: screen.output_schema()[name] for name in error_columns}
            errors.write(pl.DataFrame(malformed, schema=schema))
            _count(counts, len(malformed), 0)
        if results.writer is None:
            results.write(pl.DataFrame(schema=screen.output_schema()).drop(ERROR_FIELDS, ERROR))
    if not args.quiet:
        sys.stderr.write(
            f"{counts['rows']} rows: {counts['results']} screened → {args.output}, "
            f"{counts['errors']} with errors → {errors_path}\n"
        )
    return EXIT_FINDINGS if counts["errors"] else EXIT_OK


def _count(counts: dict[str, int], rows: int, screened: int) -> None:
    counts["rows"] += rows
    counts["results"] += screened
    counts["errors"] += rows - screened


def _check_suffix(path: Path, what: str, allowed: tuple[str, ...]) -> None:
    if path.suffix.lower() not in allowed:
        problem = Problem(f"the {what} file must end in {' or '.join(allowed)}, not {path.suffix or '(none)'!r}", file=str(path), kind="io")
        raise InputFileError(f"cannot tell the {what} file's format", [problem])


class _Source:
    """A registry read as Arrow record batches: Parquet as stored, CSV as text (empty = unknown)."""

    def __init__(self, path: Path, batch_rows: int) -> None:
        self.path = path
        self.batch_rows = batch_rows
        self._bad: list[dict[str, Any]] = []
        self._skipped: set[int] = set()
        try:
            if path.suffix.lower() == ".parquet":
                import pyarrow.parquet as pq

                self._parquet = pq.ParquetFile(path)
                self.names: list[str] = self._parquet.schema_arrow.names
                self.total: int | None = self._parquet.metadata.num_rows
            else:
                with path.open(newline="", encoding="utf-8") as handle:
                    self.names = next(csv.reader(handle), [])
                self.total = None
        except (OSError, UnicodeDecodeError, StopIteration, ValueError) as err:
            raise _unreadable(path, err) from err
        if not self.names:
            raise _unreadable(path, ValueError("no header line"))

    def frames(self) -> Iterator[Any]:
        """The registry in polars frames of about `batch_rows` rows, in file order."""
        import polars as pl
        import pyarrow as pa

        try:
            if self.path.suffix.lower() == ".parquet":
                yield from pl.scan_parquet(self.path).collect_batches(chunk_size=self.batch_rows)
                return
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
        import polars as pl
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        if self.csv:
            frame = frame.with_columns(
                pl.col(pl.List(pl.String)).list.join(";"), pl.col(pl.Enum, pl.Categorical).cast(pl.String)
            )
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
