"""FHIR Goal → the SMART check (`ccm_rules.goals._goals`), and its result as an OperationOutcome.

Only fields FHIR has are mapped: description, the first target's measure, detail (quantity
or range), dueDate/dueDuration, and startDate; agreement, realism and responsibility stay
unknown unless the goal's wording shows them.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from ccm_rules import RulePack, Status, explain

from ._resources import FhirVersion, dump, parse

if TYPE_CHECKING:
    from ccm_rules.goals import DurationUnit

# UCUM duration codes in Goal.target.dueDuration → the goal module's units.
_UNITS: dict[str, DurationUnit] = {"d": "days", "wk": "weeks", "mo": "months", "a": "years"}
_SEVERITY = {
    Status.MET: ("information", "informational"),
    Status.NOT_MET: ("warning", "business-rule"),
    Status.UNKNOWN: ("information", "incomplete"),
}


def goal_from_fhir(resource: Any, lang: str) -> Any:
    """A `ccm_rules.goals._goals.Goal` from a FHIR Goal (R4B or R5)."""
    from ccm_rules.goals import Duration, Goal

    target = (resource.target or [None])[0]
    fields: dict[str, Any] = {}
    if target is not None:
        measure = target.measure
        if measure is not None:
            fields["measure"] = measure.text or next((c.display or c.code for c in measure.coding or []), None)
        if target.detailQuantity is not None:
            fields["target_value"] = (
                float(target.detailQuantity.value) if target.detailQuantity.value is not None else None
            )
            fields["target_unit"] = target.detailQuantity.unit or target.detailQuantity.code
        if target.detailRange is not None:
            low, high = target.detailRange.low, target.detailRange.high
            fields["target_low"] = float(low.value) if low is not None and low.value is not None else None
            fields["target_high"] = float(high.value) if high is not None and high.value is not None else None
        if target.dueDate is not None:
            fields["due_date"] = _date(target.dueDate)
        elif (
            target.dueDuration is not None
            and target.dueDuration.code in _UNITS
            and target.dueDuration.value is not None
        ):
            fields["due_duration"] = Duration(int(target.dueDuration.value), _UNITS[target.dueDuration.code])
    if getattr(resource, "startDate", None) is not None:
        fields["start_date"] = _date(resource.startDate)
    language = (resource.language or lang).split("-")[0]
    return Goal(
        description=resource.description.text or "", lang=language, **{k: v for k, v in fields.items() if v is not None}
    )


def goal_outcome(
    resource: Any, lang: str, version: FhirVersion, as_of: datetime.date | None, pack: RulePack
) -> tuple[Any, dict[str, Any]]:
    """(the goal assessment, an OperationOutcome with one issue per SMART criterion)."""
    from ccm_rules.goals import assess_goal

    assessment = assess_goal(goal_from_fhir(resource, lang), as_of=as_of, pack=pack)
    explanation = explain(assessment.decision, pack, lang)
    issues: list[dict[str, Any]] = [
        {
            "severity": "information",
            "code": "informational",
            "diagnostics": f"{explanation.title}: {explanation.outcome_label}. {explanation.headline}",
        }
    ]
    for criterion in explanation.criteria:
        severity, code = _SEVERITY[criterion.status]
        issue: dict[str, Any] = {
            "severity": severity,
            "code": code,
            "expression": ["Goal.description"],
            "diagnostics": f"[{criterion.status_label}] {criterion.id} {criterion.title}: {criterion.reason} ({criterion.source_title})",
        }
        issues.append(issue)
    return assessment, dump(parse({"resourceType": "OperationOutcome", "issue": issues}, version))


def _date(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
