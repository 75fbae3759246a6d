"""Reliability of the records store on real databases (SQLite file with its locking; a PostgreSQL server).

- 8 writer processes × 10,000 entries at once: every entry stored exactly once;
- a writer killed with SIGKILL in the middle of its transaction leaves no partial entry, and
  the database takes the next writer;
- a bad record stores nothing of its batch (also in tests/test_store.py, case by case).
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="the store needs the 'records' extra: pip install 'ccm-rules[records]'")

import sqlalchemy as sa

from ccm_rules_adapters.storage import new_key, open_store

from .test_store import PgServer, pg_server  # noqa: F401  (the session's PostgreSQL server fixture)

WRITERS = 8
ENTRIES = 10_000
BATCH = 100
TODAY = datetime.date(2026, 12, 1)

WRITER = r"""
import datetime, sys, time
from ccm_rules.records import Meeting
from ccm_rules_adapters.storage import open_store

url, writer, count, batch, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
store = open_store(url, today=datetime.date(2026, 12, 1))
if mode == "hang":  # stop inside the transaction, right after the INSERT, before the COMMIT
    import sqlalchemy as sa

    @sa.event.listens_for(store.engine, "after_execute")
    def hang(conn, clause, *args):
        if getattr(clause, "is_insert", False) and clause.table.name == "log_entries":
            print("inserted", flush=True)
            time.sleep(600)

base = datetime.date(2026, 1, 1)
chunk = []
for i in range(count):
    chunk.append(Meeting(
        code=f"RL-{writer:04d}", on=base + datetime.timedelta(days=i % 300), case_manager="CM-01", activities=("plan review",),
        assessment_case_manager="ok", assessment_client="ok", confirmed_by_case_manager=True, confirmed_by_client=True,
        id=f"w{writer}-{i:05d}",
    ))
    if len(chunk) == batch:
        store.append(chunk)
        chunk = []
if chunk:
    store.append(chunk)
print("done", flush=True)
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    else:
        server: PgServer = request.getfixturevalue("pg_server")
        url = server.create_database()
    with open_store(url, today=TODAY) as store:  # migrated once, the writers' codes registered
        store.register(new_key()).add(
            [
                {"code": f"RL-{w:04d}", "on": "2026-01-01", "identity": {"name": f"Writer {w}"}}
                for w in range(WRITERS + 1)
            ]
        )
    return url


def writer(url: str, number: int, count: int, mode: str = "write") -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(number), str(count), str(BATCH), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.slow
def test_eight_concurrent_writers_lose_and_duplicate_nothing(db_url: str) -> None:
    processes = [writer(db_url, n, ENTRIES) for n in range(WRITERS)]
    results = [p.communicate(timeout=900) for p in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err[-2000:]
        assert out.strip() == "done"
    with open_store(db_url) as store, store.engine.connect() as connection:
        total = connection.execute(sa.text("SELECT count(*), count(DISTINCT entry_id) FROM log_entries")).one()
        assert tuple(total) == (WRITERS * ENTRIES, WRITERS * ENTRIES)
        for n in range(WRITERS):
            ids = set(
                connection.execute(
                    sa.text("SELECT entry_id FROM log_entries WHERE code = :c"), {"c": f"RL-{n:04d}"}
                ).scalars()
            )
            assert ids == {f"w{n}-{i:05d}" for i in range(ENTRIES)}


def test_a_writer_killed_mid_transaction_leaves_no_partial_entry(db_url: str) -> None:
    with open_store(db_url, today=TODAY) as store:
        process = writer(db_url, 0, BATCH * 3, "hang")
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "inserted", process.stderr.read() if process.stderr else ""
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL
        assert store.count() == 0  # the batch's 100 inserted rows were never committed
        done = writer(db_url, 1, BATCH)  # the database is not left locked: the next writer gets in
        _out, err = done.communicate(timeout=300)
        assert done.returncode == 0, err[-2000:]
        assert store.count() == BATCH
        assert {e.record.code for e in store.entries()} == {"RL-0001"}  # type: ignore[union-attr]
