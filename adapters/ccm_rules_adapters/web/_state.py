"""What one web app holds: its settings, the rule pack and the store, opened on first use.

No module-level state: every `web_router()` gets its own `WebState`, so tests and hosts can run
several apps side by side. The store is opened when the first page needs it, so serving the
JSON API alone never creates a database file.
"""

from __future__ import annotations

import os
import threading

import attrs

from ccm_rules import RulePack
from ccm_rules_adapters.storage import SESSION_HOURS, Accounts, open_store

ENV_SECURE = "CCM_RULES_WEB_SECURE"
"""`1`: mark every cookie `Secure` (`ccm-rules serve` sets it when it binds beyond loopback)."""


@attrs.frozen
class WebSettings:
    """How the web app runs.

    `db`: the store's URL (None: `CCM_RULES_DB`, else `ccm-records.sqlite3` in the working folder).
    `secure_cookies`: send the session, CSRF and language cookies with `Secure` always. A request
    that arrives over https gets `Secure` cookies whatever this says; on plain http to loopback
    (a worker's own machine, `ccm-rules serve` by default) browsers would refuse to send them
    back from `127.0.0.1`, so they are left off there. Serving beyond loopback turns it on, and
    then the app must be reached through https (a TLS proxy in front): see docs/web.md.
    `session_hours`: how long a sign-in lasts.
    """

    db: str | None = None
    secure_cookies: bool = False
    session_hours: int = SESSION_HOURS

    @classmethod
    def from_env(cls) -> WebSettings:
        """The settings `ccm-rules serve` passes through the environment (`CCM_RULES_DB`, `CCM_RULES_WEB_SECURE`)."""
        return cls(db=os.environ.get("CCM_RULES_DB") or None, secure_cookies=os.environ.get(ENV_SECURE, "") == "1")


class WebState:
    """One web app's settings, rule pack and (lazily opened) accounts store."""

    def __init__(self, settings: WebSettings, pack: RulePack) -> None:
        self.settings = settings
        self.pack = pack
        self._accounts: Accounts | None = None
        self._lock = threading.Lock()

    def accounts(self) -> Accounts:
        """The store's accounts, opened (and migrated) on first use, once per app."""
        if self._accounts is None:
            with self._lock:
                if self._accounts is None:
                    self._accounts = Accounts(open_store(self.settings.db))
        return self._accounts

    def close(self) -> None:
        """Close the store if it was opened."""
        if self._accounts is not None:
            self._accounts.store.close()

    def __repr__(self) -> str:
        return f"WebState({self.settings!r})"
