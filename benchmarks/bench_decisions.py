"""Single eligibility decision with its trace: ccm_rules `decide()` against the engines a user might pick instead.

Engines, all in the same run and interleaved round by round (the machine is shared and noisy):

- ``ours``    — `decide()`: validated facts, three-valued criteria, outcome and open questions, frozen
                 `Decision` (each criterion's trace is built on its first read, here never);
- ``ours+tr`` — the same with every criterion's trace read, so built;
- ``bound``   — `bench_bound.py`'s eligibility decision written out by hand with its eager trace (on
                 records without domains, which it does not handle, `ours+tr`);
- ``floor``   — a hand-written Python function returning outcome and failed/unknown criteria (no trace);
- ``zen``     — GoRules zen-engine: the same rules as a JDM graph (expression node for the four
                 three-valued criteria, decision table for the outcome), `evaluate(..., {"trace": True})`;
- ``durable`` — durable-rules `Host.post`: one event per decision, outcome rules with a Python action;
                 durable-rules cannot iterate the domain map, so the domain counts are computed in
                 Python before posting (included in its time).

Facts come from a pool of realistic intake records (15 life domains with some unassessed, ~10 %
unknown answers). ``--fresh`` makes every decision's facts new (no repeated record), which is the
worst case for our trace memo. Every engine's outcome is checked against ours on the pool.

Run: python benchmarks/bench_decisions.py [--rounds 5] [--n 20000] [--fresh]
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from ccm_rules import decide
from ccm_rules.engine._pack import default_pack

ON = datetime.date(2027, 1, 1)
PACK = default_pack()
RULESET = PACK.ruleset("eligibility")
VOCAB = RULESET.vocabularies["life_domains"]
PARAMS = {name: use.value for name, use in RULESET.params_at(ON).items()}
CODES = VOCAB.codes
HOLISTIC = tuple(PARAMS["holistic_domains"])


def make_facts(rnd: random.Random) -> dict[str, Any]:
    """One realistic intake record; None means not yet known."""
    statuses = ("no_need", "met_need", "unmet_need", "not_assessed")
    domains = {c: rnd.choices(statuses, (5, 2, 3, 1))[0] for c in CODES if rnd.random() < 0.8}

    def maybe(value: Any) -> Any:
        return None if rnd.random() < 0.1 else value

    return {
        "domains": domains,
        "services_needed": maybe(rnd.randrange(0, 6)),
        "chronic_condition": maybe(rnd.random() < 0.6),
        "expected_duration_months": maybe(rnd.choice((3, 6, 12, 24, 36))),
        "ongoing_coordination_needed": maybe(rnd.random() < 0.7),
        "referral_only": maybe(rnd.random() < 0.2),
    }


# ---------------------------------------------------------------- the floor: hand-written Python


def _k_and(*vs: bool | None) -> bool | None:
    return False if False in vs else None if None in vs else True


def _k_or(*vs: bool | None) -> bool | None:
    return True if True in vs else None if None in vs else False


def floor_criteria(facts: dict[str, Any], held: bool = False) -> dict[str, bool | None]:
    """E1-E4 of the eligibility rules, three-valued, written by hand; `held`: E2's provisional facts read as unknown."""
    p = PARAMS
    domains = facts.get("domains")
    get = (lambda name: None) if held else facts.get
    if domains is None:
        count = e2 = None
    else:
        sure = sum(1 for c in CODES if domains.get(c) in ("met_need", "unmet_need"))
        maybe = sure + sum(1 for c in CODES if domains.get(c, "not_assessed") == "not_assessed")
        need = p["min_domains_with_need"]
        count = True if sure >= need else False if maybe < need else None
        e2 = all(domains.get(c, "not_assessed") != "not_assessed" for c in HOLISTIC)
    services = get("services_needed")
    e1 = _k_or(count, None if services is None else services >= p["min_services"])
    chronic, months = get("chronic_condition"), get("expected_duration_months")
    long_term = None if months is None else months >= p["long_term_months"]
    known = None if held else months is not None
    e3 = _k_or(long_term, _k_and(None if known is None else not known, None if chronic is None else chronic is True))
    ongoing, referral = get("ongoing_coordination_needed"), get("referral_only")
    e4 = _k_and(None if ongoing is None else ongoing is True, None if referral is None else referral is False)
    return {"E1": e1, "E2": e2, "E3": e3, "E4": e4}


