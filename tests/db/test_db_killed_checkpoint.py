"""A profile killed while SQLite copied its -wal back into the main file is healthy: the header
already counts the new pages, the file does not hold them yet, the -wal does. SQLite opens it and
finishes the copy; Study Desk must open it too, never tell the learner to restore it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from damage import copy_with_side_files, kill_mid_checkpoint, page_size
from db_helpers import ProfileFile, rows

from app.db.check import check_database
from app.db.database import ProfileDatabase
from app.db.inspect import integrity_problems
from app.db.models import ImportSource
from app.errors import ProfileFileRefused

ADDED = 3000


def add_rows_left_in_the_wal(db_file: Path, crashed: Path) -> None:
    """Commit ADDED rows that stay in the -wal (no checkpoint), and copy the files as a kill
    leaves them, while the writer still has the log open."""
    writer = sqlite3.connect(db_file, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("BEGIN")
        writer.executemany(
            "INSERT INTO import_sources (id, kind, path, size, sha256, report, created_at, "
            "updated_at) VALUES (?, 'csv', ?, ?, ?, '{}', '2026-01-01T00:00:00.000000Z', "
            "'2026-01-01T00:00:00.000000Z')",
            [
                (f"wal-{n:05d}", f"/decks/{n}.csv" + "x" * 2000, n, f"{n:064d}")
                for n in range(ADDED)
            ],
        )
        writer.execute("COMMIT")
        copy_with_side_files(db_file, crashed)
    finally:
        writer.close()


def test_a_profile_killed_mid_checkpoint_opens_with_all_its_rows(
    filled_profile: ProfileFile, tmp_path: Path
):
    crashed = tmp_path / "crashed" / "studydesk.sqlite3"
    add_rows_left_in_the_wal(filled_profile.db_file, crashed)
    wal = crashed.with_name(crashed.name + "-wal")
    assert wal.stat().st_size > 4 * 2**20, "the -wal must hold megabytes, as in the report"
    header_pages, file_pages = kill_mid_checkpoint(crashed, pages_copied=600)
    assert file_pages < header_pages / 2, (file_pages, header_pages)
    assert crashed.stat().st_size < header_pages * page_size(crashed)

    # SQLite itself opens the same files (a copy of them: it finishes the checkpoint).
    by_sqlite = tmp_path / "sqlite" / "studydesk.sqlite3"
    copy_with_side_files(crashed, by_sqlite)
    conn = sqlite3.connect(by_sqlite)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("SELECT count(*) FROM import_sources").fetchone() == (50 + ADDED,)
    conn.close()

    # So does Study Desk: `db check` calls it healthy, and the profile opens with every row.
    report = check_database(crashed)
    assert report.healthy, report.as_json()
    assert report.tables["import_sources"] == 50 + ADDED
    database = ProfileDatabase.open(crashed, crashed.parent / "backups")
    try:
        assert database.read_only is None
        with database.read_session() as session:
            assert session.query(ImportSource).count() == 50 + ADDED
    finally:
        database.close()
    # Closing finished the copy: the main file is whole and sound on its own.
    assert not wal.exists() or wal.stat().st_size == 0
    assert crashed.stat().st_size == page_size(crashed) * header_pages
    assert integrity_problems(crashed) == []
    assert rows(crashed, "SELECT count(*) FROM import_sources") == [(50 + ADDED,)]


def test_a_short_file_without_its_wal_is_still_refused(filled_profile: ProfileFile, tmp_path: Path):
    """The same files with the -wal lost: the pages are nowhere, so that file is damaged."""
    crashed = tmp_path / "crashed" / "studydesk.sqlite3"
    add_rows_left_in_the_wal(filled_profile.db_file, crashed)
    kill_mid_checkpoint(crashed, pages_copied=600)
    shutil.move(crashed.with_name(crashed.name + "-wal"), tmp_path / "lost-wal")
    before = crashed.read_bytes()

    with pytest.raises(ProfileFileRefused, match="damaged"):
        ProfileDatabase.open(crashed, crashed.parent / "backups")
    assert crashed.read_bytes() == before
