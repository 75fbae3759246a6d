"""The records store (extra `records`): SQLAlchemy 2 and Alembic, a SQLite file by default, PostgreSQL by URL.

    >>> from ccm_rules_adapters.storage import open_store
    >>> store = open_store("sqlite://")          # or a file path, or postgresql://user@host/db
    >>> store.count()
    0

The logs are append-only (database triggers refuse an UPDATE or DELETE, save the code
column that a person's erasure re-pseudonymises); the code register keeps identities encrypted
with the deployment's Fernet key; every decision taken through the store is kept with its
facts, outcome, `as_of` and pack, and `Store.audit` re-decides them.
"""

from ._accounts import (
    SESSION_HOURS,
    Accounts,
    Case,
    CaseNotFound,
    Change,
    Role,
    User,
    cases,
    changes,
    organisations,
    users,
    web_sessions,
)
from ._migrate import VERSION_TABLE
from ._store import (
    DEFAULT_FILE,
    ENV_KEY,
    ENV_URL,
    AuditFinding,
    CodeRegister,
    Store,
    StoredDecision,
    StoredEntry,
    StoreError,
    database_url,
    new_key,
    open_store,
)
from ._tables import code_register, decisions, log_entries, metadata

__all__ = [
    "DEFAULT_FILE",
    "ENV_KEY",
    "ENV_URL",
    "SESSION_HOURS",
    "VERSION_TABLE",
    "Accounts",
    "AuditFinding",
    "Case",
    "CaseNotFound",
    "Change",
    "CodeRegister",
    "Role",
    "Store",
    "StoreError",
    "StoredDecision",
    "StoredEntry",
    "User",
    "cases",
    "changes",
    "code_register",
    "database_url",
    "decisions",
    "log_entries",
    "metadata",
    "new_key",
    "open_store",
    "organisations",
    "users",
    "web_sessions",
]