def floor(facts: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    """Outcome, failed and unknown criteria of the eligibility rules, written by hand (no trace, no validation)."""
    criteria = floor_criteria(facts)
    failed = [k for k, v in criteria.items() if v is False]
    unknown = [k for k, v in criteria.items() if v is None]
    if not failed and not unknown:
        return "eligible", failed, unknown
    firm = (
        floor_criteria(facts, held=True) if criteria["E2"] is not True else criteria
    )  # E2 not met: its provisional facts held
    if any(criteria[k] is False and firm[k] is False for k in ("E1", "E3", "E4")):
        return "not_eligible", failed, unknown
    return "undetermined", failed, unknown


# ---------------------------------------------------------------- zen-engine (JDM)


def zen_decision() -> Any:
    import zen

    p = PARAMS
    n, need, services, months = len(CODES), p["min_domains_with_need"], p["min_services"], p["long_term_months"]
    holistic = "[" + ", ".join(f"'{c}'" for c in HOLISTIC) + "]"
    exprs = {
        "sure": "domains == null ? null : len(filter(values(domains), # == 'met_need' or # == 'unmet_need'))",
        "maybe": f"domains == null ? null : $.sure + {n} - len(filter(values(domains), # != 'not_assessed'))",
        "count_ok": f"$.sure == null ? null : ($.sure >= {need} ? true : ($.maybe < {need} ? false : null))",
        "services_ok": f"services_needed == null ? null : services_needed >= {services}",
        "e1": "$.count_ok == false or $.services_ok == false ? false : ($.count_ok == true and $.services_ok == true ? true : null)",
        "e2": f"domains == null ? null : len(filter({holistic}, domains[#] != null and domains[#] != 'not_assessed')) == {len(HOLISTIC)}",
        "e3": (
            f"chronic_condition == true or (expected_duration_months != null and expected_duration_months >= {months}) ? true : "
            "(chronic_condition == null or expected_duration_months == null ? null : false)"
        ),
        "e4": (
            "ongoing_coordination_needed == false or referral_only == true ? false : "
            "(ongoing_coordination_needed == true and referral_only == false ? true : null)"
        ),
    }
    expressions = [{"id": f"x{i}", "key": k, "value": v} for i, (k, v) in enumerate(exprs.items())]
    rows = [
        ("true", "true", "true", "true", "eligible"),
        ("false", "", "", "", "not_eligible"),
        ("", "", "false", "", "not_eligible"),
        ("", "", "", "false", "not_eligible"),
        ("", "", "", "", "undetermined"),
    ]
    inputs = [{"id": f"i{k}", "name": k.upper(), "field": k} for k in ("e1", "e2", "e3", "e4")]
    rules = [
        {
            "_id": f"r{i}",
            **{f"i{k}": cell for k, cell in zip(("e1", "e2", "e3", "e4"), row[:4], strict=True)},
            "o": f"'{row[4]}'",
        }
        for i, row in enumerate(rows)
    ]
    pos = {"x": 0, "y": 0}
    jdm = {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "facts", "position": pos},
            {
                "id": "crit",
                "type": "expressionNode",
                "name": "criteria",
                "position": pos,
                "content": {"expressions": expressions},
            },
            {
                "id": "tab",
                "type": "decisionTableNode",
                "name": "outcome",
                "position": pos,
                "content": {
                    "hitPolicy": "first",
                    "inputs": inputs,
                    "outputs": [{"id": "o", "name": "outcome", "field": "outcome"}],
                    "rules": rules,
                },
            },
            {"id": "out", "type": "outputNode", "name": "out", "position": pos},
        ],
        "edges": [
            {"id": f"e{i}", "sourceId": a, "targetId": b, "type": "edge"}
            for i, (a, b) in enumerate((("in", "crit"), ("crit", "tab"), ("tab", "out")))
        ],
    }
    decision = zen.ZenEngine().create_decision(json.dumps(jdm))
    return lambda facts: decision.evaluate(facts, {"trace": True})["result"]["outcome"]


# ---------------------------------------------------------------- durable-rules


def durable_decision() -> Any:
    from durable import engine as de

    found: list[str] = []

    def record(outcome: str) -> Callable[[Any], None]:
        return lambda c: found.append(outcome)

    no = [{"$and": [{f"e{k}": False}, {f"e{k}_firm": False}]} for k in (1, 3, 4)]
    definition = {
        "elig": {
            "eligible": {
                "all": [{"m": {"$and": [{"e1": True}, {"e2": True}, {"e3": True}, {"e4": True}]}}],
                "run": record("eligible"),
            },
            "not_eligible": {"all": [{"m": {"$or": no}}], "run": record("not_eligible")},
        }
    }

    class Host(de.Host):
        def _run(self) -> None:  # no background dispatch threads
            pass

    host = Host(definition)

    def run(facts: dict[str, Any]) -> str:
        # durable-rules has no aggregation over a map: the three-valued criterion values are prepared
        # in Python (as a user would have to; E2's provisional facts too) and the engine matches the outcome rules on them.
        criteria = floor_criteria(facts)
        firm = floor_criteria(facts, held=True) if criteria["E2"] is not True else criteria
        message: dict[str, Any] = {"sid": "0", **{k.lower(): v for k, v in criteria.items() if v is not None}}
        message |= {f"{k.lower()}_firm": v for k, v in firm.items() if v is not None}
        found.clear()
        try:
            host.post("elig", message)
        except de.MessageNotHandledException:
            return "undetermined"
        return found[0] if found else "undetermined"

    return run


