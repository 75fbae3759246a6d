"""`ccm-rules serve`: the HTTP decision service (uvicorn + Litestar), on 127.0.0.1 by default."""

from __future__ import annotations

import argparse
import errno
import ipaddress
import json
import os
import socket
import sys
from typing import Any

from ._common import EXIT_BAD_INPUT, EXIT_ENVIRONMENT, EXIT_OK, CommandError, add_pack_options, require_extra

TOKEN_ENV = "CCM_RULES_TOKEN"  # noqa: S105 - the name of the variable, not a secret


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="serve every decision over HTTP (JSON, OpenAPI 3.1, CDS Hooks 2.0)",
        description="Start the HTTP decision service. OpenAPI document: /schema/openapi.json; docs: /schema.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument(
        "--token",
        default=None,
        help=f"require 'Authorization: Bearer TOKEN' (default: ${TOKEN_ENV}; prefer the variable, "
        "a command-line token is visible to other local users)",
    )
    parser.add_argument("--max-body", type=int, default=None, help="largest request body in bytes (default: 65536)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default: 1; use one per core)")
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=None,
        help="seconds for a whole request to arrive before the connection is closed (default: 10)",
    )
    parser.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="the records store GET /v1/indicators computes seed 002's indicators from: a SQLite file "
        "path or sqlite:///FILE, or postgresql://user@host/db (default: $CCM_RULES_DB; none: that route answers 409)",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="serve on a non-loopback address without a bearer token (anyone who can reach it may use it)",
    )
    add_pack_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    require_extra("http", "litestar", "uvicorn")
    positive = (args.max_body, args.request_timeout)
    if not 0 < args.port < 65536 or args.workers < 1 or any(v is not None and not v > 0 for v in positive):
        sys.stderr.write("error: --port must be 1-65535, --workers, --max-body and --request-timeout positive\n")
        return EXIT_BAD_INPUT
    token = args.token or os.environ.get(TOKEN_ENV) or None
    if token is None and not _is_loopback(args.host):
        if not args.insecure:
            raise CommandError(
                f"--host {args.host}: refusing to serve beyond this machine without a bearer token: "
                f"set ${TOKEN_ENV} (or --token), or pass --insecure if the network itself is trusted"
            )
        sys.stderr.write(f"warning: serving on {args.host} without a bearer token (--insecure)\n")
    _check_port_free(args.host, args.port)
    # The app is built in each worker from the environment (see ccm_rules_adapters.http.app_from_env).
    packs = json.dumps(args.pack) if args.pack else ""  # names or folders, resolved where the app is built
    env = {
        TOKEN_ENV: token or "",
        "CCM_RULES_RULES": str(args.rules or ""),
        "CCM_RULES_PACKS": packs,
        "CCM_RULES_MAX_BODY": str(args.max_body or ""),
    }
    # The web app's cookies are Secure beyond loopback (reach it through https there: docs/web.md); on loopback over
    # plain http they are not (a browser would not send them back from 127.0.0.1), and an https request gets them Secure.
    env["CCM_RULES_WEB_SECURE"] = "" if _is_loopback(args.host) else "1"
    db = args.db or os.environ.get("CCM_RULES_DB")
    if db:  # opened (and migrated) here, exit 3 if it cannot be; each worker opens it again from CCM_RULES_DB
        from ._db import open_db

        open_db(argparse.Namespace(db=db)).close()
        env["CCM_RULES_DB"] = db
    os.environ.update({k: v for k, v in env.items() if v})
    for key in (k for k, v in env.items() if not v):
        os.environ.pop(key, None)
    from ccm_rules_adapters.http import app_from_env, server_options

    app_from_env()  # fail here, with exit 2, if the pack or settings are bad, not inside a worker
    import uvicorn

    uvicorn.run(
        "ccm_rules_adapters.http:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        **server_options(args.request_timeout),
    )
    return EXIT_OK


def _check_port_free(host: str, port: int) -> None:
    """Exit 3 with a plain message when the address is taken, before any worker starts."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as err:
        raise CommandError(f"--host {host}: cannot use this address: {err.strerror or err}") from err
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"port {port} on {host} is already in use: stop the other server or choose another --port",
                    EXIT_ENVIRONMENT,
                ) from err
            raise CommandError(
                f"cannot listen on {host}:{port}: {(err.strerror or str(err)).lower()}", EXIT_ENVIRONMENT
            ) from err


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
