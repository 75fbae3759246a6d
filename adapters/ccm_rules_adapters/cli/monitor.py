"""`ccm-rules monitor EVENTS.jsonl`: replay a case event log and print the alerts it raises."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from ccm_rules import InputFileError, Problem, format_text
from ccm_rules._monitoring import Alert, Monitoring, PythonMonitor, alert_message, alert_record, stream_events

from ._common import (
    EXIT_ENVIRONMENT,
    EXIT_FINDINGS,
    EXIT_OK,
    CommandError,
    add_output_options,
    check_lang,
    load_pack,
    print_json,
)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "monitor",
        help="replay a case event log (JSON Lines) and print the monitoring alerts",
        description=(
            "Read case events (one JSON object per line: opened, plan_agreed, review_held, goal_due, contact, "
            "closed, caseload, tick, ...), replay them through the monitoring rules and print every alert. A "
            "review is overdue only against what the case agreed (review_on, next_review, interval_days, or "
            "cadence: team). Time-based alerts are checked at 'tick' events. Exit 0: no alerts; 1: alerts; "
            "2: bad input; 3: engine unavailable."
        ),
    )
    parser.add_argument("events", type=Path, help="event log: JSON Lines, one event per line")
    parser.add_argument(
        "--engine",
        choices=("durable", "python"),
        default="durable",
        help="durable: the durable-rules engine (extra 'events'); python: the plain-Python reference (default: durable)",
    )
    add_output_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    monitoring = Monitoring.from_pack(pack)
    events, reader = stream_events(_lines(args.events), monitoring, str(args.events))
    if args.engine == "durable":
        from ccm_rules_adapters.events import DurableMonitor, EngineUnavailableError

        try:
            engine = DurableMonitor(monitoring)
        except EngineUnavailableError as err:
            raise CommandError(str(err), EXIT_ENVIRONMENT) from err
        with engine:
            alerts = engine.feed(events)
    else:
        alerts = PythonMonitor(monitoring).feed(events)
    if reader.problems:  # every bad line, found in the same pass; the alerts are discarded
        raise InputFileError("the event log is not valid", reader.problems)
    if args.format == "json":
        print_json(
            {
                "events": reader.count,
                "engine": args.engine,
                "pack": {"id": pack.info.id, "version": pack.info.version, "content_hash": pack.info.content_hash},
                "alerts": [alert_record(a, monitoring, args.lang) for a in alerts],
            }
        )
    else:
        print(_text(alerts, monitoring, args.lang, reader.count, pack.info.content_hash))
    return EXIT_FINDINGS if alerts else EXIT_OK


def _lines(path: Path) -> Iterator[str]:
    """The log's lines as they are read (memory stays flat however long the log).

    The file is opened here, before any engine is started, so that a missing log is bad
    input (exit 2) whichever engine was asked for.
    """
    try:
        log = path.open(encoding="utf-8-sig")  # a byte-order mark (as some Windows tools write) is not a line's text
    except OSError as err:
        raise _unreadable(path, err) from err
    return _read(log, path)


def _read(log: TextIO, path: Path) -> Iterator[str]:
    with log:
        try:
            yield from log
        except (OSError, UnicodeDecodeError) as err:
            raise _unreadable(path, err) from err


def _unreadable(path: Path, err: Exception) -> InputFileError:
    return InputFileError("cannot read the event log", [Problem(f"cannot read file: {err}", file=str(path), kind="io")])


def _text(alerts: list[Alert], monitoring: Monitoring, lang: str, events: int, content_hash: str) -> str:
    lines = []
    for alert in alerts:
        spec = monitoring.alerts[alert.check]
        lines.append(f"{alert.on.isoformat()}  [{alert.rule}] {spec.title[lang]}")
        lines.append(f"    {alert_message(alert, monitoring, lang)}")
        where = monitoring.text("monitor.line", lang).format(line=alert.line)
        lines.append(f"    ({monitoring.source_title(spec, lang)}; {where})")
    if not alerts:
        lines.append(monitoring.text("monitor.none", lang))
    lines.append(format_text(monitoring.text("monitor.summary", lang), lang, {"events": events, "alerts": len(alerts)}))
    lines.append(f"{monitoring.spec.id} · {content_hash}")
    return "\n".join(lines)
