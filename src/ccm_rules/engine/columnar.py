"""Columnar screening (public module, imported on demand: it is not loaded with `ccm_rules`): a ruleset's compiled conditions turned into polars expressions.

A registry is a table with one row per person (see `docs/batch.md` for the layout):
one column per scalar fact, one column `<fact>.<code>` per life domain holding its
status, an optional `case` code and an optional `row` number. Screening validates
every cell in columnar form, then evaluates every criterion for every row at once;
a null carries the three-valued *unknown*, and polars' `&`, `|` and `~` on nullable
booleans are Kleene's, like `_truth.py`. The per-record core (`decide`) is the
oracle: `row_facts` says which facts a row stands for, and a differential test
checks both paths give the same outcome and the same criteria not met and unknown.

The compiler lives in the core, next to the condition tree it mirrors, because it
holds domain logic (Kleene counts, outcome roles, default statuses) that adapters
must not. polars is an optional extra (`ccm-rules[batch]`), so it is imported inside
the functions here, and `ccm_rules` never imports this module on its own.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import itertools
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ._conditions import (
    Comparison,
    Junction,
    Known,
    Negation,
    Node,
    Quantifier,
    _fields_only,
)
from ._conditions import _count_compare as core_count_compare
from ._decision import Outcome, ParamUse, Status
from ._errors import InputFileError, Problem
from ._evaluate import allows_eligible, provisional_gates, refuses
from ._pack import RulePack, Ruleset
from ._problem_texts import Message
from ._spec import FactSpec
from ._vocabulary import Vocabulary

if TYPE_CHECKING:
    import polars as pl

ROW = "row"
CASE = "case"
ERROR_FIELDS = "error_fields"
ERROR = "error"
RESERVED = (ROW, CASE)
DEFAULT_RULESETS = ("eligibility", "labour_market")


@attrs.frozen
class Column:
    """One registry column: the fact it feeds and, for a life domain, the domain code."""

    name: str
    fact: str
    spec: FactSpec
    code: str | None = None
    codes: tuple[str, ...] = ()  # the allowed values of a status or enum column


def registry_columns(rulesets: Sequence[Ruleset]) -> dict[str, Column]:
    """The columns a registry may have for these rulesets, by name, in a stable order.

    A scalar fact is one column named after it; a collection of domain statuses is
    one column `<fact>.<code>` per domain of its vocabulary.
    """
    columns: dict[str, Column] = {}
    for ruleset in rulesets:
        for fact, spec in ruleset.spec.facts.items():
            if spec.type == "domain_statuses" and spec.vocabulary is not None:
                vocabulary = ruleset.vocabularies[spec.vocabulary]
                statuses = vocabulary.statuses
                found = [Column(f"{fact}.{code}", fact, spec, code, statuses) for code in vocabulary.codes]
            else:
                found = [Column(fact, fact, spec, codes=tuple(spec.values or ()))]
            for column in found:
                known = columns.get(column.name)
                if known is not None and known.spec != column.spec:
                    raise ValueError(f"rulesets declare fact {fact!r} differently; cannot screen them together")
                columns[column.name] = column
    return columns


def row_facts(row: Mapping[str, Any], ruleset: Ruleset) -> dict[str, Any]:
    """The facts one registry row stands for, as `decide()` takes them (the layout's definition).

    A null cell is an unknown fact. A domain cell that is null takes the vocabulary's
    default status, unless every domain cell of the row is null: then the whole
    collection is unknown.
    """
    facts: dict[str, Any] = {}
    for fact, spec in ruleset.spec.facts.items():
        if spec.type == "domain_statuses" and spec.vocabulary is not None:
            codes = ruleset.vocabularies[spec.vocabulary].codes
            statuses = {code: row[f"{fact}.{code}"] for code in codes if row.get(f"{fact}.{code}") is not None}
            if statuses:
                facts[fact] = statuses
        elif row.get(fact) is not None:
            facts[fact] = row[fact]
    return facts


class Screener:
    """Rulesets of one pack, compiled for screening registries on one date.

    `screen(frame)` returns one output row per input row: the row number, the case
    code, per ruleset its outcome and the ids of the criteria not met and unknown,
    the pack id, version and hash, the date, and, for a row that failed validation,
    the bad fields and the problems (its outcomes are then null).
    """

    def __init__(
        self, pack: RulePack, rulesets: Sequence[str] = DEFAULT_RULESETS, as_of: datetime.date | None = None
    ) -> None:
        self.pack = pack
        self.rulesets = tuple(pack.ruleset(r) for r in rulesets)
        self.as_of = as_of if as_of is not None else datetime.date.today()
        self.columns = registry_columns(self.rulesets)
        self._params = {r.id: r.params_at(self.as_of) for r in self.rulesets}
        self._validations: dict[tuple[Any, ...], tuple[list[pl.Expr], dict[str, pl.Expr]]] = {}

    # ------------------------------------------------------------ schema

    def check_columns(self, names: Iterable[str], *, ignore_extra: bool = False, file: str | None = None) -> None:
        """Refuse a registry whose columns are not all known (a typo must not read as unknown)."""
        problems = []
        for name in names:
            if name in RESERVED or name in self.columns:
                continue
            if ignore_extra and not _looks_like_domain(name, self.columns):
                continue
            close = difflib.get_close_matches(name, list(self.columns), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(Problem(f"unknown column {name!r}{hint}", f"$.{name}", file, 1, kind="column"))
        if problems:
            raise InputFileError("the registry has columns no ruleset reads", problems)

    def check_types(self, schema: Mapping[str, Any], *, file: str | None = None) -> None:
        """Refuse, by name, a column whose type no cell check can read (a list, a struct, bytes),
        and a `row` column that is not of whole numbers: before any row is screened.

        A column of another scalar type (a number where a code belongs) still gives row
        errors, cell by cell (docs/batch.md); a nested column would only abort inside polars.
        """
        problems = []
        for name, dtype in schema.items():
            if name == ROW and not dtype.is_integer():
                problems.append(
                    Problem(Message("batch.row_type", {"type": str(dtype)}), f"$.{ROW}", file, kind="column")
                )
            elif (name in self.columns or name == CASE) and not _readable_type(dtype):
                problems.append(
                    Problem(
                        Message("batch.column_type", {"name": name, "type": str(dtype)}),
                        f"$.{name}",
                        file,
                        kind="column",
                    )
                )
        if problems:
            raise InputFileError("the registry has columns of a type no check can read", problems)

    def output_schema(self) -> pl.Schema:
        """The schema of `screen()`'s output (for Spark's `mapInArrow` and Dask's `meta`)."""
        import polars as pl

        fields: dict[str, pl.DataType] = {ROW: pl.Int64(), CASE: pl.String()}
        for ruleset in self.rulesets:
            fields[f"{ruleset.id}_outcome"] = _OUTCOMES()
            fields[f"{ruleset.id}_failed"] = _reasons(ruleset)
            fields[f"{ruleset.id}_unknown"] = _reasons(ruleset)
        info = self.pack.info
        fields.update(
            {
                "pack_id": pl.Enum([info.id]),
                "pack_version": pl.Enum([info.version]),
                "pack_hash": pl.Enum([info.content_hash]),
                "as_of": pl.Date(),
            }
        )
        fields.update({ERROR_FIELDS: pl.String(), ERROR: pl.String()})
        return pl.Schema(fields)

    # ------------------------------------------------------------ screening

    def screen(self, frame: pl.DataFrame, first_row: int = 1) -> pl.DataFrame:
        """Validate and decide every row of a registry frame; rows numbered from `first_row`.

        Three eager steps (validate, criteria, outcomes): one lazy plan made polars
        evaluate shared criterion columns more than once, at twice the cost. The
        expressions are built once per input schema: building them costs more than
        screening a batch of a few thousand rows.
        """
        import polars as pl

        values, messages = self._validation(frame.schema)
        row = (
            pl.col(ROW).cast(pl.Int64)
            if ROW in frame.schema
            else pl.int_range(first_row, first_row + pl.len(), dtype=pl.Int64)
        )
        checked = frame.select(row.alias(ROW), *values)
        checked = checked.with_columns(_problems(frame, _bad_rows(frame, checked, messages), messages))
        known, criteria, outputs = self._decisions
        return checked.with_columns(known).with_columns(criteria).select(outputs)

    def _validation(self, schema: pl.Schema) -> tuple[list[pl.Expr], dict[str, pl.Expr]]:
        """For an input schema: the expressions giving `case` and each fact column checked,
        and the problem message of each column that can have bad cells (cached)."""
        import polars as pl

        key = tuple(schema.items())
        cached = self._validations.get(key)
        if cached is not None:
            return cached
        self.check_columns(schema.names(), ignore_extra=True)
        self.check_types(schema)
        case = pl.col(CASE).cast(pl.String) if CASE in schema else pl.lit(None, pl.String)
        checked = {name: _normalise(col, schema.get(name)) for name, col in self.columns.items()}
        values = [case.alias(CASE), *(value.alias(name) for name, (value, _) in checked.items())]
        messages = {name: message for name, (_, message) in checked.items() if message is not None}
        self._validations[key] = (values, messages)
        return values, messages

    @functools.cached_property
    def _decisions(self) -> tuple[list[pl.Expr], list[pl.Expr], list[pl.Expr]]:
        """The expressions from checked columns to the output: domain collections known or
        not, criteria, and the output columns (the same for every input schema)."""
        import polars as pl

        collections = dict.fromkeys(c.fact for c in self.columns.values() if c.code is not None)
        known = [
            pl.any_horizontal([pl.col(c.name).is_not_null() for c in self.columns.values() if c.fact == fact]).alias(
                f"{KNOWN}{fact}"
            )
            for fact in collections
        ]
        criteria: list[pl.Expr] = []
        decided: list[pl.Expr] = []
        ok = pl.col(ERROR).is_null()
        for ruleset in self.rulesets:
            params = self._params[ruleset.id]
            compiler = _Compiler(ruleset, params)
            criteria.extend(
                compiler.expr(c.node, None).alias(_criterion_column(ruleset, c.id)) for c in ruleset.criteria
            )
            decided.extend(e.alias(n) for n, e in _decide(ruleset, ok, _firm(ruleset, params)).items())
        info = self.pack.info
        outputs = [
            pl.col(ROW),
            pl.col(CASE),
            *decided,
            pl.lit(info.id, pl.Enum([info.id])).alias("pack_id"),
            pl.lit(info.version, pl.Enum([info.version])).alias("pack_version"),
            pl.lit(info.content_hash, pl.Enum([info.content_hash])).alias("pack_hash"),
            pl.lit(self.as_of).alias("as_of"),
            pl.col(ERROR_FIELDS),
            pl.col(ERROR),
        ]
        return known, criteria, outputs


def row_numbers(given: pl.Series, places: pl.Series, *, lines: bool, file: str | None = None) -> pl.Series:
    """A registry's `row` cells as whole numbers, or the first that identifies no row refused by name.

    A row number is a whole number from 1 (text from CSV is parsed); an empty cell, a
    word, 0, a negative number or one past 2^63 - 1 is refused, naming the line (`lines`)
    or the file's row (`places`), with the cell cut as every error cuts it.
    """
    import polars as pl

    text = given.str.strip_chars() if given.dtype == pl.String else given
    parsed = text.cast(pl.Int64, strict=False)
    bad = parsed.is_null() | (parsed < 1)
    if not bad.any():
        return parsed
    at = int(bad.arg_true()[0])
    place = _place(places[at], lines)
    value = given[at]
    if value is None:
        message = Message("batch.row_empty", {"place": place})
    else:
        message = Message("batch.row_value", {"place": place, "text": str(value)})
    raise InputFileError(
        "the registry's row numbers do not identify its rows", [Problem(message, f"$.{ROW}", file, kind="column")]
    )


def unique_row_numbers(rows: pl.Series, places: pl.Series, *, lines: bool, file: str | None = None) -> None:
    """Refuse a registry in which two rows have one row number, naming both (a result must lead back to one row)."""
    twice = rows.is_duplicated()
    if not twice.any():
        return
    row = rows.filter(twice)[0]
    first, second = places.filter(rows == row).head(2).to_list()
    values = {"row": row, "place": _place(first, lines), "other": _place(second, lines)}
    problem = Problem(Message("batch.row_twice", values), f"$.{ROW}", file, kind="column")
    raise InputFileError("the registry's row numbers do not identify its rows", [problem])


def _place(where: int, lines: bool) -> Message:
    return Message("batch.at_line", {"line": where}) if lines else Message("batch.at_position", {"position": where})


def _OUTCOMES() -> pl.DataType:  # noqa: N802 - a type, spelt like one
    """Outcomes as an Enum: one byte per row instead of a string, in memory and in Parquet."""
    import polars as pl

    return pl.Enum([o.value for o in Outcome])


def _reasons(ruleset: Ruleset) -> pl.DataType:
    """Reason codes as a list of an Enum of the ruleset's criterion ids: written to Parquet as
    dictionary-encoded strings, several times faster to build and write than a list of strings."""
    import polars as pl

    return pl.List(pl.Enum([c.id for c in ruleset.criteria]))


def _bad_rows(frame: pl.DataFrame, checked: pl.DataFrame, columns: Iterable[str]) -> pl.Series | None:
    """Which rows have a bad cell (None if no row has): given in `frame` but null once checked.

    A checked value is null wherever its cell is, so a column has a bad cell exactly
    when it has more nulls checked than given; null counts are kept with the data,
    so only the columns that have bad cells are compared row by row.
    """
    bad: pl.Series | None = None
    for name in columns:
        given, value = frame[name], checked[name]
        if value.null_count() > given.null_count():
            here = given.is_not_null() & value.is_null()
            bad = here if bad is None else bad | here
    return bad


def _problems(frame: pl.DataFrame, bad: pl.Series | None, messages: Mapping[str, pl.Expr]) -> list[pl.Series]:
    """The `error_fields` and `error` columns: messages are built for the bad rows only (few, slow to format)."""
    import polars as pl

    fields = pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias(ERROR_FIELDS)
    errors = pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias(ERROR)
    if bad is None:
        return [fields, errors]
    rows = bad.arg_true()
    found = frame.filter(bad).select(
        _joined([pl.when(m.is_not_null()).then(pl.lit(f"{name}: ") + m) for name, m in messages.items()], "; ").alias(
            ERROR
        ),
        _joined([pl.when(m.is_not_null()).then(pl.lit(name)) for name, m in messages.items()], ", ").alias(
            ERROR_FIELDS
        ),
    )
    return [fields.scatter(rows, found[ERROR_FIELDS]), errors.scatter(rows, found[ERROR])]


KNOWN = "\0known:"  # internal column: whether any cell of a domain collection is given


def _criterion_column(ruleset: Ruleset, criterion: str) -> str:
    return f"\0{ruleset.id}:{criterion}"


def _firm(ruleset: Ruleset, params: Mapping[str, ParamUse]) -> dict[str, pl.Expr]:
    """Per required criterion, its value on the facts a fuller assessment could not change
    (`_evaluate._Evaluator.firm`): while gates with provisional facts are not met, the
    criterion compiled again with their facts null. Absent where nothing is held back.

    A gate that is not met (false or unknown) holds its facts back; with several such
    gates the held facts are the union for the gates not met in the row, as in the core.
    """
    import polars as pl

    gates = provisional_gates(ruleset.criteria)
    if not gates:
        return {}
    firm: dict[str, pl.Expr] = {}
    unmet = [pl.col(_criterion_column(ruleset, ruleset.criteria[at].id)).fill_null(False).not_() for at, _ in gates]
    for criterion in ruleset.criteria:
        if criterion.spec.role != "required":
            continue
        result: Any = pl
        for chosen in itertools.product((False, True), repeat=len(gates)):
            held = frozenset().union(*(names for (_, names), on in zip(gates, chosen, strict=True) if on))
            if not held:
                continue
            when = pl.all_horizontal([u if on else u.not_() for u, on in zip(unmet, chosen, strict=True)])
            result = result.when(when).then(_Compiler(ruleset, params, held).expr(criterion.node, None))
        firm[criterion.id] = result.otherwise(pl.col(_criterion_column(ruleset, criterion.id)))
    return firm


def _status_is(value: pl.Expr, status: Status) -> pl.Expr:
    """Whether a criterion column (a nullable boolean) holds this status, never null."""
    if status is Status.MET:
        return value.fill_null(False)
    if status is Status.NOT_MET:
        return value.not_().fill_null(False)
    return value.is_null()


def _tabled_test(tests: list[pl.Expr]) -> pl.Expr | None:
    """Any of the tests (None when there are none)."""
    import polars as pl

    if not tests:
        return None
    return tests[0] if len(tests) == 1 else pl.any_horizontal(tests)


def _decide(ruleset: Ruleset, ok: pl.Expr, firm: Mapping[str, pl.Expr] | None = None) -> dict[str, pl.Expr]:
    """Outcome and reason codes of one ruleset from its criterion columns, as `_evaluate.conclude`.

    Each criterion's part is the core's own rule, tabled over the three statuses:
    `allows_eligible(role, status)` and `refuses(role, status, firm)`, where `firm` is
    the criterion's value with provisional facts held back (see `_firm`).
    """
    import polars as pl

    firm = firm or {}
    values = [(c, pl.col(_criterion_column(ruleset, c.id))) for c in ruleset.criteria]
    allowed: list[pl.Expr] = []
    refusals: list[pl.Expr] = []
    for criterion, value in values:
        role = criterion.spec.role
        statuses = [s for s in Status if allows_eligible(role, s)]
        if len(statuses) < len(Status):
            test = _tabled_test([_status_is(value, s) for s in statuses])
            allowed.append(test if test is not None else pl.lit(False))
        pairs = [(s, f) for s in Status for f in Status if refuses(role, s, f)]
        held = firm.get(criterion.id)
        if held is not None:
            refusal = _tabled_test([_status_is(value, s) & _status_is(held, f) for s, f in pairs])
        else:  # nothing held back: the firm status is the status itself
            refusal = _tabled_test([_status_is(value, s) for s, f in pairs if s is f])
        if refusal is not None:
            refusals.append(refusal)
    eligible = pl.all_horizontal(allowed) if allowed else pl.lit(True)
    refused = pl.any_horizontal(refusals) if refusals else pl.lit(False)
    outcomes = _OUTCOMES()
    outcome = (
        pl.when(ok.not_())
        .then(pl.lit(None, outcomes))
        .when(eligible)
        .then(pl.lit(Outcome.ELIGIBLE.value, outcomes))
        .when(refused)
        .then(pl.lit(Outcome.NOT_ELIGIBLE.value, outcomes))
        .otherwise(pl.lit(Outcome.UNDETERMINED.value, outcomes))
    )
    ids = [c.id for c, _ in values]
    return {
        f"{ruleset.id}_outcome": outcome,
        f"{ruleset.id}_failed": _id_lists(ids, [v.not_() for _, v in values], ok),
        f"{ruleset.id}_unknown": _id_lists(ids, [v.is_null() for _, v in values], ok),
    }


_MAX_TABLED = 12  # up to 2**12 combinations of criteria are tabled; more are listed row by row


def _id_lists(ids: list[str], tests: list[pl.Expr], ok: pl.Expr) -> pl.Expr:
    """Per row, the ids whose test is true (null where `ok` is not), as a list of an Enum of the ids.

    Building a list per row is slow in polars; with few criteria each row's set is a
    bit mask, and the lists are looked up in a table of every combination.
    """
    import polars as pl

    dtype = pl.Enum(ids)
    if len(ids) > _MAX_TABLED:
        listed = pl.concat_list(
            [pl.when(t).then(pl.lit(i, dtype)) for i, t in zip(ids, tests, strict=True)]
        ).list.drop_nulls()
        return pl.when(ok).then(listed)
    table = pl.Series(
        [[i for bit, i in enumerate(ids) if mask >> bit & 1] for mask in range(1 << len(ids))], dtype=pl.List(dtype)
    )
    mask = _sum([_flag(t, 1 << bit, pl.UInt32) for bit, t in enumerate(tests)], pl.UInt32)
    return pl.lit(table).gather(pl.when(ok).then(mask))


def _flag(test: pl.Expr, weight: int, dtype: Any) -> pl.Expr:
    """`weight` where a test is true, else 0 (unknown counts as not true); faster than casting a boolean."""
    import polars as pl

    return pl.when(test).then(pl.lit(weight, dtype)).otherwise(pl.lit(0, dtype))


def _sum(terms: list[pl.Expr], dtype: Any) -> pl.Expr:
    """The row-wise sum of non-null terms; `+` in a chain is faster here than `sum_horizontal`."""
    import polars as pl

    return functools.reduce(operator.add, terms) if terms else pl.lit(0, dtype)


def _looks_like_domain(name: str, columns: Mapping[str, Column]) -> bool:
    """Whether an unknown column is a misspelt life-domain column (`<fact>.<code>`)."""
    prefix = name.split(".", 1)[0]
    return "." in name and any(c.code is not None and c.fact == prefix for c in columns.values())


def _joined(parts: list[pl.Expr], separator: str) -> pl.Expr:
    import polars as pl

    if not parts:
        return pl.lit(None, pl.String)
    text = pl.concat_str(parts, separator=separator, ignore_nulls=True)
    return pl.when(text != "").then(text)


# ---------------------------------------------------------------- validation


def _normalise(column: Column, dtype: pl.DataType | None) -> tuple[pl.Expr, pl.Expr | None]:
    """A column's values in the fact's type, and a problem message per bad cell (else null).

    Text (from CSV) is parsed; typed columns (from Parquet) are checked. The rules are
    those of `_facts.validate_facts`: booleans are true or false, integers whole,
    numbers finite, each within the fact's range; codes must be known.
    """
    import polars as pl

    spec = column.spec
    if dtype is None or dtype == pl.Null:
        return pl.lit(None, _polars_type(column)), None
    raw = pl.col(column.name)
    text = raw.cast(pl.String).str.strip_chars()
    shown = _shown(raw.cast(pl.String))
    is_text = dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)
    kind = spec.type
    if column.code is not None or kind == "enum":
        return _codes(column, raw.cast(pl.String), shown, is_text)
    if kind == "boolean":
        if dtype == pl.Boolean:
            return raw, None
        value: pl.Expr
        if is_text:
            lower = text.str.to_lowercase()
            value = pl.when(lower == "true").then(True).when(lower == "false").then(False)
        else:
            value = pl.lit(None, pl.Boolean)
        return value, _bad(raw, value, pl.format("expected true or false, got {}", _typed(raw, shown, is_text)))
    if kind in ("integer", "number"):
        return _numbers(column, raw, text, shown, dtype, is_text)
    if kind == "date":
        if dtype == pl.Date:
            return raw, None
        day = text.str.to_date("%Y-%m-%d", strict=False) if is_text else pl.lit(None, pl.Date)
        return day, _bad(raw, day, pl.format("expected a date (YYYY-MM-DD), got {}", _typed(raw, shown, is_text)))
    raise ValueError(f"fact {column.fact!r} of type {kind!r} cannot be a registry column")


