"""Bulk inserts for importers: values put in storage form once, rows sent in chunks.

Rows go in with `ON CONFLICT DO NOTHING` on their stable ids, so the counts say what was new.
Everything runs inside the caller's transaction and checks for cancel between chunks. Each
table's one-row INSERT is declared once (`bulk_insert`, in the importer's SQL module, so
`tests/db/test_plain_sql.py` EXPLAINs it against the head schema); the many-row form is that
text with its row repeated.

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
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, FromClause
from sqlalchemy.orm import Session

from app.core.progress import Progress
from app.db.plain_sql import Statement, statement
from app.db.types import UTCDateTime, db_time

CHUNK = 5000  # rows between checks for cancel and progress reports
# ... or less, when a chunk takes longer than this (rows of lesson bodies, 15 KB each, took 9 s
# for 3,000 with the bar and Cancel standing still).
REPORT_SECONDS = 0.25
ROWS_PER_STATEMENT = 100
Row = tuple[Any, ...]


def time_text(value: datetime) -> str:
    """What a UTCDateTime column stores for `value` (`db_time`), quicker for UTC times."""
    if value.tzinfo is UTC:
        return value.isoformat(timespec="microseconds")[:-6] + "Z"  # "+00:00" -> "Z"
    return db_time(value)


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """INSERT of one row of `columns` into `table`, ON CONFLICT DO NOTHING."""
    names = ", ".join(f'"{name}"' for name in columns)
    row = "(" + ", ".join("?" for _ in columns) + ")"
    return f'INSERT INTO "{table}" ({names}) VALUES {row} ON CONFLICT DO NOTHING'


@dataclass(frozen=True)
class BulkInsert:
    """A declared one-row INSERT ... ON CONFLICT DO NOTHING, and the columns of its rows."""

    declared: Statement
    columns: tuple[str, ...]

    def sql(self, rows: int) -> str:
        """The statement with `rows` rows in its VALUES."""
        return _many_rows(self.declared.sql, rows)


def bulk_insert(name: str, table: str, columns: tuple[str, ...]) -> BulkInsert:
    """Declare the bulk INSERT of `columns` into `table` (once, at import time)."""
    declared = statement(name, insert_sql(table, columns), example=(None,) * len(columns))
    return BulkInsert(declared, columns)


@functools.lru_cache(maxsize=256)
def _many_rows(one_row: str, rows: int) -> str:
    head, tail = one_row.split(" VALUES (", 1)
    row, rest = tail.split(")", 1)
    return f"{head} VALUES " + ", ".join([f"({row})"] * rows) + rest


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

    def insert(self, insert: BulkInsert, rows: list[Row], *, counted: bool = True) -> int:
        """The rows (values in `insert.columns` order) by `insert`; the number that were new.

        `counted=False` for rows that are not in the progress total (the import ledger).
        """
        if not rows:
            return 0
        cursor = self.cursor()
        limit = cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # 999 before 3.32
        per = max(1, min(ROWS_PER_STATEMENT, limit // len(insert.columns)))
        added = 0
        reported = 0  # rows of this chunk already counted in the progress
        try:
            for start in range(0, len(rows), CHUNK):
                self.progress.check()
                chunk = rows[start : start + CHUNK]
                whole = len(chunk) - len(chunk) % per
                since = time.monotonic()
                reported = 0
                for first in range(0, whole, per):
                    part = chunk[first : first + per]
                    cursor.execute(insert.sql(per), list(itertools.chain.from_iterable(part)))
                    added += max(cursor.rowcount, 0)  # rows inserted, not those that were there
                    if time.monotonic() - since >= REPORT_SECONDS:  # large rows: lesson bodies
                        self.progress.check()
                        if counted:
                            self.progress.advance(first + per - reported)
                        reported = first + per
                        since = time.monotonic()
                if whole < len(chunk):
                    cursor.executemany(insert.declared.sql, chunk[whole:])
                    added += max(cursor.rowcount, 0)
                if counted and len(chunk) > reported:
                    self.progress.advance(len(chunk) - reported)
        finally:
            cursor.close()
        return added


def insert_dicts(
    w: BulkWriter, insert: BulkInsert, table: FromClause, rows: list[dict[str, Any]]
) -> int:
    """The small tables: rows as dicts (keyed by `insert.columns`), each value put in storage
    form by its column's type in `table`."""
    if not rows:
        return 0
    columns = insert.columns
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
    return w.insert(insert, plain)


def _same(value: Any) -> Any:
    return value


def stamps(created: Any, updated: Any = None) -> dict[str, Any]:
    return {"created_at": created, "updated_at": updated or created, "deleted_at": None}
