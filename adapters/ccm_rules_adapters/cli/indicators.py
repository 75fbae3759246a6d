"""`ccm-rules indicators SOURCE`: seed 002's indicators for a period, from a records folder or the store.

SOURCE is a records folder (JSON Lines, JSON or CSV, one file per record kind) or a
database URL (`sqlite:///…`, `postgresql://…`). The indicators themselves are
`ccm_rules.records.indicators`; this command reads the logs, picks the period and writes
the table in the asked format: text or HTML for people, JSON, CSV or Parquet for tools.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import Any

from ccm_rules.engine import Message, default_pack

from ._common import EXIT_OK, CommandError, check_lang, date_arg, require_extra, write_file, write_output

FORMATS = ("text", "json", "csv", "parquet", "html")


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "indicators",
        help="labour-market indicators (seed 002 §6, §8.1) for a period: output, result, impact, base data, satisfaction",
        description="Compute seed 002's indicators from the case records: clients served and measures carried out "
        "(output), fulfilment of each planned measure (result), training, jobs and their retention where they "
        "were not a goal of the plan (impact), the base data and the anonymous satisfaction survey. "
        "Exit 0: done; 2: bad input; 3: a missing extra or a store that cannot be opened.",
    )
    parser.add_argument("source", help="a records folder, or a database URL (sqlite:///FILE, postgresql://…)")
    parser.add_argument(
        "--from",
        dest="start",
        type=date_arg,
        default=None,
        metavar="YYYY-MM-DD",
        help="first day of the period (default: 1 January of --to's year)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=date_arg,
        default=None,
        metavar="YYYY-MM-DD",
        help="last day of the period (default: today)",
    )
    parser.add_argument(
        "--by",
        choices=("provider", "case_manager", "region"),
        default=None,
        help="one table per provider, case manager or region (default: the whole service)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text or html for people; json, csv or parquet for tools (parquet needs -o)",
    )
    parser.add_argument(
        "--lang", default="en", help="language of the text and html formats: en, cs, hu or de (default: en)"
    )
    parser.add_argument("-o", "--output", type=Path, default=None, help="write to this file instead of standard output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    require_extra("records", "narwhals", "polars")
    import polars as pl

    from ccm_rules.records.indicators import indicators

    check_lang(default_pack(), args.lang)
    end = args.end or datetime.date.today()
    start = args.start or datetime.date(end.year, 1, 1)
    if start > end:
        raise CommandError(Message("cli.period_reversed", {"start": start.isoformat(), "end": end.isoformat()}))
    if args.format == "parquet" and args.output is None:
        raise CommandError(Message("cli.needs_output", {"format": "parquet"}))
    tables = {name: _frame(pl, rows) for name, rows in _log_tables(args.source).items()}
    table: pl.DataFrame = indicators(tables, start=start, end=end, by=args.by)
    if args.format == "parquet":
        write_file(args.output, table.write_parquet)
        return EXIT_OK
    text = _render(table, args.format, args.lang, start, end, args.by)
    if args.output is not None:
        write_output(args.output, text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _log_tables(source: str) -> dict[str, list[dict[str, object]]]:
    """The current log entries (corrections applied) of a records folder or a store, as plain tables."""
    from ccm_rules.records import current, read_records, tables

    if "://" in source:
        from ._db import open_db

        store = open_db(argparse.Namespace(db=source))
        try:
            return tables(current(store.records()))
        finally:
            store.close()
    path = Path(source)
    if not path.exists():
        raise CommandError(Message("cli.no_such_source", {"path": source}))
    return tables(current(read_records(path)))


def _frame(pl: Any, rows: list[dict[str, object]]) -> Any:
    """One log table as a polars frame; lists (activities, measures) are left out: no indicator reads them."""
    flat = [{k: v for k, v in row.items() if not isinstance(v, list | tuple)} for row in rows]
    return pl.DataFrame(flat, infer_schema_length=None)


def indicator_frames(log_tables: dict[str, list[dict[str, object]]]) -> dict[str, Any]:
    """Each log table as the polars frame this command computes the indicators from (`POST`/`GET /v1/indicators` too)."""
    import polars as pl

    return {name: _frame(pl, rows) for name, rows in log_tables.items()}


def render_table(table: Any, fmt: str, lang: str, start: datetime.date, end: datetime.date, by: str | None) -> str:
    """The indicator table as `--format text|json|csv|html` writes it; the HTTP endpoint answers with the same text."""
    return _render(table, fmt, lang, start, end, by)


def _render(table: Any, fmt: str, lang: str, start: datetime.date, end: datetime.date, by: str | None) -> str:
    rows: list[dict[str, Any]] = table.to_dicts()
    if fmt == "json":
        document = {"period": {"from": start.isoformat(), "to": end.isoformat()}, "by": by, "indicators": rows}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return str(table.write_csv())
    if fmt == "html":
        from ccm_rules_adapters.html.indicators import render_indicators_html

        return render_indicators_html(rows, lang=lang, start=start, end=end, by=by)
    return _text(rows, lang, start, end)


def _text(rows: list[dict[str, Any]], lang: str, start: datetime.date, end: datetime.date) -> str:
    from ccm_rules.records.indicators import category_label, format_value, group_label, indicator_label, report_order

    lines = [f"{start.isoformat()} – {end.isoformat()}"]
    group = indicator = None
    for row in report_order(rows):
        if row["group"] != group:
            group, indicator = row["group"], None
            lines += ["", f"== {group_label(str(group), lang)} =="]
        if row["indicator"] != indicator:
            indicator = row["indicator"]
            value = "" if row["category"] is not None else f": {format_value(row['value'], indicator, lang)}"
            lines.append(f"{indicator_label(indicator, lang)}{value}")
        if row["category"] is not None:
            lines.append(
                f"  - {category_label(row['category'], lang)}: {format_value(row['value'], str(row['indicator']), lang)}"
            )
    return "\n".join(lines) + "\n"
