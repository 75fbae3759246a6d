"""RFC 9457 problem+json: every refused request says what is wrong, field by field."""

from __future__ import annotations

import http
import logging
import re
from collections.abc import Mapping
from typing import Any

import attrs
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from ccm_rules import CcmRulesError, ParameterNotInForceError, Problem, ProblemsError
from ccm_rules.engine import LANGUAGES

from ._lang import negotiate
from ._models import ProblemDetails, ProblemItem
from ._openapi import PROBLEM_JSON

TYPE_BASE = "urn:ccm-rules:problem:"

_log = logging.getLogger("ccm_rules.http")
_MISSING = re.compile(r"missing required field `([^`]+)`")


_INDEX = re.compile(r"\[(\d+)\]")
_NAME = re.compile(r"(?:[^.\[]|\[(?!\d+\]))*")


class DocumentProblemsError(ProblemsError):
    """Problems found in a request document, with the document: its keys decide the pointers."""

    def __init__(self, error: ProblemsError, document: Any) -> None:
        summary: str = error.args[0]  # a `Message`: the summary is said in the request's language
        super().__init__(summary, error.problems)
        self.document = document


def json_pointer(path: str, document: Any = None) -> str:
    """`$.facts.domains.housing` → `/facts/domains/housing`, `$.workers[0].fte` → `/workers/0/fte` (RFC 6901).

    A `$.a.b` path cannot tell a key holding a dot from two keys; given the document the
    path points into, each step takes the longest key that the document has there, so
    `$.pioneer.F1.P1` is `/pioneer/F1.P1` when `pioneer` has a key `F1.P1`.
    """
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in _segments(path, document))


def _segments(path: str, document: Any) -> list[str]:
    rest, node, out = path.removeprefix("$"), document, []
    while rest:
        if index := _INDEX.match(rest):
            position = int(index.group(1))
            node = node[position] if isinstance(node, list) and position < len(node) else None
            out.append(str(position))
            rest = rest[index.end():]
            continue
        rest = rest.removeprefix(".")
        key = _longest_key(node, rest)
        if key is None:
            node, key = None, _NAME.match(rest).group(0)  # type: ignore[union-attr]  # always matches
        else:
            node = node[key]
        if key:
            out.append(key)
        rest = rest[len(key):]
    return out


def _longest_key(node: Any, rest: str) -> str | None:
    """The longest key of `node` that `rest` starts with as a whole step (None: no such key)."""
    if not isinstance(node, Mapping):
        return None
    fits = [k for k in node if isinstance(k, str) and rest.startswith(k) and rest[len(k):len(k) + 1] in ("", ".", "[")]
    return max(fits, key=len) if fits else None


def item(problem: Problem, document: Any = None, lang: str = "en") -> ProblemItem:
    """One problem of a refusal, said in `lang`, with its code for a program to act on."""
    pointer = json_pointer(problem.path, document)
    return ProblemItem(problem.text(lang), pointer, problem.path, problem.kind, problem.rule_id, problem.code)


def request_language(request: Request[Any, Any, Any]) -> str:
    """The language a refusal is written in: the best of en, cs, hu, de for the request's Accept-Language."""
    return negotiate(request.headers.get("accept-language"), LANGUAGES, "en")


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
    """Facts or request fields refused by the core: 422 with every problem, in the request's language."""
    assert isinstance(exc, ProblemsError)
    document = exc.document if isinstance(exc, DocumentProblemsError) else None
    lang = request_language(request)
    errors = [item(p, document, lang) for p in exc.problems]
    headers = {"Content-Language": lang, "Vary": "Accept-Language"}
    return problem_response(422, "invalid-input", exc.summary(lang), request, errors, headers=headers)


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

