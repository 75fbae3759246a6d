"""The intake pages (issue 19 item 3) through Litestar's TestClient: open a case, answer screens, go back, stop, see the decision.

The pages run behind the web app's own middleware (session, language, CSRF, security headers)
in a small app of their own, so they are tested before and apart from the whole web router.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("litestar")
pytest.importorskip("argon2")
pytest.importorskip(
    "ccm_rules_adapters.web._security", reason="the web app's foundation (issue 19 items 1-2) is not in this checkout"
)

from litestar import Litestar
from litestar.testing import TestClient

from ccm_rules.engine import default_pack
from ccm_rules_adapters.storage import Role
from ccm_rules_adapters.web._goals import GOAL_ROUTES
from ccm_rules_adapters.web._intake import INTAKE_ROUTES, intake_texts
from ccm_rules_adapters.web._passwords import hash_password
from ccm_rules_adapters.web._security import SESSION_COOKIE, web_middleware
from ccm_rules_adapters.web._state import WebSettings, WebState

PASSWORD_HASH = hash_password("a long enough password 1")
HOLISTIC = (
    "physical_health",
    "mental_health",
    "housing",
    "daily_living",
    "finances",
    "work",
    "social_relationships",
    "leisure",
)
# examples/eligibility/chronic_mental_illness.yaml (seed 001 §1-4: several domains, several services, chronic, coordination)
PROFILE: dict[str, str] = {
    "domains.physical_health": "met_need",
    "domains.mental_health": "unmet_need",
    "domains.housing": "unmet_need",
    "domains.daily_living": "met_need",
    "domains.finances": "unmet_need",
    "domains.work": "no_need",
    "domains.social_relationships": "unmet_need",
    "domains.leisure": "no_need",
    "services_needed": "4",
    "chronic_condition": "true",
    "expected_duration_months": "36",
    "ongoing_coordination_needed": "true",
    "referral_only": "false",
}


class Worker:
    """A signed-in intake worker's browser: cookies, and the CSRF token of the last page."""

    def __init__(self, client: TestClient[Any], csrf: str) -> None:
        self.client = client
        self.csrf = csrf

    def get(self, path: str) -> Any:
        return self.client.get(path, follow_redirects=False)

    def post(self, path: str, data: dict[str, str]) -> Any:
        return self.client.post(path, data={"_csrf_token": self.csrf, **data}, follow_redirects=False)


def _refuse(context: Any, status: int, kind: str) -> tuple[int, bytes]:
    return status, f"refused: {kind}".encode()


@pytest.fixture
def app(tmp_path: Any) -> Iterator[tuple[Litestar, WebState]]:
    state = WebState(WebSettings(db=f"sqlite:///{tmp_path / 'web.sqlite3'}"), default_pack())
    application = Litestar(route_handlers=[*INTAKE_ROUTES, *GOAL_ROUTES], middleware=[web_middleware(state, _refuse)])
    yield application, state
    state.close()


def sign_in(
    app: tuple[Litestar, WebState], name: str, org: str, role: Role = Role.INTAKE_WORKER, lang: str = "cs"
) -> Worker:
    application, state = app
    accounts = state.accounts()
    if org not in accounts.organisations():
        accounts.add_organisation(org, by="test")
    user = accounts.add_user(name, org, role, PASSWORD_HASH, by="test")
    token, csrf = accounts.start_session(user)
    client = TestClient(application, base_url="http://127.0.0.1")
    client.__enter__()
    client.cookies.set(SESSION_COOKIE, token)
    client.cookies.set("ccm_lang", lang)
    return Worker(client, csrf)


def open_case(worker: Worker, code: str = "C-0001", kind: str = "eligibility") -> int:
    response = worker.post("/intake", {"code": code, "kind": kind})
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/intake/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def shown(html: str) -> list[str]:
    """The questions of the screen in `html`, as its hidden field lists them."""
    match = re.search(r'name="questions" value="([^"]*)"', html)
    assert match, html
    return match.group(1).split()


def answer_screen(worker: Worker, case: int, profile: dict[str, str], action: str = "save") -> list[str]:
    page = worker.get(f"/intake/{case}")
    assert page.status_code == 200
    questions = shown(page.text)
    step = re.search(r'name="step" value="(\d+)"', page.text)
    assert step
    data = {"questions": " ".join(questions), "step": step.group(1), "action": action}
    data.update({q: profile.get(q, "") for q in questions})
    assert worker.post(f"/intake/{case}", data).status_code == 303
    return questions


