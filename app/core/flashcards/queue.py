"""What is due: new / learning / review counts per deck with the daily limits, in a few queries.

Limits (Anki-like): a deck's `new_per_day` caps the new cards introduced today in it and its
subdecks together, `reviews_per_day` the reviews of review-state cards. Cards already answered
today count against them (from the log's `state_before`). Selecting a deck applies its limit and
every subdeck's own; learning cards are never limited. A deck's counts are those the learner
would get by selecting it.

Speed: counts come from the indexes on the generated `queue` column, each deck's capped at what
its limit leaves (`LIMIT` per deck), so 100,000 new cards cost no more than 20.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.core.flashcards.decks import DeckInfo, DeckTree, load_tree
from app.core.flashcards.study_day import StudyDay
from app.db.models.flashcards import (
    QUEUE_LEARNING,
    QUEUE_NEW,
    QUEUE_REVIEW,
    STATE_NEW,
    STATE_REVIEW,
)
from app.db.types import db_time


@dataclass(frozen=True)
class QueueCounts:
    new: int = 0
    learning: int = 0
    review: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class DeckCounts:
    """One row of the deck list: the deck, its depth, and its counts for today."""

    deck: DeckInfo
    counts: QueueCounts
    new_done_today: int
    reviews_done_today: int


@dataclass(frozen=True)
class QueuePlan:
    """How many new and review cards each deck may still show today (for the selection)."""

    tree: DeckTree
    day: StudyDay
    deck_ids: tuple[str, ...]
    counts: QueueCounts
    new_quota: dict[str, int]
    review_quota: dict[str, int]


@dataclass
class _Raw:
    new: dict[str, int]
    review: dict[str, int]
    learning: dict[str, int]
    new_done: dict[str, int]
    review_done: dict[str, int]


def _connection(session: Session) -> Connection:
    return session.connection()


def _done_today(conn: Connection, day: StudyDay) -> tuple[dict[str, int], dict[str, int]]:
    """New cards introduced and review cards answered today, per deck answered in.

    Counted from the index alone, then the (rare) undone ones taken off.
    """
    bounds = (db_time(day.start), db_time(day.end), STATE_NEW, STATE_REVIEW)
    done = conn.exec_driver_sql(
        "SELECT deck_id, state_before, count(*) FROM card_reviews "
        "WHERE reviewed_at >= ? AND reviewed_at < ? AND state_before IN (?, ?) "
        "GROUP BY deck_id, state_before",
        bounds,
    ).all()
    undone = conn.exec_driver_sql(
        "SELECT r.deck_id, r.state_before, count(DISTINCT r.id) FROM card_review_undos u "
        "JOIN card_reviews r ON r.id = u.review_id "
        "WHERE r.reviewed_at >= ? AND r.reviewed_at < ? AND r.state_before IN (?, ?) "
        "GROUP BY r.deck_id, r.state_before",
        bounds,
    ).all()
    new: dict[str, int] = defaultdict(int)
    review: dict[str, int] = defaultdict(int)
    for rows, sign in ((done, 1), (undone, -1)):
        for deck_id, state, count in rows:
            (new if state == STATE_NEW else review)[deck_id] += sign * count
    return new, review


def _subtree_sum(tree: DeckTree, values: dict[str, int]) -> dict[str, int]:
    totals = {deck.id: values.get(deck.id, 0) for deck in tree.decks}
    for deck in reversed(tree.decks):  # children before parents
        if deck.parent_id is not None and deck.parent_id in totals:
            totals[deck.parent_id] += totals[deck.id]
    return totals


@dataclass(frozen=True)
class _Buried:
    """Cards buried now, per deck and queue (few: they are subtracted instead of filtered, so
    the count queries never leave the index)."""

    new: dict[str, int]
    learning: dict[str, int]
    review: dict[str, int]


def _buried(conn: Connection, day: StudyDay, now: str) -> _Buried:
    rows = conn.exec_driver_sql(
        "SELECT deck_id, queue, due FROM cards WHERE buried_until > ?", (now,)
    ).all()
    found = _Buried(defaultdict(int), defaultdict(int), defaultdict(int))
    end = db_time(day.end)
    for deck_id, queue, due in rows:
        if queue == QUEUE_NEW:
            found.new[deck_id] += 1
        elif due is not None and due < end:
            (found.learning if queue == QUEUE_LEARNING else found.review)[deck_id] += 1
    return found


def _capped_counts(
    conn: Connection,
    queue: int,
    caps: dict[str, int],
    buried: dict[str, int],
    due_before: str | None,
) -> dict[str, int]:
    """min(cap, available cards) per deck in one query. Each count stops at cap + the deck's
    buried cards, which are then taken off."""
    decks = [(deck_id, cap) for deck_id, cap in caps.items() if cap > 0]
    if not decks:
        return {}
    due = "AND due < ? " if due_before is not None else "AND due IS NULL "
    part = (
        "SELECT ?, (SELECT count(*) FROM (SELECT 1 FROM cards WHERE queue = ? AND deck_id = ? "
        f"{due}LIMIT ?))"
    )
    found: dict[str, int] = {}
    for start in range(0, len(decks), 150):  # 5 parameters each: stay under SQLite's limit
        batch = decks[start : start + 150]
        params: list[object] = []
        for deck_id, cap in batch:
            params += [deck_id, queue, deck_id]
            params += [due_before] if due_before is not None else []
            params.append(cap + buried.get(deck_id, 0))
        sql = " UNION ALL ".join([part] * len(batch))
        for deck_id, count in conn.exec_driver_sql(sql, tuple(params)).all():
            found[deck_id] = max(0, count - buried.get(deck_id, 0))
    return found


def _learning_counts(conn: Connection, day: StudyDay, buried: dict[str, int]) -> dict[str, int]:
    rows = conn.exec_driver_sql(
        "SELECT deck_id, count(*) FROM cards WHERE queue = ? AND due < ? GROUP BY deck_id",
        (QUEUE_LEARNING, db_time(day.end)),
    ).all()
    return {deck_id: max(0, count - buried.get(deck_id, 0)) for deck_id, count in rows}


def _raw_counts(session: Session, tree: DeckTree, deck_ids: Sequence[str], now: datetime) -> _Raw:
    conn = _connection(session)
    day = StudyDay.of(now)
    new_done, review_done = _done_today(conn, day)
    new_done_sub = _subtree_sum(tree, new_done)
    review_done_sub = _subtree_sum(tree, review_done)
    wanted = set(deck_ids)
    new_caps = {}
    review_caps = {}
    for deck in tree.decks:
        if deck.id in wanted:
            new_caps[deck.id] = max(0, deck.new_per_day - new_done_sub[deck.id])
            review_caps[deck.id] = max(0, deck.reviews_per_day - review_done_sub[deck.id])
    buried = _buried(conn, day, db_time(now))
    return _Raw(
        new=_capped_counts(conn, QUEUE_NEW, new_caps, buried.new, None),
        review=_capped_counts(conn, QUEUE_REVIEW, review_caps, buried.review, db_time(day.end)),
        learning=_learning_counts(conn, day, buried.learning),
        new_done=new_done_sub,
        review_done=review_done_sub,
    )


def _gather(
    tree: DeckTree,
    deck_id: str,
    budget: int,
    available: dict[str, int],
    remaining: dict[str, int],
    quota: dict[str, int],
) -> int:
    """Take up to `budget` cards from the deck, then its subdecks in order; record each deck's
    share in `quota` and return the total taken."""
    own_budget = min(budget, remaining.get(deck_id, 0))
    taken = min(own_budget, available.get(deck_id, 0))
    quota[deck_id] = taken
    for child in tree.children(deck_id):
        if taken >= own_budget:
            break
        taken += _gather(tree, child.id, own_budget - taken, available, remaining, quota)
    return taken


def _remaining(tree: DeckTree, raw: _Raw, new: bool) -> dict[str, int]:
    done = raw.new_done if new else raw.review_done
    return {
        d.id: max(0, (d.new_per_day if new else d.reviews_per_day) - done.get(d.id, 0))
        for d in tree.decks
    }


def plan_queue(session: Session, deck_id: str | None, now: datetime) -> QueuePlan:
    """The counts of the selected deck (None: all decks) and each deck's share of them."""
    tree = load_tree(session)
    deck_ids = tuple(tree.subtree_ids(deck_id))
    raw = _raw_counts(session, tree, deck_ids, now)
    tops = [deck_id] if deck_id is not None else [d.id for d in tree.children(None)]
    new_quota: dict[str, int] = {}
    review_quota: dict[str, int] = {}
    new_left = _remaining(tree, raw, True)
    review_left = _remaining(tree, raw, False)
    new = sum(_gather(tree, top, 10**9, raw.new, new_left, new_quota) for top in tops)
    review = sum(_gather(tree, top, 10**9, raw.review, review_left, review_quota) for top in tops)
    learning = sum(raw.learning.get(d, 0) for d in deck_ids)
    counts = QueueCounts(new=new, learning=learning, review=review)
    return QueuePlan(tree, StudyDay.of(now), deck_ids, counts, new_quota, review_quota)


