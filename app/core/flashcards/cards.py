"""Cards: add, edit, move, flag, suspend, bury, delete, restore, tag, and undo of each.

Every change returns a `CardChange`: the cards it touched, what kinds of data changed, and a
`CardUndo` holding the values from before. Undoing writes those values back as a new edit (so
sync sees an ordinary last-writer-wins change, never a rewind). All writes happen in the
caller's transaction; bulk changes run as set-based statements, fast for 100,000 cards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.flashcards.decks import SCHEDULERS, load_tree
from app.core.flashcards.study_day import StudyDay
from app.core.flashcards.tables import CARD_TAGS, CARDS, TAGS, chunks
from app.core.flashcards.tags import clean_tag, clean_tags
from app.db.models.tags import tag_id
from app.db.types import new_id, utcnow
from app.errors import UserError

MAX_TEXT = 100_000  # characters per side: far above any real card, below a pasted book
SOURCE_KINDS = ("question", "lesson", "check", "note", "video")
CARD_CHANGES = Change.CARDS

# Card fields an undo can restore, in this order.
UNDO_FIELDS = ("deck_id", "front", "back", "flag", "suspended", "buried_until", "deleted_at")


@dataclass(frozen=True)
class CardSource:
    """Where a card came from: a question, a lesson or one of its checks, a note, a video moment.

    `anchor` points inside the source: a knowledge check's index, a video time in seconds.
    """

    kind: str
    id: str
    anchor: str | None = None


@dataclass(frozen=True)
class NewCard:
    front: str
    back: str = ""
    tags: tuple[str, ...] = ()
    source: CardSource | None = None
    scheduler: str | None = None  # None: the deck's
    origin: str = ""  # csv | anki | ms2 | sample | ...
    external_id: str | None = None


@dataclass(frozen=True)
class CardUndo:
    """The values a change replaced: `rows` holds (card id, values of UNDO_FIELDS) and
    `tag_links` (card id, tag id, was live) for tag changes. `label` names it for a menu."""

    label: str
    rows: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    tag_links: tuple[tuple[str, str, bool], ...] = ()


@dataclass(frozen=True)
class CardChange:
    card_ids: tuple[str, ...]
    changes: Change
    undo: CardUndo = field(default_factory=lambda: CardUndo(""))


def _check_text(front: str, back: str) -> None:
    if not front.strip():
        raise UserError("A card needs something on its front.")
    if len(front) > MAX_TEXT or len(back) > MAX_TEXT:
        raise UserError(f"A card side may hold at most {MAX_TEXT:,} characters.")


def _check_card(card: NewCard) -> None:
    _check_text(card.front, card.back)
    if card.scheduler is not None and card.scheduler not in SCHEDULERS:
        raise UserError(f"The scheduler must be one of {', '.join(SCHEDULERS)}.")
    if card.source is not None and card.source.kind not in SOURCE_KINDS:
        raise UserError(f"A card's source must be one of {', '.join(SOURCE_KINDS)}.")


def add_cards(
    session: Session,
    deck_id: str,
    cards: Sequence[NewCard],
    *,
    is_sample: bool = False,
    now: datetime | None = None,
) -> CardChange:
    """Add cards to a deck in one statement; raises UserError (and adds none) on a bad card."""
    load_tree(session).by_id(deck_id)
    for card in cards:
        _check_card(card)
    now = now or utcnow()
    ids = [new_id() for _ in cards]
    rows = [
        {
            "id": card_id,
            "created_at": now,
            "updated_at": now,
            "deck_id": deck_id,
            "front": card.front,
            "back": card.back,
            "source_kind": card.source.kind if card.source else None,
            "source_id": card.source.id if card.source else None,
            "source_anchor": card.source.anchor if card.source else None,
            "scheduler": card.scheduler,
            "is_sample": is_sample,
            "source": card.origin,
            "external_id": card.external_id,
        }
        for card_id, card in zip(ids, cards, strict=True)
    ]
    if rows:
        session.execute(CARDS.insert(), rows)
    links = [
        (card_id, name)
        for card_id, card in zip(ids, cards, strict=True)
        for name in clean_tags(card.tags)
    ]
    _link_tags(session, links, now)
    undo = CardUndo(
        f"Add {_count(len(ids))}",
        tuple(
            (card_id, (deck_id, card.front, card.back, 0, False, None, now))
            for card_id, card in zip(ids, cards, strict=True)
        ),
    )
    return CardChange(tuple(ids), Change.CARDS | Change.TAGS if links else CARD_CHANGES, undo)


def add_card(
    session: Session,
    deck_id: str,
    front: str,
    back: str = "",
    *,
    tags: Sequence[str] = (),
    source: CardSource | None = None,
    scheduler: str | None = None,
    now: datetime | None = None,
) -> CardChange:
    """Add one card; `change.card_ids[0]` is its id."""
    card = NewCard(front, back, tuple(tags), source, scheduler)
    return add_cards(session, deck_id, [card], now=now)


def edit_card(
    session: Session,
    card_id: str,
    *,
    front: str | None = None,
    back: str | None = None,
    tags: Sequence[str] | None = None,
    now: datetime | None = None,
) -> CardChange:
    """Change a card's text and/or replace its tags. Raises UserError for an empty front."""
    now = now or utcnow()
    before = _snapshot(session, [card_id])
    if not before:
        raise UserError("That card no longer exists; it may have been deleted.")
    values: dict[str, Any] = {}
    if front is not None:
        values["front"] = front
    if back is not None:
        values["back"] = back
    old = dict(zip(UNDO_FIELDS, before[0][1], strict=True))
    _check_text(values.get("front", old["front"]), values.get("back", old["back"]))
    if values:
        session.execute(update(CARDS).where(CARDS.c.id == card_id).values(**values))
    tag_links: tuple[tuple[str, str, bool], ...] = ()
    if tags is not None:
        tag_links = _replace_tags(session, card_id, tags, now)
    return CardChange(
        (card_id,), Change.CARDS | Change.TAGS, CardUndo("Edit card", tuple(before), tag_links)
    )


