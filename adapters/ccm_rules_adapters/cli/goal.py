"""`ccm-rules goal "<text>" --lang cs` or `ccm-rules goal GOAL.yaml`: is this goal SMART?

Also holds the text rendering shared by the `plan` and `conference` commands.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ccm_rules import Decision, FactsError, Message, RulePack, explain
from ccm_rules.engine import criterion_lines, make_converter
from ccm_rules.goals import GoalAssessment, assess_goal, locate_goal_errors, read_goal_file

from ._common import EXIT_OK, CommandError, add_output_options, check_lang, date_arg, load_pack, print_json


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "goal",
        help="check whether a goal is SMART (free text or a goal file)",
        description="Check a goal against SMART (seed 004): a text in quotes, or a YAML/JSON goal file with a 'goal' key.",
    )
    parser.add_argument("goal", help="the goal text, or a path to a YAML/JSON goal file")
    parser.add_argument("--goal-lang", default=None, help="language of the goal text (default: the output language)")
    parser.add_argument(
        "--as-of", type=date_arg, default=None, help="start date for relative deadlines (YYYY-MM-DD; default: today)"
    )
    add_output_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    path = Path(args.goal)
    code = None
    if looks_like_a_path(args.goal) and not path.is_file():
        raise CommandError(Message("cli.no_goal_file", {"path": args.goal}))
    if looks_like_a_path(args.goal):
        file = read_goal_file(path)
        code = file.code
        try:
            assessment = assess_goal(file.goal, lang=args.goal_lang, as_of=args.as_of or file.as_of, pack=pack)
        except FactsError as err:
            raise locate_goal_errors(err, file.file, file.located) from None
    else:
        assessment = assess_goal(args.goal, lang=args.goal_lang or args.lang, as_of=args.as_of, pack=pack)
    if args.format == "json":
        print_json({"case": code, **goal_json(assessment, pack, args.lang)})
    else:
        print((f"{code}\n" if code else "") + "\n".join(goal_lines(assessment, pack, args.lang)))
    return EXIT_OK


def looks_like_a_path(text: str) -> bool:
    """A goal argument is a file when it ends in .yaml, .yml or .json or holds a path separator."""
    return Path(text).suffix.lower() in (".yaml", ".yml", ".json") or "/" in text or "\\" in text


def goal_json(a: GoalAssessment, pack: RulePack, lang: str) -> dict[str, Any]:
    conv = make_converter()
    return {
        "goal": conv.unstructure(a.goal),
        "due": a.due.isoformat() if a.due else None,
        "fact_sources": a.fact_sources,
        "evidence": conv.unstructure(list(a.evidence)),
        "decision": conv.unstructure(a.decision),
        "explanation": conv.unstructure(explain(a.decision, pack, lang)),
    }


def decision_lines(decision: Decision, pack: RulePack, lang: str, indent: str = "") -> list[str]:
    """Headline, each criterion with status, reason and source, and the questions still open."""
    e = explain(decision, pack, lang)
    lines = [f"{indent}{e.title}", f"{indent}{e.headline}", ""]
    lines += criterion_lines(e.criteria, pack, lang, indent)
    if e.questions:
        lines += ["", f"{indent}{pack.text('goals.heading.questions', lang)}"]
        lines += [f"{indent}  - {q}" for q in e.questions]
    return lines


def goal_lines(a: GoalAssessment, pack: RulePack, lang: str, indent: str = "") -> list[str]:
    """A goal's SMART check as text: the goal, the decision, the wording evidence, the deadline."""
    lines = [f"{indent}{pack.text('goals.label.goal', lang)}: {a.goal.description}"]
    lines += decision_lines(a.decision, pack, lang, indent)
    if a.evidence:
        lines += ["", f"{indent}{pack.text('goals.heading.evidence', lang)}"]
        for ev in a.evidence:
            when = f" → {ev.date.isoformat()}" if ev.date else ""
            lines.append(f"{indent}  - {pack.text('goals.evidence.' + ev.kind, lang)}: “{ev.text}”{when}")
    if a.due is not None:
        lines.append(f"{indent}{pack.text('goals.label.due', lang)}: {a.due.isoformat()}")
    lines += [
        "",
        f"{indent}{pack.text('label.as_of', lang)}: {a.decision.as_of}   {pack.text('label.pack', lang)}: {a.decision.pack.id} {a.decision.pack.version} ({a.decision.pack.content_hash[:19]})",
    ]
    return lines
