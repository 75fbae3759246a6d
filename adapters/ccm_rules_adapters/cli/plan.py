"""`ccm-rules plan PLAN.yaml`: is the individual plan complete, and are its goals SMART?"""

from __future__ import annotations

import argparse
from typing import Any

from ccm_rules import RulePack, explain
from ccm_rules.engine import ReviewStatus, Status, format_text, make_converter
from ccm_rules.goals import Plan, PlanAssessment, assess_plan_document, read_document

from ._common import EXIT_OK, add_output_options, check_lang, load_pack, print_json
from .goal import decision_lines, goal_json, goal_lines


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "plan",
        help="check an individual plan for completeness (seed 004) and its goals for SMART",
        description="Read a plan file (YAML or JSON with a 'plan' mapping) and report what is missing.",
    )
    parser.add_argument("plan", help="plan file")
    add_output_options(parser)
    parser.set_defaults(handler=run)


def review_lines(review: ReviewStatus, pack: RulePack, lang: str) -> list[str]:
    phase = pack.text(f"plan.review.phase.{review.phase}", lang)
    line = pack.text("plan.review.due", lang).format(due=review.due.isoformat(), phase=phase)
    return [pack.text("plan.heading.review", lang), f"  {line}"]


def not_smart_lines(result: PlanAssessment, pack: RulePack, lang: str) -> list[str]:
    """The goals that make the plan incomplete, each by number and text with the SMART criteria it lacks."""
    if not result.not_smart:
        return []
    lines = ["", pack.text("plan.heading.not_smart", lang)]
    for number in result.not_smart:
        goal = result.goals[number - 1]
        lacks = [
            c.title
            for c in explain(goal.decision, pack, lang).criteria
            if c.status is Status.NOT_MET and c.role == "required"
        ]
        lines.append(
            f"  - {number}. “{goal.goal.description}” — {pack.text('plan.label.lacks', lang)}: {', '.join(lacks)}"
        )
    return lines


def run(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    doc = read_document(args.plan, "plan", Plan)
    result = assess_plan_document(doc, pack=pack)
    if args.format == "json":
        conv = make_converter()
        print_json(
            {
                "case": doc.code,
                "decision": conv.unstructure(result.decision),
                "goals": [goal_json(g, pack, args.lang) for g in result.goals],
                "review": conv.unstructure(result.review),
                "not_smart": list(result.not_smart),
            }
        )
        return EXIT_OK
    lines = ([doc.code] if doc.code else []) + decision_lines(result.decision, pack, args.lang)
    lines += not_smart_lines(result, pack, args.lang)
    if result.goals:
        lines += ["", pack.text("plan.heading.goals", args.lang)]
        for index, goal in enumerate(result.goals, 1):
            lines += ["", f"  {index}.", *goal_lines(goal, pack, args.lang, indent="    ")]
    if result.review is not None:
        on = result.decision.as_of.isoformat()
        state = (
            format_text(
                pack.text("plan.review.overdue", args.lang), args.lang, {"days": result.review.days_overdue, "on": on}
            )
            if result.review.overdue
            else pack.text("plan.review.on_time", args.lang).format(on=on)
        )
        lines += ["", *review_lines(result.review, pack, args.lang), f"  {state}"]
    print("\n".join(lines))
    return EXIT_OK
