"""`ccm-rules fidelity dacts PROGRAM`: score an ACT program on the DACTS (text, JSON or HTML)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ccm_rules import FactsError
from ccm_rules.engine import make_converter
from ccm_rules.fidelity import (
    explain_dacts,
    locate_figure_errors,
    read_program,
    render_dacts_text,
    score_dacts,
)

from ._common import EXIT_OK, LANGUAGES, add_pack_options, check_lang, load_pack, print_json, write_output


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "fidelity",
        help="score a program's fidelity to a model (DACTS for ACT)",
        description="Score a program on a fidelity scale from its measured figures.",
    )
    scales = parser.add_subparsers(dest="scale", required=True, metavar="SCALE")
    dacts = scales.add_parser(
        "dacts",
        help="ACT fidelity on the 28-item Dartmouth ACT Scale",
        description="Read a program file (YAML or JSON with a 'figures' mapping) and print every item's score "
        "with its anchor, the section and total means, the fidelity band and the items to improve first.",
    )
    dacts.add_argument("program", type=Path, help="program file: YAML or JSON with a 'figures' mapping")
    dacts.add_argument("--lang", default="en", help=f"output language: {', '.join(LANGUAGES)} (default: en)")
    dacts.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="text for people, json for scripts, html for a report",
    )
    dacts.add_argument("--output", "-o", type=Path, default=None, help="write to this file instead of standard output")
    add_pack_options(dacts)
    dacts.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    program = read_program(args.program)
    try:
        result = score_dacts(program.figures, as_of=program.as_of, pack=pack)
    except FactsError as err:
        raise locate_figure_errors(err, program) from err
    explanation = explain_dacts(result, pack, args.lang)
    if args.format == "json":
        conv = make_converter()
        data = {
            "program": program.code,
            "result": conv.unstructure(result),
            "explanation": conv.unstructure(explanation),
        }
        if args.output is None:
            print_json(data)
            return EXIT_OK
        import json

        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "html":
        from ccm_rules_adapters.html.dacts import render_dacts_html

        text = render_dacts_html(explanation, result, pack=pack, program=program.code)
    else:
        text = (f"{program.code}\n" if program.code else "") + render_dacts_text(explanation, pack=pack) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_output(args.output, text)
    return EXIT_OK
