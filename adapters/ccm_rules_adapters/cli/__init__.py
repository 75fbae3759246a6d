"""The `ccm-rules` command line.

Every public module of this package that defines `register(commands)` adds its own
sub-command, so a new command is a new module and nothing else changes.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

from ._common import EXIT_BAD_INPUT, run_guarded


def command_modules() -> list[ModuleType]:
    """The modules that define sub-commands, in name order."""
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            if hasattr(module, "register"):
                modules.append(module)
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccm-rules",
        description="Explained decision support for Case and Care Management.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in command_modules():
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 0
        return EXIT_BAD_INPUT if code == 2 else code
    try:
        return run_guarded(args.handler, args)
    except BrokenPipeError:
        # The reader went away (`ccm-rules … | head`): stop quietly, as other Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
