"""The indicators of labour-market case management (seed 002 §6, §8.1) over log tables, on any dataframe engine.

Seed 002 §6 (lines 103-140) names the indicators and their source, the case log
("esetnapló") and the individual plan:

- *output* ("kimeneti indikátor"): "a szolgáltatást igénybevevők száma" (clients served)
  and "megvalósult intézkedések száma" (measures carried out);
- *result* ("eredményindikátor"): "az egyéni tervben foglalt egyes intézkedések
  teljesülése" (fulfilment of each measure of the individual plan);
- *impact* ("hatásindikátor"): entered training, completed training, employed — "csak
  akkor tekinthetők hatásindikátoroknak, ha az egyéni tervben nem szerepelnek célként"
  (they count as impact only where they are not a goal in the individual plan).

§8.1 (lines 184-187) adds the base data — clients by age, sex, education and prior
labour-market status — the labour-market consequences (qualification, job kept) and the
anonymous satisfaction survey at the end of the service.

`indicators(tables, start=…, end=…, by=…)` computes them for a period, for every provider,
case manager or region, from plain tables (one per record kind, see `TABLES`). The tables
may be polars, Dask or PySpark frames (eager or lazy): the function is written once on
narwhals' dataframe API and runs where the data is, returning the same engine's frame.
The store, a records folder or a developer's own tables all arrive here the same way.

What the seed leaves open is project policy, and said so in `INDICATORS`: who counts as
served in a period (a client with a case-log meeting in it — the §6 table gives the case
log as the source), which plan counts (the latest one dated on or before the period's end)
and a measure's state (its latest result on or before the end, else "open").

This module needs the `records` extra (narwhals, polars); it is not imported with
`ccm_rules`.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any, Literal

import narwhals as nw
import yaml

from ..engine import InputFileError, Problem, format_number
from ._models import KINDS

By = Literal["provider", "case_manager", "region"]
"""The groups an indicator table can be given for (None: the whole service)."""

ALL = "all"
"""The `group` of every row when the indicators are not split (`by=None`)."""

NOT_KNOWN = "not_known"
"""The category of a base-data row whose value was not recorded (unknown, never "no")."""

TABLES: Mapping[str, tuple[str, ...]] = {
    "enrolment": ("code", "on", "provider", "case_manager", "region", "age_band", "sex", "education", "prior_status"),
    "meeting": ("code", "on"),
    "plan_measure": ("code", "plan", "on", "measure"),
    "plan_goal": ("code", "plan", "on", "outcome"),
    "measure_result": ("code", "on", "measure", "status"),
    "follow_up": ("code", "on", "outcome"),
    "survey": ("provider", "period", "satisfaction"),
}
"""Each table the indicators read and the columns they need (`id` and `corrects` are optional).

