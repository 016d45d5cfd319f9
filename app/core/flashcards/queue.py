"""What is due: new / learning / review counts per deck with the daily limits, in a few queries.

Limits (Anki-like): a deck's `new_per_day` caps the new cards introduced today in it and its
subdecks together, `reviews_per_day` the reviews of review-state cards. Cards already answered
today count against them (from the log's `state_before`). Selecting a deck applies its limit and
every subdeck's own; learning cards are never limited. A deck's counts are those the learner
would get by selecting it.

Speed: counts come from the indexes on the generated `queue` column, each deck's capped at what
its limit leaves (`LIMIT` per deck), so 100,000 new cards cost no more than 20. The counting
itself lives in `queue_tally` (read by `tally_sql.load_tally`), which the review loop also keeps
up to date in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.core.flashcards.decks import DeckInfo, load_tree
from app.core.flashcards.queue_tally import QueueCounts, QueuePlan, QueueTally
from app.core.flashcards.review_sql import driver_connection
from app.core.flashcards.tally_sql import load_tally
from app.db.database import ProfileDatabase

__all__ = [
    "DeckCounts",
    "QueueCounts",
    "QueuePlan",
    "deck_list",
    "due_today",
    "plan_queue",
    "queue_counts",
    "read_deck_list",
    "read_due_today",
    "read_tally",
]


@dataclass(frozen=True)
class DeckCounts:
    """One row of the deck list: the deck, its depth, and its counts for today."""

    deck: DeckInfo
    counts: QueueCounts
    new_done_today: int
    reviews_done_today: int


def read_tally(
    session: Session, deck_id: str | None, now: datetime, *, every_deck: bool = False
) -> QueueTally:
    """Today's counts for the selected deck and its subdecks (None: all decks); see
    `load_tally` for `every_deck`."""
    tree = load_tree(session)
    return load_tally(driver_connection(session), tree, deck_id, now, every_deck=every_deck)


def plan_queue(session: Session, deck_id: str | None, now: datetime) -> QueuePlan:
    """The counts of the selected deck (None: all decks) and each deck's share of them."""
    return read_tally(session, deck_id, now).plan(deck_id)


def queue_counts(session: Session, deck_id: str | None, now: datetime) -> QueueCounts:
    """New / learning / review cards left today for the selected deck (None: all decks)."""
    return plan_queue(session, deck_id, now).counts


def deck_list(session: Session, now: datetime) -> tuple[DeckCounts, ...]:
    """Every live deck in tree order with today's counts (as if that deck were selected)."""
    tally = read_tally(session, None, now, every_deck=True)
    learning = tally.learning_below()
    new_left = tally.remaining(True)
    review_left = tally.remaining(False)
    new_done = tally.new_done_below()
    review_done = tally.review_done_below()
    rows = []
    for deck in tally.tree.decks:
        new = tally.gather(deck.id, True, new_left, {})
        review = tally.gather(deck.id, False, review_left, {})
        counts = QueueCounts(new=new, learning=learning[deck.id], review=review)
        rows.append(DeckCounts(deck, counts, new_done[deck.id], review_done[deck.id]))
    return tuple(rows)


def due_today(session: Session, now: datetime) -> tuple[DeckCounts, ...]:
    """The Today view: top-level decks with something to study today (counts include subdecks)."""
    return tuple(
        row
        for row in deck_list(session, now)
        if row.deck.parent_id is None and row.counts.total > 0
    )


def read_deck_list(database: ProfileDatabase, now: datetime) -> tuple[DeckCounts, ...]:
    """`deck_list` in a read session of its own (the Review view's deck list)."""
    with database.read_session() as session:
        return deck_list(session, now)


def read_due_today(database: ProfileDatabase, now: datetime) -> tuple[DeckCounts, ...]:
    """`due_today` in a read session of its own (the Today view)."""
    with database.read_session() as session:
        return due_today(session, now)
