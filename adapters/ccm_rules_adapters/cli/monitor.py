"""`ccm-rules monitor EVENTS.jsonl`: replay a case event log and print the alerts it raises."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TextIO

from ccm_rules import InputFileError, Problem
from ccm_rules.engine import Message, file_reason, format_text
from ccm_rules.monitoring import (
    Alert,
    Event,
    Monitoring,
    PythonMonitor,
    alert_message,
    alert_record,
    stream_events,
)

from ._common import (
    EXIT_ENVIRONMENT,
    EXIT_FINDINGS,
    EXIT_OK,
    CommandError,
    add_output_options,
    check_lang,
    load_pack,
)

ENGINES = ("python", "durable")
"""The engines `--engine` accepts; the first is the default (issue 17 item 6: durable-rules is optional)."""


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
        choices=ENGINES,
        default="python",
        help=(
            "python: the built-in engine, duties indexed by due date; durable: the same rules on durable-rules "
            "(optional extra 'events', Python < 3.13; exit 3 when it cannot load) (default: python)"
        ),
    )
    add_output_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    monitoring = Monitoring.from_pack(pack)
    events, reader = stream_events(_lines(args.events), monitoring, str(args.events))
    with contextlib.ExitStack() as stack, tempfile.SpooledTemporaryFile(_SPOOL, mode="w+", encoding="utf-8") as spool:
        if args.engine == "durable":
            from ccm_rules_adapters.events import DurableMonitor, EngineUnavailableError

            try:
                engine = stack.enter_context(DurableMonitor(monitoring))
            except EngineUnavailableError as err:
                raise CommandError(str(err), EXIT_ENVIRONMENT) from err
            alerts = _in_chunks(engine.feed, events)
        else:
            alerts = PythonMonitor(monitoring).stream(events)
        count = _spool(alerts, spool, monitoring, args)
        if reader.problems:  # every bad line, found in the same pass; the alerts are discarded
            raise InputFileError(Message("log.invalid"), reader.problems)
        spool.seek(0)
        _print(spool, count, reader.count, monitoring, pack, args)
    return EXIT_FINDINGS if count else EXIT_OK


_SPOOL = 1 << 20
"""Alerts up to 1 MiB stay in memory; more go to a temporary file until the whole log is known to be valid."""
_CHUNK = 10_000
"""Events per call of the durable engine: its alerts of one chunk are sorted, then written."""


def _in_chunks(feed: Callable[[list[Event]], list[Alert]], events: Iterator[Event]) -> Iterator[Alert]:
    """The durable engine's alerts, chunk by chunk (one `feed` call sorts only its own chunk's alerts)."""
    while chunk := list(itertools.islice(events, _CHUNK)):
        yield from feed(chunk)


def _spool(alerts: Iterator[Alert], spool: IO[str], monitoring: Monitoring, args: argparse.Namespace) -> int:
    """Write each alert as it comes (a JSON record, or its text lines); how many there were."""
    count = 0
    for alert in alerts:
        if args.format == "json":
            record = json.dumps(alert_record(alert, monitoring, args.lang), ensure_ascii=False, indent=2)
            spool.write(("," if count else "") + "\n" + textwrap.indent(record, "    "))
        else:
            spool.write(_alert_text(alert, monitoring, args.lang) + "\n")
        count += 1
    return count


def _print(
    spool: IO[str], count: int, events: int, monitoring: Monitoring, pack: Any, args: argparse.Namespace
) -> None:
    """The report: the spooled alerts between their header and footer, copied in blocks."""
    out = sys.stdout
    if args.format == "json":
        head = {
            "events": events,
            "engine": args.engine,
            "pack": {"id": pack.info.id, "version": pack.info.version, "content_hash": pack.info.content_hash},
        }
        out.write(json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "alerts": [')
        shutil.copyfileobj(spool, out)
        out.write("\n  ]\n}\n" if count else "]\n}\n")
        return
    shutil.copyfileobj(spool, out)
    lang = args.lang
    lines = [] if count else [monitoring.text("monitor.none", lang)]
    lines.append(format_text(monitoring.text("monitor.summary", lang), lang, {"events": events, "alerts": count}))
    lines.append(f"{monitoring.spec.id} · {pack.info.content_hash}")
    out.write("\n".join(lines) + "\n")


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
    return InputFileError(
        Message("log.unreadable"),
        [Problem(Message("io.unreadable", {"reason": file_reason(err)}), file=str(path), kind="io")],
    )


def _alert_text(alert: Alert, monitoring: Monitoring, lang: str) -> str:
    spec = monitoring.alerts[alert.check]
    where = monitoring.text("monitor.line", lang).format(line=alert.line)
    return "\n".join(
        [
            f"{alert.on.isoformat()}  [{alert.rule}] {spec.title[lang]}",
            f"    {alert_message(alert, monitoring, lang)}",
            f"    ({monitoring.source_title(spec, lang)}; {where})",
        ]
    )