def _codes(column: Column, text: pl.Expr, shown: pl.Expr, is_text: bool) -> tuple[pl.Expr, pl.Expr]:
    """A status or enum code: must be one of the declared codes."""
    import polars as pl

    allowed = list(column.codes)
    if column.code is not None:
        message = pl.format("{} is not a status; use one of: " + ", ".join(allowed), shown)
    else:
        message = pl.format("{} is not one of: " + ", ".join(allowed), shown)
    value = _code_values(text, allowed) if is_text else pl.lit(None, pl.Enum(allowed))
    return value, _bad(pl.col(column.name), value, message)


_MAX_CHAINED = 16  # codes matched by a chain of equality tests; a longer list is cast


def _code_values(text: pl.Expr, allowed: list[str]) -> pl.Expr:
    """Text as an Enum of the allowed codes, null where it is none of them.

    A chain of `==` on short strings is several times faster than casting to the Enum
    (which hashes every cell); the cast, with `strict=False`, serves long lists.
    """
    import polars as pl

    dtype = pl.Enum(allowed)
    if len(allowed) > _MAX_CHAINED:
        return text.cast(dtype, strict=False)
    result: Any = pl
    for code in allowed:
        result = result.when(text == code).then(pl.lit(code, dtype))
    return result.otherwise(pl.lit(None, dtype))  # type: ignore[no-any-return]


