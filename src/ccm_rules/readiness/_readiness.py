"""Regional rollout readiness (seed 000): rollout variant, a score per key factor, overall
readiness, the phase plan, findings from the five success lessons, whether case management
is set up as a system in the region (seed 001 row 5) and ORIC means.

The variant, the phase plan's sensitisation step, the lesson findings and the system check
are rulesets decided by `decide()` (three-valued, with traces and questions); the factor
scores count Pioneer answers, keeping unknowns apart as a range, so an unanswered item is
never counted as *no*. First CCM experience decides the variant; the need to sensitise the
people involved shapes the phase plan, not the variant (DOMAIN.md §6). Every threshold is a
dated parameter of the pack's `readiness` parameter set. The result is language-neutral;
see `_readiness_explain` for the texts.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from statistics import fmean
from typing import Any, Literal

import attrs

from ..engine import Decision, Outcome, PackInfo, ParamUse, RulePack, decide, moved_to_keywords
from ._readiness_region import (
    LESSONS_RULESET,
    PHASES_RULESET,
    SYSTEM_RULESET,
    VARIANT_RULESET,
    Region,
    factor_catalogue,
    rollout_plan,
    survey_instrument,
)
from ._readiness_spec import FactorSpec

PARAMETER_SET = "readiness"
Level = Literal["low", "medium", "high", "undetermined"]
Variant = Literal["minimum", "maximum"]


@attrs.frozen
class FactorScore:
    """How far one key factor's Pioneer items are in place, and why it is selected.

    `share` counts unknown items as not in place (the sure lower bound); `share_max`
    counts them as in place (the upper bound). Both are in [0, 1].
    """

    factor: str
    items: int
    yes: int
    partly: int
    no: int
    unknown: int
    in_place: float
    share: float
    share_max: float
    open_items: tuple[str, ...]
    partly_items: tuple[str, ...]
    unknown_items: tuple[str, ...]
    risks_present: tuple[str, ...]
    risks_partly: tuple[str, ...]
    risks_absent: tuple[str, ...]
    risks_unknown: tuple[str, ...]
    selected: bool
    reasons: tuple[str, ...]


@attrs.frozen
class OverallReadiness:
    """All Pioneer items together, and the readiness level they put the region in."""

    items: int
    in_place: float
    unknown: int
    share: float
    share_max: float
    level: Level
    level_low_end: Level
    level_high_end: Level


@attrs.frozen
class PhaseFocus:
    """One phase of the plan and the factors it emphasises.

    `provisional` marks a step kept until a question is answered (the sensitisation step
    when it is not yet known whether the people involved must first be sensitised).
    """

    phase: str
    factors: tuple[str, ...]
    provisional: bool = False


@attrs.frozen
class SubscaleMean:
    """The mean of one survey subscale over the respondents who rated any of its items."""

    subscale: str
    mean: float | None
    respondents: int
    ratings: int
    missing: int


@attrs.frozen
class SurveyResult:
    """Survey means (ORIC); no verdict, because the instrument has no published cut-off."""

    instrument: str
    respondents: int
    subscales: tuple[SubscaleMean, ...]


@attrs.frozen
class ReadinessResult:
    """Everything the planner's report shows, language-neutral and deterministic."""

    region: str | None
    as_of: datetime.date
    variant: Variant
    variant_determined: bool
    variant_decision: Decision
    lessons_decision: Decision
    factors: tuple[FactorScore, ...]
    overall: OverallReadiness
    phases: tuple[PhaseFocus, ...]
    connection_points: tuple[str, ...]
    survey: SurveyResult | None
    parameters: tuple[ParamUse, ...]
    pack: PackInfo
    phases_decision: Decision | None = None
    """Must the phase plan open with sensitisation (ruleset readiness_phases)? None if the pack has no such ruleset."""
    system_decision: Decision | None = None
    """Is case management set up as a system in the region (ruleset readiness_system, seed 001 row 5)?"""

    def factor(self, factor_id: str) -> FactorScore:
        for score in self.factors:
            if score.factor == factor_id:
                return score
        raise KeyError(f"no key factor {factor_id!r}")


