"""`ccm-rules records import FOLDER`: store a records folder in the append-only logs; `records schema`: their JSON Schemas;
`records duties SOURCE`: the duties of seed 002 not met; `records events SOURCE`: the records as a monitoring event log."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from ccm_rules import Problem
from ccm_rules.engine import Source, cite
from ccm_rules.records import KINDS, RecordError, check_duties, monitoring_events, read_records, record_schemas

from ._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    CommandError,
    add_output_options,
    check_lang,
    date_arg,
    load_pack,
    write_output,
)
from ._db import add_db_option, open_db


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "records",
        help="labour-market case records (seed 002): import a records folder into the store, print their JSON Schemas",
        description="Keep the records seed 002 §8.2 asks for: the individual plan, the declaration, the case log, the "
        "service log, follow-up and feedback, by pseudonymous code only. Exit 0: done; 2: bad input "
        "(every bad field named; nothing stored); 3: the store cannot be opened.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp = actions.add_parser(
        "import",
        help="check a records folder and append it to the logs, all or nothing",
        description="Read FOLDER (one file per record kind: meeting.jsonl, service_event.csv, plan.json, …), check every "
        "record (unknown code, unconfirmed meeting, future date, duplicate, identities outside the code "
        "register) and append them all in one transaction; one bad record stores nothing.",
    )
    imp.add_argument("folder", type=Path, help="a records folder, or one records file named by its kind")
    add_db_option(imp)
    imp.set_defaults(handler=run_import)
    schema = actions.add_parser("schema", help="print the JSON Schema of every record kind (or of one)")
    schema.add_argument(
        "kind", nargs="?", choices=[*sorted(KINDS), "register_entry"], help="one record kind (default: all)"
    )
    schema.set_defaults(handler=run_schema)
    duties = actions.add_parser(
        "duties",
        help="the duties of seed 002 (rules D1-D7) not met, or not known to be met, in a records folder",
        description="Decide the rules of record_duties (rules/records.yaml) over FOLDER as of --as-of: each finding names "
        "the duty, the client code (or case manager), the day, the reason in --lang and the seed's words. "
        "Exit 0: every duty met; 1: a duty not met or not known to be met; 2: bad input.",
    )
    duties.add_argument("folder", type=Path, help="a records folder, or one records file named by its kind")
    duties.add_argument(
        "--as-of",
        type=date_arg,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day the duties are checked on (default: today)",
    )
    add_output_options(duties)
    duties.set_defaults(handler=run_duties)
    events = actions.add_parser(
        "events",
        help="print the records as a monitoring event log (JSON Lines, sorted by date) for `ccm-rules monitor`",
        description="Turn FOLDER into the events of `ccm-rules monitor` (monitoring_events): enrolments, declarations, plans, "
        "meetings, service events, feedback, closures and follow-up, with a tick on every day up to --until "
        "so that the time-based duties alert on the day after they fall due.",
    )
    events.add_argument("folder", type=Path, help="a records folder, or one records file named by its kind")
    events.add_argument(
        "--until", type=date_arg, default=None, metavar="YYYY-MM-DD", help="add a tick on every day up to this one"
    )
    events.add_argument("--output", type=Path, default=None, help="write the log to this file instead of printing it")
    events.set_defaults(handler=run_events)


SHOWN = 20
"""Problems printed at most; the count says how many more there were (a wrong register can refuse every line)."""


def _shown(err: RecordError) -> RecordError:
    if len(err.problems) <= SHOWN:
        return err
    more = Problem(f"… and {len(err.problems) - SHOWN} more problems", "$", kind="more")
    return RecordError(
        f"the records are not valid; nothing was stored; the first {SHOWN} of {len(err.problems)} problems",
        [*err.problems[:SHOWN], more],
    )


def run_import(args: argparse.Namespace) -> int:
    try:
        items = read_records(args.folder)
        with open_db(args) as store:
            ids = store.append(items)
    except RecordError as err:
        raise _shown(err) from None
    counts = Counter(type(item.record).KIND for item in items)
    sys.stdout.write(
        f"stored {len(ids)} entries in {store.url}: "
        + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
        + "\n"
    )
    return EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    schemas = record_schemas()
    if args.kind is not None and args.kind not in schemas:
        raise CommandError(f"unknown record kind {args.kind!r}")
    data = schemas[args.kind] if args.kind else schemas
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def run_duties(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    as_of = args.as_of or datetime.date.today()
    found = check_duties(read_records(args.folder), as_of=as_of, pack=pack, lang=args.lang)
    if args.format == "json":
        rows = [
            {
                "duty": f.duty,
                "title": f.title,
                "subject": f.subject,
                "on": f.on.isoformat(),
                "status": f.status,
                "message": f.message,
                "source": f.source,
                "quote": f.quote,
            }
            for f in found
        ]
        sys.stdout.write(
            json.dumps({"as_of": as_of.isoformat(), "findings": rows}, ensure_ascii=False, indent=2) + "\n"
        )
    else:
        status = {s: pack.text(f"status.{s}", args.lang) for s in ("not_met", "unknown")}
        lines = [
            f"[{status[f.status]}] {f.duty} {f.title} — {f.subject}, {f.on.isoformat()}\n    {f.message}\n"
            f"    {cite(Source(f.source), pack.texts, args.lang)}" + (f": „{f.quote}“" if f.quote else "")
            for f in found
        ]
        sys.stdout.write("\n".join(lines) + ("\n" if lines else ""))
    return EXIT_FINDINGS if found else EXIT_OK


def run_events(args: argparse.Namespace) -> int:
    text = "".join(
        json.dumps(event, ensure_ascii=False) + "\n"
        for event in monitoring_events(read_records(args.folder), until=args.until)
    )
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_output(args.output, text)
    return EXIT_OK