def _numbers(
    column: Column, raw: pl.Expr, text: pl.Expr, shown: pl.Expr, dtype: pl.DataType, is_text: bool
) -> tuple[pl.Expr, pl.Expr]:
    """An integer or number: parsed or checked, whole where it must be, finite, in range."""
    import polars as pl

    spec = column.spec
    integral = spec.type == "integer"
    if dtype.is_integer() or dtype.is_float() or dtype.is_decimal():
        number = raw.cast(pl.Float64)
    elif is_text:
        number = text.cast(pl.Float64, strict=False)
    else:
        number = pl.lit(None, pl.Float64)
    plain = _cut(text if is_text else raw.cast(pl.String))
    word = "an integer" if integral else "a number"
    problem = (
        pl.when(raw.is_null())
        .then(None)
        .when(number.is_null())
        .then(pl.format(f"expected {word}, got {{}}", _typed(raw, shown, is_text)))
        .when(number.is_finite().not_())
        .then(pl.format("expected a finite number, got {}", plain))
    )
    if integral:
        problem = problem.when(number != number.floor()).then(pl.format("expected a whole number, got {}", plain))
    if spec.min is not None:
        problem = problem.when(number < spec.min).then(
            pl.format(f"{{}} is below the smallest allowed value {_num(spec.min)}", plain)
        )
    if spec.max is not None:
        problem = problem.when(number > spec.max).then(
            pl.format(f"{{}} is above the largest allowed value {_num(spec.max)}", plain)
        )
    if integral:  # found in review: past Int64 the cast below gave null, an unknown without a word
        problem = problem.when(number.abs() >= 2.0**63).then(
            pl.format("{} is too large for a registry's whole-number column (at most 9223372036854775807)", plain)
        )
    if dtype.is_integer():  # whole and finite already: only the range to check, without floats
        value = raw.cast(pl.Int64 if integral else pl.Float64, strict=False)
        in_range = _in_range(raw, spec.min, spec.max)
        return (value if in_range is None else pl.when(in_range).then(value)), problem
    valid = number.is_finite()
    if integral:
        valid = valid & (number == number.floor())
    if spec.min is not None:
        valid = valid & (number >= spec.min)
    if spec.max is not None:
        valid = valid & (number <= spec.max)
    value = pl.when(valid).then(number.cast(pl.Int64, strict=False) if integral else number)
    return value, problem


