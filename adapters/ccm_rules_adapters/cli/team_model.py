"""`ccm-rules team-model CASE`: which team model fits an eligible client — one headline plus its axes?"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ccm_rules import FactsError
from ccm_rules.engine import locate_fact_errors, read_case
from ccm_rules.team import explain_team_model, recommend_team_model, render_team_model_text

from ._common import add_output_options, check_lang, date_arg, load_pack, print_case_result


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "team-model",
        help="recommend a team model: who leads (individual or team), internal/external, passive/active, key worker, ACT/ICM (explained)",
        description="Read a case file (YAML or JSON) and print the recommended team model: a headline, then each axis — "
        "who leads (individual or team), internal or external, passive or active, the key worker, and for severe mental "
        "illness ACT, ICM or neither — with the case conference, meeting cadence, caseload norm and what the program "
        "side needs, each explained with its sources.",
    )
    parser.add_argument("case", type=Path, help="case file: YAML or JSON with a 'facts' mapping")
    parser.add_argument(
        "--start",
        type=date_arg,
        default=None,
        help="start of the cooperation, for the meeting dates (default: the case file's cooperation_start, else its as_of, else today)",
    )
    add_output_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    case = read_case(args.case)
    try:
        rec = recommend_team_model(case.facts, as_of=case.as_of, start=args.start or case.cooperation_start, pack=pack)
    except FactsError as err:
        raise locate_fact_errors(err, case) from err
    explanation = explain_team_model(rec, pack, args.lang)
    return print_case_result(
        args, case.code, "recommendation", rec, explanation, lambda: render_team_model_text(explanation, pack=pack)
    )
