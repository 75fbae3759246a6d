"""The API docs pages under /schema load nothing from outside the server (issue 14 item 13).

Every HTML page the OpenAPI router serves names only same-origin scripts, styles and icons,
and each of them answers. A real browser with every non-loopback request blocked then
renders Redoc and Swagger UI with their operation lists (screenshots: /tmp/schema.png,
/tmp/schema-swagger.png). Redoc 2 asks at run time for its footer logo from cdn.redoc.ly;
the pages' Content-Security-Policy stops that in the browser, before any request is made.
"""

from __future__ import annotations

import importlib.util
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar.testing import TestClient

from ccm_rules import RulePack
from ccm_rules_adapters.http import create_app

from .test_http import copy_core_rules, start_server

CHROMIUM = Path("/usr/bin/chromium")
KEPT_PAGES = {"/schema", "/schema/redoc", "/schema/swagger"}
"""The viewers offered; RapiDoc and Stoplight Elements were dropped (their bundles are large)."""


class _Assets(HTMLParser):
    """The `src`/`href` of every script, link and img of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "link", "img"):
            self.urls += [(tag, value) for name, value in attrs if name in ("src", "href") and value]


def assets_of(html: str) -> list[tuple[str, str]]:
    parser = _Assets()
    parser.feed(html)
    parser.close()
    return parser.urls


def is_same_origin_path(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and url.startswith("/")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    pack = RulePack.load(copy_core_rules(tmp_path_factory.mktemp("rules")))
    with TestClient(create_app(pack, token="s3cret")) as c:  # the docs stay public with a token set
        yield c


def docs_pages(client: Any) -> list[str]:
    """Every HTML page of the OpenAPI router (`/schema`, `/schema/<viewer>`, the OAuth2 redirect page)."""
    paths = sorted(r.path for r in client.app.routes if r.path.startswith("/schema") and "{" not in r.path)
    return [p for p in paths if client.get(p).headers["content-type"].startswith("text/html")]


def test_the_kept_viewers_are_served(client: Any) -> None:
    assert set(docs_pages(client)) >= KEPT_PAGES
    assert client.get("/schema/openapi.json").status_code == 200


def test_every_docs_page_loads_only_same_origin_assets_that_answer(client: Any) -> None:
    checked: set[str] = set()
    for page in docs_pages(client):
        r = client.get(page)
        assert r.status_code == 200, page
        urls = assets_of(r.text)
        foreign = [url for _, url in urls if not is_same_origin_path(url)]
        assert not foreign, f"{page} loads from outside the server: {foreign}"
        for _, url in urls:
            asset = client.get(url)
            assert asset.status_code == 200 and asset.content, f"{page}: {url} answers {asset.status_code}"
            checked.add(url)
            if url.endswith(".css"):  # a stylesheet may pull in fonts or images of its own
                refs = [u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", asset.text) if not u.startswith("data:")]
                assert all(is_same_origin_path(u) for u in refs), f"{url} loads {refs}"
    assert any(u.endswith("redoc.standalone.js") for u in checked)
    assert any(u.endswith("swagger-ui-bundle.js") for u in checked)


def test_the_docs_pages_tell_the_browser_to_load_nothing_from_elsewhere(client: Any) -> None:
    for page in docs_pages(client):
        directives = client.get(page).headers["content-security-policy"].split("; ")
        policy = {name: sources for name, _, sources in (d.partition(" ") for d in directives)}
        assert policy["default-src"] == "'self'", page
        for directive in ("script-src", "style-src", "img-src", "connect-src", "worker-src"):
            sources = policy[directive].split()
            assert "'self'" in sources and not [s for s in sources if "." in s or s in ("*", "https:", "http:")], (
                page,
                directive,
                sources,
            )


def test_no_google_fonts_or_cdn_named_anywhere_in_the_pages(client: Any) -> None:
    for page in KEPT_PAGES:
        text = client.get(page).text
        for host in ("fonts.googleapis.com", "cdn.jsdelivr.net", "unpkg.com", "cdn.redoc.ly"):
            assert host not in text, (page, host)


def test_the_vendored_files_are_not_in_the_openapi_document(client: Any) -> None:
    assert not [p for p in client.get("/schema/openapi.json").json()["paths"] if p.startswith("/schema")]


def test_the_vendored_licenses_ship_next_to_the_files(client: Any) -> None:
    for name in ("redoc/LICENSE", "swagger-ui/LICENSE", "swagger-ui/NOTICE", "README.md"):
        assert client.get(f"/schema-assets/{name}").status_code == 200, name


_BROWSER_MISSING = (
    "needs playwright and Chromium at /usr/bin/chromium: "
    "apt-get install -y chromium chromium-driver && .venv/bin/pip install playwright"
)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("playwright") is None or not CHROMIUM.exists(), reason=_BROWSER_MISSING)
def test_a_browser_offline_renders_the_docs(tmp_path: Path) -> None:
    from playwright.sync_api import Route, sync_playwright

    proc, url = start_server(copy_core_rules(tmp_path / "rules"))
    blocked: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    refused: list[str] = []  # what the Content-Security-Policy stopped

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    # (page, what shows the operation list, screenshot)
    views = [
        ("/schema", "h2:has-text('Liveness and rule-pack identity')", "schema.png"),
        ("/schema/swagger", ".opblock-summary-path[data-path='/v1/eligibility']", "schema-swagger.png"),
    ]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            try:
                for path, operation, shot in views:
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.route("**/*", only_loopback)
                    page.on("pageerror", lambda err: errors.append(str(err)))
                    page.on(
                        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
                    )
                    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
                    page.goto(url + path, wait_until="networkidle")
                    page.locator(operation).first.wait_for(state="visible", timeout=20_000)
                    page.screenshot(path=str(Path(tempfile.gettempdir()) / shot))
                    page.close()
            finally:
                browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert not blocked, f"the docs asked for outside hosts: {blocked}"
    assert not failed, failed
    assert not errors, errors
    assert all("https://cdn.redoc.ly/redoc/logo-mini.svg" in m for m in refused), refused
