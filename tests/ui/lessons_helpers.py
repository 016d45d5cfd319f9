"""Helpers for the Lessons view tests: profiles with courses, the view on screen, the log."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_helpers import Gui

from app.core.opening import OpenProfile, open_profile
from app.core.profiles import Profile, create_profile, list_profiles
from app.db.models import Course, CourseModule, Lesson, LessonContent, LessonEvent
from app.db.types import new_id
from app.paths import DataLocations
from app.ui.lessons.view import LessonsView

WAIT_MS = 15_000
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT.parent / "shared" / "fixtures" / "legacy"
RECONSTRUCTED = FIXTURES / "techtree_db.reconstructed-164e153.json"
LEGACY_PASSWORD = "correct horse battery staple"  # the fixture's learner (see its README)
SAMPLE_PACK = ROOT / "resources" / "sample" / "courses" / "spaced-repetition" / "course.json"
SAMPLE_TOPIC = "How to study with spaced repetition"


def open_legacy_learner(locations: DataLocations) -> OpenProfile:
    """The TechTree learner of the reconstructed fixture, imported as a first launch would,
    and opened: the course "black holes" (6 modules, 52 lessons, only 1.1 has content, 2.2 in
    progress)."""
    if not RECONSTRUCTED.is_file():
        pytest.skip(f"the shared legacy fixture is not here: {RECONSTRUCTED}")
    from app.importers.legacy_import import import_legacy

    existing = [p for p in list_profiles(locations) if p.name == "Default"]
    default: Profile = existing[0] if existing else create_profile(locations, "Default")
    open_profile(locations, default).close()
    import_legacy(locations, [RECONSTRUCTED], default_profile=default)
    (learner,) = [p for p in list_profiles(locations) if p.name == "Sample Learner"]
    return open_profile(locations, learner, password=LEGACY_PASSWORD)


def show_view(qtbot: QtBot, gui: Gui, opened: OpenProfile) -> LessonsView:
    view = LessonsView(gui.context(opened))
    qtbot.addWidget(view)
    view.resize(1000, 720)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()  # window shortcuts only work in the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: view.library.loaded, timeout=WAIT_MS)
    return view


def open_course_outline(qtbot: QtBot, view: LessonsView, row: int = 0) -> None:
    course_id = view.library.model.rows[row].course_id
    view.open_course(course_id)
    qtbot.waitUntil(
        lambda: view.outline.course is not None and view.outline.course.course_id == course_id,
        timeout=WAIT_MS,
    )


def lesson_id(view: LessonsView, number: str) -> str:
    course = view.outline.course
    assert course is not None
    for module in course.modules:
        for lesson in module.lessons:
            if lesson.number == number:
                return lesson.lesson_id
    raise AssertionError(f"no lesson {number}")


def open_reader(qtbot: QtBot, view: LessonsView, wanted: str) -> None:
    view.open_lesson(wanted)
    qtbot.waitUntil(
        lambda: view.reader.lesson is not None and view.reader.lesson.view.lesson_id == wanted,
        timeout=WAIT_MS,
    )


def events(opened: OpenProfile, wanted: str) -> list[tuple[str, float | None]]:
    """The lesson's log, oldest first: (kind, score)."""
    with opened.database.read_session() as session:
        rows = session.execute(
            select(LessonEvent.kind, LessonEvent.score)
            .where(LessonEvent.lesson_id == wanted)
            .order_by(LessonEvent.occurred_at, LessonEvent.id)
        ).all()
    return [(kind, score) for kind, score in rows]


def add_course(
    opened: OpenProfile, topic: str, bodies: list[dict[str, Any] | None], *, level: str = "beginner"
) -> tuple[str, list[str]]:
    """A one-module course written straight into the profile; a None body is a lesson
    without content. Returns (course id, lesson ids)."""
    with opened.database.write_session() as session:
        course = Course(id=new_id(), topic=topic, level=level, objectives=["Learn it"])
        session.add(course)
        session.flush()
        module = CourseModule(
            id=new_id(), course_id=course.id, position=0, week=1, title="First steps"
        )
        session.add(module)
        session.flush()
        ids = []
        for position, body in enumerate(bodies):
            lesson = Lesson(
                id=new_id(),
                module_id=module.id,
                course_id=course.id,
                position=position,
                title=f"Lesson {position + 1}",
            )
            session.add(lesson)
            session.flush()
            if body is not None:
                session.add(LessonContent(lesson_id=lesson.id, body=body))
            ids.append(lesson.id)
        return course.id, ids


def sample_pack(path: Path, topic: str) -> Path:
    """The sample course as a .sdcourse of another course: new topic, ids left to derive."""
    document = json.loads(SAMPLE_PACK.read_text(encoding="utf-8"))
    document.pop("id")
    document["topic"] = topic
    for module in document["modules"]:
        module.pop("id")
        for lesson in module["lessons"]:
            lesson.pop("id")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("course.json", json.dumps(document))
    return path


def png_bytes() -> bytes:
    """A real 2 x 2 grey PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
        return struct.pack(">I", len(payload)) + kind + payload + crc

    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    rows = b"\x00\x80\x80" * 2
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
