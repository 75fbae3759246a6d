"""Make a realistic synthetic registry of any size for tests and benchmarks (no personal data).

Each row is a made-up person with a pseudonymous code (`R-0000001`) and a latent
"complexity" that drives how many life domains show a need, how many services
are involved, and whether the need is chronic; labour-market facts are drawn for
the same people. Cells are left empty (unknown) at realistic rates, and one row in
ten has no domain assessed at all. Fact names, domain codes, statuses, enum values
and ranges come from the rule pack, so the registry follows the pack's layout.

    python benchmarks/make_registry.py 1000000 -o registry.parquet --seed 7
    python benchmarks/make_registry.py 200 -o registry.csv --bad 0.05
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl

from ccm_rules import RulePack
from ccm_rules.engine._pack import default_pack
from ccm_rules.engine.columnar import DEFAULT_RULESETS, registry_columns

# Shares of unknown (empty) cells and of people with no domain assessed: benchmark data only.
UNKNOWN_SHARE = 0.12
NO_ASSESSMENT_SHARE = 0.10
DOMAIN_SKIPPED_SHARE = 0.12


def make_registry(
    rows: int, seed: int = 0, *, bad: float = 0.0, text: bool = False, pack: RulePack | None = None
) -> pl.DataFrame:
    """A registry frame of `rows` people; `bad` is the share of rows given one bad cell.

    Typed columns (as in Parquet) by default; `text=True` gives every column as text
    (as read from CSV), and then bad cells include unreadable text, not only values
    out of range or unknown codes.
    """
    pack = pack or default_pack()
    rng = np.random.default_rng(seed)
    columns = registry_columns([pack.ruleset(r) for r in DEFAULT_RULESETS])
    complexity = rng.beta(1.3, 2.5, rows)
    data: dict[str, pl.Series] = {"case": pl.Series([f"R-{i:07d}" for i in range(1, rows + 1)], dtype=pl.String)}
    unknown: dict[str, np.ndarray] = {}
    unassessed = rng.random(rows) < NO_ASSESSMENT_SHARE
    for name, column in columns.items():
        spec = column.spec
        if column.code is not None:
            values = _status(rng, complexity, column.codes)
            mask = unassessed | (rng.random(rows) < DOMAIN_SKIPPED_SHARE)
        elif spec.type == "boolean":
            values = rng.random(rows) < _boolean_share(name, complexity)
            mask = rng.random(rows) < UNKNOWN_SHARE
        elif spec.type in ("integer", "number"):
            values = _number(rng, name, complexity, spec.min, spec.max, spec.type == "integer")
            mask = rng.random(rows) < UNKNOWN_SHARE
        else:
            codes = np.array(column.codes)
            values = codes[rng.integers(0, len(codes), rows)]
            mask = rng.random(rows) < UNKNOWN_SHARE
        data[name] = pl.Series(name, values)
        unknown[name] = mask
    frame = pl.DataFrame(data).with_columns(
        pl.when(pl.lit(pl.Series(mask))).then(None).otherwise(pl.col(name)).alias(name)
        for name, mask in unknown.items()
    )
    if text:
        frame = frame.with_columns(pl.all().cast(pl.String))
    return _spoil(frame, columns, rng, bad, text) if bad > 0 else frame


def _status(rng: np.random.Generator, complexity: np.ndarray, statuses: tuple[str, ...]) -> np.ndarray:
    """Mostly no need; more met and unmet needs with complexity; a few explicit 'not assessed'."""
    draw = rng.random(len(complexity))
    need = draw < 0.15 + 0.7 * complexity
    unmet = rng.random(len(complexity)) < 0.4
    explicit_not = rng.random(len(complexity)) < 0.03
    codes = np.where(need, np.where(unmet, "unmet_need", "met_need"), "no_need")
    codes = np.where(explicit_not, "not_assessed", codes)
    assert set(np.unique(codes)) <= set(statuses)
    return codes


def _boolean_share(name: str, complexity: np.ndarray) -> np.ndarray:
    """How likely a yes is; the complexity drives chronicity, coordination and (inversely) referral."""
    shares = {
        "chronic_condition": 0.15 + 0.7 * complexity,
        "ongoing_coordination_needed": 0.1 + 0.8 * complexity,
        "referral_only": 0.7 - 0.6 * complexity,
        "employed": 0.55 - 0.4 * complexity,
        "cannot_manage_labour_market_role": 0.2 + 0.6 * complexity,
    }
    return shares.get(name, np.full(len(complexity), 0.35))


def _number(
    rng: np.random.Generator, name: str, complexity: np.ndarray, low: float | None, high: float | None, integral: bool
) -> np.ndarray:
    rows = len(complexity)
    if name == "age":
        values = rng.normal(44, 15, rows)
    elif name == "services_needed":
        values = rng.poisson(0.5 + 5 * complexity)
    elif name == "expected_duration_months":
        values = np.round(rng.exponential(4 + 30 * complexity), 1)
    else:
        values = rng.normal(10, 3, rows)
    values = np.clip(values, low if low is not None else -np.inf, high if high is not None else np.inf)
    return np.round(values).astype(np.int64) if integral else values.astype(np.float64)


def _spoil(
    frame: pl.DataFrame, columns: dict[str, object], rng: np.random.Generator, share: float, text: bool
) -> pl.DataFrame:
    """Give a share of rows one bad cell: out of range, an unknown code, or (as text) unreadable."""
    rows = frame.height
    chosen = np.flatnonzero(rng.random(rows) < share)
    spoils = {
        "services_needed": [999] if not text else ["999", "three", "2.5"],
        "age": [-3] if not text else ["-3", "forty"],
        "domains.housing": ["unmet"],
        "domains.finances": ["needs_help"],
        "individual_plan": ["plan"],
        "chronic_condition": [] if not text else ["yes", "1"],
        "expected_duration_months": [float("inf")] if not text else ["inf", "12,5"],
    }
    targets = [name for name, values in spoils.items() if values and name in frame.columns]
    updates: dict[str, dict[int, object]] = {}
    for index in chosen:
        name = targets[int(rng.integers(0, len(targets)))]
        options = spoils[name]
        updates.setdefault(name, {})[int(index)] = options[int(rng.integers(0, len(options)))]
    replaced = []
    for name, cells in updates.items():
        values = frame[name].to_list()
        for index, value in cells.items():
            values[index] = value
        replaced.append(pl.Series(name, values, dtype=frame[name].dtype, strict=False))
    return frame.with_columns(replaced)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True, help=".parquet or .csv")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bad", type=float, default=0.0, help="share of rows with one bad cell")
    args = parser.parse_args()
    csv = args.output.suffix.lower() == ".csv"
    frame = make_registry(args.rows, args.seed, bad=args.bad, text=csv)
    if csv:
        frame.write_csv(args.output)
    else:
        frame.write_parquet(args.output)
    print(f"{frame.height} rows, {frame.width} columns → {args.output}")


if __name__ == "__main__":
    main()
