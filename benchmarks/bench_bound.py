"""How fast can a traced decision on a record never seen before be, in CPython? A bound, measured.

`bench_decisions.py --fresh` measures `decide()` on new records. This script measures, in the
same run, the best a pure-Python design with our decision objects could do: the eligibility
ruleset written out by hand as straight-line code (no generic node walk), building the same
frozen `Decision`, criterion results and trace nodes as `decide()`, and memoising only what a
new record does not change (the results of E2–E4, whose readings repeat). It is checked equal
to `decide()` on 3,000 records before it is timed. It is not product code: it hard-codes one
ruleset, and exists only to show where the floor under our design lies.

Rows, per decision on new records (median of rounds, interleaved):
- ``floor``  — hand-written Python, outcome and failed/unknown ids, no trace (`bench_decisions.floor`);
- ``bound``  — the hand-specialised traced decision described above;
- ``ours``   — `decide()`.

Run: python benchmarks/bench_bound.py [--rounds 5] [--n 20000]
"""

from __future__ import annotations

import argparse
import operator
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from bench_decisions import ON, RULESET, floor, make_facts

from ccm_rules import decide
from ccm_rules.engine._decision import (
    CriterionResult,
    Decision,
    FactUse,
    Outcome,
    Status,
    TraceNode,
)
from ccm_rules.engine._evaluate import open_questions
from ccm_rules.engine._truth import Truth


def bound_decision() -> Callable[[dict[str, Any]], Decision]:
    """The eligibility ruleset as straight-line code, with the trace `decide()` builds, eagerly."""
    ruleset = RULESET
    params = ruleset.params_at(ON)
    e1, e2, e3, e4 = (criterion.node for criterion in ruleset.criteria)
    count, services = e1.children  # type: ignore[attr-defined]
    columns = count.columns
    assert columns is not None
    holistic = e2.columns_for(params["holistic_domains"].value)  # type: ignore[attr-defined]
    need = params["min_domains_with_need"]
    getitem = operator.getitem
    given = FactUse("domains", "given")
    truth = {True: Truth.TRUE, False: Truth.FALSE, None: Truth.UNKNOWN}
    status = {True: Status.MET, False: Status.NOT_MET, None: Status.UNKNOWN}
    check, info = ruleset.fast_facts.check, ruleset.pack_info
    compared: dict[Any, Any] = {}
    e2_memo: dict[Any, CriterionResult] = {}
    e3_memo: dict[Any, CriterionResult] = {}
    e4_memo: dict[Any, CriterionResult] = {}

    def traced(rule_id: str, role: str, node: Any, facts: dict[str, Any]) -> CriterionResult:
        value, trace = node.trace(facts, params)
        return CriterionResult(rule_id, status[value], role, trace)

    def bound(raw: dict[str, Any]) -> Decision:
        facts = check(raw)
        assert facts is not None
        get = facts.get
        domains, n_services = get("domains"), get("services_needed")
        assert domains is not None  # the bound reads the domains as given (so do the records timed)
        values = tuple(map(getitem, columns.values, map(domains.get, columns.codes)))
        sure = values.count(True)
        enough = True if sure >= need.value else False if sure + values.count(None) < need.value else None
        count_node = TraceNode(
            "count_gte", truth[enough], fact=given, param=need, items=tuple(map(getitem, columns.results, values))
        )
        found = compared.get((type(n_services), n_services))
        if found is None:
            found = compared[(type(n_services), n_services)] = services.trace(facts, params)
        served, services_node = found
        met = True if enough is True or served is True else None if enough is None or served is None else False
        r1 = CriterionResult(
            "E1", status[met], "required", TraceNode("any", truth[met], children=(count_node, services_node))
        )
        key2 = tuple(map(getitem, holistic.values, map(domains.get, holistic.codes)))
        r2 = e2_memo.get(key2)
        if r2 is None:
            r2 = e2_memo[key2] = traced("E2", "gate", e2, facts)
        chronic, months = get("chronic_condition"), get("expected_duration_months")
        key3 = (chronic, months, type(months))
        r3 = e3_memo.get(key3)
        if r3 is None:
            r3 = e3_memo[key3] = traced("E3", "required", e3, facts)
        key4 = (get("ongoing_coordination_needed"), get("referral_only"))
        r4 = e4_memo.get(key4)
        if r4 is None:
            r4 = e4_memo[key4] = traced("E4", "required", e4, facts)
        criteria = (r1, r2, r3, r4)
        questions: tuple[Any, ...] = ()
        if r1.status is r2.status is r3.status is r4.status is Status.MET:
            outcome = Outcome.ELIGIBLE
        elif r2.status is Status.MET and Status.NOT_MET in (r1.status, r3.status, r4.status):
            outcome = (
                Outcome.NOT_ELIGIBLE
            )  # with E2 not met, its provisional facts leave no required criterion firmly not met
        else:
            outcome, questions = Outcome.UNDETERMINED, open_questions(criteria)
        return Decision(ruleset.id, outcome, criteria, questions, facts, ON, info)

    return bound


def decide_traced(facts: dict[str, Any]) -> Decision:
    """`decide()`, then every criterion's trace read (so built): what the bound builds eagerly."""
    decision = decide(RULESET, facts, ON)
    for criterion in decision.criteria:
        criterion.trace  # noqa: B018 - the read builds it
    return decision


def rate(fn: Callable[[dict[str, Any]], Any], records: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    for facts in records:
        fn(facts)
    return len(records) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    rnd = random.Random(7)
    bound = bound_decision()
    # the bound assumes the domains are given (its count reads them); so do the records timed
    check = [f for f in (make_facts(rnd) for _ in range(3000)) if f["domains"] is not None]
    differ = sum(bound(f) != decide(RULESET, f, ON) for f in check)
    print(f"bound: equal to decide() on {len(check) - differ}/{len(check)} records")
    if differ:
        return 1
    engines = {"floor": floor, "bound": bound, "ours": lambda f: decide(RULESET, f, ON), "ours+trace": decide_traced}
    runs: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(args.rounds):
        records = [f for f in (make_facts(rnd) for _ in range(args.n)) if f["domains"] is not None]
        for name in rnd.sample(list(engines), len(engines)):
            runs[name].append(rate(engines[name], [dict(f) for f in records]))  # fresh dicts for each engine
    print(f"\n{'':<10} {'decisions/s':>12} {'µs each':>8} {'÷ floor':>8} {'÷ bound':>8}")
    floor_rate = statistics.median(runs["floor"])
    for name, rates in runs.items():
        median = statistics.median(rates)
        print(
            f"{name:<10} {median:>12,.0f} {1e6 / median:>8.1f} {median / floor_rate:>8.2f} {median / statistics.median(runs['bound']):>8.2f}"
        )
    print(f"\npython {sys.version.split()[0]}, new records, {args.rounds} rounds × ~{args.n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
