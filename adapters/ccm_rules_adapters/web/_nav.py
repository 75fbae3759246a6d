"""Each role's menu, and the linked pages that are not built yet.

`NAV` is the one list of each role's pages: the menu of every page and the start page show it.
A page of `COMING` answers "coming", saying so, until a module of this package registers the
real one at its path (see `_app.web_router`).
"""

from __future__ import annotations

import attrs

from ccm_rules_adapters.storage import Role

from ._access import CASE_ROLES, REGISTER_ROLES


@attrs.frozen
class Link:
    """One entry of a role's menu: the path and the key of its text in `texts.yaml`."""

    path: str
    text: str


NAV: dict[Role, tuple[Link, ...]] = {
    Role.INTAKE_WORKER: (
        Link("/intake", "link_open_case"),
        Link("/cases/mine", "link_my_cases"),
        Link("/cases", "link_cases"),
        Link("/register", "link_register"),
    ),
    Role.CASE_MANAGER: (Link("/cases", "link_cases"), Link("/goals", "link_goals"), Link("/register", "link_register")),
    Role.PLANNER: (
        Link("/planner/readiness", "link_readiness"),
        Link("/planner/dacts", "link_fidelity"),
        Link("/planner/indicators", "link_indicators"),
    ),
    Role.ADMINISTRATOR: (Link("/admin/users", "link_users"),),
}
"""Each role's pages, in menu order."""

COMING: dict[str, tuple[str, frozenset[Role]]] = {
    "/intake": ("link_open_case", CASE_ROLES),
    "/goals": ("link_goals", CASE_ROLES),
    "/register": ("link_register", REGISTER_ROLES),
    "/planner/readiness": ("link_readiness", frozenset({Role.PLANNER})),
    "/planner/dacts": ("link_fidelity", frozenset({Role.PLANNER})),
    "/planner/indicators": ("link_indicators", frozenset({Role.PLANNER})),
}
"""The linked pages that later work builds, with their text key and roles; each says "coming" until then."""
