"""The bundled sample course: loaded into a new profile, removable with the other samples.

The sample is a course pack like any other (`resources/sample/courses/<name>/course.json`, or a
`.sdcourse` file there), imported with `is_sample` set. Removing it soft-deletes the course with
its modules, lessons and contents; the learner's own courses are never touched.
Loading them lives with the importers (`app.importers.samples`); `app.features` declares both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.db.models import Course, CourseModule, Lesson, LessonContent, LessonEvent


def sample_packs(folder: Path) -> list[Path]:
    """The sample packs under `folder/courses`: pack folders and `.sdcourse` files, by name."""
    courses = folder / "courses"
    if not courses.is_dir():
        return []
    return sorted(
        path
        for path in courses.iterdir()
        if (path.is_dir() and (path / "course.json").is_file()) or path.suffix == ".sdcourse"
    )


def _deleted(column: InstrumentedAttribute[datetime | None], at: datetime | None) -> Any:
    """`column` is None (live rows), or equal to `at` (rows deleted at that moment)."""
    return column.is_(None) if at is None else column == at


def _sample_course_ids(session: Session, deleted_at: datetime | None) -> list[str]:
    found = select(Course.id).where(
        Course.is_sample.is_(True), _deleted(Course.deleted_at, deleted_at)
    )
    return list(session.scalars(found))


def _set_deleted(session: Session, ids: list[str], was: datetime | None, now: datetime) -> None:
    """Every row of these courses whose `deleted_at` is `was` gets `deleted_at` = `now` (or, when
    `was` is a moment, None: restored)."""
    to = None if was is not None else now

    def matching(column: InstrumentedAttribute[datetime | None]) -> Any:
        return _deleted(column, was)

    lessons = select(Lesson.id).where(Lesson.course_id.in_(ids)).scalar_subquery()
    session.execute(
        update(LessonContent)
        .where(LessonContent.lesson_id.in_(lessons), matching(LessonContent.deleted_at))
        .values(deleted_at=to, updated_at=now)
    )
    for model in (Lesson, CourseModule):
        session.execute(
            update(model)
            .where(model.course_id.in_(ids), matching(model.deleted_at))
            .values(deleted_at=to, updated_at=now)
        )
    session.execute(update(Course).where(Course.id.in_(ids)).values(deleted_at=to, updated_at=now))


def remove_sample_courses(session: Session, at: datetime | None = None) -> int:
    """Soft-delete the sample courses and everything in them (`deleted_at` = `at`); returns how
    many courses. The learner's progress in them is a log and stays."""
    now = at or datetime.now(UTC)
    ids = _sample_course_ids(session, None)
    if ids:
        _set_deleted(session, ids, None, now)
    return len(ids)


def restore_sample_courses(session: Session, at: datetime) -> int:
    """Bring back the sample courses removed at `at`, with what was removed with them."""
    ids = _sample_course_ids(session, at)
    if ids:
        _set_deleted(session, ids, at, datetime.now(UTC))
    return len(ids)


def describe_sample_courses(session: Session) -> str | None:
    """ "the sample course “…” and your progress in 2 of its lessons" (None: none left)."""
    rows = session.execute(
        select(Course.id, Course.topic).where(
            Course.is_sample.is_(True), Course.deleted_at.is_(None)
        )
    ).all()
    if not rows:
        return None
    ids = [row.id for row in rows]
    studied = session.scalar(
        select(func.count(func.distinct(LessonEvent.lesson_id))).where(
            LessonEvent.lesson_id.in_(select(Lesson.id).where(Lesson.course_id.in_(ids)))
        )
    )
    names = " and ".join(f"“{row.topic}”" for row in rows)
    what = f"the sample course {names}" if len(rows) == 1 else f"the sample courses {names}"
    if studied:
        lessons = "1 of its lessons" if studied == 1 else f"{studied} of its lessons"
        what += f" and your progress in {lessons}"
    return what