def _in_range(value: pl.Expr, low: float | None, high: float | None) -> pl.Expr | None:
    """Whether a value lies within the bounds given (None when there are none)."""
    tests = ([value >= low] if low is not None else []) + ([value <= high] if high is not None else [])
    return functools.reduce(operator.and_, tests) if tests else None


def _bad(raw: pl.Expr, value: pl.Expr, message: pl.Expr) -> pl.Expr:
    """A message where a cell is given but its value could not be read."""
    import polars as pl

    return pl.when(raw.is_not_null() & value.is_null()).then(message)


def _typed(raw: pl.Expr, shown: pl.Expr, is_text: bool) -> pl.Expr:
    """How a bad cell is shown: quoted text, or the value of a column of the wrong type."""
    import polars as pl

    return shown if is_text else _cut(raw.cast(pl.String))


SHOWN_CHARS = 60
"""At most this many characters of a bad cell are repeated in an error (as `_problem_texts._cut`)."""


def _cut(text: pl.Expr) -> pl.Expr:
    """A cell as an error repeats it: whole up to `SHOWN_CHARS` characters, else its start and its length.

    Error files travel further than the registry, and a cell may hold personal data:
    an error repeats only as much of it as is needed to find it (docs/reliability.md).
    """
    import polars as pl

    length = text.str.len_chars()
    cut = pl.format("{}... ({} characters)", text.str.slice(0, SHOWN_CHARS - 3), length)
    return pl.when(length > SHOWN_CHARS).then(cut).otherwise(text)


