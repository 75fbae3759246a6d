"""The HTTP server's own limits: what uvicorn does not bound by itself.

uvicorn bounds the size of request headers only with its h11 protocol (httptools, its
default when installed, has no limit: one 200 MB header raised a worker's memory by
245 MB), closes idle keep-alive connections, and can cap concurrent connections; it has
no deadline for a request to arrive, so a client that sends half a request and waits
("slowloris") holds a connection for ever. `GuardedH11Protocol` adds that deadline and a
cap on requests per keep-alive connection. `server_options` is the one place that sets
every limit, for `ccm-rules serve` and for tests that start the real server.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

MAX_HEADER_BYTES = 16 * 1024
"""Request line and headers together (h11 answers 400 past it and closes the connection)."""
REQUEST_TIMEOUT = 10.0
"""Seconds for a whole request (line, headers, body) to arrive, from the connection's start or the last response."""
KEEP_ALIVE_TIMEOUT = 5
"""Seconds an idle keep-alive connection stays open."""
MAX_REQUESTS_PER_CONNECTION = 1000
"""Requests one keep-alive connection may send before the server closes it."""
MAX_CONNECTIONS = 200
"""Concurrent connections per worker; past it the server answers 503."""

_TIMEOUT_ENV = "CCM_RULES_REQUEST_TIMEOUT"


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request and a cap on requests per connection."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._served = 0
        self._deadline: asyncio.TimerHandle | None = None
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):  # the whole request is in
            self._disarm()

    def on_response_complete(self) -> None:
        self._served += 1
        if self._served >= MAX_REQUESTS_PER_CONNECTION:
            self.transport.close()
            return
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request on this connection has its own deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(_request_timeout(), self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        """The request did not arrive in time: the connection is closed (a waiting response is not cut)."""
        self._deadline = None
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and (self.cycle is None or self.cycle.response_complete):
            self.transport.close()


def _request_timeout() -> float:
    value = os.environ.get(_TIMEOUT_ENV)
    return float(value) if value else REQUEST_TIMEOUT


def server_options(request_timeout: float | None = None) -> dict[str, Any]:
    """uvicorn settings for every limit above (the request deadline reaches workers by the environment)."""
    if request_timeout is not None:
        os.environ[_TIMEOUT_ENV] = str(request_timeout)
    return {
        "http": "ccm_rules_adapters.http._server:GuardedH11Protocol",
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "timeout_keep_alive": KEEP_ALIVE_TIMEOUT,
        "limit_concurrency": MAX_CONNECTIONS,
        "backlog": 2 * MAX_CONNECTIONS,
        "access_log": False,  # request lines carry client addresses; nothing personal is logged
        "server_header": False,
    }
