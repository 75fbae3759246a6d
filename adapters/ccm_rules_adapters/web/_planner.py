"""The planner workspace in the browser (issue 19 item 5): readiness questionnaire, saved assessments, DACTS, indicators.

Pages (behind `requires(Role.PLANNER, Role.ADMINISTRATOR)`; a saved assessment is reached only
within the user's organisation, so another organisation's is a 404, as one that does not exist):

- `GET /planner` — the saved assessments (per region and date, who saved them and when), the
  form that compares two of them, and the links to the questionnaire, DACTS and indicators.
- `GET /planner/readiness` — a region's readiness questionnaire (seed 000): the starting
  situation, the host, the 9 key factors each with its Pioneer items and Attention risks, the
  success lessons' conditions and the system questions (seed 001 row 5). Every answer may be
  left "not known yet" (unknown is never no). Beside it the result: the variant, the radar
  chart of the factor scores, the factor table, the phase plan and the lessons' findings.
  `POST /planner/readiness/live` returns only that result (the form's `hx-post` on every
  change: the chart and the variant follow the answers); `POST /planner/readiness` gives the
  same page without JavaScript (`action=assess`), or saves it (`action=save`).
- `GET /planner/assessments/{id}` — a saved assessment, assessed again by the pack in use.
- `GET /planner/compare?a=&b=` — two saved assessments side by side: two radar charts and each
  factor's share with the difference.
- `GET|POST /planner/dacts` — the DACTS fidelity form, with the report's chart per section.
- `GET /planner/indicators?from=&to=&by=` — seed 002's indicators from the store's records.

The questions, answers, factor titles, phases and lessons are the rule pack's own texts in the
page's language; this module only arranges them and hands the core's explanations
(`explain_readiness`, `explain_dacts`) to the templates. No domain logic is computed here.
"""

from __future__ import annotations

import datetime
import importlib.util
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import attrs
from litestar import Request, Response, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, PathParameter, QueryParameter
from litestar.response import Redirect

from ccm_rules import RulePack
from ccm_rules.engine import FactsError, InputFileError
from ccm_rules.fidelity import dacts_scale, explain_dacts, score_dacts
from ccm_rules.readiness import (
    LESSONS_RULESET,
    SYSTEM_RULESET,
    ReadinessExplanation,
    Region,
    answer_options,
    assess_readiness,
    explain_readiness,
    factor_catalogue,
    rollout_plan,
    starting_ruleset,
    system_fields,
)
from ccm_rules_adapters.html.dacts import dacts_charts
from ccm_rules_adapters.html.indicators import BY, indicator_sections
from ccm_rules_adapters.html.readiness import readiness_radar
from ccm_rules_adapters.storage import Role, StoreError
from ccm_rules_adapters.storage.assessments import AssessmentNotFound, Assessments, SavedAssessment

from ._access import current_user, requires
from ._render import page, redirect
from ._security import web_context
from ._texts import UiTexts, catalogue

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
"""A submitted form (every page's forms are plain HTML forms)."""

PLANNER_ROLES = (Role.PLANNER, Role.ADMINISTRATOR)
"""Who may use the workspace (project policy: planners, and administrators who set it up)."""
GUARD = requires(*PLANNER_ROLES)
TEXTS_FILE = "planner_texts.yaml"
LAYOUT = "web/base.html"
"""The layout the planner pages extend (the web app's, on the reports' base.html)."""
ANSWERS = ("yes", "partly", "no")
"""A Pioneer item's or Attention risk's answers (seed 000); "" (not known yet) is the form's default."""
SECTIONS = ("starting_situation", "pioneer", "risks", "lessons", "system")
"""The region file's sections a form field `section.key` fills (`host`, `region`, `as_of` stand alone)."""


# ---------------------------------------------------------------- texts


def planner_texts() -> Mapping[str, Mapping[str, str]]:
    """The texts of `TEXTS_FILE`, every key in every language (the web app's one texts reader)."""
    return catalogue(TEXTS_FILE)


class PlannerTexts(UiTexts):
    """The workspace's texts in one language, for a template: `t.readiness_title`, `t.fill("saved_by", …)`."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang, TEXTS_FILE)


# ---------------------------------------------------------------- the questionnaire


@attrs.frozen
class Question:
    """One form field: its name (`pioneer.F1.P2`), text, answers (value, label), the answer given ("" not known yet)."""

    name: str
    text: str
    options: tuple[tuple[str, str], ...]
    value: str
    note: str = ""


@attrs.frozen
class FactorBlock:
    """A key factor's part of the form: its Pioneer items (lead-ins shown as text) and Attention risks."""

    id: str
    title: str
    description: str
    pioneer: tuple[Question | str, ...]
    attention: tuple[Question, ...]


