"""The labour-market indicators (seed 002 §6, §8.1): from the seed's own statements, against a plain-Python oracle, on every engine.

002 §6 (lines 103-140): output = "a szolgáltatást igénybevevők száma" and "megvalósult intézkedések száma";
result = "az egyéni tervben foglalt egyes intézkedések teljesülése"; impact = entered training, completed
training, employed — "csak akkor tekinthetők hatásindikátoroknak, ha az egyéni tervben nem szerepelnek célként".
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars", reason="the indicators need the records extra: pip install -e '.[records]'")
pytest.importorskip("narwhals", reason="the indicators need the records extra: pip install -e '.[records]'")

from ccm_rules import InputFileError  # noqa: E402
from ccm_rules.records.indicators import ALL, INDICATORS, NOT_KNOWN, indicators  # noqa: E402

D = datetime.date
START, END = D(2026, 1, 1), D(2026, 3, 31)


ENROLLED = D(2025, 12, 1)


def enrolment(
    code: str, provider: str = "P1", *, on: D = ENROLLED, sex: str | None = "female", age_band: str | None = "50-64"
) -> dict[str, Any]:
    return {
        "code": code,
        "on": on,
        "provider": provider,
        "case_manager": f"cm-{provider}",
        "region": "R1",
        "age_band": age_band,
        "sex": sex,
        "education": "primary",
        "prior_status": "job_seeker",
    }


def frame(rows: list[dict[str, Any]], schema: dict[str, Any]) -> Any:
    return pl.DataFrame(rows, schema=schema)


ENROLMENT = {
    "code": pl.String,
    "on": pl.Date,
    "provider": pl.String,
    "case_manager": pl.String,
    "region": pl.String,
    "age_band": pl.String,
    "sex": pl.String,
    "education": pl.String,
    "prior_status": pl.String,
}
MEETING = {"code": pl.String, "on": pl.Date}
PLAN_MEASURE = {"code": pl.String, "plan": pl.String, "on": pl.Date, "measure": pl.String}
PLAN_GOAL = {"code": pl.String, "plan": pl.String, "on": pl.Date, "outcome": pl.String}
RESULT = {
    "code": pl.String,
    "on": pl.Date,
    "measure": pl.String,
    "status": pl.String,
    "id": pl.String,
    "corrects": pl.String,
}
FOLLOW_UP = {"code": pl.String, "on": pl.Date, "outcome": pl.String}
SURVEY = {"provider": pl.String, "period": pl.String, "satisfaction": pl.Int64}


def values(table: Any) -> dict[tuple[str, str, str | None], float]:
    return {(r["group"], r["indicator"], r["category"]): r["value"] for r in table.to_dicts()}


def test_an_outcome_that_is_a_goal_of_the_plan_is_not_an_impact() -> None:
    """002 §6: the impact indicators count "only where they are not a goal in the individual plan"."""
    tables = {
        "enrolment": frame([enrolment("A"), enrolment("B")], ENROLMENT),
        "plan_goal": frame([{"code": "A", "plan": "p1", "on": D(2026, 1, 5), "outcome": "employed"}], PLAN_GOAL),
        "follow_up": frame(
            [
                {"code": "A", "on": D(2026, 3, 1), "outcome": "employed"},
                {"code": "B", "on": D(2026, 3, 2), "outcome": "employed"},
            ],
            FOLLOW_UP,
        ),
    }
    got = values(indicators(tables, start=START, end=END))
    assert got[(ALL, "impact", "employed")] == 1.0  # B's job: not a goal of B's plan
    assert got[(ALL, "impact.not_counted_plan_goal", "employed")] == 1.0  # A's job was A's goal


def test_clients_served_come_from_the_case_log_of_the_period() -> None:
    """002 §6 names the case log ("esetnapló") as the source of the number of clients served."""
    tables = {
        "enrolment": frame([enrolment("A"), enrolment("B"), enrolment("C", "P2")], ENROLMENT),
        "meeting": frame(
            [
                {"code": "A", "on": D(2026, 1, 10)},
                {"code": "A", "on": D(2026, 2, 10)},
                {"code": "C", "on": D(2026, 3, 31)},
                {"code": "B", "on": D(2025, 12, 31)},
            ],
            MEETING,
        ),
    }
    got = values(indicators(tables, start=START, end=END, by="provider"))
    assert got[("P1", "output.clients_served", None)] == 1.0  # A twice counts once; B met before the period
    assert got[("P2", "output.clients_served", None)] == 1.0  # the last day is in the period


def test_each_planned_measure_is_reported_by_its_latest_result_and_a_correction_replaces_the_entry() -> None:
    """002 §6 result indicator: the fulfilment of each measure of the plan. A correction is a new entry (issue 18)."""
    tables = {
        "enrolment": frame([enrolment("A")], ENROLMENT),
        "meeting": frame([{"code": "A", "on": D(2026, 2, 1)}], MEETING),
        "plan_measure": frame(
            [{"code": "A", "plan": "p1", "on": D(2026, 1, 5), "measure": m} for m in ("m1", "m2", "m3")], PLAN_MEASURE
        ),
        "measure_result": frame(
            [
                {
                    "code": "A",
                    "on": D(2026, 2, 1),
                    "measure": "m1",
                    "status": "partly_realised",
                    "id": "r1",
                    "corrects": None,
                },
                {"code": "A", "on": D(2026, 3, 1), "measure": "m1", "status": "realised", "id": "r2", "corrects": None},
                {"code": "A", "on": D(2026, 2, 2), "measure": "m2", "status": "realised", "id": "r3", "corrects": None},
                {
                    "code": "A",
                    "on": D(2026, 2, 2),
                    "measure": "m2",
                    "status": "not_realised",
                    "id": "r4",
                    "corrects": "r3",
                },
            ],
            RESULT,
        ),
    }
    got = values(indicators(tables, start=START, end=END))
    assert got[(ALL, "result.measures", "realised")] == 1.0
    assert got[(ALL, "result.measures", "not_realised")] == 1.0  # r4 corrects r3
    assert got[(ALL, "result.measures", "open")] == 1.0  # m3 has no result yet
    assert got[(ALL, "result.fulfilment_rate", None)] == pytest.approx(1 / 3)
    assert got[(ALL, "output.measures_realised", None)] == 1.0  # r2 only: r3 was corrected


def test_base_data_shows_an_unrecorded_value_as_not_known() -> None:
    """002 §8.1 base data by age, sex, education, prior status; a value not recorded is unknown, not a category of its own guess."""
    tables = {
        "enrolment": frame([enrolment("A", sex=None), enrolment("B", sex="male", age_band=None)], ENROLMENT),
        "meeting": frame([{"code": "A", "on": D(2026, 1, 2)}, {"code": "B", "on": D(2026, 1, 3)}], MEETING),
    }
    got = values(indicators(tables, start=START, end=END))
    assert got[(ALL, "base.sex", NOT_KNOWN)] == 1.0
    assert got[(ALL, "base.sex", "male")] == 1.0
    assert got[(ALL, "base.age_band", NOT_KNOWN)] == 1.0


def test_satisfaction_is_by_provider_and_never_by_case_manager() -> None:
    """002 §8.1: the survey is anonymous, so it has no code and cannot be given per case manager."""
    survey = frame(
        [
            {"provider": "P1", "period": "2026-02", "satisfaction": 5},
            {"provider": "P1", "period": "2026-03", "satisfaction": 3},
            {"provider": "P1", "period": "2026-04", "satisfaction": 1},
        ],
        SURVEY,
    )
    got = values(indicators({"survey": survey}, start=START, end=END, by="provider"))
    assert got[("P1", "satisfaction.responses", None)] == 2.0
    assert got[("P1", "satisfaction.mean", None)] == 4.0
    with pytest.raises(InputFileError, match="no table"):
        indicators({"survey": survey}, start=START, end=END, by="case_manager")


def test_an_absent_table_leaves_its_indicators_out_rather_than_zero() -> None:
    got = values(indicators({"meeting": frame([{"code": "A", "on": D(2026, 1, 2)}], MEETING)}, start=START, end=END))
    assert {indicator for _, indicator, _ in got} == {"output.clients_served"}
    assert set(INDICATORS) >= {indicator for _, indicator, _ in got}


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ({"meetings": None}, "'meetings' is neither a record kind"),
        ({"meeting": pl.DataFrame({"code": ["A"]})}, "meeting: missing column"),
        ({"meeting": pl.DataFrame({"code": ["A"], "on": ["2026-01-01"]})}, "meeting.on: a date column was expected"),
    ],
)
def test_bad_tables_are_refused_by_name(tables: dict[str, Any], message: str) -> None:
    with pytest.raises(InputFileError) as caught:
        indicators(tables, start=START, end=END)
    assert message in str(caught.value)


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(InputFileError, match="ends"):
        indicators({"meeting": frame([], MEETING)}, start=END, end=START)


# --- generated logs: the indicators equal a plain-Python count, on every engine --------------------------------

CODES = st.sampled_from([f"C{i}" for i in range(8)])
DAYS = st.dates(min_value=D(2025, 11, 1), max_value=D(2026, 5, 31))
OUTCOMES = st.sampled_from(["training_entered", "training_completed", "employed", "job_kept"])


@st.composite
def logs(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    codes = sorted(set(draw(st.lists(CODES, min_size=1, max_size=8))))
    return {
        "enrolment": [
            enrolment(
                c,
                draw(st.sampled_from(["P1", "P2"])),
                on=D(2025, 10, 1),
                sex=draw(st.sampled_from(["female", "male", None])),
            )
            for c in codes
        ],
        "meeting": [{"code": draw(st.sampled_from(codes)), "on": draw(DAYS)} for _ in range(draw(st.integers(0, 20)))],
        "plan_goal": [
            {"code": draw(st.sampled_from(codes)), "plan": "p", "on": D(2025, 10, 2), "outcome": draw(OUTCOMES)}
            for _ in range(draw(st.integers(0, 5)))
        ],
        "follow_up": [
            {"code": draw(st.sampled_from(codes)), "on": draw(DAYS), "outcome": draw(OUTCOMES)}
            for _ in range(draw(st.integers(0, 10)))
        ],
    }


def oracle(log: dict[str, list[dict[str, Any]]]) -> dict[tuple[str, str, str | None], float]:
    """The same indicators by hand, straight from the seed's wording."""
    provider = {e["code"]: e["provider"] for e in log["enrolment"]}
    sex = {e["code"]: e["sex"] for e in log["enrolment"]}
    served = {m["code"] for m in log["meeting"] if START <= m["on"] <= END}
    goals = {(g["code"], g["outcome"]) for g in log["plan_goal"]}
    out: Counter[tuple[str, str, str | None]] = Counter()
    for code in served:
        out[(provider[code], "output.clients_served", None)] += 1
        out[(provider[code], "base.sex", sex[code] or NOT_KNOWN)] += 1
    for f in log["follow_up"]:
        if START <= f["on"] <= END:
            kind = "impact.not_counted_plan_goal" if (f["code"], f["outcome"]) in goals else "impact"
            out[(provider[f["code"]], kind, f["outcome"])] += 1
    return {k: float(v) for k, v in out.items()}


