"""Notebook entries (notes and library articles), their notebooks, versions, tags and links."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, LogRow, SyncedRow
from app.db.types import utcnow

# A note's first version has a UUIDv5 of the note's id (revision 0006 and imports make it), so
# two devices that bring in the same note make the same first version.
FIRST_VERSION_NAMESPACE = uuid.UUID("5b0e7c1a-3f4d-4c8e-9a2b-7d6e5f4a3b2c")


def first_version_id(note_id: str) -> str:
    return str(uuid.uuid5(FIRST_VERSION_NAMESPACE, note_id))


class Notebook(SyncedRow, Base):
    """A folder of notes; `parent_id` nests it in another. Listed by name (no manual order)."""

    __tablename__ = "notebooks"
    __table_args__ = (Index(None, "parent_id"),)

    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("notebooks.id"), default=None)


class Note(SyncedRow, Base):
    """A note or a library article. `body` is the text of the newest version (`note_versions`),
    kept here so lists and searches read one row; the versions are the history."""

    __tablename__ = "notes"
    __table_args__ = (
        Index(None, "legacy_id"),
        Index(None, "notebook_id"),
        # The note list's pages (notes before articles, pinned first, newest change first) and
        # its filters by notebook and title order, read from the index alone.
        Index(
            "ix_notes_list",
            "kind",
            "pinned",
            "updated_at",
            "id",
            "title",
            "notebook_id",
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )

    kind: Mapped[str] = mapped_column(String(20), default="note")  # note | article
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    bookmarked: Mapped[bool] = mapped_column(Boolean, default=False)
    legacy_id: Mapped[str | None] = mapped_column(String(200))
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(40), default="")
    notebook_id: Mapped[str | None] = mapped_column(ForeignKey("notebooks.id"), default=None)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))


class NoteVersion(LogRow, Base):
    """One saved state of a note (title and body), append-only: never updated or deleted.

    `parent_ids` is a JSON list of the versions it was made from: none for the first, one for
    an ordinary save, two or more for a merge of concurrent edits (SYNC.md's version graph).

    The text is stored one of two ways (`app.core.notes.version_store` reads both):
    - `body` holds it whole (first versions written by imports, merges, versions made before
      revision 0012), `data` is NULL;
    - `body` is NULL and `data` holds it compactly: the whole text compressed (`base_id` NULL),
      or the changes from the version `base_id` (an earlier version of the same note; never a
      chain longer than `version_store.SNAPSHOT_EVERY`), compressed. `size` is the text's
      length in characters either way (NULL for rows from before: `length(body)`).
    The stored form is written once with the row, like the rest of it.
    """

    __tablename__ = "note_versions"
    __table_args__ = (Index(None, "note_id", "created_at", "id"),)  # the head: newest first

    note_id: Mapped[str] = mapped_column(ForeignKey("notes.id"))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    parent_ids: Mapped[str] = mapped_column(Text, default="[]")
    data: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    base_id: Mapped[str | None] = mapped_column(String(36), default=None)
    size: Mapped[int | None] = mapped_column(Integer, default=None)


class NoteTag(Base):
    __tablename__ = "note_tags"

    note_id: Mapped[str] = mapped_column(ForeignKey("notes.id"), primary_key=True)
    tag_id: Mapped[str] = mapped_column(ForeignKey("tags.id"), primary_key=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class NoteLink(SyncedRow, Base):
    """A note points at a note, lesson, card, deck, question, article or video moment.

    `target_id` is the target's row id, or its legacy id while the target is not in the profile
    (an MS2 note citing a question that was never exported); `resolved` says which. `source` is
    "body" for a link written in the note's text (kept in line with it on every save) or
    "origin" for what the note was made from (a lesson, a video moment, an MS2 citation), kept
    whatever the text says. `at_s` is the moment of a video link, in seconds.
    """

    __tablename__ = "note_links"
    __table_args__ = (Index(None, "note_id"), Index(None, "target_kind", "target_id"))

    note_id: Mapped[str] = mapped_column(ForeignKey("notes.id"))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(200))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(
        String(10), default="origin", server_default=text("'origin'")
    )
    at_s: Mapped[float | None] = mapped_column(Float, default=None)
