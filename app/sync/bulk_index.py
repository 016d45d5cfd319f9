"""Full-text indexes filled in bulk when a merge brings many rows (a new computer's first sync).

Every full-text index (an FTS5 table over a content table: `cards_fts` over `cards`,
`search_text` and `search_trigram` over `search_docs`) is kept by triggers, a row at a time.
FTS5 writes its pending terms out at the end of each statement, so a merge inserting 100,000
cards one statement each spends most of its time there. When a batch brings at least a quarter
as many rows for the indexes as they already hold, the apply instead suspends the triggers that
feed the indexes, merges, rebuilds each index from its content table in one pass ('rebuild')
and puts the triggers back: all in the apply's one transaction, so a crash leaves the old
triggers and the old indexes. The triggers that keep `search_docs` itself (a plain table) stay.
The tables and triggers are read from the file's schema, so an index added later is covered.

Likewise the capture triggers (`app.sync.capture`) of a table receiving many rows: while a merge
applies, they write nothing (`sync_clock.applying`), but each still runs its program for every
row (12 of a review's 21 µs of CPU). They are dropped for the merge and put back, exactly as
they were, before anything the merge leaves to capture (merge versions, rebuilt columns).

A merge and the replay after it also run with a larger page cache (`page_cache`), put back after.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

APPLY_CACHE_KIB = 64 * 1024  # SQLite page cache while merging (the default is 2 MB)
BULK_MIN_ROWS = 2_000  # fewer new rows than this: the triggers keep the indexes
_CONTENT = re.compile(r"content\s*=\s*'?\"?(\w+)", re.IGNORECASE)
_TARGET = re.compile(r"\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+\"?(\w+)\"?", re.IGNORECASE)


@dataclass
class Indexes:
    """The file's full-text indexes, what feeds them, and the triggers suspended."""

    content: dict[str, str]  # FTS5 table -> its content table
    feeders: dict[str, str]  # trigger writing into an FTS5 table -> its SQL
    sources: set[str]  # tables whose new rows reach an index (directly or by a trigger)
    suspended: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, conn: sqlite3.Connection) -> Indexes:
        content: dict[str, str] = {}
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'"
        ):
            found = _CONTENT.search(sql)
            if found:  # an index that keeps its own copy of the text needs nothing here
                content[name] = found[1]
        feeders: dict[str, str] = {}
        sources = set(content.values())
        triggers = conn.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall()
        for name, table, sql in triggers:
            targets = set(_TARGET.findall(sql or ""))
            if targets & content.keys():
                feeders[name] = sql
            if targets & (content.keys() | set(content.values())):
                sources.add(table)
        return cls(content, feeders, sources)

    def worth_it(self, conn: sqlite3.Connection, new_rows: int) -> bool:
        """Whether rebuilding the indexes costs less than feeding them `new_rows` rows."""
        if not self.feeders or new_rows < BULK_MIN_ROWS:
            return False
        held = sum(
            int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
            for table in set(self.content.values())
        )
        return new_rows * 4 >= held

    def suspend(self, conn: sqlite3.Connection) -> None:
        for name, sql in self.feeders.items():
            conn.execute(f'DROP TRIGGER "{name}"')
            self.suspended[name] = sql

    def rebuild(self, conn: sqlite3.Connection) -> None:
        """Each index remade from its content table, and its triggers put back."""
        if not self.suspended:
            return
        for table in self.content:
            conn.execute(f'INSERT INTO "{table}" ("{table}") VALUES (\'rebuild\')')
        for sql in self.suspended.values():
            conn.execute(sql)
        self.suspended.clear()


def suspend_capture(conn: sqlite3.Connection, tables: Iterable[str]) -> dict[str, str]:
    """Drop the capture triggers of these tables; returns their SQL, for `restore`."""
    from app.sync.capture import TRIGGER_PREFIX

    saved: dict[str, str] = {}
    for table in tables:
        found = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
            "AND substr(name, 1, ?) = ?",
            (table, len(TRIGGER_PREFIX), TRIGGER_PREFIX),
        ).fetchall()
        for name, sql in found:
            conn.execute(f'DROP TRIGGER "{name}"')
            saved[name] = sql
    return saved


def restore(conn: sqlite3.Connection, saved: dict[str, str]) -> None:
    for sql in saved.values():
        conn.execute(sql)
    saved.clear()


@contextmanager
def page_cache(conn: sqlite3.Connection, kib: int = APPLY_CACHE_KIB) -> Iterator[None]:
    """SQLite's page cache raised for a merge's many inserts into big indexes (a review's
    random id: 31 -> 19 µs a row at 600,000 rows), and put back after."""
    before = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    conn.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")