def test_a_typical_eligible_case_clicked_through_in_czech(app: tuple[Litestar, WebState]) -> None:
    """Seed 001 §1-4: the interview settles it eligible, asking 13 questions, and shows the team-model step."""
    worker = sign_in(app, "anna", "org-a")
    page = worker.get("/intake")
    assert page.status_code == 200 and "Otevřít případ" in page.text and 'lang="cs"' in page.text
    case = open_case(worker)
    first = worker.get(f"/intake/{case}")
    assert (
        "<h1>zdraví</h1>" in first.text
        and "Posuďte oblast života: tělesné zdraví" in first.text
        and "zatím nevím" in first.text
    )
    asked: list[str] = []
    for _ in range(20):
        response = worker.get(f"/intake/{case}")
        if response.status_code == 303:
            assert response.headers["location"] == f"/intake/{case}/decision"
            break
        asked += answer_screen(worker, case, PROFILE)
    assert len(asked) == 13
    decision = worker.get(f"/intake/{case}/decision")
    assert decision.status_code == 200
    text = decision.text
    assert "vhodné" in text  # outcome.eligible in Czech
    assert (
        "Potřeba komplexní podpory se nezjistí, pokud vyhodnocujeme jen jednu doménu života" in text
    )  # E2's quote, the seed's words
    assert "Další krok: model týmu" in text and "ACT / ICM" in text
    assert "Nic: žádná odpověď už toto rozhodnutí nezmění." in text
    stored = app[1].accounts().changes(f"case:{case}")
    assert [c.action for c in stored][:1] == ["case.open"] and all(c.actor == "anna" for c in stored)
    assert sum(c.action == "case.update" for c in stored) == 7  # one change per screen, each with who and when


def test_back_shows_the_last_screen_with_its_answers_and_changing_one_is_saved(app: tuple[Litestar, WebState]) -> None:
    worker = sign_in(app, "anna", "org-a", lang="en")
    case = open_case(worker)
    health = answer_screen(worker, case, PROFILE)
    page = worker.get(f"/intake/{case}")
    back = worker.post(f"/intake/{case}", {"action": "back", "step": "1", "questions": " ".join(shown(page.text))})
    assert back.headers["location"] == f"/intake/{case}?step=0"
    again = worker.get(f"/intake/{case}?step=0")
    assert shown(again.text) == health
    assert 'value="unmet_need" checked="checked"' in again.text
    data = {"questions": " ".join(health), "step": "0", "action": "save", **dict.fromkeys(health, "")}
    assert (
        worker.post(f"/intake/{case}", data).headers["location"] == f"/intake/{case}"
    )  # the last screen answered again: on to the next
    assert worker.get(f"/intake/{case}?step=7").status_code == 404


def test_stop_shows_what_is_still_to_assess_and_resuming_continues(app: tuple[Litestar, WebState]) -> None:
    worker = sign_in(app, "anna", "org-a", lang="de")
    case = open_case(worker, "C-0002")
    answer_screen(worker, case, PROFILE, action="stop")
    decision = worker.get(f"/intake/{case}/decision")
    assert "noch nicht entscheidbar" in decision.text and "Noch zu klären" in decision.text
    assert "Erheben Sie den Lebensbereich: Wohnen" in decision.text and "Interview fortsetzen" in decision.text
    mine = worker.get("/intake")
    assert "C-0002" in mine.text and f'href="/intake/{case}"' in mine.text
    resumed = worker.get(f"/intake/{case}")
    assert "<h1>Wohnen und Alltag</h1>" in resumed.text


def test_not_known_yet_is_always_allowed_and_not_asked_again(app: tuple[Litestar, WebState]) -> None:
    worker = sign_in(app, "anna", "org-a", lang="en")
    case = open_case(worker)
    page = worker.get(f"/intake/{case}")
    assert page.text.count('value=""') == len(shown(page.text))  # a "not known yet" for every question
    health = answer_screen(worker, case, {})
    assert not set(shown(worker.get(f"/intake/{case}").text)) & set(health)


def test_a_bad_number_is_named_and_nothing_typed_is_lost(app: tuple[Litestar, WebState]) -> None:
    worker = sign_in(app, "anna", "org-a", lang="en")
    case = open_case(worker, "L-0001", "labour_market")
    page = worker.get(f"/intake/{case}")
    assert shown(page.text) == ["age", "employed", "in_education"]
    refused = worker.post(
        f"/intake/{case}", {"questions": "age employed in_education", "step": "0", "age": "fifty", "employed": "false"}
    )
    assert refused.status_code == 422
    assert (
        "age" in refused.text and 'value="fifty"' in refused.text and 'value="false" checked="checked"' in refused.text
    )


