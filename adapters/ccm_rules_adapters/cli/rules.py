"""`ccm-rules rules check [DIR]`: lint a rule pack and report every problem at once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ccm_rules import check_pack, default_rules_dir

from ._common import EXIT_FINDINGS, EXIT_OK, CommandError, print_json


def register(commands: Any) -> None:
    parser = commands.add_parser("rules", help="work with rule packs")
    sub = parser.add_subparsers(dest="rules_command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="check a rule pack; report every problem with file, line, rule id and path")
    check.add_argument("directory", type=Path, nargs="?", default=None, help="pack directory (default: the shipped rules)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    root = args.directory or default_rules_dir()
    if not root.is_dir():
        raise CommandError(f"{root}: no such rule pack folder")
    problems = check_pack(root)
    errors = [p for p in problems if p.severity == "error"]
    if args.format == "json":
        print_json([{"severity": p.severity, "kind": p.kind, "file": p.file, "line": p.line, "rule_id": p.rule_id, "path": p.path, "message": p.message} for p in problems])
    else:
        for p in problems:
            print(str(p))
        verdict = "ok" if not errors else "FAILED"
        warnings = len(problems) - len(errors)
        sys.stderr.write(f"{root}: {verdict} — {len(errors)} error(s), {warnings} warning(s)\n")
    failing = errors if not args.strict else problems
    return EXIT_FINDINGS if failing else EXIT_OK
