"""Bulk inserts: a hundred rows per statement, the rest one by one, only new rows counted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core.progress import Progress
from app.db.fresh_file import build_database
from app.importers.bulk_rows import BulkWriter, bulk_insert

COLUMNS = ("id", "topic", "level", "objectives", "is_master", "is_sample", "source", "extra")
STAMPS = ("created_at", "updated_at")
COURSES = bulk_insert("test_bulk_insert_courses", "courses", COLUMNS + STAMPS)


def course(number: int) -> tuple[object, ...]:
    stamp = "2025-01-01T00:00:00.000000Z"
    return (
        f"course-{number}",
        f"topic {number}",
        "beginner",
        "[]",
        0,
        0,
        "test",
        "{}",
        stamp,
        stamp,
    )


@pytest.mark.parametrize("variable_limit", [None, 25])  # 25: fewer ? than one statement wants
def test_rows_are_inserted_whatever_the_statement_size(tmp_path: Path, variable_limit: int | None):
    with (
        build_database(tmp_path / "p.sqlite3", tmp_path / "backups") as database,
        database.write_session() as session,
    ):
        writer = BulkWriter(session, Progress())
        if variable_limit is not None:
            writer.cursor().connection.setlimit(
                sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, variable_limit
            )
        rows = [course(n) for n in range(257)]
        assert writer.insert(COURSES, rows) == 257
        again = rows[:150] + [course(n) for n in range(257, 300)]
        assert writer.insert(COURSES, again) == 43  # only the new ones
    assert COURSES.sql(3).count("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") == 3
    conn = sqlite3.connect(tmp_path / "p.sqlite3")
    try:
        assert conn.execute("SELECT count(*) FROM courses").fetchone() == (300,)
    finally:
        conn.close()


def test_slow_rows_are_counted_and_cancel_is_heard_within_a_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows that are slow to insert (lesson bodies) move the progress and let Cancel in before
    the chunk of 5,000 ends: here every statement is 'slow'."""
    import app.importers.bulk_rows as bulk_rows
    from app.errors import Cancelled

    monkeypatch.setattr(bulk_rows, "REPORT_SECONDS", 0.0)
    steps: list[int] = []
    with (
        build_database(tmp_path / "p.sqlite3", tmp_path / "backups") as database,
        database.write_session() as session,
    ):
        progress = Progress(on_change=lambda done, _total, _message: steps.append(done))
        writer = BulkWriter(session, progress)
        assert writer.insert(COURSES, [course(n) for n in range(257)]) == 257
        assert steps == [100, 200, 257]  # a statement at a time, then the rest
        rows = [course(n) for n in range(1000, 1400)]
        cancelling = Progress(on_change=lambda done, *_: done >= 200 and cancelling.cancel())
        with pytest.raises(Cancelled):
            BulkWriter(session, cancelling).insert(COURSES, rows)
        assert cancelling.snapshot()[0] == 200  # stopped after two statements, not 4 of them
