"""Verified backups of a profile (its database and its media), their rotation, and restore.

A backup's database is made with SQLite's online backup API from a read-only connection (safe
while the app is open), written under a temporary name, checked with `PRAGMA integrity_check`,
made owner-only and only then renamed into place: a backup that exists is a good one. Its media
(`<profile>/media/`) go into the shared store of `app.db.backup_media`, with a list beside the
backup; the list is written before the database is renamed into place. A disk that fills midway
leaves no partial file behind and says so. Which backups rotation keeps: `app.db.backup_rotation`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from app.db.backup_media import (
    MANIFEST_SUFFIX,
    MediaFile,
    StagedMedia,
    backup_of_manifest,
    discard_staged,
    manifest_path,
    place_staged,
    prune_store,
    read_manifest,
    snapshot_media,
    stage_media,
    store_dir,
    store_lock,
    write_manifest,
)
from app.db.backup_rotation import DEFAULT_POLICY, RotationPolicy, backups_to_keep
from app.db.engine import connect_raw, create_file_owner_only, folder_writable, side_file
from app.db.inspect import check_header, inspect_profile_file, integrity_problems
from app.db.open_check import forget
from app.errors import FolderNotWritable, ProfileFileRefused, UserError

__all__ = [
    "BEFORE_IMPORT",
    "BEFORE_RESTORE",
    "BackupContents",
    "BackupInfo",
    "Restored",
    "RotationPolicy",
    "backup_file",
    "backups_to_keep",
    "describe_backup",
    "list_backups",
    "restore",
    "restore_backup",
    "rotate_backups",
]

_NAME = re.compile(r"^(\d{8}T\d{6}(?:\d{6})?Z)(?:-([a-z0-9-]+))?\.sqlite3$")
_STAMP = "%Y%m%dT%H%M%S%fZ"
MEDIA_DIR_NAME = "media"
# Reasons of the safety copies taken before a profile is changed wholesale; see
# `app.db.backup_rotation` for how they are kept apart from the learner's own backups.
BEFORE_IMPORT = "before-import"
BEFORE_RESTORE = "before-restore"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: str
    size: int  # of the database file alone; see `describe_backup` for the media


@dataclass(frozen=True)
class BackupContents:
    """What a backup holds, for the restore dialog. `media_files` is None for a backup taken
    before backups carried media (restoring it leaves the media folder as it is)."""

    info: BackupInfo
    media_files: int | None
    media_bytes: int
    missing_media: int  # listed files the store no longer holds

    @property
    def total_bytes(self) -> int:
        return self.info.size + self.media_bytes

    @property
    def summary(self) -> str:
        """E.g. "the data (12.3 MB) and 140 media files (48.2 MB)"."""
        data = f"the data ({_size(self.info.size)})"
        if self.media_files is None:
            return f"{data}; no media (taken before backups included them)"
        if self.media_files == 0:
            return f"{data}; no media files"
        text = f"{data} and {self.media_files:,} media files ({_size(self.media_bytes)})"
        if self.missing_media:
            text += f", {self.missing_media:,} of them missing from the backups folder"
        return text


@dataclass(frozen=True)
class Restored:
    """A restore's outcome: `safety` is the backup of what the profile held just before;
    `media_restored` files were put back into the media folder; `media_missing` the backup
    listed but the backups folder no longer holds whole."""

    safety: BackupInfo
    media_restored: int = 0
    media_missing: tuple[str, ...] = ()


def _size(count: int) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("kB", 2**10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def _open_destination(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _is_disk_full(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(error, sqlite3.Error) and "full" in str(error).lower()


def _media_dir_of(db_file: Path, media_dir: Path | None) -> Path:
    return media_dir if media_dir is not None else db_file.parent / MEDIA_DIR_NAME


def backup_file(
    db_file: Path,
    backups_dir: Path,
    reason: str,
    now: datetime | None = None,
    *,
    media_dir: Path | None = None,
) -> BackupInfo:
    """Copy `db_file` and its media (`media_dir`, by default `media/` beside it) into
    `backups_dir` and verify the copy.

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
        with store_lock(backups_dir):
            files = snapshot_media(_media_dir_of(db_file, media_dir), backups_dir)
            write_manifest(manifest_path(final), files)
            os.replace(partial, final)
    except (OSError, sqlite3.Error) as error:
        _discard(partial)
        if _is_disk_full(error):
            raise UserError(
                f"Could not back up {db_file.name}: the disk holding {backups_dir} is full. "
                "Free some space and try again; your profile is unchanged."
            ) from None
        if _is_not_writable(error, backups_dir):
            raise FolderNotWritable(backups_dir, _reason(error)) from None
        raise UserError(
            f"Could not write a backup to {backups_dir} ({error}). Check that the folder can be "
            "written; your profile is unchanged."
        ) from None
    except BaseException:
        _discard(partial)
        raise
    return BackupInfo(final, taken_at, slug, final.stat().st_size)


