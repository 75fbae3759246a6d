"""JSON Schemas of the document endpoints' request bodies, for the OpenAPI document.

The shapes come from the core: its attrs classes (`Plan`, `Conference`, `Goal`, …) as msgspec
reads them (msgspec is the library Litestar decodes with), and what only the rule pack knows
(caseload norms, DACTS figures and their ranges, readiness item ids and answers, ORIC items,
agenda steps, languages, goal limits). The service checks every body against the same shapes
(`_documents.py`: strict types, unknown keys refused), so a body this schema refuses gets a
422, and a body it accepts is refused only for what JSON Schema cannot say (a due date before
the start date, a decision date before any parameter value, …).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import msgspec
from litestar.openapi.spec import OpenAPIFormat, OpenAPIType, Schema
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

from ccm_rules import RulePack
from ccm_rules.fidelity import dacts_scale
from ccm_rules.goals import LIMITS, Conference, FamilyConference, Goal, Plan, agenda_steps, facilitator_duties
from ccm_rules.readiness import (
    ANSWERS,
    INDEPENDENT_HOST,
    LESSONS_RULESET,
    LIST_FIELDS,
    SYSTEM_RULESET,
    answer_options,
    factor_catalogue,
    rollout_plan,
    starting_ruleset,
    survey_instrument,
    system_fields,
)
from ccm_rules.team import FTE_RANGE, MAX_CLIENTS, MAX_HOURS_PER_WEEK, team_model_doc

JSON = dict[str, Any]

MAX_FIGURE = 1e15
"""Largest DACTS figure accepted over HTTP (figures are counts, ratios and percentages)."""

DATE: JSON = {
    "type": ["string", "null"],
    "format": "date",
    "description": "Decide as on this date (YYYY-MM-DD; default: the document's own date, else today).",
}
CODE: JSON = {"type": ["string", "null"], "description": "A pseudonymous code, echoed back; never a name."}
NOTE: JSON = {"description": "Free text for people; not read."}


# ---------------------------------------------------------------- the core's attrs classes


def attrs_schemas(classes: list[type], overrides: Mapping[str, Mapping[str, JSON]] | None = None) -> list[JSON]:
    """Each class's JSON Schema (references inlined), objects closed (`additionalProperties: false`,
    as the service refuses unknown keys), with `overrides` (class name → field → schema) applied."""
    roots, defs = msgspec.json.schema_components(classes, ref_template="#/$defs/{name}")
    for name, fields in (overrides or {}).items():
        defs[name]["properties"].update(fields)

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return inline(defs[node["$ref"].rsplit("/", 1)[-1]])
        out = {k: inline(v) for k, v in node.items() if not (k == "required" and not v)}
        if "properties" in out:
            out.setdefault("additionalProperties", False)
        return out

    return [inline(root) for root in roots]


def goal_schemas(pack: RulePack, *, lang_required: bool = False) -> tuple[JSON, JSON]:
    """(a goal text, a structured goal): non-blank, at most `max_goal_chars` (today's value) long."""
    limit = pack.parameter_set(LIMITS).values_at(datetime.date.today())["max_goal_chars"]
    text: JSON = {
        "type": "string",
        "pattern": r"\S",
        "maxLength": limit,
        "description": "A goal in words, one or two sentences.",
    }
    languages = [code for spec in pack.documents("goal_lexicon") for code in spec.languages]
    (goal,) = attrs_schemas(
        [Goal],
        {
            "Goal": {
                "description": text,
                "lang": {"enum": languages, "description": "The goal's language (default: the document's)."},
            },
            "Duration": {"value": {"type": "integer", "minimum": 1}},
        },
    )
    if lang_required:
        goal["required"] = [*goal.get("required", []), "lang"]
    return text, goal


def goal_list(pack: RulePack) -> JSON:
    text, goal = goal_schemas(pack)
    limit = pack.parameter_set(LIMITS).values_at(datetime.date.today())["max_goals_per_plan"]
    return {
        "type": "array",
        "maxItems": limit,
        "items": {"anyOf": [text, goal]},
        "description": "Goals: texts or structured goals.",
    }


def envelope(key: str, body: JSON, pack: RulePack, *, lang: bool = True) -> JSON:
    """`{key: body, "case", "as_of", "lang", "note"}`, as `read_document` takes a file."""
    properties: JSON = {key: body, "case": CODE, "as_of": DATE, "note": NOTE}
    if lang:
        properties["lang"] = {"enum": list(pack.languages), "description": "Language of the goal texts (default: en)."}
    return {"type": "object", "properties": properties, "required": [key], "additionalProperties": False}


def plan_schema(pack: RulePack) -> JSON:
    (plan,) = attrs_schemas([Plan], {"Plan": {"goals": goal_list(pack)}})
    return envelope("plan", plan, pack)


def conference_schema(pack: RulePack) -> JSON:
    steps = [item.id for item in agenda_steps(pack).items]
    agenda = {
        "anyOf": [{"type": "array", "items": {"enum": steps}}, {"type": "null"}],
        "description": "The agenda steps the conference went through.",
    }
    codes = [item.id for item in facilitator_duties(pack).items]
    duties = {
        "anyOf": [{"type": "array", "items": {"enum": codes}}, {"type": "null"}],
        "description": "The facilitator's duties carried out (seed 004).",
    }
    (conference,) = attrs_schemas(
        [Conference],
        {"Conference": {"agenda": agenda}, "Facilitator": {"duties": duties}, "Output": {"goals": goal_list(pack)}},
    )
    return envelope("conference", conference, pack)


def family_conference_schema(pack: RulePack) -> JSON:
    (family,) = attrs_schemas([FamilyConference])
    return envelope("family_conference", family, pack)


def goal_schema(pack: RulePack) -> JSON:
    text, goal = goal_schemas(pack)
    body = envelope("goal", {"anyOf": [text, goal]}, pack, lang=False)
    body["description"] = "A goal text is read in the negotiated language, as is a structured goal without `lang`."
    return body


# ---------------------------------------------------------------- what the pack says


def caseload_schema(pack: RulePack) -> JSON:
    """One variant per caseload norm: only a norm with an hours limit takes `hours_per_client_week` and `contacts`."""

    def worker(hours: bool) -> JSON:
        fte = {
            "anyOf": [
                {"type": "null"},
                {"const": 0},
                {"type": "number", "minimum": FTE_RANGE[0], "maximum": FTE_RANGE[1]},
            ],
            "description": f"Full-time equivalent (1.0 = full time): 0, or from {FTE_RANGE[0]:g} to {FTE_RANGE[1]:g}.",
        }
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "code": {"type": ["string", "null"], "description": "A pseudonymous worker code."},
                "fte": fte,
                "clients": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_CLIENTS},
                "hours_per_client_week": {"type": ["number", "null"], "minimum": 0, "maximum": MAX_HOURS_PER_WEEK}
                if hours
                else {"type": "null"},
                "contacts": {
                    "type": ["array", "null"],
                    "description": "The hours spent with each client, by day: checked per client and calendar week (002 §10), never as an average. "
                    "null, like a missing key, means none given.",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["client", "day", "hours"],
                        "properties": {
                            "client": {
                                "type": "string",
                                "minLength": 1,
                                "pattern": "\\S",
                                "description": "A pseudonymous client code.",
                            },
                            "day": {
                                "type": "string",
                                "format": "date",
                                "description": "The day of the contact (YYYY-MM-DD).",
                            },
                            "hours": {"type": "number", "minimum": 0, "maximum": MAX_HOURS_PER_WEEK},
                        },
                    },
                }
                if hours
                else {"type": "null"},
            },
            "not": {
                "required": ["fte", "clients"],
                "properties": {"fte": {"const": 0}, "clients": {"type": "integer", "minimum": 1}},
            },
            "description": "A worker with clients needs an FTE above 0.",
        }

    return {
        "anyOf": [
            {
                "type": "object",
                "title": f"Team under the {norm.id} norm",
                "additionalProperties": False,
                "required": ["norm", "workers"],
                "properties": {
                    "team": CODE,
                    "as_of": DATE,
                    "note": NOTE,
                    "norm": {"const": norm.id},
                    "workers": {
                        "type": "array",
                        "minItems": 1,
                        "items": worker(norm.max_hours_per_client_week is not None),
                    },
                },
            }
            for norm in team_model_doc(pack).caseload_norms
        ]
    }