@attrs.frozen
class Questionnaire:
    """The whole readiness form of a region, in one language, with the answers given so far."""

    region: str
    as_of: str
    connection_points: str
    starting: tuple[Question, ...]
    host: Question
    factors: tuple[FactorBlock, ...]
    lessons: tuple[Question, ...]
    system: tuple[Question, ...]


def _fact_question(
    pack: RulePack, ruleset: str, fact: str, name: str, lang: str, value: str, text: str | None = None
) -> Question:
    spec = pack.ruleset(ruleset).spec.facts[fact]
    labels = spec.value_labels or {}
    options = tuple(
        (v, labels[v][lang] if v in labels else v) for v in answer_options(pack, ruleset, fact) if v != "unknown"
    )
    return Question(name, text or spec.question[lang], options, value)


def lesson_fields(pack: RulePack) -> tuple[str, ...]:
    """The `lessons` section's fields: the lessons ruleset's facts but the host and the starting situation (as the region reader reads them)."""
    starting = {q.field for q in rollout_plan(pack).starting_situation}
    return tuple(f for f in pack.ruleset(LESSONS_RULESET).spec.facts if f != "host" and f not in starting)


def questionnaire(pack: RulePack, lang: str, answers: Mapping[str, Any]) -> Questionnaire:
    """The form of `answers` (a region mapping, as saved) in `lang`: every question of the pack, each answer or ""."""

    def given(section: str, key: str) -> str:
        value = answers.get(section) or {}
        return str(value.get(key, "")) if isinstance(value, Mapping) else ""

    def answer_labels() -> tuple[tuple[str, str], ...]:
        return tuple((a, pack.text(f"readiness.answer.{a}", lang)) for a in ANSWERS)

    plan = rollout_plan(pack)
    starting = []
    for q in plan.starting_situation:
        ruleset = starting_ruleset(pack, q.field)
        if ruleset is not None:
            starting.append(
                _fact_question(
                    pack,
                    ruleset,
                    q.field,
                    f"starting_situation.{q.field}",
                    lang,
                    given("starting_situation", q.field),
                    q.text[lang],
                )
            )
    factors = []
    for f in factor_catalogue(pack).factors:
        pioneer: list[Question | str] = [
            item.text[lang]
            if item.lead_in
            else Question(f"pioneer.{item.id}", item.text[lang], answer_labels(), given("pioneer", item.id), item.id)
            for item in f.pioneer
        ]
        attention = tuple(
            Question(f"risks.{item.id}", item.text[lang], answer_labels(), given("risks", item.id), item.id)
            for item in f.attention
        )
        factors.append(FactorBlock(f.id, f.title[lang], f.description[lang], tuple(pioneer), attention))
    points = (
        answers.get("starting_situation", {}).get("connection_points", [])
        if isinstance(answers.get("starting_situation"), Mapping)
        else []
    )
    return Questionnaire(
        region=str(answers.get("region") or ""),
        as_of=str(answers.get("as_of") or ""),
        connection_points=", ".join(str(p) for p in points) if isinstance(points, list) else "",
        starting=tuple(starting),
        host=_fact_question(pack, LESSONS_RULESET, "host", "host", lang, str(answers.get("host") or "")),
        factors=tuple(factors),
        lessons=tuple(
            _fact_question(pack, LESSONS_RULESET, f, f"lessons.{f}", lang, given("lessons", f))
            for f in lesson_fields(pack)
        ),
        system=tuple(
            _fact_question(pack, SYSTEM_RULESET, f, f"system.{f}", lang, given("system", f))
            for f in system_fields(pack)
        ),
    )


def answers_from_form(form: Mapping[str, Any]) -> dict[str, Any]:
    """The region mapping a submitted form gives: every answered field in its section; "" (not known yet) is left out.

    Only the form's own fields are read (`region`, `as_of`, `host`, `connection_points` and
    `section.key`); the answers themselves are checked by `Region.from_mapping`, which names
    each bad one.
    """
    out: dict[str, Any] = {}
    for name, raw in form.items():
        value = (raw[-1] if isinstance(raw, list) else str(raw)).strip()
        if not value:
            continue
        if name in ("region", "as_of", "host"):
            out[name] = value
        elif name == "connection_points":
            points = [p.strip() for p in value.replace("\n", ",").split(",") if p.strip()]
            if points:
                out.setdefault("starting_situation", {})["connection_points"] = points
        elif "." in name and (section := name.split(".", 1)[0]) in SECTIONS:
            out.setdefault(section, {})[name.split(".", 1)[1]] = value
    return out


