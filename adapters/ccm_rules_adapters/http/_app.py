"""The Litestar application: decision endpoints from the service table, CDS Hooks, health.

`create_app()` is the one entry point; every app gets its own pack, token and limits
(no module-level state), so tests and hosts can run several side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import attrs
from litestar import Litestar, Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, Reference, SecurityScheme
from litestar.params import JSONBody
from litestar.types import Guard

from ccm_rules import ProblemsError, RulePack
from ccm_rules.engine import default_pack, to_json_data

from . import _cds, _indicators
from ._auth import bearer_guard
from ._body import JsonRequest, read_body
from ._docs import DOCS_PATH, assets_router, docs_router, render_plugins
from ._document_schemas import DocumentBody, DocumentSchemaPlugin
from ._documents import DocumentService, document_services, json_numbers
from ._lang import negotiate
from ._models import Health, ServiceInfo, request_model
from ._openapi import AcceptLanguage, problem_specs
from ._problems import EXCEPTION_HANDLERS, DocumentProblemsError
from ._schema import RequestSchemaPlugin
from ._services import DecisionResponse, DecisionService, decision_services
from ._validate import check_request

if TYPE_CHECKING:
    from ccm_rules_adapters.storage import Store
    from ccm_rules_adapters.web import WebSettings

DEFAULT_MAX_BODY = 64 * 1024
"""Largest accepted request body in bytes; a decision request is well under 2 KiB."""


def create_app(
    pack: RulePack | None = None,
    *,
    token: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    services: Sequence[DecisionService] | None = None,
    store: Store | None = None,
    web: WebSettings | None = None,
) -> Litestar:
    """The HTTP service for `pack` (default: the shipped pack).

    `token` set → every endpoint but `/health` and the OpenAPI document needs
    `Authorization: Bearer <token>`. Bodies over `max_body` bytes get 413. `store` (an open records store): `GET /v1/indicators`
    computes seed 002's indicators from it (`_indicators.py`; without one that route answers 409).
    `web` set → the web app (`ccm_rules_adapters.web`, extra `web`) at `/` beside the API, with its
    own sign-in, sessions and CSRF (the bearer token guards the JSON API only).
    """
    pack = pack or default_pack()
    rows = tuple(services) if services is not None else decision_services(pack)
    guards: list[Guard] = [bearer_guard(token)] if token else []
    security: list[dict[str, list[str]]] | None = [{"bearer": []}] if token else None
    errors = (400, 401, 413, 415, 422) if token else (400, 413, 415, 422)
    models = {request_model(row): row for row in rows}
    documents = document_services(pack) if services is None else ()

    handlers: list[HTTPRouteHandler | Router] = [
        _health(pack),
        _catalogue([*rows, *documents], guards, security),
        *(_decision_handler(row, model, pack, guards, security, errors) for model, row in models.items()),
        *(_document_handler(row, pack, guards, security, errors) for row in documents),
        *_cds.handlers(pack, guards, security, errors),
        *(_indicators.handlers(pack, store, guards, security, errors) if services is None else ()),
        assets_router(),  # the /schema pages' scripts and styles: nothing is loaded from a CDN
        *_web_routers(web, pack),
    ]
    schemes: dict[str, SecurityScheme | Reference] | None = (
        {"bearer": SecurityScheme(type="http", scheme="bearer")} if token else None
    )
    components = Components(security_schemes=schemes)
    return Litestar(
        route_handlers=handlers,
        plugins=[
            RequestSchemaPlugin(models, pack),
            DocumentSchemaPlugin({row.name: row.body_schema(pack) for row in documents}),
            _cds.FhirResourceSchemaPlugin(),
            _indicators.IndicatorsSchemaPlugin(pack),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=max_body,
        openapi_config=OpenAPIConfig(
            title="ccm_rules decision service",
            version=pack.info.version,
            description="Explained, three-valued CCM decisions (eligibility, labour-market CM, …) "
            f"with rule pack {pack.info.id} {pack.info.version}.",
            components=components,
            path=DOCS_PATH,
            openapi_router=docs_router(),  # the pages load only this server's files (_docs.py)
            render_plugins=render_plugins(),
        ),
        state=State({"pack": pack, "max_body": max_body}),
        logging_config=None,
        request_class=JsonRequest,
        before_request=read_body,  # every body read once, within the limits (`_body.py`), before any handler
    )


def _web_routers(web: WebSettings | None, pack: RulePack) -> list[Router]:
    """The web app's routers (issue 19), imported only when asked for (it needs the `web` and `records` extras)."""
    if web is None:
        return []
    from ccm_rules_adapters.web import web_router

    return web_router(web, pack)


def _health(pack: RulePack) -> HTTPRouteHandler:
    health = Health(status="ok", pack=pack.info, languages=list(pack.languages))

    @get("/health", summary="Liveness and rule-pack identity", tags=["service"], security=[])
    async def handler() -> Health:
        return health

    return handler


def _catalogue(
    rows: Sequence[DecisionService | DocumentService], guards: list[Guard], security: Any
) -> HTTPRouteHandler:
    infos = [ServiceInfo(row.name, f"/v1/{row.name}", row.summary) for row in rows]

    @get(
        "/v1/decisions",
        summary="The decision endpoints this service offers",
        tags=["decisions"],
        guards=guards,
        security=security,
        responses=problem_specs(401) if guards else None,
    )
    async def handler() -> list[ServiceInfo]:
        return infos

    return handler