`plan_measure` and `plan_goal` are an individual plan's measures and goals, one row each,
with the plan's id and date; `survey` holds the anonymous responses (no code; `period`
is the month, `YYYY-MM`).
"""

INDICATORS: Mapping[str, str] = {
    "output.clients_served": "clients with a case-log meeting in the period (002 §6: source 'esetnapló'; project policy: served = met)",
    "output.measures_realised": "measure results recorded as realised in the period (002 §6 'megvalósult intézkedések száma')",
    "result.measures": "each measure of the client's latest plan by its latest result at the period's end: realised, partly_realised, not_realised or open (002 §6)",
    "result.fulfilment_rate": "realised measures / planned measures of the clients served (002 §6 'teljesülése'); absent when no measure is planned",
    "impact": "follow-ups in the period by outcome, not a goal of that client's plan (002 §6: only then an impact)",
    "impact.not_counted_plan_goal": "follow-ups whose outcome is a goal of the client's plan, so not an impact (002 §6), shown for transparency",
    "base.age_band": "clients served by age band (002 §8.1 'kora')",
    "base.sex": "clients served by sex (002 §8.1 'neme')",
    "base.education": "clients served by education (002 §8.1 'iskolai végzettsége')",
    "base.prior_status": "clients served by prior labour-market status (002 §8.1 'előzetes munkaerő-piaci státusa')",
    "satisfaction.responses": "anonymous survey responses in the period's months (002 §8.1); by provider only: the survey carries no code",
    "satisfaction.mean": "mean satisfaction, 1 (very dissatisfied) to 5 (very satisfied; project policy scale)",
    "satisfaction.score": "responses by score",
}
"""Every indicator the table can hold, with what it counts and why."""

BASE_FIELDS = ("age_band", "sex", "education", "prior_status")
COLUMNS = ("group", "indicator", "category", "value")
"""The result is a long table: one row per group, indicator and category."""


def indicators(
    tables: Mapping[str, Any],
    *,
    start: datetime.date,
    end: datetime.date,
    by: By | None = None,
) -> Any:
    """The indicators of the period `start`–`end` (both inclusive), per group, as a long table.

    `tables` maps a name of `TABLES` to a native frame (polars, Dask, PySpark…); a table
    that is absent leaves its indicators out (not known), it never counts as zero. The result
    is a frame of the same engine with the columns `COLUMNS`, sorted, lazy if the input was.
    """
    if end < start:
        raise InputFileError(
            "the period ends before it starts",
            [Problem(f"the period ends ({end}) before it starts ({start})", path="$.end")],
        )
    frames = _checked_frames(tables)
    if by is not None and by not in ("provider", "case_manager", "region"):
        raise InputFileError(
            "unknown grouping", [Problem(f"by: {by!r} is not one of provider, case_manager, region", path="$.by")]
        )
    groups = _groups(frames["enrolment"], end, by) if "enrolment" in frames else None
    parts: list[nw.LazyFrame[Any]] = []
    served = None
    if "meeting" in frames:
        served = _in_period(frames["meeting"], start, end).select("code").unique()
        parts.append(_count_codes(served, groups, "output.clients_served"))
    if "measure_result" in frames:
        realised = _in_period(frames["measure_result"], start, end).filter(nw.col("status") == "realised")
        parts.append(_count_rows(realised, groups, "output.measures_realised"))
    if {"plan_measure", "measure_result"} <= frames.keys() and served is not None:
        parts.extend(_results(frames["plan_measure"], frames["measure_result"], served, groups, end))
    if "follow_up" in frames:
        parts.extend(_impact(frames["follow_up"], frames.get("plan_goal"), groups, start, end))
    if served is not None and "enrolment" in frames:
        parts.extend(_base_data(served, frames["enrolment"], groups, end))
    if "survey" in frames and by in (None, "provider"):
        parts.extend(_satisfaction(frames["survey"], start, end, by))
    if not parts:
        raise InputFileError(
            "no table to compute indicators from", [Problem(f"tables: none of {', '.join(TABLES)} was given", path="$")]
        )
    table = nw.concat(parts, how="vertical").sort("group", "indicator", "category")
    native = tables[next(iter(frames))]
    eager = isinstance(nw.from_native(native, pass_through=True), nw.DataFrame)
    return table.collect().to_native() if eager else table.to_native()


def _checked_frames(tables: Mapping[str, Any]) -> dict[str, nw.LazyFrame[Any]]:
    """Each known table as a narwhals lazy frame without superseded entries; unknown tables and missing columns refused."""
    known = TABLES.keys() | KINDS.keys()  # the other record kinds' tables are welcome and not read
    problems = [
        Problem(
            f"tables: {name!r} is neither a record kind nor a table the indicators read ({', '.join(TABLES)})",
            path=f"$.{name}",
        )
        for name in tables
        if name not in known
    ]
    frames: dict[str, nw.LazyFrame[Any]] = {}
    for name, native in tables.items():
        if name not in TABLES:
            continue
        frame = nw.from_native(native).lazy()
        schema = frame.collect_schema()
        missing = [c for c in TABLES[name] if c not in schema]
        if missing:
            problems.append(Problem(f"{name}: missing column(s) {', '.join(missing)}", path=f"$.{name}"))
            continue
        if "on" in schema and not (schema["on"] == nw.Date or schema["on"] == nw.Datetime):
            problems.append(Problem(f"{name}.on: a date column was expected, not {schema['on']}", path=f"$.{name}.on"))
            continue
        if name == "survey" and not schema["satisfaction"].is_numeric():
            problems.append(
                Problem(
                    f"survey.satisfaction: a number column was expected, not {schema['satisfaction']}",
                    path="$.survey.satisfaction",
                )
            )
            continue
        frames[name] = _current(_typed(frame, schema), list(schema))
    if problems:
        raise InputFileError("the tables cannot be read for indicators", problems)
    return frames


def _typed(frame: nw.LazyFrame[Any], schema: nw.Schema) -> nw.LazyFrame[Any]:
    """Dates as dates and every other key column as text, whatever the engine read them as (an all-null column included)."""
    casts = [nw.col("on").cast(nw.Date())] if "on" in schema else []
    casts += [nw.col(c).cast(nw.String()) for c in schema if c not in ("on", "satisfaction")]
    return frame.with_columns(*casts)


def _current(frame: nw.LazyFrame[Any], columns: Sequence[str]) -> nw.LazyFrame[Any]:
    """The entries nothing corrects: a correction replaces the entry its `corrects` names (the logs are append-only)."""
    if "id" not in columns or "corrects" not in columns:
        return frame
    replaced = frame.filter(~nw.col("corrects").is_null()).select(nw.col("corrects").alias("id")).unique()
    return _without(frame, replaced, ["id"])


def _without(frame: nw.LazyFrame[Any], keys: nw.LazyFrame[Any], on: list[str]) -> nw.LazyFrame[Any]:
    """The rows of `frame` whose `on` values are not in `keys` (an anti join, written as a left join: Dask plans it)."""
    hit = "_ccm_rules_hit"
    marked = keys.select(*on).unique().with_columns(nw.lit(True).alias(hit))
    return frame.join(marked, on=on, how="left").filter(nw.col(hit).is_null()).drop(hit)


def _in_period(frame: nw.LazyFrame[Any], start: datetime.date, end: datetime.date) -> nw.LazyFrame[Any]:
    return frame.filter((nw.col("on") >= nw.lit(start)) & (nw.col("on") <= nw.lit(end)))


def _groups(enrolment: nw.LazyFrame[Any], end: datetime.date, by: By | None) -> nw.LazyFrame[Any]:
    """code → group: the client's latest enrolment on or before the period's end names its provider, case manager, region."""
    enrolled = enrolment.filter(nw.col("on") <= nw.lit(end))
    latest = enrolled.group_by("code").agg(nw.col("on").max())
    current = enrolled.join(latest, on=["code", "on"], how="inner")
    group = nw.lit(ALL) if by is None else nw.col(by).cast(nw.String()).fill_null(NOT_KNOWN)
    return current.select("code", *BASE_FIELDS, group.alias("group")).unique(subset=["code"], keep="any")


def _with_group(frame: nw.LazyFrame[Any], groups: nw.LazyFrame[Any] | None) -> nw.LazyFrame[Any]:
    if groups is None:
        return frame.with_columns(nw.lit(ALL).alias("group"))
    return frame.join(groups.select("code", "group"), on="code", how="left").with_columns(
        nw.col("group").fill_null(NOT_KNOWN)
    )


def _rows(frame: nw.LazyFrame[Any], indicator: str, category: nw.Expr | None, value: nw.Expr) -> nw.LazyFrame[Any]:
    keys = ["group"] if category is None else ["group", "category"]
    if category is not None:
        frame = frame.with_columns(category.cast(nw.String()).fill_null(NOT_KNOWN).alias("category"))
    counted = frame.group_by(*keys).agg(
        value.alias("value")
    )  # elementary aggregations only: Dask and Spark plan them too
    if category is None:
        counted = counted.with_columns(nw.lit(None, dtype=nw.String()).alias("category"))
    return counted.select(
        nw.col("group").cast(nw.String()),
        nw.lit(indicator).alias("indicator"),
        nw.col("category"),
        nw.col("value").cast(nw.Float64()),
    )


def _count_codes(
    codes: nw.LazyFrame[Any], groups: nw.LazyFrame[Any] | None, indicator: str, category: str | None = None
) -> nw.LazyFrame[Any]:
    return _rows(
        _with_group(codes, groups), indicator, None if category is None else nw.col(category), nw.col("code").n_unique()
    )


def _count_rows(
    frame: nw.LazyFrame[Any], groups: nw.LazyFrame[Any] | None, indicator: str, category: str | None = None
) -> nw.LazyFrame[Any]:
    return _rows(_with_group(frame, groups), indicator, None if category is None else nw.col(category), nw.len())


def _results(
    plan_measure: nw.LazyFrame[Any],
    measure_result: nw.LazyFrame[Any],
    served: nw.LazyFrame[Any],
    groups: nw.LazyFrame[Any] | None,
    end: datetime.date,
) -> list[nw.LazyFrame[Any]]:
    """The served clients' planned measures (latest plan by the end) by their latest result by the end."""
    plans = plan_measure.filter(nw.col("on") <= nw.lit(end))
    latest_plan = plans.group_by("code").agg(nw.col("on").max())
    measures = (
        plans.join(latest_plan, on=["code", "on"], how="inner")
        .join(served, on="code", how="inner")
        .select("code", "measure")
        .unique()
    )
    results = measure_result.filter(nw.col("on") <= nw.lit(end))
    last = results.group_by("code", "measure").agg(nw.col("on").max())
    state = (
        results.join(last, on=["code", "measure", "on"], how="inner")
        .group_by("code", "measure")
        .agg(nw.col("status").min())
    )
    fulfilled = measures.join(state, on=["code", "measure"], how="left").with_columns(
        nw.col("status").fill_null("open")
    )
    grouped = _with_group(fulfilled, groups)
    by_state = _rows(grouped, "result.measures", nw.col("status"), nw.len())
    flagged = grouped.with_columns((nw.col("status") == "realised").cast(nw.Float64()).alias("realised"))
    rate = _rows(flagged, "result.fulfilment_rate", None, nw.col("realised").mean())
    return [by_state, rate]


