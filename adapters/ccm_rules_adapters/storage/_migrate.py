"""Run the store's Alembic migrations programmatically, once per database, safely under concurrency."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

VERSION_TABLE = "ccm_rules_store_version"
"""Alembic's version table, named so that it does not meet another application's in a shared database."""
MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_KEY = 0x43434D5F5354  # "CCM_ST": the PostgreSQL advisory lock that serialises migrations


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    """The newest revision the package ships."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(connection: sa.Connection) -> str | None:
    """The revision the database is at (None: not a store yet)."""
    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def upgrade(engine: sa.Engine) -> None:
    """Bring the database to the newest revision; a database already there is only read.

    Two processes opening a new database at once do not both migrate: PostgreSQL takes an
    advisory lock for the migration's transaction, SQLite's `BEGIN IMMEDIATE` (see
    `_store._sqlite_engine`) holds the write lock, and the revision is read again under it.
    """
    target = head()
    with engine.connect() as connection:
        if current(connection) == target:
            return
    with engine.connect().execution_options(ccm_write=True) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        if current(connection) == target:
            return
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
