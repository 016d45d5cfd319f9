"""Backups of a profile, made, described and put back, and the repair of a damaged one: the GUI's
File > Restore from Backup… and File > Repair Profile… (on the profile open in the window) and
the command line's `db backup`, `db restore` and `db repair` (on a profile that is closed).

A backup holds the profile's data and its media (`app.db.backup`). `restore` and `repair` need
the file closed and the lock held; an `OpenProfile` holds the lock, so `restore_open_profile`
and `repair_open_profile` close only its database, do their work, and reopen it (upgrading a
backup from an older version). Every restore first saves what the profile holds as a "before
restore" backup, and every import a "before import" one (`back_up_before_import`), so either can
be undone; a repair keeps the damaged file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from app.core.changes import Change
from app.core.opening import OpenProfile
from app.core.profile_lock import ProfileLock
from app.core.profiles import Profile, unlock
from app.core.progress import Progress
from app.db.backup import (
    BEFORE_IMPORT,
    BackupContents,
    BackupInfo,
    backup_file,
    describe_backup,
    list_backups,
    restore,
    rotate_backups,
)
from app.db.database import ProfileDatabase
from app.db.inspect import REPAIR_HINT, RESTORE_HINT, inspect_profile_file
from app.errors import FolderNotWritable, ProfileDamaged, ProfileFileRefused, UserError

if TYPE_CHECKING:  # checks and repairs load only when asked for
    from app.db.repair import RepairResult

T = TypeVar("T")

__all__ = [
    "BackupContents",
    "BackupInfo",
    "DescribedBackup",
    "RepairOutcome",
    "RestoreResult",
    "back_up_before_import",
    "back_up_profile",
    "describe_backups",
    "find_backup",
    "profile_backups",
    "repair_closed_profile",
    "repair_open_profile",
    "restore_open_profile",
    "restore_profile",
]


@dataclass(frozen=True)
class RestoreResult:
    """`safety`: what the profile held just before the restore; `media_restored` files put back
    into the media folder; `media_missing` the backup listed but the backups folder no longer
    holds whole (their images stay missing)."""

    backup: Path
    safety: BackupInfo
    media_restored: int = 0
    media_missing: tuple[str, ...] = ()
    changes: Change = Change.EVERYTHING

    @property
    def media_text(self) -> str:
        """What happened to the media, in the learner's words ("" when the backup had none)."""
        text = ""
        if self.media_restored:
            files = "file was" if self.media_restored == 1 else "files were"
            text = f"{self.media_restored:,} media {files} put back."
        if self.media_missing:
            missing = len(self.media_missing)
            files = "file it lists is" if missing == 1 else "files it lists are"
            text += (
                f"{' ' if text else ''}{missing:,} media {files} no longer in the backups folder, "
                "so the images that show them stay missing."
            )
        return text


def restore_open_profile(opened: OpenProfile, backup: Path) -> RestoreResult:
    """Replace the open profile's data and media with `backup`'s, keeping the lock.

    Run it where writes are serialised: no session may be open meanwhile. Works on a damaged
    profile (it is kept byte for byte first). Raises FolderNotWritable in a folder that cannot
    be written, UserError for a damaged or newer backup (the profile is then reopened unchanged)
    or ProfileFileRefused if the restored file cannot be upgraded.
    """
    if isinstance(opened.read_only, FolderNotWritable):
        opened.database.refuse_writes()
    media = opened.profile.media_dir
    restored = _reopened_after(
        opened, lambda db: restore(db.db_file, backup, db.backups_dir, media_dir=media)
    )
    opened.last_backup_at = restored.safety.taken_at
    return RestoreResult(backup, restored.safety, restored.media_restored, restored.media_missing)


def _reopened_after(opened: OpenProfile, work: Callable[[ProfileDatabase], T]) -> T:
    """Close the open profile's database, run `work` on the closed file, reopen it (also when
    `work` fails); the lock stays held throughout."""
    old = opened.database
    old.close()
    try:
        return work(old)
    finally:
        opened.database = ProfileDatabase.open(old.db_file, old.backups_dir)


def profile_backups(profile: Profile) -> list[BackupInfo]:
    """The profile's backups, newest first (what File > Restore offers)."""
    return list_backups(profile.backups_dir)


@dataclass(frozen=True)
class DescribedBackup:
    """A backup and what it holds; `contents` None with `problem` when that cannot be read."""

    info: BackupInfo
    contents: BackupContents | None
    problem: str = ""


