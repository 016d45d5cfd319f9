"""Derived state rebuilt from merged logs: for every table the registry says is rebuilt from
others (`TableRule.rebuilt_from`), how the sync engine rebuilds it after a merge.

Each rebuilder names, per source table, the source column holding the key of the rows to
rebuild, and the function that rebuilds them. A merge records the rows to rebuild in
`sync_rebuilds`, in its own transaction; `rebuild_recorded` rebuilds them and removes them in
one transaction: in the merge's own, or, when a sync brings many batches, once after the last
batch (so a card touched by every batch of a first sync is replayed once, not once a batch).
A sync stopped between the two finishes the rebuild at the next. Tables kept by
SQLite triggers (the full-text indexes) need nothing. `tests/sync` fails for a table with
`rebuilt_from` that is in neither, so a derived table added later says how it is rebuilt.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Rebuilder:
    sources: Mapping[str, str]  # source table -> its column naming the row to rebuild
    run: Callable[[Session, Collection[str]], object]
    rebuild_inserted: bool = False  # rows of the table itself inserted by a merge: rebuild too


def _replay_cards(session: Session, card_ids: Collection[str]) -> object:
    from app.core.flashcards.replay import replay_cards

    return replay_cards(session, card_ids)


def _rebuild_watched(session: Session, video_ids: Collection[str]) -> object:
    from app.core.videos.watching import rebuild_watched

    rebuild_watched(session, video_ids)
    return None


def _refresh_usage(session: Session, question_ids: Collection[str]) -> object:
    from app.core.assessments.usage import refresh_usage

    refresh_usage(session, question_ids)
    return None


REBUILDERS: Mapping[str, Rebuilder] = {
    # A card's schedule: the replay of the union of its reviews (replay.step, the one way).
    "cards": Rebuilder(
        {"card_reviews": "card_id", "card_review_undos": "card_id"},
        _replay_cards,
        rebuild_inserted=True,
    ),
    # Watched seconds of a video: from the union of its watch intervals.
    "videos": Rebuilder({"video_watch_intervals": "video_id"}, _rebuild_watched),
    # Times seen, last result, flagged: from the union of the attempts.
    "question_usage": Rebuilder({"question_attempts": "question_id"}, _refresh_usage),
}

# Derived tables SQLite's triggers keep in line with the rows a merge writes.
KEPT_BY_TRIGGERS = frozenset({"cards_fts", "search_docs", "search_text", "search_trigram"})


def record(conn: sqlite3.Connection, table: str, keys: Iterable[str]) -> None:
    """Note these rows of `table` as to be rebuilt (in the caller's transaction)."""
    conn.executemany(
        "INSERT OR IGNORE INTO sync_rebuilds (tbl, row_key) VALUES (?, ?)",
        ((table, key) for key in keys),
    )


def has_recorded(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sync_rebuilds LIMIT 1").fetchone() is not None


def rebuild_recorded(session: Session, limit: int | None = None) -> set[str]:
    """Rebuild up to `limit` recorded rows (all when None), in the session's transaction, and
    forget them; returns the tables rebuilt."""
    conn = session.connection().connection.driver_connection
    assert isinstance(conn, sqlite3.Connection)
    done: set[str] = set()
    left = limit
    for table, rebuilder in REBUILDERS.items():
        if left is not None and left <= 0:
            break
        query = "SELECT row_key FROM sync_rebuilds WHERE tbl = ? ORDER BY row_key"
        params: tuple[object, ...] = (table,)
        if left is not None:
            query += " LIMIT ?"
            params = (table, left)
        keys = [key for (key,) in conn.execute(query, params)]
        if not keys:
            continue
        if conn.execute(f"PRAGMA table_info('{table}')").fetchone() is not None:
            session.flush()
            rebuilder.run(session, keys)
            done.add(table)
        conn.executemany(
            "DELETE FROM sync_rebuilds WHERE tbl = ? AND row_key = ?", ((table, k) for k in keys)
        )
        if left is not None:
            left -= len(keys)
    return done
