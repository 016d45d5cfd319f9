"""The review loop's hand-written statements: which card is next, reading it, recording an
answer, and the empty state. (Today's counts are in `tally_sql`.)

They run on a plain sqlite3 connection in two places: inside a SQLAlchemy session (`next_card`,
`answer_card`, through `driver_connection`) and on the review loop's own connection
(`ReviewLoop`), so both pick the same card in the same order and record an answer the same way.
Plain SQL because the loop runs these once per answer and SQLAlchemy's statement overhead (about
0.1 ms each) would be most of the answer's time. Each is declared once with `statement` (so
`tests/db/test_plain_sql.py` EXPLAINs it against the head schema); rows are read by name.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.core.flashcards.records import quick_init
from app.core.flashcards.scheduling import CONFIG_CREATED_AT, Schedule, SchedulerSettings
from app.db.models.flashcards import QUEUE_LEARNING, QUEUE_NEW, QUEUE_REVIEW
from app.db.plain_sql import Statement, statement
from app.db.types import db_time, from_db_time

AT = "2026-01-01T00:00:00.000000Z"  # an example time as stored
MAX_DURATION_MS = 60 * 60 * 1000
_NOT_BURIED = "(buried_until IS NULL OR buried_until <= ?)"


def driver_connection(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under a session, inside its transaction."""
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection


_EXPANDED: dict[tuple[str, int], str] = {}


def run(
    conn: sqlite3.Connection, declared: Statement, params: Sequence[object] = (), **lists: int
) -> sqlite3.Cursor:
    """Execute a declared statement (its one `{list}`, if any, that long); rows by name."""
    sql = declared.sql
    if lists:
        (length,) = lists.values()
        key = (declared.name, length)
        sql = _EXPANDED.get(key) or _EXPANDED.setdefault(key, declared.expand(**lists))
    return run_text(conn, sql, params)


