"""`GET /v1/indicators` (the server's store) and `POST /v1/indicators` (the records sent): seed 002's indicators over HTTP.

The answers are the CLI's (`ccm-rules indicators examples/records --format json|csv|html`) for
the same period, from a SQLite store of the example provider and from the records in a body;
a server without a store answers 409; bad parameters and bad records are 422 naming each one,
in English and Czech; the records' JSON Schemas are the OpenAPI document's components and say
what the server accepts.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("polars", reason="the indicators need the records extra: pip install -e '.[records]'")
pytest.importorskip("narwhals", reason="the indicators need the records extra: pip install -e '.[records]'")
pytest.importorskip("sqlalchemy", reason="the store needs the records extra: pip install -e '.[records]'")
jsonschema_rs = pytest.importorskip("jsonschema_rs")

import httpx  # noqa: E402
from litestar.testing import TestClient  # noqa: E402

from ccm_rules.records import KINDS, read_records, record_schemas, unstructure_record  # noqa: E402
from ccm_rules_adapters.cli import main  # noqa: E402
from ccm_rules_adapters.http import create_app  # noqa: E402
from ccm_rules_adapters.http._indicators import MAX_INTEGER, component_name  # noqa: E402
from ccm_rules_adapters.storage import Store, new_key, open_store  # noqa: E402

from .conftest import ROOT, RULES  # noqa: E402
from .test_http import start_server  # noqa: E402

RECORDS = ROOT / "examples" / "records"
PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}
BIG = 1024 * 1024
"""A body limit that holds the whole example provider (about 70 KB of JSON, over the default 64 KiB)."""


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["indicators", str(RECORDS), "--from", PERIOD["from"], "--to", PERIOD["to"], *args]) == 0
    return capsys.readouterr().out


def example_records() -> list[dict[str, Any]]:
    """Every record of the example folder as a POST body item: its kind in `record`, then its fields."""
    return [{"record": type(item.record).KIND, **unstructure_record(item.record)} for item in read_records(RECORDS)]


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "records.sqlite3"
    with open_store(str(path)) as store:
        codes = sorted({item.record.code for item in read_records(RECORDS) if hasattr(item.record, "code")})
        store.register(new_key()).add(
            [{"code": c, "on": "2026-01-02", "identity": {"name": f"Client {c}"}} for c in codes]
        )
        store.append(read_records(RECORDS))
    return path


@pytest.fixture(scope="module")
def store(store_file: Path) -> Iterator[Store]:
    with open_store(str(store_file)) as opened:
        yield opened


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[Any]:
    with TestClient(create_app(store=store, max_body=BIG)) as c:
        yield c


@pytest.fixture(scope="module")
def storeless() -> Iterator[Any]:
    with TestClient(create_app(max_body=BIG)) as c:
        yield c


# ---------------------------------------------------------------- the CLI's answers


@pytest.mark.parametrize("by", [None, "provider", "case_manager", "region"])
def test_get_from_the_store_is_the_cli_json_of_the_records_folder(
    client: Any, capsys: pytest.CaptureFixture[str], by: str | None
) -> None:
    r = client.get("/v1/indicators", params={**PERIOD, **({"by": by} if by else {})})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.text == cli(capsys, "--format", "json", *(["--by", by] if by else []))
    rows = r.json()["indicators"]
    assert {"group": "all", "indicator": "output.clients_served", "category": None, "value": 12.0} in rows or by


def test_post_with_the_records_is_the_same_answer(storeless: Any, capsys: pytest.CaptureFixture[str]) -> None:
    r = storeless.post("/v1/indicators", json={"records": example_records(), **PERIOD, "by": "region"})
    assert r.status_code == 200, r.text
    assert r.text == cli(capsys, "--format", "json", "--by", "region")


def test_csv_and_html_are_the_cli_table_and_report(client: Any, capsys: pytest.CaptureFixture[str]) -> None:
    r = client.get("/v1/indicators", params={**PERIOD, "format": "csv"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.text == cli(capsys, "--format", "csv")
    r = client.get("/v1/indicators", params={**PERIOD, "format": "html"}, headers={"Accept-Language": "cs"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-language"] == "cs"
    assert r.text == cli(capsys, "--format", "html", "--lang", "cs")


def test_the_body_lang_picks_the_report_language(storeless: Any, capsys: pytest.CaptureFixture[str]) -> None:
    r = storeless.post(
        "/v1/indicators?format=html",
        json={"records": example_records(), **PERIOD, "lang": "de"},
        headers={"Accept-Language": "cs"},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-language"] == "de"
    assert r.text == cli(capsys, "--format", "html", "--lang", "de")


def test_a_correction_replaces_the_entry_it_corrects(storeless: Any) -> None:
    records = example_records()
    first = next(r for r in records if r["record"] == "meeting")
    body = {"records": records, **PERIOD}
    before = _value(storeless.post("/v1/indicators", json=body).json(), "output.clients_served")
    moved = {**first, "id": "m-correction", "corrects": first["id"], "on": "2025-12-01"}  # moved out of the period
    others = [r for r in records if r["record"] == "meeting" and r["code"] == first["code"] and r is not first]
    body = {
        "records": [
            r for r in records if not (r["record"] == "meeting" and r["code"] == first["code"] and r is not first)
        ]
        + [moved],
        **PERIOD,
    }
    after = _value(storeless.post("/v1/indicators", json=body).json(), "output.clients_served")
    assert others, "the example client has more than one meeting"
    assert after == before - 1


def _value(document: dict[str, Any], indicator: str) -> float:
    return next(
        float(r["value"]) for r in document["indicators"] if r["indicator"] == indicator and r["category"] is None
    )


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(("lang", "words"), [("en", "start it with --db URL"), ("cs", "spusťte ho s --db URL")])
def test_without_a_store_get_is_409_saying_start_the_server_with_db(storeless: Any, lang: str, words: str) -> None:
    r = storeless.get("/v1/indicators", params=PERIOD, headers={"Accept-Language": lang})
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["content-language"] == lang
    body = r.json()
    assert body["type"] == "urn:ccm-rules:problem:no-store"
    assert words in body["detail"]
    assert [(e["code"], e["pointer"]) for e in body["errors"]] == [("http.no_store", "")]


@pytest.mark.parametrize(
    ("lang", "summary", "date_words"),
    [
        ("en", "the request is not valid", "there is no such day"),
        ("cs", "požadavek není platný", "takový den neexistuje"),
    ],
)
def test_bad_query_parameters_are_422_naming_each(storeless: Any, lang: str, summary: str, date_words: str) -> None:
    r = storeless.get(
        "/v1/indicators",
        params={"from": "2026-02-30", "to": "soon", "by": "district", "format": "pdf"},
        headers={"Accept-Language": lang},
    )
    assert r.status_code == 422  # the request is wrong whatever the server keeps
    body = r.json()
    assert body["detail"] == summary
    found = {e["path"]: e for e in body["errors"]}
    assert set(found) == {"?from", "?to", "?by", "?format"}
    assert all(e["pointer"] == "" and e["kind"] == "query" for e in found.values())
    assert found["?from"]["code"] == "expected.real_day" and date_words in found["?from"]["detail"]
    assert found["?to"]["code"] == "expected.date"
    assert found["?by"]["code"] == found["?format"]["code"] == "expected.one_of"
    assert "provider, case_manager, region" in found["?by"]["detail"]


def test_an_unknown_query_parameter_is_refused(storeless: Any) -> None:
    r = storeless.get("/v1/indicators", params={**PERIOD, "form": "csv"})
    assert r.status_code == 422
    assert [(e["path"], e["pointer"], e["code"]) for e in r.json()["errors"]] == [("?form", "", "key.unknown")]
    r = storeless.post(
        "/v1/indicators", params={"by": "region"}, json={"records": example_records()[:3]}
    )  # by belongs in the body
    assert [(e["path"], e["code"]) for e in r.json()["errors"]] == [("?by", "key.unknown")]


@pytest.mark.parametrize(("lang", "words"), [("en", "before it starts"), ("cs", "dříve, než začíná")])
def test_a_period_that_ends_before_it_starts_is_422(storeless: Any, lang: str, words: str) -> None:
    r = storeless.get(
        "/v1/indicators", params={"from": "2026-06-30", "to": "2026-01-01"}, headers={"Accept-Language": lang}
    )
    assert r.status_code == 422
    (error,) = r.json()["errors"]
    assert (error["path"], error["code"]) == ("?to", "cli.period_reversed")
    assert words in error["detail"]
    r = storeless.post(
        "/v1/indicators", json={"records": example_records()[:5], "from": "2026-06-30", "to": "2026-01-01"}
    )
    assert [(e["pointer"], e["code"]) for e in r.json()["errors"]] == [("/to", "cli.period_reversed")]


@pytest.mark.parametrize("lang", ["en", "cs"])
def test_each_bad_record_is_named_by_its_pointer(storeless: Any, lang: str) -> None:
    records = example_records()[:6]
    records[3] = {**records[3], "on": "2026-02-30"}
    records[1] = {**records[1], "full_name": "Anna Kiss"}  # an identity outside the code register
    records[4] = {k: v for k, v in records[4].items() if k != "record"}
    records[5] = {**records[5], "record": "register_entry"}
    body = {"records": [*records, 7], "by": "county", "colour": "red"}
    r = storeless.post("/v1/indicators", json=body, headers={"Accept-Language": lang})
    assert r.status_code == 422
    assert r.headers["content-language"] == lang
    errors = {e["pointer"]: e for e in r.json()["errors"]}
    assert set(errors) == {
        "/records/3/on",
        "/records/1/full_name",
        "/records/4/record",
        "/records/5/record",
        "/records/6",
        "/by",
        "/colour",
    }
    assert errors["/records/4/record"]["code"] == "http.record_kind_missing"
    assert errors["/records/5/record"]["code"] == "expected.one_of"  # the code register is not a log
    assert errors["/records/6"]["code"] == "expected.mapping"
    assert errors["/colour"]["code"] == "key.unknown"
    assert r.json()["detail"] == {"en": "the request is not valid", "cs": "požadavek není platný"}[lang]


def test_records_must_be_a_list_and_whole_numbers_are_bounded(storeless: Any) -> None:
    r = storeless.post("/v1/indicators", json={"records": {"meeting": []}})
    assert [(e["pointer"], e["code"]) for e in r.json()["errors"]] == [("/records", "expected.list")]
    r = storeless.post("/v1/indicators", json={})
    assert [(e["pointer"], e["code"]) for e in r.json()["errors"]] == [("/records", "key.missing")]
    meeting = next(r for r in example_records() if r["record"] == "meeting")
    r = storeless.post("/v1/indicators", json={"records": [{**meeting, "minutes": 10**40}]})
    assert r.status_code == 422, r.text  # polars holds no such number: refused, not a server error
    assert [(e["pointer"], e["code"]) for e in r.json()["errors"]] == [("/records/0/minutes", "range.above")]
    r = storeless.post("/v1/indicators", json={"records": [{**meeting, "minutes": MAX_INTEGER}], **PERIOD})
    assert r.status_code == 200, r.text


def test_a_body_over_the_limit_is_413(store: Store) -> None:
    with TestClient(create_app(store=store)) as c:  # the default 64 KiB
        r = c.post("/v1/indicators", json={"records": example_records() * 2})
    assert r.status_code == 413
    assert r.json()["errors"][0]["code"] == "http.body_too_large"


# ---------------------------------------------------------------- the OpenAPI document


@pytest.fixture(scope="module")
def openapi(storeless: Any) -> dict[str, Any]:
    return storeless.get("/schema/openapi.json").json()  # type: ignore[no-any-return]


def test_the_record_schemas_are_components_and_type_the_post_body(openapi: dict[str, Any]) -> None:
    components = openapi["components"]["schemas"]
    body = openapi["paths"]["/v1/indicators"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    refs = [item["$ref"] for item in body["properties"]["records"]["items"]["anyOf"]]
    assert refs == [f"#/components/schemas/{component_name(kind)}" for kind in sorted(KINDS)]
    assert body["required"] == ["records"] and body["additionalProperties"] is False
    for kind in KINDS:
        published = copy.deepcopy(components[component_name(kind)])
        assert published["properties"].pop("record")["const"] == kind
        published["required"].remove("record")
        for prop in published["properties"].values():  # the HTTP input limit is the only addition
            for node in [prop, *prop.get("anyOf", [])]:
                node.pop("maximum", None)
        assert published == record_schemas()[kind], kind
    assert "RegisterEntryRecord" not in components  # identities are not sent to the indicators


def test_get_documents_its_parameters_and_three_media_types(openapi: dict[str, Any]) -> None:
    get = openapi["paths"]["/v1/indicators"]["get"]
    params = {p["name"]: p["schema"] for p in get["parameters"] if p["in"] == "query"}
    assert params["by"]["enum"] == ["provider", "case_manager", "region"]
    assert params["format"]["enum"] == ["json", "csv", "html"]
    assert params["from"]["format"] == params["to"]["format"] == "date"
    assert set(get["responses"]["200"]["content"]) == {"application/json", "text/csv", "text/html"}
    assert {"409", "422"} <= set(get["responses"]) and "400" not in get["responses"]


def _validator(openapi: dict[str, Any]) -> Any:
    body = openapi["paths"]["/v1/indicators"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return jsonschema_rs.validator_for({**body, "components": openapi["components"]}, validate_formats=True)


def _bodies() -> list[tuple[str, dict[str, Any]]]:
    meeting, plan = (next(r for r in example_records() if r["record"] == k) for k in ("meeting", "plan"))
    return [
        (
            "the example",
            {"records": [r for r in example_records() if r["record"] in ("enrolment", "meeting", "survey")], **PERIOD},
        ),
        ("no record kind", {"records": [{k: v for k, v in meeting.items() if k != "record"}]}),
        ("an unknown kind", {"records": [{**meeting, "record": "diary"}]}),
        ("an unknown field", {"records": [{**meeting, "mood": "good"}]}),
        ("a text for a number", {"records": [{**meeting, "minutes": "ninety"}]}),
        ("a negative number", {"records": [{**meeting, "minutes": -5}]}),
        ("past the limit", {"records": [{**meeting, "minutes": MAX_INTEGER + 1}]}),
        ("a blank text", {"records": [{**meeting, "case_manager": " "}]}),
        ("a name for a code", {"records": [{**meeting, "code": "Kiss Anna"}]}),
        ("a date that is no day", {"records": [{**plan, "on": "2026-02-30"}]}),
        ("a bad measure", {"records": [{**plan, "measures": [{"id": "M1"}]}]}),
        ("a bad grouping", {"records": [meeting], "by": "county"}),
        ("a bad language", {"records": [meeting], "lang": "fr"}),
        ("no records", {"from": "2026-01-01"}),
        ("an extra key", {"records": [meeting], "format": "csv"}),
    ]


@pytest.mark.parametrize(("label", "body"), _bodies(), ids=[label for label, _ in _bodies()])
def test_the_published_schema_is_what_the_server_accepts(
    storeless: Any, openapi: dict[str, Any], label: str, body: dict[str, Any]
) -> None:
    valid = _validator(openapi).is_valid(body)
    r = storeless.post("/v1/indicators", json=body)
    assert r.status_code in (200, 422), r.text
    assert (r.status_code == 200) is valid, (label, r.text)


# ---------------------------------------------------------------- the real server


def test_the_real_server_serves_its_store(store_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ccm-rules serve` with CCM_RULES_DB: each worker opens the store and answers as the CLI."""
    proc, url = start_server(RULES, {"CCM_RULES_DB": f"sqlite:///{store_file}"})
    try:
        r = httpx.get(f"{url}/v1/indicators", params=PERIOD, timeout=30)
        assert r.status_code == 200, r.text
        assert r.text == cli(capsys, "--format", "json")
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_serve_with_a_store_it_cannot_open_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--port", "1", "--db", f"sqlite:///{tmp_path}/no/such/folder/x.db"])
    assert code == 3, capsys.readouterr()