def _impact(
    follow_up: nw.LazyFrame[Any],
    plan_goal: nw.LazyFrame[Any] | None,
    groups: nw.LazyFrame[Any] | None,
    start: datetime.date,
    end: datetime.date,
) -> list[nw.LazyFrame[Any]]:
    """Follow-up outcomes in the period: an impact unless that client's plan (by the follow-up's end) has it as a goal."""
    outcomes = _in_period(follow_up, start, end).filter(~nw.col("outcome").is_null()).select("code", "outcome")
    if plan_goal is None:
        return [_count_rows(outcomes, groups, "impact", "outcome")]
    goals = plan_goal.filter(nw.col("on") <= nw.lit(end)).select("code", "outcome").unique()
    counted = _without(outcomes, goals, ["code", "outcome"])
    planned = outcomes.join(goals, on=["code", "outcome"], how="inner")
    return [
        _count_rows(counted, groups, "impact", "outcome"),
        _count_rows(planned, groups, "impact.not_counted_plan_goal", "outcome"),
    ]


def _base_data(
    served: nw.LazyFrame[Any], enrolment: nw.LazyFrame[Any], groups: nw.LazyFrame[Any] | None, end: datetime.date
) -> list[nw.LazyFrame[Any]]:
    """The clients served by each base-data field of their latest enrolment (unrecorded: `not_known`)."""
    assert groups is not None  # the enrolment table is there
    described = served.join(groups, on="code", how="left").with_columns(nw.col("group").fill_null(NOT_KNOWN))
    return [_rows(described, f"base.{field}", nw.col(field), nw.col("code").n_unique()) for field in BASE_FIELDS]


