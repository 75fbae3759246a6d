"""The planner workspace's saved readiness assessments (issue 19 item 5).

Revision ID: 0003_readiness_assessments
Revises: 0002_web_accounts
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_readiness_assessments"
down_revision = "0002_web_accounts"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "readiness_assessments",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("org", sa.String(40), sa.ForeignKey("organisations.code"), nullable=False),
        sa.Column("region", sa.String(200), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("created_by", BigId, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_readiness_assessments_org_region", "readiness_assessments", ["org", "region", "as_of"])


def downgrade() -> None:
    op.drop_table("readiness_assessments")
