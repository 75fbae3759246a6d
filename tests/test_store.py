"""The records store on real databases: a SQLite file, and a PostgreSQL 15 server these tests start.

The PostgreSQL server is started with pytest-postgresql's executor driving the machine's
`pg_ctl` (PostgreSQL refuses to run as root: as root, `pg_ctl` runs as the `postgres` user).
Without the `records` extra, pytest-postgresql or `pg_ctl`, the tests are skipped, naming
what to install. Every test gets a new database.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import stat
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

pytest.importorskip("sqlalchemy", reason="the store needs the 'records' extra: pip install 'ccm-rules[records]'")
pytest.importorskip("alembic", reason="the store needs the 'records' extra: pip install 'ccm-rules[records]'")
pytest.importorskip("cryptography", reason="the store needs the 'records' extra: pip install 'ccm-rules[records]'")

import sqlalchemy as sa

from ccm_rules import RulePack
from ccm_rules.records import Meeting, RecordError, read_records, tables
from ccm_rules_adapters.storage import VERSION_TABLE, Store, StoreError, new_key, open_store
from ccm_rules_adapters.storage._migrate import head

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples" / "records"
TODAY = datetime.date(2026, 12, 1)
INSTALL_PG = "pip install pytest-postgresql 'psycopg[binary]' (the test group) and PostgreSQL 15's server (apt-get install postgresql-15)"

LM_FACTS = {
    "age": 62,
    "employed": False,
    "in_education": False,
    "cannot_manage_labour_market_role": True,
    "can_become_capable": True,
    "individual_plan": "cooperation_agreement",
    "individual_plan_records_steps": True,
    "entry_route": "labour_office_referral",
}


# ---------------------------------------------------------------- servers


@attrs.frozen
class PgServer:
    host: str
    port: int
    user: str

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = f"ccm_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server of this machine's binaries, for the whole session."""
    pytest.importorskip("pytest_postgresql", reason=f"the PostgreSQL tests need {INSTALL_PG}")
    pytest.importorskip("psycopg", reason=f"the PostgreSQL tests need {INSTALL_PG}")
    from port_for import get_port
    from pytest_postgresql.executors import PostgreSQLExecutor

    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        pytest.skip(f"no pg_ctl on PATH: the PostgreSQL tests need {INSTALL_PG}")
    base = Path(tempfile.mkdtemp(prefix="ccm-pg-"))
    executable = pg_ctl
    if os.geteuid() == 0:  # PostgreSQL will not run as root: run pg_ctl as the postgres user
        import pwd

        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server as")
        os.chown(base, owner.pw_uid, owner.pw_gid)
        wrapper = base / "pg_ctl"
        wrapper.write_text(f'#!/bin/sh\nexec runuser -u postgres -- "{pg_ctl}" "$@"\n')
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        base.chmod(0o755)
        executable = str(wrapper)
    port = get_port(None)
    assert port is not None
    executor = PostgreSQLExecutor(
        executable=executable,
        host="127.0.0.1",
        port=port,
        datadir=str(base / "data"),
        unixsocketdir=str(base),
        logfile=str(base / "server.log"),
        startparams="-w",
        dbname="postgres",
        user="postgres",
    )
    try:
        executor.start()
        executor.wait_for_postgres()
    except Exception as err:  # the server would not start here: say why instead of failing every test
        log = (base / "server.log").read_text() if (base / "server.log").exists() else ""
        pytest.skip(f"the PostgreSQL server did not start ({err}); {log[-500:]}")
    try:
        yield PgServer("127.0.0.1", port, "postgres")
    finally:
        executor.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database: a SQLite file, or a database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.sqlite3'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.create_database()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url, today=TODAY) as opened:
        yield opened


def registered(store: Store, key: bytes, codes: list[str]) -> None:
    store.register(key).add(
        [
            {"code": c, "on": "2026-01-02", "identity": {"name": f"Person {c}", "birth_date": "1980-05-01"}}
            for c in codes
        ]
    )


def example_codes() -> list[str]:
    return sorted({item.record.code for item in read_records(EXAMPLES) if hasattr(item.record, "code")})


def meeting(**changes: Any) -> Meeting:
    base = Meeting(
        code="EX-0001",
        on=datetime.date(2026, 3, 2),
        case_manager="CM-01",
        activities=("plan review",),
        assessment_case_manager="motivated",
        assessment_client="useful",
        confirmed_by_case_manager=True,
        confirmed_by_client=True,
        minutes=60,
        id="x-1",
    )
    return attrs.evolve(base, **changes)


# ---------------------------------------------------------------- opening and migrations


def test_open_store_migrates_a_new_database_and_reopens_it(db_url: str) -> None:
    with open_store(db_url) as first:
        with first.engine.connect() as connection:
            names = set(sa.inspect(connection).get_table_names())
            version = connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one()
        assert {"code_register", "log_entries", "decisions", VERSION_TABLE} <= names
        assert version == head()  # the newest migration the package ships (0002: web accounts, 0003: assessments)
    with open_store(db_url) as again:
        assert again.count() == 0


