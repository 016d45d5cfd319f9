"""Writing notes: create, save (a new version each time), tag, pin, move, delete and restore
(notebooks: `notebook_actions`). Each action owns its transaction and returns what changed.

Every save appends a version (`note_versions`) naming the version it was made from, so any
older text can be viewed and restored and sync can merge concurrent edits from their common
ancestor; an old version is never rewritten (each is stored compactly: `version_store`).
`notes.body` holds the newest version's text, and the note's links are kept in line with it
(`link_rows`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.flashcards.cards import ensure_tags
from app.core.flashcards.tags import clean_tag, clean_tags
from app.core.notes import notes_sql as sql
from app.core.notes import version_store
from app.core.notes.link_rows import add_link, sync_body_links
from app.core.notes.links import LinkTarget
from app.db.database import ProfileDatabase
from app.db.models import (
    Note,
    Notebook,
    NoteLink,
    NoteTag,
    NoteVersion,
)
from app.db.types import new_id, utcnow
from app.errors import UserError

MAX_TITLE = 1000  # characters
MAX_BODY = 50_000_000  # characters: far beyond any note typed or imported
UNTITLED = "Untitled"

NOTE_TAG_CHANGES = Change.NOTES | Change.TAGS


class NoteGone(UserError):
    """The note was deleted (here, or by an undo) while it was open."""


@dataclass(frozen=True)
class NoteSaved:
    note_id: str
    version_id: str  # the note's head after the write (the same head for a no-op save)
    updated_at: datetime
    changes: Change


@dataclass(frozen=True)
class NotesDeleted:
    note_ids: tuple[str, ...]
    changes: Change = Change.NOTES


@dataclass(frozen=True)
class NoteInserted:
    """A note made inside the caller's transaction (`insert_note`)."""

    note: Note
    version: NoteVersion
    origin_link_ids: tuple[str, ...]


# --- checks and small helpers -------------------------------------------------------------------


def clean_title(title: str) -> str:
    """The title on one line, its ends trimmed; "Untitled" for an empty one. Raises UserError
    for one longer than MAX_TITLE characters."""
    text = " ".join(title.split())
    if len(text) > MAX_TITLE:
        raise UserError(
            f"A note's title is at most {MAX_TITLE:,} characters; this one has {len(text):,}."
        )
    return text or UNTITLED


def _check_body(body: str) -> str:
    if len(body) > MAX_BODY:
        raise UserError(
            f"This note has {len(body):,} characters; a note holds at most {MAX_BODY:,}. "
            "Split it into several notes."
        )
    if "\x00" in body:
        body = body.replace("\x00", "")  # SQLite text and every other program stop at a NUL
    return body


def nested_tag(name: str) -> str:
    """A tag with its levels (`cardio/valves`) cleaned: each level trimmed, empty ones dropped."""
    levels = (clean_tag(level) for level in name.split("/"))
    return "/".join(level for level in levels if level)


def clean_note_tags(names: Iterable[str]) -> tuple[str, ...]:
    """Nested tags, cleaned by the one tag rule (`app.core.flashcards.tags`), each once."""
    return clean_tags(nested_tag(name) for name in names)


def _live_note(session: Session, note_id: str) -> Note:
    note = session.get(Note, note_id)
    if note is None or note.deleted_at is not None:
        raise NoteGone(
            "This note was deleted, so the change was not saved. Undo the delete (Ctrl+Z) or "
            "copy the text into a new note."
        )
    return note


def _editable_note(session: Session, note_id: str) -> Note:
    note = _live_note(session, note_id)
    if note.kind != "note":
        raise UserError("Library articles are read-only: make a note that links to it instead.")
    return note


@dataclass(frozen=True)
class HeadVersion:
    """The note's newest version, without its text: how it is stored."""

    id: str
    whole: str | None  # its text, when stored whole (`body`)
    header: bytes | None  # the start of its compact form (`version_store.holds`)


def head_version(session: Session, note_id: str) -> HeadVersion | None:
    """The note's newest version (None only for a note no revision or import gave one)."""
    found = next(iter(sql.rows(session, sql.HEAD_VERSION, (note_id,))), None)
    if found is None:
        return None
    return HeadVersion(found["id"], found["body"], found["header"])