def run_text(conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> sqlite3.Cursor:
    """Execute text built from declared statements only (e.g. `tally_sql.many_decks`)."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, params)


@dataclass(frozen=True)
class Scoped:
    """A statement over every deck (no deck condition: the planner keeps its best index) and
    over some decks (`{decks}`, whose ids are its last parameters)."""

    every_deck: Statement
    in_decks: Statement

    def run(
        self, conn: sqlite3.Connection, params: Sequence[object], decks: Sequence[str] | None
    ) -> sqlite3.Cursor:
        """`decks` None: every deck."""
        if decks is None:
            return run(conn, self.every_deck, params)
        return run(conn, self.in_decks, (*params, *decks), decks=len(decks))


def scoped(name: str, sql: str, example: Sequence[object]) -> Scoped:
    """Declare `sql` (with `{scope}` where `AND deck_id IN (...)` goes) both ways."""
    return Scoped(
        statement(name, sql.replace("{scope}", ""), example=example),
        statement(
            f"{name}_in_decks",
            sql.replace("{scope}", " AND deck_id IN ({decks})"),
            example=(*example, "d1", "d2"),
            lists={"decks": 2},
        ),
    )


# Moves when another connection commits (the review loop then reads everything again).
DATA_VERSION = statement("review_data_version", "PRAGMA data_version")

# --- the next card ------------------------------------------------------------------------------

# What the review loop shows of a card, and its cached schedule (`card_row` reads it); the
# queries that choose the next card return the chosen card whole, so it is not read again.
CARD_COLUMNS = (
    "id, deck_id, front, back, flag, queue, scheduler, deleted_at IS NOT NULL AS deleted, "
    "source_kind, source_id, source_anchor, state, step, due, stability, difficulty, ease, "
    "interval_days, reps, lapses, last_review, buried_until"
)
# Its live tag names, as a JSON array (for the chosen card: one statement instead of two).
_CARD_WIDTH = CARD_COLUMNS.count(",") + 1
_TAG_NAMES = (
    "(SELECT json_group_array(t.name) FROM card_tags ct JOIN tags t ON t.id = ct.tag_id "
    "WHERE ct.card_id = cards.id AND ct.deleted_at IS NULL) AS tag_names"
)
_CHOSEN = f"SELECT {CARD_COLUMNS}, {_TAG_NAMES} FROM cards"

# Learning cards due by a time (now, or now + LEARN_AHEAD), oldest due first.
LEARNING_DUE = scoped(
    "review_learning_due",
    f"{_CHOSEN} WHERE queue = {QUEUE_LEARNING} AND {_NOT_BURIED} AND due <= ?"
    "{scope} ORDER BY due LIMIT 1",
    (AT, AT),
)
# Review cards due before the study day ends (then the time now), oldest due first.
REVIEW_DUE = scoped(
    "review_review_due",
    f"{_CHOSEN} WHERE queue = {QUEUE_REVIEW} AND due < ? AND {_NOT_BURIED}"
    "{scope} ORDER BY due LIMIT 1",
    (AT, AT),
)
NEW_IN_DECK = statement(
    "review_new_in_deck",
    f"{_CHOSEN} WHERE queue = {QUEUE_NEW} AND deck_id = ? AND due IS NULL "
    f"AND {_NOT_BURIED} ORDER BY id LIMIT 1",
    example=("d1", AT),
)


def chosen(cursor: sqlite3.Cursor) -> CardRow | None:
    """The card a choosing query found (with its tags), if any."""
    row = cursor.fetchone()
    if row is None:
        return None
    names = row[-1]  # tag_names, after CARD_COLUMNS
    return card_row(row, () if names == "[]" else tuple(json.loads(names)))


# --- one card -----------------------------------------------------------------------------------

CARD = statement("review_card", f"SELECT {CARD_COLUMNS} FROM cards WHERE id = ?", example=("c1",))
CARD_TAG_NAMES = statement(
    "review_card_tag_names",
    "SELECT t.name AS name FROM card_tags ct JOIN tags t ON t.id = ct.tag_id "
    "WHERE ct.card_id = ? AND ct.deleted_at IS NULL",
    example=("c1",),
)


@quick_init
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
    tags: tuple[str, ...] | None = None  # its live tag names, sorted; None: not read


_LAST_STAMP: tuple[datetime | None, str] = (None, "")


def stamp(value: datetime) -> str:
    """`stored_time(value)`, remembered for the last datetime given: an answer's time is stored
    with its review and card, and then chooses the next card."""
    global _LAST_STAMP
    last, text = _LAST_STAMP
    if last is value:
        return text
    text = stored_time(value)
    _LAST_STAMP = (value, text)
    return text


def stored_time(value: datetime) -> str:
    """`db_time(value)`, the same text a step shorter: the UTC time's isoformat with "Z" for
    its offset (a schedule's times are in UTC already)."""
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            return db_time(value)  # refused, as db_time refuses it
        value = value.astimezone(UTC)
    text = value.isoformat()  # (without microseconds when there are none)
    return f"{text[:-6]}Z" if value.microsecond else f"{text[:-6]}.000000Z"


def _time(value: str | None) -> datetime | None:
    return None if value is None else from_db_time(value)


def read_card(conn: sqlite3.Connection, card_id: str) -> CardRow | None:
    row = run(conn, CARD, (card_id,)).fetchone()
    return None if row is None else card_row(row)


def card_row(row: sqlite3.Row, tags: tuple[str, ...] | None = None) -> CardRow:
    """A row of `CARD_COLUMNS` (then anything) as a CardRow (`tags`: its tag names, in any
    order). Read by position, in the order of CARD_COLUMNS: a name is looked up column by
    column, and the review loop reads a card per answer."""
    (
        card_id,
        deck_id,
        front,
        back,
        flag,
        queue,
        scheduler,
        deleted,
        source_kind,
        source_id,
        source_anchor,
        state,
        step,
        due,
        stability,
        difficulty,
        ease,
        interval_days,
        reps,
        lapses,
        last_review,
        buried_until,
    ) = row[:_CARD_WIDTH]
    schedule = Schedule(
        state,
        step,
        None if due is None else from_db_time(due),
        stability,
        difficulty,
        ease,
        interval_days,
        reps,
        lapses,
        None if last_review is None else from_db_time(last_review),
    )
    return CardRow(
        card_id,
        deck_id,
        front,
        back,
        flag,
        queue,
        scheduler,
        bool(deleted),
        source_kind,
        source_id,
        source_anchor,
        schedule,
        None if buried_until is None else from_db_time(buried_until),
        None if tags is None else tuple(sorted(tags, key=str.casefold)),
    )


def read_tags(conn: sqlite3.Connection, card_id: str) -> tuple[str, ...]:
    """The live tag names of a card, sorted as the browser sorts them."""
    names = [row["name"] for row in run(conn, CARD_TAG_NAMES, (card_id,))]
    return tuple(sorted(names, key=str.casefold))


# --- recording an answer ------------------------------------------------------------------------

STORE_CONFIG = statement(
    "review_store_config",
    "INSERT INTO scheduler_configs (id, created_at, kind, settings) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (id) DO NOTHING",
    example=("x", AT, "fsrs", "{}"),
)
INSERT_REVIEW = statement(
    "review_insert_review",
    "INSERT INTO card_reviews (id, created_at, card_id, deck_id, rating, reviewed_at, "
    "duration_ms, scheduler, config_id, state_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    example=("r1", AT, "c1", "d1", 3, AT, 1000, "fsrs", "x", 0),
)
# The cache columns only: `updated_at` stays (a review is not an edit of the card).
STORE_SCHEDULE = statement(
    "review_store_schedule",
    "UPDATE cards SET state = ?, step = ?, due = ?, stability = ?, difficulty = ?, ease = ?, "
    "interval_days = ?, reps = ?, lapses = ?, last_review = ? WHERE id = ?",
    example=(0, None, AT, None, None, None, 0, 0, 0, AT, "c1"),
)


# --- replaying logs (app.core.flashcards.replay) ------------------------------------------------

# The reviews that count (no undo) of the cards in a JSON array, by card, in log order.
LIVE_REVIEWS = statement(
    "replay_live_reviews",
    "SELECT r.id, r.card_id, r.rating, r.reviewed_at, r.config_id FROM card_reviews r "
    "WHERE r.card_id IN (SELECT value FROM json_each(?)) "
    "AND NOT EXISTS (SELECT 1 FROM card_review_undos u WHERE u.review_id = r.id) "
    "ORDER BY r.card_id, r.reviewed_at, r.id",
    example=('["c1"]',),
)


def store_config(conn: sqlite3.Connection, settings: SchedulerSettings) -> None:
    """The settings row a review names (content-addressed: stored once, with the same text and
    creation time on every device, as `replay.ensure_config` stores it)."""
    text = json.dumps(settings.as_json())  # what SQLAlchemy's JSON type writes
    created = db_time(CONFIG_CREATED_AT)
    conn.execute(STORE_CONFIG.sql, (settings.config_id, created, settings.kind, text))


def insert_review(
    conn: sqlite3.Connection,
    review_id: str,
    card: CardRow,
    rating: int,
    duration_ms: int,
    at: datetime,
    settings: SchedulerSettings,
) -> None:
    when = stamp(at)
    duration = max(0, min(int(duration_ms), MAX_DURATION_MS))
    conn.execute(
        INSERT_REVIEW.sql,
        (
            review_id,
            when,
            card.id,
            card.deck_id,
            rating,
            when,
            duration,
            settings.kind,
            settings.config_id,
            card.schedule.state,
        ),
    )


def schedule_row(
    card_id: str, schedule: Schedule, last_text: str | None = None
) -> tuple[object, ...]:
    """STORE_SCHEDULE's parameters for this schedule; `last_text`: its last review's stored
    text, when the caller has it."""
    due = None if schedule.due is None else stored_time(schedule.due)
    if last_text is None and schedule.last_review is not None:
        last_text = stored_time(schedule.last_review)
    return (
        schedule.state,
        schedule.step,
        due,
        schedule.stability,
        schedule.difficulty,
        schedule.ease,
        schedule.interval_days,
        schedule.reps,
        schedule.lapses,
        last_text,
        card_id,
    )


def store_schedule(
    conn: sqlite3.Connection, card_id: str, schedule: Schedule, at: datetime | None = None
) -> None:
    """`at`: the time of the answer that made it (usually its `last_review`)."""
    last = schedule.last_review
    known = stamp(at) if at is not None and last is not None and last == at else None
    conn.execute(STORE_SCHEDULE.sql, schedule_row(card_id, schedule, known))


# --- the empty state ----------------------------------------------------------------------------

FIRST_DUE = scoped(
    "review_first_due", "SELECT min(due) AS due FROM cards WHERE queue = ?{scope}", (1,)
)
ANY_NEW = scoped(
    "review_any_new", f"SELECT 1 AS found FROM cards WHERE queue = {QUEUE_NEW}{{scope}} LIMIT 1", ()
)
# Any live card at all (suspended ones too): "no cards yet" or "all caught up".
ANY_CARD = scoped(
    "review_any_card",
    "SELECT 1 AS found FROM cards WHERE deleted_at IS NULL{scope} LIMIT 1",
    (),
)


def first_due(conn: sqlite3.Connection, queue: int, decks: Sequence[str] | None) -> datetime | None:
    return _time(FIRST_DUE.run(conn, (queue,), decks).fetchone()["due"])


def found(cursor: sqlite3.Cursor) -> bool:
    return cursor.fetchone() is not None