def _decision_handler(
    service: DecisionService, model: type, pack: RulePack, guards: list[Guard], security: Any, errors: Sequence[int]
) -> HTTPRouteHandler:
    """`POST /v1/<name>`: check the whole request, decide, explain in the negotiated language.

    The answer is the result as `_encodable` leaves it for Litestar to encode.
    """

    async def check(request: Request[Any, Any, Any]) -> None:
        # the body as `read_body` decoded it (this hook replaces the app's): every bad field at once, 422
        request.state.checked = check_request(await request.json(), service, pack)

    async def handler(data: Any, request: Request[Any, Any, Any], accept_language: Any = None) -> Any:
        checked = request.state.checked  # the same body, fully validated by `check`
        lang = negotiate(accept_language, pack.languages, pack.languages[0])
        body = attrs.evolve(service.respond(checked.facts, checked.as_of, pack, lang), case=checked.case)
        return Response(_encodable(body), headers={"Content-Language": lang, "Vary": "Accept-Language"})

    handler.__annotations__ = {
        "data": JSONBody[model],  # type: ignore[valid-type,misc]
        "request": Request[Any, Any, Any],
        "accept_language": AcceptLanguage,
        "return": Response[service.response_model],  # type: ignore[name-defined]
    }
    return _decision_route(handler, service, guards, security, errors, before_request=check)


def _encodable(body: Any) -> Any:
    """The answer as Litestar can encode it: the same JSON as the library's `to_json_data` (`--format json`).

    The core builds a criterion's trace when it is first read, and msgspec reads attrs slots
    directly, so a decision's traces are read here first; msgspec then encodes the attrs
    classes itself (a decision answer in about a third of `to_json_data`'s time). Any other
    result (documents, the team model) goes through `to_json_data`, which reads every field.
    """
    if isinstance(body, DecisionResponse):
        traces = [criterion.trace for criterion in body.decision.criteria]  # read once: built now, kept in the result
        del traces
        return body
    return to_json_data(body)


def _document_handler(
    service: DocumentService, pack: RulePack, guards: list[Guard], security: Any, errors: Sequence[int]
) -> HTTPRouteHandler:
    """`POST /v1/<name>` whose body is the whole document; the core checks it and decides."""

    async def handler(data: Any, accept_language: Any = None) -> Any:
        lang = negotiate(accept_language, pack.languages, pack.languages[0])
        try:
            body = service.respond(json_numbers(data), pack, lang)
        except ProblemsError as err:  # keys may hold dots (readiness item ids): pointers need the document
            raise DocumentProblemsError(err, data) from err
        return Response(to_json_data(body), headers={"Content-Language": lang, "Vary": "Accept-Language"})

    handler.__annotations__ = {
        "data": JSONBody[Annotated[dict[str, Any], DocumentBody(service.name)]],
        "accept_language": AcceptLanguage,
        "return": Response[service.response_model],  # type: ignore[name-defined]
    }
    return _decision_route(handler, service, guards, security, errors)


def _decision_route(
    handler: Callable[..., Any],
    service: DecisionService | DocumentService,
    guards: list[Guard],
    security: Any,
    errors: Sequence[int],
    before_request: Any = None,
) -> HTTPRouteHandler:
    """`POST /v1/<service name>` in the decisions tag, with its problem responses documented."""
    handler.__name__ = f"decide_{service.name.replace('-', '_')}"
    route: Callable[..., HTTPRouteHandler] = post(
        f"/v1/{service.name}",
        summary=service.summary,
        description=service.description,
        tags=["decisions"],
        status_code=200,
        before_request=before_request,
        guards=guards,
        security=security,
        responses=problem_specs(*errors),
        operation_id=handler.__name__,
    )
    return route(handler)


def app_from_env() -> Litestar:
    """The app as `ccm-rules serve` configures it through the environment (one per worker).

    `CCM_RULES_TOKEN` (bearer token), `CCM_RULES_RULES` (rule pack directory),
    `CCM_RULES_PACKS` (a JSON list of extension packs, names or folders, merged over it),
    `CCM_RULES_MAX_BODY` (bytes), `CCM_RULES_DB` (the records store the indicators are computed
    from; none when unset), `CCM_RULES_WEB` (`0`: no web app; else the web app at `/` when its
    extras are installed, its accounts in the store of `CCM_RULES_DB` or `ccm-records.sqlite3`,
    opened at the first page; cookies `Secure` when `CCM_RULES_WEB_SECURE` is `1`).
    Used as a uvicorn factory so several workers can start it.
    """
    import json
    import os

    rules = os.environ.get("CCM_RULES_RULES")
    packs = json.loads(os.environ.get("CCM_RULES_PACKS") or "[]")
    store = _indicators.store_from_env()
    app = create_app(
        RulePack.load(rules or None, extensions=packs) if rules or packs else None,
        token=os.environ.get("CCM_RULES_TOKEN") or None,
        max_body=int(os.environ.get("CCM_RULES_MAX_BODY", DEFAULT_MAX_BODY)),
        store=store,
        web=_web_from_env(),
    )
    if store is not None:
        app.on_shutdown.append(store.close)
    return app


def _web_from_env() -> WebSettings | None:
    """The web app's settings unless `CCM_RULES_WEB` is `0` or its extras are missing (then the API alone)."""
    import importlib.util
    import os

    if os.environ.get("CCM_RULES_WEB", "1") == "0" or any(
        importlib.util.find_spec(m) is None for m in ("argon2", "sqlalchemy", "alembic")
    ):
        return None
    from ccm_rules_adapters.web import WebSettings

    return WebSettings.from_env()