def _discard(partial: Path) -> None:
    with contextlib.suppress(OSError):  # in a read-only folder there is nothing to remove
        partial.unlink(missing_ok=True)


def _is_not_writable(error: BaseException, folder: Path) -> bool:
    if isinstance(error, OSError):
        return error.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
    return not folder_writable(folder if folder.is_dir() else folder.parent)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return "the folder is read-only"


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """Backups in the folder, newest first; files that are not backups are ignored."""
    found: list[BackupInfo] = []
    if not backups_dir.is_dir():
        return found
    for path in backups_dir.iterdir():
        match = _NAME.match(path.name)
        if not match:
            continue
        found.append(_info(path, match))
    return sorted(found, key=lambda info: info.taken_at, reverse=True)


def _info(path: Path, match: re.Match[str]) -> BackupInfo:
    stamp = match.group(1)
    fmt = _STAMP if len(stamp) > 16 else "%Y%m%dT%H%M%SZ"
    taken = datetime.strptime(stamp, fmt).replace(tzinfo=UTC)
    return BackupInfo(path, taken, match.group(2) or "", path.stat().st_size)


def describe_backup(backup: Path) -> BackupContents:
    """What a backup holds and how big it is (its database, and the media files it lists).
    Reads only the list and the store's file sizes; raises UserError for a list that cannot be
    read."""
    match = _NAME.match(backup.name)
    if match:
        info = _info(backup, match)
    else:  # a backup file given by path, renamed or copied from elsewhere
        stat = backup.stat()
        info = BackupInfo(backup, datetime.fromtimestamp(stat.st_mtime, UTC), "", stat.st_size)
    try:
        files = read_manifest(backup)
    except ValueError as error:
        raise UserError(f"The list of media files of {backup.name} is damaged: {error}") from None
    if files is None:
        return BackupContents(info, None, 0, 0)
    store = store_dir(backup.parent)
    missing = sum(1 for f in files if not (store / f.sha256).is_file())
    return BackupContents(info, len(files), sum(f.size for f in files), missing)


def rotate_backups(
    backups_dir: Path,
    now: datetime | None = None,
    policy: RotationPolicy = DEFAULT_POLICY,
    *,
    zone: tzinfo | None = None,
) -> list[Path]:
    """Delete backups the policy does not keep (with their media lists), then stored media no
    remaining backup lists; return the backups deleted."""
    backups = list_backups(backups_dir)
    keep = backups_to_keep(
        [b.taken_at for b in backups],
        now or datetime.now(UTC),
        policy,
        reasons=[b.reason for b in backups],
        zone=zone,
    )
    removed = []
    with store_lock(backups_dir):
        for backup in backups:
            if backup.taken_at not in keep:
                backup.path.unlink(missing_ok=True)
                manifest_path(backup.path).unlink(missing_ok=True)
                removed.append(backup.path)
        for listed in backups_dir.glob(f"*{MANIFEST_SUFFIX}"):
            if not backup_of_manifest(listed).exists():
                listed.unlink()  # the list of a backup that never finished
        prune_store(backups_dir)
    return removed


def restore_backup(
    db_file: Path, backup: Path, backups_dir: Path, *, media_dir: Path | None = None
) -> BackupInfo:
    """`restore`, returning only the safety backup of what was there before."""
    return restore(db_file, backup, backups_dir, media_dir=media_dir).safety


