"""Helpers for the card browser and statistics tests: profiles full of cards, made quickly.

Cards go in with one executemany on a raw connection (the FTS triggers index them); a third
are review cards due over the coming weeks, so due order differs from creation order.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from app.core.flashcards.decks import DeckInfo, ensure_deck
from app.db.database import ProfileDatabase
from app.db.types import db_time, new_id


def make_decks(database: ProfileDatabase, *names: str) -> list[DeckInfo]:
    with database.write_session() as session:
        return [ensure_deck(session, name) for name in names]


def fill_cards(database: ProfileDatabase, count: int, seed: int = 3) -> list[str]:
    """`count` cards in three decks ("Biology", "Biology::Cells", "History"), in creation
    order: every third a review card (due in 0–59 days), the rest new; returns their ids."""
    rng = random.Random(seed)
    decks = make_decks(database, "Biology", "Biology::Cells", "History")
    created = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [new_id() for _ in range(count)]
    rows = []
    for n, card_id in enumerate(ids):
        review = n % 3 == 0
        due = created + timedelta(days=60 + rng.randrange(60)) if review else None
        rows.append(
            (
                card_id,
                db_time(created + timedelta(seconds=n)),
                db_time(created),
                decks[n % 3].id,
                f"Question {n} about topic {n % 97}",
                f"Answer {n}",
                2 if review else 0,
                db_time(due) if due else None,
                rng.randrange(1, 40) if review else 0,
                rng.randrange(1, 12) if review else 0,
            )
        )
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        cursor.executemany(
            "INSERT INTO cards (id, created_at, updated_at, deck_id, front, back, state, due,"
            " interval_days, reps, flag, suspended, is_sample, source, lapses)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 'test', 0)",
            rows,
        )
        raw.commit()
    finally:
        raw.close()
    return ids
