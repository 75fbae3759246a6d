"""OpenAPI for decision requests, generated from the ruleset's declared facts.

Litestar documents the attrs models itself; for a request body this plugin adds what only
the rule pack knows (ranges, allowed values, life-domain codes and statuses), so the
OpenAPI document accepts exactly what the service accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar.openapi.spec import OpenAPIFormat, OpenAPIType, Schema
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

from ccm_rules import RulePack
from ccm_rules.engine import FactSpec, Vocabulary

from ._services import DecisionService

_NULL = OpenAPIType.NULL


class RequestSchemaPlugin(OpenAPISchemaPlugin):
    """Schemas for the request models of the decision table (one per endpoint)."""

    def __init__(self, models: dict[type, DecisionService], pack: RulePack) -> None:
        self._schemas = {model: request_schema(model.__name__, service, pack) for model, service in models.items()}

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return field_definition.annotation in self._schemas

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return self._schemas[field_definition.annotation]


def request_schema(title: str, service: DecisionService, pack: RulePack) -> Schema:
    """`{"facts", "as_of", "case"}`; unknown keys are refused, as the service refuses them."""
    earliest = service.earliest(pack)
    facts = Schema(
        type=OpenAPIType.OBJECT,
        additional_properties=False,
        properties={name: fact_schema(spec, service.vocabularies(pack)) for name, spec in service.facts(pack).items()},
        description="Facts by name; leave a fact out (or null) when it is not known yet.",
    )
    return Schema(
        title=title,
        type=OpenAPIType.OBJECT,
        additional_properties=False,
        description=service.description,
        properties={
            "facts": facts,
            "as_of": Schema(
                type=[OpenAPIType.STRING, _NULL],
                format=OpenAPIFormat.DATE,
                description="Decide with the parameter values in force on this date (default: today)"
                + (f"; {earliest.isoformat()} or later (earlier dates are refused with 422)." if earliest else "."),
            ),
            "case": Schema(
                type=[OpenAPIType.STRING, _NULL], description="A pseudonymous case code, echoed back; never a name."
            ),
        },
    )


def fact_schema(spec: FactSpec, vocabularies: Mapping[str, Vocabulary]) -> Schema:
    """One fact: its JSON type, range or allowed values, and its English question."""
    description = f"{spec.label['en']}: {spec.question['en']}"
    if spec.type == "boolean":
        return Schema(type=[OpenAPIType.BOOLEAN, _NULL], description=description)
    if spec.type in ("integer", "number"):
        kind = OpenAPIType.INTEGER if spec.type == "integer" else OpenAPIType.NUMBER
        return Schema(type=[kind, _NULL], minimum=spec.min, maximum=spec.max, description=description)
    if spec.type == "enum":
        return Schema(type=[OpenAPIType.STRING, _NULL], enum=[*(spec.values or []), None], description=description)
    if spec.type == "date":
        return Schema(type=[OpenAPIType.STRING, _NULL], format=OpenAPIFormat.DATE, description=description)
    vocabulary = vocabularies[spec.vocabulary or ""]
    status = Schema(type=OpenAPIType.STRING, enum=list(vocabulary.statuses))
    return Schema(
        type=[OpenAPIType.OBJECT, _NULL],
        additional_properties=False,
        properties=dict.fromkeys(vocabulary.codes, status),
        description=f"{description} (life-domain code → status; a domain left out is not assessed)",
    )
