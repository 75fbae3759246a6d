"""The planner workspace in a real browser (issue 19 item 7): a readiness assessment whose chart changes with the answers.

The system Chromium (Debian's `chromium`, never a downloaded one) is driven by Playwright
against the workspace served by uvicorn on a free loopback port, with htmx and the stylesheets
as the server's own files. Choosing answers in the questionnaire must redraw the radar chart
and the variant without a page load (htmx), as the core assesses the answers. Every page is
screenshotted into docs/img/web-planner-*.png (looked at by hand when they change).
"""

from __future__ import annotations

import datetime
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("litestar")
pytest.importorskip("argon2")
pytest.importorskip("uvicorn")
playwright_sync = pytest.importorskip("playwright.sync_api")

import uvicorn  # noqa: E402
from litestar import Litestar  # noqa: E402

from ccm_rules.engine import default_pack  # noqa: E402
from ccm_rules.readiness import rollout_plan  # noqa: E402
from ccm_rules_adapters.storage import Role, new_key  # noqa: E402
from ccm_rules_adapters.web import web_router  # noqa: E402
from ccm_rules_adapters.web._security import SESSION_COOKIE  # noqa: E402
from ccm_rules_adapters.web._state import WebSettings, WebState  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
IMAGES = ROOT / "docs" / "img"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs the system Chromium: apt-get install chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WebState, str]]:
    """The workspace on uvicorn, a planner signed in (their session token), records in the store."""
    state = WebState(WebSettings(db=f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.sqlite3'}"), default_pack())
    app = Litestar(route_handlers=web_router(state=state))
    accounts = state.accounts()
    accounts.add_organisation("region-office", by="test")
    user = accounts.add_user("petra", "region-office", Role.PLANNER, "$argon2id$test", by="test")
    token, _ = accounts.start_session(user)
    from ccm_rules.records import read_records

    records = ROOT / "examples" / "records"
    codes = sorted({item.record.code for item in read_records(records) if hasattr(item.record, "code")})
    accounts.store.register(new_key()).add(
        [{"code": c, "on": "2026-01-02", "identity": {"name": f"Client {c}"}} for c in codes]
    )
    accounts.store.append(read_records(records))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(100):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", state, token
    running.should_exit = True
    thread.join(timeout=5)
    state.close()


@pytest.fixture(scope="module")
def browser_page(server: tuple[str, WebState, str]) -> Iterator[Any]:
    base, _, token = server
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        context.add_cookies(
            [{"name": SESSION_COOKIE, "value": token, "url": base}, {"name": "ccm_lang", "value": "en", "url": base}]
        )
        page = context.new_page()
        yield page
        browser.close()


def _radar(page: Any) -> str:
    return str(page.locator("#results svg.radar").inner_html())


def test_a_readiness_assessment_whose_chart_changes_with_the_answers(
    server: tuple[str, WebState, str], browser_page: Any
) -> None:
    """Seed 000: first CCM experience gives the minimum variant; a Pioneer item in place moves its factor's spoke."""
    base, _, _ = server
    page = browser_page
    page.goto(f"{base}/planner/readiness")
    titles = {v.id: v.title["en"] for v in rollout_plan(default_pack()).variants}
    loaded = page.evaluate("() => typeof window.htmx")
    assert loaded == "object", "htmx is loaded from the server"
    before = _radar(page)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.select_option("#f-starting_situation-prior_ccm_experience", "no")
    page.wait_for_function("t => document.querySelector('#variant').textContent.includes(t)", arg=titles["maximum"])
    page.select_option("#f-starting_situation-prior_ccm_experience", "yes")
    page.wait_for_function("t => document.querySelector('#variant').textContent.includes(t)", arg=titles["minimum"])
    assert _radar(page) == before  # the variant does not move the factor scores
    page.select_option("#f-pioneer-F1-P1", "yes")
    page.wait_for_function("b => document.querySelector('#results svg.radar').innerHTML !== b", arg=before)
    after = _radar(page)
    assert after != before
    for item in ("F1.P2", "F1.P3", "F2.P1"):
        page.select_option(f"#f-pioneer-{item.replace('.', '-')}", "yes")
    page.wait_for_function("a => document.querySelector('#results svg.radar').innerHTML !== a", arg=after)
    assert not navigations, "the chart is redrawn in place, without a page load"
    page.fill("#f-region", "Region North")
    page.fill("#f-as_of", "2026-11-01")
    page.screenshot(path=str(IMAGES / "web-planner-readiness.png"), full_page=False)
    page.click("button[value=save]")
    page.wait_for_url(f"{base}/planner/assessments/*")
    assert "saved by petra" in page.content()
    page.screenshot(path=str(IMAGES / "web-planner-saved.png"), full_page=False)


def test_the_other_pages_in_the_browser(server: tuple[str, WebState, str], browser_page: Any) -> None:
    """The workspace's start, a comparison, the DACTS form scored and the indicators: screenshots of each."""
    base, state, _ = server
    page = browser_page
    from ccm_rules_adapters.storage.assessments import Assessments

    user = state.accounts().users("region-office")[0]
    saved = Assessments(state.accounts().store)
    first = saved.save(
        user,
        "Region North",
        datetime.date(2026, 5, 1),
        {"starting_situation": {"prior_ccm_experience": "yes"}, "pioneer": {"F1.P1": "yes", "F3.P1": "partly"}},
    )
    second = saved.save(
        user,
        "Region North",
        datetime.date(2026, 11, 1),
        {
            "starting_situation": {"prior_ccm_experience": "yes"},
            "pioneer": {"F1.P1": "yes", "F1.P2": "yes", "F3.P1": "yes", "F4.P1": "yes"},
        },
    )
    page.goto(f"{base}/planner")
    assert page.locator("table tbody tr").count() >= 2
    page.screenshot(path=str(IMAGES / "web-planner-index.png"), full_page=True)
    page.goto(f"{base}/planner/compare?a={first.id}&b={second.id}")
    assert page.locator("svg.radar").count() == 2
    page.screenshot(path=str(IMAGES / "web-planner-compare.png"), full_page=True)
    page.goto(f"{base}/planner/dacts")
    for name, value in {
        "clients_per_staff": "9",
        "pct_clients_multiple_staff_contact": "91",
        "program_meetings_per_week": "5",
        "leader_pct_direct_service": "55",
        "turnover_pct_2_years": "10",
        "pct_full_staffing_12_months": "97",
    }.items():
        page.fill(f"#f-{name}", value)
    page.fill("#f-program", "ACT-P04")
    page.fill("#f-as_of", "2027-01-01")
    page.click("form.dacts-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("svg.chart").count() == 3
    page.screenshot(path=str(IMAGES / "web-planner-dacts.png"), full_page=False)
    page.goto(f"{base}/planner/indicators?from=2026-01-01&to=2026-06-30&by=provider")
    assert page.locator("svg.chart").count() >= 1
    page.screenshot(path=str(IMAGES / "web-planner-indicators.png"), full_page=False)
