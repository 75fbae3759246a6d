"""`ccm-rules conference FILE`: does a case conference or a family conference meet the standard?"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ccm_rules.engine import make_converter, parse_yaml
from ccm_rules.goals import (
    Conference,
    FamilyConference,
    agenda_steps,
    assess_conference_document,
    assess_family_conference_document,
    facilitator_duties,
    read_document,
)

from ._common import EXIT_OK, add_output_options, check_lang, load_pack, print_json
from .goal import decision_lines, goal_json, goal_lines


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "conference",
        help="check a case conference (seeds 003, 004) or a family conference (seed 004) record",
        description="Read a record with a 'conference' or a 'family_conference' mapping and report what falls short.",
    )
    parser.add_argument("record", type=Path, help="conference record (YAML or JSON)")
    add_output_options(parser)
    parser.set_defaults(handler=run)


def _kind(path: Path) -> str:
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"), str(path)).data
    except Exception:
        return "conference"
    return "family_conference" if isinstance(data, dict) and "family_conference" in data else "conference"


def run(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    if _kind(args.record) == "family_conference":
        doc = read_document(args.record, "family_conference", FamilyConference)
        result = assess_family_conference_document(doc, pack=pack)
    else:
        doc = read_document(args.record, "conference", Conference)
        result = assess_conference_document(doc, pack=pack)
    if args.format == "json":
        conv = make_converter()
        print_json(
            {
                "case": doc.code,
                "decision": conv.unstructure(result.decision),
                "agenda_missing": list(result.agenda_missing),
                "duties_missing": list(result.duties_missing),
                "goals": [goal_json(g, pack, args.lang) for g in result.goals],
            }
        )
        return EXIT_OK
    lines = ([doc.code] if doc.code else []) + decision_lines(result.decision, pack, args.lang)
    if result.agenda_missing:
        titles = {item.id: item.title[args.lang] for item in agenda_steps(pack).items}
        lines += ["", pack.text("conference.heading.agenda_missing", args.lang)] + [
            f"  - {titles[c]}" for c in result.agenda_missing
        ]
    if result.duties_missing:
        duties = {item.id: item.title[args.lang] for item in facilitator_duties(pack).items}
        lines += ["", pack.text("conference.heading.duties_missing", args.lang)] + [
            f"  - {duties[c]}" for c in result.duties_missing
        ]
    if result.goals:
        lines += ["", pack.text("conference.heading.output_goals", args.lang)]
        for index, goal in enumerate(result.goals, 1):
            lines += ["", f"  {index}.", *goal_lines(goal, pack, args.lang, indent="    ")]
    print("\n".join(lines))
    return EXIT_OK
