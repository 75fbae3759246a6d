"""The web app's foundation in a real browser (issue 19): the real `ccm-rules serve` on a free
loopback port, Playwright driving the system Chromium. A worker signs in, switches the language
(remembered on the next page), and signs out; the scripts load under the strict CSP without a
console error. Every page is screenshot into docs/img/web-*.png.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("argon2", reason="the web app needs the 'web' extra: pip install 'ccm-rules[web]'")
sync_api = pytest.importorskip("playwright.sync_api")

from ccm_rules_adapters.cli import main  # noqa: E402

from .test_http import copy_core_rules, start_server  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
IMG = Path(__file__).resolve().parents[1] / "docs" / "img"
PASSWORD = "a long enough password 1"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium: apt-get install -y chromium chromium-driver"
    ),
]


def add_user(db: str, name: str, role: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "--org", "org-a", "--role", role, "--password-stdin", "--db", db, name]) == 0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    db = str(tmp_path_factory.mktemp("webdb") / "web.sqlite3")
    with pytest.MonkeyPatch.context() as mp:
        for name, role in [("ivana", "intake-worker"), ("petr", "planner"), ("adam", "administrator")]:
            add_user(db, name, role, mp)
    proc, url = start_server(copy_core_rules(tmp_path_factory.mktemp("rules")), env={"CCM_RULES_DB": db})
    try:
        yield url, db
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


def shot(page: Any, name: str) -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMG / f"web-{name}.png"), full_page=True)


def new_page(browser: Any, lang: str) -> tuple[Any, list[str]]:
    context = browser.new_context(
        locale=lang, extra_http_headers={"Accept-Language": lang}, viewport={"width": 1100, "height": 700}
    )
    page = context.new_page()
    errors: list[str] = []
    # a script or style refused by the CSP, or a script error (a 401 page or the missing favicon are not errors of ours)
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


def sign_in(page: Any, url: str, name: str, labels: tuple[str, str, str]) -> None:
    page.goto(f"{url}/")
    page.get_by_label(labels[0]).fill(name)
    page.get_by_label(labels[1]).fill(PASSWORD)
    page.get_by_role("button", name=labels[2]).click()


def test_a_worker_signs_in_switches_language_and_signs_out(server: tuple[str, str], browser: Any) -> None:
    url, _ = server
    page, errors = new_page(browser, "cs")
    page.goto(f"{url}/")
    assert page.url.endswith("/login")
    assert page.locator("html").get_attribute("lang") == "cs"  # Accept-Language: cs
    shot(page, "login")
    page.get_by_label("Uživatelské jméno").fill("ivana")
    page.get_by_label("Heslo").fill("wrong password 12")
    page.get_by_role("button", name="Přihlásit se").click()
    assert page.get_by_role("alert").inner_text() == "Uživatelské jméno nebo heslo není správné."
    shot(page, "login-failed")
    page.get_by_label("Heslo").fill(PASSWORD)
    page.get_by_role("button", name="Přihlásit se").click()
    assert page.url == f"{url}/"
    assert page.locator("h1").inner_text() == "Úvod"
    assert page.get_by_role("link", name="Založit případ").count() >= 1
    shot(page, "home-intake-worker")
    page.get_by_role("button", name="Magyar").click()
    assert page.locator("html").get_attribute("lang") == "hu"
    assert page.locator("h1").inner_text() == "Kezdőlap"
    page.get_by_role("link", name="Saját eseteim").first.click()  # the choice is remembered on the next page
    assert page.locator("html").get_attribute("lang") == "hu"
    assert page.locator("h1").inner_text() == "Saját eseteim"
    shot(page, "my-cases")
    page.get_by_role("button", name="Kijelentkezés").click()
    assert page.url.endswith("/login")
    page.goto(f"{url}/cases")
    assert "/login" in page.url
    assert not errors, errors  # htmx and web.js load under the CSP; nothing is refused


def test_the_skip_link_is_the_first_stop_of_the_keyboard(server: tuple[str, str], browser: Any) -> None:
    url, _ = server
    page, _errors = new_page(browser, "en")
    page.goto(f"{url}/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    shot(page, "skip-link")


@pytest.mark.parametrize(("name", "heading"), [("petr", "Start"), ("adam", "Start")])
def test_each_role_sees_its_start_page(server: tuple[str, str], browser: Any, name: str, heading: str) -> None:
    url, _ = server
    page, errors = new_page(browser, "en")
    sign_in(page, url, name, ("User name", "Password", "Sign in"))
    assert page.locator("h1").inner_text() == heading
    role = "planner" if name == "petr" else "administrator"
    shot(page, f"home-{role}")
    if role == "administrator":
        page.get_by_role("link", name="Users").first.click()
        assert page.get_by_role("cell", name="ivana").count() == 1
        shot(page, "users")
    else:
        page.goto(f"{url}/register")  # not for planners
        assert page.locator("h1").inner_text() == "Not for your role"
        shot(page, "forbidden")
    assert not errors, errors


def test_the_print_stylesheet_shows_only_the_content(server: tuple[str, str], browser: Any) -> None:
    url, _ = server
    page, _errors = new_page(browser, "de")
    sign_in(page, url, "ivana", ("Benutzername", "Passwort", "Anmelden"))
    page.goto(f"{url}/goals")
    assert page.locator("h1").inner_text() == "Demnächst"  # a page not built yet says so
    shot(page, "coming")
    page.emulate_media(media="print")
    assert not page.locator("nav").is_visible() and not page.locator(".languages").is_visible()
    assert page.locator("h1").is_visible()
    shot(page, "coming-print")