def _shown(text: pl.Expr) -> pl.Expr:
    """A text cell quoted, and cut as `_cut`: `'yes'`, or `'aaaa...' (30000000 characters)`."""
    import polars as pl

    length = text.str.len_chars()
    cut = pl.format("'{}...' ({} characters)", text.str.slice(0, SHOWN_CHARS - 3), length)
    return pl.when(length > SHOWN_CHARS).then(cut).otherwise(pl.format("'{}'", text))


def cut_cell(text: pl.Expr) -> pl.Expr:
    """An identifying cell (`case`) as an error file repeats it: cut to `SHOWN_CHARS` characters."""
    import polars as pl

    return (
        pl.when(text.str.len_chars() > SHOWN_CHARS)
        .then(text.str.slice(0, SHOWN_CHARS - 3) + pl.lit("..."))
        .otherwise(text)
    )


def _readable_type(dtype: Any) -> bool:
    """Whether the cell checks can read a column of this type: a scalar, not a list, a struct or bytes."""
    import polars as pl

    if dtype.is_nested() or dtype in (pl.Binary, pl.Object, pl.Unknown):
        return False
    return (
        dtype.is_numeric()
        or dtype.is_temporal()
        or dtype in (pl.String, pl.Boolean, pl.Null)
        or isinstance(dtype, pl.Categorical | pl.Enum)
    )


