"""The review loop's parts: the next card to show, answering it, undoing an answer, the session
summary. `ReviewLoop` (in `review_loop`) runs them warm for the Review view; the functions here
work from nothing each time, inside the caller's session.

Order within a selection: learning cards that are due, then review cards due today (oldest due
first), then new cards (deck by deck in tree order, oldest first), then learning cards due within
the next 20 minutes if nothing else is left. Daily limits come from `queue.plan_queue`.

Answering appends a `card_reviews` row and moves the card's cached schedule by one `replay.step`
(or, if the log holds a later review, e.g. from a device with a clock ahead, by a full replay).
`record_answer` is the one way an answer is written, whoever answers. Undo appends a
`card_review_undos` row and replays the card: the undone review stops counting everywhere the
undo travels, and nothing is ever deleted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.flashcards.decks import DeckInfo, deck_settings
from app.core.flashcards.queue import QueueCounts, QueuePlan, plan_queue
from app.core.flashcards.records import quick_init
from app.core.flashcards.replay import LoggedReview, replay_cards, step
from app.core.flashcards.review_sql import (
    ANY_CARD,
    ANY_NEW,
    LEARNING_DUE,
    NEW_IN_DECK,
    REVIEW_DUE,
    CardRow,
    chosen,
    driver_connection,
    first_due,
    found,
    insert_review,
    read_card,
    read_tags,
    run,
    stamp,
    store_config,
    store_schedule,
)
from app.core.flashcards.scheduling import (
    Rating,
    Schedule,
    SchedulerSettings,
    format_interval,
    preview_intervals,
)
from app.core.flashcards.study_day import StudyDay
from app.core.flashcards.tables import REVIEWS, UNDOS, chunks
from app.core.flashcards.tally_sql import BURIED_NOW
from app.db.database import ProfileDatabase
from app.db.models.flashcards import (
    QUEUE_LEARNING,
    QUEUE_NEW,
    QUEUE_REVIEW,
    STATE_NEW,
    STATE_REVIEW,
)
from app.db.types import db_time, new_id
from app.errors import UserError

LEARN_AHEAD = timedelta(minutes=20)
REVIEW_CHANGES = Change.CARDS | Change.REVIEWS


@dataclass(frozen=True)
class IntervalPreview:
    rating: Rating
    interval: timedelta
    label: str  # "10m", "4d", ...


@quick_init
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
    # What the previews are computed from: the card's schedule and settings, and when it was
    # chosen. They are computed when first asked for (once the back is shown), not for every
    # card the loop hands out: four FSRS steps, most of a quick answer's own work.
    schedule: Schedule
    settings: SchedulerSettings
    chosen_at: datetime

    @cached_property
    def previews(self) -> tuple[IntervalPreview, ...]:
        """Again, Hard, Good, Easy: how long until the card is due again after each."""
        intervals = preview_intervals(self.schedule, self.chosen_at, self.settings, self.id)
        return tuple(
            IntervalPreview(rating, interval, format_interval(interval))
            for rating, interval in intervals.items()
        )


@quick_init
@dataclass(frozen=True)
class NextCard:
    """What the review screen shows: a card, or the empty state with when the next is due."""

    card: CardToShow | None
    counts: QueueCounts
    next_due_at: datetime | None  # only when card is None; None: nothing scheduled at all
    has_cards: bool = True  # False: the selection holds no live card, not even a suspended one


@quick_init
@dataclass(frozen=True)
class AnswerResult:
    card_id: str
    review_id: str  # the undo token for `undo_answer`
    rating: Rating
    schedule: Schedule
    interval_label: str
    changes: Change


@dataclass(frozen=True)
class UndoResult:
    card_id: str
    schedule: Schedule
    changes: Change


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


def pick_card(
    conn: sqlite3.Connection,
    plan: QueuePlan,
    now: datetime,
    learning_from: datetime | None = None,
) -> CardRow | None:
    """The card to show now, as stored, with its tags (see the module docstring for the
    order). `learning_from`: no learning card of the selection is due before it (None: not
    known); the learning queries are skipped when they cannot find a card."""
    at = stamp(now)
    decks = _decks(plan)
    if learning_from is None or learning_from <= now:
        card = chosen(LEARNING_DUE.run(conn, (at, at), decks))
        if card is not None:
            return card
    review_decks = plan.review_decks
    if review_decks:
        every = len(review_decks) == len(plan.tree.decks)
        params = (db_time(plan.day.end), at)
        card = chosen(REVIEW_DUE.run(conn, params, None if every else review_decks))
        if card is not None:
            return card
    for deck_id in plan.new_decks:
        card = chosen(run(conn, NEW_IN_DECK, (deck_id, at)))
        if card is not None:
            return card
    ahead = now + LEARN_AHEAD
    if learning_from is not None and learning_from > ahead:
        return None
    return chosen(LEARNING_DUE.run(conn, (at, db_time(ahead)), decks))


def _decks(plan: QueuePlan) -> tuple[str, ...] | None:
    """The selection's decks for a `Scoped` statement: None when it is every deck."""
    return None if len(plan.deck_ids) == len(plan.tree.decks) else plan.deck_ids