@moved_to_keywords("pack", "as_of")
def assess_readiness(
    region: Region, *, as_of: datetime.date | None = None, pack: RulePack | None = None
) -> ReadinessResult:
    """Assess one region: variant, factor scores, overall readiness, phases, lessons, survey.

    `as_of` defaults to the region's own `as_of`, else today; `pack` to the shipped pack.
    (`assess_readiness(region, pack, as_of)` by position still works, with a DeprecationWarning.)

    >>> import datetime
    >>> from ccm_rules import Region, assess_readiness
    >>> region = Region.from_mapping({"starting_situation": {"prior_ccm_experience": "no"}, "host": "local_hospital"})
    >>> result = assess_readiness(region, as_of=datetime.date(2027, 1, 4))
    >>> result.variant, result.variant_determined, result.overall.level
    ('maximum', True, 'undetermined')
    >>> result.lessons_decision.criterion("SL4H").status.value
    'not_met'
    >>> [p.phase for p in result.phases][:2]  # sensitisation not yet known: the step is kept
    ['sensitisation', 'initial']
    """
    if pack is None:
        from ..engine import default_pack

        pack = default_pack()
    on = as_of or region.as_of or datetime.date.today()
    params = pack.parameter_set(PARAMETER_SET).params_at(on)
    values = {name: use.value for name, use in params.items()}
    variant_decision = decide(pack.ruleset(VARIANT_RULESET), ruleset_facts(region.starting, pack, VARIANT_RULESET), on)
    lessons_decision = decide(pack.ruleset(LESSONS_RULESET), lesson_facts(region, pack), on)
    phases_decision = _decide_if_shipped(pack, PHASES_RULESET, region.starting, on)
    system_decision = _decide_if_shipped(pack, SYSTEM_RULESET, region.system, on)
    variant, determined = choose_variant(variant_decision, pack)
    plan = rollout_plan(pack)
    all_phases = {f for phase in plan.phases if phase.order is None for f in phase.emphasis}
    sensitise = sensitisation_step(phases_decision)
    step = plan.sensitisation if sensitise is not None else None
    sensitised = (set(step.emphasis) if step is not None else set(), sensitise)
    factors = tuple(
        score_factor(spec, region, values, variant, all_phases, sensitised) for spec in factor_catalogue(pack).factors
    )
    ordered = sorted(plan.phases, key=lambda p: (p.order is None, p.order or 0))
    phases = tuple(PhaseFocus(p.id, tuple(p.emphasis)) for p in ordered)
    if step is not None:
        phases = (PhaseFocus(step.id, tuple(step.emphasis), provisional=sensitise == "unknown"), *phases)
    return ReadinessResult(
        region=region.name,
        as_of=on,
        variant=variant,
        variant_determined=determined,
        variant_decision=variant_decision,
        lessons_decision=lessons_decision,
        factors=factors,
        overall=overall_readiness(factors, values),
        phases=phases,
        connection_points=region.connection_points,
        survey=survey_means(region.survey, pack) if region.survey is not None else None,
        parameters=tuple(params[name] for name in sorted(params)),
        pack=pack.info,
        phases_decision=phases_decision,
        system_decision=system_decision,
    )


def ruleset_facts(answers: Mapping[str, str], pack: RulePack, ruleset: str) -> dict[str, str]:
    """The answers a ruleset declares, sorted (unknowns are already left out of a region's answers)."""
    declared = pack.ruleset(ruleset).spec.facts
    return {k: v for k, v in sorted(answers.items()) if k in declared}


def variant_facts(region: Region, pack: RulePack) -> dict[str, str]:
    """The starting-situation answers the variant ruleset declares (unknowns left out)."""
    return ruleset_facts(region.starting, pack, VARIANT_RULESET)


def _decide_if_shipped(pack: RulePack, ruleset: str, answers: Mapping[str, str], on: datetime.date) -> Decision | None:
    """Decide a readiness ruleset the pack may not have (a pack written before it): None then."""
    if ruleset not in pack.rulesets:
        return None
    return decide(pack.ruleset(ruleset), ruleset_facts(answers, pack, ruleset), on)


def sensitisation_step(decision: Decision | None) -> Literal["needed", "unknown"] | None:
    """Whether the phase plan opens with sensitisation: needed, kept until answered (unknown), or not (None).

    Unknown is not no: while it is not known whether the people involved must first be
    sensitised, the step stays in the plan, marked provisional.
    """
    if decision is None or decision.outcome is Outcome.ELIGIBLE:
        return None
    return "needed" if decision.outcome is Outcome.NOT_ELIGIBLE else "unknown"


def lesson_facts(region: Region, pack: RulePack) -> dict[str, str]:
    """Lesson answers, the host and shared starting-situation answers (unknowns left out)."""
    declared = pack.ruleset(LESSONS_RULESET).spec.facts
    facts = {k: v for k, v in region.starting.items() if k in declared}
    facts.update(region.lessons)
    if region.host is not None:
        facts["host"] = region.host
    return dict(sorted(facts.items()))


def choose_variant(decision: Decision, pack: RulePack) -> tuple[Variant, bool]:
    """Minimum if the variant ruleset is met, maximum if not; undetermined → the plan's fallback."""
    if decision.outcome is Outcome.ELIGIBLE:
        return "minimum", True
    if decision.outcome is Outcome.NOT_ELIGIBLE:
        return "maximum", True
    return rollout_plan(pack).undetermined_plan_as, False


