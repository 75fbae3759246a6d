"""The intake interview in the browser (issue 19 item 3): open a case, answer one screen at a time, see the decision.

Pages (all behind the case roles, `CASE_ROLES`; a case is reached only through `case_for`, so
another organisation's case is a 404 by URL and by form alike):

- `GET /intake` — my cases (resume one) and the form to open a case under a pseudonymous
  code; `POST /intake` opens it (a code that looks like a name, an e-mail address or an
  identity number is refused: `ccm_rules.records.code_problem` and `identity_in_text`).
- `GET /intake/{id}` — the next screen of the interview (`ccm_rules.eligibility.interview`):
  one plain form (a whole page each: nothing to swap), "not known yet" always allowed, buttons Save, Back and Stop. `?step=N` shows a
  screen already answered again (Back). `POST /intake/{id}` records the answers
  (`record_answers`: every change is in the store's change log with who and when).
- `GET /intake/{id}/decision` — the decision: each criterion's status, reason and source with
  the seed's own words, what is still to assess, and for an eligible client the team-model
  step (its axes, ACT/ICM); printable (the reports' stylesheet has print rules).

A case's answers are stored as `{"facts": …, "not_known": […], "trail": [[fact, …], …]}`:
the facts (as a case file writes them), the questions answered "not known yet", and the
questions of each screen answered, in order (for Back). No personal data goes into a URL:
a case is named by its number. Every form works without JavaScript; htmx is used where a
part of a page changes while the page stays (the goal field, `_goals.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect

from ccm_rules.eligibility import (
    Interview,
    InterviewQuestion,
    Screen,
    interview,
    interview_question,
    record_answers,
)
from ccm_rules.engine import FactsError, explain
from ccm_rules.records import code_problem, identity_in_text
from ccm_rules.team import explain_team_model, recommend_team_model
from ccm_rules_adapters.storage import Case, StoreError

from ._access import CASE_ROLES, case_for, current_user, requires
from ._render import page, redirect
from ._security import web_context
from ._texts import UiTexts, catalogue

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
"""A submitted form (every page's forms are plain HTML forms)."""

KINDS = ("eligibility", "labour_market")
"""The interviews a case can be opened for: general CM (seed 001) and labour-market CM (seed 002)."""

TEXTS_FILE = "intake_texts.yaml"
LAYOUT = "web/base.html"
"""The layout the intake pages extend: the web app's (banner, language switcher, menu, htmx and the CSRF token)."""


# ---------------------------------------------------------------- texts


def intake_texts() -> Mapping[str, Mapping[str, str]]:
    """The texts of `TEXTS_FILE`, every key in every language (the web app's one texts reader)."""
    return catalogue(TEXTS_FILE)


class _Texts(UiTexts):
    """One language's intake texts for a template: `t.save`, `t.fill("answers", n=3)`."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang, TEXTS_FILE)


# ---------------------------------------------------------------- a case's stored answers


def _stored(case: Case) -> tuple[dict[str, Any], set[str], list[list[str]]]:
    answers = case.answers
    return (
        dict(answers.get("facts") or {}),
        set(answers.get("not_known") or ()),
        [list(s) for s in answers.get("trail") or ()],
    )


def _state(request: Request[Any, Any, Any], case: Case) -> Interview:
    facts, not_known, _ = _stored(case)
    context = web_context(request)
    return interview(case.kind, facts, lang=context.lang, pack=context.state.pack, skip=not_known)


def _value_of(question: InterviewQuestion, facts: Mapping[str, Any]) -> str:
    """The answer recorded for `question`, as its form field holds it ("" for not known yet)."""
    if question.collection is not None:
        value = (facts.get(question.collection) or {}).get(question.key)
    else:
        value = facts.get(question.key)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _screen_page(
    request: Request[Any, Any, Any], case: Case, screen: Screen, step: int, problems: list[str], status: int = 200
) -> Response[str]:
    facts, _, trail = _stored(case)
    context = web_context(request)
    values = {q.fact: _value_of(q, facts) for q in screen.questions}
    if problems:  # show what was sent again, so nothing typed is lost
        values.update({k: v for k, v in problems_values(request).items() if k in values})
    return page(
        request,
        "web/intake/screen.html",
        status,
        layout=LAYOUT,
        t=_Texts(context.lang),
        title=screen.title,
        case=case,
        screen=screen,
        step=step,
        steps=len(trail),
        values=values,
        problems=problems,
        not_known=context.state.pack.text("answer.not_known_yet", context.lang),
    )


def problems_values(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The answers the refused form sent (kept on the request by `save_screen`)."""
    sent: dict[str, str] = request.scope.get("state", {}).get("ccm_rules.intake.sent", {})
    return sent


# ---------------------------------------------------------------- pages


@get("/intake", guards=[requires(*CASE_ROLES)], sync_to_thread=False)
def cases_page(request: Request[Any, Any, Any]) -> Response[str]:
    """My cases (each resumable) and the form to open a case."""
    user = current_user(request)
    context = web_context(request)
    cases = context.state.accounts().cases(user, mine=True)
    return page(
        request,
        "web/intake/cases.html",
        layout=LAYOUT,
        t=_Texts(context.lang),
        title=_Texts(context.lang).cases_title,
        cases=cases,
        kinds=KINDS,
        problem=None,
        code="",
        kind=KINDS[0],
    )


@post("/intake", guards=[requires(*CASE_ROLES)], sync_to_thread=False)
def open_case(request: Request[Any, Any, Any], data: Form) -> Response[str] | Redirect:
    """Open a case under a pseudonymous code and start its interview."""
    user = current_user(request)
    context = web_context(request)
    t = _Texts(context.lang)
    code = str(data.get("code") or "").strip()
    kind = str(data.get("kind") or "")
    problem = None
    if kind not in KINDS:
        problem = t.kind_refused
    elif code_problem(code) is not None or identity_in_text(code) is not None or _looks_like_name(code):
        problem = t.code_refused
    if problem is None:
        try:
            case = context.state.accounts().open_case(user, code, kind, {"facts": {}, "not_known": [], "trail": []})
        except StoreError:
            problem = t.code_taken
        else:
            return redirect(f"/intake/{case.id}")
    cases = context.state.accounts().cases(user, mine=True)
    return page(
        request,
        "web/intake/cases.html",
        422,
        layout=LAYOUT,
        t=t,
        title=t.cases_title,
        cases=cases,
        kinds=KINDS,
        problem=problem,
        code="",
        kind=kind if kind in KINDS else KINDS[0],
    )


def _looks_like_name(code: str) -> bool:
    """A code of letters alone ("Anna.Kiss", "kiss_anna") may be a name: project policy, beside the
    records area's checks (no spaces, no e-mail address, no identity number), a code carries a digit."""
    return not any(c.isdigit() for c in code)


@get("/intake/{case_id:int}", guards=[requires(*CASE_ROLES)], sync_to_thread=False)
def screen_page(
    request: Request[Any, Any, Any], case_id: FromPath[int], step: FromQuery[int | None] = None
) -> Response[str] | Redirect:
    """The next screen of the case's interview (or, with `step`, a screen already answered)."""
    case = case_for(request, case_id)
    _, _, trail = _stored(case)
    if step is not None:
        if not 0 <= step < len(trail):
            raise NotFoundException("no such step")
        context = web_context(request)
        questions = tuple(
            interview_question(case.kind, fact, lang=context.lang, pack=context.state.pack) for fact in trail[step]
        )
        key = questions[0].screen
        screen = Screen(key, _screen_title(request, case, key), questions)
        return _screen_page(request, case, screen, step, [])
    state = _state(request, case)
    if state.screen is None:
        return redirect(f"/intake/{case.id}/decision")
    return _screen_page(request, case, state.screen, len(trail), [])


def _screen_title(request: Request[Any, Any, Any], case: Case, key: str) -> str:
    context = web_context(request)
    ruleset = context.state.pack.ruleset(case.kind)
    kind, _, name = key.partition(":")
    if kind == "criterion":
        return next(c.title[context.lang] for c in ruleset.spec.criteria if c.id == name)
    vocabulary = ruleset.vocabularies[ruleset.spec.facts[kind].vocabulary or ""]
    return vocabulary.spec.groups[name][context.lang]


@post("/intake/{case_id:int}", guards=[requires(*CASE_ROLES)], sync_to_thread=False)
def save_screen(request: Request[Any, Any, Any], case_id: FromPath[int], data: Form) -> Response[str] | Redirect:
    """Record one screen's answers (Save), or go back a screen (Back), or stop and see the decision (Stop)."""
    user = current_user(request)
    case = case_for(request, case_id)
    context = web_context(request)
    facts, not_known, trail = _stored(case)
    action = str(data.get("action") or "save")
    try:
        step = int(str(data.get("step") or len(trail)))
    except ValueError:
        step = len(trail)
    shown = [str(f) for f in str(data.get("questions") or "").split() if f]
    if action == "back":
        return redirect(f"/intake/{case.id}?step={max(step - 1, 0)}" if trail else f"/intake/{case.id}")
    if action == "stop" and not shown:
        return redirect(f"/intake/{case.id}/decision")
    try:
        questions = tuple(
            interview_question(case.kind, fact, lang=context.lang, pack=context.state.pack) for fact in shown
        )
    except KeyError:
        raise NotFoundException("no such question") from None
    sent = {q.fact: str(data.get(q.fact) or "") for q in questions}
    try:
        facts, unknown = record_answers(questions, facts, sent, ruleset=case.kind, pack=context.state.pack)
    except FactsError as refused:
        request.scope.setdefault("state", {})["ccm_rules.intake.sent"] = sent
        problems = [p.text(context.lang) for p in refused.problems]
        key = questions[0].screen if questions else ""
        screen = Screen(key, _screen_title(request, case, key) if key else "", questions)
        return _screen_page(request, case, screen, step, problems, 422)
    not_known = (not_known - {q.fact for q in questions}) | set(unknown)
    if step >= len(trail):
        trail.append(shown)
    else:
        trail[step] = shown
    context.state.accounts().update_case(
        user, case.id, {"facts": facts, "not_known": sorted(not_known), "trail": trail}
    )
    if action == "stop":
        return redirect(f"/intake/{case.id}/decision")
    if step + 1 < len(trail):
        return redirect(f"/intake/{case.id}?step={step + 1}")
    return redirect(f"/intake/{case.id}")


@get("/intake/{case_id:int}/decision", guards=[requires(*CASE_ROLES)], sync_to_thread=False)
def decision_page(request: Request[Any, Any, Any], case_id: FromPath[int]) -> Response[str]:
    """The decision so far: criteria with status, reason and the seed's words; what is still to assess; the team-model step."""
    case = case_for(request, case_id)
    context = web_context(request)
    pack, lang = context.state.pack, context.lang
    state = _state(request, case)
    explanation = explain(state.decision, pack, lang)
    ruleset = pack.ruleset(case.kind)
    quotes = {c.id: c.source.quote for c in ruleset.spec.criteria}
    team = None
    if case.kind == "eligibility" and state.decision.outcome.value == "eligible":
        recommendation = recommend_team_model({}, as_of=state.decision.as_of, pack=pack)
        team = explain_team_model(recommendation, pack, lang)
    _, _, trail = _stored(case)
    return page(
        request,
        "web/intake/decision.html",
        layout=LAYOUT,
        t=_Texts(lang),
        title=explanation.title,
        case=case,
        state=state,
        explanation=explanation,
        quotes=quotes,
        team=team,
        answers=sum(len(s) for s in trail),
        still=list(state.asking),
        set_aside=state.set_aside,
    )


INTAKE_ROUTES = [cases_page, open_case, screen_page, save_screen, decision_page]
"""The intake pages' route handlers, for the web app's router."""
