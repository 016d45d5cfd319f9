"""Exporting a course as a `.sdcourse` pack (the format is described in `course_pack.py`).

The pack carries the course's ids, so importing it elsewhere gives the same course (and
importing it back changes nothing). Only the course's content travels, never the learner's
progress, notes or placement checks. The file is written beside its target and renamed into
place, so a failed export leaves no partial pack.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.atomic_file import write_atomically
from app.core.courses.markdown import MEDIA_SCHEME
from app.db.models import Course, CourseModule, Lesson, LessonContent
from app.errors import UserError
from app.importers.course_pack import COURSE_FILE, PACK_SUFFIX
from app.importers.course_pack_format import (
    FORMAT,
    FORMAT_VERSION,
    CoursePackRefused,
    check_course,
    rewrite_images,
)
from app.importers.export_target import check_file_target


@dataclass(frozen=True)
class PackExported:
    path: Path
    topic: str
    counts: dict[str, int]  # courses, modules, lessons, lesson_contents, media_files


def find_course(session: Session, name: str) -> str:
    """The id of the live course called `name` (its topic, any case) or with that id.

    A TechTree master is passed over when the learner's own copy has the same topic. Raises
    UserError when none or several match, listing what there is.
    """
    wanted = name.strip().casefold()
    courses = session.execute(
        select(Course.id, Course.topic, Course.level, Course.is_master).where(
            Course.deleted_at.is_(None)
        )
    ).all()
    for course_id, *_ in courses:
        if course_id == name.strip():
            return str(course_id)
    matches = [c for c in courses if c.topic.strip().casefold() == wanted]
    if len(matches) > 1:
        matches = [c for c in matches if not c.is_master] or matches
    if len(matches) == 1:
        return str(matches[0].id)
    if matches:
        listed = ", ".join(f"{c.id} ({c.level or 'no level'})" for c in matches)
        raise UserError(
            f"There are {len(matches)} courses called {name!r}: {listed}. Give the id instead."
        )
    known = ", ".join(sorted(repr(c.topic) for c in courses)[:10]) or "none"
    raise UserError(f"There is no course called {name!r}. The courses are: {known}.")


def course_document(
    session: Session, course_id: str, media_dir: Path | None
) -> tuple[dict[str, Any], dict[str, Path]]:
    """The pack's `course.json` for a course, and its images (name in the pack -> file)."""
    course = session.get(Course, course_id)
    if course is None or course.deleted_at is not None:
        raise LookupError(f"no course {course_id!r}")
    media: dict[str, Path] = {}

    def to_pack(target: str) -> str:
        if not target.startswith(MEDIA_SCHEME):
            return target
        stored = target[len(MEDIA_SCHEME) :]
        file = (media_dir / stored) if media_dir is not None else None
        if file is None or not re.fullmatch(r"[0-9a-f]{64}\.\w+", stored) or not file.is_file():
            raise UserError(
                f"The course {course.topic!r} shows an image ({stored}) that is missing from "
                "the profile's media folder, so it cannot be exported."
            )
        media[f"media/{stored}"] = file
        return f"media/{stored}"

    bodies: dict[str, Any] = {
        lesson_id: body
        for lesson_id, body in session.execute(
            select(LessonContent.lesson_id, LessonContent.body)
            .join(Lesson, Lesson.id == LessonContent.lesson_id)
            .where(Lesson.course_id == course_id, LessonContent.deleted_at.is_(None))
        )
    }
    lessons_by_module: dict[str, list[Lesson]] = {}
    for lesson in session.scalars(
        select(Lesson)
        .where(Lesson.course_id == course_id, Lesson.deleted_at.is_(None))
        .order_by(Lesson.position)
    ):
        lessons_by_module.setdefault(lesson.module_id, []).append(lesson)
    modules = []
    for module in session.scalars(
        select(CourseModule)
        .where(CourseModule.course_id == course_id, CourseModule.deleted_at.is_(None))
        .order_by(CourseModule.position)
    ):
        lessons = []
        for lesson in lessons_by_module.get(module.id, []):
            item: dict[str, Any] = {"id": lesson.id, "title": lesson.title}
            _put(item, "summary", lesson.summary)
            _put(item, "duration", lesson.duration)
            if lesson.id in bodies and isinstance(bodies[lesson.id], dict):
                item["content"] = rewrite_images(bodies[lesson.id], to_pack)
            lessons.append(item)
        entry: dict[str, Any] = {"id": module.id}
        _put(entry, "week", module.week)
        entry["title"] = module.title
        _put(entry, "summary", module.summary)
        entry["lessons"] = lessons
        modules.append(entry)
    document: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "id": course.id,
        "topic": course.topic,
        "level": course.level or "",
    }
    _put(document, "duration", course.duration)
    document["learning_objectives"] = [str(o) for o in course.objectives or []]
    if course.extra:
        document["extra"] = course.extra
    document["modules"] = modules
    return document, media


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


def export_course_pack(
    session: Session,
    course_id: str,
    target: Path,
    media_dir: Path | None,
    *,
    overwrite: bool = False,
) -> PackExported:
    """Write the course to `target` (a `.sdcourse` file, or a folder to put one in, named
    after the topic). The pack is checked as an import would check it before it is written;
    raises UserError if it would not import, or if `target` exists and `overwrite` is off."""
    document, media = course_document(session, course_id, media_dir)
    if target.is_dir():
        target = target / f"{_file_name(document['topic'])}{PACK_SUFFIX}"
    check_file_target(target, overwrite)
    try:
        course = check_course(document, str(target), set(media))
    except CoursePackRefused as refused:
        problems = "; ".join(refused.problems[:8])
        raise UserError(
            f"The course {document['topic']!r} cannot be exported as a pack: {problems}."
        ) from None
    if not target.parent.is_dir():
        raise UserError(f"The folder {target.parent} does not exist.")

    def write(handle: BinaryIO) -> None:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            text = json.dumps(document, ensure_ascii=False, indent=1)
            archive.writestr(COURSE_FILE, text)
            for name, file in sorted(media.items()):
                archive.write(file, name, compress_type=zipfile.ZIP_STORED)

    try:
        write_atomically(target, write, fsync=False)
    except OSError as error:
        raise UserError(f"Could not write {target} ({error.strerror or error}).") from None
    counts = course.count()
    counts["media_files"] = len(media)
    return PackExported(target, str(document["topic"]), counts)


def _file_name(topic: str) -> str:
    cleaned = re.sub(r"[^\w\- ]+", "", topic).strip().replace(" ", "-").lower()
    return cleaned[:60] or "course"
