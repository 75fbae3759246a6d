"""An optional static bearer token, compared in constant time."""

from __future__ import annotations

import hmac
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="ccm-rules"'}


def bearer_guard(token: str) -> Guard:
    """A Litestar guard that lets a request through only with `Authorization: Bearer <token>`."""
    expected = token.encode()

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        scheme, _sep, given = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
            raise NotAuthorizedException("a valid bearer token is required", headers=CHALLENGE)

    return guard