def _satisfaction(
    survey: nw.LazyFrame[Any], start: datetime.date, end: datetime.date, by: By | None
) -> list[nw.LazyFrame[Any]]:
    """The anonymous responses of the period's months, per provider (or all): count, mean and by score."""
    months = (nw.col("period") >= nw.lit(f"{start:%Y-%m}")) & (nw.col("period") <= nw.lit(f"{end:%Y-%m}"))
    answered = survey.filter(months).with_columns(
        (nw.lit(ALL) if by is None else nw.col("provider").cast(nw.String())).alias("group")
    )
    return [
        _rows(answered, "satisfaction.responses", None, nw.len()),
        _rows(answered, "satisfaction.mean", None, nw.col("satisfaction").mean()),
        _rows(answered, "satisfaction.score", nw.col("satisfaction"), nw.len()),
    ]


@functools.cache
def _texts() -> Mapping[str, Mapping[str, Mapping[str, str]]]:
    """The indicators' and categories' names in every shipped language, read once from `indicator_texts.yaml`."""
    data: Mapping[str, Mapping[str, Mapping[str, str]]] = yaml.safe_load(
        resources.files("ccm_rules.records").joinpath("indicator_texts.yaml").read_text(encoding="utf-8")
    )
    return data


def indicator_label(indicator: str, lang: str) -> str:
    """What an indicator is called in `lang` (its id when the catalogue lacks it)."""
    return _texts()["indicators"].get(indicator, {}).get(lang, indicator)


def category_label(category: str | None, lang: str) -> str:
    """A category's name in `lang`: a coded value translated, a free one (a score, an age band) as it is."""
    if category is None:
        return ""
    return _texts()["categories"].get(category, {}).get(lang, category)


def group_label(group: str, lang: str) -> str:
    """A group's name in `lang`: the whole service and an unknown group translated, a provider's own name as it is."""
    return _texts()["groups"].get(group, {}).get(lang, group)


def report_order(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Rows in the order a report reads them: by group, then output, result, impact, base data, satisfaction."""
    rank = {indicator: i for i, indicator in enumerate(INDICATORS)}
    return sorted(
        rows,
        key=lambda r: (
            str(r["group"]),
            rank.get(str(r["indicator"]), len(rank)),
            "" if r["category"] is None else str(r["category"]),
        ),
    )


def format_value(value: float, indicator: str, lang: str) -> str:
    """An indicator's value as a report shows it: a count whole, a share as a percentage, a mean to two decimals."""
    number = float(value)
    if indicator.endswith("_rate"):
        return f"{format_number(round(number * 100, 1), lang)} %"
    return format_number(int(number) if number.is_integer() else round(number, 2), lang)
