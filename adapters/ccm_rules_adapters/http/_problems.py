"""RFC 9457 problem+json: every refused request says what is wrong, field by field."""

from __future__ import annotations

import http
import logging
import re
from typing import Any

import attrs
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from ccm_rules import CcmRulesError, ParameterNotInForceError, Problem, ProblemsError

from ._models import ProblemDetails, ProblemItem
from ._openapi import PROBLEM_JSON

TYPE_BASE = "urn:ccm-rules:problem:"

_log = logging.getLogger("ccm_rules.http")
_MISSING = re.compile(r"missing required field `([^`]+)`")


def json_pointer(path: str) -> str:
    """`$.facts.domains.housing` → `/facts/domains/housing`, `$.workers[0].fte` → `/workers/0/fte` (RFC 6901)."""
    parts = [p for p in re.sub(r"\[(\d+)\]", r".\1", path.removeprefix("$")).split(".") if p]
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def item(problem: Problem) -> ProblemItem:
    return ProblemItem(problem.message, json_pointer(problem.path), problem.path, problem.kind, problem.rule_id)


def problem_response(
    status: int, kind: str, detail: str, request: Request[Any, Any, Any], errors: list[ProblemItem] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    body = ProblemDetails(
        type=TYPE_BASE + kind,
        title=http.HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors or [],
    )
    return Response(attrs.asdict(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def on_problems(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Facts or request fields refused by the core: 422 with every problem."""
    assert isinstance(exc, ProblemsError)
    return problem_response(422, "invalid-input", str(exc.args[0]), request, [item(p) for p in exc.problems])


def on_core(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Another refusal by the core (e.g. no parameter value in force on `as_of`): 422."""
    path = "$.as_of" if isinstance(exc, ParameterNotInForceError) else "$"
    return problem_response(422, "not-decidable", str(exc), request, [ProblemItem(str(exc), json_pointer(path), path)])


def on_validation(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A body or header Litestar could not decode (e.g. not JSON): 400, naming the field."""
    assert isinstance(exc, ValidationException)
    errors = []
    for entry in exc.extra if isinstance(exc.extra, list) else []:
        key = str(entry.get("key", "")) if isinstance(entry, dict) else ""
        message = str(entry.get("message", "invalid value")) if isinstance(entry, dict) else str(entry)
        path = "$" + "".join(f".{k}" for k in key.split(".") if k)
        if missing := _MISSING.search(message):  # msgspec names a missing field only in its message
            path += f".{missing.group(1)}"
        errors.append(ProblemItem(message, json_pointer(path), path, "decode"))
    return problem_response(400, "bad-request", "the request could not be decoded", request, errors)


def on_http(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Any other HTTP error (401, 404, 405, 413 …) as problem+json, keeping its headers."""
    assert isinstance(exc, HTTPException)
    kind = {401: "unauthorized", 404: "not-found", 405: "method-not-allowed", 413: "body-too-large"}.get(
        exc.status_code, "http-error"
    )
    return problem_response(exc.status_code, kind, str(exc.detail), request, headers=exc.headers)


def on_internal(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """An unexpected error: 500 without internals; the log names the route and error type only."""
    _log.error("internal error on %s %s: %s", request.method, request.scope.get("path", ""), type(exc).__name__)
    return problem_response(500, "internal-error", "the service could not complete the request", request)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ProblemsError: on_problems,
    CcmRulesError: on_core,
    ValidationException: on_validation,
    HTTPException: on_http,
    Exception: on_internal,
}

