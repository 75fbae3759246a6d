"""The web app's foundation (issue 19): one server, four languages, accounts, roles, sessions, CSRF, CSP.

Built with Litestar's TestClient on the real `create_app(web=…)`, so the JSON API and the web
pages are the same app: the API keeps its bearer token and needs no CSRF token, the pages have
their own sign-in. Org isolation: a user of organisation A gets 404 for a case of organisation B,
by URL and by form, exactly as for a case that does not exist.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("argon2", reason="the web app needs the 'web' extra: pip install 'ccm-rules[web]'")

from litestar.testing import TestClient

from ccm_rules_adapters.cli import main
from ccm_rules_adapters.http import create_app
from ccm_rules_adapters.storage import Accounts, Role, open_store
from ccm_rules_adapters.web import CSP, WebSettings, hash_password, ui_texts

PASSWORD = "correct horse battery"


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = str(tmp_path / "web.sqlite3")
    with open_store(url) as store:
        accounts = Accounts(store)
        for org in ("org-a", "org-b"):
            accounts.add_organisation(org, by="test")
        for name, org, role in [
            ("ann", "org-a", Role.INTAKE_WORKER),
            ("bob", "org-b", Role.INTAKE_WORKER),
            ("pia", "org-a", Role.PLANNER),
            ("ada", "org-a", Role.ADMINISTRATOR),
            ("cem", "org-a", Role.CASE_MANAGER),
        ]:
            accounts.add_user(name, org, role, hash_password(PASSWORD), by="test")
    return url


@pytest.fixture
def client(db: str) -> Any:
    with TestClient(create_app(token="api-secret", web=WebSettings(db=db))) as c:
        yield c


def csrf_of(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client: Any, name: str, password: str = PASSWORD) -> Any:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login", data={"name": name, "password": password, "_csrf_token": token}, follow_redirects=False
    )


def open_case(db: str, name: str, code: str) -> int:
    with open_store(db) as store:
        accounts = Accounts(store)
        user = next(u for u in accounts.users() if u.name == name)
        return accounts.open_case(user, code, "eligibility").id


# ---------------------------------------------------------------- one server


def test_the_app_is_at_the_root_beside_the_json_api(client: Any) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert client.get("/login").headers["content-type"].startswith("text/html")
    assert client.get("/health").status_code == 200
    api = client.post("/v1/eligibility", json={"facts": {}, "as_of": "2026-01-01"})
    assert api.status_code == 401  # the JSON API keeps its bearer token
    api = client.post(
        "/v1/eligibility", json={"facts": {}, "as_of": "2026-01-01"}, headers={"Authorization": "Bearer api-secret"}
    )
    assert api.status_code == 200  # … and needs no CSRF token


def test_without_web_settings_there_is_no_web_app_and_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with TestClient(create_app()) as c:
        assert c.get("/login").status_code == 404
    assert not list(tmp_path.iterdir())


def test_the_api_alone_never_opens_the_web_store(tmp_path: Path) -> None:
    db = tmp_path / "lazy.sqlite3"
    with TestClient(create_app(web=WebSettings(db=str(db)))) as c:
        assert c.get("/health").status_code == 200
        assert not db.exists()
        assert c.get("/login").status_code == 200  # no session cookie: nothing to look up
        assert not db.exists()
        sign_in(c, "nobody")
        assert db.exists()


# ---------------------------------------------------------------- sign-in, sessions


def test_sign_in_with_the_right_password_starts_a_session(client: Any) -> None:
    r = sign_in(client, "ann")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("ccm_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    home = client.get("/")
    assert home.status_code == 200
    assert 'href="/intake"' in home.text and "ann" in home.text


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client: Any) -> None:
    wrong = sign_in(client, "ann", "not the password")
    unknown = sign_in(client, "nobody")
    assert wrong.status_code == unknown.status_code == 401
    assert ui_texts("en").login_failed in wrong.text and ui_texts("en").login_failed in unknown.text
    assert "ccm_session=" not in " ".join(wrong.headers.get_list("set-cookie"))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_session_token_is_kept_only_as_its_hash(client: Any, db: str) -> None:
    r = sign_in(client, "ann")
    token = re.search(r"ccm_session=([^;]+)", r.headers["set-cookie"]).group(1)  # type: ignore[union-attr]
    import sqlalchemy as sa

    with open_store(db) as store, store.engine.connect() as connection:
        kept = [tuple(row) for row in connection.execute(sa.text("SELECT token_hash, csrf FROM web_sessions"))]
        hashes = list(connection.execute(sa.text("SELECT password_hash FROM users")).scalars())
    assert [h for h, _ in kept] == [hashlib.sha256(token.encode()).hexdigest()]
    assert all(token not in row for row in kept)
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_sign_out_ends_the_session_everywhere(client: Any) -> None:
    r = sign_in(client, "ann")
    token = re.search(r"ccm_session=([^;]+)", r.headers["set-cookie"]).group(1)  # type: ignore[union-attr]
    out = client.post("/logout", data={"_csrf_token": csrf_of(client.get("/").text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    client.cookies.clear()
    client.cookies.set("ccm_session", token)  # a copy of the old cookie no longer works
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_a_page_asks_to_sign_in_and_comes_back_after(client: Any) -> None:
    r = client.get("/cases", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/cases"
    token = csrf_of(client.get("/login?next=/cases").text)
    r = client.post(
        "/login",
        data={"name": "ann", "password": PASSWORD, "_csrf_token": token, "next": "/cases"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/cases"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_after_sign_in_only_a_path_of_this_server_is_followed(client: Any, target: str) -> None:
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"name": "ann", "password": PASSWORD, "_csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_https_requests_get_secure_cookies(db: str) -> None:
    with TestClient(create_app(web=WebSettings(db=db)), base_url="https://testserver.local") as c:
        r = sign_in(c, "ann")
        assert all("Secure" in v for v in r.headers.get_list("set-cookie"))


def test_secure_cookies_when_served_beyond_loopback(db: str) -> None:
    with TestClient(create_app(web=WebSettings(db=db, secure_cookies=True))) as c:
        r = c.get("/login")
        assert all("Secure" in v for v in r.headers.get_list("set-cookie"))
    with TestClient(create_app(web=WebSettings(db=db))) as c:
        assert not any("Secure" in v for v in c.get("/login").headers.get_list("set-cookie"))


# ---------------------------------------------------------------- CSRF


def test_a_form_without_its_csrf_token_is_refused(client: Any) -> None:
    client.get("/login")
    r = client.post("/login", data={"name": "ann", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403 and ui_texts("en").error_csrf_title in r.text
    assert "content-security-policy" in r.headers


def test_a_wrong_csrf_token_is_refused_also_when_signed_in(client: Any) -> None:
    sign_in(client, "ann")
    r = client.post("/logout", data={"_csrf_token": "x" * 43}, follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/").status_code == 200  # still signed in


def test_the_signed_in_token_is_the_sessions_not_the_anonymous_cookie(client: Any) -> None:
    anonymous = csrf_of(client.get("/login").text)
    sign_in(client, "ann")
    assert csrf_of(client.get("/").text) != anonymous
    assert client.post("/logout", data={"_csrf_token": anonymous}, follow_redirects=False).status_code == 403


def test_htmx_requests_send_the_token_as_a_header(client: Any) -> None:
    sign_in(client, "ann")
    token = csrf_of(client.get("/").text)
    r = client.post(
        "/language", data={"lang": "de", "next": "/"}, headers={"X-CSRF-Token": token}, follow_redirects=False
    )
    assert r.status_code == 303


def test_a_post_started_by_another_site_is_refused(client: Any) -> None:
    token = csrf_of(client.get("/login").text)
    data = {"name": "ann", "password": PASSWORD, "_csrf_token": token}
    assert client.post("/login", data=data, headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.post("/login", data=data, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    same = client.post(
        "/login", data=data, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"}, follow_redirects=False
    )
    assert same.status_code == 303


# ---------------------------------------------------------------- headers on every page


def pages(client: Any) -> list[str]:
    return [
        r.path
        for r in client.app.routes
        if "{" not in r.path
        and not r.path.startswith(("/v1", "/schema", "/cds", "/health", "/static"))
        and "GET" in getattr(r, "methods", {"GET"})
    ]


@pytest.mark.parametrize("who", [None, "ann", "pia", "ada", "cem"])
def test_every_page_has_the_strict_csp_and_security_headers(client: Any, who: str | None) -> None:
    if who:
        sign_in(client, who)
    seen = 0
    for path in pages(client):
        r = client.get(path, follow_redirects=False)
        assert r.status_code < 500, (who, path, r.status_code)
        assert r.headers["content-security-policy"] == CSP, path
        assert "script-src 'self'" in CSP and "'unsafe-inline'" not in CSP and "frame-ancestors 'none'" in CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        assert r.headers["cache-control"] == "no-store"
        if r.headers.get("content-type", "").startswith("text/html"):
            assert "<script>" not in r.text and " style=" not in r.text and "<style" not in r.text, path
        seen += 1
    assert seen >= 8


def test_htmx_is_vendored_with_its_licence_and_version(client: Any) -> None:
    r = client.get("/static/htmx.min.js")
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"
    assert hashlib.sha256(r.content).hexdigest() == "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
    readme = client.get("/static/README.md").text
    assert "2.0.11" in readme and "sha256:d6fdc75f" in readme
    assert "Zero-Clause BSD" in client.get("/static/htmx.LICENSE").text
    assert client.get("/static/report.css").status_code == 200


# ---------------------------------------------------------------- languages


@pytest.mark.parametrize(
    ("header", "lang"), [("cs-CZ,cs;q=0.9", "cs"), ("hu", "hu"), ("de-AT, en;q=0.5", "de"), ("fr", "en"), (None, "en")]
)
def test_accept_language_is_the_default(client: Any, header: str | None, lang: str) -> None:
    r = client.get("/login", headers={"Accept-Language": header} if header else {})
    assert f'<html lang="{lang}">' in r.text
    assert ui_texts(lang).login_title in r.text
    assert r.headers["content-language"] == lang


def test_the_chosen_language_is_remembered_over_accept_language(client: Any) -> None:
    token = csrf_of(client.get("/login").text)
    r = client.post("/language", data={"lang": "hu", "next": "/login", "_csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    cookie = next(v for v in r.headers.get_list("set-cookie") if v.startswith("ccm_lang="))
    assert "ccm_lang=hu" in cookie and "Max-Age=31536000" in cookie
    page = client.get("/login", headers={"Accept-Language": "de"})
    assert '<html lang="hu">' in page.text and ui_texts("hu").login_title in page.text


def test_an_unknown_language_cookie_falls_back_to_accept_language(client: Any) -> None:
    client.cookies.set("ccm_lang", "xx")
    assert '<html lang="cs">' in client.get("/login", headers={"Accept-Language": "cs"}).text


# ---------------------------------------------------------------- roles and organisations


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("ann", "/admin/users", 403),
        ("pia", "/cases", 403),
        ("ada", "/cases", 403),
        ("ada", "/admin/users", 200),
        ("cem", "/cases", 200),
        ("pia", "/planner/readiness", 200),
        ("ann", "/planner/readiness", 403),
    ],
)
def test_a_page_opens_only_for_its_roles(client: Any, who: str, path: str, status: int) -> None:
    sign_in(client, who)
    assert client.get(path).status_code == status


@pytest.mark.parametrize("who", ["ann", "pia", "ada", "cem"])
def test_each_role_has_a_start_page_whose_links_answer(client: Any, who: str) -> None:
    sign_in(client, who)
    home = client.get("/")
    links = re.findall(r'<ul class="tiles">(.*?)</ul>', home.text, re.S)[0]
    targets = re.findall(r'href="([^"]+)"', links)
    assert targets
    for target in targets:
        r = client.get(target)
        assert r.status_code == 200, (who, target, r.status_code)
        if "not built yet" in r.text:
            assert ui_texts("en").coming_title in r.text  # a "coming" page says so


def test_a_case_of_another_organisation_is_not_found_by_url(client: Any, db: str) -> None:
    theirs = open_case(db, "bob", "EX-0002")
    ours = open_case(db, "ann", "EX-0001")
    sign_in(client, "ann")
    assert client.get(f"/cases/{ours}").status_code == 200
    other, missing = client.get(f"/cases/{theirs}"), client.get("/cases/999999")
    assert other.status_code == missing.status_code == 404
    assert other.text.replace(f"/cases/{theirs}", "/cases/N") == missing.text.replace(
        "/cases/999999", "/cases/N"
    )  # nothing tells them apart
    assert "EX-0002" not in client.get("/cases").text
    assert client.get(f"/intake/{theirs}").status_code == 404
    assert client.get(f"/intake/{theirs}/decision").status_code == 404


def test_a_case_of_another_organisation_cannot_be_changed_by_form(client: Any, db: str) -> None:
    theirs = open_case(db, "bob", "EX-0002")
    sign_in(client, "ann")
    token = csrf_of(client.get("/").text)
    r = client.post(f"/intake/{theirs}", data={"_csrf_token": token, "step": "0"})
    assert r.status_code == 404
    with open_store(db) as store:
        accounts = Accounts(store)
        bob = next(u for u in accounts.users() if u.name == "bob")
        assert accounts.case(bob, theirs).answers == {}
        assert [c.action for c in accounts.changes(f"case:{theirs}")] == ["case.open"]


def test_every_change_is_recorded_with_who_and_when(db: str) -> None:
    with open_store(db) as store:
        accounts = Accounts(store)
        ann = next(u for u in accounts.users() if u.name == "ann")
        case = accounts.open_case(ann, "EX-0003", "eligibility")
        accounts.update_case(ann, case.id, {"services_needed": 2})
        log = accounts.changes(f"case:{case.id}")
    assert [(c.action, c.actor, c.org) for c in log] == [("case.open", "ann", "org-a"), ("case.update", "ann", "org-a")]
    assert log[1].detail == {"changed": {"services_needed": [None, 2]}}
    assert all(c.at.tzinfo is not None for c in log)


def test_the_change_log_is_append_only(db: str) -> None:
    import sqlalchemy as sa

    with open_store(db) as store, store.engine.connect() as connection:
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            connection.execute(sa.text("DELETE FROM changes"))
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            connection.execute(sa.text("UPDATE changes SET actor = 'x'"))


# ---------------------------------------------------------------- ccm-rules users add


def test_users_add_creates_the_first_administrator_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import io

    db = str(tmp_path / "admin.sqlite3")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        main(["users", "add", "--org", "kraj", "--role", "administrator", "--password-stdin", "--db", db, "admin"]) == 0
    )
    assert "user admin added: administrator of kraj" in capsys.readouterr().out
    with TestClient(create_app(web=WebSettings(db=db))) as c:
        assert sign_in(c, "admin").status_code == 303
        assert c.get("/admin/users").status_code == 200


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "administrator"], "short\n", "at least 10 characters"),
        (["--role", "boss"], PASSWORD + "\n", "invalid choice"),
    ],
)
def test_users_add_refuses_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any, args: list[str], stdin: str, message: str
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(
        ["users", "add", "--org", "kraj", "--password-stdin", "--db", str(tmp_path / "x.sqlite3"), *args, "someone"]
    )
    assert code == 2
    assert message in capsys.readouterr().err
