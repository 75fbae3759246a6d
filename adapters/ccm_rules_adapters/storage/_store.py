"""The records store: append-only logs, the code register and the decisions, on SQLAlchemy 2.

`open_store(url)` opens (and migrates) a database: a SQLite file by default, PostgreSQL by
URL. Everything written goes through one transaction per call, checked first: a batch with a
bad record stores nothing (`RecordError`, every problem named). Nothing is changed in place
or deleted; the only exception is a person's erasure through the code register
(`CodeRegister.erase`), which removes the identity and re-pseudonymises that person's
entries and decisions under a fresh random code that nothing links to the person.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken

from ccm_rules import CcmRulesError, Decision, Problem, RulePack, decide, default_pack, to_json_data
from ccm_rules.records import (
    Existing,
    Located,
    Record,
    RecordError,
    RegisterEntry,
    SurveyResponse,
    check_records,
    code_problem,
    converter,
    entry_id,
    structure_record,
    structure_register_entry,
    unstructure_record,
)

from . import _migrate
from ._tables import code_register, decisions, log_entries

ENV_URL = "CCM_RULES_DB"
"""The environment variable that names the database when no URL is given."""
ENV_KEY = "CCM_RULES_REGISTER_KEY"
"""The environment variable that holds the code register's Fernet key (never stored in the database)."""
DEFAULT_FILE = "ccm-records.sqlite3"
"""The SQLite file used when neither a URL nor `CCM_RULES_DB` names a database (in the working folder)."""


class StoreError(CcmRulesError):
    """The store cannot do what was asked: a database it cannot open, a missing or wrong key, an unknown code."""


def database_url(url: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL to open: `url`, else `CCM_RULES_DB`, else the SQLite file `ccm-records.sqlite3`.

    A path without `://` is a SQLite file; `postgresql://` uses the psycopg 3 driver.
    """
    text = os.fspath(url) if url is not None else os.environ.get(ENV_URL) or DEFAULT_FILE
    if "://" not in text:
        return f"sqlite:///{Path(text)}"
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def _sqlite_engine(url: sa.URL) -> sa.Engine:
    """A SQLite engine whose writes take the database's write lock at BEGIN (so two writers never deadlock
    on a lock upgrade) and wait for it up to a minute; WAL lets readers go on meanwhile."""
    engine = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver's own BEGIN off: we say BEGIN ourselves
        cursor = dbapi_connection.cursor()
        if url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql(
            "BEGIN IMMEDIATE" if connection.get_execution_options().get("ccm_write") else "BEGIN"
        )

    return engine


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@attrs.frozen
class StoredEntry:
    """One log entry as stored: its place in the log, id, kind, the record and when it was recorded."""

    seq: int
    id: str
    record: Record
    recorded_at: datetime.datetime


@attrs.frozen
class StoredDecision:
    """A decision taken through the store, with everything needed to take it again."""

    id: str
    ruleset: str
    code: str | None
    facts: Mapping[str, Any]
    outcome: str
    decision: Mapping[str, Any]
    as_of: datetime.date
    pack_id: str
    pack_version: str
    pack_hash: str
    decided_at: datetime.datetime


@attrs.frozen
class AuditFinding:
    """A stored decision the current pack decides differently: what it was and what it would be now."""

    decision: StoredDecision
    outcome_now: str
    criteria_changed: tuple[str, ...]
    """The criteria whose status differs (id: stored → now)."""
    pack_now: str


def _criteria(decision: Mapping[str, Any]) -> dict[str, str]:
    return {str(c.get("id")): str(c.get("status")) for c in decision.get("criteria", [])}


class Store:
    """An open records store. Use `open_store(url)`; close it (or use it as a context manager) when done."""

    def __init__(self, engine: sa.Engine, *, today: datetime.date | None = None) -> None:
        self.engine = engine
        self._today = today

    # ------------------------------------------------------------ plumbing

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every connection of the pool."""
        self.engine.dispose()

    @property
    def url(self) -> str:
        """The database's URL, its password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def today(self) -> datetime.date:
        """The day against which future dates are refused (today, unless the store was opened for another day)."""
        return self._today or datetime.date.today()

    def _write(self) -> sa.Connection:
        return self.engine.connect().execution_options(ccm_write=True)

    def register(self, key: bytes | str | None = None) -> CodeRegister:
        """The code register, opened with the deployment's Fernet key (`key`, else `CCM_RULES_REGISTER_KEY`)."""
        return CodeRegister(self, key)

    # ------------------------------------------------------------ logs

    def append(self, records: Iterable[Record | Located]) -> list[str]:
        """Append records to the logs in one transaction; their entry ids, in order.

        Every record is checked first (`check_records`: unknown code, unconfirmed meeting,
        future date, duplicate, bad correction, identities outside the register); one bad
        record refuses the batch with every problem named, and nothing is stored.
        """
        items = [r if isinstance(r, Located) else Located(r) for r in records]
        conv = converter()
        ids = [entry_id(item.record, conv) for item in items]
        with self._write() as connection, connection.begin():
            codes = {c for item in items if (c := getattr(item.record, "code", None)) is not None}
            known = self._known_codes(connection, codes)
            wanted = set(ids) | {c for item in items if (c := getattr(item.record, "corrects", None)) is not None}
            existing = self._existing(connection, wanted)
            problems = check_records(
                items, today=self.today(), known_code=known.__contains__, existing=existing.get, conv=conv
            )
            if problems:
                raise RecordError("the records are not valid; nothing was stored", problems)
            now = _utcnow()
            rows = [self._row(item.record, ident, now, conv) for item, ident in zip(items, ids, strict=True)]
            if rows:
                try:
                    connection.execute(log_entries.insert(), rows)
                except sa.exc.IntegrityError as err:  # a concurrent writer stored the same id first
                    raise RecordError(
                        "the records are not valid; nothing was stored",
                        [
                            Problem(
                                f"duplicate entry: an entry with one of the ids {', '.join(ids[:5])}{'…' if len(ids) > 5 else ''} was stored meanwhile",
                                "$.id",
                                kind="duplicate",
                            ),
                        ],
                    ) from err
        return ids

    @staticmethod
    def _row(record: Record, ident: str, now: datetime.datetime, conv: Any) -> dict[str, Any]:
        data = unstructure_record(record, conv)
        code = data.pop("code", None)
        data.pop("id", None)
        corrects = data.pop("corrects", None)
        on = getattr(record, "on", None)
        return {
            "entry_id": ident,
            "kind": type(record).KIND,
            "code": code,
            "on_date": on,
            "corrects": corrects,
            "payload": json.dumps(data, ensure_ascii=False, sort_keys=True),
            "recorded_at": now,
        }

    @staticmethod
    def _known_codes(connection: sa.Connection, codes: set[str]) -> set[str]:
        if not codes:
            return set()
        found: set[str] = set()
        listed = sorted(codes)
        for start in range(0, len(listed), 500):
            chunk = listed[start : start + 500]
            found |= set(
                connection.execute(sa.select(code_register.c.code).where(code_register.c.code.in_(chunk))).scalars()
            )
        return found

    @staticmethod
    def _existing(connection: sa.Connection, ids: set[str]) -> dict[str, Existing]:
        out: dict[str, Existing] = {}
        listed = sorted(ids)
        for start in range(0, len(listed), 500):
            chunk = listed[start : start + 500]
            query = sa.select(log_entries.c.entry_id, log_entries.c.kind, log_entries.c.code).where(
                log_entries.c.entry_id.in_(chunk)
            )
            for ident, kind, code in connection.execute(query):
                out[ident] = Existing(kind, code)
        return out

    def entries(self, kind: str | None = None, code: str | None = None) -> Iterator[StoredEntry]:
        """The log entries (of one kind, of one client), in the order they were stored."""
        query = sa.select(log_entries).order_by(log_entries.c.seq)
        if kind is not None:
            query = query.where(log_entries.c.kind == kind)
        if code is not None:
            query = query.where(log_entries.c.code == code)
        conv = converter()
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                yield StoredEntry(row.seq, row.entry_id, self._record(row, conv), row.recorded_at)

    def records(self, kind: str | None = None) -> list[Located]:
        """The stored records as the core's readers give them (`ccm_rules.records.tables`, `current`)."""
        return [Located(entry.record, f"{self.url}#log_entries", entry.seq) for entry in self.entries(kind)]

    @staticmethod
    def _record(row: Any, conv: Any) -> Record:
        data = json.loads(row.payload)
        data["id"] = row.entry_id
        if row.kind != SurveyResponse.KIND:
            data["code"] = row.code
            if row.corrects is not None:
                data["corrects"] = row.corrects
        if row.entry_id.startswith(("sha256:", "survey:")):
            data.pop("id")  # a derived id: the record had none
        return structure_record(row.kind, data, conv=conv)

    def count(self, kind: str | None = None) -> int:
        """How many log entries there are (of one kind)."""
        query = sa.select(sa.func.count()).select_from(log_entries)
        if kind is not None:
            query = query.where(log_entries.c.kind == kind)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    # ------------------------------------------------------------ decisions

    def decide(
        self,
        ruleset: str,
        facts: Mapping[str, Any],
        *,
        as_of: datetime.date | None = None,
        code: str | None = None,
        pack: RulePack | None = None,
    ) -> Decision:
        """Decide with `ruleset` of `pack` (default: the shipped pack) and keep the decision with its facts,
        outcome, `as_of` and the pack's id, version and hash. A code, when given, must be in the register."""
        pack = pack or default_pack()
        if ruleset not in pack.rulesets:
            raise StoreError(f"unknown ruleset {ruleset!r}; the pack has: {', '.join(sorted(pack.rulesets))}")
        if code is not None and (bad := code_problem(code)) is not None:
            raise RecordError("the decision is not valid; nothing was stored", [Problem(bad, "$.code", kind="code")])
        facts_data = to_json_data(dict(facts))
        decision = decide(pack.rulesets[ruleset], facts_data, as_of or self.today())
        record = to_json_data(decision)
        with self._write() as connection, connection.begin():
            if code is not None and not self._known_codes(connection, {code}):
                raise RecordError(
                    "the decision is not valid; nothing was stored",
                    [
                        Problem(
                            f"unknown code '{code}': the code register has no such client",
                            "$.code",
                            kind="unknown_code",
                        )
                    ],
                )
            connection.execute(
                decisions.insert(),
                {
                    "decision_id": str(uuid.uuid4()),
                    "ruleset": ruleset,
                    "code": code,
                    "facts": json.dumps(facts_data, ensure_ascii=False, sort_keys=True),
                    "outcome": str(record["outcome"]),
                    "decision": json.dumps(record, ensure_ascii=False, sort_keys=True),
                    "as_of": decision.as_of,
                    "pack_id": decision.pack.id,
                    "pack_version": decision.pack.version,
                    "pack_hash": decision.pack.content_hash,
                    "decided_at": _utcnow(),
                },
            )
        return decision

    def decisions(self) -> Iterator[StoredDecision]:
        """Every stored decision, oldest first."""
        with self.engine.connect() as connection:
            for row in connection.execute(sa.select(decisions).order_by(decisions.c.seq)):
                yield StoredDecision(
                    row.decision_id,
                    row.ruleset,
                    row.code,
                    json.loads(row.facts),
                    row.outcome,
                    json.loads(row.decision),
                    row.as_of,
                    row.pack_id,
                    row.pack_version,
                    row.pack_hash,
                    row.decided_at,
                )

    def audit(self, pack: RulePack | None = None) -> list[AuditFinding]:
        """Re-decide every stored decision with `pack` (default: the shipped pack) as of its own date;
        those the pack decides differently (outcome or a criterion's status), oldest first."""
        pack = pack or default_pack()
        findings = []
        for stored in self.decisions():
            ruleset = pack.rulesets.get(stored.ruleset)
            if ruleset is None:
                findings.append(AuditFinding(stored, "no such ruleset", (), f"{pack.info.id} {pack.info.version}"))
                continue
            now = to_json_data(decide(ruleset, stored.facts, stored.as_of))
            before, after = _criteria(stored.decision), _criteria(now)
            changed = tuple(
                f"{c}: {before.get(c, '-')} → {after.get(c, '-')}"
                for c in sorted(set(before) | set(after))
                if before.get(c) != after.get(c)
            )
            if str(now["outcome"]) != stored.outcome or changed:
                findings.append(
                    AuditFinding(stored, str(now["outcome"]), changed, f"{pack.info.id} {pack.info.version}")
                )
        return findings


class CodeRegister:
    """The code register (002 §8.2, line 192): pseudonymous code ↔ identity, identities encrypted with Fernet.

    The key is the deployment's (`CCM_RULES_REGISTER_KEY` or a key file), never stored in the
    database: without it the logs can be kept and read, but no identity can be read or added.
    """

    def __init__(self, store: Store, key: bytes | str | None) -> None:
        key = key or os.environ.get(ENV_KEY)
        if not key:
            raise StoreError(
                f"the code register needs its key: set {ENV_KEY} or give --key-file (a Fernet key, e.g. from `ccm-rules register new-key FILE`)"
            )
        try:
            self._fernet = Fernet(key.strip() if isinstance(key, bytes) else key.strip().encode())
        except (ValueError, TypeError) as err:
            raise StoreError("the code register key is not a Fernet key (32 url-safe base64-encoded bytes)") from err
        self._store = store

    def add(self, entries: Iterable[RegisterEntry | Mapping[str, Any]]) -> list[str]:
        """Add clients to the register in one transaction; their codes. A code already there, twice in
        the batch, or not a pseudonymous code refuses the batch (nothing stored)."""
        conv = converter()
        items: list[RegisterEntry] = []
        problems: list[Problem] = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, RegisterEntry):
                try:
                    entry = structure_register_entry(entry, f"$[{index}]", conv)
                except RecordError as err:
                    problems += err.problems
                    continue
            items.append(entry)
        codes = [e.code for e in items]
        for index, entry in enumerate(items):
            if (bad := code_problem(entry.code)) is not None:
                problems.append(Problem(bad, f"$[{index}].code", kind="code"))
            if codes.count(entry.code) > 1 and codes.index(entry.code) != index:
                problems.append(
                    Problem(f"code '{entry.code}' is twice in this batch", f"$[{index}].code", kind="duplicate")
                )
            if entry.on > self._store.today():
                problems.append(
                    Problem(f"date {entry.on.isoformat()} is in the future", f"$[{index}].on", kind="future_date")
                )
        with self._store._write() as connection, connection.begin():
            for code in sorted(Store._known_codes(connection, set(codes))):
                problems.append(
                    Problem(
                        f"code '{code}' is already in the register", f"$[{codes.index(code)}].code", kind="duplicate"
                    )
                )
            if problems:
                raise RecordError("the register entries are not valid; nothing was stored", problems)
            rows = [
                {
                    "code": e.code,
                    "identity": self._fernet.encrypt(
                        json.dumps(conv.unstructure(e.identity), ensure_ascii=False).encode()
                    ),
                    "assigned_on": e.on,
                }
                for e in items
            ]
            if rows:
                connection.execute(code_register.insert(), rows)
        return codes

    def codes(self) -> list[str]:
        """Every code in the register (no identity is read)."""
        with self._store.engine.connect() as connection:
            return list(connection.execute(sa.select(code_register.c.code).order_by(code_register.c.code)).scalars())

    def get(self, code: str) -> RegisterEntry:
        """The register entry of `code`, its identity decrypted."""
        with self._store.engine.connect() as connection:
            row = connection.execute(sa.select(code_register).where(code_register.c.code == code)).one_or_none()
        if row is None:
            raise StoreError(f"unknown code {code!r}: the code register has no such client")
        try:
            identity = json.loads(self._fernet.decrypt(row.identity))
        except InvalidToken as err:
            raise StoreError(
                "the code register key does not open this register (a different key encrypted it)"
            ) from err
        return structure_register_entry({"code": row.code, "on": row.assigned_on.isoformat(), "identity": identity})

    def export(self, code: str) -> dict[str, Any]:
        """Everything kept about one person: the register entry, their log entries and decisions (JSON data)."""
        entry = self.get(code)
        conv = converter()
        return {
            "register": conv.unstructure(entry),
            "records": [
                {"kind": type(e.record).KIND, "id": e.id, **unstructure_record(e.record, conv)}
                for e in self._store.entries(code=code)
            ],
            "decisions": [
                {
                    "id": d.id,
                    "ruleset": d.ruleset,
                    "facts": d.facts,
                    "outcome": d.outcome,
                    "as_of": d.as_of.isoformat(),
                    "pack": {"id": d.pack_id, "version": d.pack_version, "content_hash": d.pack_hash},
                }
                for d in self._store.decisions()
                if d.code == code
            ],
        }

    def erase(self, code: str) -> int:
        """Erase a person: their identity is deleted, and their entries and decisions move to a fresh random
        code that nothing links to them (the logs stay pseudonymous, and complete for the indicators).
        How many entries and decisions were re-pseudonymised."""
        with self._store._write() as connection, connection.begin():
            deleted = connection.execute(code_register.delete().where(code_register.c.code == code)).rowcount
            if not deleted:
                raise StoreError(f"unknown code {code!r}: the code register has no such client")
            fresh = "ERASED-" + secrets.token_hex(12)
            moved = connection.execute(
                log_entries.update().where(log_entries.c.code == code).values(code=fresh)
            ).rowcount
            moved += connection.execute(decisions.update().where(decisions.c.code == code).values(code=fresh)).rowcount
        return int(moved)


