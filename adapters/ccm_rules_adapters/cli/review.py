"""`ccm-rules review --start DATE [--last DATE] [--on DATE]`: when is the next team review due?"""

from __future__ import annotations

import argparse
import datetime
from typing import Any

from ccm_rules import format_text
from ccm_rules._cadence import meeting_dates
from ccm_rules._plan import CADENCE, next_review

from ._common import EXIT_OK, add_output_options, check_lang, count_arg, date_arg, load_pack, print_json
from .plan import review_lines


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "review",
        help="next review date by the team cadence (every 14 days, then monthly, then quarterly)",
        description="When the next team review is due and whether it is overdue (rules/norms.yaml, seed 003).",
    )
    date = date_arg
    parser.add_argument("--start", type=date, required=True, help="start of the cooperation (YYYY-MM-DD)")
    parser.add_argument("--last", type=date, default=None, help="date of the last review held (default: none yet)")
    parser.add_argument("--on", type=date, default=None, help="the day to check (default: today)")
    parser.add_argument("--upcoming", type=count_arg, default=3, help="how many later dates to list (default: 3)")
    add_output_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    on = args.on or datetime.date.today()
    review = next_review(args.start, args.last, as_of=on, pack=pack)
    params = pack.parameter_set(CADENCE).values_at(on)
    later = [d for d in meeting_dates(args.start, 60, params) if d > review.due][: args.upcoming]
    if args.format == "json":
        print_json({"phase": review.phase, "due": review.due.isoformat(), "overdue": review.overdue, "days_overdue": review.days_overdue, "on": on.isoformat(), "upcoming": [d.isoformat() for d in later]})
        return EXIT_OK
    text = format_text(pack.text("plan.review.overdue" if review.overdue else "plan.review.on_time", args.lang), args.lang, {"days": review.days_overdue, "on": on.isoformat()})
    lines = [*review_lines(review, pack, args.lang), f"  {text}"]
    if later:
        lines.append(f"  {pack.text('plan.review.next_dates', args.lang)} " + ", ".join(d.isoformat() for d in later))
    print("\n".join(lines))
    return EXIT_OK
