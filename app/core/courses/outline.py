"""A course's outline: modules (with weeks), lessons with status and score, objectives,
progress, the Continue target and the course's placement checks.

Four indexed queries and one pass over the course's lesson log, whatever the course's size;
read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.courses.courses_sql import LESSONS_WITH_CONTENT, fetch
from app.core.courses.lesson_log import NOT_STARTED, LessonStatus, states_for_course
from app.core.courses.library import ContinueTarget, pick_continue
from app.core.courses.placement import PlacementView, placement_checks
from app.db.models import Course, CourseModule, Lesson


@dataclass(frozen=True)
class LessonOutline:
    lesson_id: str
    number: str  # "2.3"
    title: str
    summary: str | None
    duration: str | None
    status: LessonStatus
    score: float | None
    has_content: bool  # False: "No content yet" (TechTree generated lessons on first open)


@dataclass(frozen=True)
class ModuleOutline:
    module_id: str
    number: int  # counted from 1
    week: int | None
    title: str
    summary: str | None
    lessons: tuple[LessonOutline, ...]


@dataclass(frozen=True)
class CourseOutline:
    course_id: str
    topic: str
    level: str
    duration: str | None
    objectives: tuple[str, ...]
    is_sample: bool
    source: str
    modules: tuple[ModuleOutline, ...]
    lesson_count: int
    completed_count: int
    continue_target: ContinueTarget | None
    placement: tuple[PlacementView, ...]

    @property
    def percent(self) -> int:
        if self.lesson_count == 0:
            return 0
        return min(100, self.completed_count * 100 // self.lesson_count)


def outline(session: Session, course_id: str) -> CourseOutline:
    """The outline of a live course; LookupError if it does not exist or was deleted."""
    course = session.get(Course, course_id)
    if course is None or course.deleted_at is not None:
        raise LookupError(f"no course {course_id!r}")
    modules = session.execute(
        select(
            CourseModule.id,
            CourseModule.week,
            CourseModule.title,
            CourseModule.summary,
        )
        .where(CourseModule.course_id == course_id, CourseModule.deleted_at.is_(None))
        .order_by(CourseModule.position)
    ).all()
    lessons_by_module: dict[str, list[tuple[str, str, str | None, str | None]]] = {}
    for lesson_id, module_id, title, summary, duration in session.execute(
        select(Lesson.id, Lesson.module_id, Lesson.title, Lesson.summary, Lesson.duration)
        .where(Lesson.course_id == course_id, Lesson.deleted_at.is_(None))
        .order_by(Lesson.position)
    ):
        lessons_by_module.setdefault(module_id, []).append((lesson_id, title, summary, duration))
    with_content = set(
        fetch(session, LESSONS_WITH_CONTENT, "lesson_id", params={"course_id": course_id})
    )
    states = states_for_course(session, course_id)
    built = []
    order: dict[str, str] = {}
    total = done = 0
    for m_number, (module_id, week, m_title, m_summary) in enumerate(modules, start=1):
        lessons = []
        for l_number, (lesson_id, title, summary, duration) in enumerate(
            lessons_by_module.get(module_id, ()), start=1
        ):
            state = states.get(lesson_id, NOT_STARTED)
            order[lesson_id] = title
            total += 1
            done += state.status is LessonStatus.COMPLETED
            lessons.append(
                LessonOutline(
                    lesson_id,
                    f"{m_number}.{l_number}",
                    title,
                    summary,
                    duration,
                    state.status,
                    state.score,
                    lesson_id in with_content,
                )
            )
        built.append(ModuleOutline(module_id, m_number, week, m_title, m_summary, tuple(lessons)))
    return CourseOutline(
        course_id=course.id,
        topic=course.topic,
        level=course.level or "",
        duration=course.duration,
        objectives=tuple(str(o) for o in course.objectives or () if str(o).strip()),
        is_sample=course.is_sample,
        source=course.source,
        modules=tuple(built),
        lesson_count=total,
        completed_count=done,
        continue_target=pick_continue(course_id, order, states),
        placement=placement_checks(session, course_id),
    )