def describe_backups(backups: list[BackupInfo]) -> list[DescribedBackup]:
    """What each backup holds and how big it is (its data, its media files), read from the
    lists beside the backups: a read, nothing is written. A backup whose list cannot be read is
    described by its problem."""
    described = []
    for info in backups:
        try:
            described.append(DescribedBackup(info, describe_backup(info.path)))
        except (UserError, OSError) as error:
            described.append(DescribedBackup(info, None, str(error)))
    return described


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
    """Replace the data and media of a profile that is not open here with `backup`'s. Raises
    WrongPassword (a locked profile needs its password), ProfileInUse while it is open
    elsewhere, FolderNotWritable, UserError for a damaged or newer backup; the profile is then
    as it was."""
    unlock(profile, password)
    with ProfileLock(profile):
        done = restore(profile.db_file, backup, profile.backups_dir, media_dir=profile.media_dir)
    return RestoreResult(backup, done.safety, done.media_restored, done.media_missing)


def back_up_profile(profile: Profile, *, password: str | None = None) -> BackupInfo:
    """A verified backup of a profile's file as committed now, then rotation of the older ones.
    Raises WrongPassword (a locked profile needs its password), UserError for a damaged file or
    one written by a newer Study Desk (a backup of it must never push good backups out)."""
    unlock(profile, password)
    inspect_profile_file(profile.db_file)
    info = backup_file(profile.db_file, profile.backups_dir, "manual")
    rotate_backups(profile.backups_dir)
    return info


def back_up_before_import(database: ProfileDatabase) -> BackupInfo | None:
    """The "before import" backup every import takes after opening the profile and before its
    first write, so an import can be undone with a restore. None for a profile this process has
    just made and nothing has been written into since (there is nothing to lose). Raises why
    the profile must not be written (ProfileDamaged, FolderNotWritable) before anything is."""
    database.refuse_writes()
    upgrade = database.last_upgrade
    made_now = upgrade is not None and upgrade.from_revision is None
    if made_now and not database.changed_since_backup:
        return None
    return database.backup(BEFORE_IMPORT)


@dataclass(frozen=True)
class RepairOutcome:
    """A repair's result; `repaired` None when SQLite found nothing to repair."""

    repaired: RepairResult | None
    changes: Change = Change.EVERYTHING

    @property
    def text(self) -> str:
        if self.repaired is None:
            return "SQLite found no damage in the profile; there was nothing to repair."
        return self.repaired.summary


def repair_open_profile(opened: OpenProfile, progress: Progress | None = None) -> RepairOutcome:
    """Repair the open profile's file (`app.db.repair`: every row SQLite can read goes into a new
    file; the damaged one is kept under `repairs/`), keeping the lock, and reopen it.

    Run it where writes are serialised. Takes seconds on a big profile. A profile SQLite finds
    sound is left alone (`repaired` None). Raises FolderNotWritable in a folder that cannot be
    written, UserError when the repair fails (the profile is then reopened as it was).
    """
    if isinstance(opened.read_only, FolderNotWritable):
        opened.database.refuse_writes()
    progress = progress or Progress()
    progress.set_message(f"Checking “{opened.profile.name}”")
    if not opened.database.damaged and not _needs_repair(opened.profile.db_file):
        return RepairOutcome(None, Change.NONE)
    progress.set_message(f"Repairing “{opened.profile.name}”")
    from app.db.repair import repair_profile

    repaired = _reopened_after(opened, lambda db: repair_profile(db.db_file))
    return RepairOutcome(repaired)


def repair_closed_profile(profile: Profile, *, password: str | None = None) -> RepairOutcome:
    """`studydesk db repair`: as `repair_open_profile`, for a profile that is not open here.
    Raises WrongPassword (a locked profile needs its password), ProfileInUse while it is open
    elsewhere, FolderNotWritable, UserError (no file yet, another program's file, the repair
    failed: the profile is then as it was)."""
    unlock(profile, password)
    if not profile.db_file.exists():
        raise UserError(f"The profile {profile.name!r} has no data file yet ({profile.db_file}).")
    from app.db.repair import repair_profile

    with ProfileLock(profile):
        if not _needs_repair(profile.db_file):
            return RepairOutcome(None, Change.NONE)
        return RepairOutcome(repair_profile(profile.db_file))


def _needs_repair(db_file: Path) -> bool:
    """SQLite finds damage or rows whose parent is gone (a file too damaged to check needs it
    too); another program's or a newer file is refused (ProfileFileRefused)."""
    from app.db.check import check_database

    try:
        report = check_database(db_file)
    except ProfileDamaged:
        return True
    return report.damaged or bool(report.foreign_keys)
