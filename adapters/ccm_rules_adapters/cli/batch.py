"""`ccm-rules batch REGISTRY -o RESULTS`: screen every row of a registry (CSV or Parquet).

Rows are screened by `ccm_rules.engine.columnar.Screener`, as by `ccm_rules_adapters.batch`:
a Parquet registry in one streaming polars query (read, screen and write overlap),
a CSV registry in record batches from pyarrow's reader (which reports malformed
lines). Screened rows go to the results file, rows with a bad cell (or a malformed
CSV line) to the errors file with their row number and field, and the batch goes
on. Input rows = result rows + error rows, always. Exit 0 when every row was screened, 1 when some
went to the errors file, 2 when the batch could not run (unreadable file, unknown
column, unknown ruleset, a `row` column that does not identify rows, an output that
is the registry).

A CSV registry is read one record per line: a newline always ends a record, and quotes
do not group cells across lines or commas (registry cells are codes, numbers and dates),
so a stray quote costs one line, never the lines after it, and a row's line is known.
Outputs are written to temporary files beside them and renamed into place at the end:
an interrupted or refused batch leaves no truncated file that looks complete.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccm_rules import InputFileError, Problem
from ccm_rules.engine import Message

from ._common import EXIT_FINDINGS, EXIT_OK, add_pack_options, date_arg, load_pack, require_extra

if TYPE_CHECKING:
    from ccm_rules.engine.columnar import Screener

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
    parser.add_argument(
        "--errors", type=Path, default=None, help="error rows: .csv or .parquet (default: RESULTS stem + .errors.csv)"
    )
    parser.add_argument(
        "--ruleset",
        action="append",
        default=None,
        help="ruleset to apply; repeat for several (default: eligibility and labour_market)",
    )
    parser.add_argument(
        "--as-of", type=date_arg, default=None, help="decide with the parameters in force on this date (default: today)"
    )
    add_pack_options(parser)
    parser.add_argument(
        "--ignore-extra-columns", action="store_true", help="skip columns no ruleset reads instead of refusing them"
    )
    parser.add_argument("--batch-rows", type=int, default=DEFAULT_BATCH_ROWS, help=argparse.SUPPRESS)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    parser.add_argument(
        "--lang",
        default="en",
        choices=("en", "cs", "hu", "de"),
        help="language of refusals on stderr (default: en; the errors file is in English)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    require_extra("batch", "polars", "pyarrow")
    from ccm_rules.engine.columnar import DEFAULT_RULESETS, Screener

    _check_suffix(args.registry, "registry", (".csv", ".parquet"))
    _check_suffix(args.output, "output", (".csv", ".parquet"))
    errors_path = args.errors or args.output.with_name(args.output.stem + ".errors.csv")
    _check_suffix(errors_path, "errors", (".csv", ".parquet"))
    _check_paths(args.registry, args.output, errors_path)
    screen = Screener(load_pack(args), tuple(args.ruleset or DEFAULT_RULESETS), args.as_of)
    source = _Source(args.registry, args.batch_rows)
    screen.check_columns(source.names, ignore_extra=args.ignore_extra_columns, file=str(args.registry))
    if source.parquet:
        source.check_parquet(screen)
    with (
        _Outputs(args.output, errors_path) as outputs,
        _progress(source.total, args.quiet or not sys.stderr.isatty()) as bar,
    ):
        if source.parquet:
            rows, bad = _screen_parquet(source, screen, outputs.partial[0], outputs.partial[1], bar)
        else:
            rows, bad = _screen_csv(source, screen, outputs.partial[0], outputs.partial[1], bar)
        outputs.commit()
    if not args.quiet:
        sys.stderr.write(f"{rows} rows: {rows - bad} screened → {args.output}, {bad} with errors → {errors_path}\n")
    return EXIT_FINDINGS if bad else EXIT_OK


ERROR_COLUMNS = ["row", "case", "error_fields", "error"]


def _error_columns() -> list[Any]:
    """The errors file's columns; a long `case` cell is cut, as every repeated cell (docs/reliability.md)."""
    import polars as pl

    from ccm_rules.engine.columnar import CASE, cut_cell

    return [cut_cell(pl.col(CASE)).alias(CASE) if name == CASE else pl.col(name) for name in ERROR_COLUMNS]


def _check_paths(registry: Path, output: Path, errors: Path) -> None:
    """Refuse an output that is the registry or the other output (links resolved): it would be overwritten."""
    problems = []
    for option, path in (("-o", output), ("--errors", errors)):
        if _same_file(path, registry):
            problems.append(Problem(Message("batch.output_is_input", {"option": option}), file=str(path), kind="io"))
    if not problems and _same_file(output, errors):
        problems.append(Problem(Message("batch.outputs_same"), file=str(output), kind="io"))
    if problems:
        raise InputFileError("an output file would overwrite the registry or the other output", problems)


