"""`ccm-rules readiness REGION.yaml`: how ready is a region to roll out CCM (seed 000)?"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ccm_rules.engine import make_converter
from ccm_rules.readiness import assess_readiness, explain_readiness, read_region, render_readiness_text

from ._common import EXIT_OK, add_output_options, check_lang, load_pack, print_json, write_output


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "readiness",
        help="assess a region's readiness to roll out CCM: variant, 9 key factors, phases, success lessons, CM as a system",
        description=(
            "Read a region file (YAML) and print the rollout variant (from first CCM experience), a score per key "
            "factor, the phase plan (opening with sensitisation where the people involved must first be "
            "sensitised), the findings from the five success lessons and whether case management is set up as a "
            "system in the region (seed 001 row 5); --report writes a self-contained HTML report."
        ),
    )
    parser.add_argument(
        "region",
        type=Path,
        help="region file (YAML): starting situation, Pioneer answers, risks, host, lessons, system",
    )
    parser.add_argument(
        "--report", type=Path, default=None, help="also write a self-contained HTML report to this file"
    )
    add_output_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    region = read_region(args.region, pack=pack)
    result = assess_readiness(region, pack=pack)
    view = explain_readiness(result, pack, args.lang)
    if args.report is not None:
        from ccm_rules_adapters.html.readiness import render_report

        write_output(args.report, render_report(view), "--report")
    if args.format == "json":
        conv = make_converter()
        print_json({"region": region.name, "result": conv.unstructure(result), "explanation": conv.unstructure(view)})
    else:
        print(render_readiness_text(view))
        if args.report is not None:
            sys.stderr.write(f"report written to {args.report}\n")
    return EXIT_OK
