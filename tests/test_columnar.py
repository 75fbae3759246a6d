"""The columnar screener gives exactly the per-record core's decisions and validation.

Differential tests over generated registries (nulls and bad cells included): the
oracle is `decide()` on `row_facts(row)`, row by row.
"""

from __future__ import annotations

import datetime
import itertools
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccm_rules import FactsError, InputFileError, RulePack, decide
from ccm_rules.engine._truth import k_and, k_not, k_or
from ccm_rules.engine.columnar import (
    DEFAULT_RULESETS,
    ERROR,
    ERROR_FIELDS,
    Column,
    Screener,
    registry_columns,
    row_facts,
)

from .conftest import RULES

PACK = RulePack.load(RULES)
ON = datetime.date(2026, 1, 1)
SCREENER = Screener(PACK, DEFAULT_RULESETS, ON)
COLUMNS = registry_columns(SCREENER.rulesets)
DTYPES = {
    "boolean": pl.Boolean,
    "integer": pl.Int64,
    "number": pl.Float64,
    "enum": pl.String,
    "domain_statuses": pl.String,
}
SCHEMA = {"case": pl.String, **{name: DTYPES[c.spec.type] for name, c in COLUMNS.items()}}


def _cell(column: Column) -> st.SearchStrategy[Any]:
    """Mostly valid values, often unknown (None), sometimes a bad one."""
    spec = column.spec
    if column.code is not None or spec.type == "enum":
        valid: st.SearchStrategy[Any] = st.sampled_from(column.codes)
        bad: st.SearchStrategy[Any] = st.sampled_from(["unmet", "plan", "", "No_need"])
    elif spec.type == "boolean":
        valid, bad = st.booleans(), st.nothing()
    elif spec.type == "integer":
        low, high = int(spec.min or 0), int(spec.max or 100)
        valid, bad = st.integers(low, high), st.sampled_from([low - 1, high + 1, -(10**9)])
    else:
        low_f, high_f = float(spec.min or 0), float(spec.max or 100)
        valid = st.floats(low_f, high_f)
        bad = st.sampled_from([low_f - 0.5, high_f + 1e-6, float("inf"), float("-inf"), float("nan")])
    return (
        st.one_of(st.none(), valid, valid, valid, bad)
        if column.code is None
        else st.one_of(st.none(), valid, valid, valid, valid, bad)
    )


def _rows(columns: list[str]) -> st.SearchStrategy[list[dict[str, Any]]]:
    row = st.fixed_dictionaries({name: _cell(COLUMNS[name]) for name in columns})
    return st.lists(row, min_size=1, max_size=25)


def _expect(row: dict[str, Any]) -> dict[str, Any]:
    """What the per-record core says about one row: decisions, or the fields it refuses."""
    refused: set[str] = set()
    decided = {}
    for ruleset in SCREENER.rulesets:
        try:
            decision = decide(ruleset, row_facts(row, ruleset), ON)
        except FactsError as err:
            refused.update(p.path.removeprefix("$.") for p in err.problems)
            continue
        decided[ruleset.id] = (
            decision.outcome.value,
            sorted(c.id for c in decision.criteria if c.status.value == "not_met"),
            sorted(c.id for c in decision.criteria if c.status.value == "unknown"),
        )
    return {"refused": refused, "decided": decided}


def _check_against_core(rows: list[dict[str, Any]], frame: pl.DataFrame) -> None:
    out = SCREENER.screen(frame)
    assert out.height == len(rows)
    assert out["row"].to_list() == list(range(1, len(rows) + 1))
    for row, got in zip(rows, out.iter_rows(named=True), strict=True):
        want = _expect(row)
        if want["refused"]:
            fields = set(got[ERROR_FIELDS].split(", "))
            # the core stops at the first bad life domain of a row; the columnar check names them all
            assert {f for f in want["refused"] if "." not in f} == {f for f in fields if "." not in f}, got[ERROR]
            assert {f for f in want["refused"] if "." in f} <= fields
            assert any("." in f for f in want["refused"]) == any("." in f for f in fields)
            assert all(got[f"{r.id}_outcome"] is None for r in SCREENER.rulesets)
            continue
        assert got[ERROR] is None and got[ERROR_FIELDS] is None
        for ruleset_id, (outcome, failed, unknown) in want["decided"].items():
            assert got[f"{ruleset_id}_outcome"] == outcome, (row, got)
            assert sorted(got[f"{ruleset_id}_failed"]) == failed, (row, got)
            assert sorted(got[f"{ruleset_id}_unknown"]) == unknown, (row, got)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_rows(list(COLUMNS)))
