"""Card actions: save a card from an editor, the browser's bulk changes, and undo of each.

Each takes the open profile database first, runs in one write transaction of its own (all or
nothing) and returns what changed: a
`CardChange` (with the `CardUndo` that takes it back) or, for an undo, a `Change`. Each
raises UserError, having written nothing, for a card or deck that no longer exists or a value
out of range. The GUI runs them on the task runner's write worker, one line each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.core.changes import Change
from app.core.flashcards import cards
from app.core.flashcards.cards import CardChange, CardUndo
from app.core.flashcards.decks import ensure_deck
from app.core.flashcards.tables import CARDS
from app.db.database import ProfileDatabase
from app.errors import UserError

DEFAULT_DECK = "Default"


@dataclass(frozen=True)
class CardText:
    """What a card editor saves. `card_id` None adds a card. `deck_id` None: an edit keeps the
    card's deck; a new card goes to the "Default" deck, made if need be (a profile with no
    decks)."""

    card_id: str | None
    deck_id: str | None
    front: str
    back: str
    tags: tuple[str, ...]


def save_card(database: ProfileDatabase, text: CardText) -> CardChange:
    """Add the card, or change its text, tags and deck, in one transaction. The undo record
    takes the whole save back (an added card is deleted again)."""
    with database.write_session() as session:
        if text.card_id is None:
            deck_id = text.deck_id or ensure_deck(session, DEFAULT_DECK).id
            added = cards.add_card(session, deck_id, text.front, text.back, tags=text.tags)
            # the Default deck may be new
            return CardChange(added.card_ids, added.changes | Change.DECKS, added.undo)
        current = session.scalar(select(CARDS.c.deck_id).where(CARDS.c.id == text.card_id))
        if current is None:
            raise UserError("That card no longer exists; it may have been deleted.")
        edited = cards.edit_card(
            session, text.card_id, front=text.front, back=text.back, tags=text.tags
        )
        if text.deck_id is not None and text.deck_id != current:
            cards.move_cards(session, [text.card_id], text.deck_id)  # edit's undo has the deck
    return edited


def move_cards(database: ProfileDatabase, card_ids: Sequence[str], deck_id: str) -> CardChange:
    with database.write_session() as session:
        return cards.move_cards(session, card_ids, deck_id)


def set_suspended(
    database: ProfileDatabase, card_ids: Sequence[str], suspended: bool
) -> CardChange:
    """Suspended cards never come up for review until unsuspended; their schedule is kept."""
    with database.write_session() as session:
        return cards.set_suspended(session, card_ids, suspended)


def bury_cards(database: ProfileDatabase, card_ids: Sequence[str], now: datetime) -> CardChange:
    """Hide the cards until the next study day starts (4 am in `now`'s zone)."""
    with database.write_session() as session:
        return cards.bury_cards(session, card_ids, now)


def set_flag(database: ProfileDatabase, card_ids: Sequence[str], flag: int) -> CardChange:
    """Flag 0 (none) to 7."""
    with database.write_session() as session:
        return cards.set_flag(session, card_ids, flag)


def delete_cards(database: ProfileDatabase, card_ids: Sequence[str]) -> CardChange:
    """Soft-delete: the cards and their history stay, restorable."""
    with database.write_session() as session:
        return cards.delete_cards(session, card_ids)


def restore_cards(database: ProfileDatabase, card_ids: Sequence[str]) -> CardChange:
    with database.write_session() as session:
        return cards.restore_cards(session, card_ids)


def tag_cards(
    database: ProfileDatabase, card_ids: Sequence[str], names: Sequence[str]
) -> CardChange:
    """Give every card these tags (made if new)."""
    with database.write_session() as session:
        return cards.add_tags(session, card_ids, names)


def untag_cards(
    database: ProfileDatabase, card_ids: Sequence[str], names: Sequence[str]
) -> CardChange:
    """Take these tags off every card."""
    with database.write_session() as session:
        return cards.remove_tags(session, card_ids, names)


def undo_card_change(
    database: ProfileDatabase, undo: CardUndo, now: datetime | None = None
) -> Change:
    """Write back the values a change replaced (a new edit, so it syncs like any other)."""
    with database.write_session() as session:
        return cards.undo_card_change(session, undo, now)
