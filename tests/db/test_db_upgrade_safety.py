"""An upgrade either completes or leaves the profile exactly as it was, with a verified backup."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from db_helpers import ProfileFile, RevisionScripts, revision_of, rows, table_names

from app.db.backup import list_backups
from app.db.inspect import integrity_problems
from app.db.revisions import known_revisions
from app.errors import ProfileFileRefused

# Test revisions go on top of whatever the real chain's head is.
HEAD = known_revisions().head
NEXT = f"{int(HEAD) + 1:04d}"
NEXT2 = f"{int(HEAD) + 2:04d}"


def learner_rows(path: Path) -> list[tuple[object, ...]]:
    return rows(path, "SELECT id, kind, path, size, report FROM import_sources ORDER BY id")


def only_backup(profile: ProfileFile) -> Path:
    backups = list_backups(profile.backups_dir)
    assert len(backups) == 1
    return backups[0].path


def test_a_failing_migration_rolls_back_completely_and_says_where_the_backup_is(
    revision_scripts: RevisionScripts, filled_profile: ProfileFile
):
    before = learner_rows(filled_profile.db_file)
    revision_scripts.add(
        NEXT,
        HEAD,
        """
        op.create_table("shelves", sa.Column("id", sa.String(36), primary_key=True))
        with op.batch_alter_table("import_sources") as batch:
            batch.add_column(sa.Column("note", sa.Text(), nullable=True))
        op.execute("UPDATE import_sources SET path = 'overwritten'")
        op.execute("DELETE FROM profile_settings")
        raise RuntimeError("this migration is broken")
        """,
    )

    with pytest.raises(ProfileFileRefused) as refused:
        filled_profile.open()

    backup = only_backup(filled_profile)
    message = str(refused.value)
    assert str(backup) in message
    assert "this migration is broken" in message
    # Nothing of the half-done upgrade is left: no table, no column, no changed or lost rows.
    assert revision_of(filled_profile.db_file) == HEAD
    assert "shelves" not in table_names(filled_profile.db_file)
    columns = [row[1] for row in rows(filled_profile.db_file, "PRAGMA table_info(import_sources)")]
    assert "note" not in columns
    assert learner_rows(filled_profile.db_file) == before
    assert rows(filled_profile.db_file, "SELECT key FROM profile_settings") == [("daily_goal",)]
    # The backup taken first is a sound copy of the old file.
    assert integrity_problems(backup) == []
    assert revision_of(backup) == HEAD
    assert learner_rows(backup) == before


def test_a_migration_that_breaks_a_reference_is_rolled_back(
    revision_scripts: RevisionScripts, filled_profile: ProfileFile
):
    revision_scripts.add(
        NEXT,
        HEAD,
        """
        op.execute(
            "INSERT INTO legacy_documents (id, source_id, table_name, doc_id, body, reason, "
            "created_at, updated_at) VALUES ('d1', 'no-such-import', 't', '1', '{}', 'x', "
            "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')"
        )
        """,
    )

    with pytest.raises(ProfileFileRefused, match="broken references") as refused:
        filled_profile.open()

    assert str(only_backup(filled_profile)) in str(refused.value)
    assert revision_of(filled_profile.db_file) == HEAD
    assert rows(filled_profile.db_file, "SELECT count(*) FROM legacy_documents") == [(0,)]


def test_recreating_a_parent_table_keeps_its_children(
    revision_scripts: RevisionScripts, profile_file: ProfileFile
):
    """Batch mode drops and recreates the table; with foreign keys on, ON DELETE CASCADE would
    silently delete every child row."""
    revision_scripts.add(
        NEXT,
        HEAD,
        """
        op.create_table("shelves", sa.Column("id", sa.String(36), primary_key=True))
        op.create_table(
            "books",
            sa.Column("id", sa.String(36), primary_key=True),
            sa.Column(
                "shelf_id", sa.String(36), sa.ForeignKey("shelves.id", ondelete="CASCADE")
            ),
        )
        """,
    )
    database = profile_file.open()
    with database.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO shelves VALUES ('spanish')")
        conn.exec_driver_sql("INSERT INTO books VALUES ('hola', 'spanish'), ('adios', 'spanish')")
    database.close()

    # The trap is real in this SQLite: with foreign keys on, dropping the parent empties books.
    copy = profile_file.db_file.with_name("trap.sqlite3")
    shutil.copy(profile_file.db_file, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("DROP TABLE shelves")
    assert conn.execute("SELECT count(*) FROM books").fetchone() == (0,)
    conn.close()

    revision_scripts.add(
        NEXT2,
        NEXT,
        """
        with op.batch_alter_table("shelves", recreate="always") as batch:
            batch.add_column(sa.Column("title", sa.String(200), nullable=True))
        """,
    )
    database = profile_file.open()
    database.close()

    assert database.last_upgrade is not None
    assert database.last_upgrade.from_revision == NEXT
    assert revision_of(profile_file.db_file) == NEXT2
    assert rows(profile_file.db_file, "SELECT id, shelf_id FROM books ORDER BY id") == [
        ("adios", "spanish"),
        ("hola", "spanish"),
    ]
    assert rows(profile_file.db_file, "SELECT id, title FROM shelves") == [("spanish", None)]
    assert rows(profile_file.db_file, "PRAGMA foreign_key_check") == []


def test_an_upgrade_backs_up_first_and_reports_where(
    revision_scripts: RevisionScripts, filled_profile: ProfileFile
):
    before = learner_rows(filled_profile.db_file)
    revision_scripts.add(NEXT, HEAD, 'op.create_table("shelves", sa.Column("id", sa.Text))')
    database = filled_profile.open()
    database.close()
    assert database.last_upgrade is not None
    backup = database.last_upgrade.backup
    assert backup is not None
    assert backup == only_backup(filled_profile)
    assert f"before-upgrade-{NEXT}" in backup.name
    assert revision_of(backup) == HEAD
    assert learner_rows(backup) == before
    assert learner_rows(filled_profile.db_file) == before
    assert revision_of(filled_profile.db_file) == NEXT
