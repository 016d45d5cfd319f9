"""The course library: every course with its progress, searchable and sortable, and where to
continue.

Progress is the share of the course's syllabus lessons (live lessons in live modules) that the
lesson log says are completed: counted from the syllabus, never from the number of progress
rows, so duplicates or orphans in older data cannot push it past 100 %. A TechTree master
syllabus is listed only when no live copy of it exists (the copy is what the learner studies).
Read-only; safe on any thread with its own session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from app.core.courses import courses_sql as sql
from app.core.courses.courses_sql import fetch
from app.core.courses.lesson import course_lessons
from app.core.courses.lesson_log import LessonState, LessonStatus, states_for_course
from app.db.plain_sql import Statement
from app.db.types import UTCDateTime


class LibrarySort(StrEnum):
    LAST_STUDIED = "last_studied"  # newest first; never-studied courses last, by topic
    TOPIC = "topic"
    PROGRESS = "progress"  # most complete first
    LEVEL = "level"
    ADDED = "added"  # newest first


@dataclass(frozen=True)
class LibraryRow:
    course_id: str
    topic: str
    level: str
    duration: str | None
    lesson_count: int
    completed_count: int
    last_studied: datetime | None  # the newest lesson event of the course
    added_at: datetime
    is_sample: bool
    source: str  # "techtree", "pack", "sample", ...

    @property
    def percent(self) -> int:
        """Whole percent of syllabus lessons completed, rounded down (100 only when done)."""
        if self.lesson_count == 0:
            return 0
        return min(100, self.completed_count * 100 // self.lesson_count)

    @property
    def finished(self) -> bool:
        return self.lesson_count > 0 and self.completed_count >= self.lesson_count


@dataclass(frozen=True)
class ContinueTarget:
    """Where "Continue" goes. `reason`: "resume" (the lesson last worked on and not finished),
    "next" (the first lesson not completed), "review" (all done: the first lesson)."""

    course_id: str
    lesson_id: str
    lesson_title: str
    reason: str


@dataclass(frozen=True)
class CourseInProgress:
    """What the Today view shows: the course studied most recently and not finished."""

    course: LibraryRow
    target: ContinueTarget


def library(
    session: Session, search: str = "", sort: LibrarySort = LibrarySort.LAST_STUDIED
) -> list[LibraryRow]:
    """Every live course matching `search` (case-insensitive words, all must appear in the
    topic or level), in `sort` order. Three aggregate queries, whatever the number of
    courses."""
    rows = _rows(session, course_id=None)
    words = search.casefold().split()
    if words:
        rows = [r for r in rows if all(w in f"{r.topic} {r.level}".casefold() for w in words)]
    return sort_rows(rows, sort)


def library_row(session: Session, course_id: str) -> LibraryRow | None:
    rows = _rows(session, course_id=course_id)
    return rows[0] if rows else None


def sort_rows(rows: list[LibraryRow], sort: LibrarySort) -> list[LibraryRow]:
    by_topic = sorted(rows, key=lambda r: (r.topic.casefold(), r.course_id))
    if sort is LibrarySort.TOPIC:
        return by_topic
    if sort is LibrarySort.LEVEL:
        return sorted(by_topic, key=lambda r: r.level.casefold())
    if sort is LibrarySort.PROGRESS:
        return sorted(by_topic, key=lambda r: -r.completed_count / max(r.lesson_count, 1))
    if sort is LibrarySort.ADDED:
        return sorted(by_topic, key=lambda r: r.added_at, reverse=True)
    studied = sorted(
        (r for r in by_topic if r.last_studied), key=lambda r: _when(r.last_studied), reverse=True
    )
    return studied + [r for r in by_topic if not r.last_studied]


_COURSE_COLUMNS = (
    "course_id",
    "topic",
    "level",
    "duration",
    "is_sample",
    "source",
    "created_at",
    "is_master",
)


def _rows(session: Session, course_id: str | None) -> list[LibraryRow]:
    stamp = UTCDateTime()
    dialect = session.get_bind().dialect
    one = {"course_id": course_id} if course_id is not None else None

    def per_course(every: Statement, of_course: Statement, column: str) -> dict[str, Any]:
        declared = of_course if one else every
        return dict(fetch(session, declared, "course_id", column, params=one))

    courses = fetch(
        session, sql.LIBRARY_COURSE if one else sql.LIBRARY_COURSES, *_COURSE_COLUMNS, params=one
    )
    copied = set(fetch(session, sql.COPIED_MASTERS, "master_id"))
    counts = per_course(sql.LESSON_COUNTS, sql.LESSON_COUNT, "lessons")
    done = per_course(sql.COMPLETED_COUNTS, sql.COMPLETED_COUNT, "completed")
    last = per_course(sql.LAST_STUDIED, sql.LAST_STUDIED_OF_COURSE, "last_studied")
    rows = []
    for cid, topic, level, duration, is_sample, source, created, is_master in courses:
        studied = last.get(cid)
        if is_master and cid in copied and not studied:
            continue
        rows.append(
            LibraryRow(
                course_id=cid,
                topic=topic,
                level=level or "",
                duration=duration,
                lesson_count=int(counts.get(cid, 0)),
                completed_count=int(done.get(cid, 0)),
                last_studied=stamp.process_result_value(studied, dialect) if studied else None,
                added_at=_when(stamp.process_result_value(created, dialect)),
                is_sample=bool(is_sample),
                source=source or "",
            )
        )
    return rows


def _when(value: datetime | None) -> datetime:
    return value if value is not None else datetime.fromtimestamp(0, UTC)


def continue_target(session: Session, course_id: str) -> ContinueTarget | None:
    """The lesson "Continue" opens: the in-progress lesson worked on most recently, else the
    first lesson not completed, else (all done) the first lesson. None for a course without
    lessons."""
    return pick_continue(
        course_id, course_lessons(session, course_id), states_for_course(session, course_id)
    )


def pick_continue(
    course_id: str, lessons: dict[str, str], states: dict[str, LessonState]
) -> ContinueTarget | None:
    """`continue_target` over a course's lessons in order (id -> title) and their states."""
    if not lessons:
        return None
    started = [
        (state.last_activity, lesson_id)
        for lesson_id, state in states.items()
        if state.status is LessonStatus.IN_PROGRESS and lesson_id in lessons
    ]
    if started:
        lesson_id = max(started, key=lambda item: (_when(item[0]), item[1]))[1]
        return ContinueTarget(course_id, lesson_id, lessons[lesson_id], "resume")
    for lesson_id, title in lessons.items():
        state = states.get(lesson_id)
        if state is None or state.status is not LessonStatus.COMPLETED:
            return ContinueTarget(course_id, lesson_id, title, "next")
    first_id, first_title = next(iter(lessons.items()))
    return ContinueTarget(course_id, first_id, first_title, "review")


def course_in_progress(session: Session) -> CourseInProgress | None:
    """The course studied most recently that is not finished, with its Continue target."""
    recent = fetch(session, sql.RECENT_COURSES, "course_id")
    for course_id in recent:
        row = library_row(session, course_id)
        if row is None or row.finished or row.lesson_count == 0:
            continue
        target = continue_target(session, course_id)
        if target is not None:
            return CourseInProgress(row, target)
    return None
