"""RFC 9457 problem+json: every refused request says what is wrong, field by field, in one shape.

Every 4xx (and the 500) is `{type, title, status, detail, instance, errors}`, and `errors` is
never empty: one item per problem with its RFC 6901 `pointer` into the body (`""` for the
request as a whole: a token, a path, a method, the size or media type of the body), the
message's `code` in the library's catalogue and its `detail` in the request's Accept-Language.
"""

from __future__ import annotations

import http
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from ccm_rules import CcmRulesError, Message, ParameterNotInForceError, Problem, ProblemsError
from ccm_rules.engine import LANGUAGES, describe, text_in

from ._body import DECODED, BodyRefused
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
            rest = rest[index.end() :]
            continue
        rest = rest.removeprefix(".")
        key = _longest_key(node, rest)
        if key is None:
            node, key = None, _NAME.match(rest).group(0)  # type: ignore[union-attr]  # always matches
        else:
            node = node[key]
        if key:
            out.append(key)
        rest = rest[len(key) :]
    return out


def _longest_key(node: Any, rest: str) -> str | None:
    """The longest key of `node` that `rest` starts with as a whole step (None: no such key)."""
    if not isinstance(node, Mapping):
        return None
    fits = [
        k for k in node if isinstance(k, str) and rest.startswith(k) and rest[len(k) : len(k) + 1] in ("", ".", "[")
    ]
    return max(fits, key=len) if fits else None


def item(problem: Problem, document: Any = None, lang: str = "en") -> ProblemItem:
    """One problem of a refusal, said in `lang`, with its code for a program to act on."""
    pointer = json_pointer(problem.path, document)
    return ProblemItem(problem.text(lang), pointer, problem.path, problem.kind, problem.rule_id, problem.code)


def request_language(request: Request[Any, Any, Any]) -> str:
    """The language a refusal is written in: the best of en, cs, hu, de for the request's Accept-Language."""
    return negotiate(request.headers.get("accept-language"), LANGUAGES, "en")


def problem_response(
    request: Request[Any, Any, Any],
    status: int,
    kind: str,
    summary: str,
    problems: Sequence[Problem],
    document: Any = None,
    headers: Mapping[str, str] | None = None,
) -> Response[Any]:
    """The one shape of every refusal: RFC 9457 problem+json with an `errors` item per problem.

    `summary` (a `Message` or a text) becomes `detail`; each problem an item with its RFC 6901
    `pointer` into the body, its catalogue `code` and its `detail`, all in the request's language.
    """
    lang = request_language(request)
    body = ProblemDetails(
        type=TYPE_BASE + kind,
        title=http.HTTPStatus(status).phrase,
        status=status,
        detail=text_in(summary, lang),
        instance=request.url.path,
        errors=[item(p, document, lang) for p in problems],
    )
    answer_headers = {**(headers or {}), "Content-Language": lang, "Vary": "Accept-Language"}
    return Response(attrs.asdict(body), status_code=status, media_type=PROBLEM_JSON, headers=answer_headers)


