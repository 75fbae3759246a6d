"""The one parse path of a request body: its bytes read once, decoded once, within the limits.

Litestar reads a handler's `data` argument through `Request.json()`. `JsonRequest` makes that
the engine's `load_json` — the one JSON reader of the library (depth 64, sizes, digits of a
number; `NaN`, `Infinity` and `1e400` refused) — and keeps its result, so every later reader
of the body (the decision endpoints' complete check, Litestar's conversion into the typed
request model) works on the same decoded value: no second parser, one acceptance semantics.

The bytes come from Litestar, which stops reading past `request_max_body_size` (413). A body
sent with a media type other than JSON is refused with 415 before it is decoded; a body sent
without a `Content-Type` is read as JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

from litestar import Request

from ccm_rules import Message, Problem
from ccm_rules.engine import JsonLimitError, load_json, trailing_comma

DECODED = "ccm_rules.http.body"
"""Where the decoded body is kept in the request's scope state (the exception handlers read it to point into it)."""


class BodyRefused(Exception):  # noqa: N818 - a refusal, answered as problem+json
    """A body the service cannot read as JSON: `status` 400 (not JSON, past a limit) or 415 (not sent as JSON)."""

    def __init__(self, status: int, kind: str, problem: Problem) -> None:
        super().__init__(problem.message)
        self.status = status
        self.kind = kind
        self.problem = problem


def is_json_media(media_type: str) -> bool:
    """`application/json`, any `…/…+json` (e.g. `application/fhir+json`), or no media type at all."""
    media = media_type.strip().lower()
    return media in ("", "application/json") or media.endswith("+json")


def read_json(body: bytes, media_type: str = "application/json") -> Any:
    """The body as JSON data, or `BodyRefused` naming what is wrong (in the library's coded messages)."""
    if not is_json_media(media_type):
        raise BodyRefused(
            415, "unsupported-media-type", Problem(Message("http.media_type", {"media": media_type[:60]}), "$")
        )
    try:
        text = body.decode(json.detect_encoding(body))  # strictly: bytes that are no text are refused here
        data = load_json(text)
    except JsonLimitError as err:  # past a limit, or NaN/Infinity: the engine names it
        raise BodyRefused(400, "bad-request", err.problem) from None
    except UnicodeDecodeError:
        raise BodyRefused(400, "bad-request", Problem(Message("http.not_utf8"), "$", kind="json")) from None
    except ValueError as err:  # json.JSONDecodeError: where the text stops being JSON
        message = _malformed(err, text)
        raise BodyRefused(400, "bad-request", Problem(message, "$", kind="json")) from None
    if _SURROGATE.search(text) and (where := _lone_surrogate(data, "$")) is not None:
        raise BodyRefused(400, "bad-request", Problem(Message("http.not_utf8"), where, kind="json"))
    return data


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
"""A `\\uD800`-style escape: only then can the data hold half of a surrogate pair (no UTF-8 text can)."""


def _lone_surrogate(value: Any, path: str) -> str | None:
    """The path of the first key or text holding half of a surrogate pair (no answer could encode it), or None."""
    if isinstance(value, str):
        return None if value.isascii() or _encodes(value) else path
    if isinstance(value, dict):
        for key, item in value.items():
            if (found := _lone_surrogate(key, path) or _lone_surrogate(item, f"{path}.{key}")) is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _lone_surrogate(item, f"{path}[{index}]")) is not None:
                return found
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _malformed(err: ValueError, text: str) -> Message:
    """Where and why `text` stops being JSON, in the wording of the library's file reader."""
    msg, pos, column = getattr(err, "msg", str(err)), getattr(err, "pos", None), getattr(err, "colno", 1)
    trailing = pos is not None and trailing_comma(text, pos)
    return Message("json.trailing_comma" if trailing else "json.malformed", {"detail": msg, "column": column})


class JsonRequest(Request[Any, Any, Any]):
    """A Litestar request whose `json()` is `read_json` of its body, decoded once and kept in the scope."""

    async def json(self) -> Any:
        state = self.scope["state"]
        if DECODED not in state:
            state[DECODED] = read_json(await self.body(), self.headers.get("content-type", "").split(";")[0])
        return state[DECODED]


async def read_body(request: Request[Any, Any, Any]) -> None:
    """`before_request` of the app: every POST body is read (and refused) here, before any handler or conversion."""
    if request.method == "POST":
        await request.json()
