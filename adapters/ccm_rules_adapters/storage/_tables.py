"""The store's tables (SQLAlchemy Core), as the migrations create them.

- `code_register`: the only table with identities (002 §8.2, line 192), one row per client:
  the code and the identity as a Fernet token (encrypted with the deployment's key). Give
  it its own database grants in a shared deployment: the logs never need it.
- `log_entries`: every record, append-only: the kind, the client's code, the date, the
  entry it corrects and the record's other fields as JSON (`payload`). The code is its own
  column, and nowhere in the payload, so that erasing a person can re-pseudonymise the
  logs by changing that one column (the only change the database triggers allow).
- `decisions`: every decision taken through the store, with its facts, outcome, `as_of`
  and the pack's id, version and hash, append-only as well.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""SQLite's rowid alias must be INTEGER to autoincrement."""

code_register = sa.Table(
    "code_register",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("identity", sa.LargeBinary, nullable=False),
    sa.Column("assigned_on", sa.Date, nullable=False),
)

log_entries = sa.Table(
    "log_entries",
    metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),
    sa.Column("entry_id", sa.String(80), nullable=False, unique=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("code", sa.String(64), nullable=True, index=True),
    sa.Column("on_date", sa.Date, nullable=True),
    sa.Column("corrects", sa.String(80), nullable=True),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_log_entries_kind_code", "kind", "code"),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),
    sa.Column("decision_id", sa.String(80), nullable=False, unique=True),
    sa.Column("ruleset", sa.String(64), nullable=False),
    sa.Column("code", sa.String(64), nullable=True, index=True),
    sa.Column("facts", sa.Text, nullable=False),
    sa.Column("outcome", sa.String(32), nullable=False),
    sa.Column("decision", sa.Text, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("pack_id", sa.String(100), nullable=False),
    sa.Column("pack_version", sa.String(50), nullable=False),
    sa.Column("pack_hash", sa.String(100), nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
)