def fidelity_schema(pack: RulePack) -> JSON:
    """Each DACTS figure with its range (a rating is a whole number), each yes/no flag."""
    scale = dacts_scale(pack)
    figures: JSON = {}
    for item in scale.items:
        figures[item.figure] = {
            "type": ["integer" if item.scoring == "rating" else "number", "null"],
            "minimum": max(item.min, -MAX_FIGURE),
            "maximum": min(item.max, MAX_FIGURE) if item.max is not None else MAX_FIGURE,
            "description": f"{item.id} {item.title['en']}",
        }
    figures.update(
        {flag.name: {"type": ["boolean", "null"], "description": flag.question["en"]} for flag in scale.flags}
    )
    body: JSON = {
        "type": "object",
        "properties": figures,
        "additionalProperties": False,
        "description": "Measured figures; leave one out when it is not measured.",
    }
    return {
        "type": "object",
        "required": ["figures"],
        "additionalProperties": False,
        "properties": {"program": CODE, "as_of": DATE, "figures": body, "note": NOTE},
    }


def _answer(options: tuple[str, ...] | list[str]) -> JSON:
    """An answer: one of the options; YAML-style true/false mean yes/no where those are options; null is unknown."""
    return {"enum": [*options, *([True] if "yes" in options else []), *([False] if "no" in options else []), None]}


