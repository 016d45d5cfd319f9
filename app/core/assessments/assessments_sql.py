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

# Attempts, correct answers and time, per (subject, system); :subject NULL for all subjects.
AREAS = statement(
    "assessments_areas",
    "SELECT q.subject AS subject, q.system AS system, count(*) AS attempts, "
    "sum(a.result = 'correct') AS correct, sum(a.time_ms) AS time_ms "
    "FROM question_attempts a JOIN questions q ON q.id = a.question_id "
    "WHERE q.deleted_at IS NULL AND (:subject IS NULL OR q.subject = :subject) "
    "GROUP BY q.subject, q.system",
    {"subject": None},
)

# The same per study day since :since (:shift: the zone's shift, "+3600 seconds").
DAYS = statement(
    "assessments_days",
    "SELECT date(substr(a.answered_at, 1, 19), :shift) AS day, count(*) AS attempts, "
    "sum(a.result = 'correct') AS correct, sum(a.time_ms) AS time_ms "
    "FROM question_attempts a JOIN questions q ON q.id = a.question_id "
    "WHERE a.answered_at >= :since AND q.deleted_at IS NULL "
    "AND (:subject IS NULL OR q.subject = :subject) GROUP BY day",
    {"shift": "+0 seconds", "since": AT, "subject": None},
)

# Every study day since :since with any card answer, lesson event, video watched or question
# event (the streak counts them all).
STUDY_DAYS = statement(
    "assessments_study_days",
    "SELECT DISTINCT day FROM ("
    "SELECT date(substr(reviewed_at, 1, 19), :shift) AS day FROM card_reviews "
    "WHERE reviewed_at >= :since "
    "UNION SELECT date(substr(occurred_at, 1, 19), :shift) FROM lesson_events "
    "WHERE occurred_at >= :since "
    "UNION SELECT date(substr(started_at, 1, 19), :shift) FROM video_watch_intervals "
    "WHERE started_at >= :since "
    "UNION SELECT date(substr(occurred_at, 1, 19), :shift) FROM question_block_events "
    "WHERE occurred_at >= :since "
    "UNION SELECT date(substr(answered_at, 1, 19), :shift) FROM question_attempts "
    "WHERE answered_at >= :since) ORDER BY day",
    {"shift": "+0 seconds", "since": AT},
)


def _connection(session: Session) -> sqlite3.Connection:
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection


def rows(
    session: Session, declared: Statement, params: Mapping[str, Any]
) -> Iterator[dict[str, Any]]:
    return named_rows(_connection(session).execute(declared.sql, dict(params)))
