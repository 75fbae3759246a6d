"""The planner workspace (issue 19 item 5) through Litestar's TestClient: questionnaire and live chart,
saved assessments compared, the DACTS form, the indicators report.

The pages run in the web app's own router (`web_router`: its middleware for session, language,
CSRF and security headers, its error pages), mounted on a small app of their own.
Every expectation is the core's own: the variant and chart of an example region filled in
through the form are what `assess_readiness` gives for the region file (seed 000).
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("litestar")
pytest.importorskip("argon2")

from litestar import Litestar
from litestar.testing import TestClient

from ccm_rules.engine import LANGUAGES, default_pack
from ccm_rules.fidelity import explain_dacts, read_program, score_dacts
from ccm_rules.readiness import assess_readiness, explain_readiness, factor_catalogue, read_region, rollout_plan
from ccm_rules_adapters.html.readiness import readiness_radar
from ccm_rules_adapters.storage import Role
from ccm_rules_adapters.storage.assessments import Assessments
from ccm_rules_adapters.web import web_router
from ccm_rules_adapters.web._planner import PLANNER_ROUTES, answers_from_form, planner_router, planner_texts
from ccm_rules_adapters.web._security import SESSION_COOKIE
from ccm_rules_adapters.web._state import WebSettings, WebState
from ccm_rules_adapters.web._texts import ui_texts

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ROOT / "examples" / "readiness"
RADAR = re.compile(r'<svg[^>]*class="chart radar".*?</svg>', re.S)
IN_PLACE = re.compile(r'<polygon points="([^"]*)" fill="#2f5d8a" fill-opacity="0.45"')


class Planner:
    """A signed-in user's browser: cookies, and the CSRF token of the session."""

    def __init__(self, client: TestClient[Any], csrf: str) -> None:
        self.client = client
        self.csrf = csrf

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params=params, follow_redirects=False)

    def post(self, path: str, data: dict[str, str]) -> Any:
        return self.client.post(path, data={"_csrf_token": self.csrf, **data}, follow_redirects=False)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[tuple[Litestar, WebState]]:
    state = WebState(WebSettings(db=f"sqlite:///{tmp_path / 'web.sqlite3'}"), default_pack())
    application = Litestar(route_handlers=web_router(state=state))
    yield application, state
    state.close()


def sign_in(
    app: tuple[Litestar, WebState], name: str, org: str, role: Role = Role.PLANNER, lang: str = "en"
) -> Planner:
    application, state = app
    accounts = state.accounts()
    if org not in accounts.organisations():
        accounts.add_organisation(org, by="test")
    user = accounts.add_user(name, org, role, "$argon2id$test", by="test")
    token, csrf = accounts.start_session(user)
    client = TestClient(application, base_url="http://127.0.0.1")
    client.__enter__()
    client.cookies.set(SESSION_COOKIE, token)
    client.cookies.set("ccm_lang", lang)
    return Planner(client, csrf)