def on_problems(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Facts or request fields refused by the core: 422 with every problem."""
    assert isinstance(exc, ProblemsError)
    document = exc.document if isinstance(exc, DocumentProblemsError) else None
    return problem_response(request, 422, "invalid-input", exc.args[0], exc.problems, document)


def on_core(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Another refusal by the core (no parameter value in force on `as_of`): 422 naming `as_of`."""
    if isinstance(exc, ParameterNotInForceError):
        values = {"parameter": exc.parameter, "on": str(exc.on)}
        if exc.earliest is not None:
            message = Message("http.not_in_force_before", {**values, "earliest": str(exc.earliest)})
        else:
            message = Message("http.not_in_force", values)
        return problem_response(request, 422, "not-decidable", message, [Problem(message, "$.as_of")])
    message = Message("http.not_decodable", {"detail": str(exc)})
    return problem_response(request, 422, "not-decidable", message, [Problem(message, "$")])


def on_body(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A body that is not JSON, passes a limit (400) or is not sent as JSON (415)."""
    assert isinstance(exc, BodyRefused)
    summary = exc.problem.message if exc.status == 415 else Message("http.not_readable")
    return problem_response(request, exc.status, exc.kind, summary, [exc.problem])


def on_validation(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """JSON that does not fit the endpoint's typed request model (msgspec's conversion): 422, naming each field."""
    assert isinstance(exc, ValidationException)
    document = request.scope.get("state", {}).get(DECODED)
    problems = [
        _conversion_problem(entry if isinstance(entry, Mapping) else {"message": str(entry)}, document)
        for entry in (exc.extra if isinstance(exc.extra, list) else [])
    ] or [Problem(Message("http.not_decodable", {"detail": str(exc.detail)}), "$")]
    return problem_response(request, 422, "invalid-input", Message("summary.request"), problems, document)


_EXPECTED = {"str": "text", "bool": "bool", "int": "integer", "float": "number", "array": "list", "object": "mapping"}
_TYPE = re.compile(r"Expected `([a-z]+)[^`]*`, got `[a-z]+`")


def _conversion_problem(entry: Mapping[str, Any], document: Any) -> Problem:
    """msgspec's words for one field (`Expected `str`, got `int``) as the catalogue's coded message, pointed into the body."""
    message, key = str(entry.get("message", "")), str(entry.get("key", ""))
    key = "" if key == "data" or entry.get("source", "body") != "body" else key.removeprefix("data.")
    path = "$" + ("" if not key or key.startswith("[") else ".") + key  # msgspec writes `feedback[0].card`
    if missing := _MISSING.search(message):  # msgspec names a missing field only in its message
        return Problem(Message("key.missing", {"key": missing.group(1)}), f"{path}.{missing.group(1)}", kind="decode")
    value = _at(document, _segments(path, document))
    found = _TYPE.match(message)
    if found and found.group(1) in _EXPECTED:
        return Problem(
            Message(f"expected.{_EXPECTED[found.group(1)]}", {"value": describe(value)}), path, kind="decode"
        )
    detail = describe(value) if message.startswith("Invalid enum value") else message
    return Problem(Message("http.not_decodable", {"detail": detail}), path, kind="decode")


def _at(document: Any, steps: Sequence[str]) -> Any:
    """The value at `steps` (keys, list positions as digits) in `document`; None where there is none."""
    node = document
    for step in steps:
        if isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        elif isinstance(node, Mapping):
            node = node.get(step)
        else:
            return None
    return node


_HTTP = {
    401: ("unauthorized", "http.unauthorized"),
    404: ("not-found", "http.not_found"),
    405: ("method-not-allowed", "http.method_not_allowed"),
    413: ("body-too-large", "http.body_too_large"),
    415: ("unsupported-media-type", "http.media_type"),
}


def on_http(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Any other HTTP error (401, 404, 405, 413, 415 …) in the same shape, keeping its headers."""
    assert isinstance(exc, HTTPException)
    kind, code = _HTTP.get(exc.status_code, ("http-error", ""))
    values = {
        "path": request.url.path,
        "method": request.method,
        "limit": request.app.state.get("max_body", 0),
        "media": request.headers.get("content-type", ""),
    }
    message = Message(code, values) if code else Message("http.not_decodable", {"detail": str(exc.detail)})
    return problem_response(
        request, exc.status_code, kind, message, [Problem(message, "$", kind="request")], headers=exc.headers
    )


def on_internal(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """An unexpected error: 500 without internals; the log names the route and error type only."""
    _log.error("internal error on %s %s: %s", request.method, request.scope.get("path", ""), type(exc).__name__)
    message = Message("http.internal")
    return problem_response(request, 500, "internal-error", message, [Problem(message, "$", kind="internal")])


EXCEPTION_HANDLERS: dict[Any, Any] = {
    BodyRefused: on_body,
    ProblemsError: on_problems,
    CcmRulesError: on_core,
    ValidationException: on_validation,
    HTTPException: on_http,
    Exception: on_internal,
}
