"""Alembic environment: `open_store` passes the connection; there is no alembic.ini."""

from __future__ import annotations

from alembic import context

from ccm_rules_adapters.storage._migrate import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
