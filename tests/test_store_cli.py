"""`ccm-rules records import`, `register add|export|erase|new-key` and `audit verify` on a SQLite store.

Identities are never printed: every command's output is searched for the names and birth
dates it was given; only the file `register export` writes holds them.
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="the store needs the 'records' extra: pip install 'ccm-rules[records]'")
pytest.importorskip("cryptography", reason="the store needs the 'records' extra: pip install 'ccm-rules[records]'")

from ccm_rules_adapters.cli import main
from ccm_rules_adapters.storage import open_store

from .test_store import EXAMPLES, LM_FACTS, ROOT, example_codes

NAME = "Kovács Erzsébet"
BIRTH = "1971-02-03"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with a register key, a register file for the example codes, and CCM_RULES_DB unset."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CCM_RULES_DB", raising=False)
    monkeypatch.delenv("CCM_RULES_REGISTER_KEY", raising=False)
    assert main(["register", "new-key", "register.key"]) == 0
    lines = [
        json.dumps(
            {"code": c, "on": "2026-01-02", "identity": {"name": f"{NAME} {i}", "birth_date": BIRTH}},
            ensure_ascii=False,
        )
        for i, c in enumerate(example_codes())
    ]
    (tmp_path / "register.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    text = out + err
    assert NAME not in text and BIRTH not in text, text  # never an identity on the screen
    return code, text


def test_a_provider_keeps_the_logs(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(env / "records.db")
    assert run(capsys, "register", "add", "register.jsonl", "--db", db, "--key-file", "register.key") == (
        0,
        "added 12 codes to the register\n",
    )
    code, text = run(capsys, "records", "import", str(EXAMPLES), "--db", db)
    assert code == 0
    assert text.startswith("stored 259 entries in sqlite:///")
    code, text = run(capsys, "records", "import", str(EXAMPLES / "meeting.csv"), "--db", db)
    assert code == 2
    assert "nothing was stored" in text
    assert "meeting.csv:2: duplicate entry" in text
    with open_store(db) as store:
        assert store.count() == 259


def test_records_import_names_the_bad_field_and_stores_nothing(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = env / "records"
    shutil.copytree(EXAMPLES, folder)
    text = (folder / "meeting.csv").read_text(encoding="utf-8")
    (folder / "meeting.csv").write_text(text.replace(",true,true,", ",true,,", 1), encoding="utf-8")
    assert run(capsys, "register", "add", "register.jsonl", "--key-file", "register.key")[0] == 0
    code, out = run(capsys, "records", "import", str(folder))
    assert code == 2
    assert "meeting.csv:2: the meeting is not confirmed by the client (not recorded)" in out
    assert "$.confirmed_by_client" in out
    with open_store(env / "ccm-records.sqlite3") as store:
        assert store.count() == 0


def test_register_export_writes_the_identity_only_to_the_named_file(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "register", "add", "register.jsonl", "--key-file", "register.key")
    run(capsys, "records", "import", str(EXAMPLES))
    code, text = run(capsys, "register", "export", "EX-0003", "--key-file", "register.key", "--output", "EX-0003.json")
    assert code == 0
    assert "exported EX-0003 to EX-0003.json" in text
    data = json.loads((env / "EX-0003.json").read_text(encoding="utf-8"))
    assert data["register"]["identity"]["name"].startswith(NAME)
    assert data["records"]


def test_register_erase_needs_confirmation_and_leaves_the_logs_unlinkable(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "register", "add", "register.jsonl", "--key-file", "register.key")
    run(capsys, "records", "import", str(EXAMPLES))
    assert run(capsys, "register", "erase", "EX-0003", "--key-file", "register.key")[0] == 2  # --yes missing
    code, text = run(capsys, "register", "erase", "EX-0003", "--yes", "--key-file", "register.key")
    assert code == 0
    assert "erased EX-0003" in text
    with open_store(env / "ccm-records.sqlite3") as store:
        assert store.count() == 259
        assert not list(store.entries(code="EX-0003"))
    assert run(capsys, "register", "export", "EX-0003", "--key-file", "register.key", "-o", "x.json")[0] == 2


def test_register_errors_never_show_an_identity(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = json.dumps(
        {"code": "EX-0100", "on": "2026-01-02", "identity": {"name": NAME, "birth_date": "1971-02-30"}},
        ensure_ascii=False,
    )
    (env / "bad.jsonl").write_text(bad + "\n{" + NAME + "\n", encoding="utf-8")
    code, text = run(capsys, "register", "add", "bad.jsonl", "--key-file", "register.key")
    assert code == 2
    assert "bad.jsonl:1: not valid here (the value is not shown" in text
    assert "$.identity.birth_date" in text
    assert "bad.jsonl:2: not JSON" in text


def test_the_register_needs_its_key(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(capsys, "register", "add", "register.jsonl")
    assert code == 3
    assert "CCM_RULES_REGISTER_KEY" in text
    assert run(capsys, "register", "new-key", "register.key")[0] == 2  # a key is never overwritten


def test_the_database_comes_from_ccm_rules_db(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCM_RULES_DB", str(env / "from-env.db"))
    monkeypatch.setenv("CCM_RULES_REGISTER_KEY", (env / "register.key").read_text())
    assert run(capsys, "register", "add", "register.jsonl")[0] == 0
    assert run(capsys, "records", "import", str(EXAMPLES))[0] == 0
    with open_store(env / "from-env.db") as store:
        assert store.count() == 259


def test_audit_verify_lists_the_decisions_a_changed_pack_decides_differently(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = env / "records.db"
    with open_store(db) as store:
        store.decide("labour_market", LM_FACTS, as_of=datetime.date(2026, 6, 1))
        store.decide("labour_market", {**LM_FACTS, "age": 40}, as_of=datetime.date(2026, 6, 1))
        (first, _) = [d.id for d in store.decisions()]
    assert run(capsys, "audit", "verify", "--db", str(db)) == (
        0,
        "2 stored decisions re-decided with ccm-core " + _version() + ": all stand\n",
    )
    rules = env / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "labour_market.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("- {value: 64, from: 2019-01-01", "- {value: 60, from: 2019-01-01"),
        encoding="utf-8",
    )
    code, text = run(capsys, "audit", "verify", "--db", str(db), "--rules", str(rules))
    assert code == 1
    assert "1 would be decided differently" in text
    assert f"{first} labour_market - as of 2026-06-01: eligible → not_eligible" in text
    assert "LM1: met → not_met" in text
    code, text = run(capsys, "audit", "verify", "--db", str(db), "--rules", str(rules), "--format", "json")
    data = json.loads(text)
    assert code == 1
    assert [d["id"] for d in data["differ"]] == [first]


def _version() -> str:
    from ccm_rules import default_pack

    return default_pack().info.version


def test_records_schema_prints_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(capsys, "records", "schema")
    assert code == 0
    data = json.loads(text)
    assert {"meeting", "service_event", "plan", "register_entry"} <= set(data)
