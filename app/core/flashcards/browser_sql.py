"""The flashcards' hand-written statements outside the review loop: the deck tree, the card
browser's rows and text search, the statistics, and the review histories Optimise learns from.

Plain SQL where SQLAlchemy's per-statement and per-row handling would be most of the time (the
browser fills its table as the learner scrolls; statistics aggregate 100,000 rows from
indexes). Each is declared here once with `statement` (and so EXPLAINed by
`tests/db/test_plain_sql.py` against the head schema); rows are read by column name (through
`review_sql.run`, or `columns` where a row is built per line of the browser).

A statistic over "a deck and its subdecks or the whole profile" is two statements
(`review_sql.scoped`): the whole profile's has no deck condition at all, so the planner keeps
reading the index it reads alone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from app.core.flashcards.review_sql import scoped
from app.core.flashcards.scheduling import MATURE_DAYS
from app.db.models.flashcards import (
    QUEUE_LEARNING,
    QUEUE_REVIEW,
    QUEUE_SUSPENDED,
    STATE_NEW,
    STATE_REVIEW,
)
from app.db.plain_sql import statement

AT = "2024-01-01 00:00:00.000000"  # an example time as stored


def columns(cursor: sqlite3.Cursor, *names: str) -> Iterator[tuple[Any, ...]]:
    """The cursor's rows as tuples of these columns, in this order (found by name once, then
    picked in C: the browser's rows are built as the learner scrolls)."""
    position = {column[0]: index for index, column in enumerate(cursor.description or ())}
    wanted = [position[name] for name in names]  # KeyError: the statement has no such column
    if wanted == list(range(len(position))):
        return iter(cursor)  # the rows already are these columns in this order
    pick = itemgetter(*wanted)
    return map(pick, cursor) if len(names) > 1 else ((pick(row),) for row in cursor)


DECK_TREE = statement(
    "flashcards_deck_tree",
    "SELECT id, name, parent_id, scheduler, desired_retention, learning_steps, relearning_steps, "
    "new_per_day, reviews_per_day, maximum_interval, fsrs_parameters, is_sample, description "
    "FROM decks WHERE deleted_at IS NULL",
)

# --- the card browser ---------------------------------------------------------------------------

CARD_ROWS = statement(
    "browser_card_rows",
    "SELECT id, deck_id, front, back, queue, buried_until, due, interval_days, difficulty, "
    "ease, reps, lapses, flag, created_at, updated_at FROM cards WHERE id IN ({ids})",
    example=("a", "b"),
    lists={"ids": 2},
)
CARD_TAGS = statement(
    "browser_card_tags",
    "SELECT ct.card_id, t.name FROM card_tags ct JOIN tags t ON t.id = ct.tag_id "
    "WHERE ct.card_id IN ({ids}) AND ct.deleted_at IS NULL",
    example=("a", "b"),
    lists={"ids": 2},
)
# Used inside the browser's filter: `cards.rowid IN (<this>)`.
TEXT_MATCH = statement(
    "browser_text_match",
    "SELECT rowid FROM cards_fts WHERE cards_fts MATCH :match",
    example={"match": '"word"*'},
)

# --- statistics ---------------------------------------------------------------------------------


# One study day's reviews (the parameters: its bounds as stored times), summed in SQLite from the
# covering index: one range per day, so no GROUP BY (whose sort of a year's rows was most of the
# time) and nothing per row in Python. `count(*) FILTER` is the cheapest per-row test SQLite has
# (a `sum(expression)` costs about twice as much). `passed` and `failed`: answers of review-state
# cards (true retention), remembered or not (Again).
DAY_TOTALS = scoped(
    "stats_day_totals",
    "SELECT count(*) AS reviews, count(*) FILTER (WHERE r.rating = 1) AS again, "
    "count(*) FILTER (WHERE r.rating = 2) AS hard, count(*) FILTER (WHERE r.rating = 3) AS good, "
    "count(*) FILTER (WHERE r.rating = 4) AS easy, "
    f"count(*) FILTER (WHERE r.state_before = {STATE_NEW}) AS new_cards, "
    "sum(r.duration_ms) AS time_ms, "
    f"count(*) FILTER (WHERE r.state_before = {STATE_REVIEW} AND r.rating > 1) AS passed, "
    f"count(*) FILTER (WHERE r.state_before = {STATE_REVIEW} AND r.rating = 1) AS failed "
    "FROM card_reviews r WHERE r.reviewed_at >= ? AND r.reviewed_at < ?{scope}",
    (AT, AT),
)
# The undone reviews between two times (few), each to be taken off its own study day.
UNDONE_REVIEWS = scoped(
    "stats_undone_reviews",
    "SELECT r.reviewed_at, r.rating, r.state_before, r.duration_ms FROM card_reviews r "
    "WHERE r.id IN (SELECT review_id FROM card_review_undos) "
    "AND r.reviewed_at >= ? AND r.reviewed_at < ?{scope}",
    (AT, AT),
)

# Cards falling due per study day (parameters: the zone's shift as "+3600 seconds", today's
# date, the end of the last day); today's also holds the overdue.
FORECAST = scoped(
    "stats_due_forecast",
    "SELECT max(date(substr(due, 1, 19), ?), ?) AS day, queue, count(*) AS cards FROM cards "
    f"WHERE queue IN ({QUEUE_LEARNING}, {QUEUE_REVIEW}) AND due < ?{{scope}} GROUP BY day, queue",
    ("+0 seconds", "2024-01-01", AT),
)

# (queue, due, deck_id, interval_days): covers the card counts; named so the planner cannot
# prefer the deck index and read 100,000 rows instead. Grouped by queue, the index's first
# column: read in its order, no sort, one test per card (young: review cards under 21 days).
_QUEUE_INDEX = "ix_cards_queue_due_deck_id_interval_days"
CARD_COUNTS = scoped(
    "stats_card_counts",
    "SELECT queue, count(*) AS cards, "
    f"count(*) FILTER (WHERE interval_days < {MATURE_DAYS}) AS young "
    f"FROM cards INDEXED BY {_QUEUE_INDEX} WHERE queue >= {QUEUE_SUSPENDED}{{scope}} "
    "GROUP BY queue",
    (),
)
BURIED_COUNT = scoped(
    "stats_buried_count",
    "SELECT count(*) AS buried FROM cards WHERE buried_until > ? AND +queue >= 0{scope}",
    (AT,),
)

# --- Optimise -----------------------------------------------------------------------------------

# Each live review of the selected decks' live cards, per card in time order, with its study
# day as a day number (parameter: the zone's shift at `now`, as the statistics use).
REVIEW_HISTORIES = statement(
    "optimise_review_histories",
    "SELECT r.card_id, r.rating, r.state_before, "
    "CAST(julianday(date(substr(r.reviewed_at, 1, 19), ?)) AS INTEGER) AS day "
    "FROM card_reviews r JOIN cards c ON c.id = r.card_id "
    "WHERE c.deleted_at IS NULL AND c.deck_id IN ({decks}) "
    "AND r.id NOT IN (SELECT review_id FROM card_review_undos) "
    "ORDER BY r.card_id, r.reviewed_at",
    example=("+0 seconds", "d1", "d2"),
    lists={"decks": 2},
)