@attrs.frozen
class Outcome:
    """What the result part of the page shows: the explanation and its radar, or the problems of the answers."""

    view: ReadinessExplanation | None
    radar: Any
    problems: tuple[tuple[str, str], ...]
    """(field name, what is wrong in the page's language) of each refused answer."""


def assess(pack: RulePack, lang: str, answers: Mapping[str, Any], today: datetime.date) -> Outcome:
    """Assess `answers` as a region (`as_of` the form's date, else `today`), or say which answers are refused."""
    data = dict(answers)
    problems: list[tuple[str, str]] = []
    as_of = today
    if "as_of" in data:
        try:
            as_of = datetime.date.fromisoformat(str(data.pop("as_of")))
        except ValueError:
            problems.append(
                (
                    "as_of",
                    PlannerTexts(lang).fill("not_a_date", field=PlannerTexts(lang).as_of_label, value=answers["as_of"]),
                )
            )
    try:
        region = Region.from_mapping(data, pack=pack, file="form")
    except InputFileError as err:
        problems += [(p.path.removeprefix("$."), p.text(lang)) for p in err.problems]
    if problems:
        return Outcome(None, None, tuple(problems))
    view = explain_readiness(assess_readiness(region, as_of=as_of, pack=pack), pack, lang)
    return Outcome(view, readiness_radar(view), ())


# ---------------------------------------------------------------- pages: readiness


def _today() -> datetime.date:
    return datetime.date.today()


def _store(request: Request[Any, Any, Any]) -> Assessments:
    return Assessments(web_context(request).state.accounts().store)


def _readiness_page(
    request: Request[Any, Any, Any],
    answers: Mapping[str, Any],
    *,
    saved: SavedAssessment | None = None,
    save_problem: str | None = None,
    status: int = 200,
) -> Response[str]:
    context = web_context(request)
    pack, lang = context.state.pack, context.lang
    outcome = assess(pack, lang, answers, _today())
    t = PlannerTexts(lang)
    return page(
        request,
        "web/planner/readiness.html",
        status if not outcome.problems else 422,
        layout=LAYOUT,
        t=t,
        title=t.readiness_title,
        form=questionnaire(pack, lang, answers),
        outcome=outcome,
        saved=saved,
        not_known=pack.text("answer.not_known_yet", lang),
        lb=_labels(pack, lang),
        save_problem=save_problem,
    )


def _labels(pack: RulePack, lang: str) -> dict[str, str]:
    """The readiness report's labels (`readiness.label.…`, `readiness.heading.…`) without their prefix."""
    return {k.removeprefix("readiness."): v[lang] for k, v in pack.texts.items() if k.startswith("readiness.")}


@get("/planner", guards=[GUARD], sync_to_thread=False)
def workspace_page(request: Request[Any, Any, Any]) -> Response[str]:
    """The workspace's start: saved assessments, the compare form, and the links."""
    t = PlannerTexts(web_context(request).lang)
    return page(
        request,
        "web/planner/index.html",
        layout=LAYOUT,
        t=t,
        title=t.workspace_title,
        saved=_store(request).list(current_user(request)),
    )


@get("/planner/readiness", guards=[GUARD], sync_to_thread=False)
def readiness_page(request: Request[Any, Any, Any]) -> Response[str]:
    """An empty questionnaire (every answer not known yet), with the result of knowing nothing."""
    return _readiness_page(request, {})


@post("/planner/readiness", guards=[GUARD], sync_to_thread=False)
def readiness_submit(request: Request[Any, Any, Any], data: Form) -> Response[str] | Redirect:
    """The plain form's submit: the same page with the result (`action=assess`), or save it (`action=save`) and show it."""
    answers = answers_from_form(data)
    if str(data.get("action", "")) != "save":
        return _readiness_page(request, answers)
    context = web_context(request)
    outcome = assess(context.state.pack, context.lang, answers, _today())
    if outcome.problems or outcome.view is None:
        return _readiness_page(request, answers)
    if not str(answers.get("region") or "").strip():
        return _readiness_page(request, answers, save_problem=PlannerTexts(context.lang).region_required, status=422)
    try:
        saved = _store(request).save(
            current_user(request), str(answers.get("region") or ""), outcome.view.as_of, answers
        )
    except StoreError as err:  # no region name, or too long
        return _readiness_page(request, answers, save_problem=str(err), status=422)
    return redirect(f"/planner/assessments/{saved.id}")


