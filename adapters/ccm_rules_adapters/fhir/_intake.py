"""The intake Questionnaire (generated from a ruleset's facts) and QuestionnaireResponse → facts.

linkId = fact name; a life-domain fact is a group whose items are `<fact>.<domain code>`,
answered with a status coding. An unanswered item is an unknown fact, never false.
"""

from __future__ import annotations

import difflib
from typing import Any

from ccm_rules import Problem, RulePack, Ruleset
from ccm_rules.engine import FactSpec

from ._mapping import FhirMapping
from ._resources import FhirVersion

_VALUE_TYPES = {
    "boolean": "boolean",
    "integer": "integer",
    "number": "decimal",
    "date": "date",
    "enum": "coding",
    "domain_statuses": "group",
}


def questionnaire(
    ruleset: Ruleset, pack: RulePack, mapping: FhirMapping, lang: str, version: FhirVersion
) -> dict[str, Any]:
    """The intake Questionnaire of `ruleset` in `lang` for FHIR `version` (R4B `choice`, R5 `coding`)."""
    url = mapping.questionnaires[ruleset.id]
    return {
        "resourceType": "Questionnaire",
        "id": f"{url.rsplit('/', 1)[-1]}-{version.lower()}-{lang}",
        "language": lang,
        "url": url,
        "version": pack.info.version,
        "name": "".join(p.capitalize() for p in f"ccm_intake_{ruleset.id}".split("_")),
        "title": ruleset.spec.title[lang],
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"ccm_rules {pack.info.id} {pack.info.version}: {ruleset.spec.source.ref}",
        "item": [_item(name, spec, ruleset, mapping, lang, version) for name, spec in ruleset.spec.facts.items()],
    }


def _item(
    name: str, spec: FactSpec, ruleset: Ruleset, mapping: FhirMapping, lang: str, version: FhirVersion
) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": name, "text": spec.question[lang]}
    coded = {"type": "choice"} if version == "R4B" else {"type": "coding", "answerConstraint": "optionsOnly"}
    if spec.type == "domain_statuses":
        vocabulary = ruleset.vocabularies[spec.vocabulary or ""]
        options = [
            {
                "valueCoding": {
                    "system": mapping.domain_status_system,
                    "code": s,
                    "display": vocabulary.status_label(s, lang),
                }
            }
            for s in vocabulary.statuses
        ]
        item["type"] = "group"
        item["item"] = [
            {"linkId": f"{name}.{code}", "text": vocabulary.label(code, lang), **coded, "answerOption": options}
            for code in vocabulary.codes
        ]
        return item
    item["type"] = _VALUE_TYPES[spec.type]
    if spec.type == "enum":
        item.update(coded)
        labels = spec.value_labels or {}
        item["answerOption"] = [
            {
                "valueCoding": {
                    "system": mapping.fact_value_system,
                    "code": v,
                    **({"display": labels[v][lang]} if v in labels else {}),
                }
            }
            for v in spec.values or []
        ]
    return item


def intake_facts(qr: Any, ruleset: Ruleset) -> tuple[dict[str, Any], dict[str, str], list[Problem]]:
    """Facts from a QuestionnaireResponse: (facts, fact name → FHIRPath, problems)."""
    facts: dict[str, Any] = {}
    where: dict[str, str] = {}
    problems: list[Problem] = []
    specs = ruleset.spec.facts

    def walk(items: list[Any], path: str) -> None:
        for i, item in enumerate(items or []):
            here = f"{path}.item[{i}]"
            link = item.linkId or ""
            group, _, key = link.partition(".")
            if link in specs and specs[link].type == "domain_statuses":
                walk(item.item or [], here)
            elif key and group in specs and specs[group].type == "domain_statuses":
                value = _answer(item, here, problems)
                if value is not None:
                    facts.setdefault(group, {})[key] = value
                    where[f"{group}.{key}"] = here
            elif link in specs:
                value = _answer(item, here, problems)
                if value is not None:
                    facts[link] = value
                    where[link] = here
            elif item.item:
                walk(item.item, here)
            else:
                close = difflib.get_close_matches(link, list(specs), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; known linkIds: {', '.join(specs)}"
                problems.append(Problem(f"unknown question linkId {link!r}{hint}", f"{here}.linkId", kind="fact"))

    walk(qr.item or [], "QuestionnaireResponse")
    return facts, where, problems


def _answer(item: Any, path: str, problems: list[Problem]) -> Any:
    answers = item.answer or []
    if not answers:
        return None
    if len(answers) > 1:
        problems.append(
            Problem(f"question {item.linkId!r} takes one answer, got {len(answers)}", f"{path}.answer", kind="fact")
        )
        return None
    answer = answers[0]
    for field in ("valueBoolean", "valueInteger", "valueDecimal", "valueDate", "valueString", "valueCoding"):
        value = getattr(answer, field, None)
        if value is None:
            continue
        if field == "valueCoding":
            return value.code
        if field == "valueDecimal":
            return float(value)
        if field == "valueDate":
            return value.isoformat() if hasattr(value, "isoformat") else str(value)
        return value
    problems.append(Problem(f"question {item.linkId!r}: unsupported answer type", f"{path}.answer[0]", kind="fact"))
    return None
