"""The web app's routes, mounted into the JSON API's Litestar app (`http.create_app(web=…)`).

`web_router(settings, pack)` gathers the pages of every module of this package named `_pages*`
(each defines `handlers()`, and may define `fallbacks()`: pages that step aside when another
module registers the same path), adds a "coming" page for each linked page nobody built yet
(`_nav.COMING`), and wraps them all in `web_middleware` (security headers, session, language,
CSRF). The web routes answer errors as pages of their own (sign-in redirect, 403, 404), in the
user's language; the JSON API keeps its problem+json answers and bearer tokens.

A new page is a new module `_pages_<name>.py` with `handlers()`; nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, Router
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.handlers import HTTPRouteHandler
from litestar.static_files import create_static_files_router
from litestar.types import ExceptionHandlersMap

from ccm_rules import RulePack
from ccm_rules_adapters import html

from ._nav import COMING
from ._pages import coming_page
from ._render import STATIC_PATH, page, redirect, render_html
from ._security import WebContext, security_headers_middleware, web_context, web_middleware
from ._state import WebSettings, WebState
from ._texts import ui_texts

STATIC = Path(__file__).parent / "static"
"""The web app's own files (htmx, web.js, web.css, print.css)."""
REPORT_STATIC = Path(html.__file__).parent / "static"
"""The reports' stylesheet (`report.css`), shared with the web pages."""

ERRORS = {
    403: ("error_forbidden_title", "error_forbidden"),
    404: ("error_not_found_title", "error_not_found"),
    "csrf": ("error_csrf_title", "error_csrf"),
    400: ("error_bad_request_title", None),
}


PAGE_MODULES = ("_goals", "_intake", "_planner")
"""Modules of pages that list their handlers in a `*_ROUTES` list instead of `handlers()`."""


def page_modules() -> list[Any]:
    """The modules of this package that define pages (`_pages*` and `PAGE_MODULES`), in name order."""
    names = sorted(
        info.name
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name.startswith("_pages") or info.name in PAGE_MODULES
    )
    return [importlib.import_module(f"{__package__}.{name}") for name in names]


def _handlers_of(module: Any) -> list[HTTPRouteHandler]:
    if hasattr(module, "handlers"):
        return list(module.handlers())
    return [h for name in sorted(vars(module)) if name.endswith("_ROUTES") for h in getattr(module, name)]


def page_handlers() -> list[HTTPRouteHandler]:
    """Every page: the modules' own, then the fallbacks and "coming" pages whose path nobody else took."""
    modules = page_modules()
    main: list[HTTPRouteHandler] = [h for module in modules for h in _handlers_of(module)]
    taken = {path for h in main for path in h.paths}
    spare = [h for module in modules if hasattr(module, "fallbacks") for h in module.fallbacks() if not h.paths & taken]
    taken |= {path for h in spare for path in h.paths}
    coming = [coming_page(path, what, roles) for path, (what, roles) in COMING.items() if path not in taken]
    return [*main, *spare, *coming]


def web_router(
    settings: WebSettings | None = None, pack: RulePack | None = None, *, state: WebState | None = None
) -> list[Router]:
    """The web app's routers for one app: the pages at `/` and the static files at `/static`."""
    if state is None:
        from ccm_rules.engine import default_pack

        state = WebState(settings or WebSettings(), pack or default_pack())
    pages = Router(
        "/",
        route_handlers=page_handlers(),
        middleware=[web_middleware(state, refusal)],
        before_request=_no_body_hook,  # the JSON API reads every POST body as JSON; a form is not JSON
        exception_handlers=_exception_handlers(),
        include_in_schema=False,
    )
    static = create_static_files_router(
        path=STATIC_PATH,
        directories=[STATIC, REPORT_STATIC],
        middleware=[security_headers_middleware],
        include_in_schema=False,
        name="web-static",
    )
    return [pages, static]


async def _no_body_hook(request: Request[Any, Any, Any]) -> None:
    """Replaces the API's `read_body` hook on the web routes: forms are read by the handlers."""


def refusal(context: WebContext, status: int, kind: str) -> tuple[int, bytes]:
    """A refusal page rendered outside a handler (the middleware's CSRF check)."""
    heading, message = ERRORS[kind]
    html = render_html(
        context,
        "web/error.html",
        "",
        {"title": ui_texts(context.lang)[heading], "heading": heading, "message": message},
    )
    return status, html.encode()


def _error_page(request: Request[Any, Any, Any], status: int) -> Response[Any]:
    heading, message = ERRORS[status]
    ui = ui_texts(web_context(request).lang)
    return page(request, "web/error.html", status=status, title=ui[heading], heading=heading, message=message)


def _exception_handlers() -> ExceptionHandlersMap:
    def not_signed_in(request: Request[Any, Any, Any], _exc: Exception) -> Response[Any]:
        target = "/login" if request.url.path == "/" else f"/login?next={quote(request.url.path)}"
        if request.headers.get("hx-request"):  # htmx: a whole-page redirect, not a login form inside a fragment
            return Response("", status_code=401, headers={"HX-Redirect": target})
        return redirect(target)

    def forbidden(request: Request[Any, Any, Any], _exc: Exception) -> Response[Any]:
        return _error_page(request, 403)

    def not_found(request: Request[Any, Any, Any], _exc: Exception) -> Response[Any]:
        return _error_page(request, 404)

    def bad_request(request: Request[Any, Any, Any], _exc: Exception) -> Response[Any]:
        return _error_page(request, 400)

    return {
        NotAuthorizedException: not_signed_in,
        PermissionDeniedException: forbidden,
        NotFoundException: not_found,
        ValidationException: bad_request,
    }