def _same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file: the same path once links are resolved, or the same inode (a hard link)."""
    if one.resolve() == other.resolve():
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:  # one of them does not exist (yet): not the same file
        return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _Outputs:
    """The results and errors files, written as temporary files beside them and renamed into place by `commit`.

    A batch that stops before `commit` (an error, a refusal, Ctrl-C) removes its
    temporary files and leaves any earlier outputs as they were: never a truncated file
    under the output's name. The temporary files are made at once, so that an
    unwritable path is named before any work.
    """

    def __init__(self, *paths: Path) -> None:
        self.paths = paths
        self.partial: list[Path] = []

    def __enter__(self) -> _Outputs:
        try:
            for path in self.paths:
                handle, name = tempfile.mkstemp(
                    dir=path.parent, prefix=f".{path.name}.", suffix=".partial" + path.suffix
                )
                os.close(handle)
                self.partial.append(Path(name))
                os.chmod(name, 0o666 & ~_umask())  # as open() would make the file, not mkstemp's 0600
        except OSError as err:
            self._discard()
            raise InputFileError(
                "cannot write the output", [Problem(f"cannot write: {err}", file=str(path), kind="io")]
            ) from err
        return self

    def commit(self) -> None:
        """Rename every temporary file into place (each rename is atomic on one file system)."""
        for partial, path in zip(self.partial, self.paths, strict=True):
            try:
                os.replace(partial, path)
            except OSError as err:
                raise InputFileError(
                    "cannot write the output", [Problem(f"cannot write: {err}", file=str(path), kind="io")]
                ) from err
        self.partial = []

    def _discard(self) -> None:
        for partial in self.partial:
            with contextlib.suppress(OSError):
                partial.unlink()
        self.partial = []

    def __exit__(self, *exc: object) -> None:
        self._discard()


def _screen_parquet(source: _Source, screen: Screener, output: Path, errors_path: Path, bar: Any) -> tuple[int, int]:
    """Screen a Parquet registry as one streaming polars query; (rows, rows with errors).

    polars reads the file in morsels, screens them (`Screener.screen`, the same as
    for Arrow batches), and writes results and errors as they come, in file order:
    memory stays bounded, and reading, screening and writing overlap on all cores.
    The three outputs share one scan and one screening (a common subplan).
    """
    import polars as pl

    from ccm_rules.engine.columnar import ERROR, ERROR_FIELDS, ROW

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
        _sink(screened.filter(ok.not_()).select(_error_columns()), errors_path),
        screened.select(pl.len().alias("rows"), ok.not_().sum().alias("errors")),
    ]
    try:
        counts = pl.collect_all(queries, engine="streaming")[-1].row(0)
    except (OSError, pl.exceptions.PolarsError) as err:
        problem = Problem(f"cannot screen the registry: {err}", file=str(source.path), kind="io")
        raise InputFileError("cannot read the registry or write the results", [problem]) from err
    return int(counts[0]), int(counts[1])


# Results Parquet: zstd as polars writes it by default (a third of the size of lz4 or
# snappy, at about the same speed here); statistics are the null counts only: min/max
# of list and string columns cost as much as writing them and serve no reader here.
_PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "statistics": {"min": False, "max": False, "distinct_count": False, "null_count": True},
}


def _sink(frame: Any, path: Path) -> Any:
    """A lazy sink writing a frame to Parquet, or to CSV with reason-code lists joined by `;`."""
    if _is_parquet(path):
        return frame.sink_parquet(path, lazy=True, **_PARQUET_OPTIONS)
    return frame.with_columns(_csv_columns(frame.collect_schema())).sink_csv(path, lazy=True)


def _is_parquet(path: Path) -> bool:
    """Whether an output (or its temporary file, `.NAME.XXXX.partial.parquet`) is Parquet, by suffix."""
    return path.suffix.lower() == ".parquet"


def _csv_columns(schema: Any) -> list[Any]:
    """Lists of reason codes as `;`-joined text, Enums as text: CSV has no other types."""
    import polars as pl

    lists = [name for name, dtype in schema.items() if isinstance(dtype, pl.List)]
    enums = [name for name, dtype in schema.items() if isinstance(dtype, pl.Enum | pl.Categorical)]
    return [pl.col(lists).cast(pl.List(pl.String)).list.join(";"), pl.col(enums).cast(pl.String)]


def _screen_csv(source: _Source, screen: Screener, output: Path, errors_path: Path, bar: Any) -> tuple[int, int]:
    """Screen a CSV registry batch by batch (pyarrow's reader reports malformed lines); (rows, rows with errors)."""
    import polars as pl

    from ccm_rules.engine.columnar import ERROR, ERROR_FIELDS

    rows = bad_rows = 0
    with _Sink(output) as results, _Sink(errors_path) as errors:
        for frame in source.frames():
            out = screen.screen(frame)
            if out[ERROR].null_count() == out.height:  # no bad row: nothing to filter
                bad = out.clear()
                results.write(out.drop(ERROR_FIELDS, ERROR))
            else:
                bad = out.filter(pl.col(ERROR).is_not_null())
                results.write(out.filter(pl.col(ERROR).is_null()).drop(ERROR_FIELDS, ERROR))
            errors.write(bad.select(_error_columns()))
            rows, bad_rows = rows + out.height, bad_rows + bad.height
            bar.update(out.height)
        source.check_read()
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
        problem = Problem(
            f"the {what} file must end in {' or '.join(allowed)}, not {path.suffix or '(none)'!r}",
            file=str(path),
            kind="io",
        )
        raise InputFileError(f"cannot tell the {what} file's format", [problem])


class _Source:
    """A registry file: its column names and row count (Parquet), or CSV read in Arrow record batches as text (empty = unknown).

    A CSV registry is read one record per line (see the module's docstring), so each
    row's line is known: a row without a `row` column is numbered line - 1, and every
    error about a line names it.
    """

    def __init__(self, path: Path, batch_rows: int) -> None:
        self.path = path
        self.batch_rows = batch_rows
        self.parquet = path.suffix.lower() == ".parquet"
        self._bad: list[dict[str, Any]] = []
        self._skipped: set[int] = set()
        self._records = 0  # header and data lines read, screened or malformed
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
            self.schema = pl.read_parquet_schema(self.path)
            self.names = list(self.schema)
            self.total = pl.scan_parquet(self.path).select(pl.len()).collect().item()
        except (OSError, pl.exceptions.PolarsError) as err:
            raise _unreadable(self.path, err) from err

    def check_parquet(self, screen: Screener) -> None:
        """Before any output: refuse a column no check can read, and a `row` column that does not identify rows."""
        import polars as pl

        from ccm_rules.engine.columnar import ROW, row_numbers, unique_row_numbers

        screen.check_types(self.schema, file=str(self.path))
        if ROW not in self.names:
            return
        try:
            given = pl.scan_parquet(self.path).select(ROW).collect()[ROW]
        except (OSError, pl.exceptions.PolarsError) as err:
            raise _unreadable(self.path, err) from err
        places = pl.int_range(1, given.len() + 1, eager=True)
        unique_row_numbers(
            row_numbers(given, places, lines=False, file=str(self.path)), places, lines=False, file=str(self.path)
        )

    def frames(self) -> Iterator[Any]:
        """A CSV registry in polars frames of about `batch_rows` rows, in file order, with row numbers.

        Quotes around a whole cell are taken off (`"3"` is 3, `"a""b"` is `a"b`); any other
        quote stays in the cell, where the cell's check names it.
        """
        import polars as pl
        import pyarrow as pa

        from ccm_rules.engine.columnar import ROW, row_numbers, unique_row_numbers

        given = ROW in self.names
        numbers: list[Any] = []
        lines: list[Any] = []
        try:
            next_line = 2  # line 1 is the header
            for batch in self._csv_reader():
                self._records += batch.num_rows
                frame = pl.from_arrow(batch)
                assert isinstance(frame, pl.DataFrame)
                here, next_line = self._lines(next_line, frame.height)
                frame = _unquoted(frame)
                empty = frame.select(pl.all_horizontal(pl.all().is_null())).to_series()
                if empty.any():  # an empty line (or one of commas only) is nobody: an error row naming it
                    self._bad.extend(self._empty(line) for line in here.filter(empty).to_list())
                    frame, here = frame.filter(empty.not_()), here.filter(empty.not_())
                if given:
                    frame = frame.with_columns(
                        row_numbers(frame[ROW], here, lines=True, file=str(self.path)).alias(ROW)
                    )
                    numbers.append(frame[ROW])
                    lines.append(here)
                else:
                    frame = frame.with_columns((here - 1).alias(ROW))
                yield frame
        except (OSError, pa.ArrowInvalid, pl.exceptions.PolarsError) as err:
            raise _unreadable(self.path, err) from err
        if given and numbers:
            unique_row_numbers(pl.concat(numbers), pl.concat(lines), lines=True, file=str(self.path))

    def _empty(self, line: int) -> dict[str, Any]:
        from ccm_rules.engine.columnar import ROW

        return {
            "row": None if ROW in self.names else line - 1,
            "case": None,
            "error_fields": None,
            "error": f"line {line} is empty",
        }

    def _lines(self, first: int, count: int) -> tuple[Any, int]:
        """The lines of the next `count` records read from line `first` on (malformed lines skipped), and the line after."""
        import polars as pl

        skipped = sorted(line for line in self._skipped if line >= first)
        end = first + count
        for line in skipped:
            if line >= end:
                break
            end += 1
        self._skipped.difference_update(line for line in skipped if line < end)
        lines = pl.int_range(first, end, eager=True, dtype=pl.Int64)
        if end - first > count:
            lines = lines.filter(lines.is_in(skipped).not_())
        return lines, end

    def _csv_reader(self) -> Any:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        from ccm_rules.engine.columnar import ROW

        def skip(row: Any) -> str:
            line = row.number or 0
            self._skipped.add(line)
            self._records += 1
            hint = (
                "; quotes do not group cells: a cell cannot hold a comma or span lines"
                if '"' in (row.text or "")
                else ""
            )
            self._bad.append(
                {
                    "row": None if ROW in self.names else line - 1,
                    "case": None,
                    "error_fields": None,
                    "error": f"line {line} has {row.actual_columns} fields, the header {row.expected_columns}{hint}",
                }
            )
            return "skip"

        return pacsv.open_csv(
            self.path,
            read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 24, column_names=self.names, skip_rows=1),
            parse_options=pacsv.ParseOptions(
                quote_char=False, newlines_in_values=False, ignore_empty_lines=False, invalid_row_handler=skip
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(self.names, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
            ),
        )

    def check_read(self) -> None:
        """Refuse the batch if the records read (header included) are not the file's lines, naming the difference."""
        lines = _count_lines(self.path)
        records = self._records + 1
        if records != lines:
            message = Message("batch.lines_unread", {"lines": lines, "records": records, "missing": lines - records})
            raise InputFileError("cannot read the registry", [Problem(message, file=str(self.path), kind="io")])

    def malformed(self) -> list[dict[str, Any]]:
        """CSV lines that could not be split into the header's fields (known once read)."""
        return list(self._bad)


def _unquoted(frame: Any) -> Any:
    """Cells quoted whole (`"3"`, `"a""b"`) without their quotes; an empty quoted cell is empty (unknown)."""
    import polars as pl

    found = frame.select(pl.all().str.contains('"', literal=True).any()).row(0)
    quoted = [name for name, has in zip(frame.columns, found, strict=True) if has]
    if not quoted:
        return frame
    cells = pl.col(quoted)
    whole = cells.str.starts_with('"') & cells.str.ends_with('"') & (cells.str.len_chars() >= 2)
    inner = cells.str.slice(1, cells.str.len_chars() - 2).str.replace_all('""', '"', literal=True)
    unquoted = pl.when(whole).then(inner).otherwise(cells)
    return frame.with_columns(pl.when(unquoted != "").then(unquoted).name.keep())


def _count_lines(path: Path) -> int:
    """The file's lines as the CSV reader splits them: ends at \\n, \\r\\n or \\r; a last line without an end counts."""
    lines = 0
    last = b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 24):
                if last == b"\r" and chunk.startswith(b"\n"):
                    lines -= 1  # a \r\n split between two chunks
                lines += chunk.count(b"\n")
                if b"\r" in chunk:  # rare but for Excel's \r\n: count the lines that end at \r alone
                    lines += chunk.count(b"\r") - chunk.count(b"\r\n")
                last = chunk[-1:]
    except OSError as err:
        raise _unreadable(path, err) from err
    return lines + (1 if last not in (b"", b"\n", b"\r") else 0)


def _unreadable(path: Path, err: BaseException) -> InputFileError:
    return InputFileError(
        "cannot read the registry", [Problem(f"cannot read registry: {err}", file=str(path), kind="io")]
    )


class _Sink:
    """Writes polars frames to one Parquet or CSV file; in CSV, reason-code lists become `;`-joined text."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.csv = not _is_parquet(path)
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
                self.writer = (
                    pacsv.CSVWriter(self.path, table.schema) if self.csv else pq.ParquetWriter(self.path, table.schema)
                )
            self.writer.write_table(table)
        except OSError as err:
            raise InputFileError(
                "cannot write the output", [Problem(f"cannot write: {err}", file=str(self.path), kind="io")]
            ) from err

    def __exit__(self, *exc: object) -> None:
        if self.writer is not None:
            self.writer.close()
