"""OpenAPI pieces shared by the routes: the Accept-Language header and problem+json answers."""

from __future__ import annotations

from typing import Annotated

from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter

from ._models import ProblemDetails

PROBLEM_JSON = "application/problem+json"

AcceptLanguage = Annotated[
    str | None,
    HeaderParameter(name="Accept-Language", required=False, description="Preferred language: cs, hu, de or en."),
]

_TEXT = {
    400: "The body is not JSON, or passes a JSON limit (depth 64, sizes, digits; NaN and Infinity refused)",
    401: "Missing or wrong bearer token",
    404: "No such path",
    405: "Method not allowed on this path",
    413: "Request body too large",
    415: "The body is not sent as application/json",
    422: "JSON the endpoint does not accept; `errors` names every bad field",
}
_SHAPE = (
    " — RFC 9457 problem+json, the same shape for every status: `errors` has an item per problem "
    'with an RFC 6901 `pointer` into the body ("" for the request as a whole), a `code` from the '
    "library's catalogue and a `detail` in the request's Accept-Language."
)


def problem_specs(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for error answers, all RFC 9457 problem+json."""
    return {
        s: ResponseSpec(data_container=ProblemDetails, media_type=PROBLEM_JSON, description=_TEXT[s] + _SHAPE)
        for s in statuses
    }
