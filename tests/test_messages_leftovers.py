"""Issue 14 item 10, the leftovers: every refusal and every report line in the user's language.

Refusals that were still English f-strings with `code: null` (the FHIR resource checks behind
a CDS Hooks prefetch, the document endpoints' last fallback, the rule-pack author checks),
the rule texts' "(s)" plurals and the DACTS report's "as scored" value are said in en, cs, hu
and de: codes from the catalogue, plural forms and numbers as each language writes them.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccm_rules import ProblemsError, RulePack
from ccm_rules.engine._problem_texts import LANGUAGES, catalogue

from .conftest import EXAMPLES, missing_extras
from .test_problem_texts import PYTHON_WORDS

FHIR_MISSING = missing_extras((("fhir", ("fhir.resources",)),))
HTTP_MISSING = missing_extras((("http", ("litestar", "httpx")), ("fhir", ("fhir.resources",))))

MODEL_WORDS = re.compile(
    r"Input should|Value error|Extra inputs|Field required|does not match spec regex|String should|is required\."
)
"""The FHIR model library's (pydantic's) own English: never shown to a person."""

TOKEN = "leftovers-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CALL = {
    "hook": "patient-view",
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "context": {"userId": "Practitioner/1", "patientId": "C-0042"},
}


def intake() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "fhir" / "intake-eligible.R4B.json").read_text(encoding="utf-8"))
    return data


def assert_said_in_every_language(err: ProblemsError) -> None:
    """Every problem coded; no Python or pydantic words; Czech and Hungarian differ from English."""
    assert err.problems
    for problem in err.problems:
        assert problem.code in catalogue(), problem.message
        english = problem.text("en")
        for lang in LANGUAGES:
            said = problem.text(lang)
            assert not PYTHON_WORDS.search(said) and not MODEL_WORDS.search(said), (lang, said)
            assert (said == english) is (lang == "en"), (lang, said)
    assert err.summary("cs") != err.summary("en") and err.summary("hu") != err.summary("en")


# ---------------------------------------------------------------- 2. FHIR resources (CDS Hooks prefetch, fhir command)

BAD_RESOURCES = {
    "a number for an integer": {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"linkId": "services_needed", "answer": [{"valueInteger": "many"}]}],
    },
    "unknown type": {"resourceType": "Foo"},
    "no resourceType": {"status": "completed"},
    "not an object": ["QuestionnaireResponse"],
    "unknown element, bad date, bad id": {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "foo": 1,
        "authored": "2027-02-30",
        "id": "a b",
    },
    "entry type not text": {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": 5}}],
    },
    "entry type unknown": {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Foo"}}],
    },
    "decimal and dateTime not written as FHIR": {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "x"},
        "valueQuantity": {"value": "x"},
        "effectiveDateTime": "yesterday",
    },
    "status missing, item not a list": {"resourceType": "QuestionnaireResponse", "item": {"linkId": 3}},
}


@pytest.mark.skipif(FHIR_MISSING is not None, reason=FHIR_MISSING or "")
@pytest.mark.parametrize("name", list(BAD_RESOURCES))
def test_a_refused_fhir_resource_is_coded_and_said_in_every_language(name: str) -> None:
    """They were English f-strings and pydantic's own text ("Input should be a valid integer"), code null."""
    from ccm_rules_adapters.fhir import resources

    with pytest.raises(ProblemsError) as caught:
        resources(BAD_RESOURCES[name], "R4B")
    assert_said_in_every_language(caught.value)


FHIR_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["a", "value", "code"]), st.integers(), max_size=2),
)


@pytest.mark.skipif(FHIR_MISSING is not None, reason=FHIR_MISSING or "")
@given(
    where=st.sampled_from(
        [
            ("authored",),
            ("status",),
            ("subject",),
            ("subject", "reference"),
            ("item", 1, "linkId"),
            ("item", 1, "answer"),
            ("item", 1, "answer", 0, "valueInteger"),
            ("item", 2, "answer", 0),
            ("item", 0, "item", 0, "answer", 0, "valueCoding"),
            ("questionnaire",),
            ("id",),
            ("meta",),
        ]
    ),
    value=FHIR_VALUES,
)
def test_property_any_bad_element_of_an_intake_is_refused_in_the_users_language(
    where: tuple[Any, ...], value: Any
) -> None:
    from ccm_rules_adapters.fhir import resources

    bundle = intake()
    node: Any = bundle["entry"][0]["resource"]
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = copy.deepcopy(value)
    try:
        resources(bundle, "R4B")
    except ProblemsError as err:
        assert_said_in_every_language(err)