def restore(
    db_file: Path, backup: Path, backups_dir: Path, *, media_dir: Path | None = None
) -> Restored:
    """Replace the profile's data and media with a backup's, after backing up both as they are.

    The backup is checked first (a Study Desk file, not newer than this build, passes
    integrity_check); the database is copied through SQLite's backup API, so it is
    all-or-nothing. Media files the backup lists are put back where missing or different,
    each checked against its sha256; no media file is ever deleted (one the restored data does
    not use stays, and the safety backup holds any file that was replaced). Returns the safety
    backup (a byte-for-byte copy if the profile file was damaged, an empty database if it was
    missing) and what happened to the media. The caller must hold the profile lock.
    """
    inspect_profile_file(backup)
    problems = integrity_problems(backup)
    if problems:
        raise UserError(f"The backup {backup} is damaged ({problems[0]}); choose another one.")
    try:
        listed = read_manifest(backup)
    except ValueError as error:
        raise UserError(f"The backup {backup} cannot be used: {error}") from None
    media = _media_dir_of(db_file, media_dir)
    # A missing or damaged profile file is exactly when a learner restores, so neither may block
    # it: a missing one starts empty, a damaged one is kept byte for byte (with its -wal, which
    # SQLite would otherwise delete beside an empty file) and then replaced by an empty one.
    if not db_file.exists():
        db_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        create_file_owner_only(db_file)
    readable = _readable(db_file)
    if readable:
        safety = backup_file(db_file, backups_dir, BEFORE_RESTORE, media_dir=media)
    else:
        safety = _keep_as_is(db_file, backups_dir, f"{BEFORE_RESTORE}-damaged", media)
    staged = _stage(listed or [], backup.parent, media)  # nothing changed yet if this fails
    try:
        forget(db_file)
        if not readable:
            _set_aside_wal(db_file, safety.path)
            db_file.unlink()
            create_file_owner_only(db_file)
        source = connect_raw(backup, read_only=True)
        try:
            target = connect_raw(db_file)
            try:
                source.backup(target)
                _new_sync_device(target)
            finally:
                target.close()
        finally:
            source.close()
        if staged is not None:
            place_staged(staged, media)
    finally:
        if staged is not None:
            discard_staged(staged)
    if staged is None:
        return Restored(safety)
    return Restored(safety, len(staged.names), staged.missing)


def _new_sync_device(conn: sqlite3.Connection) -> None:
    """A restored profile is a new sync device (SYNC.md): the file it was restored over went on
    syncing under the old device id, and what it sent after the backup must come back to this
    one as another device's. Restored in place (same path and inode) nothing else tells, so
    its sync state forgets which file it was (app.sync.capture: a new id at the next open)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sync_state'").fetchone():
        conn.execute("DELETE FROM sync_state WHERE key = 'file_identity'")


def _stage(files: list[MediaFile], backups_dir: Path, media: Path) -> StagedMedia | None:
    if not files:
        return None
    try:
        return stage_media(files, backups_dir, media)
    except OSError as error:
        raise UserError(
            f"Could not copy the backup's media into {media} ({error.strerror}); nothing was "
            "restored. Free some space or check the folder, then try again."
        ) from None


def _set_aside_wal(db_file: Path, keep_as: Path) -> None:
    """Move a non-empty -wal of `db_file` to `keep_as` + "-wal"; drop an empty one and the -shm."""
    wal = side_file(db_file, "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        os.replace(wal, side_file(keep_as, "-wal"))
    wal.unlink(missing_ok=True)
    side_file(db_file, "-shm").unlink(missing_ok=True)


def _readable(db_file: Path) -> bool:
    """True when SQLite can copy the file (an empty file is an empty database)."""
    if db_file.stat().st_size == 0:
        return True
    try:
        check_header(db_file)
    except ProfileFileRefused:
        return False
    return not integrity_problems(db_file, quick=True)


def _keep_as_is(db_file: Path, backups_dir: Path, reason: str, media: Path) -> BackupInfo:
    """Copy a file SQLite cannot read byte for byte into the backups folder, for rescue tools,
    with its media like any backup."""
    taken_at = datetime.now(UTC)
    final = backups_dir / f"{taken_at.strftime(_STAMP)}-{reason}.sqlite3"
    partial = backups_dir / f".{final.name}.partial"
    try:
        backups_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        create_file_owner_only(partial)
        shutil.copyfile(db_file, partial)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        with store_lock(backups_dir):
            write_manifest(manifest_path(final), snapshot_media(media, backups_dir))
            os.replace(partial, final)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise UserError(
            f"Could not keep a copy of {db_file} in {backups_dir} ({error.strerror}), so "
            "nothing was restored. Free some space or check the folder, then try again."
        ) from None
    return BackupInfo(final, taken_at, reason, final.stat().st_size)
