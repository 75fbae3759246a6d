"""The trace memo keeps what comes back and nothing else, within its bound."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from ccm_rules import RulePack, decide
from ccm_rules.engine._memo import Memo

from .conftest import RULES

ON = datetime.date(2027, 1, 1)


@given(st.lists(st.tuples(st.integers(0, 40), st.integers()), max_size=300), st.integers(1, 16))
def test_a_memo_returns_only_what_was_kept_and_stays_bounded(steps: list[tuple[int, int]], size: int) -> None:
    memo = Memo(size)
    kept: dict[int, int] = {}
    misses: dict[int, int] = {}
    for key, value in steps:
        found = memo.get(key)
        if found is not None:
            assert found == kept[key]
            continue
        misses[key] = misses.get(key, 0) + 1
        assert memo.keep(key, value) == value
        if key in memo._entries:
            kept[key] = value
            assert misses[key] >= 2  # never kept on its first miss
        assert len(memo) <= size


def test_a_key_is_kept_on_its_second_miss() -> None:
    memo = Memo(4)
    memo.keep(("a", 1), "first")
    assert memo.get(("a", 1)) is None
    memo.keep(("a", 1), "second")
    assert memo.get(("a", 1)) == "second"
    memo.clear()
    assert memo.get(("a", 1)) is None and len(memo) == 0


def test_records_seen_once_leave_the_memos_empty_and_repeated_traces_are_served_from_them() -> None:
    """New records must not fill the trace memos (the garbage collector would scan every entry);
    a trace read again for the same reading is the same frozen object."""
    ruleset = RulePack.load(RULES).ruleset("eligibility")
    codes = ruleset.vocabularies["life_domains"].codes
    records = [
        {
            "domains": {code: ("unmet_need" if (i >> n) & 1 else "no_need") for n, code in enumerate(codes)},
            "services_needed": i % 7,
        }
        for i in range(300)
    ]
    memos = ruleset.evaluator.memos
    assert memos  # E2's quantifier (8 holistic domains) and the quantifier-free E3 and E4
    untouched = [decide(ruleset, facts, ON) for facts in records]
    assert all(len(memo) == 0 for memo in memos)  # traces not read are never built
    for decision in untouched:
        decision.criteria[0].trace  # noqa: B018 - read: E1's trace is built now
    assert all(len(memo) == 0 for memo in memos)  # E1 counts over 15 domains: no memo, its readings rarely repeat

    repeated = {"domains": dict.fromkeys(codes, "met_need"), "chronic_condition": True}
    first, second, third = (decide(ruleset, repeated, ON).criterion("E3").trace for _ in range(3))
    assert first == second == third
    assert third is second  # the second miss kept it; the third is a look-up
    assert first is not second
    again = decide(ruleset, records[0], ON).criteria[0].trace
    assert again == untouched[0].criteria[0].trace and again is not untouched[0].criteria[0].trace
