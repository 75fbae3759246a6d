"""Rendering a web page or fragment with the HTML reports' one Jinja2 environment.

Every page extends `web/base.html` (which extends the reports' `base.html`) and gets the same
context: `lang`, `ui` (this language's texts, `texts.yaml`), `user`, `csrf` (the token its forms
send back), `path`, `languages`, `nav` (the user's menu, `_nav.NAV`) and the rule pack's `pack`. A fragment (an htmx partial) is
rendered from its own template with the same context.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from litestar import Request, Response
from litestar.response import Redirect

from ccm_rules.engine import LANGUAGES
from ccm_rules_adapters.html import STYLESHEET, environment

from ._nav import NAV
from ._security import WebContext, web_context
from ._texts import ui_texts

STATIC_PATH = "/static"
"""Where the web app's files and the reports' stylesheet are served."""


def common_context(context: WebContext, path: str) -> dict[str, Any]:
    """What every web template is given (see the module's docstring)."""
    info = context.state.pack.info
    return {
        "lang": context.lang,
        "ui": ui_texts(context.lang),
        "user": context.user,
        "csrf": context.csrf,
        "path": path,
        "languages": LANGUAGES,
        "pack": info,
        "static": STATIC_PATH,
        "stylesheet_url": f"{STATIC_PATH}/{STYLESHEET}",
        "csp_nonce": None,
        "inline_css": None,
        "report": "web",
        "nav": NAV[context.user.role] if context.user else (),
    }


def render_html(context: WebContext, template: str, path: str, values: Mapping[str, Any]) -> str:
    """The text of `template` rendered for this request."""
    return environment().get_template(template).render({**common_context(context, path), **values})


def page(request: Request[Any, Any, Any], template: str, status: int = 200, **values: Any) -> Response[str]:
    """A whole page (or an htmx fragment: a template that does not extend `web/base.html`) as a response."""
    context = web_context(request)
    html = render_html(context, template, request.url.path, values)
    return Response(
        html,
        status_code=status,
        media_type="text/html; charset=utf-8",
        headers={"Content-Language": context.lang, "Vary": "Cookie, Accept-Language"},
    )


def title(request: Request[Any, Any, Any], key: str) -> str:
    """A page's `<title>`: its heading (the text of `key`) and the app's name, in the request's language."""
    ui = ui_texts(web_context(request).lang)
    return f"{ui[key]} · {ui.app_name}"


def redirect(path: str, status: Literal[301, 302, 303, 307, 308] = 303) -> Redirect:
    """A redirect to one of this app's own paths (`303 See Other` after a form: the browser GETs it)."""
    return Redirect(path=safe_next(path), status_code=status)


def safe_next(path: str | None) -> str:
    """`path` when it is a path of this server (`/…`, not `//host` or a URL), else `/`: no open redirect."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path or any(ord(c) < 32 for c in path):
        return "/"
    return path