@pytest.fixture(scope="module")
def client(pack: RulePack) -> Any:
    from litestar.testing import TestClient

    from ccm_rules_adapters.http import create_app

    with TestClient(create_app(pack, token=TOKEN)) as c:
        yield c


@pytest.mark.skipif(HTTP_MISSING is not None, reason=HTTP_MISSING or "")
@pytest.mark.parametrize("lang", ["cs", "hu"])
@pytest.mark.parametrize(
    "name", [name for name in BAD_RESOURCES if name != "not an object"]
)  # the request schema refuses that
def test_a_refused_prefetch_names_the_code_and_says_it_in_the_request_language(
    client: Any, name: str, lang: str
) -> None:
    """CDS Hooks: the prefetch refusals had `code: null` and English details inside a Czech answer."""
    body = {**CALL, "prefetch": {"intake": BAD_RESOURCES[name]}}
    english = client.post("/cds-services/ccm-eligibility", headers=AUTH, json=body)
    answer = client.post("/cds-services/ccm-eligibility", headers={**AUTH, "Accept-Language": lang}, json=body)
    assert answer.status_code in (400, 422) and answer.headers["content-language"] == lang, answer.text
    assert answer.json()["detail"] != english.json()["detail"]
    for said, en in zip(answer.json()["errors"], english.json()["errors"], strict=True):
        assert said["code"] in catalogue() and said["code"] == en["code"], en
        assert said["detail"] != en["detail"] and not MODEL_WORDS.search(en["detail"]), en["detail"]
        assert said["pointer"].startswith("/prefetch/intake"), said["pointer"]


# ---------------------------------------------------------------- 1. document endpoints (http/_documents.py)

DOCUMENT_REFUSALS = [
    (
        "/v1/caseload",
        {"team": 5, "as_of": "2027-02-30", "norm": "icmx", "workers": [{"code": "W", "fte": "one", "clients": -1}]},
    ),
    ("/v1/caseload", {"team": "T", "norm": 3, "workers": {"W": 1}, "extra": 1}),
    ("/v1/caseload", {"team": "T", "norm": "act", "workers": [{"code": "W", "fte": 0, "clients": 3, "hours": 2}]}),
    ("/v1/fidelity-dacts", {"program": ["P"], "figures": 3}),
    (
        "/v1/fidelity-dacts",
        {"program": "P", "figures": {"clients_per_staff": "nine", "turnover": 1, "pct_full_staffing_12_months": 1e300}},
    ),
    ("/v1/readiness", {"region": "R", "expect": {}, "as_of": 20270101}),
    ("/v1/readiness", {"region": 5, "host": "castle", "pioneer": {"F9.P9": "perhaps"}}),
    ("/v1/goal", {"goal": 5, "case": 7}),
    (
        "/v1/goal",
        {
            "goal": {
                "description": "",
                "due_duration": {"value": -3, "unit": "weeks"},
                "target_low": 5,
                "target_high": 1,
            }
        },
    ),
    (
        "/v1/goal",
        {"goal": {"description": "x", "start_date": "9999-12-01", "due_duration": {"value": 10, "unit": "weeks"}}},
    ),
    ("/v1/plan", {"plan": [], "lang": "xx"}),
    ("/v1/plan", {"plan": {"start_date": "2027-01-04", "last_review": "2026-01-01", "goals": [5, {"description": 3}]}}),
    (
        "/v1/conference",
        {"conference": {"date": "2027-02-15", "next_meeting": "2027-01-01", "agenda": ["opening", "dancing"]}},
    ),
    ("/v1/family-conference", {"family_conference": {"date": "2027-01-01", "preparation_start": "2027-02-01"}}),
]


@pytest.mark.skipif(HTTP_MISSING is not None, reason=HTTP_MISSING or "")
@pytest.mark.parametrize("lang", ["cs", "hu"])
@pytest.mark.parametrize(("path", "body"), DOCUMENT_REFUSALS)
def test_no_english_detail_comes_back_for_a_refused_document(
    client: Any, path: str, body: dict[str, Any], lang: str
) -> None:
    english = client.post(path, headers=AUTH, json=body)
    answer = client.post(path, headers={**AUTH, "Accept-Language": lang}, json=body)
    assert answer.status_code == english.status_code == 422, english.text
    assert answer.json()["detail"] != english.json()["detail"]
    for said, en in zip(answer.json()["errors"], english.json()["errors"], strict=True):
        assert said["code"] in catalogue() and said["code"] == en["code"], en
        assert said["detail"] != en["detail"], en
        assert not PYTHON_WORDS.search(en["detail"]), en["detail"]


