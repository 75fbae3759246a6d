"""`GET /v1/indicators` and `POST /v1/indicators`: seed 002's indicators (§6, §8.1) over HTTP.

Seed 002 makes the indicators part of the service (§6, lines 103-140; §8.1, lines 184-187);
issue 18 asks for them as an HTTP endpoint beside the CLI, the Python API and the report.
Both routes compute the same thing as `ccm-rules indicators SOURCE --format json|csv|html`:
the current log entries (corrections applied, `ccm_rules.records.current`), their tables
(`tables`), the CLI's frames (`indicator_frames`) and `ccm_rules.records.indicators.indicators`
for the period, rendered by the CLI's own `render_table`: the JSON is the same document, byte
for byte, the CSV the same table, the HTML the commissioner's report.

- `GET /v1/indicators?from=&to=&by=&format=` reads the server's records store (`ccm-rules
  serve --db URL` or `CCM_RULES_DB`). A server started without one answers 409 (project
  policy): the route exists and the request may be right, but the server's state — no store
  — conflicts with it, and only restarting the server with `--db` changes that (404 would say
  the URL is wrong; a 5xx would say the server failed).
- `POST /v1/indicators?format=` takes the records in the body, for a caller without a store:
  `{"records": [{"record": "meeting", "code": …, "on": …}, …], "from", "to", "by", "lang"}`.
  Each record is read by the core's strict reader (`structure_record`, the reader of records
  files); every bad field of every record is named (`/records/3/on`), and nothing is computed.

The period defaults as on the command line: `to` today, `from` 1 January of `to`'s year.
A query parameter that is not right is a 422 whose error has `kind` `query`, `path` `?from`
(the parameter, as it is written in the URL) and `pointer` `""` (a JSON Pointer points into
a body, and a GET has none).
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import datetime
import functools
import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import attrs
from litestar import Request, Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Reference, Schema
from litestar.params import JSONBody, QueryParameter
from litestar.plugins import OpenAPISchemaPlugin
from litestar.types import Guard
from litestar.typing import FieldDefinition

from ccm_rules import Message, Problem, RulePack
from ccm_rules.engine import date_message, describe, iso_date

from ._document_schemas import to_openapi
from ._documents import json_numbers
from ._lang import negotiate
from ._models import ProblemDetails
from ._openapi import _SHAPE, PROBLEM_JSON, AcceptLanguage, problem_specs
from ._problems import problem_response

if TYPE_CHECKING:
    from ccm_rules.records import Located
    from ccm_rules_adapters.storage import Store

JSON = dict[str, Any]

PATH = "/v1/indicators"
FORMATS = ("json", "csv", "html")
"""The answer's formats, as `ccm-rules indicators --format` writes them (text and parquet are for files)."""
GROUPS = ("provider", "case_manager", "region")
KIND_KEY = "record"
"""The key that names a record's kind in a POST body (no record has a field of that name)."""
BODY_KEYS = ("records", "from", "to", "by", "lang")
MAX_INTEGER = 10**15
"""Largest whole number a record may hold over HTTP (project policy, an input limit: the tables are
polars frames, whose widest integer is 128 bits; a count of minutes or days is far below it)."""
MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}
TAG = "indicators"


def available() -> bool:
    """Whether the indicators can be computed here: the `records` extra (narwhals, polars) is installed."""
    return all(importlib.util.find_spec(name) is not None for name in ("narwhals", "polars"))


# ---------------------------------------------------------------- the period and the answer


@attrs.frozen
class Query:
    """A checked request: the period (both days inclusive), the grouping and the answer's format."""

    start: datetime.date
    end: datetime.date
    by: str | None
    format: str


def _where(prefix: str, key: str) -> str:
    return f"?{key}" if prefix == "?" else f"$.{key}"


def _date(value: Any, where: str, kind: str, problems: list[Problem]) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return iso_date(value)
        except ValueError:
            pass
    problems.append(Problem(date_message(value), where, kind=kind))
    return None


