"""Helpers for the flashcard tests and the benchmark: decks, cards, and generated profiles
with a history of reviews, written with bulk inserts."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from app.core.flashcards.cards import NewCard, add_cards
from app.core.flashcards.decks import DeckInfo, ensure_deck, load_tree
from app.core.flashcards.replay import ensure_config, write_schedules
from app.core.flashcards.scheduling import NEW_CARD, Rating, Schedule, apply_review
from app.core.flashcards.tables import CARDS
from app.db.database import ProfileDatabase
from app.db.types import db_time, new_id

ZONE = timezone(timedelta(hours=-5))


def make_deck(database: ProfileDatabase, name: str, **settings: object) -> DeckInfo:
    from app.core.flashcards.decks import update_deck_settings

    with database.write_session() as session:
        deck = ensure_deck(session, name)
        if settings:
            deck = update_deck_settings(session, deck.id, **settings)  # type: ignore[arg-type]
    return deck


def make_cards(
    database: ProfileDatabase, deck: DeckInfo, count: int, prefix: str = "card"
) -> list[str]:
    with database.write_session() as session:
        change = add_cards(
            session,
            deck.id,
            [NewCard(f"{prefix} {n} front", f"{prefix} {n} back") for n in range(count)],
        )
    return list(change.card_ids)


def cached(database: ProfileDatabase, card_ids: Sequence[str]) -> dict[str, tuple[object, ...]]:
    """The schedule cache columns of these cards, as stored."""
    names = (
        "state",
        "step",
        "due",
        "stability",
        "difficulty",
        "ease",
        "interval_days",
        "reps",
        "lapses",
        "last_review",
    )
    from sqlalchemy import select

    with database.read_session() as session:
        rows = session.execute(
            select(CARDS.c.id, *(CARDS.c[n] for n in names)).where(CARDS.c.id.in_(card_ids))
        )
        return {row[0]: tuple(row[1:]) for row in rows}


def pick_rating(rng: random.Random, schedule: Schedule) -> Rating:
    """A plausible learner: forgets new and learning cards more often than review cards."""
    fail = 0.08 if schedule.state == 2 else 0.25
    roll = rng.random()
    if roll < fail:
        return Rating.AGAIN
    if roll < fail + 0.12:
        return Rating.HARD
    if roll < 0.95:
        return Rating.GOOD
    return Rating.EASY


@dataclass(frozen=True)
class GeneratedProfile:
    decks: tuple[DeckInfo, ...]
    card_ids: tuple[str, ...]
    reviews: int
    now: datetime


def generate_profile(
    database: ProfileDatabase,
    *,
    cards: int,
    days: int,
    new_per_day: int,
    top_decks: int = 10,
    subdecks: int = 2,
    now: datetime,
    seed: int = 7,
) -> GeneratedProfile:
    """A profile with `cards` cards in a deck tree and `days` days of daily study before `now`:
    each day the due cards are answered and up to `new_per_day` new ones introduced. Rows go in
    with executemany (cards, reviews) and the cache is written from the simulated schedules."""
    rng = random.Random(seed)
    with database.write_session() as session:
        for top in range(top_decks):
            ensure_deck(session, f"Subject {top:02d}")
            for sub in range(subdecks):
                ensure_deck(session, f"Subject {top:02d}::Part {sub}")
        decks = load_tree(session).decks
        settings = decks[0].settings()
        config_id = ensure_config(session, settings)
    deck_ids = [deck.id for deck in decks]
    created = now - timedelta(days=days + 1)
    ids = [new_id() for _ in range(cards)]
    deck_of = {card_id: deck_ids[n % len(deck_ids)] for n, card_id in enumerate(ids)}
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        stamp = db_time(created)
        cursor.executemany(
            "INSERT INTO cards (id, created_at, updated_at, deck_id, front, back, flag, suspended,"
            " is_sample, source, state, interval_days, reps, lapses) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 'generated', 0, 0, 0, 0)",
            [
                (
                    card_id,
                    stamp,
                    stamp,
                    deck_ids[n % len(deck_ids)],
                    f"Question {n} about topic {n % 97} and idea {rng.randrange(10_000)}",
                    f"Answer {n}: detail {rng.randrange(10_000)}",
                )
                for n, card_id in enumerate(ids)
            ],
        )
        schedules: dict[str, Schedule] = {}
        reviews = []
        next_new = 0
        for day in range(days, 0, -1):
            session_start = (now - timedelta(days=day)).replace(hour=9, minute=0, second=0)
            moment = session_start
            due_now = [
                cid
                for cid, s in schedules.items()
                if s.due is not None and s.due <= moment + timedelta(hours=12)
            ]
            introduced = ids[next_new : next_new + new_per_day]
            next_new += len(introduced)
            queue = due_now + introduced
            while queue:
                card_id = queue.pop(0)
                schedule = schedules.get(card_id, NEW_CARD)
                moment += timedelta(seconds=rng.randint(4, 20))
                rating = pick_rating(rng, schedule)
                after = apply_review(schedule, rating, moment, settings, card_id)
                reviews.append(
                    (
                        new_id(),
                        db_time(moment),
                        card_id,
                        deck_of[card_id],
                        int(rating),
                        db_time(moment),
                        rng.randint(2000, 15000),
                        "fsrs",
                        config_id,
                        schedule.state,
                    )
                )
                schedules[card_id] = after
                if after.due is not None and after.due <= moment + timedelta(minutes=30):
                    queue.append(card_id)
        cursor.executemany(
            "INSERT INTO card_reviews (id, created_at, card_id, deck_id, rating, reviewed_at,"
            " duration_ms, scheduler, config_id, state_before)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            reviews,
        )
        raw.commit()
    finally:
        raw.close()
    with database.write_session() as session:
        write_schedules(session, schedules)
    return GeneratedProfile(tuple(decks), tuple(ids), len(reviews), now)


def fail_review_commits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every review-loop commit fails as a full disk does (the answer is rolled back);
    `monkeypatch.undo()` makes them work again."""
    import sqlite3

    from app.core.flashcards.review_loop import ReviewLoop

    def disk_full(self: ReviewLoop) -> None:
        self._connection().execute("ROLLBACK")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ReviewLoop, "_commit", disk_full)
