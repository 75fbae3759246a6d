"""`screen_batches`: screen a stream of Arrow record batches with the columnar rules.

Every input row gives exactly one output row: its decisions, or, if a cell is bad,
the fields and problems (outcomes null). Rows are numbered from `first_row` in
stream order unless the input has a `row` column.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from ccm_rules import RulePack
from ccm_rules.engine.columnar import (
    DEFAULT_RULESETS,
    ROW,
    Screener,
    row_numbers,
    unique_row_numbers,
)

_ARROW_TYPES = {
    pl.String(): pa.string(),
    pl.Int64(): pa.int64(),
    pl.Date(): pa.date32(),
}


def screener(
    rules: Path | str | None = None,
    rulesets: Sequence[str] = DEFAULT_RULESETS,
    as_of: datetime.date | None = None,
) -> Screener:
    """A screener for a pack directory (default: the shipped pack) and date (default: today)."""
    from ccm_rules.engine import default_pack

    pack = default_pack() if rules is None else RulePack.load(rules)
    return Screener(pack, rulesets, as_of)


def output_schema(screen: Screener) -> pa.Schema:
    """The Arrow schema of every batch `screen_batches` yields: Enums as plain strings, for any engine."""
    return pa.schema([pa.field(name, _arrow_type(dtype)) for name, dtype in screen.output_schema().items()])


def _arrow_type(dtype: Any) -> pa.DataType:
    """The Arrow type of a polars output type."""
    if isinstance(dtype, pl.Enum):
        return pa.string()
    if isinstance(dtype, pl.List):
        return pa.list_(_arrow_type(dtype.inner))
    return _ARROW_TYPES[dtype]


def screen_batches(
    batches: Iterable[pa.RecordBatch],
    screen: Screener | None = None,
    *,
    first_row: int = 1,
    ignore_extra_columns: bool = False,
) -> Iterator[pa.RecordBatch]:
    """Screen each record batch; yield one output batch per input batch, same row count.

    Unknown columns raise `InputFileError` before any row is screened (a misspelt
    column must not silently read as unknown), unless `ignore_extra_columns`; so do a
    column of a type no check can read (a list) and, within a batch, a `row` column
    whose numbers do not identify rows (empty, below 1, past 2^63 - 1, or repeated).
    """
    screen = screen if screen is not None else screener()
    schema = output_schema(screen)
    checked = False
    row = first_row
    for batch in batches:
        if not checked:
            screen.check_columns(batch.schema.names, ignore_extra=ignore_extra_columns)
            checked = True
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        if ROW in frame.columns:  # a row number must identify a row: refused by name, not a polars abort
            places = pl.int_range(row, row + frame.height, eager=True)
            frame = frame.with_columns(row_numbers(frame[ROW], places, lines=False).alias(ROW))
            unique_row_numbers(frame[ROW], places, lines=False)
        out = screen.screen(frame, row).to_arrow().cast(schema)
        row += batch.num_rows
        yield pa.RecordBatch.from_arrays(
            [out.column(i).combine_chunks() for i in range(out.num_columns)], schema=schema
        )
