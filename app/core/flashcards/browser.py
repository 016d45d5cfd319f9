"""The card browser: filter, sort and page through 100,000 cards; one card's full detail.

Two ways to fill a lazy table: `browse_cards` returns one page (OFFSET paging) and the total;
`search_card_ids` returns every matching id in order and `card_rows` the rows for any slice of
them (Anki's way: the id list is cheap, rows are built only for what is on screen, and a row's
position never shifts while the learner scrolls). Text search uses the FTS5 index `cards_fts`:
each word matches words starting with it, in front or back, accents and case ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, exists, func, select, text
from sqlalchemy.orm import Session

from app.core.flashcards import browser_sql as sql_
from app.core.flashcards.cards import card_tags
from app.core.flashcards.decks import load_tree
from app.core.flashcards.review_sql import driver_connection, run
from app.core.flashcards.study_day import StudyDay
from app.core.flashcards.tables import CARD_TAGS, CARDS, chunks
from app.db.models.flashcards import (
    QUEUE_DELETED,
    QUEUE_LEARNING,
    QUEUE_NEW,
    QUEUE_REVIEW,
    QUEUE_SUSPENDED,
)
from app.db.models.tags import tag_id
from app.db.types import db_time, from_db_time
from app.errors import UserError

STATES = ("new", "learning", "review", "suspended", "buried", "deleted")
PREVIEW_CHARS = 160
# Images, tags and runs of white space stand for a gap; emphasis and heading marks are
# dropped outright, so "the **testing effect**?" previews as "the testing effect?".
_GAPS = re.compile(r"!\[[^\]]*\]\([^)]*\)|<[^>]+>|\s+")
_MARKS = re.compile(r"[*`#>|]+|(?<![^\W_])_+|_+(?![^\W_])")
# Anything either of them could change: a mark, an image or tag, or white space other than
# single spaces (most fields have none, and skip both).
_MARKUP = re.compile(r"[*`#>|_!<]|\s\s|[^\S ]")


class SortKey(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DUE = "due"
    FRONT = "front"
    INTERVAL = "interval"
    REPS = "reps"
    LAPSES = "lapses"
    DIFFICULTY = "difficulty"


_SORT_COLUMNS = {
    SortKey.CREATED: CARDS.c.id,  # UUIDv7: creation order
    SortKey.UPDATED: CARDS.c.updated_at,
    SortKey.DUE: CARDS.c.due,
    SortKey.FRONT: CARDS.c.sort_text,
    SortKey.INTERVAL: CARDS.c.interval_days,
    SortKey.REPS: CARDS.c.reps,
    SortKey.LAPSES: CARDS.c.lapses,
    SortKey.DIFFICULTY: CARDS.c.difficulty,
}


@dataclass(frozen=True)
class CardFilter:
    """What the browser shows; empty fields do not filter. Deleted cards only with "deleted"."""

    text: str = ""
    deck_id: str | None = None  # with its subdecks
    tags: tuple[str, ...] = ()  # cards holding every one of these (`tags.parse_tags`)
    state: str | None = None  # one of STATES
    due_within_days: int | None = None  # 0: due today or overdue; 1: by the end of tomorrow
    flag: int | None = None


@dataclass(frozen=True)
class CardSort:
    key: SortKey = SortKey.CREATED
    descending: bool = False


class CardRow(NamedTuple):
    """One line of the browser (a tuple: thousands are built as the learner scrolls)."""

    id: str
    deck_id: str
    deck_name: str
    front: str  # a one-line plain-text preview
    back: str
    tags: tuple[str, ...]
    state: str  # new | learning | review | suspended | buried | deleted
    due: datetime | None
    interval_days: int
    difficulty: float | None
    ease: float | None
    reps: int
    lapses: int
    flag: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CardPage:
    rows: tuple[CardRow, ...]
    total: int
    offset: int


def plain_preview(markdown: str, limit: int = PREVIEW_CHARS) -> str:
    """Markdown as one line of plain text, for a table cell."""
    if _MARKUP.search(markdown) is None:  # plain words and single spaces: nothing to remove
        flat = markdown.strip(" ")
    else:
        flat = " ".join(_MARKS.sub("", _GAPS.sub(" ", markdown)).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def fts_query(words: str) -> str | None:
    """An FTS5 query matching every word as a prefix; None if there is no word in `words`."""
    tokens = re.findall(r"\w+", words)
    if not tokens:
        return None
    return " ".join(f'"{token}"*' for token in tokens)


def _conditions(session: Session, card_filter: CardFilter, now: datetime) -> list[Any]:
    where: list[Any] = []
    state = card_filter.state
    if state is not None and state not in STATES:
        raise UserError(f"Unknown card state {state!r}; use one of {', '.join(STATES)}.")
    if state == "deleted":
        where.append(CARDS.c.deleted_at.is_not(None))
    else:
        where.append(CARDS.c.deleted_at.is_(None))
    queue = {
        "new": QUEUE_NEW,
        "learning": QUEUE_LEARNING,
        "review": QUEUE_REVIEW,
        "suspended": QUEUE_SUSPENDED,
    }.get(state or "")
    if queue is not None:
        where.append(CARDS.c.queue == queue)
    if state == "buried":
        where.append(CARDS.c.buried_until > now)
    if card_filter.deck_id is not None:
        deck_ids = load_tree(session).subtree_ids(card_filter.deck_id)
        where.append(CARDS.c.deck_id.in_(deck_ids))
    for name in card_filter.tags:
        where.append(
            exists().where(
                CARD_TAGS.c.card_id == CARDS.c.id,
                CARD_TAGS.c.tag_id == tag_id(name),
                CARD_TAGS.c.deleted_at.is_(None),
            )
        )
    if card_filter.due_within_days is not None:
        day = StudyDay.of(now).plus(card_filter.due_within_days)
        where.append(CARDS.c.queue.in_((QUEUE_LEARNING, QUEUE_REVIEW)))
        where.append(CARDS.c.due < day.end)
    if card_filter.flag is not None:
        where.append(CARDS.c.flag == card_filter.flag)
    match = fts_query(card_filter.text)
    if match is not None:
        where.append(text(f"cards.rowid IN ({sql_.TEXT_MATCH.sql})").bindparams(match=match))
    elif card_filter.text.strip():
        where.append(CARDS.c.front.contains(card_filter.text.strip(), autoescape=True))
    return where


def _ordered(query: Select[Any], sort: CardSort) -> Select[Any]:
    column: ColumnElement[Any] = _SORT_COLUMNS[sort.key]
    # The id breaks ties, unless it is the sort key itself: "ORDER BY id, id" makes SQLite
    # sort every row again instead of reading the index in order.
    keys = [column] if column is CARDS.c.id else [column, CARDS.c.id]
    return query.order_by(*(key.desc() if sort.descending else key for key in keys))


def count_cards(session: Session, card_filter: CardFilter, now: datetime) -> int:
    query = select(func.count()).select_from(CARDS).where(*_conditions(session, card_filter, now))
    return int(session.execute(query).scalar_one())


def search_card_ids(
    session: Session, card_filter: CardFilter, sort: CardSort, now: datetime
) -> tuple[str, ...]:
    """Every matching card id, in display order."""
    query = select(CARDS.c.id).where(*_conditions(session, card_filter, now))
    result = session.connection().execute(_ordered(query, sort))
    try:
        # The driver's rows as they are (ids need no conversion): SQLAlchemy's per-row result
        # handling took most of the time (26,000 ids: 17 ms -> about 7 ms). In slices, so that
        # the row tuples die young instead of setting off full garbage collections.
        cursor = result.cursor
        ids: list[str] = []
        while part := cursor.fetchmany(2000):
            ids.extend(map(itemgetter(0), part))
        return tuple(ids)
    finally:
        result.close()


def browse_cards(
    session: Session,
    card_filter: CardFilter,
    sort: CardSort,
    now: datetime,
    offset: int = 0,
    limit: int = 100,
) -> CardPage:
    """One page of rows and the total number of matching cards."""
    where = _conditions(session, card_filter, now)
    total = int(session.execute(select(func.count()).select_from(CARDS).where(*where)).scalar_one())
    query = _ordered(select(CARDS.c.id).where(*where), sort).offset(offset).limit(limit)
    ids = list(session.execute(query).scalars())
    return CardPage(card_rows(session, ids, now), total, offset)


_ROW_COLUMNS = ("id", "deck_id", "front", "back", "queue", "buried_until", "due",
                "interval_days", "difficulty", "ease", "reps", "lapses", "flag", "created_at",
                "updated_at")  # fmt: skip


def card_rows(session: Session, card_ids: Sequence[str], now: datetime) -> tuple[CardRow, ...]:
    """The rows of these cards, in the order given (ids no longer there are left out).

    Plain SQL on the session's connection: this fills the browser as it scrolls, and
    SQLAlchemy's per-row handling was most of its time."""
    tree = load_tree(session)
    names = {deck.id: deck.full_name for deck in tree.decks}
    conn = driver_connection(session)
    at = db_time(now)
    tags: dict[str, list[str]] = {}
    found: dict[str, CardRow] = {}
    for part in chunks(list(card_ids)):
        links = run(conn, sql_.CARD_TAGS, part, ids=len(part))
        for card_id, name in sql_.columns(links, "card_id", "name"):
            tags.setdefault(card_id, []).append(name)
        cards = run(conn, sql_.CARD_ROWS, part, ids=len(part))
        for row in sql_.columns(cards, *_ROW_COLUMNS):
            (card_id, deck_id, front, back, queue, buried, due, interval, difficulty, ease,
             reps, lapses, flag, created, updated) = row  # fmt: skip
            found[card_id] = CardRow(
                id=card_id,
                deck_id=deck_id,
                deck_name=names.get(deck_id, ""),
                front=plain_preview(front),
                back=plain_preview(back),
                tags=tuple(sorted(tags.get(card_id, ()), key=str.casefold)),
                state=_state_label(queue, buried is not None and buried > at),
                due=None if due is None else from_db_time(due),
                interval_days=interval,
                difficulty=difficulty,
                ease=ease,
                reps=reps,
                lapses=lapses,
                flag=flag,
                created_at=from_db_time(created),
                updated_at=from_db_time(updated),
            )
    return tuple(found[card_id] for card_id in card_ids if card_id in found)


