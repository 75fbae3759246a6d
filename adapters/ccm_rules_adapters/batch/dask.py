"""Screen a Dask DataFrame with `map_partitions`: the Arrow batch function on every partition.

Rows are numbered within each partition unless the frame has a `row` column; the
`case` column identifies a row everywhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from ccm_rules.engine.columnar import DEFAULT_RULESETS

from .arrow import output_schema, screen_batches, screener


def screen_dask(
    frame: Any,
    *,
    rules: Path | str | None = None,
    rulesets: Sequence[str] = DEFAULT_RULESETS,
    as_of: datetime.date | None = None,
    ignore_extra_columns: bool = False,
) -> Any:
    """A Dask DataFrame of screening results, one row per row of `frame` (lazy, like Dask)."""
    on = as_of if as_of is not None else datetime.date.today()
    local = screener(rules, rulesets, on)
    local.check_columns(list(frame.columns), ignore_extra=ignore_extra_columns)
    schema = output_schema(local)
    rules_dir = None if rules is None else str(rules)
    wanted = tuple(rulesets)

    def run(part: Any) -> Any:
        table = pa.Table.from_pandas(part, preserve_index=False)
        batches = table.to_batches() or [pa.RecordBatch.from_pylist([], schema=table.schema)]
        out = list(screen_batches(batches, screener(rules_dir, wanted, on), ignore_extra_columns=True))
        return pa.Table.from_batches(out, schema=schema).to_pandas(types_mapper=_pandas_type)

    meta = schema.empty_table().to_pandas(types_mapper=_pandas_type)
    return frame.map_partitions(run, meta=meta)


def _pandas_type(arrow_type: pa.DataType) -> Any:
    """Nullable pandas dtypes, so an unknown stays null rather than becoming NaN."""
    import pandas as pd

    if pa.types.is_string(arrow_type):
        return pd.StringDtype()
    if pa.types.is_int64(arrow_type):
        return pd.Int64Dtype()
    return None