def test_same_decisions_as_the_core(rows: list[dict[str, Any]]) -> None:
    frame = pl.DataFrame([{"case": f"T-{i}", **r} for i, r in enumerate(rows)], schema=SCHEMA)
    _check_against_core(rows, frame)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_same_decisions_with_columns_missing(data: st.DataObject) -> None:
    """A registry may lack columns: a missing column is an unknown fact in every row."""
    present = data.draw(st.lists(st.sampled_from(list(COLUMNS)), unique=True, max_size=12))
    rows = data.draw(_rows(present))
    frame = (
        pl.DataFrame(rows, schema={name: SCHEMA[name] for name in present})
        if present
        else pl.DataFrame({"case": [None] * len(rows)}, schema={"case": pl.String})
    )
    _check_against_core(rows, frame)


def test_polars_boolean_operators_are_kleene() -> None:
    values = [True, False, None]
    pairs = list(itertools.product(values, values))
    frame = pl.DataFrame(
        {"a": [a for a, _ in pairs], "b": [b for _, b in pairs]}, schema={"a": pl.Boolean, "b": pl.Boolean}
    )
    got = frame.select(
        (pl.col("a") & pl.col("b")).alias("and"),
        (pl.col("a") | pl.col("b")).alias("or"),
        (~pl.col("a")).alias("not"),
        pl.all_horizontal("a", "b").alias("all"),
        pl.any_horizontal("a", "b").alias("any"),
    )
    assert got["and"].to_list() == [k_and(p) for p in pairs] == got["all"].to_list()
    assert got["or"].to_list() == [k_or(p) for p in pairs] == got["any"].to_list()
    assert got["not"].to_list() == [k_not(a) for a, _ in pairs]


def test_text_columns_parse_like_typed_ones() -> None:
    """A CSV registry (every cell text) screens like the same registry typed (Parquet)."""
    typed = pl.DataFrame(
        {
            "case": ["A", "B", "C"],
            "services_needed": [3, None, 4],
            "chronic_condition": [True, None, False],
            "expected_duration_months": [2.5, 13.0, None],
            "domains.housing": ["unmet_need", None, "no_need"],
            "domains.finances": ["met_need", None, None],
            "age": [30, 52, None],
            "entry_route": ["other", None, "labour_office_referral"],
        }
    )
    text = typed.with_columns(pl.all().cast(pl.String)).with_columns(
        pl.col("chronic_condition").str.to_uppercase(), pl.col("services_needed").str.replace("4", " 4.0 ")
    )
    assert text["services_needed"].to_list()[2] == " 4.0 "
    assert SCREENER.screen(text).drop("row").equals(SCREENER.screen(typed).drop("row"))


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("services_needed", "three", "services_needed: expected an integer, got 'three'"),
        ("services_needed", "2.5", "services_needed: expected a whole number, got 2.5"),
        ("services_needed", "51", "services_needed: 51 is above the largest allowed value 50"),
        ("expected_duration_months", "12,5", "expected_duration_months: expected a number, got '12,5'"),
        ("expected_duration_months", "inf", "expected_duration_months: expected a finite number, got inf"),
        ("chronic_condition", "yes", "chronic_condition: expected true or false, got 'yes'"),
        (
            "domains.housing",
            "unmet",
            "domains.housing: 'unmet' is not a status; use one of: no_need, met_need, unmet_need, not_assessed",
        ),
        ("individual_plan", "plan", "individual_plan: 'plan' is not one of: none,"),
    ],
)
def test_bad_text_cells_name_field_and_value(column: str, cell: str, message: str) -> None:
    frame = pl.DataFrame({"case": ["OK", "BAD"], column: [None, cell]}, schema={"case": pl.String, column: pl.String})
    out = SCREENER.screen(frame)
    assert out[ERROR].to_list()[0] is None
    assert out[ERROR].to_list()[1].startswith(message)
    assert out[ERROR_FIELDS].to_list() == [None, column]


