"""Batch screening of registries: Arrow record batches in, Arrow record batches out.

`screen_batches` is the one function; `spark.screen_spark` and `dask.screen_dask`
run it on a cluster's partitions. The rules are compiled by `ccm_rules.engine.columnar`.
Needs the `batch` extra (polars, pyarrow); Spark and Dask need their own extras.
"""

from __future__ import annotations

from .arrow import output_schema, screen_batches, screener

__all__ = ["output_schema", "screen_batches", "screener"]
