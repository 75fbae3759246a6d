"""Properties of readiness scoring: scores stay in range, answering an unknown item never
lowers the items in place, and the variant choice is deterministic."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccm_rules import RulePack
from ccm_rules._readiness import assess_readiness
from ccm_rules._readiness_region import Region, factor_catalogue

from .conftest import RULES

PACK = RulePack.load(RULES)
PIONEER = [i.id for f in factor_catalogue(PACK).factors for i in f.pioneer if not i.lead_in]
ATTENTION = [i.id for f in factor_catalogue(PACK).factors for i in f.attention]
ON = datetime.date(2026, 11, 1)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

answers = st.sampled_from(["yes", "partly", "no"])
pioneer = st.dictionaries(st.sampled_from(PIONEER), answers, max_size=len(PIONEER))
risks = st.dictionaries(st.sampled_from(ATTENTION), answers, max_size=8)
starting = st.fixed_dictionaries(
    {},
    optional={
        "prior_ccm_experience": st.sampled_from(["yes", "no"]),
        "sensitisation_needed": st.sampled_from(["yes", "no"]),
        "awareness": answers,
        "existing_network": answers,
        "needs_data": answers,
    },
)
hosts = st.none() | st.sampled_from(["independent_organisation", "authority", "local_hospital", "mobile_care_provider", "other_provider"])


def region(p: dict[str, str], r: dict[str, str], s: dict[str, str], host: str | None = None) -> Region:
    return Region("generated.yaml", "G", ON, starting=s, host=host, pioneer=p, risks=r)


@SETTINGS
@given(pioneer, risks, starting)
def test_scores_stay_in_range(p: dict[str, str], r: dict[str, str], s: dict[str, str]) -> None:
    result = assess_readiness(region(p, r, s), pack=PACK)
    for f in result.factors:
        assert 0.0 <= f.share <= f.share_max <= 1.0
        assert 0.0 <= f.in_place <= f.items
        assert f.yes + f.partly + f.no + f.unknown == f.items
    o = result.overall
    assert 0.0 <= o.share <= o.share_max <= 1.0
    assert o.items == len(PIONEER) and o.unknown == len(PIONEER) - len(p)
    assert o.level in ("low", "medium", "high", "undetermined")


@SETTINGS
@given(pioneer, st.data())
def test_answering_an_unknown_item_never_lowers_items_in_place(p: dict[str, str], data: st.DataObject) -> None:
    unknown = [i for i in PIONEER if i not in p]
    if not unknown:
        return
    item = data.draw(st.sampled_from(unknown))
    answer = data.draw(answers)
    before = assess_readiness(region(p, {}, {}), pack=PACK)
    after = assess_readiness(region({**p, item: answer}, {}, {}), pack=PACK)
    assert after.overall.in_place >= before.overall.in_place
    assert after.overall.unknown == before.overall.unknown - 1
    assert before.overall.share <= after.overall.share <= after.overall.share_max <= before.overall.share_max
    for b, a in zip(before.factors, after.factors, strict=True):
        assert a.in_place >= b.in_place
        assert b.share <= a.share and a.share_max <= b.share_max


@SETTINGS
@given(pioneer, risks, starting, hosts)
def test_variant_choice_is_deterministic(p: dict[str, str], r: dict[str, str], s: dict[str, str], host: str | None) -> None:
    first = assess_readiness(region(p, r, s, host), pack=PACK)
    again = assess_readiness(region(dict(reversed(list(p.items()))), r, dict(reversed(list(s.items()))), host), pack=PACK)
    assert first == again
    experience, sensitise = s.get("prior_ccm_experience"), s.get("sensitisation_needed")
    if experience == "no" or sensitise == "yes":
        assert (first.variant, first.variant_determined) == ("maximum", True)
    elif experience == "yes" and sensitise == "no":
        assert (first.variant, first.variant_determined) == ("minimum", True)
    else:
        assert (first.variant, first.variant_determined) == ("maximum", False)
    if first.variant == "maximum":
        assert all(f.selected for f in first.factors)
