"""What every CLI command shares: exit codes, pack loading, language and error printing."""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ccm_rules
from ccm_rules import CcmRulesError, Message, ProblemsError, RulePack
from ccm_rules.engine import describe, file_reason, iso_date, say, text_in

# The one table of exit codes every command uses (docs/exit-codes.md):
EXIT_OK = 0
"""Done: the decision or check was made and found nothing to act on."""
EXIT_FINDINGS = 1
"""Done, and the result found a problem: over a norm, alerts, rows with errors, a pack that fails its check."""
EXIT_BAD_INPUT = 2
"""Bad input or usage: nothing was decided; the message names the field, file and line."""
EXIT_ENVIRONMENT = 3
"""The environment stopped the command: a missing extra, a port in use, an engine that cannot load."""

EXTRAS = {
    "http": "the HTTP service",
    "fhir": "the FHIR adapter",
    "batch": "batch screening",
    "events": "the durable-rules engine",
}


class CommandError(Exception):
    """A failure a command reports in one line, with its exit code (never a traceback).

    A `Message` is printed in the command's `--lang`; a plain text as written.
    """

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        self.message = message
        self.code = code
        super().__init__(message, code)


def require_extra(extra: str, *modules: str) -> None:
    """Stop with exit 3 and the install command when an optional extra's modules are missing."""
    missing = [
        m for m in modules if importlib.util.find_spec(m.split(".")[0]) is None or importlib.util.find_spec(m) is None
    ]
    if missing:
        raise CommandError(
            f"{EXTRAS.get(extra, extra)} needs the '{extra}' extra (missing: {', '.join(missing)}): pip install 'ccm-rules[{extra}]'",
            EXIT_ENVIRONMENT,
        )


def date_arg(text: str) -> datetime.date:
    """An argparse type for a YYYY-MM-DD option, worded as every other date error."""
    try:
        return iso_date(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def count_arg(text: str) -> int:
    """An argparse type for a count: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(Message("expected.count", {"value": describe(text)}))
    return value


def write_output(path: Path, text: str, option: str = "--output") -> None:
    """Write a command's output text file; a folder that does not exist or cannot be written is bad input."""
    write_file(path, lambda target: target.write_text(text, encoding="utf-8"), option)


def write_file(path: Path, write: Callable[[Path], object], option: str = "--output") -> None:
    """Write a command's output file with `write` (text, Parquet, …), its failures worded as every output's."""
    try:
        write(path)
    except OSError as err:
        reason = Message("io.folder_not_found") if isinstance(err, FileNotFoundError) else file_reason(err)
        raise CommandError(Message("cli.unwritable", {"option": option, "path": str(path), "reason": reason})) from err


LANGUAGES = ("en", "cs", "hu", "de")

Handler = Callable[[argparse.Namespace], int]


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """`--lang`, `--format`, `--rules` and `--pack` for a command that prints a decision."""
    parser.add_argument("--lang", default="en", help="output language: en, cs, hu or de (default: en)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for scripts")
    add_pack_options(parser)


def add_pack_options(parser: argparse.ArgumentParser) -> None:
    """`--rules DIR` (the base pack) and `--pack NAME|DIR` (a regional extension over it, repeatable)."""
    parser.add_argument("--rules", type=Path, default=None, help="rule pack directory (default: the shipped pack)")
    parser.add_argument(
        "--pack",
        action="append",
        default=None,
        metavar="NAME|DIR",
        help="extension pack merged over the rules (a folder, or an installed pack's name); repeat for several, in order",
    )


def load_pack(args: argparse.Namespace) -> RulePack:
    """The pack a command decides with: `--rules` (default: the shipped pack) with each `--pack` merged over it."""
    packs = getattr(args, "pack", None) or []
    if args.rules is not None and not args.rules.is_dir():
        raise CommandError(Message("cli.no_pack_folder", {"option": "--rules ", "path": str(args.rules)}))
    if args.rules is None and not packs:
        from ccm_rules.engine import default_pack

        return default_pack()
    return RulePack.load(args.rules, extensions=packs)


def check_lang(pack: RulePack, lang: str) -> None:
    if lang not in pack.languages:
        raise ccm_rules.UnknownLanguageError(lang, pack.languages)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def print_case_result(
    args: argparse.Namespace, case_code: str | None, key: str, result: Any, explanation: Any, render: Callable[[], str]
) -> int:
    """Print one case's result: JSON (`case`, `key`, `explanation`) or the rendered text under the case code."""
    if args.format == "json":
        print_json(
            {"case": case_code, key: ccm_rules.to_json_data(result), "explanation": ccm_rules.to_json_data(explanation)}
        )
    else:
        header = f"{case_code}\n" if case_code else ""
        print(header + render())
    return EXIT_OK


def run_guarded(handler: Handler, args: argparse.Namespace) -> int:
    """Run a command; turn every expected error into a clear message, in `--lang`, and its exit code."""
    lang = getattr(args, "lang", "en")
    try:
        return handler(args)
    except CommandError as err:
        _error(text_in(err.message, lang), lang)
        return err.code
    except ProblemsError as err:
        _error(err.render(lang), lang)
        return EXIT_BAD_INPUT
    except CcmRulesError as err:
        _error(str(err), lang)
        return EXIT_BAD_INPUT
    except KeyError as err:
        _error(str(err.args[0]), lang)
        return EXIT_BAD_INPUT


def _error(text: str, lang: str) -> None:
    """`error: …` on stderr, the word "error" too in the user's language."""
    sys.stderr.write(say("print.error", lang, {"message": text}) + "\n")
