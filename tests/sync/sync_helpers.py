"""Simulated devices for the sync tests: real profile files, the folder target, the core actions."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.core.flashcards.review import answer_card
from app.db.database import ProfileDatabase
from app.db.merge_rules import ColumnRole, synced_rules
from app.sync import engine
from app.sync.capture import key_sql

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Device:
    name: str
    folder: Path
    database: ProfileDatabase
    skew: timedelta = timedelta(0)
    minutes: int = 0
    reviews: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, root: Path, name: str) -> Device:
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        database = ProfileDatabase.open(
            folder / "studydesk.sqlite3", folder / "backups", create=True
        )
        return cls(name, folder, database)

    @property
    def media(self) -> Path:
        return self.folder / "media"

    def now(self) -> datetime:
        self.minutes += 1
        return START + timedelta(minutes=self.minutes) + self.skew

    def answer(self, card_id: str, rating: int) -> str | None:
        from app.errors import UserError

        try:
            with self.database.write_session() as session:
                result = answer_card(session, card_id, rating, 3000, self.now())
        except UserError:
            return None
        self.reviews.append(result.review_id)
        return result.review_id

    def sync(self, target_root: Path, passphrase: str | None = None) -> engine.SyncResult:
        return engine.sync(self.database, self.media, passphrase=passphrase)

    def close(self) -> None:
        self.database.close()


def connect(database: ProfileDatabase) -> sqlite3.Connection:
    return sqlite3.connect(database.db_file)


def synced_state(database: ProfileDatabase) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced table's rows, by the registry: key, synced and derived columns."""
    conn = connect(database)
    try:
        state = {}
        for rule in synced_rules():
            present = {r[1] for r in conn.execute(f"PRAGMA table_xinfo('{rule.table}')")}
            if not present:
                continue
            names = [
                c.name
                for c in rule.columns
                if c.role in (ColumnRole.SYNCED, ColumnRole.DERIVED) and c.name in present
            ]
            select = ", ".join(f'"{n}"' for n in names) or "1"
            key = key_sql(rule)
            rows = conn.execute(
                f'SELECT {key}, {select} FROM "{rule.table}" ORDER BY {key}'
            ).fetchall()
            state[rule.table] = rows
        return state
    finally:
        conn.close()


def differences(a: dict[str, list[Any]], b: dict[str, list[Any]]) -> list[str]:
    found = []
    for table in sorted(set(a) | set(b)):
        rows_a, rows_b = a.get(table, []), b.get(table, [])
        if rows_a != rows_b:
            only_a = [r for r in rows_a if r not in rows_b][:3]
            only_b = [r for r in rows_b if r not in rows_a][:3]
            found.append(f"{table}: {len(rows_a)} vs {len(rows_b)} rows; {only_a} / {only_b}")
    return found


def scalar(database: ProfileDatabase, sql: str, params: tuple[Any, ...] = ()) -> Any:
    conn = connect(database)
    try:
        row = conn.execute(sql, params).fetchone()
        return None if row is None else row[0]
    finally:
        conn.close()


def rows(database: ProfileDatabase, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    conn = connect(database)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