def test_wrongly_typed_column_is_a_row_error_not_a_crash() -> None:
    frame = pl.DataFrame({"chronic_condition": [1, None], "services_needed": [True, None]})
    out = SCREENER.screen(frame)
    assert (
        out[ERROR].to_list()[0]
        == "services_needed: expected an integer, got true; chronic_condition: expected true or false, got 1"
    )
    assert out["eligibility_outcome"].to_list()[1] == "undetermined"


def test_unknown_columns_are_refused_with_a_suggestion() -> None:
    with pytest.raises(InputFileError) as caught:
        SCREENER.check_columns(["case", "servics_needed", "domains.houzing", "region"])
    messages = [p.message for p in caught.value.problems]
    assert messages == [
        "unknown column 'servics_needed'; did you mean 'services_needed'?",
        "unknown column 'domains.houzing'; did you mean 'domains.housing'?",
        "unknown column 'region'",
    ]
    with pytest.raises(InputFileError, match="houzing"):
        SCREENER.check_columns(["region", "domains.houzing"], ignore_extra=True)
    SCREENER.check_columns(["region"], ignore_extra=True)


def test_records_pack_and_date() -> None:
    out = SCREENER.screen(pl.DataFrame({"case": ["A"]}))
    assert out["pack_hash"].to_list() == [PACK.info.content_hash]
    assert out["as_of"].to_list() == [ON]
    assert out.schema == SCREENER.output_schema()


def test_core_imports_without_polars() -> None:
    code = "import sys, ccm_rules; ccm_rules.assess_eligibility({}); print(sorted(m for m in sys.modules if m.startswith(('polars', 'pyarrow', 'ccm_rules.engine.columnar'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_count_compared_with_a_set_agrees_with_the_core(tmp_path: Path) -> None:
    """`count … in: [...]` is decided only when every possible count agrees, in both engines
    (found in review: the core looked at the ends of the range, the columnar path had no `in`)."""
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    path = root / "eligibility.yaml"
    text = path.read_text(encoding="utf-8")
    assert "          gte: {param: min_domains_with_need}" in text
    path.write_text(
        text.replace("          gte: {param: min_domains_with_need}", "          in: [2, 3, 5]"), encoding="utf-8"
    )
    pack = RulePack.load(root)
    screener = Screener(pack, ("eligibility",), ON)
    ruleset = screener.rulesets[0]
    columns = registry_columns(screener.rulesets)
    rnd = random.Random(5)
    domains = [name for name, column in columns.items() if column.code is not None]
    rows = []
    for _ in range(400):  # 0–6 domains with a need, 0–2 unknown (not assessed or missing), the rest none
        picked = rnd.sample(domains, 8)
        need, unknown = rnd.randrange(0, 7), rnd.choice([0, 0, 1, 2])
        row: dict[str, Any] = dict.fromkeys(columns, None) | dict.fromkeys(domains, "no_need") | {"services_needed": 1}
        row |= {name: rnd.choice(["met_need", "unmet_need"]) for name in picked[:need]}
        row |= {name: rnd.choice([None, "not_assessed"]) for name in picked[need : need + unknown]}
        rows.append(row)
    schema = {name: DTYPES[c.spec.type] for name, c in columns.items()}
    out = screener.screen(pl.DataFrame(rows, schema=schema))
    seen = set()
    for row, got in zip(rows, out.iter_rows(named=True), strict=True):
        decision = decide(ruleset, row_facts(row, ruleset), ON)
        assert got["eligibility_outcome"] == decision.outcome.value
        assert sorted(got["eligibility_unknown"]) == sorted(
            c.id for c in decision.criteria if c.status.value == "unknown"
        )
        seen.add(decision.criterion("E1").status.value)
    assert seen == {"met", "not_met", "unknown"}


