"""Bulk inserts for importers: values put in storage form once, rows sent in chunks.

Rows go in with `ON CONFLICT DO NOTHING` on their stable ids, so the counts say what was new.
Everything runs inside the caller's transaction and checks for cancel between chunks.

Each INSERT carries `ROWS_PER_STATEMENT` rows (`VALUES (...), (...), ...`), the few left over go
by `executemany`: SQLite then inserts a hundred rows per call without Python's global lock, so
another thread (an import writes two profiles at a time) runs meanwhile, instead of the two
handing the lock back and forth between every row. Much longer statements cost more to prepare
(once per statement and connection) than they save.
"""

from __future__ import annotations

import functools
import itertools
import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Table
from sqlalchemy.orm import Session

from app.core.progress import Progress
from app.db.types import UTCDateTime, db_time

CHUNK = 5000  # rows between checks for cancel and progress reports
ROWS_PER_STATEMENT = 100
Row = tuple[Any, ...]


def time_text(value: datetime) -> str:
    """What a UTCDateTime column stores for `value` (`db_time`), quicker for UTC times."""
    if value.tzinfo is UTC:
        return value.isoformat(timespec="microseconds")[:-6] + "Z"  # "+00:00" -> "Z"
    return db_time(value)


@functools.lru_cache(maxsize=256)
def insert_sql(table: str, columns: tuple[str, ...], rows: int) -> str:
    """INSERT of `rows` rows of `columns` into `table`, ON CONFLICT DO NOTHING."""
    names = ", ".join(f'"{name}"' for name in columns)
    row = "(" + ", ".join("?" for _ in columns) + ")"
    values = ", ".join([row] * rows)
    return f'INSERT INTO "{table}" ({names}) VALUES {values} ON CONFLICT DO NOTHING'


class BulkWriter:
    """Bulk inserts on the session's own sqlite3 connection, values already in storage form.

    The ORM types would format every timestamp and JSON value again for every row (a lesson
    carries its course's stamps); here each is formatted once, in the same form the column
    types write, and the rows go to SQLite a hundred per statement.
    """

    def __init__(self, session: Session, progress: Progress) -> None:
        self.session = session
        self.progress = progress
        dialect = session.get_bind().dialect
        self.json: Callable[[Any], str] = getattr(dialect, "_json_serializer", None) or json.dumps

    def stamps(self, created: datetime, updated: datetime | None) -> tuple[str, str]:
        """The stored texts of a created and an updated time (often the same)."""
        first = time_text(created)
        if updated is None or updated == created:
            return first, first
        return first, time_text(updated)

    def stamp(self, value: datetime | None) -> str | None:
        return None if value is None else time_text(value)

    def cursor(self) -> sqlite3.Cursor:
        """A cursor on the session's own connection, inside its transaction."""
        connection: Any = self.session.connection().connection.dbapi_connection
        cursor: sqlite3.Cursor = connection.cursor()
        return cursor

    def insert(
        self, table: str, columns: tuple[str, ...], rows: list[Row], *, counted: bool = True
    ) -> int:
        """INSERT ... ON CONFLICT DO NOTHING; the number of rows that were new.

        `counted=False` for rows that are not in the progress total (the import ledger).
        """
        if not rows:
            return 0
        cursor = self.cursor()
        limit = cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # 999 before 3.32
        per = max(1, min(ROWS_PER_STATEMENT, limit // len(columns)))
        added = 0
        try:
            for start in range(0, len(rows), CHUNK):
                self.progress.check()
                chunk = rows[start : start + CHUNK]
                whole = len(chunk) - len(chunk) % per
                for first in range(0, whole, per):
                    part = chunk[first : first + per]
                    sql = insert_sql(table, columns, per)
                    cursor.execute(sql, list(itertools.chain.from_iterable(part)))
                    added += max(cursor.rowcount, 0)  # rows inserted, not those that were there
                if whole < len(chunk):
                    cursor.executemany(insert_sql(table, columns, 1), chunk[whole:])
                    added += max(cursor.rowcount, 0)
                if counted:
                    self.progress.advance(len(chunk))
        finally:
            cursor.close()
        return added


def insert_dicts(w: BulkWriter, table: Table, rows: list[dict[str, Any]]) -> int:
    """The small tables: rows as dicts, each value put in storage form by its column's type."""
    if not rows:
        return 0
    columns = tuple(rows[0])
    convert: list[Callable[[Any], Any]] = []
    for name in columns:
        kind = table.c[name].type
        if isinstance(kind, UTCDateTime):
            convert.append(w.stamp)
        elif isinstance(kind, JSON):
            convert.append(w.json)
        else:
            convert.append(_same)
    plain = [tuple(f(row[c]) for f, c in zip(convert, columns, strict=True)) for row in rows]
    return w.insert(table.name, columns, plain)


def _same(value: Any) -> Any:
    return value


def stamps(created: Any, updated: Any = None) -> dict[str, Any]:
    return {"created_at": created, "updated_at": updated or created, "deleted_at": None}
