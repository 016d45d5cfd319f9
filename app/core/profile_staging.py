"""Profiles made by an import: built in a folder out of sight, then moved into place whole.

A new learner's folder is first `profiles/.importing/<id>/`. Its database is built there
(`app.db.fresh_file`) and its `profile.json` written; both are synced, then one rename makes it
`profiles/<id>/`. So a profile is listed only once its database is complete: a crash, a kill or
a cancel before the rename leaves no profile at all. `finish_staging` syncs the profiles folder
once after the last rename of an import; a power cut before that may undo renames, each whole
(the folder is then found in the staging area, and removed as a leftover).

While a folder is being built, its lock file beside it (`.importing/<id>.lock`) is held; the OS
releases it if the process dies. The next import removes what a killed run left (a folder whose
lock it can take), never the folder of an import that is still running. A lock file is created
and taken before its folder exists and deleted, still held, after the folder is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from app.atomic_file import sync_folder
from app.core.profiles import Profile, write_meta
from app.db.types import new_id
from app.paths import DataLocations

STAGING_NAME = ".importing"
LOCK_TIMEOUT_S = 5.0
# A lock file without its folder is left by a kill between the two removals; one this old is not
# one that a running import has just made and is about to take.
ORPHAN_LOCK_AGE_S = 600.0


def new_profile(
    locations: DataLocations,
    name: str,
    *,
    password_hash: str | None = None,
    legacy_user_id: str | None = None,
    legacy_email: str | None = None,
) -> Profile:
    """A profile not on disk yet; `name` must already be a free, valid profile name."""
    profile_id = new_id()
    return Profile(
        profile_id,
        name,
        locations.profile_dir(profile_id),
        datetime.now(UTC),
        password_hash=password_hash,
        legacy_user_id=legacy_user_id,
        legacy_email=legacy_email,
    )


def staging_dir(locations: DataLocations) -> Path:
    return locations.profiles_dir / STAGING_NAME


@contextmanager
def staged_profile(locations: DataLocations, profile: Profile) -> Iterator[Profile]:
    """`profile` with its folder out of sight, to be filled; moved into place on normal exit.

    Yields the profile as it is while being built (its folder in the staging area). On normal
    exit `profile.json` is written and the folder renamed to `profile.folder`; on an error the
    folder is removed and nothing appears.
    """
    staging = staging_dir(locations)
    lock = _lock(staging / f"{profile.id}.lock")
    for attempt in range(3):  # another import may remove the (empty) staging folder meanwhile
        try:
            staging.mkdir(mode=0o700, parents=True, exist_ok=True)
            lock.acquire(timeout=LOCK_TIMEOUT_S)  # its lock file keeps the folder there
            break
        except (FileNotFoundError, FileExistsError):
            if attempt == 2:
                raise
    folder = staging / profile.id
    try:
        folder.mkdir(mode=0o700)
        building = replace(profile, folder=folder)
        yield building
        write_meta(building)
        sync_folder(folder)
        if profile.folder.exists():  # an id is a fresh UUIDv7; this would be a bug
            raise FileExistsError(f"{profile.folder} exists already")
        os.rename(folder, profile.folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        _unlink_and_release(lock)


def finish_staging(locations: DataLocations) -> None:
    """After an import's last staged profile: make the renames durable, and remove the staging
    folder unless another import is building there."""
    sync_folder(locations.profiles_dir)
    remove_staging_if_empty(locations)


def remove_staging_if_empty(locations: DataLocations) -> None:
    with contextlib.suppress(OSError):  # not empty, or gone already
        staging_dir(locations).rmdir()


def clear_stale_staging(locations: DataLocations) -> list[Path]:
    """Remove what imports killed part way left in the staging area; returns the folders removed.

    A folder whose lock is held belongs to an import still running and is left alone.
    """
    staging = staging_dir(locations)
    if not staging.is_dir():
        return []
    removed = []
    for entry in sorted(staging.iterdir()):
        if entry.suffix == ".lock":
            if not entry.with_suffix("").exists() and _older_than(entry, ORPHAN_LOCK_AGE_S):
                _take_and_remove(entry, None)
            continue
        if _take_and_remove(staging / f"{entry.name}.lock", entry):
            removed.append(entry)
    remove_staging_if_empty(locations)
    return removed


def _lock(path: Path) -> FileLock:
    return FileLock(path, is_singleton=False, thread_local=False)


def _take_and_remove(lock_file: Path, entry: Path | None) -> bool:
    """Take the lock (never waiting), remove `entry` and the lock file; False if it is held."""
    lock = _lock(lock_file)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return False
    try:
        if entry is not None and entry.is_dir():
            shutil.rmtree(entry)
        elif entry is not None:
            entry.unlink(missing_ok=True)
    finally:
        _unlink_and_release(lock)
    return True


def _unlink_and_release(lock: FileLock) -> None:
    """Delete the lock file while still holding it, then let it go (the order matters: see the
    module docstring). Windows cannot delete a file that is open: there it goes after."""
    path = Path(lock.lock_file)
    holding = sys.platform != "win32"
    if holding:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    lock.release(force=True)
    if not holding:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except FileNotFoundError:
        return False
