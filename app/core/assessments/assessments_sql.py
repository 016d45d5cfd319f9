"""The assessments' hand-written statements (analytics over 100,000 attempts and the study days
of every kind of study), declared with `statement` and EXPLAINed by tests/db/test_plain_sql.py.
Rows are read by column name."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy.orm import Session

from app.db.plain_sql import Statement, named_rows, statement

AT = "2026-01-01T00:00:00.000000Z"

# Attempts, correct answers and time per (subject, system), from the usage cache's index
# (deleted questions' attempts count too: they are the learner's history).
AREAS = statement(
    "assessments_areas",
    "SELECT subject, system, sum(seen) AS attempts, sum(correct) AS correct, "
    "sum(time_ms) AS time_ms FROM question_usage "
    "WHERE (:subject IS NULL OR subject = :subject) GROUP BY subject, system",
    {"subject": None},
)

# Attempts, correct answers and time between two moments (a week), from the attempts'
# (answered_at, result, time_ms) index alone: a range scan, no grouping.
SPAN = statement(
    "assessments_span",
    "SELECT count(*) AS attempts, sum(result = 'correct') AS correct, sum(time_ms) AS time_ms "
    "FROM question_attempts WHERE answered_at >= ? AND answered_at < ?",
    (AT, AT),
)

# One subject's days (the drill-down).
SUBJECT_DAYS = statement(
    "assessments_subject_days",
    "SELECT date(substr(a.answered_at, 1, 19), :shift) AS day, count(*) AS attempts, "
    "sum(a.result = 'correct') AS correct, sum(a.time_ms) AS time_ms "
    "FROM questions q JOIN question_attempts a ON a.question_id = q.id "
    "WHERE q.subject = :subject AND a.answered_at >= :since GROUP BY day",
    {"shift": "+0 seconds", "since": AT, "subject": "Renal"},
)

# The first moment at or after ? in each log a study streak counts (each read from an index on
# its time: one seek per study day, not a row per answer).
FIRST_AFTER = {
    table: statement(
        f"assessments_first_{table}",
        f"SELECT min({column}) AS at FROM {table} WHERE {column} >= ?",
        (AT,),
    )
    for table, column in (
        ("card_reviews", "reviewed_at"),
        ("video_watch_intervals", "started_at"),
        ("question_block_events", "occurred_at"),
        ("question_attempts", "answered_at"),
    )
}

# Lesson events have no index on their time alone: their days are read in one pass.
LESSON_DAYS = statement(
    "assessments_lesson_days",
    "SELECT DISTINCT date(substr(occurred_at, 1, 19), :shift) AS day FROM lesson_events "
    "WHERE occurred_at >= :since",
    {"shift": "+0 seconds", "since": AT},
)


def first_after(session: Session, declared: Statement, at: str) -> str | None:
    row = _connection(session).execute(declared.sql, (at,)).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def _connection(session: Session) -> sqlite3.Connection:
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection


def rows(
    session: Session, declared: Statement, params: Mapping[str, Any] | tuple[Any, ...]
) -> Iterator[dict[str, Any]]:
    """The declared statement's rows, by column name."""
    bound = params if isinstance(params, tuple) else dict(params)
    return named_rows(_connection(session).execute(declared.sql, bound))
