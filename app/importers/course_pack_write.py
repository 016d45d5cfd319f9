"""Writing a checked course pack into a profile, in the caller's transaction (the action is
`course_pack_actions.import_course_file`), idempotent by id.

Rows whose id is already in the profile are left exactly as they are (the learner's progress
hangs off them), so importing the same pack twice adds nothing the second time, and a newer
edition of a pack adds only its new modules, lessons and lesson contents. A soft-deleted
course that is imported again is restored. A pack that would clash with what is there (an id
used by another course, a new lesson where the course already has a different one) is refused
before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.courses.markdown import MEDIA_SCHEME
from app.db.models import Course, CourseModule, Lesson, LessonContent
from app.errors import UserError
from app.importers.course_pack import LoadedPack, copy_media
from app.importers.course_pack_format import CoursePackRefused, content_id, rewrite_images

COUNT_KEYS = ("courses", "modules", "lessons", "lesson_contents", "media_files")


@dataclass(frozen=True)
class PackImported:
    course_id: str
    topic: str
    added: dict[str, int]  # by COUNT_KEYS: rows (and image files) that are new
    already_present: dict[str, int]  # the pack's rows that the profile already had
    restored: bool  # the course had been deleted and is back
    changes: Change
    created_files: tuple[Path, ...] = field(default=(), repr=False)
    left_out: tuple[tuple[str, int], ...] = ()  # (name, bytes): files in the pack no lesson uses

    def as_json(self) -> dict[str, object]:
        return {
            "course_id": self.course_id,
            "topic": self.topic,
            **self.added,
            "already_present": self.already_present,
            "restored": self.restored,
            "left_out": [{"file": name, "bytes": size} for name, size in self.left_out],
        }


def _chunks(ids: list[str], size: int = 500) -> list[list[str]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def write_pack(
    session: Session,
    pack: LoadedPack,
    media_dir: Path | None,
    *,
    is_sample: bool = False,
    source: str = "pack",
) -> PackImported:
    """Add the pack's new rows in the caller's transaction and copy its images into
    `media_dir` (the profile's media folder). Raises CoursePackRefused on a clash; the files
    it created are listed in the result so a caller whose commit fails can remove them."""
    course = pack.course
    if pack.media and media_dir is None:
        raise UserError(f"The course pack {pack.path} has images, but no media folder was given.")
    existing = session.get(Course, course.id)
    modules_in_db = _existing(session, CourseModule, [m.id for m in course.modules])
    lesson_ids = [lesson.id for m in course.modules for lesson in m.lessons]
    lessons_in_db = _existing(session, Lesson, lesson_ids)
    contents_in_db: set[str] = set()
    for chunk in _chunks(lesson_ids):
        contents_in_db.update(
            session.scalars(
                select(LessonContent.lesson_id).where(LessonContent.lesson_id.in_(chunk))
            )
        )
    _refuse_clashes(session, pack, existing is not None, modules_in_db, lessons_in_db)
    added = dict.fromkeys(COUNT_KEYS, 0)
    present = dict.fromkeys(COUNT_KEYS, 0)
    restored = False
    if existing is None:
        session.add(
            Course(
                id=course.id,
                topic=course.topic,
                level=course.level,
                duration=course.duration,
                objectives=list(course.objectives),
                is_sample=is_sample,
                source=source,
                extra=dict(course.extra),
            )
        )
        added["courses"] = 1
    else:
        present["courses"] = 1
        if existing.deleted_at is not None:
            _restore(session, course.id)
            restored = True
    session.flush()
    stored_names = {name: MEDIA_SCHEME + item.stored_name for name, item in pack.media.items()}
    for m_position, module in enumerate(course.modules):
        if module.id in modules_in_db:
            present["modules"] += 1
        else:
            session.add(
                CourseModule(
                    id=module.id,
                    course_id=course.id,
                    position=m_position,
                    week=module.week,
                    title=module.title,
                    summary=module.summary,
                )
            )
            added["modules"] += 1
        for l_position, lesson in enumerate(module.lessons):
            if lesson.id in lessons_in_db:
                present["lessons"] += 1
            else:
                session.add(
                    Lesson(
                        id=lesson.id,
                        module_id=module.id,
                        course_id=course.id,
                        position=l_position,
                        title=lesson.title,
                        summary=lesson.summary,
                        duration=lesson.duration,
                    )
                )
                added["lessons"] += 1
            if lesson.content is None:
                continue
            if lesson.id in contents_in_db:
                present["lesson_contents"] += 1
                continue
            body = rewrite_images(lesson.content, lambda t: stored_names.get(t, t))
            session.add(LessonContent(id=content_id(lesson.id), lesson_id=lesson.id, body=body))
            added["lesson_contents"] += 1
        session.flush()
    created: list[Path] = []
    if media_dir is not None:
        created = copy_media(pack, media_dir)
    added["media_files"] = len(created)
    present["media_files"] = len(pack.media) - len(created)
    return PackImported(
        course.id,
        course.topic,
        added,
        present,
        restored,
        Change.COURSES | Change.LESSONS,
        tuple(created),
        pack.left_out,
    )


def _existing(
    session: Session, model: type[CourseModule] | type[Lesson], ids: list[str]
) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(model.id, model.course_id, model.position).where(model.id.in_(chunk))
        )
        found.update({row_id: (course_id, position) for row_id, course_id, position in rows})
    return found


def _refuse_clashes(
    session: Session,
    pack: LoadedPack,
    course_exists: bool,
    modules_in_db: dict[str, tuple[str, int]],
    lessons_in_db: dict[str, tuple[str, int]],
) -> None:
    course = pack.course
    problems = []
    taken_modules: dict[int, str] = {}
    if course_exists:
        taken_modules = {
            position: title
            for position, title in session.execute(
                select(CourseModule.position, CourseModule.title).where(
                    CourseModule.course_id == course.id
                )
            )
        }
    for m_index, module in enumerate(course.modules):
        where = f"modules[{m_index}]"
        owner = modules_in_db.get(module.id)
        if owner is not None and owner[0] != course.id:
            problems.append(f"{where}.id: already used by a module of another course")
        elif owner is None and m_index in taken_modules:
            problems.append(
                f"{where}: this course is already in the profile with a different module here "
                f"({taken_modules[m_index]!r})"
            )
        taken_lessons: dict[int, str] = {}
        if owner is not None:
            taken_lessons = {
                position: title
                for position, title in session.execute(
                    select(Lesson.position, Lesson.title).where(Lesson.module_id == module.id)
                )
            }
        for l_index, lesson in enumerate(module.lessons):
            spot = f"{where}.lessons[{l_index}]"
            found = lessons_in_db.get(lesson.id)
            if found is not None and found[0] != course.id:
                problems.append(f"{spot}.id: already used by a lesson of another course")
            elif found is None and l_index in taken_lessons:
                problems.append(
                    f"{spot}: this course is already in the profile with a different lesson "
                    f"here ({taken_lessons[l_index]!r})"
                )
    if problems:
        raise CoursePackRefused(str(pack.path), problems)


def _restore(session: Session, course_id: str) -> None:
    now = datetime.now(UTC)
    session.execute(
        update(Course).where(Course.id == course_id).values(deleted_at=None, updated_at=now)
    )
    for model in (CourseModule, Lesson):
        session.execute(
            update(model)
            .where(model.course_id == course_id, model.deleted_at.is_not(None))
            .values(deleted_at=None, updated_at=now)
        )
    lessons = select(Lesson.id).where(Lesson.course_id == course_id).scalar_subquery()
    session.execute(
        update(LessonContent)
        .where(LessonContent.lesson_id.in_(lessons), LessonContent.deleted_at.is_not(None))
        .values(deleted_at=None, updated_at=now)
    )
