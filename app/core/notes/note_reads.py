"""Reading notes: the list with its filters, one note with its links resolved, backlinks,
versions, and the choices of the link picker. Finding notes by their titles (unlinked
mentions, `[[` completion) is in `title_search`.

Each read opens its own read session. Lists and backlinks use the plain SQL of `notes_sql`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.notes import notes_sql as sql
from app.core.notes import version_store
from app.core.notes.links import LinkTarget, links_in
from app.core.notes.note_actions import NoteGone, clean_note_tags, head_version
from app.core.videos.bookmarks import clock
from app.db.database import ProfileDatabase
from app.db.models import (
    Card,
    Deck,
    Lesson,
    Note,
    NoteLink,
    NoteTag,
    NoteVersion,
    Question,
    Tag,
    Video,
    VideoBookmark,
)
from app.db.types import from_db_time
from app.errors import UserError

SNIPPET = 160  # characters of a list row's or backlink's snippet
LIST_PAGE = 200  # rows of the note list read at a time
CHIP_TITLE = 80  # characters of a link's title (a card's front, a question's stem)

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
class ResolvedLink:
    target: LinkTarget
    title: str | None  # what a chip shows; None when the target is not in the profile
    exists: bool  # False: missing or deleted (the chip says so and offers to relink)
    source: str = "body"  # "body" | "origin"


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
class Backlink:
    kind: str  # "note" | "article" | "card" | "bookmark"
    id: str
    title: str
    snippet: str
    at_s: float | None = None  # a bookmark's moment
    video_id: str | None = None  # a bookmark's video


@dataclass(frozen=True)
class NoteVersionRow:
    id: str
    parent_ids: tuple[str, ...]
    title: str
    created_at: datetime
    device: str | None  # no device ids yet: None
    size: int  # characters of the body


# --- text helpers -------------------------------------------------------------------------------

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = str.maketrans("", "", "*`#>~")  # emphasis, code, headings, quotes, strikethrough


def plain_snippet(markdown: str, limit: int = SNIPPET) -> str:
    """A line of plain text from the start of a markdown text: links show their labels, marks
    are dropped, white space is one space. Quick (it runs for each row of the note list)."""
    text = markdown[: limit * 3]
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    text = " ".join(text.translate(_MARKS).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _short(text: str, limit: int = CHIP_TITLE) -> str:
    return plain_snippet(text, limit)


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


def _find_target(session: Session, target: LinkTarget) -> tuple[LinkTarget, str | None, bool]:
    """(the target by its row id, its title, whether it is there and not deleted). A target
    stored by its legacy id (an MS2 citation) is looked up by that id too."""
    kind, key = target.kind, target.id
    row: object | None
    title: str | None = None
    if kind in ("note", "article"):
        row = session.get(Note, key)
        if row is None and kind == "article":
            row = session.scalars(
                select(Note).where(Note.legacy_id == key, Note.kind == "article").limit(1)
            ).first()
        title = row.title if isinstance(row, Note) else None
    elif kind == "question":
        row = (
            session.get(Question, key)
            or session.scalars(select(Question).where(Question.legacy_id == key).limit(1)).first()
        )
        title = _short(row.stem) if isinstance(row, Question) else None
    elif kind == "lesson":
        row = session.get(Lesson, key)
        title = row.title if isinstance(row, Lesson) else None
    elif kind == "card":
        row = session.get(Card, key)
        title = _short(row.front) if isinstance(row, Card) else None
    elif kind == "deck":
        row = session.get(Deck, key)
        title = row.name if isinstance(row, Deck) else None
    else:  # video
        row = session.get(Video, key)
        if isinstance(row, Video):
            title = row.title if target.at_s is None else f"{row.title} @ {clock(target.at_s)}"
    if row is None:
        return target, None, False
    real_id = getattr(row, "id", key)
    found = LinkTarget(kind, real_id, target.at_s) if real_id != key else target
    return found, title, getattr(row, "deleted_at", None) is None


def resolve_link(database: ProfileDatabase, target: LinkTarget) -> ResolvedLink:
    """One link's title and whether its target is there (for a chip typed or pasted in)."""
    with database.read_session() as session:
        found, title, exists = _find_target(session, target)
        return ResolvedLink(found, title, exists)


def _note_links(session: Session, note_id: str, body: str) -> tuple[ResolvedLink, ...]:
    stored = session.execute(
        select(NoteLink.target_kind, NoteLink.target_id, NoteLink.at_s, NoteLink.source).where(
            NoteLink.note_id == note_id, NoteLink.deleted_at.is_(None)
        )
    ).all()
    order: dict[LinkTarget, str] = {}
    for kind, target_id, at_s, source in sorted(stored, key=lambda r: r[3] != "origin"):
        try:
            order.setdefault(LinkTarget(kind, target_id, at_s), source)
        except ValueError:
            continue  # a kind this version does not know
    for target in links_in(body):  # the text's order, and links not yet saved
        order.setdefault(target, "body")
    resolved = []
    for target, source in order.items():
        found, title, exists = _find_target(session, target)
        resolved.append(ResolvedLink(found, title, exists, source))
    return tuple(resolved)


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
            links=_note_links(session, note_id, note.body),
        )


