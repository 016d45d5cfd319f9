"""A card's schedule from its review log: one review's step, the replay of a log, and the cache
columns of `cards` it fills.

The rule that makes two devices agree: the schedule of a card is the fold of `step` over its
live reviews (every `card_reviews` row without a `card_review_undos` row) sorted by
(reviewed_at, id), each with the settings it names. Union the logs of any devices in any order,
replay, and every device gets the same schedule. `step` is the only way a schedule moves: an
answer (`review.record_answer`) takes one step, `replay` folds it over a log, and the Anki
importer replays a card's old and imported reviews through `replay` too. Sync calls
`replay_cards` for the cards whose reviews or undos it received; `replay_all` rebuilds
everything (after a restore or a repair).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.core.flashcards.records import quick_init
from app.core.flashcards.review_sql import (
    LIVE_REVIEWS,
    STORE_SCHEDULE,
    driver_connection,
    schedule_row,
)
from app.core.flashcards.scheduling import (
    CONFIG_CREATED_AT,
    NEW_CARD,
    Schedule,
    SchedulerSettings,
    apply_review,
    as_rating,
)
from app.core.flashcards.tables import CARDS, CONFIGS, chunks
from app.core.progress import Progress

# Settings rows are immutable and content-addressed, so one cache serves every profile.
_SETTINGS: dict[str, SchedulerSettings] = {}


@quick_init
@dataclass(frozen=True)
class LoggedReview:
    id: str
    card_id: str
    rating: int
    reviewed_at: datetime
    config_id: str


def ensure_config(session: Session, settings: SchedulerSettings) -> str:
    """Store these settings (once) and return their id, for a review to name."""
    config_id = settings.config_id
    _SETTINGS.setdefault(config_id, settings)
    statement = sqlite_insert(CONFIGS).values(
        id=config_id,
        created_at=CONFIG_CREATED_AT,
        kind=settings.kind,
        settings=settings.as_json(),
    )
    session.execute(statement.on_conflict_do_nothing(index_elements=["id"]))
    return config_id


def settings_by_id(session: Session, config_ids: Iterable[str]) -> dict[str, SchedulerSettings]:
    wanted = set(config_ids)
    missing = sorted(wanted - _SETTINGS.keys())
    for part in chunks(missing):
        rows = session.execute(
            select(CONFIGS.c.id, CONFIGS.c.settings).where(CONFIGS.c.id.in_(part))
        )
        for config_id, data in rows:
            _SETTINGS[config_id] = SchedulerSettings.from_json(data)
    return {config_id: _SETTINGS[config_id] for config_id in wanted}


def live_reviews(session: Session, card_ids: Collection[str]) -> dict[str, list[LoggedReview]]:
    """The reviews that count (not undone) of these cards, by card, oldest first."""
    session.flush()
    conn = driver_connection(session)
    found: dict[str, list[LoggedReview]] = defaultdict(list)
    parse = datetime.fromisoformat  # reads the stored "...Z" text as aware UTC
    for part in chunks(sorted(card_ids)):
        rows = conn.execute(LIVE_REVIEWS.sql, (json.dumps(part),))
        for review_id, card_id, rating, reviewed_at, config_id in rows:
            found[card_id].append(
                LoggedReview(review_id, card_id, rating, parse(reviewed_at), config_id)
            )
    return found


def step(schedule: Schedule, review: LoggedReview, settings: SchedulerSettings) -> Schedule:
    """The schedule after one more review, made with `settings` (those `review` names)."""
    rating = as_rating(review.rating)
    return apply_review(schedule, rating, review.reviewed_at, settings, review.card_id)


def log_order(review: LoggedReview) -> tuple[datetime, str]:
    return review.reviewed_at, review.id


def replay(
    card_id: str,
    reviews: Iterable[LoggedReview],
    settings: Mapping[str, SchedulerSettings],
    before_each: Callable[[LoggedReview, Schedule], None] | None = None,
) -> Schedule:
    """The schedule the reviews of this card give, whatever order they come in.
    `before_each(review, schedule)`: told the schedule each review found (in log order)."""
    schedule = NEW_CARD
    for review in sorted(reviews, key=log_order):
        assert review.card_id == card_id
        if before_each is not None:
            before_each(review, schedule)
        schedule = step(schedule, review, settings[review.config_id])
    return schedule


def schedule_values(schedule: Schedule) -> dict[str, Any]:
    return {
        "state": schedule.state,
        "step": schedule.step,
        "due": schedule.due,
        "stability": schedule.stability,
        "difficulty": schedule.difficulty,
        "ease": schedule.ease,
        "interval_days": schedule.interval_days,
        "reps": schedule.reps,
        "lapses": schedule.lapses,
        "last_review": schedule.last_review,
    }


def write_schedules(session: Session, schedules: Mapping[str, Schedule]) -> None:
    """Store computed schedules in the cache columns (never touches `updated_at`)."""
    if schedules:
        session.flush()
        conn = driver_connection(session)
        conn.executemany(
            STORE_SCHEDULE.sql,
            [schedule_row(card_id, schedule) for card_id, schedule in schedules.items()],
        )


def replay_cards(session: Session, card_ids: Collection[str]) -> dict[str, Schedule]:
    """Recompute and store the schedule of these cards from their logs; returns them."""
    logs = live_reviews(session, card_ids)
    settings = settings_by_id(session, {r.config_id for log in logs.values() for r in log})
    schedules = {card_id: replay(card_id, logs.get(card_id, ()), settings) for card_id in card_ids}
    write_schedules(session, schedules)
    return schedules


def replay_all(session: Session, progress: Progress | None = None) -> int:
    """Rebuild the schedule cache of every card from the log; returns how many cards."""
    card_ids = list(session.scalars(select(CARDS.c.id).order_by(CARDS.c.id)))
    if progress is not None:
        progress.set_total(len(card_ids), "Recomputing card schedules")
    for part in chunks(card_ids, 2000):
        if progress is not None:
            progress.check()
        replay_cards(session, part)
        if progress is not None:
            progress.advance(len(part))
    return len(card_ids)


def read_schedule(row: Any) -> Schedule:
    """The cached schedule of a row that has the schedule columns of `cards`."""
    return Schedule(
        state=row.state,
        step=row.step,
        due=row.due,
        stability=row.stability,
        difficulty=row.difficulty,
        ease=row.ease,
        interval_days=row.interval_days,
        reps=row.reps,
        lapses=row.lapses,
        last_review=row.last_review,
    )