def _stored_after(
    session: Session, head: HeadVersion | None, current: str, text: str
) -> version_store.Stored:
    """How to store `text` saved after the head, whose text the note holds as `current`."""
    if head is None:
        return version_store.snapshot(text)
    connection = sql.connection(session)
    if head.whole is not None:
        return version_store.store(head.id, head.whole, text, 0)
    if version_store.holds(head.header, current):
        base = current
    else:  # the note's text is not its head's (written elsewhere): the head's own text
        base = version_store.read_text(connection, head.id)
    return version_store.store(head.id, base, text, version_store.depth(connection, head.id))


def _append_version(
    session: Session,
    note: Note,
    title: str,
    stored: version_store.Stored,
    parents: Sequence[str],
    now: datetime,
) -> NoteVersion:
    version = NoteVersion(
        id=new_id(),
        note_id=note.id,
        title=title,
        body=stored.body,
        data=stored.data,
        base_id=stored.base_id,
        size=stored.size,
        parent_ids=json.dumps(list(parents)),
        created_at=now,
    )
    session.add(version)
    return version


def _set_tags(session: Session, note_id: str, names: Sequence[str], now: datetime) -> bool:
    wanted = set(ensure_tags(session, clean_note_tags(names), now))
    rows = {r.tag_id: r for r in session.scalars(select(NoteTag).where(NoteTag.note_id == note_id))}
    changed = False
    for tag, row in rows.items():
        live = tag in wanted
        if live != (row.deleted_at is None):
            row.deleted_at, row.updated_at, changed = (None if live else now), now, True
    for tag in wanted - set(rows):
        session.add(NoteTag(note_id=note_id, tag_id=tag, updated_at=now))
        changed = True
    return changed


def _check_notebook(session: Session, notebook_id: str | None) -> None:
    if notebook_id is None:
        return
    notebook = session.get(Notebook, notebook_id)
    if notebook is None or notebook.deleted_at is not None:
        raise UserError("That notebook was deleted; choose another one.")


# --- notes --------------------------------------------------------------------------------------


def insert_note(
    session: Session,
    *,
    title: str,
    body: str = "",
    tags: Sequence[str] = (),
    notebook_id: str | None = None,
    links: Sequence[LinkTarget] = (),
    is_sample: bool = False,
    now: datetime | None = None,
    note_id: str | None = None,
) -> NoteInserted:
    """A new note with its first version, tags, body links and origin links (`links`), in the
    caller's transaction (for actions that make a note as part of a larger write). `note_id`:
    an id chosen beforehand (notes made together that link to each other); links already
    pointing at it are marked resolved."""
    now = now or utcnow()
    title, body = clean_title(title), _check_body(body)
    _check_notebook(session, notebook_id)
    note = Note(
        id=note_id or new_id(),
        kind="note",
        title=title,
        summary=None,
        body=body,
        bookmarked=False,
        is_sample=is_sample,
        source="sample" if is_sample else "",
        notebook_id=notebook_id,
        pinned=False,
        created_at=now,
        updated_at=now,
    )
    session.add(note)
    session.flush()
    if note_id is not None:
        session.execute(
            update(NoteLink)
            .where(
                NoteLink.target_kind == "note",
                NoteLink.target_id == note_id,
                NoteLink.resolved.is_(False),
            )
            .values(resolved=True)
        )
    version = _append_version(session, note, title, version_store.snapshot(body), (), now)
    origin = [add_link(session, note.id, t, "origin", now) for t in dict.fromkeys(links)]
    sync_body_links(session, note.id, body, now)
    if tags:
        _set_tags(session, note.id, tags, now)
    session.flush()
    return NoteInserted(note, version, tuple(link.id for link in origin))


def create_note(
    database: ProfileDatabase,
    *,
    title: str,
    body: str = "",
    tags: Sequence[str] = (),
    notebook_id: str | None = None,
    links: Sequence[LinkTarget] = (),
) -> NoteSaved:
    """A new note. `links`: what it was made from (a lesson, a video moment, a card...), kept
    as links whatever its text says."""
    with database.write_session() as session:
        made = insert_note(
            session, title=title, body=body, tags=tags, notebook_id=notebook_id, links=links
        )
        changes = NOTE_TAG_CHANGES if tags else Change.NOTES
        return NoteSaved(made.note.id, made.version.id, made.note.updated_at, changes)


