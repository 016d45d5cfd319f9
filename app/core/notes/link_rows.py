"""A note's links as rows (`note_links`), written in the caller's transaction.

The rows with source "body" are kept in line with the links in the note's text
(`sync_body_links`, at each save); links made from elsewhere ("make a note from this lesson /
moment / card") have source "origin" and stay whatever the text says. A row is `resolved` when
the profile holds its target (deleted or not).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.notes.links import LinkTarget, links_in
from app.db.models import Card, Deck, Lesson, Note, NoteLink, Question, Video
from app.db.types import new_id

_TARGET_TABLES: dict[str, type] = {
    "note": Note,
    "article": Note,
    "lesson": Lesson,
    "card": Card,
    "deck": Deck,
    "question": Question,
    "video": Video,
}


def target_exists(session: Session, target: LinkTarget) -> bool:
    """Whether the profile holds the link's target by that id (deleted or not)."""
    model = _TARGET_TABLES[target.kind]
    return session.get(model, target.id) is not None


def add_link(
    session: Session, note_id: str, target: LinkTarget, source: str, now: datetime
) -> NoteLink:
    link = NoteLink(
        id=new_id(),
        note_id=note_id,
        target_kind=target.kind,
        target_id=target.id,
        at_s=target.at_s,
        resolved=target_exists(session, target),
        source=source,
        created_at=now,
        updated_at=now,
    )
    session.add(link)
    return link


def sync_body_links(session: Session, note_id: str, body: str, now: datetime) -> bool:
    """Bring the note's body links (`source="body"`) in line with the links in `body`: add the
    new ones (or revive their old rows), tombstone the gone ones. Returns whether any changed."""
    wanted = links_in(body)
    rows = session.scalars(
        select(NoteLink).where(NoteLink.note_id == note_id, NoteLink.source == "body")
    ).all()
    by_target: dict[LinkTarget, NoteLink] = {}
    for row in rows:
        try:
            target = LinkTarget(row.target_kind, row.target_id, row.at_s)
        except ValueError:
            continue
        live = by_target.get(target)
        if live is None or (live.deleted_at is not None and row.deleted_at is None):
            by_target[target] = row
    changed = False
    wanted_set = set(wanted)
    for target, row in by_target.items():
        if target not in wanted_set and row.deleted_at is None:
            row.deleted_at, row.updated_at, changed = now, now, True
    for target in wanted:
        kept = by_target.get(target)
        if kept is None:
            add_link(session, note_id, target, "body", now)
            changed = True
        elif kept.deleted_at is not None:
            kept.deleted_at, kept.updated_at = None, now
            kept.resolved = target_exists(session, target)
            changed = True
    return changed