def _change(
    session: Session, card_ids: Sequence[str], label: str, values: dict[str, Any]
) -> CardChange:
    ids = list(dict.fromkeys(card_ids))
    before = _snapshot(session, ids)
    for part in chunks(ids):
        session.execute(update(CARDS).where(CARDS.c.id.in_(part)).values(**values))
    return CardChange(tuple(ids), CARD_CHANGES, CardUndo(label, tuple(before)))


def move_cards(session: Session, card_ids: Sequence[str], deck_id: str) -> CardChange:
    deck = load_tree(session).by_id(deck_id)
    return _change(
        session, card_ids, f"Move {_count(len(card_ids))} to {deck.full_name}", {"deck_id": deck_id}
    )


def set_suspended(session: Session, card_ids: Sequence[str], suspended: bool) -> CardChange:
    """Suspended cards never come up for review until unsuspended; their schedule is kept."""
    verb = "Suspend" if suspended else "Unsuspend"
    return _change(session, card_ids, f"{verb} {_count(len(card_ids))}", {"suspended": suspended})


def bury_cards(session: Session, card_ids: Sequence[str], now: datetime) -> CardChange:
    """Hide cards until the next study day starts (4 am in `now`'s zone)."""
    until = StudyDay.of(now).end
    return _change(session, card_ids, f"Bury {_count(len(card_ids))}", {"buried_until": until})


def unbury_cards(session: Session, card_ids: Sequence[str]) -> CardChange:
    return _change(session, card_ids, f"Unbury {_count(len(card_ids))}", {"buried_until": None})


def set_flag(session: Session, card_ids: Sequence[str], flag: int) -> CardChange:
    if not 0 <= flag <= 7:
        raise UserError("A flag is a number from 0 (none) to 7.")
    return _change(session, card_ids, f"Flag {_count(len(card_ids))}", {"flag": flag})


