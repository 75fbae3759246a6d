"""The administrator's pages: the users of this server (adding them stays on the command line)."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler

from ccm_rules_adapters.storage import Role

from ._access import requires
from ._render import page, title
from ._security import web_context


@get("/admin/users", guards=[requires(Role.ADMINISTRATOR)], include_in_schema=False)
async def users_page(request: Request[Any, Any, Any]) -> Response[Any]:
    """Every user, their organisation, role and whether the account is active."""
    people = await anyio.to_thread.run_sync(web_context(request).state.accounts().users)
    return page(request, "web/users.html", title=title(request, "users_title"), people=people)


def handlers() -> list[HTTPRouteHandler]:
    """This module's pages."""
    return [users_page]