def region_form(path: Path) -> dict[str, str]:
    """An example region file as the questionnaire's form sends it (`section.key` fields)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    form: dict[str, str] = {"region": str(data.get("region", "")), "as_of": str(data.get("as_of", ""))}
    if "host" in data:
        form["host"] = str(data["host"])
    for section in ("starting_situation", "pioneer", "risks", "lessons", "system"):
        for key, value in (data.get(section) or {}).items():
            if key == "connection_points":
                form["connection_points"] = ", ".join(value)
            else:
                form[f"{section}.{key}"] = {True: "yes", False: "no"}.get(value, str(value))
    return form


def radar_of(html: str) -> str:
    found = RADAR.findall(html)
    assert found, html[:2000]
    return str(found[0])


def core_view(path: Path, lang: str = "en") -> Any:
    pack = default_pack()
    return explain_readiness(assess_readiness(read_region(path, pack=pack), pack=pack), pack, lang)


# ---------------------------------------------------------------- pages and roles


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_answers_a_planner_in_each_language(app: tuple[Litestar, WebState], lang: str) -> None:
    planner = sign_in(app, "petra", "org-a", lang=lang)
    for path in ("/planner", "/planner/readiness", "/planner/dacts", "/planner/indicators"):
        response = planner.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        assert f'lang="{lang}"' in response.text and planner_texts()["workspace_title"][lang] in response.text
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["content-language"] == lang


def test_an_administrator_may_use_the_workspace_other_roles_and_strangers_may_not(
    app: tuple[Litestar, WebState],
) -> None:
    assert sign_in(app, "ada", "org-a", Role.ADMINISTRATOR).get("/planner/readiness").status_code == 200
    for role in (Role.INTAKE_WORKER, Role.CASE_MANAGER):
        worker = sign_in(app, f"w-{role.value}", "org-a", role)
        assert worker.get("/planner").status_code == 403
        assert worker.post("/planner/readiness/live", {}).status_code == 403
    stranger = TestClient(app[0], base_url="http://127.0.0.1")
    response = stranger.get("/planner/readiness", follow_redirects=False)
    assert response.status_code in (302, 303) and response.headers["location"] == "/login?next=/planner/readiness"


def test_a_form_without_its_csrf_token_is_refused(app: tuple[Litestar, WebState]) -> None:
    planner = sign_in(app, "petra", "org-a")
    response = planner.client.post("/planner/readiness", data={"action": "save", "region": "R"}, follow_redirects=False)
    assert response.status_code == 403 and ui_texts("en")["error_csrf_title"] in html.unescape(response.text)
    assert Assessments(app[1].accounts().store).list(app[1].accounts().users()[0]) == []


# ---------------------------------------------------------------- the questionnaire


def test_the_questionnaire_asks_the_9_factors_with_every_pioneer_item_and_attention_risk(
    app: tuple[Litestar, WebState],
) -> None:
    """Seed 000: 9 key factors, each with its Pioneer items and Attention risks; every answer starts not known yet."""
    page = sign_in(app, "petra", "org-a", lang="cs").get("/planner/readiness").text
    catalogue = factor_catalogue(default_pack())
    assert len(catalogue.factors) == 9
    assert len(re.findall(r'<fieldset class="factor"', page)) == 9
    for factor in catalogue.factors:
        assert f'id="factor-{factor.id}"' in page and factor.title["cs"] in page
        for item in factor.pioneer:
            if item.lead_in:
                assert item.text["cs"] in page
            else:
                assert f'name="pioneer.{item.id}"' in page
        for item in factor.attention:
            assert f'name="risks.{item.id}"' in page
    selects = re.findall(
        r'<select id="[^"]*" name="([^"]*)">\s*<option value="" selected="selected">zatím nevím</option>', page
    )
    assert len(selects) == page.count("<select "), "every answer starts as not known yet"
    assert {"host", "starting_situation.prior_ccm_experience", "lessons.lead_strategy"} <= set(selects)


def test_an_example_region_filled_in_gives_the_cores_variant_chart_phases_and_lessons(
    app: tuple[Litestar, WebState],
) -> None:
    """examples/readiness/hospital_host.yaml through the form: minimum variant, SL4H not met (seed 000 §Tanulságok L658-661)."""
    planner = sign_in(app, "petra", "org-a")
    path = REGIONS / "hospital_host.yaml"
    view = core_view(path)
    fragment = planner.post("/planner/readiness/live", region_form(path))
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert view.variant == "minimum" and view.variant_title in fragment.text
    assert IN_PLACE.findall(fragment.text) == [readiness_radar(view).in_place]
    for phase in view.phases:
        assert phase.title in fragment.text
    sl4h = next(c for lesson in view.lessons for c in lesson.findings if c.id == "SL4H")
    assert (
        sl4h.status.value == "not_met"
        and f'<span class="badge not_met">{sl4h.status_label}</span> <b>SL4H</b>' in fragment.text
    )


def test_the_chart_and_variant_change_when_an_answer_changes(app: tuple[Litestar, WebState]) -> None:
    """No CCM experience yet: the maximum variant; first experience: the minimum (seed 000, starting situation)."""
    planner = sign_in(app, "petra", "org-a")
    nothing = planner.post("/planner/readiness/live", {})
    no_experience = planner.post("/planner/readiness/live", {"starting_situation.prior_ccm_experience": "no"})
    experience = planner.post("/planner/readiness/live", {"starting_situation.prior_ccm_experience": "yes"})
    one_item = planner.post(
        "/planner/readiness/live", {"starting_situation.prior_ccm_experience": "yes", "pioneer.F1.P1": "yes"}
    )
    plan_titles = {v.id: v.title["en"] for v in rollout_plan(default_pack()).variants}
    assert plan_titles["maximum"] in no_experience.text and plan_titles["minimum"] in experience.text
    assert radar_of(nothing.text) == radar_of(experience.text)  # the variant does not move the factor scores
    assert radar_of(one_item.text) != radar_of(experience.text)  # one Pioneer item in place moves F1's spoke
    before, after = IN_PLACE.findall(experience.text)[0].split(), IN_PLACE.findall(one_item.text)[0].split()
    assert before[1:] == after[1:] and before[0] != after[0]  # only F1, the first spoke, changed


def test_the_plain_form_submit_gives_the_same_result_as_the_fragment(app: tuple[Litestar, WebState]) -> None:
    planner = sign_in(app, "petra", "org-a")
    form = region_form(REGIONS / "new_to_ccm.yaml")
    fragment = planner.post("/planner/readiness/live", form).text
    whole = planner.post("/planner/readiness", {**form, "action": "assess"})
    assert whole.status_code == 200 and "<html" in whole.text
    assert radar_of(whole.text) == radar_of(fragment)
    assert 'hx-post="/planner/readiness/live"' in whole.text and 'hx-trigger="change"' in whole.text
    assert f'value="{form["region"]}"' in whole.text  # the answers are kept in the form


def test_a_bad_answer_is_named_and_nothing_is_assessed(app: tuple[Litestar, WebState]) -> None:
    planner = sign_in(app, "petra", "org-a")
    response = planner.post("/planner/readiness", {"pioneer.F1.P1": "maybe", "as_of": "2026-13-01", "action": "assess"})
    assert response.status_code == 422
    assert 'href="#f-pioneer-F1-P1"' in response.text and "maybe" in response.text
    assert 'href="#f-as_of"' in response.text and "2026-13-01" in response.text
    assert not RADAR.findall(response.text)


def test_answers_from_form_leave_not_known_yet_out() -> None:
    """Unknown is not no: an answer left "" is not in the region at all."""
    answers = answers_from_form(
        {
            "pioneer.F1.P1": "",
            "pioneer.F1.P2": "no",
            "connection_points": "GP, hospital ,",
            "_csrf_token": "x",
            "action": "save",
            "other.x": "y",
        }
    )
    assert answers == {"pioneer": {"F1.P2": "no"}, "starting_situation": {"connection_points": ["GP", "hospital"]}}


# ---------------------------------------------------------------- saved assessments


def save(planner: Planner, form: dict[str, str]) -> int:
    response = planner.post("/planner/readiness", {**form, "action": "save"})
    assert response.status_code == 303, response.text[:1000]
    match = re.fullmatch(r"/planner/assessments/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def test_an_assessment_is_saved_listed_and_opened_with_who_and_when(app: tuple[Litestar, WebState]) -> None:
    planner = sign_in(app, "petra", "org-a")
    form = region_form(REGIONS / "hospital_host.yaml")
    ident = save(planner, form)
    opened = planner.get(f"/planner/assessments/{ident}")
    assert opened.status_code == 200 and "saved by petra at" in opened.text
    assert IN_PLACE.findall(opened.text) == [readiness_radar(core_view(REGIONS / "hospital_host.yaml")).in_place]
    assert '<option value="partly" selected="selected">' in opened.text  # the answers are back in the form
    listing = planner.get("/planner").text
    assert form["region"] in listing and "2026-11-01" in listing and f'href="/planner/assessments/{ident}"' in listing
    log = app[1].accounts().changes(f"assessment:{ident}")
    assert [(c.actor, c.action, c.detail["as_of"]) for c in log] == [("petra", "assessment.save", "2026-11-01")]


def test_saving_needs_the_regions_name(app: tuple[Litestar, WebState]) -> None:
    planner = sign_in(app, "petra", "org-a")
    response = planner.post("/planner/readiness", {"pioneer.F1.P1": "yes", "action": "save"})
    assert response.status_code == 422 and planner_texts()["region_required"]["en"] in html.unescape(response.text)
    assert Assessments(app[1].accounts().store).list(app[1].accounts().users()[0]) == []


def test_another_organisations_assessment_is_404_by_url_and_in_a_comparison(app: tuple[Litestar, WebState]) -> None:
    mine = sign_in(app, "petra", "org-a")
    ident = save(mine, region_form(REGIONS / "hospital_host.yaml"))
    other = sign_in(app, "olga", "org-b")
    own = save(other, region_form(REGIONS / "new_to_ccm.yaml"))
    assert other.get(f"/planner/assessments/{ident}").status_code == 404
    assert (
        other.get(f"/planner/assessments/{ident + 100}").status_code == 404
    )  # the same answer as one that does not exist
    assert other.get("/planner/compare", a=own, b=ident).status_code == 404
    assert f"/planner/assessments/{ident}" not in other.get("/planner").text
    assert mine.get(f"/planner/assessments/{ident}").status_code == 200


def test_two_assessments_compared_side_by_side_with_the_factor_differences(app: tuple[Litestar, WebState]) -> None:
    planner = sign_in(app, "petra", "org-a")
    form = region_form(REGIONS / "new_to_ccm.yaml")
    first = save(planner, form)
    later = {**form, "as_of": "2027-06-01", "pioneer.F1.P1": "yes", "pioneer.F1.P2": "yes"}
    second = save(planner, later)
    response = planner.get("/planner/compare", a=first, b=second)
    assert response.status_code == 200
    assert len(RADAR.findall(response.text)) == 2
    view_a = core_view(REGIONS / "new_to_ccm.yaml")
    row_f1 = re.search(
        r'<th scope="row">F1 [^<]*</th><td class="num">([^<]*)</td><td class="num">([^<]*)</td><td class="num">([^<]*)</td>',
        response.text,
    )
    assert row_f1, response.text[-3000:]
    assert row_f1.group(1) == view_a.factors[0].share_text and row_f1.group(3).startswith("+")
    rows = re.findall(r'<td class="num">([^<]*)</td></tr>', response.text)
    assert rows[1:9] == ["0"] * 8  # the other eight factors did not move
    index = planner.get("/planner").text
    assert 'name="a"' in index and 'name="b"' in index


# ---------------------------------------------------------------- DACTS


def test_the_dacts_form_scores_a_program_with_a_chart_per_section(app: tuple[Litestar, WebState]) -> None:
    """examples/dacts/partly_measured.yaml: only staffing measured, the band cannot be decided yet."""
    planner = sign_in(app, "petra", "org-a")
    empty = planner.get("/planner/dacts").text
    assert 'name="clients_per_staff"' in empty and len(re.findall(r"<fieldset><legend>[HOS] ", empty)) == 3
    program = read_program(ROOT / "examples" / "dacts" / "partly_measured.yaml")
    assert program.as_of is not None and program.code is not None
    form = {
        "program": program.code,
        "as_of": program.as_of.isoformat(),
        **{k: str(v) for k, v in program.figures.items()},
    }
    response = planner.post("/planner/dacts", form)
    assert response.status_code == 200
    pack = default_pack()
    ex = explain_dacts(score_dacts(program.figures, as_of=program.as_of, pack=pack), pack, "en")
    assert ex.total in response.text and ex.band in response.text
    assert len(re.findall(r'<svg[^>]*class="chart"', response.text)) == 3
    for text in ex.missing[:3]:
        assert text in response.text
    assert 'value="9"' in response.text  # the figures stay in the form


def test_a_dacts_figure_that_is_no_number_is_named(app: tuple[Litestar, WebState]) -> None:
    planner = sign_in(app, "petra", "org-a", lang="de")
    response = planner.post("/planner/dacts", {"clients_per_staff": "neun"})
    assert response.status_code == 422 and "clients_per_staff: 'neun' ist keine Zahl" in html.unescape(response.text)
    assert (
        planner.post("/planner/dacts", {"clients_per_staff": "9,5"}).status_code == 200
    )  # a decimal comma is a number


# ---------------------------------------------------------------- indicators


def test_the_indicators_page_says_when_the_store_has_no_records(app: tuple[Litestar, WebState]) -> None:
    page = sign_in(app, "petra", "org-a", lang="hu").get("/planner/indicators")
    assert page.status_code == 200 and planner_texts()["no_records"]["hu"] in page.text
    assert sign_in(app, "pia", "org-a").get("/planner/indicators", to="2026-02-30").status_code == 422


def test_the_indicators_page_shows_the_stores_records_with_the_reports_charts(app: tuple[Litestar, WebState]) -> None:
    pytest.importorskip("polars")
    from ccm_rules.records import read_records
    from ccm_rules_adapters.storage import new_key

    records = ROOT / "examples" / "records"
    store = app[1].accounts().store
    codes = sorted({item.record.code for item in read_records(records) if hasattr(item.record, "code")})
    store.register(new_key()).add([{"code": c, "on": "2026-01-02", "identity": {"name": f"Client {c}"}} for c in codes])
    store.append(read_records(records))
    page = sign_in(app, "petra", "org-a").get(
        "/planner/indicators", **{"from": "2026-01-01", "to": "2026-06-30", "by": "provider"}
    )
    assert page.status_code == 200, page.text[:1000]
    assert planner_texts()["no_records"]["en"] not in page.text
    assert '<option value="provider" selected="selected">' in page.text
    from ccm_rules.records import current, tables
    from ccm_rules.records.indicators import indicators
    from ccm_rules_adapters.cli.indicators import indicator_frames
    from ccm_rules_adapters.html.indicators import indicator_sections

    table = indicators(
        indicator_frames(tables(current(store.records()))),
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 6, 30),
        by="provider",
    )
    sections = indicator_sections(table.to_dicts(), "en")
    assert sections and all(f'">{html.escape(section.name)}</h2>' in page.text for section in sections)
    assert len(re.findall(r'<svg[^>]*class="chart"', page.text)) == sum(len(section.charts) for section in sections) > 0
    figure = sections[0].figures[0]
    assert html.escape(figure.indicator) in page.text and html.escape(figure.value) in page.text


# ---------------------------------------------------------------- store


def test_the_migration_adds_the_assessments_table(app: tuple[Litestar, WebState]) -> None:
    import sqlalchemy as sa

    engine = app[1].accounts().store.engine
    columns = {c["name"] for c in sa.inspect(engine).get_columns("readiness_assessments")}
    assert columns == {"id", "org", "region", "as_of", "answers", "created_by", "created_at"}
    sign_in(app, "petra", "org-a")
    user = app[1].accounts().users("org-a")[0]
    saved = Assessments(app[1].accounts().store).save(
        user, "  Region X ", datetime.date(2027, 1, 4), {"host": "authority"}
    )
    assert (saved.region, saved.as_of, saved.answers, saved.created_by_name) == (
        "Region X",
        datetime.date(2027, 1, 4),
        {"host": "authority"},
        "petra",
    )


def test_the_web_app_mounts_every_planner_route_and_the_router_holds_them_all(app: tuple[Litestar, WebState]) -> None:
    paths = {path for handler in PLANNER_ROUTES for path in handler.paths}
    assert paths <= {route.path.replace("{assessment_id:int}", "{assessment_id:int}") for route in app[0].routes}
    assert {route.path for route in planner_router().routes} == paths
