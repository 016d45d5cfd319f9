"""Helpers for the course tests: courses written straight into a profile, log rows, packs."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.db.models import Course, CourseModule, Lesson, LessonContent, LessonEvent
from app.db.types import new_id

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT.parent / "shared" / "fixtures" / "legacy"
RECONSTRUCTED = FIXTURES / "techtree_db.reconstructed-164e153.json"
SAMPLE_PACK = ROOT / "resources" / "sample" / "courses" / "spaced-repetition"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def make_course(
    session: Session,
    topic: str,
    lessons_per_module: list[int],
    *,
    level: str = "beginner",
    with_content: bool = True,
    **fields: Any,
) -> tuple[str, list[list[str]]]:
    """A course with the given number of lessons in each module; (course id, lesson ids)."""
    course = Course(id=new_id(), topic=topic, level=level, **fields)
    session.add(course)
    session.flush()
    ids: list[list[str]] = []
    for m, count in enumerate(lessons_per_module):
        module = CourseModule(
            id=new_id(), course_id=course.id, position=m, week=m + 1, title=f"Module {m + 1}"
        )
        session.add(module)
        session.flush()
        ids.append([])
        for n in range(count):
            lesson = Lesson(
                id=new_id(),
                module_id=module.id,
                course_id=course.id,
                position=n,
                title=f"Lesson {m + 1}.{n + 1}",
            )
            session.add(lesson)
            if with_content:
                session.add(LessonContent(lesson_id=lesson.id, body=generated_body()))
            ids[-1].append(lesson.id)
    session.flush()
    return course.id, ids


def add_event(
    session: Session,
    lesson_id: str,
    kind: str,
    when: datetime,
    *,
    status: str | None = None,
    score: float | None = None,
    event_id: str | None = None,
) -> None:
    lesson = session.get(Lesson, lesson_id)
    assert lesson is not None
    session.add(
        LessonEvent(
            id=event_id or new_id(),
            lesson_id=lesson_id,
            course_id=lesson.course_id,
            kind=kind,
            status=status,
            score=score,
            occurred_at=when,
            source="techtree" if kind == "status" else "studydesk",
        )
    )
    session.flush()


def generated_body() -> dict[str, Any]:
    """A lesson body in TechTree's generated shapes."""
    return {
        "exposition_content": "## Title\n\nSome text.",
        "thought_questions": ["Why?"],
        "active_exercises": [
            {
                "instructions": "Compute 2 + 2.",
                "solution_format": "A number",
                "hints": ["Count.", "Use fingers."],
                "correct_answer": "4",
                "explanation": "Two and two make four.",
                "common_misconceptions": [{"misconception": "5", "correction": "No, 4."}],
            }
        ],
        "knowledge_assessment": [
            {
                "question": "2 + 2?",
                "options": ["3", "4", "5"],
                "correct_answer": "4",
                "explanation": "Arithmetic.",
                "confidence_check": "How sure are you?",
            },
            {
                "question": "1 + 1?",
                "options": ["2", "11"],
                "correct_answer": "2",
                "explanation": "Still arithmetic.",
                "confidence_check": "How sure are you?",
            },
        ],
    }


def png(width: int, height: int) -> bytes:
    """A real (tiny or huge-claiming) PNG: the header says width x height."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * min(width, 64) for _ in range(min(height, 64)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pack_document(**changes: Any) -> dict[str, Any]:
    """The sample course's course.json, with top-level keys replaced by `changes`."""
    document = json.loads((SAMPLE_PACK / "course.json").read_text(encoding="utf-8"))
    document.update(changes)
    return document


def zip_pack(path: Path, document: Any, files: dict[str, bytes] | None = None) -> Path:
    """A .sdcourse zip holding `document` as course.json (text as given if it is a str)."""
    with zipfile.ZipFile(path, "w") as archive:
        text = document if isinstance(document, str) else json.dumps(document)
        archive.writestr("course.json", text)
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path
