"""The API docs pages under `/schema`, served offline: no CDN, no Google fonts, no remote favicon.

Litestar's default render plugins load their JavaScript, CSS, fonts and favicon from
jsDelivr, unpkg, cdn.redoc.ly and fonts.googleapis.com, so the pages were blank without
internet access and told those hosts who read the docs. Here the two kept viewers (Redoc at
`/schema` and `/schema/redoc`, Swagger UI at `/schema/swagger`) load only the files vendored
in `static/` (versions and licenses: `static/README.md`), served by this app at
`ASSETS_PATH`. Every `/schema` response also carries `CSP`, so the browser itself refuses
anything from elsewhere that a viewer's script asks for at run time (Redoc 2's footer logo
from cdn.redoc.ly is the one known case; it is simply not shown). RapiDoc and Stoplight
Elements are not offered: their bundles would double the vendored size for a third and
fourth view of the same document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Router
from litestar.datastructures import CacheControlHeader, ResponseHeader
from litestar.openapi.plugins import (
    JsonRenderPlugin,
    OpenAPIRenderPlugin,
    RedocRenderPlugin,
    SwaggerRenderPlugin,
    YamlRenderPlugin,
)
from litestar.static_files import create_static_files_router

DOCS_PATH = "/schema"
"""The OpenAPI router: the viewers, `openapi.json` and `openapi.yaml`."""

STATIC = Path(__file__).parent / "static"
"""The vendored viewer files (shipped in the wheel as package data)."""

ASSETS_PATH = "/schema-assets"
"""Where the app serves `STATIC`; outside `/schema`, whose `{path}` catch-all belongs to the OpenAPI router."""

REDOC_JS = f"{ASSETS_PATH}/redoc/redoc.standalone.js"
SWAGGER_JS = f"{ASSETS_PATH}/swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS = f"{ASSETS_PATH}/swagger-ui/swagger-ui.css"
FAVICON = f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/swagger-ui/favicon-32x32.png'>"

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",  # each page starts its viewer with an inline script holding the document
        "style-src 'self' 'unsafe-inline'",  # both viewers inject <style> elements
        "img-src 'self' data:",
        "worker-src 'self' blob:",  # Redoc's search index runs in a worker made from a blob
        "connect-src 'self'",  # Swagger UI's "Try it out" calls this server only
        "object-src 'none'",
        "base-uri 'self'",
    ]
)
"""Content-Security-Policy of the `/schema` responses: this server's own files, nothing else."""

_UNUSED_PRESET = f"{ASSETS_PATH}/swagger-ui/swagger-ui-standalone-preset.js"  # not vendored: see _SwaggerPage


class _SwaggerPage(SwaggerRenderPlugin):
    """Litestar's Swagger UI page without its standalone-preset `<script>`.

    The page never uses that script: it names the preset as `SwaggerUIBundle.SwaggerUIStandalonePreset`,
    which the bundle does not define (the preset file sets `window.SwaggerUIStandalonePreset`), and it
    does not ask for the standalone layout. Dropping the tag saves vendoring 268 KB of dead code. Should
    a later Litestar write the tag differently, it stays in the page pointing at a file that is not
    there, and tests/test_http_offline_docs.py fails on that 404.
    """

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        page = super().render(request, openapi_schema)
        return page.replace(f'<script src="{_UNUSED_PRESET}" crossorigin></script>'.encode(), b"")


def render_plugins() -> list[OpenAPIRenderPlugin]:
    """The `/schema` pages: Redoc first (so it is the root page, as before), Swagger UI, the document."""
    return [
        RedocRenderPlugin(js_url=REDOC_JS, google_fonts=False, favicon=FAVICON, path=["/", "/redoc"]),
        _SwaggerPage(
            js_url=SWAGGER_JS,
            css_url=SWAGGER_CSS,
            standalone_preset_js_url=_UNUSED_PRESET,
            favicon=FAVICON,
            path="/swagger",
        ),
        JsonRenderPlugin(),
        YamlRenderPlugin(),
    ]


def docs_router() -> Router:
    """The router Litestar fills with the `render_plugins()` pages, every answer under `CSP`.

    As Litestar's own (when none is given): out of the OpenAPI document, no DTOs.
    """
    return Router(
        DOCS_PATH,
        route_handlers=[],
        include_in_schema=False,
        dto=None,
        return_dto=None,
        response_headers=[ResponseHeader(name="Content-Security-Policy", value=CSP)],
    )


def assets_router() -> Router:
    """`GET /schema-assets/<file>`: the vendored files, public (like `/schema`), cached for a day."""
    return create_static_files_router(
        ASSETS_PATH,
        directories=[STATIC],
        name="schema-assets",
        cache_control=CacheControlHeader(max_age=86400, public=True),
    )
