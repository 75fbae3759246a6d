"""What the records, register and audit commands share: `--db URL` and opening the store."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ._common import EXIT_ENVIRONMENT, CommandError, require_extra


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """`--db URL`: the records store (default: $CCM_RULES_DB, else the SQLite file ccm-records.sqlite3 here)."""
    parser.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="database: a SQLite file path or sqlite:///FILE, or postgresql://user@host/db "
        "(default: $CCM_RULES_DB, else ccm-records.sqlite3 in the working folder)",
    )


def open_db(args: argparse.Namespace) -> Any:
    """The store the command works on; a missing extra or a database that cannot be opened stops it (exit 3)."""
    require_extra("records", "sqlalchemy", "alembic", "cryptography")
    from ccm_rules_adapters.storage import StoreError, open_store

    try:
        return open_store(args.db if args.db is not None else os.environ.get("CCM_RULES_DB"))
    except StoreError as err:
        raise CommandError(str(err), EXIT_ENVIRONMENT) from err
