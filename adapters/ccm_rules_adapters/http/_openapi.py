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
    400: "Body is not JSON or not decodable",
    401: "Missing or wrong bearer token",
    413: "Request body too large",
    422: "Invalid input; `errors` names every bad field",
}


def problem_specs(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for error answers, all RFC 9457 problem+json."""
    return {
        s: ResponseSpec(data_container=ProblemDetails, media_type=PROBLEM_JSON, description=_TEXT[s])
        for s in statuses
    }
