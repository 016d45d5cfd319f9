"""The courses domain's hand-written statements: the library's aggregates (every course, or one)
and the outline's lessons with content.

Plain SQL because the library counts 50,000 lessons and their log in a few grouped passes that
the ORM would only wrap. Each is declared once with `statement` (so `tests/db/test_plain_sql.py`
EXPLAINs it against the head schema), takes `:name` parameters and its rows are read by column
name (`fetch`).
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from app.db.plain_sql import Statement, statement

ONE = {"course_id": "c1"}  # example parameters of the one-course variants

# Live lessons in live modules (deleted modules are few: a NOT IN list beats a join).
_LIVE_LESSONS = (
    "SELECT l.id AS id, l.course_id AS course_id FROM lessons l "
    "WHERE l.deleted_at IS NULL "
    "AND l.module_id NOT IN (SELECT id FROM course_modules WHERE deleted_at IS NOT NULL)"
)


# The lessons that count as completed by the lesson log's rule (`lesson_log.derive_state`), in
# one grouped pass over the log. The newest `status` event is the greatest `occurred_at || id`
# (fixed-width UTC text sorts in time order; ids break ties as in `derive_state`), and its status
# rides at the end of that key. `where` is the condition on `lesson_events`.
def _completed_lessons(where: str) -> str:
    return (
        f"SELECT lesson_id FROM lesson_events WHERE {where} GROUP BY lesson_id "
        "HAVING MAX(kind = 'completed') = 1 "
        "OR MAX(CASE WHEN kind = 'status' "
        "THEN occurred_at || id || '|' || COALESCE(status, '') END) LIKE '%|completed'"
    )


_COURSES = (
    "SELECT c.id AS course_id, c.topic AS topic, c.level AS level, c.duration AS duration, "
    "c.is_sample AS is_sample, c.source AS source, c.created_at AS created_at, "
    "c.is_master AS is_master FROM courses c WHERE c.deleted_at IS NULL"
)
_LESSON_COUNTS = (
    f"SELECT course_id, COUNT(*) AS lessons FROM ({_LIVE_LESSONS}) {{where}} GROUP BY course_id"
)
_COMPLETED_COUNTS = (
    f"SELECT live.course_id AS course_id, COUNT(*) AS completed FROM ({_LIVE_LESSONS}) live "
    "WHERE live.id IN ({completed}) GROUP BY live.course_id"
)
_LAST_STUDIED = (
    "SELECT course_id, MAX(occurred_at) AS last_studied FROM lesson_events "
    "WHERE {where} GROUP BY course_id"
)


def _both(name: str, every: str, one: str) -> tuple[Statement, Statement]:
    return statement(name, every), statement(f"{name}_of_course", one, example=ONE)


LIBRARY_COURSES, LIBRARY_COURSE = _both(
    "library_courses", _COURSES, _COURSES + " AND c.id = :course_id"
)
LESSON_COUNTS, LESSON_COUNT = _both(
    "library_lesson_counts",
    _LESSON_COUNTS.format(where=""),
    _LESSON_COUNTS.format(where="WHERE course_id = :course_id"),
)
COMPLETED_COUNTS, COMPLETED_COUNT = _both(
    "library_completed_counts",
    _COMPLETED_COUNTS.format(completed=_completed_lessons("1")),
    _COMPLETED_COUNTS.format(completed=_completed_lessons("course_id = :course_id")),
)
LAST_STUDIED, LAST_STUDIED_OF_COURSE = _both(
    "library_last_studied",
    _LAST_STUDIED.format(where="1"),
    _LAST_STUDIED.format(where="course_id = :course_id"),
)
# Masters a live copy was made from (a TechTree master is listed only when it has none).
COPIED_MASTERS = statement(
    "library_copied_masters",
    "SELECT DISTINCT master_id FROM courses WHERE master_id IS NOT NULL AND deleted_at IS NULL",
)
# Live courses with lesson events, the most recently studied first.
RECENT_COURSES = statement(
    "courses_recently_studied",
    "SELECT e.course_id AS course_id FROM lesson_events e JOIN courses c ON c.id = e.course_id "
    "WHERE c.deleted_at IS NULL GROUP BY e.course_id ORDER BY MAX(e.occurred_at) DESC",
)
# The course's lessons that have content (an empty object '{}' is no content).
LESSONS_WITH_CONTENT = statement(
    "outline_lessons_with_content",
    "SELECT c.lesson_id AS lesson_id FROM lesson_contents c JOIN lessons l ON l.id = c.lesson_id "
    "WHERE l.course_id = :course_id AND c.deleted_at IS NULL AND length(c.body) > 2",
    example=ONE,
)

_TEXT: dict[str, TextClause] = {}


def fetch(
    session: Session,
    declared: Statement,
    *columns: str,
    params: Mapping[str, Any] | None = None,
) -> list[Any]:
    """The declared statement's rows in the session's transaction, as tuples of the `columns`
    named, in that order (the value itself for one column). Names are looked up once per
    statement run, so reading stays as quick as reading by position."""
    clause = _TEXT.get(declared.name)
    if clause is None:
        clause = _TEXT[declared.name] = text(declared.sql)
    result = session.execute(clause, dict(params or {}))
    keys = list(result.keys())
    pick = itemgetter(*(keys.index(name) for name in columns))
    return list(map(pick, result.all()))