def _polars_type(column: Column) -> Any:
    """The type a fact's values have once checked; codes become an Enum (fast to compare)."""
    import polars as pl

    if column.codes:
        return pl.Enum(column.codes)
    return {
        "boolean": pl.Boolean,
        "integer": pl.Int64,
        "number": pl.Float64,
        "date": pl.Date,
    }[column.spec.type]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ---------------------------------------------------------------- conditions


@attrs.frozen
class _Item:
    """One life domain as a quantifier sees it: its code, group and status column."""

    code: str
    group: str
    status: Any  # pl.Expr: the status, with the vocabulary's default where the cell is null
    vocabulary: Vocabulary


class _Compiler:
    """Turns one ruleset's condition nodes into polars expressions, parameters fixed."""

    def __init__(self, ruleset: Ruleset, params: Mapping[str, ParamUse], held: frozenset[str] = frozenset()) -> None:
        self.ruleset = ruleset
        self.params = params
        self.held = held
        """Facts read as unknown, recorded or not: a gate's provisional facts (see `_firm`)."""

    def expr(self, node: Node, item: _Item | None) -> pl.Expr:
        if isinstance(node, Junction):
            return self._junction(node, item)
        if isinstance(node, Negation):
            return self.expr(node.child, item).not_()
        if isinstance(node, Comparison):
            return self._comparison(node, item)
        if isinstance(node, Known):
            return self._known(node)
        if isinstance(node, Quantifier):
            return self._quantifier(node)
        raise TypeError(f"no columnar form for condition node {type(node).__name__}")

    def _junction(self, node: Junction, item: _Item | None) -> pl.Expr:
        import polars as pl

        children = [self.expr(child, item) for child in node.children]
        if node.op == "all":
            return pl.all_horizontal(children) if children else pl.lit(True)
        return pl.any_horizontal(children) if children else pl.lit(False)

    def _known(self, node: Known) -> pl.Expr:
        """`known: NAME`: whether the cell is given (unknown for a held-back fact, as `Known.test`)."""
        import polars as pl

        if node.name in self.held:
            return pl.lit(None, pl.Boolean)
        return pl.col(node.name).is_not_null()

    def _comparison(self, node: Comparison, item: _Item | None) -> pl.Expr:
        import polars as pl

        if not node.is_field and node.name in self.held:
            return pl.lit(None, pl.Boolean)

        operand = self.params[node.param].value if node.param is not None else node.operand
        value = self._field(node.name, item) if node.is_field and item is not None else pl.col(node.name)
        if node.op in ("in", "not_in"):
            # the operand typed as the column: [12, 12.5] on a number fact would not build as one type
            # (found in review), and [12] would be Int64 against a Float64 column
            kind = node.vtype.kind
            if kind == "number":
                member = value.is_in(pl.Series([float(v) for v in operand], dtype=pl.Float64).implode())
            elif kind == "integer":
                member = value.is_in(pl.Series(list(operand), dtype=pl.Int64).implode())
            else:
                member = value.is_in(list(operand))
            return member if node.op == "in" else member.not_()
        method = {"eq": "eq", "ne": "ne", "lt": "lt", "lte": "le", "gt": "gt", "gte": "ge"}[node.op]
        result: pl.Expr = getattr(value, method)(pl.lit(operand))
        return result

    def _field(self, name: str, item: _Item) -> pl.Expr:
        import polars as pl

        if name == "code":
            return pl.lit(item.code)
        if name == "group":
            return pl.lit(item.group)
        if name == "status":
            return item.status  # type: ignore[no-any-return]
        statuses = item.vocabulary.spec.statuses
        return _tabled(item.status, {code: getattr(status, name) for code, status in statuses.items()}, pl.Boolean)

    def _quantifier(self, node: Quantifier) -> pl.Expr:
        import polars as pl

        spec = self.ruleset.spec.facts[node.collection]
        assert spec.vocabulary is not None
        vocabulary = self.ruleset.vocabularies[spec.vocabulary]
        among = node.among
        if node.among_param is not None:
            among = frozenset(self.params[node.among_param].value)
        default = pl.lit(vocabulary.spec.default_status)
        items = [
            _Item(code, vocabulary.groups[code], pl.col(f"{node.collection}.{code}").fill_null(default), vocabulary)
            for code in vocabulary.codes
            if among is None or code in among
        ]
        static = _fields_only(node.where)  # the core's test of a tabled `where`
        if node.kind in ("every", "some"):
            tests = [self._by_status(node.where, item) if static else self.expr(node.where, item) for item in items]
            if node.kind == "every":
                value = pl.all_horizontal(tests) if tests else pl.lit(True)
            else:
                value = pl.any_horizontal(tests) if tests else pl.lit(False)
        else:
            assert node.op is not None
            target = self.params[node.param].value if node.param is not None else node.operand
            if static:  # count the items whose status makes the test true, and true or unknown
                tables = [(item.status, self._status_table(node.where, item)) for item in items]
                sure = [_among(status, [s for s, v in table.items() if v is True]) for status, table in tables]
                maybe = [_among(status, [s for s, v in table.items() if v is not False]) for status, table in tables]
            else:
                tests = [self.expr(node.where, item) for item in items]
                sure, maybe = tests, [t.fill_null(True) for t in tests]
            value = _count_compare(node.op, sure, maybe, target)
        return pl.when(pl.col(f"{KNOWN}{node.collection}")).then(value)

    def _status_table(self, where: Node, item: _Item) -> dict[str, bool | None]:
        """A `where` that reads only the item, per status of the item, by the core's own `test`."""
        index = item.vocabulary.codes.index(item.code)
        return {
            status: where.test({}, self.params, item.vocabulary.items({item.code: status})[index])
            for status in item.vocabulary.statuses
        }

    def _by_status(self, where: Node, item: _Item) -> pl.Expr:
        """A `where` that reads only the item, tabled per status by the core's own `test`."""
        import polars as pl

        return _tabled(item.status, self._status_table(where, item), pl.Boolean)


