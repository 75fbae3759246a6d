"""HTTP adapter: a Litestar app serving every decision as JSON, with OpenAPI 3.1 and CDS Hooks 2.0.

Needs the `http` extra (Litestar, uvicorn). Start it with `ccm-rules serve`, or build the
ASGI app yourself with `create_app()`.
"""

from __future__ import annotations

from ._app import DEFAULT_MAX_BODY, app_from_env, create_app
from ._lang import negotiate
from ._server import server_options
from ._services import DecisionResponse, DecisionService, decision_services, ruleset_service

__all__ = [
    "DEFAULT_MAX_BODY",
    "DecisionResponse",
    "DecisionService",
    "app_from_env",
    "create_app",
    "decision_services",
    "negotiate",
    "ruleset_service",
    "server_options",
]
