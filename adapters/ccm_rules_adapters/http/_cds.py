"""CDS Hooks 2.0: discovery, a `patient-view` service returning a CCM eligibility card, feedback.

The card is built from the same decision and explanation as `POST /v1/eligibility`; facts come
from the prefetched intake QuestionnaireResponse and social-need Conditions/Observations via
the FHIR adapter (which needs the `fhir` extra; without it the service is not listed).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

import attrs
from litestar import Request, Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import JSONBody
from litestar.plugins import OpenAPISchemaPlugin
from litestar.types import Guard
from litestar.typing import FieldDefinition

from ccm_rules import Decision, Explanation, FactsError, Message, Outcome, ProblemsError, RulePack

from ._lang import negotiate
from ._openapi import AcceptLanguage, problem_specs
from ._problems import DocumentProblemsError

SERVICE_ID = "ccm-eligibility"
HOOK = "patient-view"
_NAMESPACE = uuid.UUID("5b1f0c6e-2f4a-4d36-9a52-6f1d7c2b9e10")  # for deterministic card uuids
SUMMARY_MAX = 139  # CDS Hooks: summary "<140 characters"
# Card urgency by outcome (presentation only: eligible asks for an action, the rest inform).
INDICATOR: dict[Outcome, Literal["info", "warning", "critical"]] = {
    Outcome.ELIGIBLE: "warning",
    Outcome.UNDETERMINED: "info",
    Outcome.NOT_ELIGIBLE: "info",
}


REFERRAL_LABEL = {
    "en": "Draft a referral to case management",
    "cs": "Připravit návrh doporučení do case managementu",
    "hu": "Esetmenedzsmentre irányítás tervezetének elkészítése",
    "de": "Entwurf einer Überweisung ins Case Management anlegen",
}
"""The suggestion's label, in the card's language (the FHIR code's `display` stays the code system's own)."""


class FhirResource:
    """Marks a prefetch value: a FHIR R4 resource (or search Bundle) as JSON, `resourceType` required.

    Litestar unwraps a `NewType`, but keeps `Annotated` metadata: `FhirResourceSchemaPlugin`
    gives every value marked with this the schema the service checks (`_decide`).
    """


PrefetchValue = Annotated[dict[str, Any], FhirResource()]

FHIR_RESOURCE_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["resourceType"],
    properties={
        "resourceType": Schema(
            type=OpenAPIType.STRING,
            min_length=1,
            description="The FHIR resource type, e.g. QuestionnaireResponse or Bundle",
        )
    },
    description="A FHIR R4 resource as JSON (a search result is a Bundle); read by the FHIR adapter, see docs/fhir.md.",
)


class FhirResourceSchemaPlugin(OpenAPISchemaPlugin):
    """The OpenAPI schema of a prefetch value: a FHIR resource, `resourceType` required (not any object)."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return any(isinstance(m, FhirResource) for m in field_definition.metadata)

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return FHIR_RESOURCE_SCHEMA


@attrs.frozen
class CdsService:
    """One entry of the discovery response."""

    hook: str
    id: str
    title: str
    description: str
    prefetch: dict[str, str]


@attrs.frozen
class CdsDiscovery:
    """`GET /cds-services`."""

    services: list[CdsService]


@attrs.frozen
class PatientViewContext:
    """The `patient-view` hook's context: who is looking at which patient."""

    userId: str  # noqa: N815 - CDS Hooks field name
    patientId: str  # noqa: N815
    encounterId: str | None = None  # noqa: N815


@attrs.frozen
class CdsRequest:
    """The body a CDS client POSTs to the patient-view service (CDS Hooks 2.0 §HTTP Request)."""

    hook: Literal["patient-view"]
    hookInstance: str  # noqa: N815 - CDS Hooks field name
    context: PatientViewContext
    fhirServer: str | None = None  # noqa: N815
    fhirAuthorization: dict[str, Any] | None = None  # noqa: N815
    prefetch: dict[str, PrefetchValue | None] | None = None
    """Prefetch key → FHIR resource, or null when the client could not prefetch it."""


@attrs.frozen
class CardSource:
    label: str
    url: str | None = None


