"""Screen a Spark DataFrame with `mapInArrow`: the Arrow batch function on every partition.

Spark reads a dot in a column name as a struct field, so the `domains.<code>` columns
are renamed by position before `mapInArrow` and back inside it. Each executor loads the rule pack itself (the shipped one, or `rules`, a directory
every executor can read). Rows are numbered within each partition unless the
DataFrame has a `row` column; the `case` column identifies a row everywhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from ccm_rules.engine.columnar import DEFAULT_RULESETS

from .arrow import output_schema, screen_batches, screener


def screen_spark(
    frame: Any,
    *,
    rules: Path | str | None = None,
    rulesets: Sequence[str] = DEFAULT_RULESETS,
    as_of: datetime.date | None = None,
    ignore_extra_columns: bool = False,
) -> Any:
    """A Spark DataFrame of screening results, one row per row of `frame` (lazy, like Spark)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    on = as_of if as_of is not None else datetime.date.today()
    local = screener(rules, rulesets, on)
    local.check_columns(frame.columns, ignore_extra=ignore_extra_columns)
    rules_dir = None if rules is None else str(rules)
    wanted = tuple(rulesets)

    names = list(frame.columns)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        renamed = (batch.rename_columns(names) for batch in batches)
        yield from screen_batches(renamed, screener(rules_dir, wanted, on), ignore_extra_columns=True)

    # Spark reads a dot in a column name as a struct field: rename by position, back in `run`.
    plain = frame.toDF(*(f"_c{i}" for i in range(len(names))))
    return plain.mapInArrow(run, from_arrow_schema(output_schema(local)))
