"""A profile in a folder that cannot be written (a read-only disk, a locked SD card, a folder
without write permission): reading works, and every write says which folder in one sentence."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from damage import copy_with_side_files
from db_helpers import ProfileFile, sha256

from app.db.backup import backup_file
from app.db.check import check_database
from app.db.database import ProfileDatabase
from app.db.inspect import inspect_profile_file
from app.db.models import ImportSource, ProfileSetting
from app.errors import FolderNotWritable, UserError


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make `folder` read-only: a read-only bind mount over it when running as root (root
    writes whatever the permissions), else permissions."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], check=False)
        if mounted.returncode != 0:
            pytest.skip("running as root without permission to mount")
        try:
            subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
            yield
        finally:
            subprocess.run(["umount", str(folder)], check=True)
        return
    modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
    for path in modes:
        path.chmod(0o500 if path.is_dir() else 0o400)
    try:
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_checking_and_inspecting_a_profile_work(filled_profile: ProfileFile):
    folder = filled_profile.db_file.parent
    before = names_in(folder)
    with read_only(folder):
        assert inspect_profile_file(filled_profile.db_file).revision is not None
        report = check_database(filled_profile.db_file)
        assert report.healthy, report.as_json()
        assert report.tables["import_sources"] == 50
    assert names_in(folder) == before


def test_a_profile_left_with_its_wal_is_read_with_its_last_changes(
    filled_profile: ProfileFile, tmp_path: Path
):
    """Not closed (a crash), and the disk then mounted read-only: the -wal has no -shm."""
    database = ProfileDatabase.open(filled_profile.db_file, filled_profile.backups_dir)
    with database.write_session() as session:
        for number in range(7):
            session.add(ImportSource(kind="csv", path=f"new-{number}", size=1, sha256="0" * 64))
    crashed = tmp_path / "crashed" / "studydesk.sqlite3"
    copy_with_side_files(filled_profile.db_file, crashed)
    database.close()
    assert crashed.with_name(crashed.name + "-wal").stat().st_size > 0
    with read_only(crashed.parent):
        report = check_database(crashed)
        assert report.healthy, report.as_json()
        assert report.tables["import_sources"] == 57
        with pytest.raises(UserError, match=f"cannot write in {crashed.parent}"):
            ProfileDatabase.open(crashed, crashed.parent / "backups")


def test_the_profile_opens_for_reading_and_refuses_writes_in_one_sentence(
    filled_profile: ProfileFile,
):
    folder = filled_profile.db_file.parent
    before = sha256(filled_profile.db_file)
    with read_only(folder):
        database = ProfileDatabase.open(filled_profile.db_file, filled_profile.backups_dir)
        try:
            assert isinstance(database.read_only, FolderNotWritable)
            with database.read_session() as session:
                assert session.query(ImportSource).count() == 50
            with pytest.raises(FolderNotWritable) as refused, database.write_session() as session:
                session.add(ProfileSetting(key="theme", value="dark"))
            message = str(refused.value)
            assert message.startswith(f"Study Desk cannot write in {folder}:")
            assert "\n" not in message
            with pytest.raises(FolderNotWritable):
                database.backup("before-import")
        finally:
            database.close()
    assert sha256(filled_profile.db_file) == before


def test_a_backup_into_a_read_only_folder_names_the_folder(filled_profile: ProfileFile):
    filled_profile.backups_dir.mkdir()
    before = names_in(filled_profile.db_file.parent)
    expected = f"cannot write in {filled_profile.backups_dir}"
    with read_only(filled_profile.db_file.parent), pytest.raises(FolderNotWritable, match=expected):
        backup_file(filled_profile.db_file, filled_profile.backups_dir, "manual")
    assert names_in(filled_profile.db_file.parent) == before


def test_a_new_profile_in_a_read_only_folder_is_refused_in_one_sentence(tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    with read_only(folder), pytest.raises(FolderNotWritable, match="cannot write in"):
        ProfileDatabase.open(folder / "p" / "studydesk.sqlite3", folder / "p" / "b", create=True)


def test_plain_sqlite_cannot_open_it_read_only_which_is_why(filled_profile: ProfileFile):
    """The trap: SQLite needs to make a -shm beside a WAL file even to read it."""
    uri = f"file:{filled_profile.db_file}?mode=ro"
    with read_only(filled_profile.db_file.parent):
        conn = sqlite3.connect(uri, uri=True)
        try:
            with pytest.raises(sqlite3.OperationalError, match="unable to open"):
                conn.execute("SELECT count(*) FROM sqlite_master")
        finally:
            conn.close()
