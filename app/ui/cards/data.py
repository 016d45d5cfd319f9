"""The card browser's database work: plain functions for the task runner's workers.

Each opens its own session from `opened.database` when it runs (a restore may have replaced
it) and takes the learner's `now` with its zone, as the core expects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.flashcards import cards
from app.core.flashcards.browser import (
    CardDetail,
    CardFilter,
    CardRow,
    CardSort,
    card_rows,
    get_card,
    search_card_ids,
)
from app.core.flashcards.cards import CardChange, CardUndo
from app.core.flashcards.decks import DeckInfo, load_tree
from app.core.flashcards.tables import TAGS
from app.core.opening import OpenProfile

T = TypeVar("T")


def local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class CardIds:
    """Every matching id in display order, plus the rows of the first block (so the first
    paint already has text and needs no second round trip)."""

    ids: tuple[str, ...]
    first_rows: tuple[CardRow, ...]


@dataclass(frozen=True)
class BrowserChoices:
    """What the filter bar and the move dialog offer: the deck tree and the live tag names."""

    decks: tuple[DeckInfo, ...]
    tags: tuple[str, ...]


def read_ids(
    opened: OpenProfile, card_filter: CardFilter, sort: CardSort, first_block: int
) -> CardIds:
    now = local_now()
    with opened.database.read_session() as session:
        ids = search_card_ids(session, card_filter, sort, now)
        first = card_rows(session, ids[:first_block], now) if first_block else ()
    return CardIds(ids, first)


def read_rows(opened: OpenProfile, card_ids: Sequence[str]) -> tuple[CardRow, ...]:
    with opened.database.read_session() as session:
        return card_rows(session, card_ids, local_now())


def read_choices(opened: OpenProfile) -> BrowserChoices:
    with opened.database.read_session() as session:
        decks = load_tree(session).decks
        names = session.scalars(select(TAGS.c.name).where(TAGS.c.deleted_at.is_(None))).all()
    return BrowserChoices(decks, tuple(sorted(names, key=str.casefold)))


def read_card(opened: OpenProfile, card_id: str) -> CardDetail:
    with opened.database.read_session() as session:
        return get_card(session, card_id)


def _write(opened: OpenProfile, work: Callable[[Session], T]) -> T:
    with opened.database.write_session() as session:
        return work(session)


def write_move(opened: OpenProfile, card_ids: Sequence[str], deck_id: str) -> CardChange:
    return _write(opened, lambda s: cards.move_cards(s, card_ids, deck_id))


def write_suspended(opened: OpenProfile, card_ids: Sequence[str], suspended: bool) -> CardChange:
    return _write(opened, lambda s: cards.set_suspended(s, card_ids, suspended))


def write_flag(opened: OpenProfile, card_ids: Sequence[str], flag: int) -> CardChange:
    return _write(opened, lambda s: cards.set_flag(s, card_ids, flag))


def write_delete(opened: OpenProfile, card_ids: Sequence[str]) -> CardChange:
    return _write(opened, lambda s: cards.delete_cards(s, card_ids))


def write_restore(opened: OpenProfile, card_ids: Sequence[str]) -> CardChange:
    return _write(opened, lambda s: cards.restore_cards(s, card_ids))


def write_tags(
    opened: OpenProfile, card_ids: Sequence[str], names: Sequence[str], add: bool
) -> CardChange:
    change = cards.add_tags if add else cards.remove_tags
    return _write(opened, lambda s: change(s, card_ids, names))


def write_edit(
    opened: OpenProfile, card_id: str, front: str, back: str, tags: Sequence[str]
) -> CardChange:
    return _write(opened, lambda s: cards.edit_card(s, card_id, front=front, back=back, tags=tags))


def write_undo(opened: OpenProfile, undo: CardUndo) -> Change:
    return _write(opened, lambda s: cards.undo_card_change(s, undo))
