"""The organisation's cases: the list, the user's own, and a case's page with its change history.

Every case is reached through `case_for` (404 for another organisation's). The case page here
is the plain one (code, kind, who changed what and when); the intake interview may register a
fuller page at the same path, which then replaces this one (see `_app.web_router`).
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

from ._access import CASE_ROLES, case_for, current_user, requires
from ._render import page, title
from ._security import web_context


@get("/cases", guards=[requires(*CASE_ROLES)], include_in_schema=False)
async def cases_page(request: Request[Any, Any, Any]) -> Response[Any]:
    """Every case of the user's organisation, the newest change first."""
    user = current_user(request)
    found = await anyio.to_thread.run_sync(lambda: web_context(request).state.accounts().cases(user))
    return page(request, "web/cases.html", title=title(request, "cases_title"), heading="cases_title", cases=found)


@get("/cases/mine", guards=[requires(*CASE_ROLES)], include_in_schema=False)
async def my_cases_page(request: Request[Any, Any, Any]) -> Response[Any]:
    """The cases the user opened."""
    user = current_user(request)
    found = await anyio.to_thread.run_sync(lambda: web_context(request).state.accounts().cases(user, mine=True))
    return page(
        request, "web/cases.html", title=title(request, "my_cases_title"), heading="my_cases_title", cases=found
    )


@get("/cases/{case_id:int}", guards=[requires(*CASE_ROLES)], include_in_schema=False)
async def case_page(request: Request[Any, Any, Any], case_id: FromPath[int]) -> Response[Any]:
    """One case of the organisation, with every change (who, when, what); 404 for any other case."""
    case = await anyio.to_thread.run_sync(case_for, request, case_id)
    history = await anyio.to_thread.run_sync(lambda: web_context(request).state.accounts().changes(f"case:{case.id}"))
    return page(request, "web/case.html", title=title(request, "cases_title"), case=case, history=history)


def handlers() -> list[HTTPRouteHandler]:
    """This module's pages."""
    return [cases_page, my_cases_page]


def fallbacks() -> list[HTTPRouteHandler]:
    """Pages that step aside when another module registers the same path (the intake's case page)."""
    return [case_page]
