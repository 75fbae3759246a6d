"""Who may open what: the one role guard of the pages and the one way to reach a case.

A page declares its roles: `@get("/readiness", guards=[requires(Role.PLANNER)])`. Nobody signed
in → the sign-in page (and back here after it); signed in with another role → 403 "not for
your role". A case is reached only through `case_for(request, case_id)`, which looks it up
within the user's organisation: a case of another organisation answers 404, exactly as a case
that does not exist, by URL and by form alike, so its existence is not revealed.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from ccm_rules_adapters.storage import Case, CaseNotFound, Role, User

from ._security import CONTEXT, WebContext, web_context

ALL_ROLES = frozenset(Role)
REGISTER_ROLES = frozenset({Role.INTAKE_WORKER, Role.CASE_MANAGER})
"""Who may open the code register (identities behind the codes, 002 §8.2, line 191): those who meet the
clients. Planners work on aggregates and administrators on accounts: they never need an identity
(project policy)."""
CASE_ROLES = frozenset({Role.INTAKE_WORKER, Role.CASE_MANAGER})
"""Who works on cases (project policy: planners see indicators, not cases)."""


def requires(*roles: Role) -> Guard:
    """A guard that lets only a signed-in user with one of `roles` through (none given: any role)."""
    allowed = frozenset(roles) or ALL_ROLES

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        context: WebContext = connection.scope["state"][CONTEXT]
        if context.user is None:
            raise NotAuthorizedException("sign in first")
        if context.user.role not in allowed:
            raise PermissionDeniedException("not for this role")

    guard.__qualname__ = f"requires({', '.join(sorted(r.value for r in allowed))})"
    return guard


def current_user(request: Request[Any, Any, Any]) -> User:
    """The signed-in user of a page behind `requires(...)`."""
    user = web_context(request).user
    if user is None:  # only reached by a page without the guard
        raise NotAuthorizedException("sign in first")
    return user


def case_for(request: Request[Any, Any, Any], case_id: int) -> Case:
    """The case `case_id` of the signed-in user's organisation; 404 for any other (none, or another organisation's)."""
    context = web_context(request)
    if context.user is None:
        raise NotAuthorizedException("sign in first")
    try:
        return context.state.accounts().case(context.user, case_id)
    except CaseNotFound:
        raise NotFoundException("no such case") from None