def next_card(session: Session, deck_id: str | None, now: datetime) -> NextCard:
    """The card to show now in the selected deck (None: all decks), with the counts.

    `now` must be aware and in the learner's zone (the study day turns at 4 am there).
    """
    plan = plan_queue(session, deck_id, now)
    return next_in_plan(driver_connection(session), plan, now)


def next_in_plan(conn: sqlite3.Connection, plan: QueuePlan, now: datetime) -> NextCard:
    """The card `pick_card` chooses under this plan, or the empty state."""
    card = show_next(conn, plan, now)
    return NextCard(card, plan.counts, None) if card is not None else empty_state(conn, plan, now)


def next_row(
    conn: sqlite3.Connection,
    plan: QueuePlan,
    now: datetime,
    learning_from: datetime | None = None,
) -> CardRow | None:
    """The card `pick_card` chooses, as stored."""
    return pick_card(conn, plan, now, learning_from)


def show_next(conn: sqlite3.Connection, plan: QueuePlan, now: datetime) -> CardToShow | None:
    row = next_row(conn, plan, now)
    return None if row is None else card_to_show(conn, row, plan.tree.by_id(row.deck_id), now)


def empty_state(conn: sqlite3.Connection, plan: QueuePlan, now: datetime) -> NextCard:
    """Nothing to show now: the counts, when the next card will be due, and whether the
    selection holds any card at all."""
    decks = _decks(plan)
    candidates = []
    learning = first_due(conn, QUEUE_LEARNING, decks)
    if learning is not None:
        candidates.append(max(learning, now))
    review = first_due(conn, QUEUE_REVIEW, decks)
    if review is not None:
        local = review.astimezone(plan.day.zone)
        candidates.append(max(StudyDay.of(local).start, plan.day.end))
    # New cards held back by the limit, or buried cards: both are back tomorrow.
    wanted = set(plan.deck_ids)
    buried = run(conn, BURIED_NOW, (db_time(now),))
    held_back = any(row["queue"] >= 0 and row["deck_id"] in wanted for row in buried)
    if held_back or found(ANY_NEW.run(conn, (), decks)):
        candidates.append(plan.day.end)
    next_due = min(candidates) if candidates else None
    has_cards = next_due is not None or found(ANY_CARD.run(conn, (), decks))
    return NextCard(None, plan.counts, next_due, has_cards)


_KINDS = {QUEUE_NEW: "new", QUEUE_LEARNING: "learning"}


def card_to_show(
    conn: sqlite3.Connection, row: CardRow, deck: DeckInfo, now: datetime
) -> CardToShow:
    kind = _KINDS.get(row.queue, "review")
    return CardToShow(
        id=row.id,
        deck_id=row.deck_id,
        deck_name=deck.full_name,
        front=row.front,
        back=row.back,
        tags=read_tags(conn, row.id) if row.tags is None else row.tags,
        flag=row.flag,
        kind=kind,
        source_kind=row.source_kind,
        source_id=row.source_id,
        source_anchor=row.source_anchor,
        schedule=row.schedule,
        settings=deck.settings(row.scheduler),
        chosen_at=now,
    )


def record_answer(
    conn: sqlite3.Connection,
    card: CardRow,
    settings: SchedulerSettings,
    rating: Rating,
    duration_ms: int,
    now: datetime,
    stored_configs: Collection[str] = (),
) -> tuple[str, Schedule | None]:
    """Append the review and store the card's next schedule (one `replay.step`), in the
    caller's transaction. The one way an answer is written.

    Returns the review id and the schedule; the schedule is None when the log already holds a
    later review of this card (e.g. from a device whose clock is ahead): then only a replay
    gives the right order, and the caller replays. `stored_configs`: settings rows known to be
    in the database already (the review loop remembers them).
    """
    review = LoggedReview(new_id(), card.id, int(rating), now, settings.config_id)
    if settings.config_id not in stored_configs:
        store_config(conn, settings)
    insert_review(conn, review.id, card, review.rating, duration_ms, now, settings)
    before = card.schedule
    if before.last_review is not None and now < before.last_review:
        return review.id, None
    after = step(before, review, settings)
    store_schedule(conn, card.id, after, now)
    return review.id, after


def answer_card(
    session: Session, card_id: str, rating: Rating | int, duration_ms: int, now: datetime
) -> AnswerResult:
    """Record an answer and reschedule the card. Raises UserError if the card was deleted."""
    rating = Rating(rating)
    conn = driver_connection(session)
    row = read_card(conn, card_id)
    if row is None or row.deleted:
        raise UserError("That card was deleted; it can no longer be answered.")
    settings = deck_settings(session, row.deck_id, row.scheduler)
    review_id, after = record_answer(conn, row, settings, rating, duration_ms, now)
    if after is None:
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


def review_summary(database: ProfileDatabase, review_ids: Sequence[str]) -> SessionSummary:
    """`session_summary` in a read session of its own."""
    with database.read_session() as session:
        return session_summary(session, review_ids)


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