def _choice(value: Any, allowed: Sequence[str], where: str, kind: str, problems: list[Problem]) -> str | None:
    if value is None or (isinstance(value, str) and value in allowed):
        return value
    problems.append(
        Problem(Message("expected.one_of", {"value": describe(value), "allowed": ", ".join(allowed)}), where, kind=kind)
    )
    return None


def check_query(
    values: Mapping[str, Any], fmt: Any, prefix: str, problems: list[Problem], today: datetime.date | None = None
) -> Query | None:
    """The period, grouping and format of `values` (`from`, `to`, `by`), or None with every problem added.

    `prefix` `"?"`: the values are query parameters (paths `?from`); `"$"`: keys of the body (`$.from`).
    """
    kind = "query" if prefix == "?" else "invalid"
    before = len(problems)
    start = _date(values.get("from"), _where(prefix, "from"), kind, problems)
    end = _date(values.get("to"), _where(prefix, "to"), kind, problems)
    by = _choice(values.get("by"), GROUPS, _where(prefix, "by"), kind, problems)
    fmt = _choice(fmt, FORMATS, "?format", "query", problems) or "json"
    bad = len(problems) > before
    end = end or today or datetime.date.today()
    start = start or datetime.date(end.year, 1, 1)
    if not bad and start > end:
        message = Message("cli.period_reversed", {"start": start.isoformat(), "end": end.isoformat()})
        problems.append(Problem(message, _where(prefix, "to" if values.get("to") is not None else "from"), kind=kind))
    return None if len(problems) > before else Query(start, end, by, fmt)


def unknown_parameters(request: Request[Any, Any, Any], allowed: Sequence[str], problems: list[Problem]) -> None:
    """A query parameter the route does not take is refused (as an unknown key of a body is), naming the ones it takes."""
    problems += [
        Problem(Message("key.unknown", {"key": name, "allowed": ", ".join(allowed)}), f"?{name}", kind="query")
        for name in dict.fromkeys(request.query_params.keys())
        if name not in allowed
    ]


def answer(items: Sequence[Located], query: Query, lang: str) -> Response[Any]:
    """The indicators of `items` as `ccm-rules indicators --format json|csv|html` writes them."""
    from ccm_rules.records import current, tables
    from ccm_rules.records.indicators import indicators
    from ccm_rules_adapters.cli.indicators import indicator_frames, render_table

    table = indicators(indicator_frames(tables(current(items))), start=query.start, end=query.end, by=query.by)  # type: ignore[arg-type]
    text = render_table(table, query.format, lang, query.start, query.end, query.by)
    headers = {"Content-Language": lang, "Vary": "Accept-Language"} if query.format == "html" else {}
    return Response(text, media_type=MEDIA[query.format], headers=headers)


def _refused(request: Request[Any, Any, Any], problems: list[Problem], document: Any = None) -> Response[Any]:
    """422 naming every problem; a query parameter's `path` is `?name`, its `pointer` `""` (it is not in a body)."""
    response = problem_response(request, 422, "invalid-input", Message("summary.request"), problems, document)
    for error in response.content["errors"]:
        if error["kind"] == "query":
            error["pointer"] = ""
    return response


def _no_store(request: Request[Any, Any, Any]) -> Response[Any]:
    message = Message("http.no_store")
    return problem_response(request, 409, "no-store", message, [Problem(message, "$", kind="request")])


# ---------------------------------------------------------------- the records of a POST body


