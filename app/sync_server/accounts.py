"""Passwords (Argon2id) and device tokens (random, stored as their sha256), with the sign-in
rate limit: after 5 failed sign-ins an account waits a minute, doubling with each further
failure (up to an hour); one address may fail 30 times in 10 minutes, whatever the names."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.sync_server.records import Auth, now_ms
from app.sync_server.store import Store

HASHER = PasswordHasher()  # Argon2id, the library's current parameters
_DUMMY = HASHER.hash("not a password")
FREE_FAILURES = 5
ADDRESS_FAILURES = 30
ADDRESS_WINDOW_S = 600.0


class LoginRefused(Exception):
    def __init__(self, message: str, *, wait_s: int = 0) -> None:
        super().__init__(message)
        self.wait_s = wait_s


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("A password needs at least 8 characters.")
    return HASHER.hash(password)


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: str
    device: str  # public id


class AddressLimit:
    """Failed sign-ins per client address, in this process."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        found = self._failures.setdefault(address, deque())
        while found and found[0] < now - ADDRESS_WINDOW_S:
            found.popleft()
        return found

    def check(self, address: str) -> None:
        with self._lock:
            if len(self._recent(address, time.monotonic())) >= ADDRESS_FAILURES:
                raise LoginRefused(
                    "Too many failed sign-ins from this address: try again later.",
                    wait_s=int(ADDRESS_WINDOW_S),
                )

    def failed(self, address: str) -> None:
        with self._lock:
            self._recent(address, time.monotonic()).append(time.monotonic())


def wait_after(failures: int) -> int:
    """Seconds an account waits after this many failed sign-ins in a row."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(60 * 2 ** (failures - FREE_FAILURES), 3600))


def login(
    store: Store,
    addresses: AddressLimit,
    address: str,
    name: str,
    password: str,
    device_id: str,
    device_name: str,
) -> NewToken:
    """A new device token for a right password; LoginRefused otherwise (saying why only as
    far as it tells nothing of other accounts)."""
    addresses.check(address)
    user = store.user(name)
    if user is not None:
        wait = wait_after(int(user["failed_logins"])) * 1000 - (now_ms() - int(user["failed_at"]))
        if wait > 0:
            raise LoginRefused(
                f"Too many failed sign-ins for this account: try again in {wait // 1000 + 1} s.",
                wait_s=wait // 1000 + 1,
            )
    try:
        HASHER.verify(user["password_hash"] if user else _DUMMY, password)
        ok = user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        addresses.failed(address)
        if user is not None:
            store.login_failed(int(user["id"]))
        raise LoginRefused("Wrong user name or password.")
    if user["disabled"]:
        raise LoginRefused("This account is disabled.")
    public_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    store.add_device(int(user["id"]), public_id, device_name[:200], device_id, _token_hash(secret))
    return NewToken(f"{public_id}.{secret}", public_id)


def token_parts(token: str) -> tuple[str, str] | None:
    """A bearer token's device (public id) and the sha256 of its secret, as stored; None for
    what is not a token's shape."""
    public_id, _, secret = token.partition(".")
    if not public_id or not secret or len(token) > 200:
        return None
    return public_id, _token_hash(secret)


def authenticate(store: Store, token: str) -> Auth | None:
    """Who a bearer token is, or None (unknown, revoked, its account disabled, or forged)."""
    public_id, _, secret = token.partition(".")
    if not public_id or not secret or len(token) > 200:
        return None
    found = store.device_token(public_id)
    if found is None:
        return None
    expected, auth = found
    if not hmac.compare_digest(expected, _token_hash(secret)):
        return None
    return auth