def _tabled(key: pl.Expr, table: Mapping[str, Any], dtype: Any) -> pl.Expr:
    """`table[key]` for a small table, as is_in tests (faster than a string replace)."""
    import polars as pl

    result: Any = pl
    by_value: dict[Any, list[str]] = {}
    for code, value in table.items():
        if value is not None:
            by_value.setdefault(value, []).append(code)
    if not by_value:
        return pl.lit(None, dtype)
    for value, codes in by_value.items():
        test = key == codes[0] if len(codes) == 1 else key.is_in(codes)
        result = result.when(test).then(pl.lit(value, dtype))
    return result  # type: ignore[no-any-return]


def _among(status: pl.Expr, codes: list[str]) -> pl.Expr:
    """Whether a status is one of these codes."""
    import polars as pl

    if not codes:
        return pl.lit(False)
    return status == codes[0] if len(codes) == 1 else status.is_in(codes)


def _count_compare(op: str, sure: list[pl.Expr], maybe: list[pl.Expr], target: Any) -> pl.Expr:
    """`_conditions._count_compare`, vectorised by tabling it: the count lies in [low, high], the
    numbers of items whose test is true (`sure`) and true or unknown (`maybe`), one flag per
    item; the core's own function decides every possible (low, high), so the two cannot differ."""
    import polars as pl

    low_count = _sum([_flag(t, 1, pl.Int32) for t in sure], pl.Int32)
    high_count = _sum([_flag(t, 1, pl.Int32) for t in maybe], pl.Int32)
    n = len(maybe)
    table = {
        low * (n + 1) + high: value
        for low in range(n + 1)
        for high in range(low, n + 1)
        if (value := core_count_compare(op, low, high, target)) is not None
    }
    return (low_count * (n + 1) + high_count).replace_strict(table, default=None, return_dtype=pl.Boolean)
