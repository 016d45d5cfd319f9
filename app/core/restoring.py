"""Backups of a profile, made and put back: the GUI's File > Restore (on the profile open in
the window) and the command line's `db backup` and `db restore` (on a profile that is closed).

`restore_backup` needs the file closed and the lock held; an `OpenProfile` holds the lock, so
`restore_open_profile` closes only its database, restores, and reopens it (upgrading a backup
from an older version). Every restore first saves what the profile holds as a "before restore"
backup, so a restore can itself be undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.changes import Change
from app.core.opening import OpenProfile
from app.core.profile_lock import ProfileLock
from app.core.profiles import Profile, unlock
from app.db.backup import BackupInfo, backup_file, list_backups, restore_backup, rotate_backups
from app.db.database import ProfileDatabase
from app.db.inspect import REPAIR_HINT, RESTORE_HINT, inspect_profile_file
from app.errors import ProfileFileRefused, UserError

__all__ = [
    "BackupInfo",
    "RestoreResult",
    "back_up_profile",
    "find_backup",
    "profile_backups",
    "restore_open_profile",
    "restore_profile",
]


@dataclass(frozen=True)
class RestoreResult:
    backup: Path
    safety: BackupInfo  # what the profile held just before the restore
    changes: Change = Change.EVERYTHING


def restore_open_profile(opened: OpenProfile, backup: Path) -> RestoreResult:
    """Replace the open profile's data with `backup`'s, keeping the lock.

    Run it where writes are serialised: no session may be open meanwhile. Raises UserError for a
    damaged or newer backup (the profile is then reopened unchanged) or ProfileFileRefused if the
    restored file cannot be upgraded.
    """
    old = opened.database
    old.close()
    try:
        safety = restore_backup(old.db_file, backup, old.backups_dir)
    finally:
        opened.database = ProfileDatabase.open(old.db_file, old.backups_dir)
    opened.last_backup_at = safety.taken_at
    return RestoreResult(backup, safety)


def profile_backups(profile: Profile) -> list[BackupInfo]:
    """The profile's backups, newest first (what File > Restore offers)."""
    return list_backups(profile.backups_dir)


def find_backup(profile: Profile, name: str) -> Path:
    """The backup file `name`: a path, or the name of a file in the profile's backups folder.
    Raises UserError when there is no such file, or it is not a Study Desk backup (saying where
    the profile's backups are)."""
    backup = Path(name)
    if not backup.exists() and (profile.backups_dir / name).exists():
        backup = profile.backups_dir / name
    if not backup.is_file():
        raise UserError(f"There is no backup file {name!r}. {_where_backups_are(profile)}")
    try:
        inspect_profile_file(backup)
    except ProfileFileRefused as refused:
        raise UserError(
            f"{_as_backup(str(refused))} Nothing was restored; {profile.name!r} is as it was. "
            f"{_where_backups_are(profile)}"
        ) from None
    return backup


def _as_backup(refusal: str) -> str:
    """The file check's refusal, said of a backup: without its advice to restore one."""
    for hint in (RESTORE_HINT, REPAIR_HINT):
        refusal = refusal.replace(hint, "")
    refusal = refusal.replace("The profile file ", "The file ")
    return refusal.replace("not a Study Desk profile", "not a Study Desk backup").strip()


def _where_backups_are(profile: Profile) -> str:
    return f"The backups of {profile.name!r} are in {profile.backups_dir}."


def restore_profile(
    profile: Profile, backup: Path, *, password: str | None = None
) -> RestoreResult:
    """Replace the data of a profile that is not open here with `backup`'s. Raises
    WrongPassword (a locked profile needs its password), ProfileInUse while it is open
    elsewhere, UserError for a damaged or newer backup; the profile is then as it was."""
    unlock(profile, password)
    with ProfileLock(profile):
        safety = restore_backup(profile.db_file, backup, profile.backups_dir)
    return RestoreResult(backup, safety)


def back_up_profile(profile: Profile, *, password: str | None = None) -> BackupInfo:
    """A verified backup of a profile's file as committed now, then rotation of the older ones.
    Raises WrongPassword (a locked profile needs its password), UserError for a damaged file or
    one written by a newer Study Desk (a backup of it must never push good backups out)."""
    unlock(profile, password)
    inspect_profile_file(profile.db_file)
    info = backup_file(profile.db_file, profile.backups_dir, "manual")
    rotate_backups(profile.backups_dir)
    return info
