"""One lesson as the reader shows it: where it sits, its parts, its state, its neighbours.

Opening a lesson for reading (`open_lesson`) only reads; the reader records the visit with
`lesson_actions.record_lesson_opened`, a write of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.courses.content import EMPTY_BODY, LessonBody, parse_lesson_body
from app.core.courses.lesson_log import LessonState, state_of
from app.core.courses.markdown import display_markdown
from app.db.models import Course, CourseModule, Lesson, LessonContent


@dataclass(frozen=True)
class LessonView:
    lesson_id: str
    course_id: str
    course_topic: str
    module_id: str
    module_title: str
    module_week: int | None
    number: str  # "2.3": module and lesson, counted from 1
    title: str
    summary: str | None
    duration: str | None
    body: LessonBody
    markdown: str  # the exposition repaired and made safe, for QTextDocument.setMarkdown
    state: LessonState
    previous_lesson_id: str | None  # across module boundaries, in syllabus order
    next_lesson_id: str | None
    index_in_course: int  # 0-based position among the course's lessons
    lesson_count: int

    @property
    def has_content(self) -> bool:
        """False for a lesson whose content was never generated or written."""
        return self.body.has_content


def course_lessons(session: Session, course_id: str) -> dict[str, str]:
    """The live lessons of a course in syllabus order (module, then lesson): id -> title."""
    rows = session.execute(
        select(Lesson.id, Lesson.title)
        .join(CourseModule, CourseModule.id == Lesson.module_id)
        .where(
            Lesson.course_id == course_id,
            Lesson.deleted_at.is_(None),
            CourseModule.deleted_at.is_(None),
        )
        .order_by(CourseModule.position, Lesson.position)
    )
    return {lesson_id: title for lesson_id, title in rows}


def open_lesson(session: Session, lesson_id: str, media_dir: Path | None = None) -> LessonView:
    """The lesson ready to show. Raises LookupError if it does not exist or was deleted.

    `media_dir` is the profile's media folder (`Profile.media_dir`); images stored there are
    shown, nothing else is ever loaded.
    """
    found = session.execute(
        select(Lesson, CourseModule, Course)
        .join(CourseModule, CourseModule.id == Lesson.module_id)
        .join(Course, Course.id == Lesson.course_id)
        .where(Lesson.id == lesson_id)
    ).first()
    if found is None:
        raise LookupError(f"no lesson {lesson_id!r}")
    lesson, module, course = found
    if lesson.deleted_at or module.deleted_at or course.deleted_at:
        raise LookupError(f"lesson {lesson_id!r} was deleted")
    stored = session.scalar(
        select(LessonContent.body).where(
            LessonContent.lesson_id == lesson_id, LessonContent.deleted_at.is_(None)
        )
    )
    body = parse_lesson_body(stored) if stored is not None else EMPTY_BODY
    order = list(course_lessons(session, course.id))
    index = order.index(lesson_id)
    module_number = _module_number(session, course.id, module.position)
    lesson_number = _lesson_number(session, module.id, lesson.position)
    return LessonView(
        lesson_id=lesson.id,
        course_id=course.id,
        course_topic=course.topic,
        module_id=module.id,
        module_title=module.title,
        module_week=module.week,
        number=f"{module_number}.{lesson_number}",
        title=lesson.title,
        summary=lesson.summary,
        duration=lesson.duration,
        body=body,
        markdown=display_markdown(body.exposition, media_dir, lesson.title),
        state=state_of(session, lesson.id),
        previous_lesson_id=order[index - 1] if index > 0 else None,
        next_lesson_id=order[index + 1] if index + 1 < len(order) else None,
        index_in_course=index,
        lesson_count=len(order),
    )


def _module_number(session: Session, course_id: str, position: int) -> int:
    earlier = session.scalar(
        select(func.count())
        .select_from(CourseModule)
        .where(
            CourseModule.course_id == course_id,
            CourseModule.deleted_at.is_(None),
            CourseModule.position < position,
        )
    )
    return int(earlier or 0) + 1


def _lesson_number(session: Session, module_id: str, position: int) -> int:
    earlier = session.scalar(
        select(func.count())
        .select_from(Lesson)
        .where(
            Lesson.module_id == module_id, Lesson.deleted_at.is_(None), Lesson.position < position
        )
    )
    return int(earlier or 0) + 1
