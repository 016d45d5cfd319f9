"""New profiles are copies of one head-schema template: identical to a migrated file."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from app.db.database import ProfileDatabase
from app.db.engine import APPLICATION_ID, create_file_owner_only, make_engine
from app.db.inspect import FileState
from app.db.migrate import run_upgrade
from app.db.revisions import known_revisions
from app.db.schema_template import revision_of, shipped_template, template_for


def schema(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name"
        )
        return [tuple(row) for row in rows]


def test_new_profiles_have_exactly_the_migrated_schema(tmp_path: Path) -> None:
    head = known_revisions().head
    migrated = tmp_path / "migrated.sqlite3"
    create_file_owner_only(migrated)
    engine = make_engine(migrated)
    run_upgrade(engine, FileState(migrated, None, head))
    engine.dispose()

    made = []
    for name in ("ana", "bo"):
        db_file = tmp_path / name / "studydesk.sqlite3"
        database = ProfileDatabase.open(db_file, tmp_path / name / "backups", create=True)
        assert database.last_upgrade is not None and database.last_upgrade.to_revision == head
        database.close()
        made.append(db_file)

    for db_file in made:
        assert schema(db_file) == schema(migrated), (
            "resources/schema/empty-profile.sqlite3 is out of step with the migrations: "
            "run `python -m app.db.schema_template`"
        )
        assert stat.S_IMODE(db_file.stat().st_mode) == 0o600
        with sqlite3.connect(db_file) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
            assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_shipped_empty_profile_is_at_head_and_used_for_new_profiles() -> None:
    head = known_revisions().head
    shipped = shipped_template()
    assert revision_of(shipped) == head, "run `python -m app.db.schema_template`"
    assert template_for(head) == shipped
