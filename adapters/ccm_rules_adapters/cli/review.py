"""`ccm-rules review --start DATE [--last DATE] [--on DATE] [--interval-days N | --review-on DATE]`: when is the next review due?

By default the team's meeting cadence (003: at first every 14 days, then monthly, then
quarterly — the seed's example for an active team); a case that agreed its own rhythm
overrides it: the individual plan's interval (`--interval-days`, 002 §10) or the plan's
date of evaluation (`--review-on`, 004 §individual plan). The same reading as monitoring
(`ccm_rules.engine._cadence.ReviewAgreement`).
"""

from __future__ import annotations

import argparse
import datetime
from typing import Any

from ccm_rules import FactsError, Message, Problem
from ccm_rules.engine import MAX_INTERVAL_DAYS, ReviewAgreement, format_text, meeting_dates
from ccm_rules.goals import CADENCE, next_review
from ccm_rules.monitoring import Monitoring

from ._common import EXIT_OK, add_output_options, check_lang, count_arg, date_arg, load_pack, print_json
from .plan import review_lines


def interval_arg(text: str) -> int:
    """An argparse type for the plan's review interval: whole days from 1 to a year."""
    value = count_arg(text)
    if not 1 <= value <= MAX_INTERVAL_DAYS:
        raise argparse.ArgumentTypeError(f"expected a whole number of days from 1 to {MAX_INTERVAL_DAYS}, got {text!r}")
    return value


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "review",
        help="next review date: the team cadence by default, or the plan's own interval or evaluation date",
        description=(
            "When the next review is due and whether it is overdue. By default the team's meeting cadence "
            "(every 14 days, then monthly, then quarterly: rules/norms.yaml, seed 003's example for an active "
            "team); a case's own agreement overrides it: --interval-days (the individual plan's interval, seed "
            "002) or --review-on (the plan's date of evaluation, seed 004)."
        ),
    )
    date = date_arg
    parser.add_argument(
        "--start",
        type=date,
        required=True,
        help="start of the cooperation, or the day the rhythm was agreed (YYYY-MM-DD)",
    )
    parser.add_argument("--last", type=date, default=None, help="date of the last review held (default: none yet)")
    parser.add_argument("--on", type=date, default=None, help="the day to check (default: today)")
    parser.add_argument("--upcoming", type=count_arg, default=3, help="how many later dates to list (default: 3)")
    agreed = parser.add_mutually_exclusive_group()
    agreed.add_argument(
        "--interval-days",
        type=interval_arg,
        default=None,
        help="the individual plan's review interval in days (overrides the team cadence)",
    )
    agreed.add_argument(
        "--review-on",
        type=date,
        default=None,
        help="the review date agreed: the plan's date of evaluation (overrides the team cadence)",
    )
    add_output_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    check_lang(pack, args.lang)
    on = args.on or datetime.date.today()
    if args.interval_days is None and args.review_on is None:
        return _team_cadence(args, pack, on)
    if args.last is not None and args.last < args.start:
        dates = {"last": args.last.isoformat(), "start": args.start.isoformat()}
        raise FactsError(
            Message("summary.review_invalid"), [Problem(Message("review.before_start", dates), "--last", kind="fact")]
        )
    agreement = ReviewAgreement()
    if args.interval_days is not None:
        agreement.agree_interval(args.start, args.interval_days)
    if args.last is not None:
        agreement.held(args.last)
    if args.review_on is not None:
        agreement.agree_date(args.review_on)
    monitoring = Monitoring.from_pack(pack)
    agreed = monitoring.agreed_review(agreement)
    assert agreed is not None
    late = (on - agreed.due).days
    later = (
        [agreed.due + datetime.timedelta(days=args.interval_days * k) for k in range(1, args.upcoming + 1)]
        if args.interval_days
        else []
    )
    if args.format == "json":
        print_json(
            {
                "basis": agreed.basis,
                "phase": None,
                "due": agreed.due.isoformat(),
                "overdue": late > 0,
                "days_overdue": max(late, 0),
                "on": on.isoformat(),
                "upcoming": [d.isoformat() for d in later],
            }
        )
        return EXIT_OK
    values = {"interval_days": agreed.interval_days, "phase": None}
    basis = format_text(monitoring.text(f"monitor.basis.{agreed.basis}", args.lang), args.lang, values)
    state = format_text(
        pack.text("plan.review.overdue" if late > 0 else "plan.review.on_time", args.lang),
        args.lang,
        {"days": max(late, 0), "on": on.isoformat()},
    )
    due = format_text(
        monitoring.text("monitor.review_due", args.lang), args.lang, {"due": agreed.due.isoformat(), "basis": basis}
    )
    lines = [pack.text("plan.heading.review", args.lang), f"  {due}", f"  {state}"]
    if later:
        lines.append(f"  {pack.text('plan.review.next_dates', args.lang)} " + ", ".join(d.isoformat() for d in later))
    print("\n".join(lines))
    return EXIT_OK


def _team_cadence(args: argparse.Namespace, pack: Any, on: datetime.date) -> int:
    """The team's meeting cadence from `--start` (the default a case may override)."""
    review = next_review(args.start, args.last, as_of=on, pack=pack)
    params = pack.parameter_set(CADENCE).values_at(on)
    later = [d for d in meeting_dates(args.start, 60, params) if d > review.due][: args.upcoming]
    if args.format == "json":
        print_json(
            {
                "basis": "team_cadence",
                "phase": review.phase,
                "due": review.due.isoformat(),
                "overdue": review.overdue,
                "days_overdue": review.days_overdue,
                "on": on.isoformat(),
                "upcoming": [d.isoformat() for d in later],
            }
        )
        return EXIT_OK
    text = format_text(
        pack.text("plan.review.overdue" if review.overdue else "plan.review.on_time", args.lang),
        args.lang,
        {"days": review.days_overdue, "on": on.isoformat()},
    )
    lines = [*review_lines(review, pack, args.lang), f"  {text}"]
    if later:
        lines.append(f"  {pack.text('plan.review.next_dates', args.lang)} " + ", ".join(d.isoformat() for d in later))
    print("\n".join(lines))
    return EXIT_OK