@attrs.frozen
class Action:
    type: Literal["create", "update", "delete"]
    description: str
    resource: dict[str, Any] | None = None


@attrs.frozen
class Suggestion:
    label: str
    uuid: str
    isRecommended: bool  # noqa: N815
    actions: list[Action]


@attrs.frozen
class Card:
    """A CDS Hooks card; optional members are left out of the JSON when empty."""

    uuid: str
    summary: str
    indicator: Literal["info", "warning", "critical"]
    source: CardSource
    detail: str | None = None
    suggestions: list[Suggestion] | None = None
    selectionBehavior: Literal["at-most-one", "any"] | None = None  # noqa: N815


@attrs.frozen
class CdsResponse:
    """`{"cards": [...]}`."""

    cards: list[Card]


@attrs.frozen
class FeedbackEntry:
    card: str
    outcome: Literal["accepted", "overridden"]
    outcomeTimestamp: str  # noqa: N815
    acceptedSuggestions: list[dict[str, str]] | None = None  # noqa: N815
    overrideReason: dict[str, Any] | None = None  # noqa: N815


@attrs.frozen
class Feedback:
    """`POST /cds-services/{id}/feedback` (CDS Hooks 2.0 §Feedback)."""

    feedback: list[FeedbackEntry]


def fhir_available() -> bool:
    try:
        import fhir.resources  # noqa: F401
    except ImportError:
        return False
    return True


def handlers(pack: RulePack, guards: list[Guard], security: Any, errors: Sequence[int]) -> list[HTTPRouteHandler]:
    """The CDS Hooks routes for this pack (empty discovery list without the `fhir` extra)."""
    listed = fhir_available() and "eligibility" in pack.rulesets
    mapping = _mapping() if listed else None
    services = (
        [
            CdsService(
                HOOK,
                SERVICE_ID,
                pack.ruleset("eligibility").spec.title["en"],
                "CCM eligibility (seed 001) from the intake questionnaire and social-need records.",
                dict(mapping.prefetch) if mapping else {},
            )
        ]
        if listed
        else []
    )
    discovery = CdsDiscovery(services)
    feedback_counts: dict[str, int] = {"accepted": 0, "overridden": 0}
    specs = problem_specs(*errors)

    @get(
        "/cds-services",
        summary="CDS Hooks discovery",
        tags=["cds-hooks"],
        guards=guards,
        security=security,
        responses=problem_specs(401) if guards else None,
    )
    async def discover() -> CdsDiscovery:
        return discovery

    @post(
        f"/cds-services/{SERVICE_ID}",
        summary="CDS Hooks patient-view: CCM eligibility card",
        tags=["cds-hooks"],
        status_code=200,
        guards=guards,
        security=security,
        responses=specs,
        include_in_schema=listed,
    )
    async def patient_view(
        data: JSONBody[CdsRequest], request: Request[Any, Any, Any], accept_language: AcceptLanguage = None
    ) -> Response[CdsResponse]:
        lang = negotiate(accept_language, pack.languages, pack.languages[0])
        decision, explanation = _decide(data, pack, lang, await request.json())
        card = eligibility_card(data.hookInstance, decision, explanation, pack, _subject(data))
        body = drop_none(attrs.asdict(CdsResponse([card])))
        return Response(body, headers={"Content-Language": lang, "Vary": "Accept-Language"})

    @post(
        f"/cds-services/{SERVICE_ID}/feedback",
        summary="CDS Hooks feedback on a card",
        tags=["cds-hooks"],
        status_code=200,
        guards=guards,
        security=security,
        responses=specs,
        include_in_schema=listed,
    )
    async def feedback(data: JSONBody[Feedback]) -> None:
        for entry in data.feedback:  # counted only: feedback may carry personal data, none is kept
            feedback_counts[entry.outcome] += 1

    return [discover, patient_view, feedback]


def _mapping() -> Any:
    from ccm_rules_adapters.fhir import load_mapping

    return load_mapping()


def _subject(data: CdsRequest) -> str:
    return f"Patient/{data.context.patientId}"