@post("/planner/readiness/live", guards=[GUARD], sync_to_thread=False)
def readiness_live(request: Request[Any, Any, Any], data: Form) -> Response[str]:
    """The result part only (htmx `hx-post` on every change): variant, radar chart, factor table, phases, lessons."""
    context = web_context(request)
    pack, lang = context.state.pack, context.lang
    outcome = assess(pack, lang, answers_from_form(data), _today())
    return page(
        request,
        "web/planner/results.html",
        layout=LAYOUT,
        t=PlannerTexts(lang),
        outcome=outcome,
        lb=_labels(pack, lang),
    )


def _saved(request: Request[Any, Any, Any], assessment_id: int) -> SavedAssessment:
    try:
        return _store(request).get(current_user(request), assessment_id)
    except AssessmentNotFound:
        raise NotFoundException("no such assessment") from None


@get("/planner/assessments/{assessment_id:int}", guards=[GUARD], sync_to_thread=False)
def assessment_page(request: Request[Any, Any, Any], assessment_id: Annotated[int, PathParameter()]) -> Response[str]:
    """A saved assessment of this organisation: its answers in the form, assessed again (404 for any other)."""
    saved = _saved(request, assessment_id)
    return _readiness_page(request, saved.answers, saved=saved)


@attrs.frozen
class FactorDifference:
    """One row of the comparison: a factor, its share in each assessment (as texts) and the difference in points."""

    id: str
    title: str
    first: str
    second: str
    difference: str


def differences(first: ReadinessExplanation, second: ReadinessExplanation) -> tuple[FactorDifference, ...]:
    """Each factor's share in both assessments and the change from the first to the second, in percentage points."""
    rows = []
    for a, b in zip(first.factors, second.factors, strict=True):
        points = round((b.share - a.share) * 100)
        rows.append(FactorDifference(a.id, a.title, a.share_text, b.share_text, f"{points:+d}" if points else "0"))
    return tuple(rows)


@get("/planner/compare", guards=[GUARD], sync_to_thread=False)
def compare_page(
    request: Request[Any, Any, Any], a: Annotated[int, QueryParameter()], b: Annotated[int, QueryParameter()]
) -> Response[str]:
    """Two saved assessments side by side: their radar charts, variants and each factor's share and difference."""
    context = web_context(request)
    pack, lang = context.state.pack, context.lang
    pair = [_saved(request, a), _saved(request, b)]
    outcomes = [assess(pack, lang, s.answers, s.as_of) for s in pair]
    views = [o.view for o in outcomes]
    if views[0] is None or views[1] is None:  # saved answers were checked when saved; a pack change may refuse them
        raise NotFoundException("a saved assessment no longer reads with this rule pack")
    t = PlannerTexts(lang)
    return page(
        request,
        "web/planner/compare.html",
        layout=LAYOUT,
        t=t,
        title=t.compare_heading,
        pair=list(zip(pair, outcomes, strict=True)),
        rows=differences(views[0], views[1]),
        lb=_labels(pack, lang),
    )


# ---------------------------------------------------------------- pages: DACTS


@attrs.frozen
class DactsField:
    """One figure of the DACTS form: the item(s) it scores, the question, its unit and range, the value given."""

    figure: str
    items: str
    question: str
    unit: str
    minimum: str
    maximum: str
    value: str


def _number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def dacts_fields(pack: RulePack, lang: str, given: Mapping[str, str]) -> list[tuple[str, list[DactsField]]]:
    """The DACTS form per section (code and title): one field per figure the scale's items score."""
    doc = dacts_scale(pack)
    out = []
    for section in doc.sections:
        fields: dict[str, DactsField] = {}
        for item in doc.items:
            if item.section != section.code:
                continue
            if item.figure in fields:
                old = fields[item.figure]
                fields[item.figure] = attrs.evolve(old, items=f"{old.items}, {item.id}")
                continue
            fields[item.figure] = DactsField(
                item.figure,
                item.id,
                item.question[lang],
                item.unit[lang],
                _number_text(item.min),
                _number_text(item.max),
                given.get(item.figure, ""),
            )
        out.append((f"{section.code} {section.title[lang]}", list(fields.values())))
    return out


