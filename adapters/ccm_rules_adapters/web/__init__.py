"""The web app (issue 19): server-rendered pages for intake workers, case managers, planners
and administrators, served by `ccm-rules serve` at `/` beside the JSON API (extra `web`).

- One server: `web_router()` gives the routers that `http.create_app(web=WebSettings(...))`
  mounts beside the JSON API (`_app.py`).
- Four languages (en, cs, hu, de): the user's choice is kept in a cookie, `Accept-Language` is
  the default (`_security.choose_language`); the app's own texts are in `texts.yaml`.
- Accounts and roles (`storage.Accounts`, `Role`), argon2id passwords (`_passwords.py`),
  sessions in the store behind an HttpOnly, SameSite=Lax cookie, CSRF on every form and a
  strict Content-Security-Policy (`_security.py`).
- A page declares its roles with `requires(...)`; a case is reached only with `case_for`
  (404 for another organisation's case: `_access.py`).

Writing a page: a module `_pages_<name>.py` with `handlers()` returning Litestar route handlers;
render with `page(request, "web/<template>.html", title=title(request, key), …)` where the
template extends `web/base.html` and fills `content`; every form carries
`<input type="hidden" name="_csrf_token" value="{{ csrf }}"/>` (htmx requests send the token
by themselves, `static/web.js`).
"""

from ._access import CASE_ROLES, REGISTER_ROLES, case_for, current_user, requires
from ._app import page_handlers, web_router
from ._nav import COMING, NAV, Link
from ._passwords import MIN_LENGTH, authenticate, hash_password, password_problem
from ._render import page, redirect, render_html, safe_next, title
from ._security import CSP, CSRF_FIELD, CSRF_HEADER, WebContext, choose_language, web_context
from ._state import ENV_SECURE, WebSettings, WebState
from ._texts import TextsError, catalogue, ui_texts

__all__ = [
    "CASE_ROLES",
    "COMING",
    "CSP",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "ENV_SECURE",
    "MIN_LENGTH",
    "NAV",
    "REGISTER_ROLES",
    "Link",
    "TextsError",
    "WebContext",
    "WebSettings",
    "WebState",
    "authenticate",
    "case_for",
    "catalogue",
    "choose_language",
    "current_user",
    "hash_password",
    "page",
    "page_handlers",
    "password_problem",
    "redirect",
    "render_html",
    "requires",
    "safe_next",
    "title",
    "ui_texts",
    "web_context",
    "web_router",
]