@pytest.mark.parametrize("code", ["Anna Kiss", "anna.kiss", "kiss@example.org", "8505121234", "7801011234"])
def test_a_code_that_looks_like_personal_data_is_refused(app: tuple[Litestar, WebState], code: str) -> None:
    worker = sign_in(app, "anna", "org-a", lang="en")
    response = worker.post("/intake", {"code": code, "kind": "eligibility"})
    assert response.status_code == 422
    assert "never a name, an e-mail address or a birth number" in response.text
    assert code not in response.text  # what was refused is not echoed back
    assert app[1].accounts().cases(app[1].accounts().users("org-a")[0]) == []


def test_another_organisations_case_is_not_found_by_url_or_form(app: tuple[Litestar, WebState]) -> None:
    anna = sign_in(app, "anna", "org-a")
    case = open_case(anna)
    bela = sign_in(app, "bela", "org-b")
    for path in (f"/intake/{case}", f"/intake/{case}/decision", f"/intake/{case}?step=0"):
        assert bela.get(path).status_code == 404
    assert (
        bela.post(f"/intake/{case}", {"questions": "domains.housing", "domains.housing": "no_need"}).status_code == 404
    )
    assert "C-0001" not in bela.get("/intake").text


def test_roles_and_csrf(app: tuple[Litestar, WebState]) -> None:
    planner = sign_in(app, "petra", "org-a", Role.PLANNER)
    assert planner.get("/intake").status_code == 403
    worker = sign_in(app, "anna", "org-a")
    assert (
        worker.client.post("/intake", data={"code": "C-0009", "kind": "eligibility"}).status_code == 403
    )  # no CSRF token


def test_the_intake_texts_are_in_every_language() -> None:
    texts = intake_texts()
    assert all(set(v) == {"en", "cs", "hu", "de"} for v in texts.values())


def test_the_goal_field_says_which_smart_criteria_are_met_as_the_worker_types(app: tuple[Litestar, WebState]) -> None:
    """Seed 004 "SMART": the fragment htmx fetches on each pause in typing, in the worker's language; the same list without JavaScript."""
    worker = sign_in(app, "anna", "org-a", lang="cs")
    page = worker.get("/goal")
    assert (
        page.status_code == 200
        and 'hx-trigger="keyup changed delay:300ms"' in page.text
        and 'hx-post="/goal/check"' in page.text
    )
    goal = "Klient do 15. 4. 2027 podá žádost o příspěvek na bydlení."
    fragment = worker.client.post("/goal/check", data={"goal": goal}, headers={"X-CSRF-Token": worker.csrf})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="smart"') and "<html" not in fragment.text
    from ccm_rules.goals import assess_goal

    assessment = assess_goal(goal, lang="cs")
    assert fragment.text.count('class="badge') == len(
        assessment.decision.criteria
    )  # every criterion, each with its status
    assert (
        fragment.text.count('class="badge met"')
        == sum(c.status.value == "met" for c in assessment.decision.criteria)
        > 0
    )
    vague = worker.client.post("/goal/check", data={"goal": "Zlepšit situaci."}, headers={"X-CSRF-Token": worker.csrf})
    assert "nesplněno" in vague.text or "neznámé" in vague.text
    whole = worker.post("/goal", {"goal": goal})
    assert whole.status_code == 200 and "<html" in whole.text and fragment.text.strip() in whole.text
    assert goal not in str(whole.url)  # the text goes in the body, never in a URL
    empty = worker.client.post("/goal/check", data={"goal": ""}, headers={"X-CSRF-Token": worker.csrf})
    assert "Napište cíl" in empty.text
    assert worker.client.post("/goal/check", data={"goal": goal}).status_code == 403  # no CSRF token


def test_every_intake_page_has_the_apps_banner_language_switcher_and_menu(app: tuple[Litestar, WebState]) -> None:
    # The intake templates once filled the layout's `header` block, which hid the banner and menu.
    worker = sign_in(app, "iva", "org-a")
    case = open_case(worker)
    for path in ("/intake", f"/intake/{case}", f"/intake/{case}/decision", "/goal"):
        page = worker.get(path)
        assert page.status_code == 200, path
        assert 'class="topbar"' in page.text and 'action="/language"' in page.text and "<nav" in page.text, path
        assert page.text.count("<h1") == 1, path
