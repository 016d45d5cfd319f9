"""`studydesk db check`: SQLite's own checks, the schema revision and row counts, read-only.

A damaged file is reported, never a crash: every step reads what it can and notes what it could
not. A file that is not a profile at all (another program's, a newer Study Desk's, not SQLite)
is refused with the same `ProfileFileRefused` opening it would give.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from app.db.inspect import REPAIR_HINT, inspect_profile_file, integrity_problems, reading
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
    tables: dict[str, int] = field(default_factory=dict)  # -1: could not be counted

    @property
    def damaged(self) -> bool:
        """SQLite found damage (pages, indexes): the profile opens read-only."""
        return bool(self.integrity)

    @property
    def healthy(self) -> bool:
        return not self.integrity and not self.foreign_keys and self.revision == self.head

    @property
    def advice(self) -> str:
        """One or two sentences for the learner: what the findings mean and what to do."""
        if self.damaged:
            return (
                f"The profile file {self.path} is damaged: Study Desk opens it read-only and "
                f"writes nothing into it. {REPAIR_HINT}"
            )
        if self.foreign_keys:
            return (
                f"{len(self.foreign_keys)} rows refer to rows that are gone; everything else is "
                f"sound. {REPAIR_HINT}"
            )
        if self.revision != self.head:
            return "The profile is sound; it is upgraded to this version when next opened."
        return "The profile is sound."

    def as_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "integrity": "ok" if not self.integrity else self.integrity,
            "damaged": self.damaged,
            "foreign_keys": [
                {"table": p.table, "rowid": p.rowid, "parent": p.parent} for p in self.foreign_keys
            ],
            "revision": self.revision,
            "head": self.head,
            "tables": self.tables,
            "advice": self.advice,
        }


def check_database(db_file: Path) -> CheckReport:
    """Check a profile file without changing it.

    Raises ProfileFileRefused for a file that is not a usable profile (see
    `inspect_profile_file`); damage inside a profile is reported, not raised.
    """
    state = inspect_profile_file(db_file)
    integrity = integrity_problems(db_file)
    problems: list[ForeignKeyProblem] = []
    tables: dict[str, int] = {}
    with reading(db_file) as conn:
        try:
            problems = [
                ForeignKeyProblem(row[0], row[1], row[2])
                for row in conn.execute("PRAGMA foreign_key_check")
            ]
        except sqlite3.DatabaseError as error:
            integrity = [*integrity, f"the references could not all be checked ({error})"]
        try:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
        except sqlite3.DatabaseError as error:
            integrity = [*integrity, f"the tables could not all be listed ({error})"]
            names = []
        for name in names:
            try:
                tables[name] = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            except sqlite3.DatabaseError:
                tables[name] = -1
    return CheckReport(db_file, integrity, problems, state.revision, known_revisions().head, tables)
