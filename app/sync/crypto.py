"""Passphrase encryption of a sync folder: a key derived by Argon2id (argon2-cffi's low-level
API), segments and blobs sealed with AES-256-GCM (authenticated: a changed byte or a wrong key
is refused, never decrypted into garbage)."""

from __future__ import annotations

import base64
import os
from typing import Any

from app.errors import UserError

KDF_PARAMS = {"kdf": "argon2id", "time_cost": 3, "memory_kib": 65536, "parallelism": 1}
CHECK_TEXT = b"studydesk sync folder key check"


class WrongPassphrase(UserError):
    pass


def new_kdf() -> dict[str, Any]:
    return {**KDF_PARAMS, "salt": base64.b64encode(os.urandom(16)).decode()}


def derive_key(passphrase: str, kdf: dict[str, Any]) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    if kdf.get("kdf") != "argon2id":
        raise UserError(
            f"The sync folder uses a key derivation this version does not know: {kdf.get('kdf')}"
        )
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        base64.b64decode(kdf["salt"]),
        time_cost=int(kdf["time_cost"]),
        memory_cost=int(kdf["memory_kib"]),
        parallelism=int(kdf["parallelism"]),
        hash_len=32,
        type=Type.ID,
    )


def seal(key: bytes, data: bytes, aad: bytes = b"") -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, data, aad)


def unseal(key: bytes, data: bytes, aad: bytes = b"") -> bytes:
    """The plaintext; raises WrongPassphrase when the key is wrong or the data was changed."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(data[:12], data[12:], aad)
    except (InvalidTag, ValueError):
        raise WrongPassphrase(
            "The sync passphrase is wrong (or the file was changed): nothing was read."
        ) from None


def key_check(key: bytes) -> str:
    return base64.b64encode(seal(key, CHECK_TEXT)).decode()


def verify_key(key: bytes, check: str) -> None:
    if unseal(key, base64.b64decode(check)) != CHECK_TEXT:
        raise WrongPassphrase("The sync passphrase is wrong: nothing was read or written.")
