"""Courses: syllabus -> modules -> lessons, lesson content, the lesson log and placement checks.

A lesson's status and score are never stored as values: they are derived from `lesson_events`,
the append-only log, so progress made on two devices merges by union.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, LogRow, SyncedRow


class Course(SyncedRow, Base):
    __tablename__ = "courses"
    __table_args__ = (Index(None, "topic"),)

    topic: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(60), default="")
    duration: Mapped[str | None] = mapped_column(String(60))
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    entered_topic: Mapped[str | None] = mapped_column(String(300))
    master_id: Mapped[str | None] = mapped_column(ForeignKey("courses.id"), index=True)
    is_master: Mapped[bool] = mapped_column(Boolean, default=False)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(40), default="")
    legacy_key: Mapped[str | None] = mapped_column(String(200))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CourseModule(SyncedRow, Base):
    __tablename__ = "course_modules"
    __table_args__ = (UniqueConstraint("course_id", "position"),)

    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    week: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)


class Lesson(SyncedRow, Base):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("module_id", "position"), Index(None, "course_id"))

    module_id: Mapped[str] = mapped_column(ForeignKey("course_modules.id"))
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    duration: Mapped[str | None] = mapped_column(String(60))


class LessonContent(SyncedRow, Base):
    """The lesson's body: exposition markdown, thought questions, exercises, knowledge checks.

    Kept as one JSON document because nothing filters on its inside; the shapes are in
    shared/docs/LEGACY_FORMATS.md and both exercise and check shapes are read as they come.
    """

    __tablename__ = "lesson_contents"

    lesson_id: Mapped[str] = mapped_column(ForeignKey("lessons.id"), unique=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class LessonEvent(LogRow, Base):
    """Append-only: a lesson opened, scored, completed, or a status carried over from older data."""

    __tablename__ = "lesson_events"
    __table_args__ = (
        Index(None, "lesson_id", "occurred_at"),
        Index(None, "course_id", "occurred_at"),
    )

    lesson_id: Mapped[str] = mapped_column(ForeignKey("lessons.id"))
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"))
    kind: Mapped[str] = mapped_column(String(20))  # opened | completed | scored | status
    status: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float)
    occurred_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(40), default="")
    # What happened in more detail (the check answered and the option chosen, ...); never queried.
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PlacementCheck(SyncedRow, Base):
    """A knowledge-level check for a topic: the questions asked, the answers given, the result."""

    __tablename__ = "placement_checks"
    __table_args__ = (Index(None, "topic"),)

    topic: Mapped[str] = mapped_column(String(300))
    course_id: Mapped[str | None] = mapped_column(ForeignKey("courses.id"), index=True)
    knowledge_level: Mapped[str] = mapped_column(String(40))
    score: Mapped[float | None] = mapped_column(Float)
    questions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    responses: Mapped[list[Any]] = mapped_column(JSON, default=list)
    taken_at: Mapped[datetime]
