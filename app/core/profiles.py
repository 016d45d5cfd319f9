"""Learner profiles: each one a folder with its SQLite file, backups, media and a small
`profile.json` (id, name, password hash) that can be read even when the database cannot.

Deleting a profile moves its folder to the data dir's trash; nothing is erased.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from app.atomic_file import write_text_atomically
from app.core.passwords import hash_password, needs_rehash, verify_password
from app.db.types import new_id
from app.errors import UserError, WrongPassword
from app.paths import DB_FILE_NAME, PROFILE_META_NAME, DataLocations

MAX_NAME_LENGTH = 60
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    folder: Path
    created_at: datetime
    last_opened_at: datetime | None = None
    password_hash: str | None = None
    legacy_user_id: str | None = None
    legacy_email: str | None = None

    @property
    def locked(self) -> bool:
        return self.password_hash is not None

    @property
    def db_file(self) -> Path:
        return self.folder / DB_FILE_NAME

    @property
    def backups_dir(self) -> Path:
        return self.folder / "backups"

    @property
    def media_dir(self) -> Path:
        return self.folder / "media"

    def __repr__(self) -> str:  # keeps the password hash out of logs
        return f"Profile(id={self.id!r}, name={self.name!r})"


def write_meta(profile: Profile) -> None:
    """Write `profile.json` in the profile's folder: synced, then renamed over the old one."""
    meta = {
        "id": profile.id,
        "name": profile.name,
        "created_at": profile.created_at.isoformat(),
        "last_opened_at": profile.last_opened_at.isoformat() if profile.last_opened_at else None,
        "password_hash": profile.password_hash,
        "legacy_user_id": profile.legacy_user_id,
        "legacy_email": profile.legacy_email,
    }
    target = profile.folder / PROFILE_META_NAME
    write_text_atomically(target, json.dumps(meta, indent=2))


def _read_meta(folder: Path) -> Profile | None:
    try:
        meta = json.loads((folder / PROFILE_META_NAME).read_text(encoding="utf-8"))
        opened = meta.get("last_opened_at")
        return Profile(
            id=str(meta["id"]),
            name=str(meta["name"]),
            folder=folder,
            created_at=datetime.fromisoformat(meta["created_at"]),
            last_opened_at=datetime.fromisoformat(opened) if opened else None,
            password_hash=meta.get("password_hash"),
            legacy_user_id=meta.get("legacy_user_id"),
            legacy_email=meta.get("legacy_email"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ensure_data_dir(locations: DataLocations) -> None:
    """Create the data dir's folders; a folder that cannot be written is a clear UserError."""
    try:
        locations.profiles_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        probe = locations.profiles_dir / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise UserError(
            f"Study Desk cannot write to its data folder {locations.root} ({error.strerror}). "
            "Give your account write permission there, or start Study Desk with "
            "--data-dir pointing to a folder you can write."
        ) from None


def list_profiles(locations: DataLocations) -> list[Profile]:
    """Every profile in the data dir, by name. A folder without `profile.json` is not one."""
    if not locations.profiles_dir.is_dir():
        return []
    found = []
    for folder in locations.profiles_dir.iterdir():
        if folder.is_dir() and (profile := _read_meta(folder)) is not None:
            found.append(profile)
    return sorted(found, key=lambda p: p.name.casefold())


def find_profile(locations: DataLocations, name: str) -> Profile:
    """The profile called `name` (case-insensitive) or with that id."""
    profiles = list_profiles(locations)
    for profile in profiles:
        if profile.name.casefold() == name.casefold() or profile.id == name:
            return profile
    known = ", ".join(repr(p.name) for p in profiles) or "none yet"
    raise UserError(f"There is no profile called {name!r}. Profiles: {known}.")


def usable_name(name: str, fallback: str = "Learner") -> str:
    """`name` with the characters a profile name cannot hold replaced, trimmed to fit."""
    cleaned = " ".join(_FORBIDDEN.sub(" ", name).split())[:MAX_NAME_LENGTH].strip(" .")
    return cleaned or fallback


def validate_name(locations: DataLocations, name: str, *, ignore_id: str | None = None) -> str:
    """The cleaned name, or a UserError saying what is wrong with it."""
    cleaned = name.strip()
    if not cleaned:
        raise UserError("A profile needs a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise UserError(f"A profile name can have at most {MAX_NAME_LENGTH} characters.")
    if _FORBIDDEN.search(cleaned) or cleaned in (".", ".."):
        raise UserError(
            f"The profile name {cleaned!r} contains a character that cannot be used "
            '(one of \\ / : * ? " < > | or a control character).'
        )
    for other in list_profiles(locations):
        if other.id != ignore_id and other.name.casefold() == cleaned.casefold():
            raise UserError(f"A profile called {other.name!r} already exists; choose another name.")
    return cleaned


def create_profile(
    locations: DataLocations,
    name: str,
    *,
    password: str | None = None,
    password_hash: str | None = None,
    legacy_user_id: str | None = None,
) -> Profile:
    """Create the folder and `profile.json`. The database is made by the first open.

    `password_hash` carries an existing hash (a migrated bcrypt one) instead of a new password.
    """
    ensure_data_dir(locations)
    cleaned = validate_name(locations, name)
    profile_id = new_id()
    folder = locations.profile_dir(profile_id)
    folder.mkdir(mode=0o700)
    stored = hash_password(password) if password else password_hash
    profile = Profile(profile_id, cleaned, folder, datetime.now(UTC), None, stored, legacy_user_id)
    write_meta(profile)
    return profile


def rename_profile(locations: DataLocations, old: str, new: str) -> Profile:
    profile = find_profile(locations, old)
    renamed = replace(profile, name=validate_name(locations, new, ignore_id=profile.id))
    write_meta(renamed)
    return renamed


def set_password(profile: Profile, password: str | None) -> Profile:
    """Set, change or (with None) remove the profile's password."""
    changed = replace(profile, password_hash=hash_password(password) if password else None)
    write_meta(changed)
    return changed


def unlock(profile: Profile, password: str | None) -> Profile:
    """The one password check, made by every door that reads or changes a profile (opening it,
    a command, a backup, a check, a rename, a delete): a profile without a password passes; a
    locked one needs its own password. Raises WrongPassword (None: it is locked; else: that is
    not its password). A bcrypt hash is upgraded to Argon2id on success."""
    if profile.password_hash is None:
        return profile
    if password is None:
        raise WrongPassword(f"The profile {profile.name!r} is locked; its password is needed.")
    if not verify_password(profile.password_hash, password):
        raise WrongPassword(f"That is not the password of the profile {profile.name!r}.")
    if needs_rehash(profile.password_hash):
        return set_password(profile, password)
    return profile


def save_legacy_identity(profile: Profile, email: str | None) -> Profile:
    """Remember the email of the older app's account, so a later import finds this profile."""
    changed = replace(profile, legacy_email=email)
    write_meta(changed)
    return changed


def mark_opened(profile: Profile) -> Profile:
    opened = replace(profile, last_opened_at=datetime.now(UTC))
    write_meta(opened)
    return opened


def move_to_trash(locations: DataLocations, profile: Profile) -> Path:
    """Move the profile's folder to the trash; the caller must hold the profile's lock."""
    locations.trash_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    safe = re.sub(r"[^\w.-]+", "_", profile.name)
    target = locations.trash_dir / f"{safe}-{stamp}-{profile.id}"
    shutil.move(str(profile.folder), str(target))
    return target
