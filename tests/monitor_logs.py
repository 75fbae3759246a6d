"""Generated event logs for the monitoring tests: valid by construction, seeded, with every kind of event."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator

from ccm_rules.monitoring._monitoring import Event, Monitoring


def generate(
    monitoring: Monitoring,
    seed: int,
    length: int,
    start: datetime.date = datetime.date(2027, 1, 4),
    codes: int | None = None,
) -> Iterator[Event]:
    """A valid random event log: cases opened (some agreeing the team's cadence), plans agreed (with an
    evaluation date, an interval or the cadence), reviews held (some setting the next), goals set and
    evaluated, contacts with hours, closures, caseloads, ticks. With `codes`, case codes come from a pool of
    that many, so a closed case's code is opened again (a new case under an old code)."""
    rnd = random.Random(seed)
    models, reasons = list(monitoring.models), [None, *monitoring.reasons]
    day, next_case = start, 0
    open_cases: dict[str, str] = {}
    goals: dict[tuple[str, str], bool] = {}
    for seq in range(1, length + 1):
        day += datetime.timedelta(days=rnd.choice((0, 0, 1, 3, 9)))
        roll = rnd.random()
        fields: dict[str, object] = {}
        if roll < 0.15 or not open_cases:
            next_case += 1
            case = f"C{next_case % 7}x{next_case}"
            if codes is not None:
                free = [f"C{n}" for n in range(codes) if f"C{n}" not in open_cases]
                if not free:
                    continue
                case = rnd.choice(free)
            kind = "opened"
            open_cases[case] = rnd.choice(models)
            fields = {"case": case, "model": open_cases[case]}
            if rnd.random() < 0.5:
                fields["cadence"] = "team"
        elif roll < 0.35:
            kind = "tick"
        elif roll < 0.45:
            kind = "caseload"
            fields = {"worker": f"W{rnd.randrange(5)}", "model": rnd.choice(models), "clients": rnd.randrange(45)}
        else:
            case = rnd.choice(sorted(open_cases))
            open_goals = sorted(g for c, g in goals if c == case)
            pick = rnd.random()
            if pick < 0.15:
                kind = "contact"
                fields = {"hours": rnd.choice([0, 0.5, 1, 1.5, 2, 2.5])}
            elif pick < 0.3:
                kind = "review_held"
                if rnd.random() < 0.3:
                    fields = {"next_review": (day + datetime.timedelta(days=rnd.randrange(0, 40))).isoformat()}
            elif pick < 0.5:
                kind = "goal_due"
                goal = rnd.choice(["G1", "G2", "G3"])
                goals[(case, goal)] = True
                fields = {"goal": goal, "due": (day + datetime.timedelta(days=rnd.randrange(-5, 60))).isoformat()}
            elif pick < 0.65 and open_goals:
                kind = rnd.choice(["goal_achieved", "goal_evaluated"])
                goal = rnd.choice(open_goals)
                del goals[(case, goal)]
                fields = {"goal": goal} | ({"achieved": rnd.random() < 0.5} if kind == "goal_evaluated" else {})
            elif pick < 0.8:
                kind = rnd.choice(["assessed", "plan_agreed", "hospitalised"])
                if kind == "plan_agreed":
                    agreed = rnd.random()
                    if agreed < 0.25:
                        fields = {"review_on": (day + datetime.timedelta(days=rnd.randrange(0, 60))).isoformat()}
                    elif agreed < 0.5:
                        fields = {"interval_days": rnd.choice([7, 14, 30])}
                    elif agreed < 0.65:
                        fields = {"cadence": "team"}
            else:
                kind = "closed"
                del open_cases[case]
                for key in [k for k in goals if k[0] == case]:
                    del goals[key]
                reason = rnd.choice(reasons)
                fields = {"reason": reason} if reason else {}
            fields["case"] = case
        dates = {
            k: datetime.date.fromisoformat(v)
            for k in ("due", "review_on", "next_review")
            if isinstance(v := fields.pop(k, None), str)
        }
        yield Event(kind, day, seq, seq, **dates, **fields)  # type: ignore[arg-type]
