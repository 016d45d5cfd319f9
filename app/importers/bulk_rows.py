"""Bulk inserts for importers: values put in storage form once, rows sent in chunks.

Rows go in with `ON CONFLICT DO NOTHING` on their stable ids, so the counts say what was new.
Everything runs inside the caller's transaction and checks for cancel between chunks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Table
from sqlalchemy.orm import Session

from app.core.progress import Progress
from app.db.types import UTCDateTime

CHUNK = 5000
Row = tuple[Any, ...]


class BulkWriter:
    """Bulk inserts through the session's own connection, values already in storage form.

    The ORM types would format every timestamp and JSON value again for every row (a lesson
    carries its course's stamps); here each is formatted once, in the same form the column
    types write, and the rows go to SQLite in `executemany` chunks.
    """

    def __init__(self, session: Session, progress: Progress) -> None:
        self.session = session
        self.progress = progress
        dialect = session.get_bind().dialect
        self._stamp_type = UTCDateTime()
        self._dialect = dialect
        self.json: Callable[[Any], str] = getattr(dialect, "_json_serializer", None) or json.dumps

    def stamp(self, value: datetime | None) -> str | None:
        return self._stamp_type.process_bind_param(value, self._dialect)

    def insert(self, table: str, columns: tuple[str, ...], rows: list[Row]) -> int:
        """INSERT ... ON CONFLICT DO NOTHING; the number of rows that were new."""
        names = ", ".join(f'"{name}"' for name in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING'
        connection = self.session.connection()
        added = 0
        for start in range(0, len(rows), CHUNK):
            self.progress.check()
            chunk = rows[start : start + CHUNK]
            result = connection.exec_driver_sql(sql, chunk)
            added += max(result.rowcount, 0)
            self.progress.advance(len(chunk))
        return added


def insert_dicts(w: BulkWriter, table: Table, rows: list[dict[str, Any]]) -> int:
    """The small tables: rows as dicts, each value put in storage form by its column's type."""
    if not rows:
        return w.insert(table.name, (), [])
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