def delete_cards(
    session: Session, card_ids: Sequence[str], now: datetime | None = None
) -> CardChange:
    """Soft-delete: the cards and their history stay, restorable, and the delete syncs."""
    label = f"Delete {_count(len(card_ids))}"
    return _change(session, card_ids, label, {"deleted_at": now or utcnow()})


def restore_cards(session: Session, card_ids: Sequence[str]) -> CardChange:
    return _change(session, card_ids, f"Restore {_count(len(card_ids))}", {"deleted_at": None})


def add_tags(
    session: Session, card_ids: Sequence[str], names: Iterable[str], now: datetime | None = None
) -> CardChange:
    now = now or utcnow()
    ids = list(dict.fromkeys(card_ids))
    wanted = clean_tags(names)
    before = _tag_state(session, ids, [tag_id(name) for name in wanted])
    _link_tags(session, [(card_id, name) for card_id in ids for name in wanted], now)
    label = f"Tag {_count(len(ids))}"
    return CardChange(tuple(ids), Change.CARDS | Change.TAGS, CardUndo(label, (), before))


def remove_tags(
    session: Session, card_ids: Sequence[str], names: Iterable[str], now: datetime | None = None
) -> CardChange:
    now = now or utcnow()
    ids = list(dict.fromkeys(card_ids))
    tag_ids = [tag_id(name) for name in clean_tags(names)]
    before = _tag_state(session, ids, tag_ids)
    for part in chunks(ids):
        session.execute(
            update(CARD_TAGS)
            .where(
                CARD_TAGS.c.card_id.in_(part),
                CARD_TAGS.c.tag_id.in_(tag_ids),
                CARD_TAGS.c.deleted_at.is_(None),
            )
            .values(deleted_at=now, updated_at=now)
        )
    label = f"Untag {_count(len(ids))}"
    return CardChange(tuple(ids), Change.CARDS | Change.TAGS, CardUndo(label, (), before))


def undo_card_change(session: Session, undo: CardUndo, now: datetime | None = None) -> Change:
    """Write back the values a change replaced (a new edit, so it syncs like any other)."""
    now = now or utcnow()
    if undo.rows:
        statement = (
            update(CARDS)
            .where(CARDS.c.id == bindparam("card_id"))
            .values(**{name: bindparam(f"v_{name}") for name in UNDO_FIELDS})
        )
        params = [
            {"card_id": card_id, **{f"v_{n}": v for n, v in zip(UNDO_FIELDS, vals, strict=True)}}
            for card_id, vals in undo.rows
        ]
        session.execute(statement, params)
    if undo.tag_links:
        links = [{"c": c, "t": t, "d": None if live else now} for c, t, live in undo.tag_links]
        statement = (
            update(CARD_TAGS)
            .where(CARD_TAGS.c.card_id == bindparam("c"), CARD_TAGS.c.tag_id == bindparam("t"))
            .values(deleted_at=bindparam("d"), updated_at=now)
        )
        session.execute(statement, links)
    return Change.CARDS | Change.TAGS if undo.tag_links else CARD_CHANGES


# --- tags ---------------------------------------------------------------------------------------


def ensure_tags(session: Session, names: Iterable[str], now: datetime | None = None) -> list[str]:
    """Make the tags that do not exist yet (reviving deleted ones); returns their ids."""
    now = now or utcnow()
    wanted = clean_tags(names)
    if not wanted:
        return []
    rows = [
        {"id": tag_id(n), "name": n, "created_at": now, "updated_at": now, "deleted_at": None}
        for n in wanted
    ]
    session.execute(sqlite_insert(TAGS).on_conflict_do_nothing(), rows)
    ids = [tag_id(n) for n in wanted]
    for part in chunks(ids):
        session.execute(
            update(TAGS)
            .where(TAGS.c.id.in_(part), TAGS.c.deleted_at.is_not(None))
            .values(deleted_at=None)
        )
    return ids