@pytest.mark.skipif(HTTP_MISSING is not None, reason=HTTP_MISSING or "")
@pytest.mark.parametrize("lang", ["cs", "hu"])
def test_a_date_past_the_calendar_is_said_without_pythons_words(
    client: Any, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """The last fallback of the document endpoints put Python's own text ("date value out of range") in the detail."""
    from ccm_rules_adapters.http import _documents

    def overflow(*_: Any, **__: Any) -> Any:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(_documents, "assess_goal", overflow)
    english = client.post(
        "/v1/goal", headers=AUTH, json={"goal": "The client applies for housing benefit by 2027-03-31."}
    )
    answer = client.post(
        "/v1/goal",
        headers={**AUTH, "Accept-Language": lang},
        json={"goal": "The client applies for housing benefit by 2027-03-31."},
    )
    assert answer.status_code == 422
    [error], [en] = answer.json()["errors"], english.json()["errors"]
    assert error["code"] == "document.past_calendar" and error["pointer"] == "/goal"
    assert "out of range" not in en["detail"] and error["detail"] != en["detail"]


# ---------------------------------------------------------------- 3. plural forms in rule texts, not "(s)"

HALF_PLURAL = re.compile(r"\w\((s|e|n|en|y|ů|ok|ek)\)|riziko/rizika|Risiko/Risiken")
"""A count's noun written for every number at once: "task(s)", "úkol(ů)", "Aufgabe(n)"."""


def test_no_rule_text_writes_a_count_with_a_half_plural(pack: RulePack) -> None:
    """Rule texts said "1 task(s)", "2 úkol(ů)", "3 Aufgabe(n)": each count now has the language's plural forms."""
    found = []
    for ruleset in pack.rulesets.values():
        for criterion in ruleset.spec.criteria:
            for kind in ("met", "not_met", "unknown"):
                for lang, text in getattr(criterion, kind).items():
                    if HALF_PLURAL.search(text):
                        found.append((criterion.id, kind, lang, text))
    for key, texts in pack.texts.items():
        found += [(key, "text", lang, text) for lang, text in texts.items() if HALF_PLURAL.search(text)]
    assert not found, found


def plan_reasons(pack: RulePack, lang: str, copies: int) -> dict[str, str]:
    """The reasons of the complete example plan (one goal) with its first step and its risk each written `copies` times."""
    import attrs

    from ccm_rules import explain
    from ccm_rules.goals import Plan, assess_plan_document, read_document

    doc = read_document(EXAMPLES / "plans" / "complete_plan.yaml", "plan", Plan)
    body = attrs.evolve(doc.body, steps=doc.body.steps[:1] * copies, risks=doc.body.risks[:1] * copies)
    result = assess_plan_document(attrs.evolve(doc, body=body), pack=pack)
    assert result.decision.outcome.value == "eligible"  # text-only change: the decision is the example's
    return {c.id: c.reason for c in explain(result.decision, pack, lang).criteria}


@pytest.mark.parametrize(
    ("lang", "one", "two", "five"),
    [
        (
            "en",
            ["The plan sets 1 goal.", "The one step says what", "1 risk, with an alternative step."],
            ["All 2 steps say what", "2 risks, each with an alternative step."],
            ["All 5 steps say what", "5 risks, each"],
        ),
        (
            "cs",
            ["Plán stanovuje 1 cíl.", "Jediný krok uvádí", "1 riziko s alternativním krokem."],
            ["Všechny 2 kroky uvádějí", "2 rizika, každé"],
            ["Všech 5 kroků uvádí", "5 rizik, každé"],
        ),
        (
            "hu",
            ["A terv 1 célt tűz ki.", "Az egyetlen lépés megadja", "1 kockázat, alternatív lépéssel."],
            ["Mind a(z) 2 lépés megadja", "2 kockázat, mindegyik"],
            ["Mind a(z) 5 lépés", "5 kockázat, mindegyik"],
        ),
        (
            "de",
            ["Der Plan legt 1 Ziel fest.", "Der eine Schritt nennt", "1 Risiko mit Alternativschritt."],
            ["Alle 2 Schritte nennen", "2 Risiken, jeweils"],
            ["Alle 5 Schritte nennen", "5 Risiken, jeweils"],
        ),
    ],
)
def test_a_plans_counts_are_said_with_the_languages_plural_forms(
    pack: RulePack, lang: str, one: list[str], two: list[str], five: list[str]
) -> None:
    """Seed 004 §individual plan (lines 400-405): goals, steps (co, kdy, kdo) and risks with alternative steps, counted."""
    for copies, words in ((1, one), (2, two), (5, five)):
        said = " ".join(plan_reasons(pack, lang, copies).values())
        for word in words:
            assert word in said, (lang, copies, word, said)


@pytest.mark.parametrize(
    ("lang", "none", "one", "three"),
    [
        (
            "en",
            "There are no tasks: agree the tasks",
            "1 task lacks a responsible person",
            "3 tasks lack a responsible person",
        ),
        ("cs", "Úkoly chybí: dohodněte úkoly", "1 úkol nemá odpovědnou osobu", "3 úkoly nemají odpovědnou osobu"),
        ("hu", "Nincs feladat:", "1 feladatnak nincs felelőse", "3 feladatnak nincs felelőse"),
        ("de", "Es gibt keine Aufgaben:", "Bei 1 Aufgabe fehlen", "Bei 3 Aufgaben fehlen"),
    ],
)
def test_a_family_conferences_tasks_are_counted_in_words(
    pack: RulePack, lang: str, none: str, one: str, three: str
) -> None:
    """Seed 004 §family conference: every task with a responsible person and a deadline (FAM-5).
    "0 task(s) lack … (or there are no tasks)" is now said as what it is: there are no tasks."""
    import attrs

    from ccm_rules import explain
    from ccm_rules.goals import FamilyConference, assess_family_conference_document, read_document
    from ccm_rules.goals._plan import Step

    doc = read_document(
        EXAMPLES / "conferences" / "family_conference_short_prep.yaml", "family_conference", FamilyConference
    )
    bare = Step(what="call the school", who=None, by=None)
    for tasks, words in (([], none), ([bare], one), ([bare] * 3, three)):
        result = assess_family_conference_document(
            attrs.evolve(doc, body=attrs.evolve(doc.body, tasks=tasks)), pack=pack
        )
        [fam5] = [c for c in explain(result.decision, pack, lang).criteria if c.id == "FAM-5"]
        assert fam5.status.value == "not_met" and words in fam5.reason, (lang, fam5.reason)


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [
        ("en", "1 respondent, 1 rating missing", "3 respondents, 5 ratings missing"),
        ("cs", "1 respondent, 1 chybějící hodnocení", "3 respondenti, 5 chybějících hodnocení"),
        ("hu", "1 válaszadó, 1 hiányzó értékelés", "3 válaszadó, 5 hiányzó értékelés"),
        ("de", "1 befragte Person, 1 fehlende Bewertung", "3 Befragte, 5 fehlende Bewertungen"),
    ],
)
def test_the_survey_line_counts_respondents_and_ratings_in_words(
    pack: RulePack, lang: str, one: str, many: str
) -> None:
    from ccm_rules.engine import format_text

    label = pack.text("readiness.label.respondents", lang)
    assert format_text(label, lang, {"respondents": 1, "missing": 1}) == one
    assert format_text(label, lang, {"respondents": 3, "missing": 5}) == many


