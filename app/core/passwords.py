"""Profile passwords: Argon2id for new ones; bcrypt accepted for profiles migrated from TechTree.

A profile password keeps a shared laptop's other users out of a learner's profile in the app. It
does not encrypt the file.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher


@cache
def _hasher() -> PasswordHasher:
    """argon2-cffi's defaults: Argon2id with RFC 9106 low-memory settings. Made (and argon2
    imported) on first use: opening a profile without a password needs neither."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def is_bcrypt(stored: str) -> bool:
    return stored.startswith(("$2a$", "$2b$", "$2y$"))


def verify_password(stored: str, password: str) -> bool:
    """True when `password` matches `stored` (an Argon2 or a bcrypt hash)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if is_bcrypt(stored):
        import bcrypt

        try:
            return bcrypt.checkpw(password.encode("utf-8"), stored.encode("ascii"))
        except ValueError:
            return False
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """A bcrypt hash or Argon2 with older settings is replaced after the next good password."""
    return is_bcrypt(stored) or _hasher().check_needs_rehash(stored)