def read_records(raw: Mapping[str, Any], problems: list[Problem]) -> tuple[list[Located], str | None]:
    """The body's records and language; every bad field of it added to `problems`.

    Envelope keys, each record's kind and each record's fields (the core's strict reader,
    as for a records file) are all named, so one answer lists every mistake.
    """
    from ccm_rules.records import KINDS, Located, RecordError, structure_record

    problems += [
        Problem(Message("key.unknown", {"key": str(key), "allowed": ", ".join(BODY_KEYS)}), f"$.{key}")
        for key in raw
        if key not in BODY_KEYS
    ]
    records = raw.get("records")
    items: list[Located] = []
    if "records" not in raw:
        problems.append(Problem(Message("key.missing", {"key": "records"}), "$.records"))
    elif not isinstance(records, list):
        problems.append(Problem(Message("expected.list", {"value": describe(records)}), "$.records"))
    else:
        kinds = ", ".join(sorted(KINDS))
        for index, data in enumerate(json_numbers(records)):
            where = f"$.records[{index}]"
            if not isinstance(data, Mapping):
                problems.append(Problem(Message("expected.mapping", {"value": describe(data)}), where))
                continue
            kind = data.get(KIND_KEY)
            if kind is None:
                problems.append(Problem(Message("http.record_kind_missing", {"allowed": kinds}), f"{where}.{KIND_KEY}"))
                continue
            if not isinstance(kind, str) or kind not in KINDS:
                problems.append(
                    Problem(
                        Message("expected.one_of", {"value": describe(kind), "allowed": kinds}), f"{where}.{KIND_KEY}"
                    )
                )
                continue
            fields = {k: v for k, v in data.items() if k != KIND_KEY}
            problems += _too_large(fields, where)
            try:
                items.append(Located(structure_record(kind, fields, where)))
            except RecordError as err:
                problems += err.problems
    return items, _lang_of(raw, problems)


def _lang_of(raw: Mapping[str, Any], problems: list[Problem]) -> str | None:
    from ccm_rules.engine import LANGUAGES

    return _choice(raw.get("lang"), LANGUAGES, "$.lang", "invalid", problems)


def _too_large(fields: Mapping[str, Any], where: str) -> list[Problem]:
    """Whole numbers past `MAX_INTEGER` (the schema's `maximum`), each named."""
    return [
        Problem(Message("range.above", {"value": describe(value), "limit": f"{MAX_INTEGER:,}"}), f"{where}.{key}")
        for key, value in fields.items()
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_INTEGER
    ]


# ---------------------------------------------------------------- OpenAPI


def component_name(kind: str) -> str:
    """`meeting` → `MeetingRecord`: the record kind's schema in the OpenAPI document's components."""
    return "".join(part.capitalize() for part in kind.split("_")) + "Record"


def record_schema(kind: str) -> JSON:
    """One record in a POST body: the kind's JSON Schema (`record_schemas()`), its kind in `record`,
    whole numbers at most `MAX_INTEGER` (the HTTP input limit)."""
    from ccm_rules.records import record_schemas

    schema = copy.deepcopy(record_schemas()[kind])
    for prop in schema["properties"].values():
        for node in [prop, *prop.get("anyOf", [])]:
            if node.get("type") == "integer":
                node["maximum"] = MAX_INTEGER
    schema["properties"] = {
        KIND_KEY: {"const": kind, "description": "The record's kind (the name of its file in a records folder)."},
        **schema["properties"],
    }
    schema["required"] = [KIND_KEY, *schema.get("required", [])]
    return schema


@functools.cache
def _component_type(kind: str) -> type:
    """A type named by the kind's component (`MeetingRecord`): Litestar's schema registry keys components by type."""
    name = component_name(kind)
    return type(
        name, (), {"__module__": __name__, "__qualname__": name, "__doc__": f"The `{kind}` record of a POST body."}
    )


def record_references(registry: Any) -> list[Reference]:
    """Every record kind's schema put in the OpenAPI document's `components.schemas`; references to them, in kind order."""
    from ccm_rules.records import KINDS

    references = []
    for kind in sorted(KINDS):
        field = FieldDefinition.from_annotation(_component_type(kind))
        schema, built = registry.get_schema_for_field_definition(field), to_openapi(record_schema(kind))
        for item in dataclasses.fields(built):
            setattr(schema, item.name, getattr(built, item.name))
        references.append(registry.get_reference_for_field_definition(field))
    return references


