"""The question bank: multiple-choice questions with explanations, and their tags."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, SyncedRow
from app.db.types import utcnow


class Question(SyncedRow, Base):
    __tablename__ = "questions"
    # The bank's filters (subject, system, difficulty, MS2's status, live) and its default order
    # read this one index without touching the rows, which carry the long stems.
    __table_args__ = (
        Index(None, "subject", "system", "difficulty", "status", "deleted_at", "legacy_id", "id"),
        Index(None, "legacy_id"),
    )

    legacy_id: Mapped[str | None] = mapped_column(String(100))
    stem: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(String(10))
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    subject: Mapped[str | None] = mapped_column(String(100))
    system: Mapped[str | None] = mapped_column(String(100))
    difficulty: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(40))
    is_sample: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(40), default="")
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # keywords, media, references


class QuestionTag(Base):
    """Set membership: one row per (question, tag); removing a tag sets deleted_at."""

    __tablename__ = "question_tags"

    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    tag_id: Mapped[str] = mapped_column(ForeignKey("tags.id"), primary_key=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