def save_note(
    database: ProfileDatabase, note_id: str, *, title: str, body: str, base_version_id: str | None
) -> NoteSaved:
    """Save the editor's text as a new version made from `base_version_id` (the version the
    editor loaded or last saved; None: the note's head). A save that changes nothing is a no-op
    (the same head, Change.NONE). Raises NoteGone for a deleted note, UserError for a library
    article or a title or body over the limits."""
    title, body = clean_title(title), _check_body(body)
    with database.write_session() as session:
        return _save(session, note_id, title, body, base_version_id)


def _save(
    session: Session, note_id: str, title: str, body: str, base_version_id: str | None
) -> NoteSaved:
    note = _editable_note(session, note_id)
    head = head_version(session, note_id)
    if head is not None and note.title == title and note.body == body:
        return NoteSaved(note_id, head.id, note.updated_at, Change.NONE)
    now = utcnow()
    parents = _parents(session, note_id, head, base_version_id)
    stored = _stored_after(session, head, note.body, body)
    version = _append_version(session, note, title, stored, parents, now)
    if note.body != body:
        sync_body_links(session, note_id, body, now)
    note.title, note.body, note.updated_at = title, body, now
    return NoteSaved(note_id, version.id, now, Change.NOTES)


def _parents(
    session: Session, note_id: str, head: HeadVersion | None, base_version_id: str | None
) -> tuple[str, ...]:
    if base_version_id is None or (head is not None and base_version_id == head.id):
        return () if head is None else (head.id,)
    base = session.scalar(select(NoteVersion.note_id).where(NoteVersion.id == base_version_id))
    if base != note_id:
        raise ValueError(f"{base_version_id!r} is not a version of the note {note_id!r}")
    return (base_version_id,)


def restore_version(
    database: ProfileDatabase, note_id: str, version_id: str, base_version_id: str | None
) -> NoteSaved:
    """Make an older version's title and text the note's newest version (made from the head
    the editor shows, `base_version_id`); nothing in between is lost."""
    with database.write_session() as session:
        old = session.execute(
            select(NoteVersion.note_id, NoteVersion.title).where(NoteVersion.id == version_id)
        ).first()
        if old is None or old.note_id != note_id:
            raise UserError("That version is not one of this note's.")
        body = version_store.read_text(sql.connection(session), version_id)
        return _save(session, note_id, old.title, body, base_version_id)


def set_note_tags(database: ProfileDatabase, note_id: str, tags: Sequence[str]) -> Change:
    """Replace the note's tags (nested ones like `cardio/valves` allowed)."""
    with database.write_session() as session:
        note = _live_note(session, note_id)
        now = utcnow()
        if not _set_tags(session, note_id, tags, now):
            return Change.NONE
        note.updated_at = now
        return NOTE_TAG_CHANGES


def pin_note(database: ProfileDatabase, note_id: str, pinned: bool) -> Change:
    with database.write_session() as session:
        note = _live_note(session, note_id)
        if note.pinned == pinned:
            return Change.NONE
        note.pinned, note.updated_at = pinned, utcnow()
        return Change.NOTES


def move_note(database: ProfileDatabase, note_id: str, notebook_id: str | None) -> Change:
    """Put the note in a notebook (None: in no notebook)."""
    with database.write_session() as session:
        note = _live_note(session, note_id)
        _check_notebook(session, notebook_id)
        if note.notebook_id == notebook_id:
            return Change.NONE
        note.notebook_id, note.updated_at = notebook_id, utcnow()
        return Change.NOTES


def delete_note(database: ProfileDatabase, note_id: str) -> NotesDeleted:
    """Delete a note (a tombstone: `restore_notes` brings it back whole, versions and all)."""
    with database.write_session() as session:
        note = _live_note(session, note_id)
        now = utcnow()
        note.deleted_at, note.updated_at = now, now
        return NotesDeleted((note_id,))


def restore_notes(database: ProfileDatabase, note_ids: Sequence[str]) -> NotesDeleted:
    """Undo a delete: the notes come back as they were."""
    restored = []
    with database.write_session() as session:
        now = utcnow()
        for note_id in note_ids:
            note = session.get(Note, note_id)
            if note is not None and note.deleted_at is not None:
                note.deleted_at, note.updated_at = None, now
                restored.append(note_id)
    return NotesDeleted(tuple(restored), Change.NOTES if restored else Change.NONE)
