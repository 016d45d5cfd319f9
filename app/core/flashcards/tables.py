"""The flashcard tables as SQLAlchemy Core tables, for set-based queries and bulk writes.

Core statements on these skip the ORM's per-object work (the review loop and the browser run
them thousands of times). Note: a Core UPDATE of `cards` still fires `updated_at`'s onupdate;
writes of the schedule cache pass `updated_at=CARDS.c.updated_at` to keep it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar, cast

from sqlalchemy import Table

from app.db.models import (
    Card,
    CardReview,
    CardReviewUndo,
    CardTag,
    Deck,
    SchedulerConfig,
    Tag,
)

CARDS = cast(Table, Card.__table__)
DECKS = cast(Table, Deck.__table__)
REVIEWS = cast(Table, CardReview.__table__)
UNDOS = cast(Table, CardReviewUndo.__table__)
CARD_TAGS = cast(Table, CardTag.__table__)
CONFIGS = cast(Table, SchedulerConfig.__table__)
TAGS = cast(Table, Tag.__table__)

# Ids per `IN (...)`: well below SQLite's bound-parameter limit.
CHUNK = 900

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
