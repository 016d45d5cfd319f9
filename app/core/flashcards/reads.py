"""What the flashcards views and commands read: the deck tree, the card browser's ids, rows and
choices, one card's detail, and the statistics.

Each takes the open profile database first and opens a read session of its own (closed before
it returns), so the GUI runs it on the task runner's read pool in one line. `now` defaults to
this computer's clock and zone: the learner's study day turns over at 4 am there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.flashcards.browser import (
    CardDetail,
    CardFilter,
    CardRow,
    CardSort,
    card_rows,
    get_card,
    search_card_ids,
)
from app.core.flashcards.cards import live_tag_names
from app.core.flashcards.decks import DeckInfo, load_tree, named_deck
from app.core.flashcards.stats import DeckStatistics, deck_statistics
from app.db.database import ProfileDatabase


def local_now() -> datetime:
    """Now in the learner's zone (this computer's)."""
    return datetime.now().astimezone()


def deck_tree(database: ProfileDatabase) -> tuple[DeckInfo, ...]:
    """Every live deck, parents before children, siblings by name."""
    with database.read_session() as session:
        return load_tree(session).decks


def find_deck(database: ProfileDatabase, full_name: str) -> DeckInfo:
    """The deck with this full name ("A::B", any case). Raises UserError if there is none."""
    with database.read_session() as session:
        return named_deck(session, full_name)


@dataclass(frozen=True)
class CardIds:
    """Every matching id in display order, plus the rows of the first block (so the first
    paint already has text and needs no second round trip)."""

    ids: tuple[str, ...]
    first_rows: tuple[CardRow, ...]


def browser_ids(
    database: ProfileDatabase,
    card_filter: CardFilter,
    sort: CardSort,
    first_block: int = 0,
    now: datetime | None = None,
) -> CardIds:
    now = now or local_now()
    with database.read_session() as session:
        ids = search_card_ids(session, card_filter, sort, now)
        first = card_rows(session, ids[:first_block], now) if first_block else ()
    return CardIds(ids, first)


def browser_rows(
    database: ProfileDatabase, card_ids: Sequence[str], now: datetime | None = None
) -> tuple[CardRow, ...]:
    """The browser's rows of these cards, in the order given (gone ones left out)."""
    with database.read_session() as session:
        return card_rows(session, card_ids, now or local_now())


@dataclass(frozen=True)
class BrowserChoices:
    """What the filter bar and the move dialog offer: the deck tree and the live tag names."""

    decks: tuple[DeckInfo, ...]
    tags: tuple[str, ...]


def browser_choices(database: ProfileDatabase) -> BrowserChoices:
    with database.read_session() as session:
        return BrowserChoices(load_tree(session).decks, live_tag_names(session))


def card_detail(database: ProfileDatabase, card_id: str) -> CardDetail:
    """Everything about one card (deleted ones too). Raises UserError if there is none."""
    with database.read_session() as session:
        return get_card(session, card_id)


def statistics(
    database: ProfileDatabase, deck_id: str | None, days: int = 30, now: datetime | None = None
) -> DeckStatistics:
    """Everything the statistics screen shows for a deck and its subdecks (None: the whole
    profile) over the last `days` study days. About half a second over 100,000 cards."""
    with database.read_session() as session:
        return deck_statistics(session, deck_id, now or local_now(), days)
