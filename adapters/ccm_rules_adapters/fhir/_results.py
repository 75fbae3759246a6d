"""Decisions and problems as FHIR: OperationOutcome, and a draft ServiceRequest and CarePlan."""

from __future__ import annotations

from typing import Any

from ccm_rules import Decision, Explanation, Outcome, Problem

from ._mapping import FhirMapping
from ._resources import FhirVersion, dump, parse

_SEVERITY = {"error": "error", "warning": "warning", "information": "information"}
_ISSUE_CODE = {
    "fact": "invalid",
    "schema": "structure",
    "fhir": "structure",
    "skipped": "informational",
    "unmapped": "code-invalid",
    "question": "incomplete",
}


def operation_outcome(problems: list[Problem], version: FhirVersion) -> dict[str, Any]:
    """Every problem as one OperationOutcome issue, with its FHIRPath in `expression`."""
    issues = [
        {
            "severity": _SEVERITY.get(p.severity, "error"),
            "code": _ISSUE_CODE.get(p.kind, "invalid"),
            "diagnostics": p.message,
            **({"expression": [p.path]} if p.path and p.path != "$" else {}),
        }
        for p in problems
    ] or [{"severity": "information", "code": "informational", "diagnostics": "no issues"}]
    return dump(parse({"resourceType": "OperationOutcome", "issue": issues}, version))


def decision_outcome(explanation: Explanation, version: FhirVersion) -> dict[str, Any]:
    """The decision in words: the headline, each criterion, and what is still to assess."""
    issues = [
        {
            "severity": "information",
            "code": "informational",
            "diagnostics": f"{explanation.title}: {explanation.outcome_label}. {explanation.headline}",
        }
    ]
    issues += [
        {
            "severity": "information",
            "code": "informational",
            "diagnostics": f"[{c.status_label}] {c.id} {c.title}: {c.reason} ({c.source_title})",
        }
        for c in explanation.criteria
    ]
    issues += [{"severity": "information", "code": "incomplete", "diagnostics": q} for q in explanation.questions]
    return dump(parse({"resourceType": "OperationOutcome", "issue": issues}, version))


def referral_drafts(
    decision: Decision, explanation: Explanation, subject: str | None, mapping: FhirMapping, version: FhirVersion
) -> list[dict[str, Any]]:
    """For an eligible client: a draft ServiceRequest to case management and a draft CarePlan.

    Drafts only (`status: draft`, `intent: proposal`): a person decides, the service proposes.
    """
    if decision.outcome is not Outcome.ELIGIBLE or not subject:
        return []  # FHIR requires a subject on both; without one there is nothing to draft
    concept = {
        "coding": [
            {"system": mapping.referral.code_system, "code": mapping.referral.code, "display": mapping.referral.display}
        ],
        "text": explanation.title,
    }
    note = [{"text": f"{explanation.headline} ({explanation.pack}, {explanation.as_of.isoformat()})"}]
    note += [{"text": f"{c.id} {c.title}: {c.reason} — {c.source_title}"} for c in explanation.criteria]
    request: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": "draft",
        "intent": "proposal",
        "code": concept if version == "R4B" else {"concept": concept},
        "subject": {"reference": subject},
        "note": note,
    }
    plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "status": "draft",
        "intent": "proposal",
        "subject": {"reference": subject},
        "title": explanation.title,
        "description": explanation.headline,
        "note": note,
    }
    return [dump(parse(request, version)), dump(parse(plan, version))]