# ---------------------------------------------------------------- 4. the DACTS report's "as scored" value


@pytest.mark.parametrize(
    ("lang", "h3", "h6", "unknown"),
    [
        ("en", "0.25 → 0.3", "94.6 → 95%", "not known"),
        ("cs", "0,25 → 0,3", "94,6 → 95%", "neznámo"),
        ("hu", "0,25 → 0,3", "94,6 → 95%", None),
        ("de", "0,25 → 0,3", "94,6 → 95%", None),
    ],
)
def test_the_dacts_report_writes_each_figure_as_scored_in_the_users_language(
    pack: RulePack, lang: str, h3: str, h6: str, unknown: str | None
) -> None:
    """Maine App. 193-2-A anchors: a figure is rounded to the anchors' precision before it is scored
    (project policy). The value was English (`94.6%`) in every language, and the text and JSON
    said nothing of the rounding that only the HTML report showed."""
    import datetime

    from ccm_rules import explain_dacts, score_dacts
    from ccm_rules.fidelity import render_dacts_text

    figures = {"pct_full_staffing_12_months": 94.6, "program_meetings_per_week": 0.25, "leader_pct_direct_service": 55}
    result = score_dacts(figures, as_of=datetime.date(2027, 1, 1), pack=pack)
    ex = explain_dacts(result, pack, lang)
    values = {item.id: item.value for item in ex.items}
    assert values["H3"].startswith(h3) and values["H6"] == h6 and values["H4"] == "55%"
    if unknown is not None:
        assert values["H1"] == unknown
    text = render_dacts_text(ex, pack=pack)
    assert h6 in text and (("." in ex.total) is (lang == "en")), ex.total
    assert {i.id: i.score for i in ex.items}["H6"] == 5  # text only: 94.6 % still scores 5