def _variant(tmp_path: Path, old: str, new: str) -> RulePack:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    path = root / "eligibility.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return RulePack.load(root)


E4 = "        - {fact: ongoing_coordination_needed, eq: true}\n        - {fact: referral_only, eq: false}\n"


@pytest.mark.parametrize(
    "condition",
    [
        "        - {fact: expected_duration_months, in: [12, 12.5]}\n",  # found in review: no common type
        "        - {fact: expected_duration_months, in: [12]}\n",  # found in review: Int64 list, Float64 column
        "        - {fact: expected_duration_months, not_in: [6, 24.5]}\n",
        # found in review: a `where` comparing a field with a parameter raised KeyError in both engines
        "        - some: domains\n          where: {field: code, in: {param: holistic_domains}}\n",
    ],
)
def test_operands_of_other_shapes_agree_with_the_core(tmp_path: Path, condition: str) -> None:
    pack = _variant(tmp_path, E4, condition)
    screener = Screener(pack, ("eligibility",), ON)
    ruleset = screener.rulesets[0]
    columns = registry_columns(screener.rulesets)
    rows = [
        dict.fromkeys(columns) | {"expected_duration_months": months, "domains.housing": status}
        for months in (None, 6.0, 12.0, 12.5, 24.5, 36.0)
        for status in (None, "unmet_need")
    ]
    out = screener.screen(pl.DataFrame(rows, schema={name: DTYPES[c.spec.type] for name, c in columns.items()}))
    for row, got in zip(rows, out.iter_rows(named=True), strict=True):
        decision = decide(ruleset, row_facts(row, ruleset), ON)
        assert got["eligibility_outcome"] == decision.outcome.value, row
        assert sorted(got["eligibility_unknown"]) == sorted(
            c.id for c in decision.criteria if c.status.value == "unknown"
        )
        assert sorted(got["eligibility_failed"]) == sorted(
            c.id for c in decision.criteria if c.status.value == "not_met"
        )


def test_a_whole_number_past_64_bits_is_a_row_error_not_an_unknown(tmp_path: Path) -> None:
    """Found in review: with no `max`, 1e19 was cast to null and read as not given."""
    pack = _variant(tmp_path, "    type: integer\n    min: 0\n    max: 50\n", "    type: integer\n    min: 0\n")
    screener = Screener(pack, ("eligibility",), ON)
    columns = registry_columns(screener.rulesets)
    frame = pl.DataFrame(
        [dict.fromkeys(columns) | {"services_needed": "1e19"}, dict.fromkeys(columns) | {"services_needed": "7"}],
        schema=dict.fromkeys(columns, pl.String),
    )
    out = screener.screen(frame)
    assert (
        out[ERROR].to_list()[0]
        == "services_needed: 1e19 is too large for a registry's whole-number column (at most 9223372036854775807)"
    )
    assert out[ERROR].to_list()[1] is None


# ------------------------------------------------------------------ seed 001: precedence, E1, E3 (issue 15)

CORE = tuple(PACK.ruleset("eligibility").params_at(ON)["holistic_domains"].value)
_status = st.sampled_from([None, "not_assessed", "no_need", "no_need", "met_need", "unmet_need"])
_near = {  # values around every threshold the new rules read, and unknown
    "services_needed": st.sampled_from([None, 0, 1, 2, 3]),
    "chronic_condition": st.sampled_from([None, True, False]),
    "expected_duration_months": st.sampled_from([None, 0.0, 3.0, 11.5, 12.0, 36.0]),
    "ongoing_coordination_needed": st.sampled_from([None, True, False]),
    "referral_only": st.sampled_from([None, True, False]),
}


