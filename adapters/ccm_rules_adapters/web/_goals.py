"""The goal field (issue 19 item 4): as the worker types a goal, which SMART criteria are met, not met or open.

`GET /goal` is a page with one textarea. With htmx loaded, every pause in typing
(`keyup changed delay:300ms`) posts the text to `POST /goal/check`, whose fragment replaces
the SMART list under the field; without JavaScript the form's button posts to `POST /goal`,
which answers the whole page with the same list. The text goes in a POST body, never in a URL,
and is not stored. The check is `ccm_rules.goals.assess_goal` (seed 004 "SMART"), each
criterion explained in the worker's language by `ccm_rules.engine.explain`.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post

from ccm_rules.engine import FactsError, explain
from ccm_rules.goals import assess_goal

from ._access import CASE_ROLES, requires
from ._intake import LAYOUT, Form, _Texts
from ._render import page
from ._security import web_context


def _smart(request: Request[Any, Any, Any], text: str) -> dict[str, Any]:
    """The SMART list of `text` for the templates: the explained criteria, or the problems (an empty goal)."""
    context = web_context(request)
    if not text.strip():
        return {"smart": None, "problems": []}
    try:
        assessment = assess_goal(text, lang=context.lang, pack=context.state.pack)
    except FactsError as refused:
        return {"smart": None, "problems": [p.text(context.lang) for p in refused.problems]}
    return {"smart": explain(assessment.decision, context.state.pack, context.lang), "problems": []}


@get("/goal", guards=[requires(*CASE_ROLES)], sync_to_thread=False)
def goal_page(request: Request[Any, Any, Any]) -> Response[str]:
    """The goal field, empty."""
    t = _Texts(web_context(request).lang)
    return page(request, "web/intake/goal.html", layout=LAYOUT, t=t, title=t.goal_title, goal="", **_smart(request, ""))


@post("/goal", guards=[requires(*CASE_ROLES)], sync_to_thread=False)
def goal_checked(request: Request[Any, Any, Any], data: Form) -> Response[str]:
    """The goal field with the SMART list of what was sent (the form without JavaScript)."""
    t = _Texts(web_context(request).lang)
    text = str(data.get("goal") or "")
    return page(
        request, "web/intake/goal.html", layout=LAYOUT, t=t, title=t.goal_title, goal=text, **_smart(request, text)
    )


@post("/goal/check", guards=[requires(*CASE_ROLES)], sync_to_thread=False)
def goal_fragment(request: Request[Any, Any, Any], data: Form) -> Response[str]:
    """The SMART list alone (the htmx fragment swapped in as the worker types)."""
    t = _Texts(web_context(request).lang)
    return page(request, "web/intake/smart.html", t=t, **_smart(request, str(data.get("goal") or "")))


GOAL_ROUTES = [goal_page, goal_checked, goal_fragment]
"""The goal field's route handlers, for the web app's router."""
