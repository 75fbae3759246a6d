"""`ccm-rules rules check [DIR]`: lint a rule pack and report every problem at once.

With `--seeds DIR` it also checks every citation against the seed texts: the cited section
is one of its seed, the cited lines lie in it, and the quote's words stand at those lines
(`ccm_rules._citations`), so a domain expert sees a drifted citation as a problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ccm_rules import RulePack, check_pack, default_rules_dir
from ccm_rules._citations import citation_drift

from ._common import EXIT_FINDINGS, EXIT_OK, CommandError, print_json


def register(commands: Any) -> None:
    parser = commands.add_parser("rules", help="work with rule packs")
    sub = parser.add_subparsers(dest="rules_command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="check a rule pack; report every problem with file, line, rule id and path")
    check.add_argument("directory", type=Path, nargs="?", default=None, help="pack directory (default: the shipped rules)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument(
        "--seeds", type=Path, default=None, metavar="DIR",
        help="folder of the seed texts (shared/seeds): also check that every quote stands at its cited section and lines",
    )
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    root = args.directory or default_rules_dir()
    if not root.is_dir():
        raise CommandError(f"{root}: no such rule pack folder")
    if args.seeds is not None and not args.seeds.is_dir():
        raise CommandError(f"--seeds {args.seeds}: no such folder of seed texts")
    problems = check_pack(root)
    if args.seeds is not None and not any(p.severity == "error" for p in problems):
        problems += citation_drift(args.seeds, pack=RulePack.load(root))
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
