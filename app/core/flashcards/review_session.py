"""A review session: the review loop for one deck selection, kept warm between answers.

`next_card` / `answer_card` work from nothing each time: they read the deck tree and today's
counts (a dozen queries) for every card. A session reads them once and then keeps them exact in
memory (`QueueTally.answered`), so an answer is: one transaction of two statements, then the
next card from a few indexed `LIMIT 1` queries on the session's own connection (which see the
answer), then the commit.

`answer` returns before that commit: the card can go on screen while the caller's thread
commits (`flush`; synchronous=FULL: an fsync). The Review view queues `flush` right behind each
answer on its write thread, so the learner never waits on the disk and an answer is durable
about half a millisecond after the card is handed over. Any later call commits first if nobody
did, and a commit that fails is reported (by `flush` or that call), the card coming back. Until
then the answer holds the profile's write lock: call `flush` promptly.

It picks exactly the cards the stateless functions pick (the same `pick_card`), and it notices
every change it did not make itself: `PRAGMA data_version` moves when any other connection
commits (an edit, a suspension, sync, another process), and the session then reads everything
again. So does a new study day, and anything out of the ordinary (a card answered that is not in
the selection, a review log with a later review), which goes through `answer_card` instead.

Thread-safe: one lock around everything, so the GUI may call it from any worker thread.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime

from app.core.flashcards.decks import read_tree
from app.core.flashcards.queue_tally import QueuePlan, QueueTally, load_tally
from app.core.flashcards.review import (
    REVIEW_CHANGES,
    AnswerResult,
    CardToShow,
    NextCard,
    answer_card,
    card_to_show,
    empty_state,
    record_answer,
)
from app.core.flashcards.review_sql import CardRow, pick_card, read_card
from app.core.flashcards.scheduling import Rating, Schedule, format_interval, is_learning
from app.db.database import ProfileDatabase
from app.db.models.flashcards import QUEUE_LEARNING, QUEUE_NEW, QUEUE_REVIEW, STATE_NEW
from app.errors import UserError


class AnswerNotSaved(UserError):
    """The last answer could not be committed; its card comes back, and it cannot be undone.
    `review_id`: that answer's undo token."""

    def __init__(self, message: str, review_id: str) -> None:
        super().__init__(message)
        self.review_id = review_id


def queue_of(schedule: Schedule) -> int:
    """The `queue` a live, unsuspended card with this schedule is in (see QUEUE_SQL)."""
    if schedule.state == STATE_NEW:
        return QUEUE_NEW
    return QUEUE_LEARNING if is_learning(schedule.state) else QUEUE_REVIEW


