"""The code register, the append-only logs and the decisions (issue 18).

Revision ID: 0001_records
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_records"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

APPEND_ONLY = {
    "log_entries": ("seq", "entry_id", "kind", "on_date", "corrects", "payload", "recorded_at"),
    "decisions": (
        "seq",
        "decision_id",
        "ruleset",
        "facts",
        "outcome",
        "decision",
        "as_of",
        "pack_id",
        "pack_version",
        "pack_hash",
        "decided_at",
    ),
}
"""Each append-only table and the columns no UPDATE may change: only `code` may change (a person's
erasure re-pseudonymises the logs through the code register), and no row may be deleted."""


def upgrade() -> None:
    op.create_table(
        "code_register",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("identity", sa.LargeBinary, nullable=False),
        sa.Column("assigned_on", sa.Date, nullable=False),
    )
    op.create_table(
        "log_entries",
        sa.Column("seq", BigId, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.String(80), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("on_date", sa.Date, nullable=True),
        sa.Column("corrects", sa.String(80), nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_log_entries_code", "log_entries", ["code"])
    op.create_index("ix_log_entries_kind_code", "log_entries", ["kind", "code"])
    op.create_table(
        "decisions",
        sa.Column("seq", BigId, primary_key=True, autoincrement=True),
        sa.Column("decision_id", sa.String(80), nullable=False, unique=True),
        sa.Column("ruleset", sa.String(64), nullable=False),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("facts", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("pack_id", sa.String(100), nullable=False),
        sa.Column("pack_version", sa.String(50), nullable=False),
        sa.Column("pack_hash", sa.String(100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_decisions_code", "decisions", ["code"])
    dialect = op.get_bind().dialect.name
    for table, frozen in APPEND_ONLY.items():
        if dialect == "sqlite":
            changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in frozen)
            op.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} WHEN {changed} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: a correction is a new entry'); END"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: nothing is deleted'); END"
            )
        elif dialect == "postgresql":
            old = ", ".join(f"OLD.{c}" for c in frozen)
            new = ", ".join(f"NEW.{c}" for c in frozen)
            op.execute(f"""
                CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
                        RAISE EXCEPTION '{table} is append-only: nothing is deleted';
                    END IF;
                    IF ROW({new}) IS DISTINCT FROM ROW({old}) THEN
                        RAISE EXCEPTION '{table} is append-only: a correction is a new entry';
                    END IF;
                    RETURN NEW;
                END $$""")
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION {table}_append_only() CASCADE")
    op.drop_table("decisions")
    op.drop_table("log_entries")
    op.drop_table("code_register")