_DATE: JSON = {"type": ["string", "null"], "format": "date"}


def body_schema(languages: Sequence[str], records_of: Sequence[Reference]) -> Schema:
    """The POST body: the records (each one of the record components, `records_of`) and the period."""
    records = Schema(
        type=OpenAPIType.ARRAY,
        items=Schema(any_of=list(records_of)),
        description="The case records, each with its kind in `record`; corrections are applied as in a records folder.",
    )
    rest = {
        "from": {**_DATE, "description": "First day of the period (default: 1 January of `to`'s year)."},
        "to": {**_DATE, "description": "Last day of the period (default: today)."},
        "by": {
            "enum": [*GROUPS, None],
            "description": "One table per provider, case manager or region (default: the whole service).",
        },
        "lang": {
            "enum": [*languages, None],
            "description": "Language of the HTML report (default: the Accept-Language).",
        },
    }
    return Schema(
        title="IndicatorsRequest",
        type=OpenAPIType.OBJECT,
        additional_properties=False,
        required=["records"],
        properties={"records": records, **{key: to_openapi(value) for key, value in rest.items()}},
        description="Case records of seed 002 and the period to compute the indicators for.",
    )


def answer_schema() -> Schema:
    """The JSON answer: the document `ccm-rules indicators --format json` prints."""
    from ccm_rules.records.indicators import INDICATORS

    day: JSON = {"type": "string", "format": "date"}
    row: JSON = {
        "type": "object",
        "additionalProperties": False,
        "required": ["group", "indicator", "category", "value"],
        "properties": {
            "group": {
                "type": "string",
                "description": "The provider, case manager or region, or `all` for the whole service.",
            },
            "indicator": {"enum": list(INDICATORS), "description": "See `ccm_rules.records.indicators.INDICATORS`."},
            "category": {"type": ["string", "null"]},
            "value": {"type": "number"},
        },
    }
    return to_openapi(
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["period", "by", "indicators"],
            "properties": {
                "period": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["from", "to"],
                    "properties": {"from": day, "to": day},
                },
                "by": {"enum": [*GROUPS, None]},
                "indicators": {"type": "array", "items": row},
            },
        }
    )


@dataclass
class IndicatorsOperation(Operation):
    """The operation as Litestar builds it, with the 200 answer in its three media types (JSON, CSV, HTML)."""

    def __post_init__(self) -> None:
        responses = self.responses or {}
        ok = responses.get("200")
        if isinstance(ok, OpenAPIResponse):
            text = Schema(type=OpenAPIType.STRING)
            ok.description = "The indicators: `format=json` (default) the table as a document, `csv` the table, `html` the commissioner's report"
            ok.content = {
                "application/json": OpenAPIMediaType(schema=answer_schema()),
                "text/csv": OpenAPIMediaType(schema=text),
                "text/html": OpenAPIMediaType(schema=text),
            }
        if self.request_body is None:  # a GET has no body to be unreadable
            responses.pop("400", None)


class IndicatorsBody:
    """Marks the POST body (`Annotated[dict[str, Any], IndicatorsBody()]`) for `IndicatorsSchemaPlugin`."""


class IndicatorsSchemaPlugin(OpenAPISchemaPlugin):
    """The POST body's schema, its records referring to the record components."""

    def __init__(self, pack: RulePack) -> None:
        self._languages = tuple(pack.languages)

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return any(isinstance(m, IndicatorsBody) for m in field_definition.metadata)

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return body_schema(self._languages, record_references(schema_creator.schema_registry))


_NO_STORE = ResponseSpec(
    data_container=ProblemDetails,
    media_type=PROBLEM_JSON,
    description="The server was started without a records store (`--db URL` or `CCM_RULES_DB`)" + _SHAPE,
)
_QUERY_TEXT = {
    "from": "First day of the period, YYYY-MM-DD (default: 1 January of `to`'s year).",
    "to": "Last day of the period, YYYY-MM-DD (default: today).",
    "by": "One table per provider, case manager or region (default: the whole service).",
    "format": "json (default), csv or html (the commissioner's report, in the Accept-Language).",
}


