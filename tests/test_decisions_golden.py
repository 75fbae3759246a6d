"""Decisions stay byte-identical across engine refactors: `to_json` over a recorded corpus.

The corpus is generated from every shipped ruleset's declared facts by a seeded generator
(valid values, values on and around every numeric parameter, unknowns, partly assessed
domains), decided on three dates, and each decision's `to_json` is hashed. The digests in
`tests/data/decisions_golden.json` (of the JSON without its `pack`, which names the rule
files' version and hash, not the evaluator) were recorded with the evaluator of commit 632424b (the
tree-walking, eagerly traced one), before issue 17 replaced it by a per-ruleset generated
evaluator with a lazy trace; this test holds the new one to the old one's every byte.

Re-record (only for an intended decision change, named in the CHANGELOG):
`python -m tests.test_decisions_golden`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import pickle
import random
from pathlib import Path
from typing import Any

import pytest

from ccm_rules import Decision, FactsError, RulePack, decide, to_json, to_json_data
from ccm_rules.engine._pack import Ruleset
from ccm_rules.engine._spec import FactSpec

from .conftest import RULES

PACK = RulePack.load(RULES)
GOLDEN = Path(__file__).parent / "data" / "decisions_golden.json"
DATES = (datetime.date(2026, 11, 1), datetime.date(2027, 1, 1), datetime.date(2028, 3, 1))
PER_RULESET = 400


def _numbers(ruleset: Ruleset) -> list[float]:
    """Every numeric parameter value of the ruleset and its neighbours (the thresholds to cross)."""
    found: set[float] = set()
    for parameter in ruleset.spec.parameters.values():
        for value in parameter.values:
            if isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
                found |= {value.value - 1, value.value - 0.5, value.value, value.value + 1}
    return sorted(found)


def _value(rnd: random.Random, spec: FactSpec, ruleset: Ruleset, numbers: list[float]) -> Any:
    if spec.type == "boolean":
        return rnd.random() < 0.5
    if spec.type in ("integer", "number"):
        low = spec.min if spec.min is not None else -5
        high = spec.max if spec.max is not None else 700
        pool = [n for n in (*numbers, low, high) if low <= n <= high]
        value = rnd.choice(pool) if pool and rnd.random() < 0.7 else rnd.uniform(low, min(high, low + 100))
        if spec.type == "integer":
            return int(value)
        return float(value) if rnd.random() < 0.5 else round(value)
    if spec.type == "enum":
        return rnd.choice(spec.values or ["?"])
    if spec.type == "date":
        return datetime.date(2026, 1, 1) + datetime.timedelta(days=rnd.randrange(0, 900))
    vocabulary = ruleset.vocabularies[spec.vocabulary or ""]
    return {code: rnd.choice(vocabulary.statuses) for code in vocabulary.codes if rnd.random() < 0.8}


def corpus(ruleset: Ruleset, n: int = PER_RULESET) -> list[dict[str, Any]]:
    """`n` fact records for `ruleset`, the same on every run (seeded by the ruleset's id)."""
    rnd = random.Random(f"golden:{ruleset.id}")
    numbers = _numbers(ruleset)
    records = []
    for _ in range(n):
        unknown = rnd.choice((0.0, 0.1, 0.3, 0.7))
        record = {
            name: _value(rnd, spec, ruleset, numbers)
            for name, spec in ruleset.spec.facts.items()
            if rnd.random() >= unknown
        }
        records.append(record)
    return records


def _text(decision: Decision) -> str:
    """`to_json(decision)` without the pack's identity."""
    data = to_json_data(decision)
    del data["pack"]
    return json.dumps(data, ensure_ascii=False, indent=2)


def digests() -> dict[str, list[str]]:
    """Per ruleset, the sha256 of each corpus decision's `to_json` on each date (or of its error)."""
    out: dict[str, list[str]] = {}
    for ruleset_id in sorted(PACK.rulesets):
        ruleset = PACK.ruleset(ruleset_id)
        found = []
        for index, facts in enumerate(corpus(ruleset)):
            on = DATES[index % len(DATES)]
            try:
                text = _text(decide(ruleset, facts, on))
            except FactsError as err:
                text = f"FactsError {err}"
            found.append(hashlib.sha256(text.encode()).hexdigest()[:16])
        out[ruleset_id] = found
    return out


@pytest.mark.parametrize("ruleset_id", sorted(PACK.rulesets))
def test_decisions_are_byte_identical_to_the_recorded_ones(ruleset_id: str) -> None:
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))[ruleset_id]
    ruleset = PACK.ruleset(ruleset_id)
    records = corpus(ruleset)
    assert len(recorded) == len(records)
    for index, facts in enumerate(records):
        on = DATES[index % len(DATES)]
        for _ in range(2):  # a second decision on the same record: nothing kept between decisions changes it
            try:
                text = _text(decide(ruleset, facts, on))
            except FactsError as err:
                text = f"FactsError {err}"
            assert hashlib.sha256(text.encode()).hexdigest()[:16] == recorded[index], (index, facts, on)


def test_the_corpus_reaches_every_outcome_and_status() -> None:
    """The corpus is worth recording: across the pack it has every outcome and criterion status."""
    outcomes: set[str] = set()
    statuses: set[str] = set()
    for ruleset_id in sorted(PACK.rulesets):
        ruleset = PACK.ruleset(ruleset_id)
        for facts in corpus(ruleset, 100):
            decision = decide(ruleset, facts, DATES[1])
            outcomes.add(decision.outcome.value)
            statuses |= {c.status.value for c in decision.criteria}
    assert outcomes == {"eligible", "not_eligible", "undetermined"}
    assert statuses == {"met", "not_met", "unknown"}


def test_a_decision_pickles_and_compares_equal_to_its_copy() -> None:
    ruleset = PACK.ruleset("eligibility")
    for facts in corpus(ruleset, 50):
        decision = decide(ruleset, facts, DATES[1])
        again = pickle.loads(pickle.dumps(decision))
        assert again == decision
        assert to_json(again) == to_json(decision)
        assert hash(again) == hash(decide(ruleset, facts, DATES[1])) if _hashable(decision) else True


def _hashable(decision: Any) -> bool:
    try:
        hash(decision)
    except TypeError:
        return False
    return True


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(digests(), indent=0) + "\n", encoding="utf-8")
    print(f"recorded {GOLDEN}")