# ---------------------------------------------------------------- 5. rule-pack author checks (DACTS scale, team model)

PACK_FAULTS = [
    ("dacts.yaml", "- id: H2\n  section: H\n", "- id: H1\n  section: H\n", "dacts.item_twice"),
    ("dacts.yaml", "- id: H2\n  section: H\n", "- id: H2\n  section: Q\n", "dacts.unknown_section"),
    (
        "team_model.yaml",
        "organisation_ruleset: team_external\n",
        "organisation_ruleset: team_externel\n",
        "pack.no_ruleset",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "code"), PACK_FAULTS)
def test_a_rule_pack_authors_fault_is_said_in_her_language(
    tmp_path: Any, file: str, old: str, new: str, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`_check_scale` and `_check_doc` returned English-only strings: now coded messages, and
    `rules check --lang` says every problem in that language."""
    import shutil

    from ccm_rules.engine import check_pack
    from ccm_rules_adapters.cli import main

    from .conftest import RULES

    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    target = root / file
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = [p for p in check_pack(root) if p.code == code]
    assert found and found[0].file is not None and found[0].file.endswith(file), [
        (p.code, p.message) for p in check_pack(root)
    ]
    for lang in LANGUAGES:
        said = found[0].text(lang)
        assert (said == found[0].message) is (lang == "en") and not PYTHON_WORDS.search(said)
    assert main(["rules", "check", str(root), "--lang", "cs"]) == 1
    out = capsys.readouterr().out
    assert found[0].text("cs") in out and found[0].message not in out
    assert main(["rules", "check", str(root), "--lang", "hu", "--format", "json"]) == 1
    [item] = [e for e in json.loads(capsys.readouterr().out) if e["code"] == code][:1]
    assert item["message"] == found[0].text("hu")


def test_every_author_check_of_the_dacts_scale_and_the_team_model_is_coded() -> None:
    """No English literal is left in the two checks: each problem they can add is a catalogue message."""
    import inspect

    from ccm_rules.fidelity import _dacts
    from ccm_rules.team import _team_model

    for check in (_dacts._check_scale, _team_model._check_doc):
        source = inspect.getsource(check)
        calls = re.findall(r"\bbad\((.*)\)\s*$", source, flags=re.MULTILINE)
        assert calls, check
        for call in calls:
            assert "Message(" in call, (check.__name__, call)
        for code in re.findall(r'Message\(\s*"([a-z_]+\.[a-z_]+)"', source):
            assert code in catalogue(), code


# ---------------------------------------------------------------- 6. the sweep: command-line refusals


@pytest.mark.parametrize(
    ("argv", "czech"),
    [
        (["goal", "nope.yaml"], "soubor cíle 'nope.yaml' neexistuje"),
        (
            ["eligibility", "x.yaml", "--rules", "/no/such/rules"],
            "--rules /no/such/rules: taková složka sady pravidel neexistuje",
        ),
        (["rules", "check", "/no/such/rules"], "/no/such/rules: taková složka sady pravidel neexistuje"),
    ],
)
def test_a_command_lines_refusal_is_said_in_the_users_language(
    argv: list[str], czech: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """These were English f-strings whatever `--lang` said."""
    from ccm_rules_adapters.cli import main

    assert main([*argv, "--lang", "cs"]) == 2
    assert czech in capsys.readouterr().err
    assert main([*argv, "--lang", "hu"]) == 2
    assert czech not in capsys.readouterr().err
