"""The web app's organisations, users, sessions, cases and change log (issue 19).

Revision ID: 0002_web_accounts
Revises: 0001_records
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_web_accounts"
down_revision = "0001_records"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("org", sa.String(40), sa.ForeignKey("organisations.code"), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", BigId, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "cases",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("org", sa.String(40), sa.ForeignKey("organisations.code"), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("created_by", BigId, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", BigId, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("org", "code", "kind", name="uq_cases_org_code_kind"),
    )
    op.create_index("ix_cases_org", "cases", ["org"])
    op.create_table(
        "changes",
        sa.Column("seq", BigId, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", BigId, nullable=True),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("org", sa.String(40), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":  # the change log is append-only, as the records logs are (0001)
        op.execute(
            "CREATE TRIGGER changes_no_update BEFORE UPDATE ON changes "
            "BEGIN SELECT RAISE(ABORT, 'changes is append-only'); END"
        )
        op.execute(
            "CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes "
            "BEGIN SELECT RAISE(ABORT, 'changes is append-only: nothing is deleted'); END"
        )
    elif dialect == "postgresql":
        op.execute("""
            CREATE FUNCTION changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'changes is append-only: nothing is changed or deleted';
            END $$""")
        op.execute(
            "CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE ON changes "
            "FOR EACH ROW EXECUTE FUNCTION changes_append_only()"
        )
        op.execute(
            "CREATE TRIGGER changes_no_truncate BEFORE TRUNCATE ON changes "
            "FOR EACH STATEMENT EXECUTE FUNCTION changes_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION changes_append_only() CASCADE")
    op.drop_table("changes")
    op.drop_table("cases")
    op.drop_table("web_sessions")
    op.drop_table("users")
    op.drop_table("organisations")
