"""Typed entry points for the eligibility rulesets (general CM and labour-market CM).

The facts classes mirror the facts declared in `rules/eligibility.yaml` and
`rules/labour_market.yaml` (a test keeps them in step); plain dicts work too.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from ..engine import Decision, RulePack, decide, default_pack, facts_mapping

DomainStatus = Literal["no_need", "met_need", "unmet_need", "not_assessed"]


@attrs.frozen
class EligibilityFacts:
    """What an intake worker knows about one person; `None` means not yet known."""

    domains: dict[str, DomainStatus] | None = None
    services_needed: int | None = None
    chronic_condition: bool | None = None
    expected_duration_months: float | None = None
    ongoing_coordination_needed: bool | None = None
    referral_only: bool | None = None


@attrs.frozen
class LabourMarketFacts:
    """Facts for labour-market case management (seed 002); `None` means not yet known."""

    age: int | None = None
    employed: bool | None = None
    in_education: bool | None = None
    cannot_manage_labour_market_role: bool | None = None
    can_become_capable: bool | None = None
    individual_plan: str | None = None
    individual_plan_records_steps: bool | None = None
    entry_route: str | None = None
    low_education: bool | None = None
    completed_grades: int | None = None
    has_vocational_qualification: bool | None = None
    qualification_outdated: bool | None = None
    long_term_unemployed: bool | None = None
    changed_working_capacity: bool | None = None
    returning_from_parental_leave: bool | None = None


def assess_eligibility(
    facts: EligibilityFacts | Mapping[str, Any],
    *,
    as_of: datetime.date | None = None,
    pack: RulePack | None = None,
) -> Decision:
    """Does this person need case management? Eligible, not eligible or undetermined.

    No refusal before the assessment is holistic (seed 001 §2): a simple referral refuses
    only once the core life domains have been assessed.

    >>> facts = {"referral_only": True, "ongoing_coordination_needed": False}
    >>> assess_eligibility(facts).outcome.value  # which domains were assessed is not known
    'undetermined'
    >>> core = ["physical_health", "mental_health", "housing", "daily_living", "finances", "work", "social_relationships", "leisure"]
    >>> assess_eligibility({**facts, "domains": dict.fromkeys(core, "no_need")}).outcome.value
    'not_eligible'
    """
    return decide((pack or default_pack()).ruleset("eligibility"), facts_mapping(facts), as_of)


def assess_labour_market(
    facts: LabourMarketFacts | Mapping[str, Any],
    *,
    as_of: datetime.date | None = None,
    pack: RulePack | None = None,
) -> Decision:
    """Is labour-market case management (seed 002) indicated for this person?"""
    return decide((pack or default_pack()).ruleset("labour_market"), facts_mapping(facts), as_of)
