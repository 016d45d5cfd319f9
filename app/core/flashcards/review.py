"""The review loop: the next card to show, answering it, undoing an answer, the session summary.

Order within a selection: learning cards that are due, then review cards due today (oldest due
first), then new cards (deck by deck in tree order, oldest first), then learning cards due within
the next 20 minutes if nothing else is left. Daily limits come from `queue.plan_queue`.

Answering appends a `card_reviews` row and updates the card's cached schedule by one step (or,
if the log holds a later review, e.g. from a device with a clock ahead, by a full replay).
Undo appends a `card_review_undos` row and replays the card: the undone review stops counting
everywhere the undo travels, and nothing is ever deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, insert, select
from sqlalchemy.orm import Session

from app.core.changes import Changes
from app.core.flashcards.cards import card_tags
from app.core.flashcards.decks import DeckInfo, deck_settings
from app.core.flashcards.queue import QueueCounts, QueuePlan, plan_queue
from app.core.flashcards.replay import (
    ensure_config,
    read_schedule,
    replay_cards,
    write_schedules,
)
from app.core.flashcards.scheduling import (
    Rating,
    Schedule,
    apply_review,
    format_interval,
    preview_intervals,
)
from app.core.flashcards.study_day import StudyDay
from app.core.flashcards.tables import CARDS, REVIEWS, UNDOS, chunks
from app.db.models.flashcards import (
    QUEUE_LEARNING,
    QUEUE_NEW,
    QUEUE_REVIEW,
    STATE_NEW,
    STATE_REVIEW,
)
from app.db.types import new_id
from app.errors import UserError

LEARN_AHEAD = timedelta(minutes=20)
MAX_DURATION_MS = 60 * 60 * 1000
REVIEW_CHANGES = Changes.of("cards", "reviews")


@dataclass(frozen=True)
class IntervalPreview:
    rating: Rating
    interval: timedelta
    label: str  # "10m", "4d", ...


@dataclass(frozen=True)
class CardToShow:
    id: str
    deck_id: str
    deck_name: str  # full name, "A::B"
    front: str  # markdown; images by file name in the profile's media folder
    back: str
    tags: tuple[str, ...]
    flag: int
    kind: str  # new | learning | review
    source_kind: str | None
    source_id: str | None
    source_anchor: str | None
    previews: tuple[IntervalPreview, ...]  # Again, Hard, Good, Easy


@dataclass(frozen=True)
class NextCard:
    """What the review screen shows: a card, or the empty state with when the next is due."""

    card: CardToShow | None
    counts: QueueCounts
    next_due_at: datetime | None  # only when card is None; None: nothing scheduled at all


@dataclass(frozen=True)
class AnswerResult:
    card_id: str
    review_id: str  # the undo token for `undo_answer`
    rating: Rating
    schedule: Schedule
    interval_label: str
    changes: Changes


@dataclass(frozen=True)
class UndoResult:
    card_id: str
    schedule: Schedule
    changes: Changes


@dataclass(frozen=True)
class SessionSummary:
    reviewed: int
    again: int
    hard: int
    good: int
    easy: int
    new_cards: int
    total_ms: int
    review_pass_rate: float | None  # passed / answered among review-state cards

    @property
    def average_seconds(self) -> float:
        return self.total_ms / 1000 / self.reviewed if self.reviewed else 0.0


_SCHEDULE_COLUMNS = [
    CARDS.c[name]
    for name in (
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
]


def _not_buried(now: datetime) -> ColumnElement[bool]:
    return (CARDS.c.buried_until.is_(None)) | (CARDS.c.buried_until <= now)


def _first(session: Session, query: Select[Any]) -> str | None:
    found = session.execute(query.limit(1)).scalar()
    return None if found is None else str(found)


def _pick(session: Session, plan: QueuePlan, now: datetime) -> str | None:
    every_deck = len(plan.deck_ids) == len(plan.tree.decks)
    in_selection = CARDS.c.deck_id.in_(plan.deck_ids)
    learning = select(CARDS.c.id).where(CARDS.c.queue == QUEUE_LEARNING, _not_buried(now))
    if not every_deck:
        learning = learning.where(in_selection)
    card_id = _first(session, learning.where(CARDS.c.due <= now).order_by(CARDS.c.due))
    if card_id:
        return card_id
    review_decks = [d for d in plan.deck_ids if plan.review_quota.get(d, 0) > 0]
    if review_decks:
        reviews = select(CARDS.c.id).where(
            CARDS.c.queue == QUEUE_REVIEW, CARDS.c.due < plan.day.end, _not_buried(now)
        )
        if len(review_decks) != len(plan.tree.decks):
            reviews = reviews.where(CARDS.c.deck_id.in_(review_decks))
        card_id = _first(session, reviews.order_by(CARDS.c.due))
        if card_id:
            return card_id
    for deck_id in plan.deck_ids:
        if plan.new_quota.get(deck_id, 0) > 0:
            new = select(CARDS.c.id).where(
                CARDS.c.queue == QUEUE_NEW,
                CARDS.c.deck_id == deck_id,
                CARDS.c.due.is_(None),
                _not_buried(now),
            )
            card_id = _first(session, new.order_by(CARDS.c.id))
            if card_id:
                return card_id
    ahead = learning.where(CARDS.c.due <= now + LEARN_AHEAD).order_by(CARDS.c.due)
    return _first(session, ahead)


def _next_due(session: Session, plan: QueuePlan, now: datetime) -> datetime | None:
    """When something will be there to study again (for the empty state)."""
    selection = CARDS.c.deck_id.in_(plan.deck_ids)
    candidates = []
    learning = session.execute(
        select(func.min(CARDS.c.due)).where(CARDS.c.queue == QUEUE_LEARNING, selection)
    ).scalar()
    if learning is not None:
        candidates.append(max(_parse(learning), now))
    review = session.execute(
        select(func.min(CARDS.c.due)).where(CARDS.c.queue == QUEUE_REVIEW, selection)
    ).scalar()
    if review is not None:
        local = _parse(review).astimezone(plan.day.zone)
        candidates.append(max(StudyDay.of(local).start, plan.day.end))
    # New cards held back by the limit, or buried cards: both are back tomorrow.
    new_left = select(CARDS.c.id).where(CARDS.c.queue == QUEUE_NEW, selection)
    # Only `buried_until` in SQL, so the planner takes its index (buried cards are few).
    buried = session.execute(
        select(CARDS.c.deck_id, CARDS.c.queue).where(CARDS.c.buried_until > now)
    ).all()
    decks = set(plan.deck_ids)
    held_back = any(queue >= 0 and deck_id in decks for deck_id, queue in buried)
    if held_back or _first(session, new_left) is not None:
        candidates.append(plan.day.end)
    return min(candidates) if candidates else None


def _parse(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    from app.db.types import from_db_time

    return from_db_time(str(value))


def next_card(session: Session, deck_id: str | None, now: datetime) -> NextCard:
    """The card to show now in the selected deck (None: all decks), with the counts.

    `now` must be aware and in the learner's zone (the study day turns at 4 am there).
    """
    plan = plan_queue(session, deck_id, now)
    card_id = _pick(session, plan, now)
    if card_id is None:
        return NextCard(None, plan.counts, _next_due(session, plan, now))
    return NextCard(_card_to_show(session, card_id, plan.tree.by_id, now), plan.counts, None)


def _card_to_show(session: Session, card_id: str, deck_of: object, now: datetime) -> CardToShow:
    row = session.execute(select(CARDS).where(CARDS.c.id == card_id)).one()
    deck: DeckInfo = deck_of(row.deck_id)  # type: ignore[operator]
    schedule = read_schedule(row)
    settings = deck.settings(row.scheduler)
    previews = preview_intervals(schedule, now, settings, card_id)
    kind = {QUEUE_NEW: "new", QUEUE_LEARNING: "learning"}.get(row.queue, "review")
    return CardToShow(
        id=card_id,
        deck_id=row.deck_id,
        deck_name=deck.full_name,
        front=row.front,
        back=row.back,
        tags=card_tags(session, [card_id])[card_id],
        flag=row.flag,
        kind=kind,
        source_kind=row.source_kind,
        source_id=row.source_id,
        source_anchor=row.source_anchor,
        previews=tuple(
            IntervalPreview(rating, interval, format_interval(interval))
            for rating, interval in previews.items()
        ),
    )


def answer_card(
    session: Session, card_id: str, rating: Rating | int, duration_ms: int, now: datetime
) -> AnswerResult:
    """Record an answer and reschedule the card. Raises UserError if the card was deleted."""
    rating = Rating(rating)
    row = session.execute(
        select(CARDS.c.deck_id, CARDS.c.scheduler, CARDS.c.deleted_at, *_SCHEDULE_COLUMNS).where(
            CARDS.c.id == card_id
        )
    ).one_or_none()
    if row is None or row.deleted_at is not None:
        raise UserError("That card was deleted; it can no longer be answered.")
    before = read_schedule(row)
    settings = deck_settings(session, row.deck_id, row.scheduler)
    config_id = ensure_config(session, settings)
    review_id = new_id()
    session.execute(
        insert(REVIEWS).values(
            id=review_id,
            created_at=now,
            card_id=card_id,
            deck_id=row.deck_id,
            rating=int(rating),
            reviewed_at=now,
            duration_ms=max(0, min(int(duration_ms), MAX_DURATION_MS)),
            scheduler=settings.kind,
            config_id=config_id,
            state_before=before.state,
        )
    )
    if before.last_review is None or now >= before.last_review:
        after = apply_review(before, rating, now, settings, card_id)
        write_schedules(session, {card_id: after})
    else:  # the log already holds a later review: only a replay gives the right order
        after = replay_cards(session, [card_id])[card_id]
    label = format_interval(after.due - now) if after.due else ""
    return AnswerResult(card_id, review_id, rating, after, label, REVIEW_CHANGES)


def undo_answer(session: Session, review_id: str, now: datetime) -> UndoResult:
    """Take back an answer (Ctrl+Z): the review stays in the log, marked undone, and the card's
    schedule is replayed without it. Undoing twice is harmless."""
    card_id = session.execute(select(REVIEWS.c.card_id).where(REVIEWS.c.id == review_id)).scalar()
    if card_id is None:
        raise UserError("There is no such answer to undo.")
    already = session.execute(select(exists().where(UNDOS.c.review_id == review_id))).scalar()
    if not already:
        session.execute(
            insert(UNDOS).values(
                id=new_id(), created_at=now, review_id=review_id, card_id=card_id, undone_at=now
            )
        )
    schedule = replay_cards(session, [card_id])[card_id]
    return UndoResult(card_id, schedule, REVIEW_CHANGES)


def session_summary(session: Session, review_ids: Sequence[str]) -> SessionSummary:
    """The end-of-session summary of these answers (undone ones left out)."""
    ratings = {rating: 0 for rating in Rating}
    total_ms = new_cards = review_total = review_passed = 0
    undone = exists().where(UNDOS.c.review_id == REVIEWS.c.id)
    for part in chunks(list(review_ids)):
        rows = session.execute(
            select(REVIEWS.c.rating, REVIEWS.c.duration_ms, REVIEWS.c.state_before).where(
                REVIEWS.c.id.in_(part), ~undone
            )
        )
        for rating, duration, state_before in rows:
            ratings[Rating(rating)] += 1
            total_ms += duration
            new_cards += state_before == STATE_NEW
            if state_before == STATE_REVIEW:
                review_total += 1
                review_passed += rating > Rating.AGAIN
    return SessionSummary(
        reviewed=sum(ratings.values()),
        again=ratings[Rating.AGAIN],
        hard=ratings[Rating.HARD],
        good=ratings[Rating.GOOD],
        easy=ratings[Rating.EASY],
        new_cards=new_cards,
        total_ms=total_ms,
        review_pass_rate=review_passed / review_total if review_total else None,
    )


def answer_and_next(
    session: Session,
    card_id: str,
    rating: Rating | int,
    duration_ms: int,
    now: datetime,
    deck_id: str | None,
) -> tuple[AnswerResult, NextCard]:
    """`answer_card` then `next_card` in the caller's write session: the review loop's one
    round trip (one connection, one commit)."""
    result = answer_card(session, card_id, rating, duration_ms, now)
    return result, next_card(session, deck_id, now)
