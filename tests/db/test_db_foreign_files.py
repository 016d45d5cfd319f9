"""Another program's SQLite file is never taken for a profile: Study Desk's files carry its
application_id, and a file with tables but not that mark is refused before anything touches it.
`db check` refuses it too instead of promising an upgrade."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from db_helpers import ProfileFile, rows, sha256, table_names

from app.db.check import check_database
from app.db.database import ProfileDatabase
from app.db.engine import APPLICATION_ID
from app.db.inspect import inspect_profile_file
from app.db.revisions import known_revisions
from app.errors import ProfileFileRefused


def refused(profile: ProfileFile) -> str:
    """Open and check the file; both refuse and leave it byte for byte as it was."""
    before = sha256(profile.db_file)
    with pytest.raises(ProfileFileRefused) as opening:
        ProfileDatabase.open(profile.db_file, profile.backups_dir, create=True)
    with pytest.raises(ProfileFileRefused) as checking:
        check_database(profile.db_file)
    assert sha256(profile.db_file) == before
    assert not profile.backups_dir.exists() or not any(profile.backups_dir.iterdir())
    message = str(opening.value)
    assert str(profile.db_file) in message
    assert "\n" not in message
    assert str(checking.value) == message
    return message


def write_sqlite(path: Path, *statements: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        conn.execute(statement)
    conn.close()


def test_another_apps_alembic_database_is_refused(profile_file: ProfileFile):
    """An app that also uses Alembic, at a revision id Study Desk knows too."""
    write_sqlite(
        profile_file.db_file,
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
        "INSERT INTO alembic_version VALUES ('0001')",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)",
        "INSERT INTO users (email) VALUES ('someone@example.com')",
    )
    assert "another program" in refused(profile_file)
    assert table_names(profile_file.db_file) == {"alembic_version", "users"}


def test_an_empty_database_of_another_program_is_refused(profile_file: ProfileFile):
    """No tables yet, but its user_version says another program made it."""
    write_sqlite(profile_file.db_file, "PRAGMA user_version = 7")
    assert "another program" in refused(profile_file)
    assert table_names(profile_file.db_file) == set()


def test_a_blank_sqlite_file_becomes_a_profile(profile_file: ProfileFile):
    """A file SQLite made and nobody used (no tables, no marks): Study Desk may build in it."""
    write_sqlite(profile_file.db_file, "PRAGMA page_size = 4096", "VACUUM")
    assert profile_file.db_file.stat().st_size > 0
    database = ProfileDatabase.open(profile_file.db_file, profile_file.backups_dir)
    database.close()
    assert rows(profile_file.db_file, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert "import_sources" in table_names(profile_file.db_file)


def test_a_profile_that_lost_its_schema_version_gets_one_line(filled_profile: ProfileFile):
    write_sqlite(filled_profile.db_file, "DELETE FROM alembic_version")
    message = refused(filled_profile)
    assert "schema version" in message
    assert "Restore from Backup" in message


def test_a_profile_without_the_mark_but_with_study_desks_tables_opens(filled_profile: ProfileFile):
    """A profile made before files were marked: its own tables at a known revision say it is
    Study Desk's; it is marked when opened for writing."""
    write_sqlite(filled_profile.db_file, "PRAGMA application_id = 0")
    assert inspect_profile_file(filled_profile.db_file).revision == known_revisions().head
    database = ProfileDatabase.open(filled_profile.db_file, filled_profile.backups_dir)
    database.close()
    assert rows(filled_profile.db_file, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert rows(filled_profile.db_file, "SELECT count(*) FROM import_sources") == [(50,)]