def _dacts_context(request: Request[Any, Any, Any], data: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    context = web_context(request)
    pack, lang = context.state.pack, context.lang
    t = PlannerTexts(lang)
    doc = dacts_scale(pack)
    figures_names = {item.figure for item in doc.items}
    given = {
        k: (v[-1] if isinstance(v, list) else str(v)).strip()
        for k, v in data.items()
        if k in figures_names or k in ("program", "as_of")
    }
    problems: list[tuple[str, str]] = []
    figures: dict[str, float | int] = {}
    for name in sorted(figures_names):
        raw = given.get(name, "")
        if not raw:
            continue
        try:
            number = float(raw.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
        except ValueError:
            problems.append((name, t.fill("not_a_number", field=name, value=raw)))
            continue
        figures[name] = int(number) if number.is_integer() else number
    as_of = _today()
    if given.get("as_of"):
        try:
            as_of = datetime.date.fromisoformat(given["as_of"])
        except ValueError:
            problems.append(("as_of", t.fill("not_a_date", field=t.as_of_label, value=given["as_of"])))
    values: dict[str, Any] = {
        "t": t,
        "title": t.dacts_title,
        "layout": LAYOUT,
        "sections": dacts_fields(pack, lang, given),
        "program": given.get("program", ""),
        "as_of": given.get("as_of", ""),
        "ex": None,
        "charts": [],
        "label": lambda key: pack.text(key, lang),
    }
    if not problems and data:
        try:
            result = score_dacts(figures, as_of=as_of, pack=pack)
        except FactsError as err:
            problems += [(p.path.removeprefix("$."), p.text(lang)) for p in err.problems]
        else:
            ex = explain_dacts(result, pack, lang)
            values.update(
                ex=ex,
                charts=dacts_charts(ex, result, pack=pack),
                band_class=f"b-{result.band}" if result.band else "b-open",
            )
    values["problems"] = problems
    return values, 422 if problems else 200


@get("/planner/dacts", guards=[GUARD], sync_to_thread=False)
def dacts_page(request: Request[Any, Any, Any]) -> Response[str]:
    """The empty DACTS form."""
    values, status = _dacts_context(request, {})
    return page(request, "web/planner/dacts.html", status, **values)


@post("/planner/dacts", guards=[GUARD], sync_to_thread=False)
def dacts_submit(request: Request[Any, Any, Any], data: Form) -> Response[str]:
    """The DACTS form scored: band, means, the chart per section, what to improve, what is still to measure."""
    values, status = _dacts_context(request, data)
    return page(request, "web/planner/dacts.html", status, **values)


# ---------------------------------------------------------------- pages: indicators


BY_CHOICES = ("", "provider", "case_manager", "region")


@get("/planner/indicators", guards=[GUARD], sync_to_thread=False)
def indicators_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Seed 002's indicators (§6, §8.1) of the store's records for a period (default: this year so far), by group."""
    context = web_context(request)
    lang = context.lang
    t = PlannerTexts(lang)
    query = request.query_params
    today = _today()
    problems: list[tuple[str, str]] = []

    def day(name: str, default: datetime.date) -> datetime.date:
        raw = str(query.get(name) or "").strip()
        if not raw:
            return default
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            problems.append((name, t.fill("not_a_date", field=getattr(t, f"indicators_{name}"), value=raw)))
            return default

    end = day("to", today)
    begin = day("from", datetime.date(end.year, 1, 1))
    by = str(query.get("by") or "")
    if by not in BY_CHOICES:
        by = ""
    sections: Sequence[Any] = []
    available = all(importlib.util.find_spec(name) is not None for name in ("narwhals", "polars"))
    if available and not problems:
        from ccm_rules.records import current, tables
        from ccm_rules.records.indicators import indicators
        from ccm_rules_adapters.cli.indicators import indicator_frames

        items = context.state.accounts().store.records()
        if items:
            table = indicators(indicator_frames(tables(current(items))), start=begin, end=end, by=by or None)  # type: ignore[arg-type]
            sections = indicator_sections(table.to_dicts(), lang)
    by_labels = [("", t.indicators_whole)] + [(k, BY[k][lang]) for k in BY_CHOICES[1:]]
    return page(
        request,
        "web/planner/indicators.html",
        422 if problems else 200,
        layout=LAYOUT,
        t=t,
        title=t.indicators_title,
        start=begin.isoformat(),
        end=end.isoformat(),
        by=by,
        by_labels=by_labels,
        sections=sections,
        problems=problems,
        available=available,
    )


PLANNER_ROUTES = [
    workspace_page,
    readiness_page,
    readiness_submit,
    readiness_live,
    assessment_page,
    compare_page,
    dacts_page,
    dacts_submit,
    indicators_page,
]
"""Every route of the planner workspace."""


def planner_router() -> Router:
    """The planner workspace's routes as one router, for the web app to mount (behind its middleware)."""
    return Router(path="/", route_handlers=PLANNER_ROUTES)
