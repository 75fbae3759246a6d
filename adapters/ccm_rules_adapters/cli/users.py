"""`ccm-rules users`: the web app's accounts (issue 19): `users add` creates one (the first administrator too), `users list`."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from ._common import EXIT_BAD_INPUT, EXIT_OK, CommandError, require_extra
from ._db import add_db_option, open_db

ROLES = ("intake-worker", "case-manager", "planner", "administrator")


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "users",
        help="the web app's user accounts (add, list)",
        description="Manage the web app's accounts in the records store.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="add a user (its organisation is added when new)",
        description="Add a user of an organisation with one role. The password is asked without echo, "
        "or read from standard input with --password-stdin (for scripts).",
    )
    add.add_argument("name", help="login name (letters, digits, '.', '_', '@', '-')")
    add.add_argument("--org", required=True, help="organisation code (added if it does not exist yet)")
    add.add_argument("--role", required=True, choices=ROLES, help="the user's role")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of standard input"
    )
    add_db_option(add)
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", help="list the users (name, organisation, role)")
    add_db_option(listing)
    listing.set_defaults(handler=run_list)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandError("no terminal to ask the password on: pass --password-stdin and give it on standard input")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("the same password again: ") != first:
        raise CommandError("the two passwords differ; nothing was stored")
    return first


def run_add(args: argparse.Namespace) -> int:
    require_extra("web", "argon2", "sqlalchemy", "alembic")
    from ccm_rules_adapters.storage import Accounts, StoreError
    from ccm_rules_adapters.web import hash_password, password_problem

    password = _password(args)
    if (problem := password_problem(password)) is not None:
        raise CommandError(f"{problem}; nothing was stored")
    store = open_db(args)
    try:
        accounts = Accounts(store)
        actor = f"cli:{getpass.getuser()}"
        if args.org not in accounts.organisations():
            accounts.add_organisation(args.org, by=actor)
            sys.stdout.write(f"organisation {args.org} added\n")
        user = accounts.add_user(args.name, args.org, args.role, hash_password(password), by=actor)
    except StoreError as err:
        raise CommandError(str(err), EXIT_BAD_INPUT) from err
    finally:
        store.close()
    sys.stdout.write(f"user {user.name} added: {user.role.value} of {user.org}\n")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    require_extra("records", "sqlalchemy", "alembic")
    from ccm_rules_adapters.storage import Accounts

    store = open_db(args)
    try:
        for user in Accounts(store).users():
            sys.stdout.write(f"{user.name}\t{user.org}\t{user.role.value}\t{'active' if user.active else 'inactive'}\n")
    finally:
        store.close()
    return EXIT_OK
