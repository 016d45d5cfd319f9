"""Files Study Desk must refuse to open: each is left byte-for-byte as it was, and the message
names the file so the learner knows which one to restore."""

from __future__ import annotations

import os
import pathlib
import sqlite3
from pathlib import Path

import pytest
from db_helpers import ProfileFile, sha256

from app.db.database import ProfileDatabase
from app.db.engine import APPLICATION_ID
from app.errors import ProfileFileRefused


def refuse(profile: ProfileFile) -> str:
    """Open the file, expect a refusal that left it untouched, return the message."""
    before = sha256(profile.db_file)
    with pytest.raises(ProfileFileRefused) as refused:
        ProfileDatabase.open(profile.db_file, profile.backups_dir, create=True)
    assert sha256(profile.db_file) == before
    assert str(profile.db_file) in str(refused.value)
    # Refusing is not an upgrade: nothing was backed up.
    assert not profile.backups_dir.exists() or not any(profile.backups_dir.iterdir())
    return str(refused.value)


@pytest.fixture
def bad_file(profile_file: ProfileFile) -> ProfileFile:
    profile_file.db_file.parent.mkdir(parents=True)
    return profile_file


def test_an_empty_file_is_refused(bad_file: ProfileFile):
    bad_file.db_file.write_bytes(b"")
    assert "empty" in refuse(bad_file)


def test_a_file_cut_in_half_is_refused(filled_profile: ProfileFile):
    data = filled_profile.db_file.read_bytes()
    assert len(data) > 8 * 4096, "the profile must span many pages for this test to mean much"
    filled_profile.db_file.write_bytes(data[: len(data) // 2])
    assert "damaged" in refuse(filled_profile)


def test_random_bytes_are_refused(bad_file: ProfileFile):
    bad_file.db_file.write_bytes(os.urandom(64 * 1024))
    assert "not an SQLite database" in refuse(bad_file)


def test_another_programs_database_is_refused(bad_file: ProfileFile):
    conn = sqlite3.connect(bad_file.db_file)
    conn.execute("CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO moz_bookmarks (title) VALUES ('news')")
    conn.commit()
    conn.close()
    assert "another program" in refuse(bad_file)


def test_a_database_with_another_application_id_is_refused(bad_file: ProfileFile):
    conn = sqlite3.connect(bad_file.db_file)
    conn.execute("PRAGMA application_id=1234")
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    conn.commit()
    conn.close()
    assert "another program" in refuse(bad_file)


def test_a_file_from_a_newer_study_desk_is_refused(filled_profile: ProfileFile):
    conn = sqlite3.connect(filled_profile.db_file)
    conn.execute("UPDATE alembic_version SET version_num='9999'")
    conn.commit()
    conn.close()
    assert sqlite3.connect(filled_profile.db_file).execute("PRAGMA application_id").fetchone() == (
        APPLICATION_ID,
    )
    message = refuse(filled_profile)
    assert "newer version" in message
    assert "9999" in message


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root reads files whatever their mode; see the simulated test below",
)
def test_an_unreadable_file_is_refused(filled_profile: ProfileFile):
    filled_profile.db_file.chmod(0o000)
    try:
        with pytest.raises(ProfileFileRefused, match="not allowed to read"):
            ProfileDatabase.open(filled_profile.db_file, filled_profile.backups_dir)
    finally:
        filled_profile.db_file.chmod(0o600)


def test_an_unreadable_file_is_refused_simulated(
    filled_profile: ProfileFile, monkeypatch: pytest.MonkeyPatch
):
    """The operating system says "permission denied" (simulated: tests may run as root)."""
    real_open = pathlib.Path.open
    target = filled_profile.db_file

    def denied(self: Path, *args: object, **kwargs: object) -> object:
        if self == target:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pathlib.Path, "open", denied)
    message = refuse(filled_profile)
    assert "not allowed to read" in message
