"""Helpers for the storage tests: reading real profile files from the outside."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from app.db.database import ProfileDatabase
from app.db.models import ImportSource, LegacyDocument, ProfileSetting
from app.db.revisions import known_revisions


def sha256(path: Path) -> str:
    with open(path, "rb") as handle:  # not Path.open, which a test may make fail
        return hashlib.sha256(handle.read()).hexdigest()


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Read rows through a plain read-only connection (not the app's engine)."""
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def table_names(path: Path) -> set[str]:
    found = rows(path, "SELECT name FROM sqlite_master WHERE type='table'")
    return {str(name) for (name,) in found if not str(name).startswith("sqlite_")}


def revision_of(path: Path) -> str:
    return str(rows(path, "SELECT version_num FROM alembic_version")[0][0])


@dataclass
class ProfileFile:
    db_file: Path
    backups_dir: Path

    def open(self) -> ProfileDatabase:
        return ProfileDatabase.open(self.db_file, self.backups_dir, create=True)


def build_closed_profile(folder: Path, fill: Callable[[ProfileDatabase], None]) -> Path:
    """A profile made in `folder`, filled and closed cleanly; returns its database file (for a
    module-scoped fixture that builds it once)."""
    profile = ProfileFile(folder / "studydesk.sqlite3", folder / "backups")
    database = profile.open()
    try:
        fill(database)
    finally:
        database.close()
    return profile.db_file


def copy_into(built: Path, profile: ProfileFile) -> ProfileFile:
    """Copy a built profile's file to `profile` (which must not exist yet)."""
    profile.db_file.parent.mkdir(parents=True)
    shutil.copyfile(built, profile.db_file)
    return profile


def add_learner_data(database: ProfileDatabase, count: int = 50) -> None:
    """Rows a learner would miss: a setting and some imported-file records."""
    with database.write_session() as session:
        session.add(ProfileSetting(key="daily_goal", value={"cards": 40}))
        for number in range(count):
            session.add(
                ImportSource(
                    kind="csv",
                    path=f"/home/learner/decks/deck-{number:04d}.csv" + " " * 200,
                    size=number,
                    sha256=f"{number:064d}",
                    report={"cards": number},
                )
            )


def add_kept_documents(database: ProfileDatabase, count: int) -> None:
    """Documents kept verbatim, each referring to an imported file (a table with a foreign key,
    like most of a real profile's)."""
    with database.write_session() as session:
        source = session.query(ImportSource).order_by(ImportSource.id).first()
        assert source is not None, "add_learner_data first"
        for number in range(count):
            session.add(
                LegacyDocument(
                    source_id=source.id,
                    table_name="notes",
                    doc_id=f"{number:05d}",
                    body={"text": f"note {number} " + "x" * 300},
                    reason="kept",
                )
            )


_SCRIPT = '''\
"""test revision {revision}"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "{revision}"
down_revision: str | None = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
{body}


def downgrade() -> None:
    raise NotImplementedError
'''


@dataclass
class RevisionScripts:
    """A private copy of alembic/ that the app reads instead of the real one."""

    root: Path

    def add(self, revision: str, down: str, body: str) -> Path:
        script = self.root / "versions" / f"{revision}_test_revision.py"
        code = _SCRIPT.format(
            revision=revision, down=down, body=textwrap.indent(textwrap.dedent(body), "    ")
        )
        script.write_text(code, encoding="utf-8")
        known_revisions.cache_clear()
        return script