def _seed001_rows(columns: dict[str, Column]) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Rows whose assessments are often partial (a core domain or two left out) and whose
    other facts often refuse: the cases where refusals are held back."""
    domains = [name for name, c in columns.items() if c.code is not None]
    cells = {
        name: (_status if name.split(".", 1)[1] in CORE else st.sampled_from([None, None, "no_need", "unmet_need"]))
        for name in domains
    }
    row = st.fixed_dictionaries({**cells, **{k: v for k, v in _near.items() if k in columns}})
    return st.lists(row.map(lambda r: dict.fromkeys(columns) | r), min_size=1, max_size=30)


def _agree(pack: RulePack, rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Screen `rows` and compare with `decide()`; returns (E2 status, outcome) pairs seen."""
    screener = Screener(pack, ("eligibility",), ON)
    ruleset = screener.rulesets[0]
    columns = registry_columns(screener.rulesets)
    schema = {name: DTYPES[c.spec.type] for name, c in columns.items()}
    out = screener.screen(pl.DataFrame(rows, schema=schema))
    seen = set()
    for row, got in zip(rows, out.iter_rows(named=True), strict=True):
        decision = decide(ruleset, row_facts(row, ruleset), ON)
        assert got["eligibility_outcome"] == decision.outcome.value, (row, got)
        assert sorted(got["eligibility_failed"]) == sorted(
            c.id for c in decision.criteria if c.status.value == "not_met"
        )
        assert sorted(got["eligibility_unknown"]) == sorted(
            c.id for c in decision.criteria if c.status.value == "unknown"
        )
        seen.add((decision.criterion("E2").status.value, decision.outcome.value))
    return seen


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_seed001_rows(registry_columns([PACK.ruleset("eligibility")])))
def test_held_back_refusals_agree_with_the_core(rows: list[dict[str, Any]]) -> None:
    """An unmet E2 holds refusals back in the screener as in the core (the screener tables the
    core's `refuses` and compiles the criteria again with E2's provisional facts null)."""
    _agree(PACK, rows)


def test_the_screener_holds_back_a_partial_assessments_refusal() -> None:
    """The seed's example as a registry row: only work assessed, everything else refusing."""
    columns = registry_columns([PACK.ruleset("eligibility")])
    refusing = {
        "services_needed": 1,
        "chronic_condition": False,
        "expected_duration_months": 3.0,
        "ongoing_coordination_needed": False,
        "referral_only": True,
    }
    partial = dict.fromkeys(columns) | {"domains.work": "unmet_need"} | refusing
    holistic = partial | {f"domains.{c}": "no_need" for c in CORE if c != "work"}
    two_services = holistic | {
        "domains.housing": "unmet_need",
        "services_needed": 2,
        "expected_duration_months": 24.0,
        "ongoing_coordination_needed": True,
        "referral_only": False,
    }
    short = two_services | {"chronic_condition": True, "expected_duration_months": 3.0}
    out = Screener(PACK, ("eligibility",), ON).screen(
        pl.DataFrame(
            [partial, holistic, two_services, short], schema={n: DTYPES[c.spec.type] for n, c in columns.items()}
        )
    )
    assert out["eligibility_outcome"].to_list() == ["undetermined", "not_eligible", "eligible", "not_eligible"]
    assert sorted(out["eligibility_failed"].to_list()[0]) == ["E2", "E3", "E4"]
    assert out["eligibility_failed"].to_list()[3] == ["E3"]


