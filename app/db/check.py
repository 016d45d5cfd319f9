"""`studydesk db check`: SQLite's own checks, the schema revision and row counts, read-only."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from app.db.engine import connect_raw
from app.db.inspect import inspect_profile_file, integrity_problems
from app.db.revisions import known_revisions


@dataclass(frozen=True)
class ForeignKeyProblem:
    table: str
    rowid: int | None
    parent: str


@dataclass(frozen=True)
class CheckReport:
    path: Path
    integrity: list[str]
    foreign_keys: list[ForeignKeyProblem]
    revision: str | None
    head: str
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return not self.integrity and not self.foreign_keys and self.revision == self.head

    def as_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "integrity": "ok" if not self.integrity else self.integrity,
            "foreign_keys": [
                {"table": p.table, "rowid": p.rowid, "parent": p.parent} for p in self.foreign_keys
            ],
            "revision": self.revision,
            "head": self.head,
            "tables": self.tables,
        }


def check_database(db_file: Path) -> CheckReport:
    """Check a profile file without changing it. Raises ProfileFileRefused for unusable files."""
    state = inspect_profile_file(db_file)
    integrity = integrity_problems(db_file)
    conn = connect_raw(db_file, read_only=True)
    try:
        problems = [
            ForeignKeyProblem(row[0], row[1], row[2])
            for row in conn.execute("PRAGMA foreign_key_check")
        ]
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        tables: dict[str, int] = {}
        for name in names:
            try:
                tables[name] = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            except sqlite3.DatabaseError:
                tables[name] = -1
    finally:
        conn.close()
    return CheckReport(db_file, integrity, problems, state.revision, known_revisions().head, tables)