class ReviewSession:
    """The review of one deck and its subdecks (`deck_id` None: all decks)."""

    def __init__(self, database: ProfileDatabase, deck_id: str | None) -> None:
        self.database = database
        self.deck_id = deck_id
        self._lock = threading.RLock()  # re-entrant: its own write sessions flush it
        # A connection of the engine's pool, kept for the session (warm: schema read, pages
        # cached), used through its sqlite3 connection directly.
        self._pooled = database.engine.raw_connection()
        conn = self._pooled.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        self._conn: sqlite3.Connection | None = conn
        self._tally: QueueTally | None = None
        self._version = -1
        self._shown: CardRow | None = None  # the card last shown, as read then
        self._configs: set[str] = set()  # settings rows known to be stored
        self._pending: str | None = None  # the review written but not yet committed
        database.attach(self)
        self.reloads = 0  # how many times it read everything (for tests and benchmarks)
        self.recounts = 0  # how many times a deck's share outgrew its count (see _plan)

    # Keeping up with the database
    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise UserError("This review session was closed; start the review again.")
        return self._conn

    def _data_version(self) -> int:
        return int(self._connection().execute("PRAGMA data_version").fetchone()[0])

    def _current_tally(self, now: datetime) -> QueueTally:
        version = self._data_version()
        tally = self._tally
        if tally is None or version != self._version or not tally.day.contains(now):
            # Read the version first: a commit made while reading moves it again, and the next
            # call reads again (never a stale tally kept).
            conn = self._connection()
            conn.execute("BEGIN")  # one snapshot for the tree and every count
            try:
                tree = read_tree(conn)
                tally = load_tally(conn, tree, self.deck_id, now)
            finally:
                conn.execute("COMMIT")
            self._tally, self._version = tally, version
            self._shown = None
            self._configs.clear()
            self.reloads += 1
        return tally

    def _plan(self, tally: QueueTally, now: datetime) -> QueuePlan:
        """The selection's plan; if a deck's share grew past what was counted for it, the
        counts are read again first (in the answer's transaction, when there is one: they then
        include the answer)."""
        plan = tally.plan(self.deck_id)
        if plan.complete:
            return plan
        conn = self._connection()
        outside = not conn.in_transaction
        if outside:
            conn.execute("BEGIN")
        try:
            self._tally = tally = load_tally(conn, tally.tree, self.deck_id, now)
        finally:
            if outside:
                conn.execute("COMMIT")
        self.recounts += 1
        return tally.plan(self.deck_id)

    def _show(self, now: datetime, plan: QueuePlan) -> CardToShow | None:
        conn = self._connection()
        card_id = pick_card(conn, plan, now)
        row = None if card_id is None else read_card(conn, card_id)
        self._shown = row
        return None if row is None else card_to_show(conn, row, plan.tree.by_id(row.deck_id), now)

    def _next(self, now: datetime, tally: QueueTally) -> NextCard:
        plan = self._plan(tally, now)
        card = self._show(now, plan)
        if card is not None:
            return NextCard(card, plan.counts, None)
        with self.database.read_session() as session:
            return empty_state(session, plan, now)

    # Committing
    def _settle(self) -> None:
        """Commit the last answer; if that fails, say so (and read everything again: the card
        it was for comes back)."""
        review_id, self._pending = self._pending, None
        if review_id is not None:
            self._commit_answer(review_id)

    def _commit_answer(self, review_id: str) -> None:
        try:
            self._commit()
        except Exception as error:
            self._tally = None
            raise AnswerNotSaved(
                f"Study Desk could not save your last answer in {self.database.db_file} "
                f"({error}). Nothing before it was lost, and that card will be shown again. "
                "If the disk is full, free some space and answer it again.",
                review_id,
            ) from error

    def _commit(self) -> None:
        conn = self._connection()
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self.database.mark_changed()

    def flush(self) -> None:
        """Commit the last answer, if it is not yet (raises UserError if it cannot be). Call it
        right after `answer`, off the thread that shows the card: the Review view queues it
        behind each answer on its write thread."""
        with self._lock:
            self._settle()

    # The loop
    def current(self, now: datetime) -> NextCard:
        """The card to show now, with the counts (or the empty state)."""
        with self._lock:
            self._settle()
            return self._next(now, self._current_tally(now))

    def answer(
        self, card_id: str, rating: Rating | int, duration_ms: int, now: datetime
    ) -> tuple[AnswerResult, NextCard]:
        """Record the answer and give the next card.

        The answer's transaction is written before the next card is chosen (which sees it);
        it is committed by `flush` (or the next call, or `close`), so that the caller can show
        the card first. When no card is left, it commits before returning (the empty state
        reads from another connection)."""
        rating = Rating(rating)
        with self._lock:
            self._settle()
            tally = self._current_tally(now)
            conn = self._connection()
            shown = self._shown
            # Unchanged since shown: nothing else committed (the tally would have been reread).
            row = shown if shown is not None and shown.id == card_id else read_card(conn, card_id)
            if row is None or row.deleted:
                raise UserError("That card was deleted; it can no longer be answered.")
            buried = row.buried_until is not None and row.buried_until > now
            selected = row.deck_id in tally.deck_ids and row.queue >= QUEUE_NEW and not buried
            if not selected:
                return self._answer_elsewhere(card_id, rating, duration_ms, now)
            settings = tally.tree.by_id(row.deck_id).settings(row.scheduler)
            conn.execute("BEGIN IMMEDIATE")
            try:
                review_id, after = record_answer(
                    conn, row, settings, rating, duration_ms, now, self._configs
                )
                if after is None:  # a later review in the log: replay through the session path
                    conn.execute("ROLLBACK")
                    return self._answer_elsewhere(card_id, rating, duration_ms, now)
                before = row.schedule
                tally.answered(
                    row.deck_id, before.state, row.queue, before.due, queue_of(after), after.due
                )
                plan = self._plan(tally, now)
                card = self._show(now, plan)
            except BaseException:
                self._tally = None
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            self._configs.add(settings.config_id)
            label = format_interval(after.due - now) if after.due else ""
            result = AnswerResult(card_id, review_id, rating, after, label, REVIEW_CHANGES)
            if card is not None:
                self._pending = review_id
                return result, NextCard(card, plan.counts, None)
            self._commit_answer(review_id)
            with self.database.read_session() as session:
                return result, empty_state(session, plan, now)

    def _answer_elsewhere(
        self, card_id: str, rating: Rating, duration_ms: int, now: datetime
    ) -> tuple[AnswerResult, NextCard]:
        """The rare cases, through `answer_card`; the session then reads everything again."""
        with self.database.write_session() as session:
            result = answer_card(session, card_id, rating, duration_ms, now)
        self._tally = None
        return result, self._next(now, self._current_tally(now))

    def select(self, deck_id: str | None) -> None:
        """Study another deck (None: all decks) from now on."""
        with self._lock:
            self._settle()
            if deck_id != self.deck_id:
                self.deck_id = deck_id
                self._tally = None

    @property
    def closed(self) -> bool:
        return self._conn is None

    def close(self) -> None:
        """Commit the last answer, then let go of the connection (raises if that commit
        failed, after closing). Closing twice is harmless."""
        with self._lock:
            try:
                self._settle()
            finally:
                if self._conn is not None:
                    self._conn = None
                    self._pooled.close()  # back to the pool
                self.database.detach(self)