def score_factor(
    spec: FactorSpec,
    region: Region,
    params: Mapping[str, Any],
    variant: Variant,
    all_phases: set[str],
    sensitised: tuple[set[str], Literal["needed", "unknown"] | None] = (set(), None),
) -> FactorScore:
    """Count a factor's Pioneer answers and decide whether the planned variant selects it."""
    ids = [item.id for item in spec.pioneer if not item.lead_in]
    answers = [region.pioneer.get(i, "unknown") for i in ids]
    counts = {a: answers.count(a) for a in ("yes", "partly", "no", "unknown")}
    in_place = counts["yes"] + params["partly_weight"] * counts["partly"]
    total = len(ids)
    share = in_place / total if total else 0.0
    share_max = (in_place + counts["unknown"]) / total if total else 0.0
    risks = {item.id: region.risks.get(item.id, "unknown") for item in spec.attention}
    present = tuple(i for i, a in risks.items() if a in ("yes", "partly"))
    reasons = selection_reasons(spec.id, share, share_max, present, params, variant, all_phases, sensitised)
    return FactorScore(
        factor=spec.id,
        items=total,
        yes=counts["yes"],
        partly=counts["partly"],
        no=counts["no"],
        unknown=counts["unknown"],
        in_place=in_place,
        share=share,
        share_max=min(share_max, 1.0),
        open_items=tuple(i for i, a in zip(ids, answers, strict=True) if a in ("no", "partly")),
        partly_items=tuple(i for i, a in zip(ids, answers, strict=True) if a == "partly"),
        unknown_items=tuple(i for i, a in zip(ids, answers, strict=True) if a == "unknown"),
        risks_present=present,
        risks_partly=tuple(i for i, a in risks.items() if a == "partly"),
        risks_absent=tuple(i for i, a in risks.items() if a == "no"),
        risks_unknown=tuple(i for i, a in risks.items() if a == "unknown"),
        selected=bool(reasons),
        reasons=reasons,
    )


def selection_reasons(
    factor: str,
    share: float,
    share_max: float,
    risks_present: Sequence[str],
    params: Mapping[str, Any],
    variant: Variant,
    all_phases: set[str],
    sensitised: tuple[set[str], Literal["needed", "unknown"] | None] = (set(), None),
) -> tuple[str, ...]:
    """Why the planned variant considers a factor (project policy, see plan.yaml `selection`).

    `sensitised` is the sensitisation step's factors and whether the step is needed or
    kept until answered: its factors are then considered in the minimum variant too.
    """
    if variant == "maximum":
        return ("all_factors",)
    threshold = params["select_below_share"]
    reasons = []
    if factor in all_phases:
        reasons.append("all_phases")
    step_factors, step = sensitised
    if step is not None and factor in step_factors:
        reasons.append("sensitisation" if step == "needed" else "sensitisation_unknown")
    if share_max < threshold:
        reasons.append("gap")
    elif share < threshold:
        reasons.append("unknown")
    if risks_present:
        reasons.append("risk")
    return tuple(reasons)


def level_of(share: float, params: Mapping[str, Any]) -> Level:
    """The readiness band a share falls in."""
    if share >= params["level_high_from"]:
        return "high"
    if share >= params["level_medium_from"]:
        return "medium"
    return "low"


def overall_readiness(factors: Sequence[FactorScore], params: Mapping[str, Any]) -> OverallReadiness:
    """All factors' items together; the level is decided only if both ends of the range agree."""
    items = sum(f.items for f in factors)
    in_place = sum(f.in_place for f in factors)
    unknown = sum(f.unknown for f in factors)
    share = in_place / items if items else 0.0
    share_max = min((in_place + unknown) / items, 1.0) if items else 0.0
    low, high = level_of(share, params), level_of(share_max, params)
    return OverallReadiness(
        items, in_place, unknown, share, share_max, low if low == high else "undetermined", low, high
    )


def survey_means(respondents: Sequence[Mapping[int, int]], pack: RulePack) -> SurveyResult:
    """Per subscale: each respondent's mean over the items they rated, then the mean over respondents."""
    instrument = survey_instrument(pack)
    subscales = []
    for subscale in instrument.subscales:
        person_means = []
        ratings = missing = 0
        for answers in respondents:
            rated = [answers[i] for i in subscale.items if i in answers]
            ratings += len(rated)
            missing += len(subscale.items) - len(rated)
            if rated:
                person_means.append(fmean(rated))
        mean = round(fmean(person_means), 2) if person_means else None
        subscales.append(SubscaleMean(subscale.id, mean, len(person_means), ratings, missing))
    return SurveyResult(instrument.id, len(respondents), tuple(subscales))
