"""Reading links: what a link points to (its title, whether it is still there), what links to
a note, a card or a video (backlinks), and the choices of the link picker (Ctrl+L).

Each public read opens its own read session; backlinks use the plain SQL of `notes_sql`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.notes import notes_sql as sql
from app.core.notes.links import LinkTarget, links_in
from app.core.notes.snippets import plain_snippet, short_title
from app.core.videos.bookmarks import clock
from app.db.database import ProfileDatabase
from app.db.models import Card, Deck, Lesson, Note, NoteLink, Question, Video, VideoBookmark


@dataclass(frozen=True)
class ResolvedLink:
    target: LinkTarget
    title: str | None  # what a chip shows; None when the target is not in the profile
    exists: bool  # False: missing or deleted (the chip says so and offers to relink)
    source: str = "body"  # "body" | "origin"


@dataclass(frozen=True)
class Backlink:
    kind: str  # "note" | "article" | "card" | "bookmark"
    id: str
    title: str
    snippet: str
    at_s: float | None = None  # a bookmark's moment
    video_id: str | None = None  # a bookmark's video


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
        title = short_title(row.stem) if isinstance(row, Question) else None
    elif kind == "lesson":
        row = session.get(Lesson, key)
        title = row.title if isinstance(row, Lesson) else None
    elif kind == "card":
        row = session.get(Card, key)
        title = short_title(row.front) if isinstance(row, Card) else None
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


def note_links(session: Session, note_id: str, body: str) -> tuple[ResolvedLink, ...]:
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
            found.append(
                Backlink("card", r["id"], short_title(r["front"]), plain_snippet(r["back"]))
            )
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
            choices = [(LinkTarget(kind, i), short_title(t)) for i, t in rows]
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
