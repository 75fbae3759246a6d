"""FHIR adapter: intake QuestionnaireResponse and social-need resources (or a CareTeam) in, decisions out as FHIR.

Needs the `fhir` extra (fhir.resources, R4B and R5). The mapping is data
(`data/mapping.yaml` and the vocabulary's `maps_to`); this package only translates.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import attrs

from ccm_rules import Decision, Explanation, FactsError, Message, Problem, RulePack, decide, explain
from ccm_rules.engine import default_pack

from ._care_team import CareTeamAssessment, CareTeamMapping, assess_care_team, key_worker_lines, load_care_team_mapping
from ._goal import goal_from_fhir, goal_outcome
from ._intake import intake_facts, questionnaire
from ._mapping import DATA, FhirMapping, load_mapping
from ._resources import VERSIONS, Entry, FhirVersion, dump, entries, parse, resources
from ._results import decision_outcome, operation_outcome, referral_drafts
from ._social import social_domains

__all__ = [
    "VERSIONS",
    "CareTeamAssessment",
    "CareTeamMapping",
    "Entry",
    "FhirAssessment",
    "FhirMapping",
    "FhirVersion",
    "assess_care_team",
    "assess_resources",
    "dump",
    "entries",
    "goal_from_fhir",
    "goal_outcome",
    "key_worker_lines",
    "load_care_team_mapping",
    "load_mapping",
    "operation_outcome",
    "parse",
    "questionnaire",
    "referral_drafts",
    "resources",
    "shipped_questionnaire",
]


@attrs.frozen
class FhirAssessment:
    """A decision made from FHIR resources, with what the mapping skipped and the FHIR results."""

    decision: Decision
    explanation: Explanation
    subject: str | None
    notes: tuple[Problem, ...]
    results: tuple[dict[str, Any], ...]

    def bundle(self) -> dict[str, Any]:
        """The results as a FHIR `collection` Bundle (OperationOutcome first, then any drafts)."""
        return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in self.results]}


def assess_resources(
    items: list[Any],
    *,
    version: FhirVersion = "R4B",
    lang: str = "en",
    ruleset: str | None = None,
    as_of: datetime.date | None = None,
    pack: RulePack | None = None,
    mapping: FhirMapping | None = None,
) -> FhirAssessment:
    """Decide from parsed resources: at most one QuestionnaireResponse plus Conditions/Observations.

    The QuestionnaireResponse gives the facts (its `questionnaire` picks the ruleset); social-need
    resources fill life domains the intake left unassessed. Raises `FactsError` naming the
    FHIR element (e.g. `QuestionnaireResponse.item[2].answer[0]`) for every bad answer.
    """
    pack = pack or default_pack()
    mapping = mapping or load_mapping()
    unused = [
        (_where(i, r, len(items)), r.get_resource_type())
        for i, r in enumerate(items)
        if r.get_resource_type() not in USED
    ]
    if items and len(unused) == len(items):  # nothing here the decision could read: say so, never an all-unknown answer
        raise FactsError(
            Message("summary.fhir_nothing"),
            [
                Problem(Message("fhir.not_used", {"resource": kind, "used": ", ".join(USED)}), place, kind="fhir")
                for place, kind in unused
            ],
        )
    responses = [r for r in items if r.get_resource_type() == "QuestionnaireResponse"]
    if len(responses) > 1:
        raise FactsError(
            "more than one intake",
            [Problem(f"expected at most one QuestionnaireResponse, got {len(responses)}", "Bundle.entry")],
        )
    qr = responses[0] if responses else None
    chosen = ruleset or (mapping.ruleset_for(qr.questionnaire) if qr is not None else None) or "eligibility"
    rules = pack.ruleset(chosen)
    facts: dict[str, Any] = {}
    where: dict[str, str] = {}
    problems: list[Problem] = []
    if qr is not None:
        facts, where, problems = intake_facts(qr, rules)
    notes: list[Problem] = []
    domain_fact = next((n for n, s in rules.spec.facts.items() if s.type == "domain_statuses"), None)
    social = [
        (_where(i, r, len(items)), r)
        for i, r in enumerate(items)
        if r.get_resource_type() in ("Condition", "Observation")
    ]
    if domain_fact is not None and social:
        vocabulary = rules.vocabularies[rules.spec.facts[domain_fact].vocabulary or ""]
        found, notes = social_domains(social, vocabulary, mapping)
        given = facts.get(domain_fact) or {}
        facts[domain_fact] = {**found, **given} if found or given else None
    notes += [
        Problem(
            Message("fhir.not_used", {"resource": kind, "used": ", ".join(USED)}),
            place,
            kind="fhir",
            severity="warning",
        )
        for place, kind in unused
    ]
    try:
        decision = decide(rules, facts, as_of)
    except FactsError as err:
        problems += [_relocate(p, where) for p in err.problems]
    if problems:
        raise FactsError("the intake answers are not valid", problems)
    explanation = explain(decision, pack, lang)
    subject = qr.subject.reference if qr is not None and qr.subject is not None else None
    results = (
        operation_outcome(list(notes), version) if notes else None,
        decision_outcome(explanation, version),
        *referral_drafts(decision, explanation, subject, mapping, version),
    )
    return FhirAssessment(decision, explanation, subject, tuple(notes), tuple(r for r in results if r is not None))


USED = ("QuestionnaireResponse", "Condition", "Observation")
"""The resources an eligibility decision reads (Goals and CareTeams have their own commands' paths)."""


def shipped_questionnaire(ruleset: str, lang: str, version: FhirVersion = "R4B") -> dict[str, Any]:
    """A shipped intake Questionnaire (JSON in `data/`), e.g. `("eligibility", "cs", "R5")`."""
    from .generate import file_name

    path = DATA / file_name(ruleset, version, lang)
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def _where(index: int, resource: Any, count: int) -> str:
    return f"Bundle.entry[{index}].resource" if count > 1 else resource.get_resource_type()


def _relocate(problem: Problem, where: dict[str, str]) -> Problem:
    """`$.domains.housing` → the QuestionnaireResponse item that gave that answer."""
    key = problem.path.removeprefix("$.")
    name = key.split(".")[0]
    path = where.get(key) or where.get(name) or problem.path
    return attrs.evolve(problem, path=path)
