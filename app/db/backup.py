"""Verified backups of a profile file, their rotation, and restore.

A backup is made with SQLite's online backup API from a read-only connection (safe while the app is
open), written under a temporary name, checked with `PRAGMA integrity_check`, made owner-only and
only then renamed into place: a backup that exists is a good one. A disk that fills midway leaves
no partial file behind and says so.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.db.engine import connect_raw, create_file_owner_only
from app.db.inspect import check_header, inspect_profile_file, integrity_problems
from app.errors import ProfileFileRefused, UserError

_NAME = re.compile(r"^(\d{8}T\d{6}(?:\d{6})?Z)(?:-([a-z0-9-]+))?\.sqlite3$")
_STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: str
    size: int


@dataclass(frozen=True)
class RotationPolicy:
    """How many backups to keep: the newest `recent`, then one per day, week and month."""

    recent: int = 10
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def _open_destination(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _is_disk_full(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(error, sqlite3.Error) and "full" in str(error).lower()


def backup_file(
    db_file: Path, backups_dir: Path, reason: str, now: datetime | None = None
) -> BackupInfo:
    """Copy `db_file` into `backups_dir` and verify the copy.

    Raises UserError when the disk is full or the folder cannot be written; the profile itself is
    never changed.
    """
    taken_at = (now or datetime.now(UTC)).astimezone(UTC)
    slug = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "manual"
    final = backups_dir / f"{taken_at.strftime(_STAMP)}-{slug}.sqlite3"
    partial = backups_dir / f".{final.name}.partial"
    try:
        backups_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        source = connect_raw(db_file, read_only=True)
        try:
            target = _open_destination(partial)
            try:
                source.backup(target)
                # The copied header says WAL; a read-only open of a WAL file leaves -wal/-shm
                # files behind. A backup is one self-contained file, so switch it back.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        finally:
            source.close()
        os.chmod(partial, 0o600)
        problems = integrity_problems(partial)
        if problems:
            raise UserError(
                f"The backup of {db_file} failed its check ({problems[0]}); the profile may be "
                "damaged. Run `studydesk db check` and keep your older backups."
            )
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, final)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        if _is_disk_full(error):
            raise UserError(
                f"Could not back up {db_file.name}: the disk holding {backups_dir} is full. "
                "Free some space and try again; your profile is unchanged."
            ) from None
        raise UserError(
            f"Could not write a backup to {backups_dir} ({error}). Check that the folder can be "
            "written; your profile is unchanged."
        ) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupInfo(final, taken_at, slug, final.stat().st_size)


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """Backups in the folder, newest first; files that are not backups are ignored."""
    found: list[BackupInfo] = []
    if not backups_dir.is_dir():
        return found
    for path in backups_dir.iterdir():
        match = _NAME.match(path.name)
        if not match:
            continue
        stamp = match.group(1)
        fmt = _STAMP if len(stamp) > 16 else "%Y%m%dT%H%M%SZ"
        taken = datetime.strptime(stamp, fmt).replace(tzinfo=UTC)
        found.append(BackupInfo(path, taken, match.group(2) or "", path.stat().st_size))
    return sorted(found, key=lambda info: info.taken_at, reverse=True)


def backups_to_keep(
    times: list[datetime], now: datetime, policy: RotationPolicy = RotationPolicy()
) -> set[datetime]:
    """Which backup times survive rotation: the newest few, then the newest of each day, week
    and month within the policy's reach. Pure, so the rule is tested without files."""
    newest_first = sorted(times, reverse=True)
    keep = set(newest_first[: policy.recent])

    def newest_per(bucket_of: object, limit: int, reach: timedelta) -> None:
        seen: set[object] = set()
        for when in newest_first:
            if now - when > reach:
                break
            bucket = bucket_of(when)  # type: ignore[operator]
            if bucket not in seen:
                seen.add(bucket)
                keep.add(when)
            if len(seen) >= limit:
                break

    newest_per(lambda t: t.date(), policy.daily, timedelta(days=policy.daily))
    newest_per(lambda t: t.isocalendar()[:2], policy.weekly, timedelta(weeks=policy.weekly))
    newest_per(lambda t: (t.year, t.month), policy.monthly, timedelta(days=31 * policy.monthly))
    return keep


def rotate_backups(
    backups_dir: Path, now: datetime | None = None, policy: RotationPolicy = RotationPolicy()
) -> list[Path]:
    """Delete backups the policy does not keep; return what was deleted."""
    backups = list_backups(backups_dir)
    keep = backups_to_keep([b.taken_at for b in backups], now or datetime.now(UTC), policy)
    removed = []
    for backup in backups:
        if backup.taken_at not in keep:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def restore_backup(db_file: Path, backup: Path, backups_dir: Path) -> BackupInfo:
    """Replace the profile's data with a backup's, after backing up the current file.

    The backup is checked first (a Study Desk file, not newer than this build, passes
    integrity_check); the copy goes through SQLite's backup API, so it is all-or-nothing.
    Returns the safety backup of what was there before (a byte-for-byte copy if the profile file
    was damaged, an empty database if it was missing). The caller must hold the profile lock.
    """
    inspect_profile_file(backup)
    problems = integrity_problems(backup)
    if problems:
        raise UserError(f"The backup {backup} is damaged ({problems[0]}); choose another one.")
    # A missing or damaged profile file is exactly when a learner restores, so neither may block
    # it: a missing one starts empty, a damaged one is kept byte for byte (with its -wal, which
    # SQLite would otherwise delete beside an empty file) and then replaced by an empty one.
    if not db_file.exists():
        db_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        create_file_owner_only(db_file)
    if _readable(db_file):
        safety = backup_file(db_file, backups_dir, "before-restore")
    else:
        safety = _keep_as_is(db_file, backups_dir, "before-restore-damaged")
        _set_aside_wal(db_file, safety.path)
        db_file.unlink()
        create_file_owner_only(db_file)
    source = connect_raw(backup, read_only=True)
    try:
        target = connect_raw(db_file)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return safety


def _set_aside_wal(db_file: Path, keep_as: Path) -> None:
    """Move a non-empty -wal of `db_file` to `keep_as` + "-wal"; drop an empty one and the -shm."""
    wal = db_file.with_name(db_file.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        os.replace(wal, keep_as.with_name(keep_as.name + "-wal"))
    wal.unlink(missing_ok=True)
    db_file.with_name(db_file.name + "-shm").unlink(missing_ok=True)


def _readable(db_file: Path) -> bool:
    """True when SQLite can copy the file (an empty file is an empty database)."""
    if db_file.stat().st_size == 0:
        return True
    try:
        check_header(db_file)
    except ProfileFileRefused:
        return False
    return not integrity_problems(db_file, quick=True)


def _keep_as_is(db_file: Path, backups_dir: Path, reason: str) -> BackupInfo:
    """Copy a file SQLite cannot read byte for byte into the backups folder, for rescue tools."""
    taken_at = datetime.now(UTC)
    final = backups_dir / f"{taken_at.strftime(_STAMP)}-{reason}.sqlite3"
    partial = backups_dir / f".{final.name}.partial"
    try:
        backups_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        create_file_owner_only(partial)
        shutil.copyfile(db_file, partial)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, final)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise UserError(
            f"Could not keep a copy of {db_file} in {backups_dir} ({error.strerror}), so "
            "nothing was restored. Free some space or check the folder, then try again."
        ) from None
    return BackupInfo(final, taken_at, reason, final.stat().st_size)
