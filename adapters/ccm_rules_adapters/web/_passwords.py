"""Passwords: argon2id hashes (argon2-cffi, its default parameters as recommended by RFC 9106).

Only the hash is ever stored. Checking a name that does not exist still verifies a hash, so
the time of a refusal does not tell whether the user exists. A hash made with older
parameters is replaced by a fresh one at the next successful sign-in.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ccm_rules_adapters.storage import Accounts, User

MIN_LENGTH = 10
"""The shortest password `ccm-rules users add` accepts (project policy; NIST SP 800-63B asks at least 8)."""


@functools.cache
def hasher() -> PasswordHasher:
    """The argon2id hasher (one per process: it holds only parameters)."""
    return PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    return hasher().hash("not a password of anyone")


def hash_password(password: str) -> str:
    """The argon2id hash of `password`."""
    return hasher().hash(password)


def password_problem(password: str) -> str | None:
    """Why `password` is refused (too short, or only spaces), or None."""
    if len(password) < MIN_LENGTH or not password.strip():
        return f"the password must have at least {MIN_LENGTH} characters"
    return None


def authenticate(accounts: Accounts, name: str, password: str) -> User | None:
    """The user whose name and password these are, or None (the same work is done either way)."""
    found = accounts.credentials(name)
    stored = found[1] if found is not None else _dummy_hash()
    try:
        hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if found is None:
        return None
    user = found[0]
    if hasher().check_needs_rehash(stored):
        accounts.set_password_hash(user, hash_password(password))
    return user