def _state_label(queue: int, buried: bool) -> str:
    if queue == QUEUE_DELETED:
        return "deleted"
    if queue == QUEUE_SUSPENDED:
        return "suspended"
    if buried:
        return "buried"
    return {QUEUE_NEW: "new", QUEUE_LEARNING: "learning"}.get(queue, "review")


@dataclass(frozen=True)
class CardDetail:
    """Everything about one card, for the editor and the card info panel."""

    id: str
    deck_id: str
    deck_name: str
    front: str
    back: str
    tags: tuple[str, ...]
    source_kind: str | None
    source_id: str | None
    source_anchor: str | None
    flag: int
    suspended: bool
    buried_until: datetime | None
    scheduler: str | None
    is_sample: bool
    state: int
    due: datetime | None
    interval_days: int
    stability: float | None
    difficulty: float | None
    ease: float | None
    reps: int
    lapses: int
    last_review: datetime | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


def get_card(session: Session, card_id: str) -> CardDetail:
    """One card (deleted ones too). Raises UserError if there is no such card."""
    row = session.execute(select(CARDS).where(CARDS.c.id == card_id)).one_or_none()
    if row is None:
        raise UserError("That card does not exist.")
    names = {deck.id: deck.full_name for deck in load_tree(session).decks}
    return CardDetail(
        id=row.id,
        deck_id=row.deck_id,
        deck_name=names.get(row.deck_id, ""),
        front=row.front,
        back=row.back,
        tags=card_tags(session, [card_id])[card_id],
        source_kind=row.source_kind,
        source_id=row.source_id,
        source_anchor=row.source_anchor,
        flag=row.flag,
        suspended=row.suspended,
        buried_until=row.buried_until,
        scheduler=row.scheduler,
        is_sample=row.is_sample,
        state=row.state,
        due=row.due,
        interval_days=row.interval_days,
        stability=row.stability,
        difficulty=row.difficulty,
        ease=row.ease,
        reps=row.reps,
        lapses=row.lapses,
        last_review=row.last_review,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )
