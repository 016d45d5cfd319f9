"""Flashcards: nested decks, cards with their tags, the review log and the scheduler settings.

A card's schedule (state, due, stability, difficulty, reps, lapses, interval, ease) is a CACHE of
the replay of its review log (`card_reviews` minus `card_review_undos`): it is never synced as a
value, and `app.core.flashcards.replay.replay_cards` rebuilds it. `queue` is a generated column
derived from the schedule, `suspended` and `deleted_at`, so every index over it stays right
whoever writes those fields (the app, or sync applying remote changes).

`cards_fts` (FTS5 over front and back, external content keyed by the cards' rowid) is made and
kept in sync by triggers in revision 0003; it is not a model. A revision that recreates `cards`
(batch mode) or a VACUUM may renumber rowids: either must be followed by
`INSERT INTO cards_fts(cards_fts) VALUES('rebuild')`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Computed,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, LogRow, SyncedRow
from app.db.types import utcnow

# Card.state (the scheduler's state, from the replayed log).
STATE_NEW = 0
STATE_LEARNING = 1
STATE_REVIEW = 2
STATE_RELEARNING = 3

# Card.queue (generated): what the review queue does with the card.
QUEUE_NEW = 0
QUEUE_LEARNING = 1  # learning or relearning: due at a time of day
QUEUE_REVIEW = 2
QUEUE_SUSPENDED = -1
QUEUE_DELETED = -3

QUEUE_SQL = (
    "CASE WHEN deleted_at IS NOT NULL THEN -3 WHEN suspended THEN -1 "
    "WHEN state = 0 THEN 0 WHEN state IN (1, 3) THEN 1 ELSE 2 END"
)

# Names of FTS5 objects that revision 0003 makes and autogenerate must not compare.
SEARCH_TABLE = "cards_fts"


class Deck(SyncedRow, Base):
    """A deck in a tree: `name` is the leaf name (never holds "::"), `parent_id` its parent.

    Moving a subtree changes one row. The scheduling settings are the deck's own (a new subdeck
    copies its parent's); limits cap what the review of this deck and its subdecks shows a day.
    """

    __tablename__ = "decks"
    __table_args__ = (Index(None, "parent_id"),)

    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("decks.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    scheduler: Mapped[str] = mapped_column(String(10), default="fsrs")  # fsrs | sm2
    desired_retention: Mapped[float] = mapped_column(Float, default=0.9)
    learning_steps: Mapped[list[int]] = mapped_column(JSON, default=lambda: [60, 600])  # seconds
    relearning_steps: Mapped[list[int]] = mapped_column(JSON, default=lambda: [600])
    new_per_day: Mapped[int] = mapped_column(Integer, default=20)
    reviews_per_day: Mapped[int] = mapped_column(Integer, default=200)
    maximum_interval: Mapped[int] = mapped_column(Integer, default=36500)  # days
    fsrs_parameters: Mapped[list[float] | None] = mapped_column(JSON)  # None: the defaults
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)


class Card(SyncedRow, Base):
    """One card: markdown front and back, where it came from, and its cached schedule."""

    __tablename__ = "cards"
    __table_args__ = (
        # due counts, next learning/review card, forecast, card counts (covering)
        Index(None, "queue", "due", "deck_id", "interval_days"),
        Index(None, "queue", "deck_id", "due", "id"),  # capped counts and next card per deck
        # Cards of a deck (browser, export, deleting a deck). Without `due`: an answer changes
        # `due`, and each index holding it costs about three more pages written per answer.
        Index(None, "deck_id"),
        Index(None, "deleted_at", "id"),  # the browser's default: live cards, oldest first
        Index(None, "buried_until"),
        Index(None, "updated_at"),
        Index(None, "sort_text"),
        Index(None, "source_kind", "source_id"),
        Index(None, "external_id"),
    )

    deck_id: Mapped[str] = mapped_column(ForeignKey("decks.id"))
    front: Mapped[str] = mapped_column(Text)
    back: Mapped[str] = mapped_column(Text, default="")
    # question | lesson | note | video | check; source_anchor: a check's index, a video second.
    source_kind: Mapped[str | None] = mapped_column(String(20))
    source_id: Mapped[str | None] = mapped_column(String(200))
    source_anchor: Mapped[str | None] = mapped_column(String(200))
    flag: Mapped[int] = mapped_column(SmallInteger, default=0)  # 0 none, 1..7 colours
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    buried_until: Mapped[datetime | None] = mapped_column(default=None)
    scheduler: Mapped[str | None] = mapped_column(String(10))  # None: the deck's
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(40), default="")  # csv | anki | ms2 | sample ...
    external_id: Mapped[str | None] = mapped_column(String(200))  # e.g. an Anki note guid

    # The cache of the replayed log (never synced; see the module docstring).
    state: Mapped[int] = mapped_column(SmallInteger, default=STATE_NEW)
    step: Mapped[int | None] = mapped_column(SmallInteger)
    due: Mapped[datetime | None] = mapped_column(default=None)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    ease: Mapped[float | None] = mapped_column(Float)  # SM-2 only
    interval_days: Mapped[int] = mapped_column(Integer, default=0)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    last_review: Mapped[datetime | None] = mapped_column(default=None)

    queue: Mapped[int] = mapped_column(SmallInteger, Computed(QUEUE_SQL, persisted=False))
    sort_text: Mapped[str] = mapped_column(
        String(60), Computed("lower(substr(front, 1, 60))", persisted=False)
    )


class CardTag(Base):
    """Set membership: one row per (card, tag); removing a tag sets deleted_at."""

    __tablename__ = "card_tags"

    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"), primary_key=True)
    tag_id: Mapped[str] = mapped_column(ForeignKey("tags.id"), primary_key=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class SchedulerConfig(LogRow, Base):
    """Scheduler settings as they were when a review was made; immutable, content-addressed.

    The id is a UUIDv5 of the canonical JSON of `settings`, so the same settings made on two
    devices are one row. A review names the config it was made with, which makes replay a
    function of the log alone: changing a deck's settings later changes future reviews only.
    """

    __tablename__ = "scheduler_configs"

    kind: Mapped[str] = mapped_column(String(10))  # fsrs | sm2
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)


class CardReview(LogRow, Base):
    """Append-only: one answer to one card. Never updated or deleted; an undo is a separate row.

    `state_before` and `deck_id` are the card's state and deck as the answering device saw
    them: facts for daily limits and statistics (scheduling always replays the log instead).
    """

    __tablename__ = "card_reviews"
    __table_args__ = (
        Index(None, "card_id", "reviewed_at"),
        # today's counts and the statistics, read from the index alone
        Index(None, "reviewed_at", "state_before", "deck_id", "rating", "duration_ms"),
    )

    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"))
    deck_id: Mapped[str] = mapped_column(ForeignKey("decks.id"))
    rating: Mapped[int] = mapped_column(SmallInteger)  # 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at: Mapped[datetime]
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    scheduler: Mapped[str] = mapped_column(String(10))  # fsrs | sm2
    config_id: Mapped[str] = mapped_column(ForeignKey("scheduler_configs.id"))
    state_before: Mapped[int] = mapped_column(SmallInteger)


class CardReviewUndo(LogRow, Base):
    """Append-only tombstone: the review `review_id` was undone and no longer counts.

    Undos sync by union like reviews, so a review undone on one device never comes back, in
    whatever order the two rows arrive.
    """

    __tablename__ = "card_review_undos"
    __table_args__ = (Index(None, "card_id"), Index(None, "review_id"))

    review_id: Mapped[str] = mapped_column(ForeignKey("card_reviews.id"))
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"))
    undone_at: Mapped[datetime]
