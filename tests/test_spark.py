"""The Arrow batch function under Spark's `mapInArrow`, in local mode (needs pyspark and Java 17)."""

from __future__ import annotations

import datetime
import os
import sys
from collections.abc import Iterator

import polars as pl
import pytest

pyspark = pytest.importorskip(
    "pyspark", reason="pyspark is not installed (the `spark` extra); the Spark adapter is not tested"
)

from ccm_rules import RulePack  # noqa: E402
from ccm_rules.engine.columnar import Screener  # noqa: E402
from ccm_rules_adapters.batch.spark import screen_spark  # noqa: E402

from .conftest import RULES  # noqa: E402
from .test_batch import make_registry  # noqa: E402

ON = datetime.date(2026, 1, 1)
pytestmark = pytest.mark.slow  # Spark local mode starts a JVM: ~30 s


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("ccm-rules-test")
        .config("spark.ui.enabled", "false")
        .config("spark.pyspark.python", sys.executable)  # workers need this venv, where ccm_rules is installed
        .config("spark.executorEnv.PYTHONPATH", os.pathsep.join(p for p in sys.path if p))
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_gives_the_local_screening(spark: object) -> None:
    frame = make_registry(400, 11, bad=0.03, pack=RulePack.load(RULES)).with_row_index("row", offset=1)
    frame = frame.with_columns(pl.col("row").cast(pl.Int64))
    expected = Screener(RulePack.load(RULES), as_of=ON).screen(frame)
    df = spark.createDataFrame(frame.to_pandas(use_pyarrow_extension_array=False)).repartition(3)  # type: ignore[attr-defined]
    out = screen_spark(df, rules=RULES, as_of=ON).toPandas()
    got = pl.from_pandas(out).sort("row")
    assert got.height == 400
    # via pandas an integer column with gaps becomes floats, so messages say -3.0 where polars says -3
    for name in ("row", "case", "eligibility_outcome", "labour_market_outcome", "error_fields"):
        assert got[name].to_list() == expected[name].to_list(), name
    assert [sorted(x) if x is not None else None for x in got["eligibility_failed"].to_list()] == expected[
        "eligibility_failed"
    ].to_list()