# ---------------------------------------------------------------- measuring


def measure(
    fn: Callable[[dict[str, Any]], Any], pool: list[dict[str, Any]], n: int, timed: list[dict[str, Any]]
) -> tuple[float, float]:
    """(decisions per second over n calls from `pool`, median µs of single timed calls on `timed`)."""
    size = len(pool)
    start = time.perf_counter()
    for i in range(n):
        fn(pool[i % size])
    rate = n / (time.perf_counter() - start)
    samples = []
    clock = time.perf_counter_ns
    for facts in timed:
        t0 = clock()
        fn(facts)
        samples.append(clock() - t0)
    return rate, statistics.median(samples) / 1000


def _outcome(engine: str, answer: Any) -> str:
    """An engine's answer as an outcome text."""
    if engine == "floor":
        return str(answer[0])
    if engine in ("ours+tr", "bound"):
        return str(answer.outcome.value)
    return str(answer)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, default=20_000, help="decisions per engine per round")
    parser.add_argument("--pool", type=int, default=2_000, help="distinct fact records cycled through")
    parser.add_argument("--fresh", action="store_true", help="every decision gets a record never seen before")
    args = parser.parse_args()
    rnd = random.Random(7)
    pool = [make_facts(rnd) for _ in range(args.n if args.fresh else args.pool)]

    ruleset = RULESET

    def traced(facts: dict[str, Any]) -> Any:
        decision = decide(ruleset, facts, ON)
        for criterion in decision.criteria:
            criterion.trace  # noqa: B018 - the first read builds it
        return decision

    from bench_bound import bound_decision

    bound = bound_decision()
    engines: dict[str, Callable[[dict[str, Any]], Any]] = {
        "ours": lambda f: decide(ruleset, f, ON),
        "ours+tr": traced,
        "bound": lambda f: bound(f) if f.get("domains") is not None else traced(f),
        "floor": floor,
    }
    for name, make in (("zen", zen_decision), ("durable", durable_decision)):
        try:
            engines[name] = make()
        except ImportError as err:
            print(f"{name}: not installed ({err}); skipped")

    ours = {i: decide(ruleset, f, ON).outcome.value for i, f in enumerate(pool[:2000])}
    for name, fn in engines.items():
        if name == "ours":
            continue
        agree = sum(_outcome(name, fn(f)) == ours[i] for i, f in enumerate(pool[:2000]))
        print(f"{name}: agrees with ours on {agree}/{len(ours)} records")

    results: dict[str, list[tuple[float, float]]] = {name: [] for name in engines}
    for round_ in range(args.rounds):
        if args.fresh:  # new records every round, so nothing was seen before
            pool = [make_facts(rnd) for _ in range(args.n)]
        # single calls are timed on records new to the round too (fresh), or from the pool
        timed = (
            [make_facts(rnd) for _ in range(3000)] if args.fresh else [pool[(i * 7) % len(pool)] for i in range(3000)]
        )
        order = list(engines)
        rnd.shuffle(order)
        for name in order:
            results[name].append(measure(engines[name], pool, args.n, timed))
        print(f"round {round_ + 1}: " + ", ".join(f"{n} {results[n][-1][0]:,.0f}/s" for n in engines))
    print(
        f"\n{'engine':<8} {'decisions/s (median of rounds)':>31} {'median µs':>10} {'ours ÷ engine':>14} {'ours+tr ÷ engine':>17}"
    )
    ours_rate = statistics.median(r for r, _ in results["ours"])
    traced_rate = statistics.median(r for r, _ in results["ours+tr"])
    for name, runs in results.items():
        rate = statistics.median(r for r, _ in runs)
        latency = statistics.median(m for _, m in runs)
        print(f"{name:<8} {rate:>31,.0f} {latency:>10.1f} {ours_rate / rate:>14.2f} {traced_rate / rate:>17.2f}")
    print(
        f"\npython {sys.version.split()[0]}, {'fresh records' if args.fresh else f'pool of {args.pool} records'}, {args.rounds} rounds × {args.n}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
