"""The bundled sample course: loaded into a new profile, removable with the other samples.

The sample is a course pack like any other (`resources/sample/courses/<name>/course.json`, or a
`.sdcourse` file there), imported with `is_sample` set. Removing it soft-deletes the course with
its modules, lessons and contents; the learner's own courses are never touched.
Loading them lives with the importers (`app.importers.samples`); `app.features` declares both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.models import Course, CourseModule, Lesson, LessonContent


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


def remove_sample_courses(session: Session) -> int:
    """Soft-delete the sample courses and everything in them; returns how many courses."""
    now = datetime.now(UTC)
    ids = list(
        session.scalars(
            select(Course.id).where(Course.is_sample.is_(True), Course.deleted_at.is_(None))
        )
    )
    if not ids:
        return 0
    lessons = select(Lesson.id).where(Lesson.course_id.in_(ids)).scalar_subquery()
    session.execute(
        update(LessonContent)
        .where(LessonContent.lesson_id.in_(lessons), LessonContent.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now)
    )
    for model in (Lesson, CourseModule):
        session.execute(
            update(model)
            .where(model.course_id.in_(ids), model.deleted_at.is_(None))
            .values(deleted_at=now, updated_at=now)
        )
    session.execute(update(Course).where(Course.id.in_(ids)).values(deleted_at=now, updated_at=now))
    return len(ids)
