"""Backups: verified copies, rotation, a full disk, and restore."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from db_helpers import ProfileFile, add_learner_data, revision_of, rows, sha256
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

import app.db.backup as backup_module
from app.db.backup import (
    RotationPolicy,
    backup_file,
    backups_to_keep,
    describe_backup,
    list_backups,
    restore_backup,
    rotate_backups,
)
from app.db.backup_media import manifest_path
from app.db.database import ProfileDatabase
from app.db.inspect import integrity_problems
from app.db.models import ProfileSetting
from app.db.revisions import known_revisions
from app.errors import UserError

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def all_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    tables = ["alembic_version", "import_sources", "legacy_documents", "profile_settings"]
    return {table: rows(path, f"SELECT * FROM {table} ORDER BY 1") for table in tables}


def daily_goal(path: Path) -> object:
    return rows(path, "SELECT value FROM profile_settings WHERE key='daily_goal'")[0][0]


def test_a_backup_is_a_sound_copy_with_the_same_rows(filled_profile: ProfileFile):
    info = backup_file(filled_profile.db_file, filled_profile.backups_dir, "Manual backup")
    assert info.path.parent == filled_profile.backups_dir
    assert info.reason == "manual-backup"
    assert integrity_problems(info.path) == []
    assert all_rows(info.path) == all_rows(filled_profile.db_file)
    assert len(all_rows(info.path)["import_sources"]) == 50
    # One self-contained file: opening it read-only leaves no -wal/-shm beside it. Beside it
    # only the list of the media it holds (none here).
    names = sorted(p.name for p in filled_profile.backups_dir.iterdir())
    assert not [name for name in names if name.endswith(("-wal", "-shm", ".partial"))]
    visible = [name for name in names if not name.startswith(".")]
    assert visible == sorted([info.path.name, manifest_path(info.path).name])
    assert describe_backup(info.path).media_files == 0
    assert [b.path for b in list_backups(filled_profile.backups_dir)] == [info.path]


def test_a_backup_taken_while_the_profile_is_open_holds_every_committed_row(
    profile_file: ProfileFile,
):
    database = profile_file.open()
    try:
        add_learner_data(database, count=5)
        info = database.backup("manual")
    finally:
        database.close()
    assert len(rows(info.path, "SELECT * FROM import_sources")) == 5
    assert integrity_problems(info.path) == []


def backup_at(folder: Path, when: datetime) -> Path:
    path = folder / f"{when.strftime('%Y%m%dT%H%M%S%fZ')}-auto.sqlite3"
    path.write_bytes(b"")
    return path


def test_rotation_keeps_the_newest_and_one_per_day_week_and_month(tmp_path: Path):
    every_six_hours = [NOW - timedelta(hours=6 * n) for n in range(4 * 400)]
    for when in every_six_hours:
        backup_at(tmp_path, when)
    (tmp_path / "notes.txt").write_text("not a backup")

    removed = rotate_backups(tmp_path, NOW, zone=UTC)

    kept = {b.taken_at for b in list_backups(tmp_path)}
    assert len(removed) + len(kept) == len(every_six_hours)
    assert (tmp_path / "notes.txt").exists()
    policy = RotationPolicy()
    assert set(every_six_hours[: policy.recent]) <= kept
    for days_ago in range(policy.daily):
        day = NOW.date() - timedelta(days=days_ago)
        assert max(when for when in every_six_hours if when.date() == day) in kept, day
    # Weekly: the newest of each of the last 4 ISO weeks, reaching past the daily ones.
    assert any(timedelta(days=10) < NOW - when <= timedelta(weeks=4) for when in kept)
    # Monthly: the newest of each month, as far back as a year.
    assert any(timedelta(days=150) < NOW - when < timedelta(days=180) for when in kept)
    assert all(NOW - when <= timedelta(days=31 * policy.monthly) for when in kept)
    assert len(kept) <= policy.recent + policy.daily + policy.weekly + policy.monthly


times_before_now = st.lists(
    st.datetimes(
        min_value=(NOW - timedelta(days=800)).replace(tzinfo=None),
        max_value=NOW.replace(tzinfo=None),
        timezones=st.just(UTC),
    ),
    max_size=120,
)
policies = st.builds(
    RotationPolicy,
    recent=st.integers(1, 12),
    daily=st.integers(0, 10),
    weekly=st.integers(0, 6),
    monthly=st.integers(0, 14),
)


@settings(max_examples=200, deadline=None, database=None)
@given(times=times_before_now, policy=policies)
def test_rotation_never_keeps_too_many_and_always_keeps_the_newest(
    times: list[datetime], policy: RotationPolicy
):
    keep = backups_to_keep(times, NOW, policy, zone=UTC)
    assert keep <= set(times)
    assert len(keep) <= policy.recent + policy.daily + policy.weekly + policy.monthly
    if times:
        assert max(times) in keep
    # The newest backup of each of the most recent days that have backups survives.
    recent_days = sorted({t.date() for t in times}, reverse=True)[: policy.daily]
    for day in recent_days:
        assert max(t for t in times if t.date() == day) in keep


def tiny_disk(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA max_page_count=3")
    return conn


def test_a_full_disk_leaves_no_partial_backup_and_the_profile_unchanged(
    filled_profile: ProfileFile, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(backup_module, "_open_destination", tiny_disk)
    before = sha256(filled_profile.db_file)

    with pytest.raises(UserError, match="full") as failed:
        backup_file(filled_profile.db_file, filled_profile.backups_dir, "manual")

    assert filled_profile.db_file.name in str(failed.value)
    assert list(filled_profile.backups_dir.iterdir()) == []
    assert sha256(filled_profile.db_file) == before


def test_a_failed_backup_is_tried_again_later(
    profile_file: ProfileFile, monkeypatch: pytest.MonkeyPatch
):
    database = profile_file.open()
    try:
        add_learner_data(database)
        assert database.changed_since_backup
        monkeypatch.setattr(backup_module, "_open_destination", tiny_disk)
        with pytest.raises(UserError, match="full"):
            database.backup("auto")
        assert database.changed_since_backup
    finally:
        database.close()


def test_restore_brings_the_old_data_back_and_keeps_what_was_there(filled_profile: ProfileFile):
    old = backup_file(filled_profile.db_file, filled_profile.backups_dir, "manual")
    database = ProfileDatabase.open(filled_profile.db_file, filled_profile.backups_dir)
    with database.write_session() as session:
        setting = session.get(ProfileSetting, "daily_goal")
        assert setting is not None
        setting.value = {"cards": 5}
    database.close()

    safety = restore_backup(filled_profile.db_file, old.path, filled_profile.backups_dir)

    assert daily_goal(filled_profile.db_file) == '{"cards": 40}'
    assert "before-restore" in safety.path.name
    assert daily_goal(safety.path) == '{"cards": 5}'
    assert integrity_problems(filled_profile.db_file) == []
    database = ProfileDatabase.open(filled_profile.db_file, filled_profile.backups_dir)
    try:
        with database.read_session() as session:
            setting = session.get(ProfileSetting, "daily_goal")
            assert setting is not None
            assert setting.value == {"cards": 40}
            assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        database.close()


@pytest.mark.parametrize("damage", ["missing", "empty", "cut in half", "random bytes"])
def test_a_backup_restores_over_a_missing_or_damaged_profile(
    filled_profile: ProfileFile, damage: str
):
    """The learner restores precisely because the profile file is gone or broken."""
    good = backup_file(filled_profile.db_file, filled_profile.backups_dir, "manual").path
    profile = filled_profile.db_file
    original = profile.read_bytes()
    if damage == "missing":
        profile.unlink()
    elif damage == "empty":
        profile.write_bytes(b"")
    elif damage == "cut in half":
        profile.write_bytes(original[: len(original) // 2])
    else:
        profile.write_bytes(b"\x13garbage" * 4096)
    damaged = profile.read_bytes() if profile.exists() else None

    safety = restore_backup(profile, good, filled_profile.backups_dir)

    assert all_rows(profile) == all_rows(good)
    assert integrity_problems(profile) == []
    if damaged:  # what was there is kept as it was, for rescue tools
        assert safety.path.read_bytes() == damaged
    database = ProfileDatabase.open(profile, filled_profile.backups_dir)
    database.close()
    assert daily_goal(profile) == '{"cards": 40}'


def test_a_damaged_profiles_wal_is_kept_with_its_copy(filled_profile: ProfileFile):
    good = backup_file(filled_profile.db_file, filled_profile.backups_dir, "manual").path
    profile = filled_profile.db_file
    profile.write_bytes(profile.read_bytes()[:8192])
    wal = Path(f"{profile}-wal")
    wal.write_bytes(b"the last changes, maybe rescuable")

    safety = restore_backup(profile, good, filled_profile.backups_dir)

    assert "damaged" in safety.path.name
    assert Path(f"{safety.path}-wal").read_bytes() == b"the last changes, maybe rescuable"
    assert not wal.exists() or wal.stat().st_size == 0
    assert all_rows(profile) == all_rows(good)


@pytest.mark.parametrize("damage", ["cut in half", "newer", "random bytes", "scribbled page"])
def test_restoring_a_bad_backup_is_refused_and_the_profile_untouched(
    filled_profile: ProfileFile, damage: str
):
    bad = backup_file(filled_profile.db_file, filled_profile.backups_dir, "manual").path
    if damage == "cut in half":
        bad.write_bytes(bad.read_bytes()[: bad.stat().st_size // 2])
    elif damage == "newer":
        conn = sqlite3.connect(bad)
        conn.execute("UPDATE alembic_version SET version_num='9999'")
        conn.commit()
        conn.close()
    elif damage == "random bytes":
        bad.write_bytes(b"\x00garbage" * 4096)
    else:
        with bad.open("r+b") as handle:  # header intact, one table page overwritten
            handle.seek(4 * 4096 + 8)
            handle.write(b"\xff" * 2000)
    before = sha256(filled_profile.db_file)

    with pytest.raises(UserError) as refused:
        restore_backup(filled_profile.db_file, bad, filled_profile.backups_dir)

    assert str(bad) in str(refused.value)
    assert "\n" not in str(refused.value)  # one sentence for a dialog, not SQLite's whole report
    assert sha256(filled_profile.db_file) == before
    assert [b.path for b in list_backups(filled_profile.backups_dir)] == [bad]
    assert revision_of(filled_profile.db_file) == known_revisions().head


def test_folders_with_unusual_characters_work(tmp_path: Path):
    folder = tmp_path / "José #2 ?50% [notes]"
    profile = ProfileFile(folder / "studydesk.sqlite3", folder / "backups")
    database = profile.open()
    try:
        add_learner_data(database, count=3)
        info = database.backup("manual")
    finally:
        database.close()
    assert info.path.parent == folder / "backups"
    assert len(rows(info.path, "SELECT * FROM import_sources")) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name]
