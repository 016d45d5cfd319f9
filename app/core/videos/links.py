"""What a video can be linked to: the courses in the library, each with its lessons numbered as
its outline numbers them ("2.3": the third lesson of the second module). One read session and a
few queries, whatever the number of courses."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from app.core.courses.library import LibrarySort, library
from app.db.database import ProfileDatabase
from app.db.models import CourseModule, Lesson


@dataclass(frozen=True)
class LessonChoice:
    id: str
    number: str  # "2.3"
    title: str


@dataclass(frozen=True)
class CourseChoice:
    id: str
    title: str
    lessons: tuple[LessonChoice, ...]


def link_choices(database: ProfileDatabase) -> tuple[CourseChoice, ...]:
    """The live courses of the course library (by title) with their live lessons in order."""
    with database.read_session() as session:
        courses = library(session, sort=LibrarySort.TOPIC)
        module_rows = session.execute(
            select(CourseModule.id, CourseModule.course_id)
            .where(CourseModule.deleted_at.is_(None))
            .order_by(CourseModule.course_id, CourseModule.position)
        ).all()
        rows = session.execute(
            select(Lesson.id, Lesson.course_id, Lesson.module_id, Lesson.title)
            .join(CourseModule, CourseModule.id == Lesson.module_id)
            .where(Lesson.deleted_at.is_(None), CourseModule.deleted_at.is_(None))
            .order_by(Lesson.course_id, CourseModule.position, Lesson.position)
        ).all()
    module_numbers: dict[str, int] = {}
    in_course: dict[str, int] = defaultdict(int)
    for module_id, course_id in module_rows:
        in_course[course_id] += 1
        module_numbers[module_id] = in_course[course_id]
    counts: dict[str, int] = defaultdict(int)  # module -> lessons so far
    lessons: dict[str, list[LessonChoice]] = defaultdict(list)
    for lesson_id, course_id, module_id, title in rows:
        module_number = module_numbers[module_id]
        counts[module_id] += 1
        number = f"{module_number}.{counts[module_id]}"
        lessons[course_id].append(LessonChoice(lesson_id, number, title))
    return tuple(
        CourseChoice(course.course_id, course.topic, tuple(lessons.get(course.course_id, ())))
        for course in courses
    )
