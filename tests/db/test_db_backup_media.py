"""Backups carry the profile's media: each file stored once, each backup listing what it needs;
a restore puts the database and its media back together and never deletes a media file."""

from __future__ import annotations

import errno
import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from db_helpers import ProfileFile, rows

import app.db.backup_media as backup_media
from app.db.backup import (
    BEFORE_RESTORE,
    backup_file,
    describe_backup,
    list_backups,
    restore,
    restore_backup,
    rotate_backups,
)
from app.db.backup_media import manifest_path, store_dir
from app.db.database import ProfileDatabase
from app.db.models import ProfileSetting
from app.errors import UserError

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


def image(seed: str, size: int = 5000) -> bytes:
    body = hashlib.sha256(seed.encode()).digest() * (size // 32)
    return PNG + body


def put_media(media: Path, name: str, data: bytes) -> Path:
    path = media / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def stored_name(data: bytes) -> str:
    return f"{hashlib.sha256(data).hexdigest()}.png"


@pytest.fixture
def media(filled_profile: ProfileFile) -> Path:
    """The profile's media folder with two card images and a thumbnail in a subfolder."""
    folder = filled_profile.db_file.parent / "media"
    for seed in ("heart", "lung"):
        put_media(folder, stored_name(image(seed)), image(seed))
    put_media(folder, "thumbnails/lesson-1.png", image("thumb", 800))
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_a_restore_brings_back_the_images_the_backup_holds(
    filled_profile: ProfileFile, media: Path
):
    before = snapshot(media)
    info = backup_file(filled_profile.db_file, filled_profile.backups_dir, "manual", NOW)
    contents = describe_backup(info.path)
    assert contents.media_files == 3
    assert contents.media_bytes == sum(len(data) for data in before.values())
    assert contents.total_bytes == info.size + contents.media_bytes
    assert "3 media files" in contents.summary
    # The learner loses images: one deleted, the thumbnail overwritten, a folder gone.
    (media / stored_name(image("heart"))).unlink()
    put_media(media, "thumbnails/lesson-1.png", image("something else", 900))
    added_later = put_media(media, stored_name(image("kidney")), image("kidney"))

    result = restore(filled_profile.db_file, info.path, filled_profile.backups_dir)

    after = snapshot(media)
    assert {name: after[name] for name in before} == before
    assert result.media_restored == 2
    assert result.media_missing == ()
    # Nothing is deleted: the image added after the backup is still there...
    assert added_later.read_bytes() == image("kidney")
    # ...and what was replaced is in the backup taken before the restore.
    safety = describe_backup(result.safety.path)
    assert result.safety.reason == BEFORE_RESTORE
    assert safety.media_files == 3  # lung, the overwritten thumbnail, kidney
    replaced = hashlib.sha256(image("something else", 900)).hexdigest()
    assert (store_dir(filled_profile.backups_dir) / replaced).is_file()
    assert not list(media.glob(".restoring-*"))


def test_each_image_is_stored_once_and_read_once(
    filled_profile: ProfileFile, media: Path, monkeypatch: pytest.MonkeyPatch
):
    copies: list[Path] = []
    real = backup_media._store_copy

    def counted(path: Path, store: Path) -> str:
        copies.append(path)
        return real(path, store)

    monkeypatch.setattr(backup_media, "_store_copy", counted)
    for minutes in range(3):
        moment = NOW + timedelta(minutes=minutes)
        backup_file(filled_profile.db_file, filled_profile.backups_dir, "auto", moment)
    assert len(copies) == 3  # the first backup reads each file; the others only look at them
    stored = [p for p in store_dir(filled_profile.backups_dir).iterdir()]
    assert len(stored) == 3
    assert all(
        describe_backup(b.path).media_files == 3 for b in list_backups(filled_profile.backups_dir)
    )


def test_rotation_drops_stored_files_no_backup_needs(filled_profile: ProfileFile, media: Path):
    old = backup_file(filled_profile.db_file, filled_profile.backups_dir, "manual", NOW)
    gone = media / stored_name(image("lung"))
    gone.unlink()
    for minutes in range(1, 11):
        moment = NOW + timedelta(minutes=minutes)
        backup_file(filled_profile.db_file, filled_profile.backups_dir, "manual", moment)

    removed = rotate_backups(filled_profile.backups_dir, NOW + timedelta(minutes=20), zone=UTC)

    assert removed == [old.path]
    assert not manifest_path(old.path).exists()
    names = {p.name for p in store_dir(filled_profile.backups_dir).iterdir()}
    assert hashlib.sha256(image("lung")).hexdigest() not in names
    assert hashlib.sha256(image("heart")).hexdigest() in names
    assert len(names) == 2


def test_a_stored_file_that_is_gone_is_said_and_the_rest_restored(
    filled_profile: ProfileFile, media: Path
):
    info = backup_file(filled_profile.db_file, filled_profile.backups_dir, "manual", NOW)
    lost = image("heart")
    (store_dir(filled_profile.backups_dir) / hashlib.sha256(lost).hexdigest()).unlink()
    for path in list(media.rglob("*.png")):
        path.unlink()
    assert describe_backup(info.path).missing_media == 1

    result = restore(filled_profile.db_file, info.path, filled_profile.backups_dir)

    assert result.media_missing == (stored_name(lost),)
    assert result.media_restored == 2
    assert (media / stored_name(image("lung"))).read_bytes() == image("lung")


def test_a_backup_from_before_media_leaves_the_media_alone(
    filled_profile: ProfileFile, media: Path
):
    info = backup_file(filled_profile.db_file, filled_profile.backups_dir, "manual", NOW)
    manifest_path(info.path).unlink()  # as every backup taken before this version
    before = snapshot(media)
    assert describe_backup(info.path).media_files is None
    assert "no media" in describe_backup(info.path).summary

    restore_backup(filled_profile.db_file, info.path, filled_profile.backups_dir)

    assert snapshot(media) == before


def test_a_full_disk_while_copying_media_leaves_no_backup(
    filled_profile: ProfileFile, media: Path, monkeypatch: pytest.MonkeyPatch
):
    def full(path: Path, store: Path) -> str:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(backup_media, "_store_copy", full)
    with pytest.raises(UserError, match="full"):
        backup_file(filled_profile.db_file, filled_profile.backups_dir, "manual", NOW)
    assert list_backups(filled_profile.backups_dir) == []
    leftovers = [p.name for p in filled_profile.backups_dir.iterdir() if p.is_file()]
    assert [name for name in leftovers if not name.startswith(".media.lock")] == []


def test_the_profiles_own_backup_holds_its_media(filled_profile: ProfileFile, media: Path):
    """`ProfileDatabase.backup` (the window's and the importers' door) takes the media too."""
    database = ProfileDatabase.open(filled_profile.db_file, filled_profile.backups_dir)
    try:
        with database.write_session() as session:
            session.add(ProfileSetting(key="theme", value="dark"))
        info = database.backup("on-close")
    finally:
        database.close()
    assert describe_backup(info.path).media_files == 3
    assert rows(info.path, "SELECT value FROM profile_settings WHERE key='theme'") == [('"dark"',)]
