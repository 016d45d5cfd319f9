"""Reading notes: the list with its filters, one note with its links resolved, and versions.
What links point to, backlinks and the link picker's choices are in `link_reads`; finding
notes by their titles (unlinked mentions, `[[` completion) is in `title_search`.

Each read opens its own read session. The list and versions use the plain SQL of `notes_sql`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.notes import notes_sql as sql
from app.core.notes import version_store
from app.core.notes.link_reads import ResolvedLink, note_links
from app.core.notes.note_actions import NoteGone, clean_note_tags, head_version
from app.core.notes.snippets import plain_snippet
from app.db.database import ProfileDatabase
from app.db.models import Note, NoteTag, NoteVersion, Tag
from app.db.types import from_db_time
from app.errors import UserError

LIST_PAGE = 200  # rows of the note list read at a time

Sort = Literal["updated", "title"]


@dataclass(frozen=True)
class NoteQuery:
    search: str = ""  # words in the title or text (plain match; the Ctrl+K search is FTS)
    tag: str | None = None  # a tag and the tags nested in it (`cardio` takes `cardio/valves`)
    notebook_id: str | None = None  # a notebook and those inside it
    linked_kind: str | None = None  # notes with a link of that kind (links.KINDS)
    sort: Sort = "updated"
    include_articles: bool = False


@dataclass(frozen=True)
class NoteRow:
    id: str
    title: str
    kind: str  # "note" | "article"
    snippet: str
    tags: tuple[str, ...]
    notebook_id: str | None
    pinned: bool
    updated_at: datetime
    link_kinds: tuple[str, ...]


@dataclass(frozen=True)
class NotebookRow:
    id: str
    name: str
    parent_id: str | None
    notes: int  # live notes directly in it


@dataclass(frozen=True)
class NoteList:
    rows: tuple[NoteRow, ...]
    tags: tuple[str, ...]  # every tag a live note carries, sorted
    notebooks: tuple[NotebookRow, ...]  # sorted by name
    total: int = 0  # live notes before the filters
    matched: int = 0  # live notes the filters find (articles not counted)
    offset: int = 0  # of the first row among those the query finds
    more: bool = False  # rows follow these (ask from offset + len(rows))


@dataclass(frozen=True)
class OpenedNote:
    id: str
    title: str
    body: str
    kind: str
    tags: tuple[str, ...]
    notebook_id: str | None
    pinned: bool
    head_version_id: str | None
    created_at: datetime
    updated_at: datetime
    links: tuple[ResolvedLink, ...] = field(default=())


@dataclass(frozen=True)
class NoteVersionRow:
    id: str
    parent_ids: tuple[str, ...]
    title: str
    created_at: datetime
    device: str | None  # no device ids yet: None
    size: int  # characters of the body


def _time(text: str) -> datetime:
    return from_db_time(text)


# --- the list -----------------------------------------------------------------------------------


def _tags_by_note(session: Session, ids: list[str]) -> dict[str, tuple[str, ...]]:
    split, separator = str.split, sql.TAG_SEPARATOR
    return {
        row["note_id"]: tuple(sorted(split(row["names"], separator), key=str.casefold))
        for row in sql.rows(session, sql.NOTE_TAGS, {"ids": json.dumps(ids)})
    }


def _link_kinds(session: Session, ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for row in sql.rows(session, sql.NOTE_LINK_KINDS, {"ids": json.dumps(ids)}):
        found[row["note_id"]].append(row["target_kind"])
    return found


def _in_tag(tags: Iterable[str], wanted: str) -> bool:
    prefix = wanted + "/"
    return any(t.casefold() == wanted or t.casefold().startswith(prefix) for t in tags)


def _notebooks(session: Session) -> list[NotebookRow]:
    found = [
        NotebookRow(r["id"], r["name"], r["parent_id"], r["notes"])
        for r in sql.rows(session, sql.NOTEBOOKS)
    ]
    return sorted(found, key=lambda b: (b.name.casefold(), b.id))


def _within(notebooks: list[NotebookRow], top: str) -> set[str]:
    children: dict[str | None, list[str]] = defaultdict(list)
    for notebook in notebooks:
        children[notebook.parent_id].append(notebook.id)
    found, stack = set(), [top]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children[current])
    return found


def _filters(session: Session, query: NoteQuery, notebooks: list[NotebookRow]) -> dict[str, Any]:
    """The list statements' parameters for the query's filters."""
    search = " ".join(query.search.replace("\x00", "").split())  # no text holds a NUL
    tags = None
    if query.tag:
        cleaned = clean_note_tags([query.tag])
        nested = cleaned[0].casefold() if cleaned else ""
        tags = json.dumps(
            [r["id"] for r in sql.rows(session, sql.TAGS) if _in_tag((r["name"],), nested)]
        )
    books = None
    if query.notebook_id:
        books = json.dumps(sorted(_within(notebooks, query.notebook_id)))
    return {
        "articles": int(query.include_articles),
        "books": books,
        "tags": tags,
        "linked": query.linked_kind or None,
        "search": sql.like_pattern(search) if search else "",
    }


def _page_ids(
    session: Session, query: NoteQuery, filters: dict[str, Any], offset: int, limit: int
) -> list[str]:
    declared = sql.NOTE_PAGE_BY_TITLE if query.sort == "title" else sql.NOTE_PAGE
    page = {**filters, "offset": offset, "limit": limit}
    return [r["id"] for r in sql.rows(session, declared, page)]


def note_list(
    database: ProfileDatabase,
    query: NoteQuery | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> NoteList:
    """Live notes (and library articles if asked) matching the query, notes before articles,
    pinned first, then by the sort (newest change first, or title): `limit` rows from
    `offset` (None: all). Only the rows returned are read whole (the start of their text);
    `matched` counts the notes the query finds, `total` every live note, `more` says whether
    rows follow the page."""
    query = query or NoteQuery()
    with database.read_session() as session:
        notebooks = _notebooks(session)
        filters = _filters(session, query, notebooks)
        wanted = -1 if limit is None else limit + 1
        ids = _page_ids(session, query, filters, max(0, offset), wanted)
        more = limit is not None and len(ids) > limit
        ids = ids[:limit] if limit is not None else ids
        page = {r["id"]: r for r in sql.rows(session, sql.NOTE_ROWS, {"ids": json.dumps(ids)})}
        tags = _tags_by_note(session, ids)
        kinds = _link_kinds(session, ids)
        total = next(sql.rows(session, sql.NOTE_TOTAL))["found"]
        narrowed = any(filters[k] for k in ("books", "tags", "linked", "search"))
        matched = (
            next(sql.rows(session, sql.NOTE_MATCH_COUNT, filters))["found"] if narrowed else total
        )
        all_tags = sorted(
            (r["name"] for r in sql.rows(session, sql.NOTE_TAG_NAMES)), key=str.casefold
        )
    rows = []
    for note_id in ids:
        r = page.get(note_id)
        if r is None:
            continue
        rows.append(
            NoteRow(
                id=note_id,
                title=r["title"],
                kind=r["kind"],
                snippet=plain_snippet(r["head"]),
                tags=tags.get(note_id, ()),
                notebook_id=r["notebook_id"],
                pinned=bool(r["pinned"]),
                updated_at=_time(r["updated_at"]),
                link_kinds=tuple(sorted(kinds.get(note_id, ()))),
            )
        )
    return NoteList(
        tuple(rows), tuple(all_tags), tuple(notebooks), total, matched, max(0, offset), more
    )


# --- one note -----------------------------------------------------------------------------------


def note_tags(session: Session, note_id: str) -> tuple[str, ...]:
    names = session.scalars(
        select(Tag.name)
        .join(NoteTag, NoteTag.tag_id == Tag.id)
        .where(NoteTag.note_id == note_id, NoteTag.deleted_at.is_(None), Tag.deleted_at.is_(None))
        .order_by(Tag.name)
    )
    return tuple(names)


def open_note(database: ProfileDatabase, note_id: str) -> OpenedNote:
    """A live note whole: text, tags, head version and links resolved. Raises NoteGone
    (a UserError) for a missing or deleted note."""
    with database.read_session() as session:
        note = session.get(Note, note_id)
        if note is None or note.deleted_at is not None:
            raise NoteGone("This note was deleted.")
        head = head_version(session, note_id)
        return OpenedNote(
            id=note.id,
            title=note.title,
            body=note.body,
            kind=note.kind,
            tags=note_tags(session, note_id),
            notebook_id=note.notebook_id,
            pinned=note.pinned,
            head_version_id=None if head is None else head.id,
            created_at=note.created_at,
            updated_at=note.updated_at,
            links=note_links(session, note_id, note.body),
        )


# --- versions -----------------------------------------------------------------------------------


def note_versions(database: ProfileDatabase, note_id: str) -> list[NoteVersionRow]:
    """Every version of a note, newest first, each with the versions it was made from."""
    with database.read_session() as session:
        found = list(sql.rows(session, sql.VERSIONS, (note_id,)))
    return [
        NoteVersionRow(
            id=r["id"],
            parent_ids=tuple(json.loads(r["parent_ids"] or "[]")),
            title=r["title"],
            created_at=_time(r["created_at"]),
            device=None,
            size=r["size"] or 0,
        )
        for r in found
    ]


def version_text(database: ProfileDatabase, version_id: str) -> tuple[str, str]:
    """(title, body) of one version. Raises UserError for a version not in the profile."""
    with database.read_session() as session:
        title = session.scalar(select(NoteVersion.title).where(NoteVersion.id == version_id))
        if title is None:
            raise UserError("That version of the note is not in this profile.")
        return title, version_store.read_text(sql.connection(session), version_id)
