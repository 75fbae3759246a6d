"""`ccm-rules eligibility CASE`: does this person need case management?"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ccm_rules import FactsError, decide, explain, render_text
from ccm_rules.engine import locate_fact_errors, read_case

from ._common import add_output_options, check_lang, load_pack, print_case_result


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "eligibility",
        help="decide whether a person needs case management (explained, three-valued)",
        description="Read a case file (YAML or JSON) and print an explained eligibility decision.",
    )
    parser.add_argument("case", type=Path, help="case file: YAML or JSON with a 'facts' mapping")
    parser.add_argument(
        "--ruleset",
        default=None,
        help="ruleset to apply: eligibility or labour_market (default: the case file's 'ruleset', else eligibility)",
    )
    add_output_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    case = read_case(args.case)
    ruleset = pack.ruleset(args.ruleset or case.ruleset or "eligibility")
    try:
        decision = decide(ruleset, case.facts, case.as_of)
    except FactsError as err:
        raise locate_fact_errors(err, case) from err
    explanation = explain(decision, pack, args.lang)
    return print_case_result(
        args, case.code, "decision", decision, explanation, lambda: render_text(explanation, pack=pack)
    )
