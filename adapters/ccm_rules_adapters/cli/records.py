"""`ccm-rules records import FOLDER`: store a records folder in the append-only logs; `records schema`: their JSON Schemas."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from ccm_rules import Problem
from ccm_rules.records import KINDS, RecordError, read_records, record_schemas

from ._common import EXIT_OK, CommandError
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
        "import", help="check a records folder and append it to the logs, all or nothing",
        description="Read FOLDER (one file per record kind: meeting.jsonl, service_event.csv, plan.json, …), check every "
                    "record (unknown code, unconfirmed meeting, future date, duplicate, identities outside the code "
                    "register) and append them all in one transaction; one bad record stores nothing.",
    )
    imp.add_argument("folder", type=Path, help="a records folder, or one records file named by its kind")
    add_db_option(imp)
    imp.set_defaults(handler=run_import)
    schema = actions.add_parser("schema", help="print the JSON Schema of every record kind (or of one)")
    schema.add_argument("kind", nargs="?", choices=[*sorted(KINDS), "register_entry"], help="one record kind (default: all)")
    schema.set_defaults(handler=run_schema)


SHOWN = 20
"""Problems printed at most; the count says how many more there were (a wrong register can refuse every line)."""


def _shown(err: RecordError) -> RecordError:
    if len(err.problems) <= SHOWN:
        return err
    more = Problem(f"… and {len(err.problems) - SHOWN} more problems", "$", kind="more")
    return RecordError(f"the records are not valid; nothing was stored; the first {SHOWN} of {len(err.problems)} problems", [*err.problems[:SHOWN], more])


def run_import(args: argparse.Namespace) -> int:
    try:
        items = read_records(args.folder)
        with open_db(args) as store:
            ids = store.append(items)
    except RecordError as err:
        raise _shown(err) from None
    counts = Counter(type(item.record).KIND for item in items)
    sys.stdout.write(f"stored {len(ids)} entries in {store.url}: " + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) + "\n")
    return EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    schemas = record_schemas()
    if args.kind is not None and args.kind not in schemas:
        raise CommandError(f"unknown record kind {args.kind!r}")
    data = schemas[args.kind] if args.kind else schemas
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK
