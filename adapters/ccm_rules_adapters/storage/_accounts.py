"""The web app's people and cases in the store: organisations, users, sessions, cases and the change log.

- `organisations`: who a user works for; a case belongs to one, and only its users see it.
- `users`: a login name, the organisation, one role and the argon2 hash of the password
  (never the password). The hash is made by the caller (`ccm_rules_adapters.web`), so the
  store needs no hashing library.
- `web_sessions`: one row per signed-in browser: the SHA-256 of its random session token
  (a stolen database holds no usable session), the user, the CSRF token bound to it and
  when it expires. Signing out deletes the row, so a copied cookie stops working at once.
- `cases`: a case under its pseudonymous code (002 §8.2, line 191: "A további
  nyilvántartásokban ezekre, kódokra hivatkozva kell azokat vezetni" — the further records
  refer to the codes), its organisation, kind, the answers so far (JSON), who opened it and
  who changed it last, and when.
- `changes`: every change made through the app, append-only (the database refuses UPDATE and
  DELETE, as for the records logs): who, when, what (`action`), on which object, and the
  details as JSON. Codes only, never an identity.

`Accounts(store)` is the one reader and writer of these tables; it never decides who may see
what beyond the organisation: a case of another organisation is simply not found (`CaseNotFound`),
so a URL or a form cannot even tell whether it exists.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from typing import Any

import attrs
import sqlalchemy as sa

from ._store import Store, StoreError
from ._tables import BigId, metadata

organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    sa.Column("org", sa.String(40), sa.ForeignKey("organisations.code"), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", BigId, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("org", sa.String(40), sa.ForeignKey("organisations.code"), nullable=False, index=True),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("answers", sa.Text, nullable=False),
    sa.Column("created_by", BigId, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", BigId, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("org", "code", "kind", name="uq_cases_org_code_kind"),
)

changes = sa.Table(
    "changes",
    metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_id", BigId, nullable=True),
    sa.Column("actor", sa.String(80), nullable=False),
    sa.Column("org", sa.String(40), nullable=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("subject", sa.String(80), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)


class Role(enum.StrEnum):
    """The four roles of the web app (issue 19); a user has exactly one."""

    INTAKE_WORKER = "intake-worker"
    CASE_MANAGER = "case-manager"
    PLANNER = "planner"
    ADMINISTRATOR = "administrator"


class CaseNotFound(StoreError, LookupError):  # noqa: N818 - a lookup that finds nothing, as KeyError
    """No case with this id in the user's organisation (whether another organisation has one is not said)."""


SESSION_HOURS = 12
"""How long a sign-in lasts (project policy: one working day; signing out ends it at once)."""
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,79}$")
_ORG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


@attrs.frozen
class User:
    """A signed-in or stored user: id, login name, organisation code and role."""

    id: int
    name: str
    org: str
    role: Role
    active: bool = True


@attrs.frozen
class Case:
    """A case as stored: its id (used in URLs), organisation, pseudonymous code, kind, answers and history."""

    id: int
    org: str
    code: str
    kind: str
    answers: Mapping[str, Any]
    created_by: int
    created_at: datetime.datetime
    updated_by: int
    updated_at: datetime.datetime


@attrs.frozen
class Change:
    """One entry of the change log: when, who (user id and name), organisation, action, subject, details."""

    seq: int
    at: datetime.datetime
    user_id: int | None
    actor: str
    org: str | None
    action: str
    subject: str
    detail: Mapping[str, Any]


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _aware(value: datetime.datetime) -> datetime.datetime:
    """SQLite gives naive datetimes back; every time stored here is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a session token is kept: the token itself is never stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """The organisations, users, sessions, cases and change log of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    # ------------------------------------------------------------ change log

    @staticmethod
    def _record(
        connection: sa.Connection, actor: User | str, action: str, subject: str, detail: Mapping[str, Any] | None = None
    ) -> None:
        user_id, name, org = (actor.id, actor.name, actor.org) if isinstance(actor, User) else (None, actor, None)
        connection.execute(
            changes.insert(),
            {
                "at": _now(),
                "user_id": user_id,
                "actor": name,
                "org": org,
                "action": action,
                "subject": subject,
                "detail": json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True),
            },
        )

    def changes(self, subject: str | None = None) -> list[Change]:
        """The change log (of one subject, e.g. `case:3` or `user:alice`), oldest first."""
        query = sa.select(changes).order_by(changes.c.seq)
        if subject is not None:
            query = query.where(changes.c.subject == subject)
        with self.engine.connect() as connection:
            return [
                Change(r.seq, _aware(r.at), r.user_id, r.actor, r.org, r.action, r.subject, json.loads(r.detail))
                for r in connection.execute(query)
            ]

    # ------------------------------------------------------------ organisations and users

    def add_organisation(self, code: str, name: str | None = None, *, by: User | str) -> None:
        """Add an organisation (`code`: letters, digits, `.`, `_`, `-`; at most 40)."""
        if not _ORG.match(code):
            raise StoreError(
                f"organisation {code!r}: use letters, digits, '.', '_' or '-' (at most 40, starting with a letter or digit)"
            )
        with self.store._write() as connection, connection.begin():
            if connection.execute(sa.select(organisations.c.code).where(organisations.c.code == code)).first():
                raise StoreError(f"organisation {code!r} already exists")
            connection.execute(organisations.insert(), {"code": code, "name": name or code, "created_at": _now()})
            self._record(connection, by, "organisation.add", f"org:{code}")

    def organisations(self) -> list[str]:
        """Every organisation's code, sorted."""
        with self.engine.connect() as connection:
            return list(connection.execute(sa.select(organisations.c.code).order_by(organisations.c.code)).scalars())

    def add_user(self, name: str, org: str, role: Role | str, password_hash: str, *, by: User | str) -> User:
        """Add a user of `org` with `role`; `password_hash` is the argon2 hash (the password is never given here)."""
        if not _NAME.match(name):
            raise StoreError(
                f"user name {name!r}: use letters, digits, '.', '_', '@' or '-' (at most 80, starting with a letter or digit)"
            )
        try:
            role = Role(role)
        except ValueError:
            raise StoreError(f"role {role!r}: expected one of {', '.join(r.value for r in Role)}") from None
        if not password_hash.startswith("$argon2"):
            raise StoreError("the password must be given as an argon2 hash")
        with self.store._write() as connection, connection.begin():
            if not connection.execute(sa.select(organisations.c.code).where(organisations.c.code == org)).first():
                raise StoreError(f"organisation {org!r} does not exist: add it first")
            if connection.execute(sa.select(users.c.id).where(users.c.name == name)).first():
                raise StoreError(f"user {name!r} already exists")
            ident = connection.execute(
                users.insert().returning(users.c.id),
                {
                    "name": name,
                    "org": org,
                    "role": role.value,
                    "password_hash": password_hash,
                    "active": True,
                    "created_at": _now(),
                },
            ).scalar_one()
            self._record(connection, by, "user.add", f"user:{name}", {"org": org, "role": role.value})
        return User(int(ident), name, org, role)

    def users(self, org: str | None = None) -> list[User]:
        """The users (of one organisation), by name."""
        query = sa.select(users).order_by(users.c.name)
        if org is not None:
            query = query.where(users.c.org == org)
        with self.engine.connect() as connection:
            return [User(int(r.id), r.name, r.org, Role(r.role), bool(r.active)) for r in connection.execute(query)]

    def credentials(self, name: str) -> tuple[User, str] | None:
        """The active user called `name` and their stored password hash, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(users).where(users.c.name == name, users.c.active.is_(True))).first()
        return None if row is None else (User(int(row.id), row.name, row.org, Role(row.role)), row.password_hash)

    def set_password_hash(self, user: User, password_hash: str) -> None:
        """Replace a user's hash (a rehash with newer argon2 parameters, or a new password)."""
        with self.store._write() as connection, connection.begin():
            connection.execute(users.update().where(users.c.id == user.id).values(password_hash=password_hash))
            self._record(connection, user, "user.password", f"user:{user.name}")

    # ------------------------------------------------------------ sessions

    def start_session(self, user: User, *, hours: int = SESSION_HOURS) -> tuple[str, str]:
        """Sign `user` in: a new random session token and its CSRF token (only the token's hash is stored)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = _now()
        with self.store._write() as connection, connection.begin():
            connection.execute(web_sessions.delete().where(web_sessions.c.expires_at < now))
            connection.execute(
                web_sessions.insert(),
                {
                    "token_hash": token_hash(token),
                    "user_id": user.id,
                    "csrf": csrf,
                    "created_at": now,
                    "expires_at": now + datetime.timedelta(hours=hours),
                },
            )
            self._record(connection, user, "session.start", f"user:{user.name}")
        return token, csrf

    def session(self, token: str) -> tuple[User, str] | None:
        """The active user signed in with `token` and the session's CSRF token; None when unknown or expired."""
        query = (
            sa.select(users, web_sessions.c.csrf, web_sessions.c.expires_at)
            .join(web_sessions, web_sessions.c.user_id == users.c.id)
            .where(web_sessions.c.token_hash == token_hash(token), users.c.active.is_(True))
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None or _aware(row.expires_at) <= _now():
            return None
        return User(int(row.id), row.name, row.org, Role(row.role)), str(row.csrf)

    def end_session(self, token: str) -> None:
        """Sign out: the session is deleted, so the cookie no longer works anywhere."""
        with self.store._write() as connection, connection.begin():
            row = connection.execute(
                sa.select(users)
                .join(web_sessions, web_sessions.c.user_id == users.c.id)
                .where(web_sessions.c.token_hash == token_hash(token))
            ).first()
            connection.execute(web_sessions.delete().where(web_sessions.c.token_hash == token_hash(token)))
            if row is not None:
                self._record(
                    connection, User(int(row.id), row.name, row.org, Role(row.role)), "session.end", f"user:{row.name}"
                )

    # ------------------------------------------------------------ cases

    @staticmethod
    def _case(row: Any) -> Case:
        return Case(
            int(row.id),
            row.org,
            row.code,
            row.kind,
            json.loads(row.answers),
            int(row.created_by),
            _aware(row.created_at),
            int(row.updated_by),
            _aware(row.updated_at),
        )

    def open_case(self, user: User, code: str, kind: str, answers: Mapping[str, Any] | None = None) -> Case:
        """Open a case of `user`'s organisation under the pseudonymous `code` (one per code and kind)."""
        from ccm_rules.records import code_problem

        if (bad := code_problem(code)) is not None:
            raise StoreError(bad)
        now = _now()
        with self.store._write() as connection, connection.begin():
            taken = connection.execute(
                sa.select(cases.c.id).where(cases.c.org == user.org, cases.c.code == code, cases.c.kind == kind)
            ).first()
            if taken:
                raise StoreError(f"a {kind} case with code {code!r} is already open in this organisation")
            ident = connection.execute(
                cases.insert().returning(cases.c.id),
                {
                    "org": user.org,
                    "code": code,
                    "kind": kind,
                    "answers": json.dumps(dict(answers or {}), ensure_ascii=False, sort_keys=True),
                    "created_by": user.id,
                    "created_at": now,
                    "updated_by": user.id,
                    "updated_at": now,
                },
            ).scalar_one()
            self._record(connection, user, "case.open", f"case:{ident}", {"code": code, "kind": kind})
        return self.case(user, int(ident))

    def case(self, user: User, case_id: int) -> Case:
        """The case `case_id` if it belongs to `user`'s organisation; else `CaseNotFound` (existence is not told)."""
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(cases).where(cases.c.id == case_id, cases.c.org == user.org)).first()
        if row is None:
            raise CaseNotFound(f"no case {case_id} in this organisation")
        return self._case(row)

    def cases(self, user: User, *, mine: bool = False) -> list[Case]:
        """The cases of `user`'s organisation (`mine`: only those they opened), newest change first."""
        query = sa.select(cases).where(cases.c.org == user.org).order_by(cases.c.updated_at.desc(), cases.c.id.desc())
        if mine:
            query = query.where(cases.c.created_by == user.id)
        with self.engine.connect() as connection:
            return [self._case(r) for r in connection.execute(query)]

    def update_case(self, user: User, case_id: int, answers: Mapping[str, Any]) -> Case:
        """Replace a case's answers (only within `user`'s organisation), recording who changed which answer from what to what, and when."""
        with self.store._write() as connection, connection.begin():
            row = connection.execute(sa.select(cases).where(cases.c.id == case_id, cases.c.org == user.org)).first()
            if row is None:
                raise CaseNotFound(f"no case {case_id} in this organisation")
            before = json.loads(row.answers)
            after = dict(answers)
            changed = {
                k: [before.get(k), after.get(k)]
                for k in sorted(set(before) | set(after))
                if before.get(k, ...) != after.get(k, ...)
            }
            connection.execute(
                cases.update()
                .where(cases.c.id == case_id)
                .values(
                    answers=json.dumps(after, ensure_ascii=False, sort_keys=True), updated_by=user.id, updated_at=_now()
                )
            )
            self._record(connection, user, "case.update", f"case:{case_id}", {"changed": changed})
        return self.case(user, case_id)