MORE_GATES = """  - id: G2
    role: gate
    title: {en: t, cs: t, hu: t, de: t}
    source: {ref: project policy, rationale: a second assessment for the test}
    condition: {fact: expected_duration_months, gte: 1}
    provisional: [chronic_condition]
    met: {en: t, cs: t, hu: t, de: t}
    not_met: {en: t, cs: t, hu: t, de: t}
    unknown: {en: t, cs: t, hu: t, de: t}
  - id: R5
    role: required
    title: {en: t, cs: t, hu: t, de: t}
    source: {ref: project policy, rationale: known and a held fact together}
    condition:
      any:
        - {known: referral_only}
        - {fact: chronic_condition, eq: true}
    met: {en: t, cs: t, hu: t, de: t}
    not_met: {en: t, cs: t, hu: t, de: t}
    unknown: {en: t, cs: t, hu: t, de: t}
"""


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_several_provisional_gates_hold_back_the_union_in_both_engines(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Two gates with provisional facts: the facts held back are those of every gate not met in
    the row, in the screener as in the core; `known` of a held-back fact is unknown in both."""
    pack = _more_gates_pack(tmp_path_factory)
    rows = data.draw(_seed001_rows(registry_columns([pack.ruleset("eligibility")])))
    _agree(pack, rows)


_MORE_GATES: list[RulePack] = []


def _more_gates_pack(factory: pytest.TempPathFactory) -> RulePack:
    if not _MORE_GATES:
        root = factory.mktemp("gates") / "rules"
        shutil.copytree(RULES, root)
        path = root / "eligibility.yaml"
        text = path.read_text(encoding="utf-8")
        text = text.replace(
            "    provisional: [services_needed, chronic_condition, expected_duration_months, ongoing_coordination_needed, referral_only]",
            "    provisional: [services_needed, referral_only]",
        )
        path.write_text(text.rstrip("\n") + "\n\n" + MORE_GATES, encoding="utf-8")
        _MORE_GATES.append(RulePack.load(root))
    return _MORE_GATES[0]


def test_union_of_held_facts_example(tmp_path_factory: pytest.TempPathFactory) -> None:
    """R5 refuses (referral not recorded, not chronic) only while G2, which holds the chronic
    condition provisional, is met; with G2 not met (unknown) it is held back, in both engines."""
    pack = _more_gates_pack(tmp_path_factory)
    columns = registry_columns([pack.ruleset("eligibility")])
    base = (
        dict.fromkeys(columns)
        | {f"domains.{c}": "no_need" for c in CORE}
        | {"chronic_condition": False, "ongoing_coordination_needed": True}
    )
    rows = [base | {"expected_duration_months": 24.0}, base]  # G2 met; G2 unknown (no duration)
    ruleset = pack.ruleset("eligibility")
    decisions = [decide(ruleset, row_facts(r, ruleset), ON) for r in rows]
    assert [d.criterion("R5").status.value for d in decisions] == ["not_met", "not_met"]
    assert [d.outcome.value for d in decisions] == ["not_eligible", "undetermined"]
    _agree(pack, rows)


@settings(max_examples=80, deadline=None)
@given(
    op=st.sampled_from(["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in"]),
    flags=st.lists(st.sampled_from([True, False, None]), min_size=1, max_size=6),
    number=st.integers(-1, 7),
    numbers=st.lists(st.integers(-1, 7), max_size=3).map(tuple),
)
def test_the_columnar_count_is_the_cores_count(
    op: str, flags: list[bool | None], number: int, numbers: tuple[int, ...]
) -> None:
    """Issue 17: the screener's count is the core's `_count_compare`, tabled, not a second semantics."""
    from ccm_rules.engine._conditions import _count_compare
    from ccm_rules.engine.columnar import _count_compare as columnar_count_compare

    target = numbers if op in ("in", "not_in") else number
    frame = pl.DataFrame(
        {f"c{i}": [flag] for i, flag in enumerate(flags)}, schema={f"c{i}": pl.Boolean for i in range(len(flags))}
    )
    tests = [pl.col(f"c{i}") for i in range(len(flags))]
    got = frame.select(columnar_count_compare(op, tests, [t.fill_null(True) for t in tests], target).alias("x"))["x"][0]
    sure = flags.count(True)
    assert got is _count_compare(op, sure, sure + flags.count(None), target)
