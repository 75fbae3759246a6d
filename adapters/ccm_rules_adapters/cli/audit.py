"""`ccm-rules audit verify`: re-decide the decisions kept in the store; list those the current pack decides differently."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import EXIT_FINDINGS, EXIT_OK, add_pack_options, load_pack, print_json
from ._db import add_db_option, open_db


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "audit",
        help="audit the decisions kept in the records store",
        description="Every decision taken through the store is kept with its facts, outcome, as_of and the pack's id, "
        "version and hash. 'verify' takes each one again with the current pack, as of its own date. "
        "Exit 0: every decision stands; 1: some would be decided differently (listed); 3: no store.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify", help="re-decide the stored decisions; list those the current pack decides differently"
    )
    add_db_option(verify)
    verify.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for scripts")
    add_pack_options(verify)
    verify.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    with open_db(args) as store:
        total = sum(1 for _ in store.decisions())
        findings = store.audit(pack)
    if args.format == "json":
        print_json(
            {
                "decisions": total,
                "pack": {"id": pack.info.id, "version": pack.info.version, "content_hash": pack.info.content_hash},
                "differ": [
                    {
                        "id": f.decision.id,
                        "ruleset": f.decision.ruleset,
                        "code": f.decision.code,
                        "as_of": f.decision.as_of.isoformat(),
                        "outcome": f.decision.outcome,
                        "outcome_now": f.outcome_now,
                        "criteria_changed": list(f.criteria_changed),
                        "pack": {
                            "id": f.decision.pack_id,
                            "version": f.decision.pack_version,
                            "content_hash": f.decision.pack_hash,
                        },
                    }
                    for f in findings
                ],
            }
        )
    else:
        out = sys.stdout
        out.write(f"{total} stored decisions re-decided with {pack.info.id} {pack.info.version}: ")
        out.write("all stand\n" if not findings else f"{len(findings)} would be decided differently\n")
        for f in findings:
            d = f.decision
            out.write(
                f"  {d.id} {d.ruleset} {d.code or '-'} as of {d.as_of.isoformat()}: {d.outcome} → {f.outcome_now} "
                f"(decided with {d.pack_id} {d.pack_version})\n"
            )
            for change in f.criteria_changed:
                out.write(f"      {change}\n")
    return EXIT_FINDINGS if findings else EXIT_OK
