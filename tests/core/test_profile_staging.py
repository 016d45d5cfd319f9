"""Profiles made out of sight: they appear whole or not at all, and leftovers are cleared."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from filelock import FileLock

from app.core.profile_staging import (
    ORPHAN_LOCK_AGE_S,
    clear_stale_staging,
    finish_staging,
    new_profile,
    staged_profile,
    staging_dir,
)
from app.core.profiles import ensure_data_dir, list_profiles
from app.paths import DataLocations, data_locations


@pytest.fixture
def locations(tmp_path: Path) -> DataLocations:
    found = data_locations(tmp_path / "data")
    ensure_data_dir(found)
    return found


def test_a_staged_profile_is_listed_only_once_it_is_moved_in(locations: DataLocations):
    profile = new_profile(locations, "Ana", legacy_user_id="u1", legacy_email="ana@example.com")
    with staged_profile(locations, profile) as building:
        (building.folder / "studydesk.sqlite3").write_bytes(b"complete")
        assert building.folder.parent == staging_dir(locations)
        assert list_profiles(locations) == []
    finish_staging(locations)
    (listed,) = list_profiles(locations)
    assert (listed.id, listed.name, listed.legacy_email) == (profile.id, "Ana", "ana@example.com")
    assert (listed.folder / "studydesk.sqlite3").read_bytes() == b"complete"
    assert not staging_dir(locations).exists()


def test_a_profile_whose_making_fails_leaves_nothing(locations: DataLocations):
    profile = new_profile(locations, "Ana")
    with pytest.raises(RuntimeError), staged_profile(locations, profile) as building:
        (building.folder / "studydesk.sqlite3").write_bytes(b"half")
        raise RuntimeError("disk full")
    finish_staging(locations)
    assert list_profiles(locations) == []
    assert not staging_dir(locations).exists()
    assert not profile.folder.exists()


def test_leftovers_of_a_killed_import_are_cleared_but_not_a_running_one(
    locations: DataLocations,
):
    staging = staging_dir(locations)
    staging.mkdir()
    (staging / "dead").mkdir()
    (staging / "dead" / "studydesk.sqlite3").write_bytes(b"half")
    (staging / "dead.lock").touch()  # its process is gone: nobody holds it
    (staging / "alive").mkdir()
    held = FileLock(staging / "alive.lock", is_singleton=False, thread_local=False)
    held.acquire()
    try:
        assert clear_stale_staging(locations) == [staging / "dead"]
        assert sorted(p.name for p in staging.iterdir()) == ["alive", "alive.lock"]
    finally:
        held.release()
    assert clear_stale_staging(locations) == [staging / "alive"]
    assert not staging.exists()


def test_a_lock_file_left_without_its_folder_is_removed_once_old(locations: DataLocations):
    """A kill after a profile moved into place but before its lock file was removed leaves the
    lock file alone. A young one is kept (a running import may have just made it and be about to
    take it); an old one goes with the next import's clearing, and the staging folder with it."""
    staging = staging_dir(locations)
    staging.mkdir()
    lone = staging / "moved-in.lock"
    lone.touch()
    assert clear_stale_staging(locations) == []
    assert lone.exists()
    old = time.time() - ORPHAN_LOCK_AGE_S - 60
    os.utime(lone, (old, old))
    clear_stale_staging(locations)
    assert not lone.exists() and not staging.exists()
