"""`ccm-rules caseload TEAM`: is a worker's or a team's caseload within its norm?"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ccm_rules import FactsError, Status
from ccm_rules.engine import make_converter
from ccm_rules.team import check_caseload, locate_team_errors, read_team, render_caseload_text

from ._common import EXIT_FINDINGS, EXIT_OK, add_output_options, check_lang, load_pack, print_json


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "caseload",
        help="check a worker's or team's caseload against its norm (labour market, ICM, ACT)",
        description="Read a team file (YAML or JSON: norm, workers with fte and clients; for labour_market also each "
        "worker's contacts: client, day, hours) and say whether the caseload is within the norm, by how much it is "
        "over, and how many more staff would bring it within (FTE for a ratio; case managers for the labour-market "
        "cap per person). Its hours limit is checked for each client in each week, not as an average. "
        "Exit code 1 when over the norm.",
    )
    parser.add_argument("team", type=Path, help="team file: YAML or JSON with 'norm' and 'workers'")
    add_output_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    team = read_team(args.team)
    try:
        result = check_caseload(team.norm, team.workers, as_of=team.as_of, pack=pack)
    except FactsError as err:
        raise locate_team_errors(err, team) from err
    if args.format == "json":
        data = make_converter().unstructure(result)
        data["status"] = result.status.value
        print_json({"team": team.code, "result": data})
    else:
        print(render_caseload_text(result, pack, args.lang, team.code))
    return EXIT_FINDINGS if result.status is Status.NOT_MET else EXIT_OK