def queue_counts(session: Session, deck_id: str | None, now: datetime) -> QueueCounts:
    """New / learning / review cards left today for the selected deck (None: all decks)."""
    return plan_queue(session, deck_id, now).counts


def deck_list(session: Session, now: datetime) -> tuple[DeckCounts, ...]:
    """Every live deck in tree order with today's counts (as if that deck were selected)."""
    tree = load_tree(session)
    raw = _raw_counts(session, tree, [d.id for d in tree.decks], now)
    learning = _subtree_sum(tree, raw.learning)
    new_left = _remaining(tree, raw, True)
    review_left = _remaining(tree, raw, False)
    rows = []
    for deck in tree.decks:
        new = _gather(tree, deck.id, 10**9, raw.new, new_left, {})
        review = _gather(tree, deck.id, 10**9, raw.review, review_left, {})
        counts = QueueCounts(new=new, learning=learning[deck.id], review=review)
        rows.append(
            DeckCounts(deck, counts, raw.new_done.get(deck.id, 0), raw.review_done.get(deck.id, 0))
        )
    return tuple(rows)


def due_today(session: Session, now: datetime) -> tuple[DeckCounts, ...]:
    """The Today view: top-level decks with something to study today (counts include subdecks)."""
    return tuple(
        row
        for row in deck_list(session, now)
        if row.deck.parent_id is None and row.counts.total > 0
    )
