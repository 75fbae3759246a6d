"""The Arrow batch function under Dask's `map_partitions`."""

from __future__ import annotations

import datetime

import polars as pl
import pytest

dd = pytest.importorskip("dask.dataframe", reason="dask[dataframe] is not installed (the `dask` extra)")

from ccm_rules import RulePack  # noqa: E402
from ccm_rules.engine.columnar import Screener  # noqa: E402
from ccm_rules_adapters.batch.dask import screen_dask  # noqa: E402

from .conftest import RULES  # noqa: E402
from .test_batch import make_registry  # noqa: E402

ON = datetime.date(2026, 1, 1)


def test_dask_gives_the_local_screening() -> None:
    frame = make_registry(300, 5, bad=0.05, pack=RulePack.load(RULES)).with_row_index("row", offset=1)
    frame = frame.with_columns(pl.col("row").cast(pl.Int64))
    expected = Screener(RulePack.load(RULES), as_of=ON).screen(frame)
    ddf = dd.from_pandas(frame.to_pandas(), npartitions=4)
    out = screen_dask(ddf, rules=RULES, as_of=ON).compute(scheduler="synchronous")
    assert len(out) == 300
    got = pl.from_pandas(out[["row", "case", "eligibility_outcome", "labour_market_outcome", "error_fields"]])
    # pandas turns an integer column with gaps into floats, so messages say -3.0 where polars says -3
    for name in ("row", "case", "eligibility_outcome", "labour_market_outcome", "error_fields"):
        assert got[name].to_list() == expected[name].to_list(), name
    assert [list(x) for x in out["labour_market_unknown"] if x is not None] == [
        x for x in expected["labour_market_unknown"].to_list() if x is not None
    ]