def _decide(data: CdsRequest, pack: RulePack, lang: str, document: Any = None) -> tuple[Decision, Explanation]:
    """Facts from the prefetch (intake + social needs); no prefetch means every fact unknown.

    A resource the FHIR adapter refuses is a 422 whose problems point into the request body
    (`/prefetch/intake/item/0/...`); `document` is that body, for keys that hold dots.
    """
    from ccm_rules_adapters.fhir import assess_resources, resources

    items: list[Any] = []
    for key, value in (data.prefetch or {}).items():
        if value is None:  # the client could not prefetch this key
            continue
        try:
            items.extend(resources(value, "R4B"))
        except ProblemsError as err:
            refusal = FactsError(
                Message("http.prefetch_not_fhir", {"key": key}),
                [attrs.evolve(p, path=f"$.prefetch.{key}{_within_resource(p.path)}") for p in err.problems],
            )
            raise DocumentProblemsError(refusal, document) from err
    assessment = assess_resources(items, version="R4B", lang=lang, ruleset="eligibility", pack=pack)
    return assessment.decision, assessment.explanation


def _within_resource(path: str) -> str:
    """A FHIRPath (`QuestionnaireResponse.item[0]`, `Bundle.entry[2].resource.code`) or `$` as the rest of a `$.a.b` path."""
    return path.removeprefix("$") if path.startswith("$") else _RESOURCE_TYPE.sub("", path, count=1)


_RESOURCE_TYPE = re.compile(r"^[A-Za-z]+")


def eligibility_card(
    hook_instance: str, decision: Decision, explanation: Explanation, pack: RulePack, subject: str
) -> Card:
    """The card: summary, indicator, cited source, criteria as markdown, a draft referral if eligible."""
    card_id = str(uuid.uuid5(_NAMESPACE, f"{hook_instance}|{decision.outcome.value}|{pack.info.content_hash}"))
    ruleset = pack.ruleset(decision.ruleset)
    summary = f"{explanation.title} — {explanation.outcome_label}"
    if explanation.questions:
        summary += f" ({len(explanation.questions)})"
    if len(summary) > SUMMARY_MAX:
        summary = summary[: SUMMARY_MAX - 1] + "…"
    lang = explanation.lang
    source = CardSource(
        label=f"{pack.text('label.pack', lang)} {pack.info.id} {pack.info.version} — "
        f"{pack.text('label.source', lang)}: {ruleset.spec.source.ref}"
    )
    suggestions = None
    if decision.outcome is Outcome.ELIGIBLE:
        suggestions = [_referral(card_id, decision, explanation, subject)]
    return Card(
        uuid=card_id,
        summary=summary,
        indicator=INDICATOR[decision.outcome],
        source=source,
        detail=markdown(explanation),
        suggestions=suggestions,
        selectionBehavior="at-most-one" if suggestions else None,
    )


def _referral(card_id: str, decision: Decision, explanation: Explanation, subject: str) -> Suggestion:
    from ccm_rules_adapters.fhir import load_mapping, referral_drafts

    drafts = referral_drafts(decision, explanation, subject, load_mapping(), "R4B")
    request = next(d for d in drafts if d["resourceType"] == "ServiceRequest")
    return Suggestion(
        label=REFERRAL_LABEL.get(explanation.lang, REFERRAL_LABEL["en"]),
        uuid=str(uuid.uuid5(_NAMESPACE, f"{card_id}|referral")),
        isRecommended=True,
        actions=[Action("create", f"{explanation.headline}", request)],
    )


def markdown(explanation: Explanation) -> str:
    """The explanation as GitHub-flavoured markdown: headline, criteria table, questions, pack."""
    lines = [f"**{explanation.outcome_label}** — {explanation.headline}", "", "| | | |", "|---|---|---|"]
    lines += [
        f"| {c.id} {_cell(c.title)} | {c.status_label} | {_cell(c.reason)} <br>*{_cell(c.source)}* |"
        for c in explanation.criteria
    ]
    if explanation.questions:
        lines += [""] + [f"- {q}" for q in explanation.questions]
    lines += ["", f"*{explanation.pack}, {explanation.as_of.isoformat()}*"]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def drop_none(value: Any) -> Any:
    """JSON without null members (CDS clients expect optional members to be absent)."""
    if isinstance(value, Mapping):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_none(v) for v in value]
    return value
