"""The review loop's statements, on a plain sqlite3 connection: which card is next, reading it,
and recording an answer.

They run in two places: inside a SQLAlchemy session (`next_card`, `answer_card`, through
`driver_connection`) and on a review session's own connection (`ReviewSession`), so both paths
pick the same card in the same order. Plain SQL because the loop runs these once per answer and
SQLAlchemy's statement overhead (about 0.1 ms each) would be most of the answer's time.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.core.flashcards.queue_tally import QueuePlan
from app.core.flashcards.replay import CONFIG_CREATED_AT
from app.core.flashcards.scheduling import Rating, Schedule, SchedulerSettings
from app.db.models.flashcards import QUEUE_LEARNING, QUEUE_NEW, QUEUE_REVIEW
from app.db.types import db_time, from_db_time

LEARN_AHEAD = timedelta(minutes=20)
MAX_DURATION_MS = 60 * 60 * 1000

_NOT_BURIED = "(buried_until IS NULL OR buried_until <= ?)"


def driver_connection(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under a session, inside its transaction."""
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection


def _in(column: str, ids: tuple[str, ...] | list[str]) -> str:
    return f"{column} IN ({','.join('?' * len(ids))})"


def _first(conn: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> str | None:
    row = conn.execute(sql, params).fetchone()
    return None if row is None else str(row[0])


def pick_card(conn: sqlite3.Connection, plan: QueuePlan, now: datetime) -> str | None:
    """The id of the card to show now: learning cards that are due, then review cards due today
    (oldest due first), then new cards (deck by deck in tree order, oldest first), then learning
    cards due within LEARN_AHEAD if nothing else is left."""
    at = db_time(now)
    every_deck = len(plan.deck_ids) == len(plan.tree.decks)
    learning = f"SELECT id FROM cards WHERE queue = {QUEUE_LEARNING} AND {_NOT_BURIED} "
    learning_params: tuple[object, ...] = (at,)
    if not every_deck:
        learning += f"AND {_in('deck_id', plan.deck_ids)} "
        learning_params += plan.deck_ids
    card_id = _first(conn, learning + "AND due <= ? ORDER BY due LIMIT 1", (*learning_params, at))
    if card_id:
        return card_id
    review_decks = [d for d in plan.deck_ids if plan.review_quota.get(d, 0) > 0]
    if review_decks:
        sql = f"SELECT id FROM cards WHERE queue = {QUEUE_REVIEW} AND due < ? AND {_NOT_BURIED} "
        params: tuple[object, ...] = (db_time(plan.day.end), at)
        if len(review_decks) != len(plan.tree.decks):
            sql += f"AND {_in('deck_id', review_decks)} "
            params += tuple(review_decks)
        card_id = _first(conn, sql + "ORDER BY due LIMIT 1", params)
        if card_id:
            return card_id
    new_sql = (
        f"SELECT id FROM cards WHERE queue = {QUEUE_NEW} AND deck_id = ? AND due IS NULL "
        f"AND {_NOT_BURIED} ORDER BY id LIMIT 1"
    )
    for deck_id in plan.deck_ids:
        if plan.new_quota.get(deck_id, 0) > 0:
            card_id = _first(conn, new_sql, (deck_id, at))
            if card_id:
                return card_id
    ahead = db_time(now + LEARN_AHEAD)
    return _first(conn, learning + "AND due <= ? ORDER BY due LIMIT 1", (*learning_params, ahead))


@dataclass(frozen=True)
class CardRow:
    """A card as the review loop needs it: what it shows and its cached schedule."""

    id: str
    deck_id: str
    front: str
    back: str
    flag: int
    queue: int
    scheduler: str | None
    deleted: bool
    source_kind: str | None
    source_id: str | None
    source_anchor: str | None
    schedule: Schedule
    buried_until: datetime | None = None


_CARD_SQL = (
    "SELECT id, deck_id, front, back, flag, queue, scheduler, deleted_at IS NOT NULL, "
    "source_kind, source_id, source_anchor, state, step, due, stability, difficulty, ease, "
    "interval_days, reps, lapses, last_review, buried_until FROM cards WHERE id = ?"
)


def _time(value: str | None) -> datetime | None:
    return None if value is None else from_db_time(value)


def read_card(conn: sqlite3.Connection, card_id: str) -> CardRow | None:
    row = conn.execute(_CARD_SQL, (card_id,)).fetchone()
    if row is None:
        return None
    schedule = Schedule(
        state=row[11],
        step=row[12],
        due=_time(row[13]),
        stability=row[14],
        difficulty=row[15],
        ease=row[16],
        interval_days=row[17],
        reps=row[18],
        lapses=row[19],
        last_review=_time(row[20]),
    )
    return CardRow(
        id=row[0],
        deck_id=row[1],
        front=row[2],
        back=row[3],
        flag=row[4],
        queue=row[5],
        scheduler=row[6],
        deleted=bool(row[7]),
        source_kind=row[8],
        source_id=row[9],
        source_anchor=row[10],
        schedule=schedule,
        buried_until=_time(row[21]),
    )


def read_tags(conn: sqlite3.Connection, card_id: str) -> tuple[str, ...]:
    """The live tag names of a card, sorted as the browser sorts them."""
    rows = conn.execute(
        "SELECT t.name FROM card_tags ct JOIN tags t ON t.id = ct.tag_id "
        "WHERE ct.card_id = ? AND ct.deleted_at IS NULL",
        (card_id,),
    ).fetchall()
    return tuple(sorted((name for (name,) in rows), key=str.casefold))


_CONFIG_SQL = (
    "INSERT INTO scheduler_configs (id, created_at, kind, settings) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (id) DO NOTHING"
)
_REVIEW_SQL = (
    "INSERT INTO card_reviews (id, created_at, card_id, deck_id, rating, reviewed_at, "
    "duration_ms, scheduler, config_id, state_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# The cache columns only: `updated_at` stays (a review is not an edit of the card).
_SCHEDULE_SQL = (
    "UPDATE cards SET state = ?, step = ?, due = ?, stability = ?, difficulty = ?, ease = ?, "
    "interval_days = ?, reps = ?, lapses = ?, last_review = ? WHERE id = ?"
)


def store_config(conn: sqlite3.Connection, settings: SchedulerSettings) -> None:
    """The settings row a review names (content-addressed: stored once, with the same text and
    creation time on every device, as `replay.ensure_config` stores it)."""
    text = json.dumps(settings.as_json())  # what SQLAlchemy's JSON type writes
    conn.execute(_CONFIG_SQL, (settings.config_id, db_time(CONFIG_CREATED_AT), settings.kind, text))


def insert_review(
    conn: sqlite3.Connection,
    review_id: str,
    card: CardRow,
    rating: Rating,
    duration_ms: int,
    now: datetime,
    settings: SchedulerSettings,
) -> None:
    at = db_time(now)
    duration = max(0, min(int(duration_ms), MAX_DURATION_MS))
    conn.execute(
        _REVIEW_SQL,
        (
            review_id,
            at,
            card.id,
            card.deck_id,
            int(rating),
            at,
            duration,
            settings.kind,
            settings.config_id,
            card.schedule.state,
        ),
    )


def store_schedule(conn: sqlite3.Connection, card_id: str, schedule: Schedule) -> None:
    due = None if schedule.due is None else db_time(schedule.due)
    last = None if schedule.last_review is None else db_time(schedule.last_review)
    conn.execute(
        _SCHEDULE_SQL,
        (
            schedule.state,
            schedule.step,
            due,
            schedule.stability,
            schedule.difficulty,
            schedule.ease,
            schedule.interval_days,
            schedule.reps,
            schedule.lapses,
            last,
            card_id,
        ),
    )