def _link_tags(session: Session, links: Sequence[tuple[str, str]], now: datetime) -> None:
    if not links:
        return
    ensure_tags(session, {name for _card, name in links}, now)
    rows = [
        {
            "card_id": card_id,
            "tag_id": tag_id(clean_tag(name)),
            "updated_at": now,
            "deleted_at": None,
        }
        for card_id, name in links
        if clean_tag(name)
    ]
    insert = sqlite_insert(CARD_TAGS)
    upsert = insert.on_conflict_do_update(
        index_elements=["card_id", "tag_id"],
        set_={"deleted_at": None, "updated_at": now},
        where=CARD_TAGS.c.deleted_at.is_not(None),
    )
    session.execute(upsert, rows)


def _replace_tags(
    session: Session, card_id: str, names: Sequence[str], now: datetime
) -> tuple[tuple[str, str, bool], ...]:
    wanted = {tag_id(name): name for name in clean_tags(names)}
    current = set(
        session.scalars(
            select(CARD_TAGS.c.tag_id).where(
                CARD_TAGS.c.card_id == card_id, CARD_TAGS.c.deleted_at.is_(None)
            )
        )
    )
    touched = sorted(current | wanted.keys())
    before = _tag_state(session, [card_id], touched)
    gone = current - wanted.keys()
    if gone:
        session.execute(
            update(CARD_TAGS)
            .where(CARD_TAGS.c.card_id == card_id, CARD_TAGS.c.tag_id.in_(gone))
            .values(deleted_at=now, updated_at=now)
        )
    _link_tags(
        session, [(card_id, name) for key, name in wanted.items() if key not in current], now
    )
    return before


def _tag_state(
    session: Session, card_ids: Sequence[str], tag_ids: Sequence[str]
) -> tuple[tuple[str, str, bool], ...]:
    """Whether each (card, tag) link is live now; links that do not exist count as not live."""
    live: set[tuple[str, str]] = set()
    for part in chunks(card_ids):
        rows = session.execute(
            select(CARD_TAGS.c.card_id, CARD_TAGS.c.tag_id).where(
                CARD_TAGS.c.card_id.in_(part),
                CARD_TAGS.c.tag_id.in_(tag_ids),
                CARD_TAGS.c.deleted_at.is_(None),
            )
        )
        live.update((row.card_id, row.tag_id) for row in rows)
    return tuple((c, t, (c, t) in live) for c in card_ids for t in tag_ids)


def live_tag_names(session: Session) -> tuple[str, ...]:
    """Every tag in use or offered, sorted without regard to case."""
    names = session.scalars(select(TAGS.c.name).where(TAGS.c.deleted_at.is_(None))).all()
    return tuple(sorted(names, key=str.casefold))


def card_tags(session: Session, card_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The live tag names of each card, sorted."""
    found: dict[str, list[str]] = {card_id: [] for card_id in card_ids}
    for part in chunks(card_ids):
        rows = session.execute(
            select(CARD_TAGS.c.card_id, TAGS.c.name)
            .join(TAGS, TAGS.c.id == CARD_TAGS.c.tag_id)
            .where(CARD_TAGS.c.card_id.in_(part), CARD_TAGS.c.deleted_at.is_(None))
        )
        for row in rows:
            found[row.card_id].append(row.name)
    return {card_id: tuple(sorted(names, key=str.casefold)) for card_id, names in found.items()}


def _snapshot(session: Session, card_ids: Sequence[str]) -> list[tuple[str, tuple[Any, ...]]]:
    found: list[tuple[str, tuple[Any, ...]]] = []
    columns = [CARDS.c[name] for name in UNDO_FIELDS]
    for part in chunks(card_ids):
        rows = session.execute(select(CARDS.c.id, *columns).where(CARDS.c.id.in_(part)))
        found.extend((row[0], tuple(row[1:])) for row in rows)
    return found


def _count(n: int) -> str:
    return "1 card" if n == 1 else f"{n:,} cards"
