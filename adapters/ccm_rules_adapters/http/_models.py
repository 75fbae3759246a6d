"""The JSON shapes of the HTTP service, as attrs classes (Litestar documents them in OpenAPI)."""

from __future__ import annotations

import datetime
from typing import Any

import attrs

from ccm_rules import PackInfo

from ._services import DecisionService


@attrs.frozen
class Health:
    """Liveness and the rule pack the service decides with."""

    status: str
    pack: PackInfo
    languages: list[str]


@attrs.frozen
class ServiceInfo:
    """One decision endpoint, as listed by `GET /v1/decisions`."""

    name: str
    path: str
    summary: str


@attrs.frozen
class ProblemItem:
    """One bad input: where (`pointer` is a JSON Pointer, `path` the same as `$.a.b`) and what, in the Accept-Language."""

    detail: str
    pointer: str
    path: str
    kind: str = "invalid"
    rule_id: str | None = None
    code: str | None = None
    """The message's code in the library's catalogue (e.g. `fact.unknown_close`): `detail` is it in the request's language."""


@attrs.frozen
class ProblemDetails:
    """An RFC 9457 problem document; `errors` lists every bad field, not just the first."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemItem] = attrs.Factory(list)


def request_model(service: DecisionService) -> type:
    """The request body of one decision endpoint: `{"facts": …, "as_of": …, "case": …}`.

    A class per endpoint, so OpenAPI names each (`EligibilityRequest`, …); its OpenAPI
    schema comes from the endpoint's declared facts (see `_schema.py`).
    """
    name = "".join(part.capitalize() for part in service.name.replace("-", "_").split("_")) + "Request"
    fields: dict[str, Any] = {
        "facts": attrs.field(type=dict[str, Any], factory=dict),
        "as_of": attrs.field(type=datetime.date | None, default=None),  # type: ignore[arg-type]
        "case": attrs.field(type=str | None, default=None),  # type: ignore[arg-type]
    }
    cls = attrs.make_class(name, fields, frozen=True)
    cls.__doc__ = f"Request body of POST /v1/{service.name}: the facts, the decision date and a pseudonymous case code."
    return cls
