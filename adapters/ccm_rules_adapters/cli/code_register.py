"""`ccm-rules register add|export|erase|new-key`: the code register (seed 002 §8.2, line 192).

The only command that handles identities. It never prints one: errors about an identity
field name the field, not its value, and `export` writes to the file the user names.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import attrs

from ccm_rules import InputFileError, Problem
from ccm_rules.engine import JsonLimitError, load_json

from ._common import EXIT_BAD_INPUT, EXIT_ENVIRONMENT, EXIT_OK, CommandError, write_output
from ._db import add_db_option, open_db

HIDDEN = "not valid here (the value is not shown: identities are never printed)"


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "register",
        help="the code register: pseudonymous codes and the identities behind them (encrypted)",
        description="The code register keeps each client's identity under a pseudonymous code, encrypted with the "
        "deployment's Fernet key ($CCM_RULES_REGISTER_KEY or --key-file); every other record names the "
        "client by code only (seed 002 §8.2). Identities are never printed. Exit 0: done; 2: bad input; "
        "3: no key or no store.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add", help='add clients from a JSON Lines file: {"code", "on", "identity": {"name", …}} per line'
    )
    add.add_argument("file", type=Path, help="register entries, one JSON object per line")
    export = actions.add_parser(
        "export", help="write everything kept about one person (identity, records, decisions) to a file"
    )
    export.add_argument("code", help="the person's pseudonymous code")
    export.add_argument(
        "--output", "-o", type=Path, required=True, help="the JSON file to write (it will hold the identity)"
    )
    erase = actions.add_parser("erase", help="erase a person: delete the identity, re-pseudonymise their entries")
    erase.add_argument("code", help="the person's pseudonymous code")
    erase.add_argument("--yes", action="store_true", required=True, help="confirm: erasure cannot be undone")
    key = actions.add_parser(
        "new-key", help="write a new Fernet key for a register to a file (keep it apart from the database)"
    )
    key.add_argument("file", type=Path, help="the key file to create (must not exist)")
    for sub in (add, export, erase):
        add_db_option(sub)
        sub.add_argument(
            "--key-file", type=Path, default=None, help="the register's Fernet key (default: $CCM_RULES_REGISTER_KEY)"
        )
    add.set_defaults(handler=run_add)
    export.set_defaults(handler=run_export)
    erase.set_defaults(handler=run_erase)
    key.set_defaults(handler=run_new_key)


def _register(store: Any, args: argparse.Namespace) -> Any:
    from ccm_rules_adapters.storage import StoreError

    key: bytes | None = None
    if args.key_file is not None:
        try:
            key = args.key_file.read_bytes()
        except OSError as err:
            raise CommandError(
                f"--key-file {args.key_file}: cannot read it ({err.strerror})", EXIT_ENVIRONMENT
            ) from err
    try:
        return store.register(key)
    except StoreError as err:
        raise CommandError(str(err), EXIT_ENVIRONMENT) from err


def _hidden(problem: Problem) -> Problem:
    """The problem with any identity value it quotes left out."""
    if ".identity" in problem.path and not str(problem.message).startswith(("unknown field", "required field")):
        return attrs.evolve(problem, message=HIDDEN)
    return problem


def _entries(path: Path) -> list[Any]:
    from ccm_rules.records import RecordError, structure_register_entry

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise CommandError(f"{path}: cannot read it as UTF-8 text ({err.__class__.__name__})") from err
    entries, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(structure_register_entry(load_json(line)))
        except JsonLimitError as err:
            problems.append(attrs.evolve(err.problem, file=str(path), line=number))
        except RecordError as err:
            problems += [attrs.evolve(_hidden(p), file=str(path), line=number) for p in err.problems]
        except ValueError:
            problems.append(
                Problem("not JSON (the line is not shown: it may hold an identity)", file=str(path), line=number)
            )
    if problems:
        raise InputFileError("the register entries are not valid; nothing was stored", problems)
    return entries


def run_add(args: argparse.Namespace) -> int:
    from ccm_rules.records import RecordError

    entries = _entries(args.file)
    with open_db(args) as store:
        try:
            codes = _register(store, args).add(entries)
        except RecordError as err:
            raise InputFileError(
                "the register entries are not valid; nothing was stored",
                [attrs.evolve(_hidden(p), file=str(args.file)) for p in err.problems],
            ) from None
    sys.stdout.write(f"added {len(codes)} codes to the register\n")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    with open_db(args) as store:  # first: it stops with exit 3 when the records extra is missing
        from ccm_rules_adapters.storage import StoreError

        try:
            data = _register(store, args).export(args.code)
        except StoreError as err:
            raise CommandError(str(err), EXIT_BAD_INPUT) from err
    write_output(args.output, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.write(
        f"exported {args.code} to {args.output}: the register entry, {len(data['records'])} entries, {len(data['decisions'])} decisions\n"
    )
    return EXIT_OK


def run_erase(args: argparse.Namespace) -> int:
    with open_db(args) as store:  # first: it stops with exit 3 when the records extra is missing
        from ccm_rules_adapters.storage import StoreError

        try:
            moved = _register(store, args).erase(args.code)
        except StoreError as err:
            raise CommandError(str(err), EXIT_BAD_INPUT) from err
    sys.stdout.write(
        f"erased {args.code}: the identity is deleted; {moved} entries and decisions now carry a fresh code nothing links to the person\n"
    )
    return EXIT_OK


def run_new_key(args: argparse.Namespace) -> int:
    from ._common import require_extra

    require_extra("records", "cryptography")
    from ccm_rules_adapters.storage import new_key

    try:
        fd = os.open(args.file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CommandError(f"{args.file}: the file exists; a key is never overwritten") from None
    except OSError as err:
        raise CommandError(f"{args.file}: cannot create it ({err.strerror})") from err
    with os.fdopen(fd, "wb") as handle:
        handle.write(new_key() + b"\n")
    sys.stdout.write(f"wrote a new register key to {args.file} (mode 600); keep it apart from the database\n")
    return EXIT_OK