SCHEMAS = {"enrolment": ENROLMENT, "meeting": MEETING, "plan_goal": PLAN_GOAL, "follow_up": FOLLOW_UP}
CHECKED = {"output.clients_served", "base.sex", "impact", "impact.not_counted_plan_goal"}


@settings(max_examples=60, deadline=None)
@given(logs())
def test_the_indicators_equal_a_plain_count_of_the_log(log: dict[str, list[dict[str, Any]]]) -> None:
    tables = {name: frame(rows, SCHEMAS[name]) for name, rows in log.items()}
    got = {k: v for k, v in values(indicators(tables, start=START, end=END, by="provider")).items() if k[1] in CHECKED}
    assert got == oracle(log)


@settings(
    max_examples=3, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate]
)  # Dask plans each example for seconds
@given(logs())
def test_lazy_polars_and_dask_give_the_eager_answer(log: dict[str, list[dict[str, Any]]]) -> None:
    dd = pytest.importorskip("dask.dataframe", reason="Dask is the dask extra: pip install -e '.[dask]'")
    import pandas as pd

    tables = {name: frame(rows, SCHEMAS[name]) for name, rows in log.items()}
    eager = values(indicators(tables, start=START, end=END, by="provider"))
    lazy = values(indicators({k: v.lazy() for k, v in tables.items()}, start=START, end=END, by="provider").collect())
    dask_table = indicators(
        {k: dd.from_pandas(v.to_pandas(), npartitions=1) for k, v in tables.items()},
        start=START,
        end=END,
        by="provider",
    ).compute()
    on_dask = {
        (r.group, r.indicator, None if pd.isna(r.category) else r.category): r.value for r in dask_table.itertuples()
    }
    assert lazy == eager
    assert on_dask == eager


@pytest.mark.slow
def test_spark_gives_the_polars_answer() -> None:
    pyspark_sql = pytest.importorskip("pyspark.sql", reason="Spark is the spark extra: pip install -e '.[spark]'")
    log = {
        "enrolment": [enrolment("A"), enrolment("B", "P2", sex=None)],
        "meeting": [{"code": "A", "on": D(2026, 1, 5)}, {"code": "B", "on": D(2026, 2, 5)}],
        "follow_up": [
            {"code": "A", "on": D(2026, 3, 1), "outcome": "employed"},
            {"code": "B", "on": D(2026, 3, 1), "outcome": "job_kept"},
        ],
    }  # a few tables only: Spark plans every join for seconds, and the Dask and polars tests cover the rest
    tables = {name: frame(rows, SCHEMAS[name]) for name, rows in log.items()}
    spark = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("ccm-indicators")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    try:
        on_spark = indicators(
            {k: spark.createDataFrame(v.to_pandas()) for k, v in tables.items()}, start=START, end=END, by="provider"
        )
        got = {(r["group"], r["indicator"], r["category"]): r["value"] for r in on_spark.collect()}
    finally:
        spark.stop()
    assert got == values(indicators(tables, start=START, end=END, by="provider"))
