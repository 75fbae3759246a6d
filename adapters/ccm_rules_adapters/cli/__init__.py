"""The `ccm-rules` command line: one module per command, each with `register()`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from . import eligibility, rules
from ._common import EXIT_BAD_INPUT, run_guarded

COMMANDS: tuple[ModuleType, ...] = (eligibility, rules)
"""Each module adds its sub-command; add new commands here."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccm-rules",
        description="Explained decision support for Case and Care Management.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) if exit_.code != 2 else EXIT_BAD_INPUT
    return run_guarded(args.handler, args)


if __name__ == "__main__":
    sys.exit(main())
