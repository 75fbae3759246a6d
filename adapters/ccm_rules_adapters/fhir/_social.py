"""Conditions and Observations with social-need categories → life-domain statuses.

Which category code means which domain is the vocabulary's `maps_to` data
(rules/vocabulary/life_domains.yaml); which status a resource gives is the mapping file's.
"""

from __future__ import annotations

from typing import Any

from ccm_rules import Problem
from ccm_rules.engine import Vocabulary

from ._mapping import FhirMapping


def category_index(vocabulary: Vocabulary, mapping: FhirMapping) -> dict[tuple[str, str], str]:
    """(code system, category code) → life-domain code, from the vocabulary's `maps_to`."""
    index: dict[tuple[str, str], str] = {}
    for domain in vocabulary.spec.domains:
        for instrument, codes in domain.maps_to.items():
            system = mapping.social_need_systems.get(instrument)
            if system is not None:
                index.update({(system, code): domain.code for code in codes})
    return index


def social_domains(
    resources: list[tuple[str, Any]], vocabulary: Vocabulary, mapping: FhirMapping
) -> tuple[dict[str, str], list[Problem]]:
    """Domain statuses from `(FHIRPath, resource)` pairs, and notes on what was skipped."""
    index = category_index(vocabulary, mapping)
    systems = set(mapping.social_need_systems.values())
    found: dict[str, str] = {}
    notes: list[Problem] = []
    for path, resource in resources:
        categories = [c for cc in (resource.category or []) for c in (cc.coding or []) if c.system in systems]
        if not categories:
            continue
        status = _status(resource, mapping)
        if status is None:
            notes.append(
                Problem(
                    "no current need stated (status or result not mapped); skipped",
                    path,
                    kind="skipped",
                    severity="information",
                )
            )
            continue
        for coding in categories:
            domain = index.get((coding.system, coding.code))
            if domain is None:
                notes.append(
                    Problem(
                        f"social-need category {coding.code!r} maps to no life domain; skipped",
                        f"{path}.category",
                        kind="unmapped",
                        severity="warning",
                    )
                )
                continue
            found[domain] = _stronger(found.get(domain), status, mapping.precedence)
    return found, notes


def _status(resource: Any, mapping: FhirMapping) -> str | None:
    if resource.get_resource_type() == "Condition":
        verification = _codes(getattr(resource, "verificationStatus", None))
        if verification & set(mapping.condition_skip_verification):
            return None
        rule = mapping.condition_clinical_status
        return next(
            (rule.to_status[c] for c in _codes(resource.clinicalStatus, rule.system) if c in rule.to_status), None
        )
    if resource.status in ("entered-in-error", "cancelled"):
        return None
    rule = mapping.observation_interpretation
    for concept in resource.interpretation or []:
        for code in _codes(concept, rule.system):
            if code in rule.to_status:
                return rule.to_status[code]
    if isinstance(getattr(resource, "valueBoolean", None), bool):
        return rule.to_status.get("POS" if resource.valueBoolean else "NEG")
    return None


def _codes(concept: Any, system: str | None = None) -> set[str]:
    if concept is None:
        return set()
    return {c.code for c in concept.coding or [] if c.code and (system is None or c.system == system)}


def _stronger(old: str | None, new: str, precedence: list[str]) -> str:
    if old is None:
        return new
    return old if precedence.index(old) <= precedence.index(new) else new
