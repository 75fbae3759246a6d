"""The monitoring rule data compiled to a durable-rules ruleset definition (JSON-able, no code).

Each alert check of `rules/monitoring.yaml` becomes one or more durable-rules rules:

- time-based checks (review overdue, goal past due) join a `tick` fact with the
  `review` and `goal` facts of the open cases: `tick.on > due`, within the same due-date
  bucket `b` (an equality the engine hash-joins on, so a tick visits only the facts of
  its bucket; the adapter asserts one tick per bucket that can hold an overdue date).
  The date test sits in a one-item `$or` to keep clear of a durable-rules 2.0.28 bug:
  when the last test of a join's `$and` fails, the engine skips past the end marker of
  the rule's expression list and reads on through memory that is not its own (valgrind
  shows it; a small ruleset can crash on it). The equality comes first, so the engine
  still hashes the join on it;
- closure checks match a `closed` event on the care models the rule data name (models
  that never end; models that end only for listed reasons, with the reason absent or
  not among them);
- the caseload check matches a `caseload` event whose `clients` exceed the `norm` the
  adapter attaches (the model's `team_norms` value in force on the event's day);
- the hours check matches a `contact` event of a model with an hours limit whose week's
  total `after` it exceeds the `limit` while the total `before` it did not (so each
  client-week over the limit alerts once, at the contact that takes it over).

Dates travel as day numbers (`date.toordinal()`), so the engine compares integers.
"""

from __future__ import annotations

from typing import Any

from ccm_rules.monitoring import Monitoring

Definition = dict[str, dict[str, Any]]


def _one_of(field: str, values: list[str]) -> dict[str, Any]:
    tests = [{field: value} for value in values]
    return tests[0] if len(tests) == 1 else {"$or": tests}


def _tick_after(name: str) -> dict[str, Any]:
    """A tick in the same due-date bucket as fact `name`, dated after its due date."""
    return {"tk": {"$and": [{"t": "tick"}, {"b": {name: "b"}}, {"$or": [{"$gt": {"on": {name: "due"}}}]}]}}


def compile_ruleset(monitoring: Monitoring) -> Definition:
    """One durable-rules rule per check (per model for closure reasons), named `<alert id>[.<model>]`."""
    rules: Definition = {}
    alerts = monitoring.alerts
    rules[alerts["review_overdue"].id] = {"all": [{"k": {"t": "review"}}, _tick_after("k")]}
    rules[alerts["goal_overdue"].id] = {"all": [{"g": {"t": "goal"}}, _tick_after("g")]}
    with_norm = [m.code for m in monitoring.models.values() if m.caseload_norm is not None]
    if with_norm:
        rules[alerts["caseload_above_norm"].id] = {
            "all": [
                {"m": {"$and": [{"t": "caseload"}, _one_of("model", with_norm), {"$gt": {"clients": {"$m": "norm"}}}]}}
            ]
        }
    with_hours = [m.code for m in monitoring.models.values() if m.hours_norm is not None]
    if with_hours:
        rules[alerts["hours_above_limit"].id] = {
            "all": [
                {
                    "m": {
                        "$and": [
                            {"t": "contact"},
                            _one_of("model", with_hours),
                            {"$lte": {"before": {"$m": "limit"}}},
                            {"$gt": {"after": {"$m": "limit"}}},
                        ]
                    }
                }
            ]
        }
    never = [m.code for m in monitoring.models.values() if m.ending == "never"]
    if never:
        rules[alerts["never_ending_closed"].id] = {"all": [{"m": {"$and": [{"t": "closed"}, _one_of("model", never)]}}]}
    for model in monitoring.models.values():
        if model.ending != "with_reason":
            continue
        tests: list[dict[str, Any]] = [{"t": "closed"}, {"model": model.code}]
        if model.closure_reasons:  # with no listed reason, every closure of the model alerts
            not_listed = {"$and": [{"$neq": {"reason": r}} for r in model.closure_reasons]}
            tests.append({"$or": [{"$nex": {"reason": 1}}, not_listed]})
        rules[f"{alerts['closure_without_reason'].id}.{model.code}"] = {"all": [{"m": {"$and": tests}}]}
    return rules
