"""Notebook entries (notes and library articles), their tags and their links to other things."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, SyncedRow
from app.db.types import utcnow


class Note(SyncedRow, Base):
    __tablename__ = "notes"
    __table_args__ = (Index(None, "legacy_id"),)

    kind: Mapped[str] = mapped_column(String(20), default="note")  # note | article
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    bookmarked: Mapped[bool] = mapped_column(Boolean, default=False)
    legacy_id: Mapped[str | None] = mapped_column(String(200))
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(40), default="")


class NoteTag(Base):
    __tablename__ = "note_tags"

    note_id: Mapped[str] = mapped_column(ForeignKey("notes.id"), primary_key=True)
    tag_id: Mapped[str] = mapped_column(ForeignKey("tags.id"), primary_key=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class NoteLink(SyncedRow, Base):
    """A note points at a lesson, a question, an article, a card or a video moment.

    `target_id` is the target's row id, or its legacy id while the target is not in the profile
    (an MS2 note citing a question that was never exported); `resolved` says which.
    """

    __tablename__ = "note_links"
    __table_args__ = (Index(None, "note_id"), Index(None, "target_kind", "target_id"))

    note_id: Mapped[str] = mapped_column(ForeignKey("notes.id"))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(200))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