def _param(name: str, **schema: Any) -> Any:
    return QueryParameter(name=name, required=False, description=_QUERY_TEXT[name], schema_extra=schema)


FromParam = Annotated[str | None, _param("from", format="date")]
ToParam = Annotated[str | None, _param("to", format="date")]
ByParam = Annotated[str | None, _param("by", enum=list(GROUPS))]
FormatParam = Annotated[str | None, _param("format", enum=list(FORMATS))]


def handlers(
    pack: RulePack, store: Store | None, guards: list[Guard], security: Any, errors: Sequence[int]
) -> list[HTTPRouteHandler]:
    """`GET` and `POST /v1/indicators` (none when the `records` extra is missing)."""
    if not available():
        return []
    auth = [401] if 401 in errors else []
    languages = tuple(pack.languages)

    def language(header: str | None, asked: str | None = None) -> str:
        return asked or negotiate(header, languages, languages[0])

    @get(
        PATH,
        summary="Seed 002's indicators for a period, from the server's records store",
        tags=[TAG],
        guards=guards,
        security=security,
        operation_class=IndicatorsOperation,
        operation_id="indicators_from_store",
        responses={409: _NO_STORE, **problem_specs(*auth, 422)},
        description="Clients served, measures carried out (output), fulfilment of each planned measure (result), "
        "training and jobs that were not a goal of the plan (impact), base data and the anonymous satisfaction survey "
        "(seed 002 §6, §8.1), as `ccm-rules indicators --format json|csv|html` gives them for the server's store. "
        "A server started without a store answers 409.",
    )
    async def from_store(
        request: Request[Any, Any, Any],
        from_: FromParam = None,
        to: ToParam = None,
        by: ByParam = None,
        format_: FormatParam = None,
        accept_language: AcceptLanguage = None,
    ) -> Response[Any]:
        problems: list[Problem] = []
        unknown_parameters(request, ("from", "to", "by", "format"), problems)
        query = check_query({"from": from_, "to": to, "by": by}, format_, "?", problems)
        if query is None or problems:
            return _refused(request, problems)
        if store is None:
            return _no_store(request)
        return await asyncio.to_thread(
            lambda: answer(store.records(), query, language(accept_language))
        )  # reads and computes off the loop

    @post(
        PATH,
        summary="Seed 002's indicators for a period, from the records sent",
        tags=[TAG],
        guards=guards,
        security=security,
        status_code=200,
        operation_class=IndicatorsOperation,
        operation_id="indicators_from_records",
        responses=problem_specs(*errors),
        description="The same answer as `GET /v1/indicators`, computed from the records in the body (for a caller "
        "without a store), within the body size limit. Each record is checked as in a records file; every bad field "
        "of every record is named (`/records/3/on`).",
    )
    async def from_records(
        request: Request[Any, Any, Any],
        data: JSONBody[Annotated[dict[str, Any], IndicatorsBody()]],
        format_: FormatParam = None,
        accept_language: AcceptLanguage = None,
    ) -> Response[Any]:
        problems: list[Problem] = []
        unknown_parameters(request, ("format",), problems)
        items, lang = read_records(data, problems)
        query = check_query(data, format_, "$", problems)
        if query is None or problems:
            return _refused(request, problems, data)
        return await asyncio.to_thread(answer, items, query, language(accept_language, lang))

    return [from_store, from_records]


def store_from_env() -> Store | None:
    """The records store `CCM_RULES_DB` names (`ccm-rules serve --db URL` sets it), or None when it is unset."""
    import os

    url = os.environ.get("CCM_RULES_DB")
    if not url:
        return None
    from ccm_rules_adapters.storage import open_store

    return open_store(url)
