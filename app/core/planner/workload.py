"""The review workload of a plan, in minutes per day: the forecast of the cards already studied
(`forecast.existing_reviews`, per deck settings) and each deck's response to one new card, at
the learner's measured seconds per review.

The reviews counted are those of the plan's decks and their subdecks; a plan that names no deck
counts every deck, since the learner's reviews come first whatever the plan covers.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from app.core.flashcards.scheduling import SchedulerSettings
from app.core.planner import planner_sql as sql
from app.core.planner.forecast import (
    CardModel,
    existing_reviews,
    new_card_reviews,
    recall_curve,
    tally_cards,
)
from app.db.plain_sql import named_rows
from app.db.types import db_time

_JULIAN_UNIX_EPOCH = 2440587.5
DEFAULT_PARAMETERS = SchedulerSettings().parameters


def julian(moment: datetime) -> float:
    return _JULIAN_UNIX_EPOCH + moment.timestamp() / 86400.0


def _steps(value: Any, default: int) -> int:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return default
    return len(value) if isinstance(value, list) else default


def card_model(row: Mapping[str, Any]) -> CardModel:
    """The model a deck's cards are forecast with (an SM-2 deck: FSRS's default parameters)."""
    parameters = row["fsrs_parameters"]
    if isinstance(parameters, str):
        parameters = json.loads(parameters)
    if row["scheduler"] != "fsrs" or not parameters:
        parameters = DEFAULT_PARAMETERS
    return CardModel(
        parameters=tuple(float(p) for p in parameters),
        desired_retention=float(row["desired_retention"] or 0.9),
        maximum_interval=int(row["maximum_interval"] or 36500),
        learning_steps=_steps(row["learning_steps"], 2),
        relearning_steps=_steps(row["relearning_steps"], 1),
    )


@dataclass(frozen=True)
class Workload:
    reviews: tuple[float, ...]  # expected reviews per day, index 0 = today
    review_seconds: float

    def minutes(self, first: int, count: int) -> list[float]:
        """Review minutes for `count` days starting `first` days from today; past the forecast,
        the mean of its last 14 days."""
        per = self.review_seconds / 60
        tail = self.reviews[-14:]
        after = sum(tail) / len(tail) if tail else 0.0
        return [
            (self.reviews[i] if i < len(self.reviews) else after) * per
            for i in range(first, first + count)
        ]


_cache: dict[tuple[object, ...], Workload] = {}
_cache_lock = threading.Lock()


def forecast_workload(
    conn: sqlite3.Connection,
    decks: Mapping[str, Mapping[str, Any]],
    deck_ids: set[str] | None,
    *,
    morning: datetime,
    horizon: int,
    review_seconds: float,
) -> Workload:
    """Expected reviews of the cards already studied, from today's morning for `horizon` days.

    Kept (a few, per profile file) until a card is edited, a deck's settings change or a review
    is recorded or undone: changing the plan, a what-if or a way out re-spreads without
    forecasting again."""
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    stamp = tuple(conn.execute(sql.CARDS_STAMP.sql).fetchone())
    decks_key = frozenset(deck_ids) if deck_ids is not None else None
    cache_key = (path, morning, horizon, decks_key, stamp)
    with _cache_lock:
        found = _cache.get(cache_key)
    if found is not None:
        return replace(found, review_seconds=review_seconds)
    rows = conn.execute(
        sql.STUDIED_CARDS.sql,
        {"t0": julian(morning), "until": db_time(morning + timedelta(days=horizon))},
    )
    per_deck: dict[str, list[tuple[int, float, float, float]]] = {}
    for deck_id, *card in rows:
        cards = per_deck.get(deck_id)
        if cards is None:
            if deck_ids is not None and deck_id not in deck_ids:
                continue
            cards = per_deck[deck_id] = []
        cards.append(card)
    models: dict[str, CardModel] = {}
    tallies: dict[str, dict[tuple[int, int, int, int], float]] = {}
    for deck_id, cards in per_deck.items():
        row = decks.get(deck_id)
        model = models[deck_id] = card_model(row) if row else CardModel(DEFAULT_PARAMETERS)
        tally_cards(tallies.setdefault(deck_id, {}), recall_curve(model), cards)
    by_model: dict[CardModel, dict[tuple[int, int, int, int], float]] = {}
    for deck_id, tally in tallies.items():
        model = models[deck_id]
        merged = by_model.setdefault(model, {})
        for key, count in tally.items():
            merged[key] = merged.get(key, 0.0) + count
    total = [0.0] * horizon
    for model, tally in by_model.items():
        for day, value in enumerate(existing_reviews(model, tally, horizon)):
            total[day] += value
    workload = Workload(tuple(total), review_seconds)
    with _cache_lock:
        if len(_cache) >= 4:
            _cache.pop(next(iter(_cache)))
        _cache[cache_key] = workload
    return workload


def new_card_minutes(
    row: Mapping[str, Any], horizon: int, review_seconds: float
) -> tuple[float, ...]:
    """Minutes of reviews 0, 1, 2... days after introducing one new card of this deck."""
    per = review_seconds / 60
    return tuple(r * per for r in new_card_reviews(card_model(row), horizon))


def today_counts(
    conn: sqlite3.Connection, deck_ids: set[str] | None, *, morning: datetime, evening: datetime
) -> tuple[int, int, int]:
    """(cards due before the study day ends, reviews done today, new cards started today)."""
    due = sum(
        row["n"]
        for row in named_rows(conn.execute(sql.DUE_BEFORE.sql, (db_time(evening),)))
        if deck_ids is None or row["deck_id"] in deck_ids
    )
    reviews = started = 0
    for row in named_rows(conn.execute(sql.REVIEWED_SINCE.sql, (db_time(morning),))):
        if deck_ids is None or row["deck_id"] in deck_ids:
            reviews += int(row["reviews"] or 0)
            started += int(row["started"] or 0)
    return due, reviews, started


def forget_forecasts() -> None:
    with _cache_lock:
        _cache.clear()
