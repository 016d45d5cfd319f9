"""Notes taken from a lesson: "Add a note" creates a note linked to the lesson it came from.

The link is stored now (`note_links`, target kind "lesson", resolved), so the Notebook can show
where a note came from and the lesson can list its notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.notes.links import LinkTarget
from app.core.notes.note_actions import insert_note
from app.db.models import Lesson, Note, NoteLink

LESSON_TARGET = "lesson"


@dataclass(frozen=True)
class LessonNote:
    note_id: str
    title: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class NoteAdded:
    note: LessonNote
    link_id: str
    changes: Change


def note_body(body: str, selection: str | None) -> str:
    """The note's text: the selected passage quoted first (markdown `>`), then the learner's."""
    parts = []
    if selection and selection.strip():
        quoted = "\n".join(f"> {line}".rstrip() for line in selection.strip().splitlines())
        parts.append(quoted)
    if body.strip():
        parts.append(body.strip())
    return "\n\n".join(parts)


def split_note_body(body: str) -> tuple[str, str]:
    """(the quoted passage, the learner's own text) of a note body made by `note_body`: the
    leading `>` lines, unquoted, and what follows them."""
    lines = body.strip().split("\n")
    quoted = 0
    while quoted < len(lines) and lines[quoted].startswith(">"):
        quoted += 1
    quote = "\n".join(line[1:].removeprefix(" ") for line in lines[:quoted])
    return quote.strip(), "\n".join(lines[quoted:]).strip()


def add_note(
    session: Session, lesson_id: str, title: str, body: str = "", selection: str | None = None
) -> NoteAdded:
    """A new note linked to the lesson, in the caller's transaction. An empty title becomes
    the lesson's title. Raises LookupError for a lesson that does not exist or was deleted."""
    lesson = session.get(Lesson, lesson_id)
    if lesson is None or lesson.deleted_at is not None:
        raise LookupError(f"no lesson {lesson_id!r}")
    made = insert_note(
        session,
        title=title.strip() or lesson.title,
        body=note_body(body, selection),
        links=(LinkTarget(LESSON_TARGET, lesson.id),),
    )
    note = made.note
    return NoteAdded(
        LessonNote(note.id, note.title, note.body, note.created_at),
        made.origin_link_ids[0],
        Change.NOTES,
    )


def lesson_notes(session: Session, lesson_id: str) -> tuple[LessonNote, ...]:
    """The live notes linked to a lesson, oldest first."""
    rows = session.execute(
        select(Note.id, Note.title, Note.body, Note.created_at)
        .join(NoteLink, NoteLink.note_id == Note.id)
        .where(
            NoteLink.target_kind == LESSON_TARGET,
            NoteLink.target_id == lesson_id,
            NoteLink.deleted_at.is_(None),
            Note.deleted_at.is_(None),
        )
        .order_by(Note.created_at, Note.id)
    )
    return tuple(LessonNote(*row) for row in rows)