# --- backlinks and mentions ---------------------------------------------------------------------


def _legacy_id(session: Session, target: LinkTarget) -> str:
    if target.kind == "article":
        return session.scalar(select(Note.legacy_id).where(Note.id == target.id)) or target.id
    if target.kind == "question":
        return (
            session.scalar(select(Question.legacy_id).where(Question.id == target.id)) or target.id
        )
    return target.id


def backlinks(database: ProfileDatabase, target: LinkTarget) -> list[Backlink]:
    """Every live note, card and bookmark that links to the target (for a video: any moment of
    it), newest first per kind: notes, then cards, then bookmarks."""
    whole = LinkTarget(target.kind, target.id)  # a video's links at any moment
    url = whole.url
    found: list[Backlink] = []
    with database.read_session() as session:
        params = {"url": url, "kind": target.kind, "id": target.id}
        params["legacy"] = _legacy_id(session, target)
        for r in sql.rows(session, sql.BACKLINK_NOTES, params):
            text = r["around"] if r["found"] else r["head"]
            found.append(Backlink(r["kind"], r["id"], r["title"], plain_snippet(text)))
        for r in sql.rows(session, sql.BACKLINK_CARDS, {"kind": target.kind, "id": target.id}):
            found.append(Backlink("card", r["id"], _short(r["front"]), plain_snippet(r["back"])))
        for r in sql.rows(session, sql.BACKLINK_BOOKMARKS, {"url": url}):
            title = f"{r['title']} @ {clock(r['at_s'])}"
            label = r["label"] or title
            found.append(
                Backlink(
                    "bookmark", r["id"], label, plain_snippet(r["note"]), r["at_s"], r["video_id"]
                )
            )
    return found


# Kinds the picker finds by one text column: (id, text, deleted_at, order).
_PICKED_BY_TEXT: dict[str, tuple[Any, Any, Any, Any]] = {
    "lesson": (Lesson.id, Lesson.title, Lesson.deleted_at, Lesson.title),
    "card": (Card.id, Card.front, Card.deleted_at, Card.sort_text),
    "deck": (Deck.id, Deck.name, Deck.deleted_at, Deck.name),
    "question": (Question.id, Question.stem, Question.deleted_at, Question.id),
}


def link_choices(
    database: ProfileDatabase, kind: str, typed: str, limit: int = 30
) -> list[tuple[LinkTarget, str]]:
    """What the link picker (Ctrl+L) offers for a kind: lessons, cards, decks, video moments
    (bookmarks, then whole videos), questions, articles or notes whose text holds `typed`."""
    pattern = sql.like_pattern(typed.strip())
    choices: list[tuple[LinkTarget, str]] = []
    with database.read_session() as session:
        if kind in ("note", "article"):
            rows = session.execute(
                select(Note.id, Note.title)
                .where(Note.kind == kind, Note.deleted_at.is_(None))
                .where(Note.title.like(pattern, escape="\\"))
                .order_by(Note.updated_at.desc())
                .limit(limit)
            )
            choices = [(LinkTarget(kind, i), t) for i, t in rows]
        elif kind in _PICKED_BY_TEXT:
            id_column, text_column, deleted, order = _PICKED_BY_TEXT[kind]
            rows = session.execute(
                select(id_column, text_column)
                .where(deleted.is_(None), text_column.like(pattern, escape="\\"))
                .order_by(order)
                .limit(limit)
            )
            choices = [(LinkTarget(kind, i), _short(t)) for i, t in rows]
        elif kind == "video":
            marks = session.execute(
                select(VideoBookmark.video_id, VideoBookmark.at_s, VideoBookmark.label, Video.title)
                .join(Video, Video.id == VideoBookmark.video_id)
                .where(VideoBookmark.deleted_at.is_(None), Video.deleted_at.is_(None))
                .where(
                    VideoBookmark.label.like(pattern, escape="\\")
                    | Video.title.like(pattern, escape="\\")
                )
                .order_by(Video.title, VideoBookmark.at_s)
                .limit(limit)
            )
            for video_id, at_s, label, title in marks:
                text = f"{title} @ {clock(at_s)}" + (f": {label}" if label else "")
                choices.append((LinkTarget("video", video_id, at_s), text))
            videos = session.execute(
                select(Video.id, Video.title)
                .where(Video.deleted_at.is_(None), Video.title.like(pattern, escape="\\"))
                .order_by(Video.title)
                .limit(max(0, limit - len(choices)))
            )
            choices += [(LinkTarget("video", i), t) for i, t in videos]
        else:
            raise ValueError(f"{kind!r} is not a kind of link")
    return choices[:limit]


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