def test_the_default_database_is_a_sqlite_file_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CCM_RULES_DB", raising=False)
    with open_store() as opened:
        assert opened.engine.dialect.name == "sqlite"
    assert (tmp_path / "ccm-records.sqlite3").exists()
    monkeypatch.setenv("CCM_RULES_DB", str(tmp_path / "other.db"))
    with open_store():
        pass
    assert (tmp_path / "other.db").exists()


def test_a_database_that_cannot_be_opened_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder does not exist"):
        open_store(tmp_path / "no" / "such.db")
    with pytest.raises(StoreError, match="cannot open the database"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


# ---------------------------------------------------------------- the logs


def test_the_example_provider_goes_in_and_comes_back_unchanged(store: Store) -> None:
    key = new_key()
    registered(store, key, example_codes())
    items = read_records(EXAMPLES)
    ids = store.append(items)
    assert store.count() == len(items) == len(ids)
    back = store.records()
    assert [item.record for item in back] == [item.record for item in items]
    assert {k: len(v) for k, v in tables(back).items()} == {k: len(v) for k, v in tables(items).items()}


BAD: dict[str, tuple[dict[str, Any], str, str]] = {
    "unknown code": ({"code": "EX-0999"}, "$.code", "unknown_code"),
    "unconfirmed meeting": ({"confirmed_by_client": None}, "$.confirmed_by_client", "unconfirmed"),
    "future date": ({"on": datetime.date(2026, 12, 2)}, "$.on", "future_date"),
    "duplicate": ({"id": "stored-1"}, "$.id", "duplicate"),
    "identity outside the register": (
        {"assessment_client": "call her: +36 30 123 4567"},
        "$.assessment_client",
        "identity",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_named_and_nothing_is_stored(store: Store, case: str) -> None:
    registered(store, new_key(), ["EX-0001"])
    store.append([meeting(id="stored-1")])
    changes, path, kind = BAD[case]
    batch = [
        meeting(id="new-1", on=datetime.date(2026, 3, 9)),
        meeting(**{"id": "new-2", "on": datetime.date(2026, 3, 16), **changes}),
    ]
    with pytest.raises(RecordError) as info:
        store.append(batch)
    assert [(p.path, p.kind) for p in info.value.problems] == [(path, kind)]
    assert store.count() == 1  # the good record of the batch was not stored either
    assert [e.id for e in store.entries()] == ["stored-1"]


def test_a_correction_is_a_new_entry_that_names_the_corrected_one(store: Store) -> None:
    registered(store, new_key(), ["EX-0001"])
    store.append([meeting()])
    store.append([meeting(id="x-2", corrects="x-1", assessment_client="very useful")])
    entries = list(store.entries())
    assert [(e.id, e.record.corrects) for e in entries] == [("x-1", None), ("x-2", "x-1")]  # type: ignore[union-attr]
    with pytest.raises(RecordError) as info:
        store.append([meeting(id="x-3", corrects="x-9")])
    assert info.value.problems[0].path == "$.corrects"


def test_the_database_refuses_to_change_or_delete_a_log_entry(store: Store) -> None:
    registered(store, new_key(), ["EX-0001"])
    store.append([meeting()])
    for statement in (
        "UPDATE log_entries SET payload = '{}'",
        "UPDATE log_entries SET on_date = NULL",
        "DELETE FROM log_entries",
    ):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.engine.begin() as connection:
            connection.execute(sa.text(statement))
    assert [e.record for e in store.entries()] == [meeting()]


def test_the_database_refuses_to_change_or_delete_a_decision(store: Store) -> None:
    store.decide("labour_market", LM_FACTS, as_of=datetime.date(2026, 6, 1))
    for statement in ("UPDATE decisions SET outcome = 'not_eligible'", "DELETE FROM decisions"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.engine.begin() as connection:
            connection.execute(sa.text(statement))
    assert [d.outcome for d in store.decisions()] == ["eligible"]


# ---------------------------------------------------------------- the code register


def test_identities_are_encrypted_at_rest(store: Store) -> None:
    registered(store, new_key(), ["EX-0001"])
    with store.engine.connect() as connection:
        (token,) = connection.execute(sa.text("SELECT identity FROM code_register")).scalars()
    assert b"Person" not in bytes(token)
    assert b"1980" not in bytes(token)


def test_the_register_opens_only_with_its_key(store: Store) -> None:
    key = new_key()
    registered(store, key, ["EX-0001"])
    assert store.register(key).get("EX-0001").identity.name == "Person EX-0001"
    with pytest.raises(StoreError, match="does not open"):
        store.register(new_key()).get("EX-0001")
    with pytest.raises(StoreError, match="not a Fernet key"):
        store.register(b"secret")


def test_a_code_is_added_once(store: Store) -> None:
    key = new_key()
    registered(store, key, ["EX-0001"])
    with pytest.raises(RecordError) as info:
        registered(store, key, ["EX-0002", "EX-0001"])
    assert [p.kind for p in info.value.problems] == ["duplicate"]
    assert store.register(key).codes() == ["EX-0001"]


def test_export_gives_everything_kept_about_one_person(store: Store) -> None:
    key = new_key()
    registered(store, key, ["EX-0001", "EX-0002"])
    store.append([meeting(), meeting(id="x-2", code="EX-0002")])
    store.decide("labour_market", LM_FACTS, as_of=datetime.date(2026, 6, 1), code="EX-0001")
    data = store.register(key).export("EX-0001")
    assert data["register"]["identity"]["name"] == "Person EX-0001"
    assert [r["id"] for r in data["records"]] == ["x-1"]
    assert [d["outcome"] for d in data["decisions"]] == ["eligible"]
    json.dumps(data)


def test_erasure_leaves_the_logs_pseudonymous_and_unlinkable(store: Store) -> None:
    key = new_key()
    registered(store, key, ["EX-0001", "EX-0002"])
    store.append([meeting(), meeting(id="x-2", on=datetime.date(2026, 3, 9)), meeting(id="x-3", code="EX-0002")])
    store.decide("labour_market", LM_FACTS, as_of=datetime.date(2026, 6, 1), code="EX-0001")
    assert store.register(key).erase("EX-0001") == 3
    assert store.count() == 3  # the logs are complete for the indicators …
    assert not list(store.entries(code="EX-0001"))  # … but no entry carries the code any more
    fresh = {e.record.code for e in store.entries()} - {"EX-0002"}  # type: ignore[union-attr]
    (new_code,) = fresh
    assert new_code not in store.register(key).codes()
    assert [d.code for d in store.decisions()] == [new_code]
    with store.engine.connect() as connection:
        dump = json.dumps(
            [
                [str(v) for v in row]
                for t in ("code_register", "log_entries", "decisions")
                for row in connection.execute(sa.text(f"SELECT * FROM {t}"))
            ]
        )
    assert "EX-0001" not in dump
    with pytest.raises(StoreError, match="unknown code"):
        store.register(key).export("EX-0001")
    with pytest.raises(RecordError):  # and nothing new can be written under the old code
        store.append([meeting(id="x-9", on=datetime.date(2026, 4, 1))])


# ---------------------------------------------------------------- decisions and their audit


def changed_pack(tmp_path: Path) -> RulePack:
    """The shipped rules with the oldest active age at 60 instead of 64."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "labour_market.yaml"
    text = path.read_text(encoding="utf-8")
    old = "- {value: 64, from: 2019-01-01"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "- {value: 60, from: 2019-01-01"), encoding="utf-8")
    return RulePack.load(rules)


def test_decisions_are_kept_with_facts_outcome_date_and_pack(store: Store) -> None:
    decision = store.decide("labour_market", LM_FACTS, as_of=datetime.date(2026, 6, 1))
    (stored,) = store.decisions()
    assert (stored.ruleset, stored.outcome, stored.as_of) == ("labour_market", "eligible", datetime.date(2026, 6, 1))
    assert stored.facts == LM_FACTS
    assert (stored.pack_id, stored.pack_version, stored.pack_hash) == (
        decision.pack.id,
        decision.pack.version,
        decision.pack.content_hash,
    )
    assert stored.pack_hash.startswith("sha256:")


def test_audit_lists_the_decisions_the_current_pack_decides_differently(store: Store, tmp_path: Path) -> None:
    store.decide("labour_market", LM_FACTS, as_of=datetime.date(2026, 6, 1))
    store.decide("labour_market", {**LM_FACTS, "age": 40}, as_of=datetime.date(2026, 6, 1))
    assert store.audit() == []
    (finding,) = store.audit(changed_pack(tmp_path))
    assert finding.decision.facts["age"] == 62
    assert (finding.decision.outcome, finding.outcome_now) == ("eligible", "not_eligible")
    assert finding.criteria_changed == ("LM1: met → not_met",)


def test_a_decision_with_an_unknown_code_stores_nothing(store: Store) -> None:
    with pytest.raises(RecordError) as info:
        store.decide("labour_market", LM_FACTS, code="EX-0404")
    assert info.value.problems[0].path == "$.code"
    assert list(store.decisions()) == []


def test_alembic_migrations_are_shipped_in_the_package() -> None:
    import ccm_rules_adapters.storage as storage

    versions = Path(storage.__file__).parent / "migrations" / "versions"
    assert (versions / "0001_records.py").exists()
    assert (
        subprocess.run(
            ["git", "check-ignore", "-q", str(versions / "0001_records.py")], cwd=ROOT, check=False
        ).returncode
        != 0
    )