def readiness_schema(pack: RulePack) -> JSON:
    """A region document: starting situation, host, Pioneer and Attention answers by item id, lessons, system, ORIC."""
    catalogue, plan = factor_catalogue(pack), rollout_plan(pack)
    fields = [q.field for q in plan.starting_situation]
    starting: JSON = {
        f: _answer(answer_options(pack, ruleset, f))
        for f in fields
        if f not in LIST_FIELDS and (ruleset := starting_ruleset(pack, f)) is not None
    }
    starting.update({f: {"type": "array", "items": {"type": "string"}} for f in LIST_FIELDS})
    lesson_fields = [f for f in pack.ruleset(LESSONS_RULESET).spec.facts if f != "host" and f not in fields]
    survey = survey_instrument(pack)
    number = "^0*(" + "|".join(str(n) for n in range(survey.items, 0, -1)) + ")$"
    rating = {"type": ["integer", "null"], "minimum": survey.min_response, "maximum": survey.max_response}

    def answers(ids: list[str], options: Any = ANSWERS) -> JSON:
        return {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {i: _answer(options) for i in ids},
        }

    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "region": {"type": ["string", "null"], "description": "A region name or code."},
            "as_of": DATE,
            "starting_situation": {"type": ["object", "null"], "additionalProperties": False, "properties": starting},
            "host": _answer(answer_options(pack, LESSONS_RULESET, "host")),
            "pioneer": answers([i.id for f in catalogue.factors for i in f.pioneer if not i.lead_in]),
            "risks": answers([i.id for f in catalogue.factors for i in f.attention]),
            "lessons": {
                "type": ["object", "null"],
                "additionalProperties": False,
                "properties": {f: _answer(answer_options(pack, LESSONS_RULESET, f)) for f in lesson_fields},
            },
            "system": {
                "type": ["object", "null"],
                "additionalProperties": False,  # seed 001 row 5
                "properties": {f: _answer(answer_options(pack, SYSTEM_RULESET, f)) for f in system_fields(pack)},
            },
            "oric": {
                "anyOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["respondents"],
                        "properties": {
                            "respondents": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "additionalProperties": False,
                                    "patternProperties": {number: rating},
                                    "description": f"Ratings by ORIC item number (1-{survey.items}; JSON keys are text).",
                                },
                            }
                        },
                    },
                ]
            },
            "note": NOTE,
        },
        "not": {  # a structurally independent host answered 'not independent' is refused as a contradiction
            "description": f"host {INDEPENDENT_HOST} with lessons.host_independent 'no' contradicts itself",
            "required": ["host", "lessons"],
            "properties": {
                "host": {"enum": [INDEPENDENT_HOST]},
                "lessons": {
                    "type": "object",
                    "required": ["host_independent"],
                    "properties": {"host_independent": {"enum": ["no", False]}},
                },
            },
        },
    }


# ---------------------------------------------------------------- into Litestar's OpenAPI model


_KEYS = {
    "anyOf": "any_of",
    "oneOf": "one_of",
    "allOf": "all_of",
    "not": "schema_not",
    "additionalProperties": "additional_properties",
    "patternProperties": "pattern_properties",
    "minItems": "min_items",
    "maxItems": "max_items",
    "minLength": "min_length",
    "maxLength": "max_length",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
}
_SCHEMAS = ("items", "schema_not", "additional_properties")
_SCHEMA_LISTS = ("any_of", "one_of", "all_of")
_SCHEMA_MAPS = ("properties", "pattern_properties")


def to_openapi(node: JSON) -> Schema:
    """A JSON Schema (dict) as Litestar's `Schema`; an unknown keyword is an error, not dropped."""
    fields: dict[str, Any] = {}
    for key, value in node.items():
        name = _KEYS.get(key, key)
        if name == "type":
            value = [OpenAPIType(v) for v in value] if isinstance(value, list) else OpenAPIType(value)
        elif name == "format":
            value = OpenAPIFormat(value)
        elif name in _SCHEMAS and isinstance(value, dict):
            value = to_openapi(value)
        elif name in _SCHEMA_LISTS:
            value = [to_openapi(v) for v in value]
        elif name in _SCHEMA_MAPS:
            value = {k: to_openapi(v) for k, v in value.items()}
        fields[name] = value
    return Schema(**fields)


class DocumentBody:
    """Marks a document endpoint's body (`Annotated[dict[str, Any], DocumentBody("plan")]`) for the plugin."""

    def __init__(self, name: str) -> None:
        self.name = name


class DocumentSchemaPlugin(OpenAPISchemaPlugin):
    """The request-body schema of each document endpoint, in place of "any JSON object"."""

    def __init__(self, schemas: Mapping[str, JSON]) -> None:
        self._schemas = {name: to_openapi(schema) for name, schema in schemas.items()}

    def _name(self, field_definition: FieldDefinition) -> str | None:
        return next((m.name for m in field_definition.metadata if isinstance(m, DocumentBody)), None)

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return self._name(field_definition) in self._schemas

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return self._schemas[self._name(field_definition) or ""]
