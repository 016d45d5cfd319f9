"""Deck actions: make, rename, move and delete a deck, and save its study options.

Each takes the open profile database first, runs in one write transaction of its own (all or
nothing) and returns a `DeckChanged`.
Each raises UserError, having written nothing, for a name that is taken or empty, a deck that
no longer exists, or a setting out of range. The GUI runs them on the task runner's write
worker; the command line calls the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.changes import Change
from app.core.flashcards import decks
from app.db.database import ProfileDatabase


@dataclass(frozen=True)
class DeckChanged:
    deck_id: str
    changes: Change


@dataclass(frozen=True)
class DeckOptions:
    """What the deck options form saves."""

    scheduler: str  # fsrs | sm2
    desired_retention: float
    new_per_day: int
    reviews_per_day: int
    learning_steps: tuple[int, ...]  # seconds
    fsrs_parameters: tuple[float, ...] | None = None  # None: unchanged; (): the defaults


def create_deck(database: ProfileDatabase, name: str, parent_id: str | None = None) -> DeckChanged:
    """A new deck under `parent_id` (None: at the top); "A::B" makes the levels below too."""
    with database.write_session() as session:
        deck = decks.create_deck(session, name, parent_id)
    return DeckChanged(deck.id, Change.DECKS)


def rename_deck(database: ProfileDatabase, deck_id: str, name: str) -> DeckChanged:
    """A new leaf name; its subdecks follow."""
    with database.write_session() as session:
        changes = decks.rename_deck(session, deck_id, name)
    return DeckChanged(deck_id, changes)


def move_deck(database: ProfileDatabase, deck_id: str, parent_id: str | None) -> DeckChanged:
    """Put the deck, with its subdecks and cards, under another deck (None: at the top)."""
    with database.write_session() as session:
        changes = decks.move_deck(session, deck_id, parent_id)
    return DeckChanged(deck_id, changes)


def delete_deck(
    database: ProfileDatabase, deck_id: str, now: datetime | None = None
) -> DeckChanged:
    """Soft-delete the deck, its subdecks and their cards (the reviews are kept)."""
    with database.write_session() as session:
        changes = decks.delete_deck(session, deck_id, now)
    return DeckChanged(deck_id, changes)


def save_deck_options(database: ProfileDatabase, deck_id: str, options: DeckOptions) -> DeckChanged:
    """The deck's options, applied to answers from now on (the review log keeps the old)."""
    with database.write_session() as session:
        decks.update_deck_settings(
            session,
            deck_id,
            scheduler=options.scheduler,
            desired_retention=options.desired_retention,
            new_per_day=options.new_per_day,
            reviews_per_day=options.reviews_per_day,
            learning_steps=options.learning_steps,
            fsrs_parameters=options.fsrs_parameters,
        )
    return DeckChanged(deck_id, Change.DECKS)


def save_fsrs_parameters(
    database: ProfileDatabase, deck_id: str, parameters: Sequence[float]
) -> DeckChanged:
    """FSRS parameters for the deck (an Optimise result; empty: back to the defaults).
    Raises UserError for parameters FSRS cannot use."""
    with database.write_session() as session:
        decks.update_deck_settings(session, deck_id, fsrs_parameters=parameters)
    return DeckChanged(deck_id, Change.DECKS)
