"""What every CLI command shares: exit codes, pack loading, language and error printing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ccm_rules
from ccm_rules import CcmRulesError, ProblemsError, RulePack

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

LANGUAGES = ("en", "cs", "hu", "de")

Handler = Callable[[argparse.Namespace], int]


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """`--lang`, `--format` and `--rules` for a command that prints a decision."""
    parser.add_argument("--lang", default="en", help="output language: en, cs, hu or de (default: en)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for scripts")
    parser.add_argument("--rules", type=Path, default=None, help="rule pack directory (default: the shipped pack)")


def load_pack(args: argparse.Namespace) -> RulePack:
    if args.rules is None:
        from ccm_rules._eligibility import default_pack

        return default_pack()
    return RulePack.load(args.rules)


def check_lang(pack: RulePack, lang: str) -> None:
    if lang not in pack.languages:
        raise ccm_rules.UnknownLanguageError(lang, pack.languages)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def print_case_result(args: argparse.Namespace, case_code: str | None, key: str, result: Any, explanation: Any, render: Callable[[], str]) -> int:
    """Print one case's result: JSON (`case`, `key`, `explanation`) or the rendered text under the case code."""
    if args.format == "json":
        from ccm_rules._convert import make_converter

        conv = make_converter()
        print_json({"case": case_code, key: conv.unstructure(result), "explanation": conv.unstructure(explanation)})
    else:
        header = f"{case_code}\n" if case_code else ""
        print(header + render())
    return EXIT_OK


def run_guarded(handler: Handler, args: argparse.Namespace) -> int:
    """Run a command; turn every expected error into a clear message and exit code 2."""
    try:
        return handler(args)
    except ProblemsError as err:
        sys.stderr.write(f"error: {err}\n")
        return EXIT_BAD_INPUT
    except CcmRulesError as err:
        sys.stderr.write(f"error: {err}\n")
        return EXIT_BAD_INPUT
    except KeyError as err:
        sys.stderr.write(f"error: {err.args[0]}\n")
        return EXIT_BAD_INPUT
