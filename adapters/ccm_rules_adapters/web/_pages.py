"""The pages every user meets: the start page per role, signing in and out, the language choice,
and the "coming" pages of `_nav.COMING`."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromQuery

from ccm_rules.engine import LANGUAGES
from ccm_rules_adapters.storage import Role

from ._access import current_user, requires
from ._passwords import authenticate
from ._render import page, redirect, safe_next, title
from ._security import LANG_COOKIE, LANG_COOKIE_DAYS, SESSION_COOKIE, cookie, web_context


@get("/", sync_to_thread=False, include_in_schema=False)
def home(request: Request[Any, Any, Any]) -> Response[Any]:
    """The start page of the user's role; before signing in, the sign-in page."""
    if web_context(request).user is None:
        return redirect("/login")
    return page(request, "web/home.html", title=title(request, "home_title"))


@get("/login", sync_to_thread=False, include_in_schema=False)
def login_page(request: Request[Any, Any, Any], next: FromQuery[str] = "/") -> Response[Any]:
    """The sign-in form (a signed-in user goes straight on)."""
    if web_context(request).user is not None:
        return redirect(next)
    return page(
        request, "web/login.html", title=title(request, "login_title"), failed=False, name="", next=safe_next(next)
    )


@post("/login", include_in_schema=False)
async def login(request: Request[Any, Any, Any]) -> Response[Any]:
    """Check the name and password; on success a new session (a fresh token: no fixation) and on to `next`."""
    form = await request.form()
    name, password, target = (str(form.get(k) or "") for k in ("name", "password", "next"))
    context = web_context(request)
    accounts = context.state.accounts()
    user = (
        await anyio.to_thread.run_sync(authenticate, accounts, name.strip(), password)
        if name.strip() and password
        else None
    )
    if user is None:
        return page(
            request,
            "web/login.html",
            status=401,
            title=title(request, "login_title"),
            failed=True,
            name=name.strip(),
            next=safe_next(target),
        )
    if context.session_token:  # signing in again ends the old session
        await anyio.to_thread.run_sync(accounts.end_session, context.session_token)
    token, _csrf = await anyio.to_thread.run_sync(
        lambda: accounts.start_session(user, hours=context.state.settings.session_hours)
    )
    context.set_cookies.append(
        cookie(SESSION_COOKIE, token, secure=context.secure, max_age=context.state.settings.session_hours * 3600)
    )
    return redirect(target or "/")


@post("/logout", include_in_schema=False)
async def logout(request: Request[Any, Any, Any]) -> Response[Any]:
    """End the session (deleted in the store, so the cookie is dead everywhere) and back to the sign-in page."""
    context = web_context(request)
    if context.session_token:
        await anyio.to_thread.run_sync(context.state.accounts().end_session, context.session_token)
    context.set_cookies.append(cookie(SESSION_COOKIE, "", secure=context.secure, max_age=0))
    return redirect("/login")


@post("/language", include_in_schema=False)
async def choose_language(request: Request[Any, Any, Any]) -> Response[Any]:
    """Remember the chosen language in a cookie (a year) and show the same page again."""
    form = await request.form()
    lang, target = str(form.get("lang") or ""), str(form.get("next") or "/")
    context = web_context(request)
    if lang in LANGUAGES:
        context.set_cookies.append(cookie(LANG_COOKIE, lang, secure=context.secure, max_age=LANG_COOKIE_DAYS * 86400))
    return redirect(target)


def coming_page(path: str, what: str, roles: frozenset[Role]) -> HTTPRouteHandler:
    """A page that says it is coming, for the roles it will be for."""

    def handler(request: Request[Any, Any, Any]) -> Response[Any]:
        current_user(request)
        return page(request, "web/coming.html", title=title(request, "coming_title"), what=what)

    handler.__name__ = "coming_" + path.strip("/").replace("/", "_")
    route: HTTPRouteHandler = get(
        path, guards=[requires(*roles)], sync_to_thread=False, include_in_schema=False, name=handler.__name__
    )(handler)
    return route


def handlers() -> list[HTTPRouteHandler]:
    """This module's pages."""
    return [home, login_page, login, logout, choose_language]
