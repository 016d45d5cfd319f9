"""The video library's hand-written statements: the list of videos with their file, bookmark
count and the titles of the course and lesson each is linked to, and their tags. Plain SQL
because the ORM's per-row cost was most of the time of a 5,000-video library's first page.
Declared with `statement` (EXPLAINed by `tests/db/test_plain_sql.py` against the head schema);
rows are read by column name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.db.plain_sql import Statement, named_rows, statement

_COLUMNS = (
    "v.id, v.title, v.duration_s, v.has_video, v.width, v.height, v.video_codec, "
    "v.audio_codec, v.size_bytes, v.subject, v.system, v.topic, v.course_id, v.lesson_id, "
    "v.watched_s, v.completed_at, v.last_position_s, v.last_watched_at, v.created_at, "
    "v.is_sample, f.path, "
    "(SELECT count(*) FROM video_bookmarks b WHERE b.video_id = v.id AND b.deleted_at IS NULL) "
    "AS bookmarks, "
    "(SELECT c.topic FROM courses c WHERE c.id = v.course_id AND c.deleted_at IS NULL) "
    "AS course_title, "
    "(SELECT l.title FROM lessons l WHERE l.id = v.lesson_id AND l.deleted_at IS NULL) "
    "AS lesson_title"
)

LIBRARY = statement(
    "videos_library",
    f"SELECT {_COLUMNS} FROM videos v LEFT JOIN video_files f ON f.video_id = v.id "
    "WHERE v.deleted_at IS NULL",
)

SOME_VIDEOS = statement(
    "videos_some",
    f"SELECT {_COLUMNS} FROM videos v LEFT JOIN video_files f ON f.video_id = v.id "
    "WHERE v.deleted_at IS NULL AND v.id IN ({ids})",
    example=("a", "b"),
)

TAGS = statement(
    "videos_tags",
    "SELECT vt.video_id, t.name FROM video_tags vt JOIN tags t ON t.id = vt.tag_id "
    "WHERE vt.deleted_at IS NULL AND t.deleted_at IS NULL ORDER BY t.name",
)


def _connection(session: Session) -> sqlite3.Connection:
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection


def rows(
    session: Session, declared: Statement, ids: Sequence[str] = ()
) -> Iterator[dict[str, Any]]:
    """The declared statement's rows by column name (`ids` fills its `{ids}` list, if any)."""
    sql = declared.expand(ids=len(ids)) if declared.placeholders else declared.sql
    cursor = _connection(session).execute(sql, tuple(ids))
    return named_rows(cursor)
