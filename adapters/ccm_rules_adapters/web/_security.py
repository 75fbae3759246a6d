"""Every web request's guard rails: security headers, the signed-in user, the language and CSRF.

`web_middleware(state)` wraps the web app's routes (not the JSON API, which keeps its bearer
tokens and needs no CSRF token). For each request it

- sends a strict Content-Security-Policy (`script-src 'self'`: no inline script, no eval, no
  CDN), `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` (nothing to other sites), `frame-ancestors
  'none'` (and `X-Frame-Options: DENY` for old browsers) and `Cache-Control: no-store` (a page
  may show a case);
- reads the session cookie and finds the signed-in user (`WebContext.user`);
- chooses the language: the `ccm_lang` cookie the user set, else the best of `Accept-Language`;
- checks CSRF on every unsafe request (POST, PUT, PATCH, DELETE): the token of the page (form
  field `_csrf_token` or header `X-CSRF-Token`, which `static/web.js` adds to htmx requests)
  must equal the session's own token (signed in) or the `ccm_csrf` cookie's (double submit,
  before signing in), compared in constant time; a request another site started
  (`Sec-Fetch-Site: cross-site`, or an `Origin` that is not this server) is refused as well.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
import attrs
from litestar import Request
from litestar.datastructures import Cookie
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from ccm_rules.engine import LANGUAGES
from ccm_rules_adapters.http import negotiate
from ccm_rules_adapters.storage import User

from ._state import WebState

SESSION_COOKIE = "ccm_session"
CSRF_COOKIE = "ccm_csrf"
LANG_COOKIE = "ccm_lang"
CSRF_FIELD = "_csrf_token"
CSRF_HEADER = "x-csrf-token"
LANG_COOKIE_DAYS = 365
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CONTEXT = "ccm_rules.web"
"""Where the request's `WebContext` is kept in the scope's state."""

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",  # htmx and web.js from this server; no inline script, no eval (htmx-config allowEval false)
        "style-src 'self'",  # the stylesheets as files: no <style>, no style attributes
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",  # htmx requests go to this server only
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
"""Content-Security-Policy of every web page and fragment."""

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make Chromium send `Origin: null` on our own form posts
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


@attrs.define
class WebContext:
    """What the middleware found out about one request, for the handlers and templates."""

    state: WebState
    lang: str
    user: User | None
    csrf: str
    """The token every form and htmx request of this page must send back."""
    session_token: str | None
    secure: bool
    """Whether cookies set in this response get the `Secure` flag."""
    set_cookies: list[str] = attrs.field(factory=list)
    """`Set-Cookie` header values the middleware adds to the response."""


def web_context(request: Request[Any, Any, Any]) -> WebContext:
    """The `WebContext` of a web request (set by `web_middleware`)."""
    context: WebContext = request.scope["state"][CONTEXT]
    return context


def cookie(name: str, value: str, *, secure: bool, max_age: int | None, samesite: str = "lax") -> str:
    """A `Set-Cookie` value: HttpOnly, path `/`, SameSite (Lax by default), `Secure` when asked."""
    return Cookie(
        key=name,
        value=value,
        path="/",
        httponly=True,
        samesite=samesite,  # type: ignore[arg-type]
        secure=secure,
        max_age=max_age,
    ).to_header(header="")


def choose_language(cookie_value: str | None, accept_language: str | None) -> str:
    """The user's chosen language (cookie) when it is one of ours, else the best of `Accept-Language`, else en."""
    if cookie_value in LANGUAGES:
        return str(cookie_value)
    return negotiate(accept_language, LANGUAGES, LANGUAGES[0])


def same_origin(scope: Scope, headers: dict[str, str]) -> bool:
    """False when the browser says another site started the request (Fetch metadata, or an Origin not this host)."""
    if headers.get("sec-fetch-site", "same-origin") == "cross-site":
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    if origin == "null":  # an opaque origin: trusted only when the browser says the request is our own
        return headers.get("sec-fetch-site") == "same-origin"
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()


def with_headers(
    headers: Iterable[tuple[bytes, bytes]], extra: Iterable[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    """`headers` with each of `extra` set (replacing a header of the same name)."""
    names = {name for name, _ in extra}
    return [h for h in headers if h[0].lower() not in names] + list(extra)


def security_headers_middleware(app: ASGIApp) -> ASGIApp:
    """Only the security headers (for the static files, which need neither session nor CSRF)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_headers(message.get("headers", []), SECURITY_HEADERS)
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware


def web_middleware(
    state: WebState, refuse: Callable[[WebContext, int, str], tuple[int, bytes]]
) -> Callable[[ASGIApp], ASGIApp]:
    """The middleware of the web routes (see the module's docstring); `refuse(context, status, kind)` renders a refusal page."""

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if str(scope["type"]) != "http":
                await app(scope, receive, send)
                return
            request: Request[Any, Any, Any] = Request(scope, receive)
            headers = {k.lower(): v for k, v in request.headers.items()}
            cookies = request.cookies
            secure = state.settings.secure_cookies or scope.get("scheme") == "https"
            user, csrf, token = None, "", cookies.get(SESSION_COOKIE) or None
            if token:
                found = await anyio.to_thread.run_sync(state.accounts().session, token)
                if found is not None:
                    user, csrf = found
                else:
                    token = None
            context = WebContext(
                state,
                choose_language(cookies.get(LANG_COOKIE), headers.get("accept-language")),
                user,
                csrf,
                token,
                secure,
            )
            if user is None:
                context.csrf = cookies.get(CSRF_COOKIE) or ""
                if len(context.csrf) < 32:
                    context.csrf = secrets.token_urlsafe(32)
                    context.set_cookies.append(
                        cookie(CSRF_COOKIE, context.csrf, secure=secure, max_age=None, samesite="strict")
                    )
                if cookies.get(SESSION_COOKIE):  # an old or forged session cookie: drop it
                    context.set_cookies.append(cookie(SESSION_COOKIE, "", secure=secure, max_age=0))
            scope.setdefault("state", {})[CONTEXT] = context

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    extra = [*SECURITY_HEADERS, (b"cache-control", b"no-store")]
                    out = with_headers(message.get("headers", []), extra)
                    out += [(b"set-cookie", value.encode("latin-1")) for value in context.set_cookies]
                    message["headers"] = out
                await send(message)

            if request.method in UNSAFE_METHODS and not await _csrf_ok(request, headers, context):
                status, body = refuse(context, 403, "csrf")
                start: Any = {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [
                        (b"content-type", b"text/html; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
                await send_with_headers(start)
                end: Any = {"type": "http.response.body", "body": body}
                await send(end)
                return
            await app(scope, receive, send_with_headers)

        return middleware

    return factory


async def _csrf_ok(request: Request[Any, Any, Any], headers: dict[str, str], context: WebContext) -> bool:
    if not same_origin(request.scope, headers):
        return False
    given = headers.get(CSRF_HEADER)
    if not given and headers.get("content-type", "").split(";")[0].strip() in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    expected = context.csrf if context.user is not None else request.cookies.get(CSRF_COOKIE, "")
    return bool(given) and bool(expected) and hmac.compare_digest(str(given).encode(), expected.encode())
