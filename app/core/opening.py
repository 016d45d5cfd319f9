"""Opening and closing a profile: password, lock, database upgrade, backup on close.

The first launch with an empty data dir makes a profile named after the computer's user. A
profile that must not be written opens read-only (`OpenProfile.read_only` says why): a damaged
file (`ProfileDamaged`, which File > Repair Profile… and `studydesk db repair` mend), or one in a
folder that cannot be written (`FolderNotWritable`; opened without the lock, which cannot be made
there, so reading commands and the window still work).
"""

from __future__ import annotations

import getpass
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.profile_lock import ProfileLock
from app.core.profiles import Profile, create_profile, list_profiles, mark_opened, unlock
from app.db.backup import BackupInfo
from app.db.database import ProfileDatabase
from app.db.engine import connect_raw, folder_writable
from app.db.migrate import UpgradeResult
from app.errors import FolderNotWritable, ProfileDamaged, ProfileFileRefused, UserError
from app.paths import DataLocations

if TYPE_CHECKING:  # `db check` only
    from app.db.check import CheckReport

AUTO_BACKUP_EVERY = timedelta(minutes=30)


@dataclass
class OpenProfile:
    """A profile in use by this process: its database and the lock that keeps others out."""

    profile: Profile
    database: ProfileDatabase
    lock: ProfileLock
    last_backup_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def read_only(self) -> UserError | None:
        """Why the profile takes no writes (damaged, or its folder cannot be written); None when
        it takes them. Read from the current database: a repair or restore replaces it."""
        return self.database.read_only

    @property
    def repairable(self) -> bool:
        """Read-only because SQLite found damage, which a repair can mend."""
        return isinstance(self.database.read_only, ProfileDamaged)

    def backup(self, reason: str = "manual") -> BackupInfo:
        info = self.database.backup(reason)
        self.last_backup_at = info.taken_at
        return info

    def backup_if_due(self, now: datetime | None = None) -> BackupInfo | None:
        """The automatic backup: only if something changed and the last is 30 minutes old."""
        now = now or datetime.now(UTC)
        if self.database.changed_since_backup and now - self.last_backup_at >= AUTO_BACKUP_EVERY:
            return self.backup("auto")
        return None

    def close(self) -> BackupInfo | None:
        """Back up if anything changed since the last backup, then release the file and lock.
        Every write is committed by then (the review loop commits each answer before it
        returns), so the backup has them all."""
        try:
            if self.database.changed_since_backup:
                return self.backup("on-close")
            return None
        finally:
            self.database.close()
            self.lock.release()


def default_profile_name() -> str:
    try:
        name = getpass.getuser().strip()
    except (KeyError, OSError):
        name = ""
    return name[:1].upper() + name[1:] if name else "Learner"


def ensure_first_profile(locations: DataLocations) -> Profile | None:
    """On a first launch (no profiles at all) create one named after the user; else None."""
    if list_profiles(locations):
        return None
    return create_profile(locations, default_profile_name())


def open_profile(
    locations: DataLocations,
    profile: Profile,
    *,
    password: str | None = None,
    samples: bool = True,
) -> OpenProfile:
    """Unlock, lock, open and upgrade a profile: how the window and every command open one.

    A profile opened for the first time gets the sample content (`samples`; a command passes
    False, so what it brings in is all a new profile holds). Raises WrongPassword (a locked
    profile without its password, or a wrong one), ProfileInUse or ProfileFileRefused; on any
    of them nothing was changed and no lock is left held.
    """
    profile = unlock(profile, password)
    lock = _lock_unless_read_only(profile)
    try:
        fresh = not profile.db_file.exists()
        if fresh and profile.last_opened_at is not None:
            raise ProfileFileRefused(
                f"The data file of the profile {profile.name!r} is missing ({profile.db_file}). "
                "Restore a backup from "
                f"{profile.backups_dir} with `studydesk db restore`, or delete the profile."
            )
        database = ProfileDatabase.open(profile.db_file, profile.backups_dir, create=fresh)
        writable_folder = not isinstance(database.read_only, FolderNotWritable)
        opened = OpenProfile(mark_opened(profile) if writable_folder else profile, database, lock)
        if fresh and samples:
            from app.core.samples import load_sample_content

            with database.write_session() as session:
                load_sample_content(session)
        if fresh:
            database.mark_clean()  # nothing of the learner's to back up yet
        _prepare_sync(database)
        return opened
    except BaseException:
        lock.release()
        raise


def _prepare_sync(database: ProfileDatabase) -> None:
    """For a profile that syncs: a new device id if this file is a copy or a restored backup,
    and the capture triggers as the merge rules now say (app/sync/capture.py). A profile that
    never set up sync (most) is told by one read, without loading the sync engine (some 20 ms
    of a launch)."""
    if database.read_only is not None or not _syncs(database.db_file):
        return
    from app.sync.capture import prepare_database

    prepare_database(database)


def _syncs(db_file: Path) -> bool:
    """Sync is on for this file (`sync_state` 'enabled' is '1', as app.sync.capture.enabled
    reads it); True when that cannot be read, so the sync engine decides."""
    conn = connect_raw(db_file, read_only=True)
    try:
        row = conn.execute("SELECT value FROM sync_state WHERE key = 'enabled'").fetchone()
    except sqlite3.Error:
        return True
    finally:
        conn.close()
    return row is not None and str(row[0]) == "1"


def _lock_unless_read_only(profile: Profile) -> ProfileLock:
    """The profile's lock, held; not held when its folder cannot be written (nobody can write
    there: the database then opens read-only, and every write says why)."""
    lock = ProfileLock(profile)
    try:
        return lock.acquire()
    except FolderNotWritable:
        if folder_writable(profile.folder):
            raise  # the folder can be written but the lock file cannot: never open unlocked
        return lock


@contextmanager
def open_locked(profile: Profile) -> Iterator[ProfileDatabase]:
    """A profile's database for one piece of an import's work, holding the profile's lock; made
    the usual way if the profile has no file yet. No password is checked here: the caller
    checked it (`unlock`), or writes the older app's own data into the profile made for its
    learner. Commands and the window open profiles with `open_profile`."""
    with ProfileLock(profile):
        database = ProfileDatabase.open(
            profile.db_file, profile.backups_dir, create=not profile.db_file.exists()
        )
        try:
            _prepare_sync(database)
            yield database
        finally:
            database.close()


def upgrade_profile(profile: Profile, *, password: str | None = None) -> UpgradeResult | None:
    """Bring a profile's file to this version's schema now (backed up first), holding its
    lock; None when it was up to date. Raises WrongPassword (a locked profile needs its
    password), UserError when there is no file yet, ProfileInUse, ProfileFileRefused (a damaged
    or newer file is left untouched)."""
    unlock(profile, password)
    if not profile.db_file.exists():
        raise UserError(f"The profile {profile.name!r} has no data file yet ({profile.db_file}).")
    with ProfileLock(profile):
        database = ProfileDatabase.open(profile.db_file, profile.backups_dir)
        database.close()
    return database.last_upgrade


def check_profile(profile: Profile, *, password: str | None = None) -> CheckReport:
    """`studydesk db check`: what SQLite finds in the profile's file, read-only (no lock taken,
    nothing written). Raises WrongPassword (a locked profile needs its password), UserError when
    there is no file yet, ProfileFileRefused for a file that is not a profile."""
    from app.db.check import check_database

    unlock(profile, password)
    if not profile.db_file.exists():
        raise UserError(f"The profile {profile.name!r} has no data file yet ({profile.db_file}).")
    return check_database(profile.db_file)