def open_store(url: str | os.PathLike[str] | None = None, *, today: datetime.date | None = None) -> Store:
    """Open the records store at `url` (see `database_url`), creating or migrating its tables first.

    >>> store = open_store("sqlite://")  # an in-memory database, for a try
    >>> store.count()
    0
    """
    text = database_url(url)
    try:
        parsed = sa.make_url(text)
    except sa.exc.ArgumentError as err:
        raise StoreError(
            f"not a database URL: {text!r} (e.g. sqlite:///records.db or postgresql://user@host/db)"
        ) from err
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:" and not Path(parsed.database).parent.exists():
                raise StoreError(f"cannot open the SQLite file {parsed.database}: its folder does not exist")
            engine = _sqlite_engine(parsed)
        else:
            engine = sa.create_engine(parsed, pool_pre_ping=True)
        _migrate.upgrade(engine)
    except sa.exc.NoSuchModuleError as err:
        raise StoreError(
            f"no database driver for {parsed.drivername!r}: use sqlite:// or postgresql:// (pip install 'ccm-rules[records]')"
        ) from err
    except sa.exc.OperationalError as err:
        raise StoreError(f"cannot open the database {parsed.render_as_string(hide_password=True)}: {err.orig}") from err
    return Store(engine, today=today)


def new_key() -> bytes:
    """A new Fernet key for a code register (keep it apart from the database)."""
    return Fernet.generate_key()
