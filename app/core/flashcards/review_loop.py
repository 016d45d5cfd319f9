"""The review loop the Review view runs: one deck selection, kept warm between answers, used from
the task runner's write thread only.

`next_card` / `answer_card` work from nothing each time: they read the deck tree and today's
counts (a dozen queries) for every card. The loop reads them once and then keeps them exact in
memory (`QueueTally.answered`), so an answer is one transaction on the loop's own connection:
the answer written (`record_answer`, the one way an answer is written), the next card chosen by
a few indexed `LIMIT 1` queries (which see the answer), and the commit (synchronous=FULL: an
fsync). Every call returns with nothing pending: what `answer` returns is on disk. A commit that
fails (a full disk) raises `AnswerNotSaved`, and that card is still the one to show.

It picks exactly the cards the stateless functions pick (the same `pick_card`), and it notices
every change it did not make itself: `PRAGMA data_version` moves when any other connection
commits (an edit, a suspension, sync, another process), and the loop then reads everything
again. So does a new study day, and anything out of the ordinary (a card answered that is not in
the selection, a review log with a later review), which goes through `answer_card` instead.
Undo, suspend and bury are write sessions of their own, then the next card.

The connection is opened on first use and let go by `close()`, or when the database is closed
(its engine disposed: closing the profile, restoring a backup), so nothing else needs to know
about the loop.
"""

from __future__ import annotations

import sqlite3
import weakref
from datetime import UTC, datetime

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import PoolProxiedConnection

from app.core.changes import Change
from app.core.flashcards import card_actions
from app.core.flashcards.cards import CardChange, CardUndo
from app.core.flashcards.decks import read_tree
from app.core.flashcards.queue_tally import QueuePlan, QueueTally
from app.core.flashcards.review import (
    REVIEW_CHANGES,
    AnswerResult,
    NextCard,
    UndoResult,
    answer_card,
    card_to_show,
    empty_state,
    next_row,
    record_answer,
    undo_answer,
)
from app.core.flashcards.review_sql import DATA_VERSION, CardRow, first_due, read_card
from app.core.flashcards.scheduling import (
    Rating,
    Schedule,
    as_rating,
    format_interval,
    is_learning,
)
from app.core.flashcards.tally_sql import load_tally
from app.db.database import ProfileDatabase
from app.db.models.flashcards import QUEUE_LEARNING, QUEUE_NEW, QUEUE_REVIEW, STATE_NEW
from app.errors import UserError


class AnswerNotSaved(UserError):
    """The answer could not be committed: its card is still due, and there is nothing to undo.
    `review_id`: the id that answer would have had."""

    def __init__(self, message: str, review_id: str) -> None:
        super().__init__(message)
        self.review_id = review_id


def queue_of(schedule: Schedule) -> int:
    """The `queue` a live, unsuspended card with this schedule is in (see QUEUE_SQL)."""
    if schedule.state == STATE_NEW:
        return QUEUE_NEW
    return QUEUE_LEARNING if is_learning(schedule.state) else QUEUE_REVIEW


class ReviewLoop:
    """The review of one deck and its subdecks (`deck_id` None: all decks) on one profile
    database. Not thread-safe: use it from one thread (the write thread), one call at a time."""

    def __init__(self, database: ProfileDatabase, deck_id: str | None = None) -> None:
        self.database = database
        self.deck_id = deck_id
        self._pooled: PoolProxiedConnection | None = None  # one of the engine's, kept while open
        self._conn: sqlite3.Connection | None = None  # its sqlite3 connection
        self._cursor: sqlite3.Cursor | None = None  # for the loop's own statements
        self._on_dispose = _Disposal(self)
        self.closed = False
        self._tally: QueueTally | None = None
        self._version = -1
        self._shown: CardRow | None = None  # the card last shown, as read then
        # No learning card of the selection is due before this (None: not known). Read with
        # the tally, lowered by answers: the learning queries run only when they can find one.
        self._learning_from: datetime | None = None
        self._configs: set[str] = set()  # settings rows known to be stored
        self.reloads = 0  # how many times it read everything (for tests and benchmarks)
        self.recounts = 0  # how many times a deck's share outgrew its count (see _plan)

    # The connection
    def _connection(self) -> sqlite3.Connection:
        conn = self._conn
        if conn is None:
            if self.closed:
                raise UserError("This review was closed; start the review again.")
            # A connection of the engine's pool (pragmas set, schema read, pages cached), the
            # loop's own until `close`.
            pooled = self.database.engine.raw_connection()
            driver = pooled.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            self._pooled, self._conn = pooled, driver
            self._cursor = driver.cursor()
            self._on_dispose.listen(self.database.engine)
            conn = driver
        return conn

    def _own_cursor(self) -> sqlite3.Cursor:
        """A cursor of the connection for the loop's statements (each call would make one)."""
        cursor = self._cursor
        if cursor is None:
            self._connection()
            cursor = self._cursor
            assert cursor is not None
        return cursor

    def close(self) -> None:
        """Let go of the connection, back to the pool (nothing is ever pending). Closing twice
        is harmless."""
        self._on_dispose.stop()
        self._let_go(keep_warm=True)

    def _let_go(self, *, keep_warm: bool) -> None:
        """Give the connection back (`keep_warm`: to the pool, for the next loop; else really
        closed, as the database is)."""
        self.closed = True
        pooled, self._pooled, self._conn = self._pooled, None, None
        self._cursor = None
        self._tally = None
        if pooled is not None:
            if keep_warm:
                pooled.close()
            else:
                pooled.invalidate()

    # Keeping up with the database
    def _current_tally(self, now: datetime) -> QueueTally:
        """The tally, read again if anything else committed since (or a new day began). In the
        answer's write transaction, the version counts every commit made before it, and the
        counts are read in that transaction."""
        conn = self._connection()
        version = int(self._own_cursor().execute(DATA_VERSION.sql).fetchone()[0])
        tally = self._tally
        if tally is None or version != self._version or not tally.day.contains(now):
            # Read the version first: a commit made while reading moves it again, and the next
            # call reads again (never a stale tally kept).
            outside = not conn.in_transaction
            if outside:
                conn.execute("BEGIN")  # one snapshot for the tree and every count
            try:
                tree = read_tree(conn)
                tally = load_tally(conn, tree, self.deck_id, now)
                self._learning_from = _first_learning_due(conn, tally)
            finally:
                if outside:
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

    def _next(self, now: datetime, tally: QueueTally) -> NextCard:
        conn = self._connection()
        plan = self._plan(tally, now)
        learning_from = self._learning_from
        row = self._shown = next_row(conn, plan, now, learning_from)
        if learning_from is not None and learning_from <= now:
            due = row.schedule.due if row is not None and row.queue == QUEUE_LEARNING else None
            if due is None or due > now:
                # None due now after all (the one that was is answered): read when the next
                # is; a buried one due now would have it read every time, so then not known.
                found = _first_learning_due(conn, tally)
                self._learning_from = None if found <= now else found
        if row is None:
            return empty_state(conn, plan, now)
        card = card_to_show(conn, row, plan.tree.by_id(row.deck_id), now)
        return NextCard(card, plan.counts, None)

    # The loop
    def select(self, deck_id: str | None) -> None:
        """Study another deck (None: all decks) from now on."""
        if deck_id != self.deck_id:
            self.deck_id = deck_id
            self._tally = None

    def current(self, now: datetime) -> NextCard:
        """The card to show now, with the counts (or the empty state)."""
        return self._next(now, self._current_tally(now))

    def answer(
        self, card_id: str, rating: Rating | int, duration_ms: int, now: datetime
    ) -> tuple[AnswerResult, NextCard]:
        """Record the answer, commit it, and give the next card (chosen in the same transaction,
        so it sees the answer). Raises AnswerNotSaved if the commit fails (nothing of it is
        kept), UserError if the card was deleted."""
        rating = as_rating(rating)
        conn = self._connection()
        review_id = ""
        after: Schedule | None = None
        # This connection is not a write session: refuse here what `write_session` would (a
        # damaged or read-only profile, in words), before SQLite says "readonly database".
        self.database.refuse_writes()
        try:
            # The write lock first, then whether anything else committed: one transaction per
            # answer (no read transaction of its own for the version check).
            self._own_cursor().execute("BEGIN IMMEDIATE")
            tally = self._current_tally(now)
            shown = self._shown
            # Unchanged since shown: nothing else committed (the tally would have been reread).
            row = shown if shown is not None and shown.id == card_id else read_card(conn, card_id)
            gone = row is None or row.deleted
            selected = False
            if row is not None and not gone:
                buried = row.buried_until is not None and row.buried_until > now
                selected = row.deck_id in tally.deck_ids and row.queue >= QUEUE_NEW and not buried
            if row is None or not selected:
                conn.execute("ROLLBACK")
            else:
                settings = tally.tree.by_id(row.deck_id).settings(row.scheduler)
                review_id, after = record_answer(
                    conn, row, settings, rating, duration_ms, now, self._configs
                )
                if after is None:
                    conn.execute("ROLLBACK")
                else:
                    before = row.schedule
                    queue_after = queue_of(after)
                    tally.answered(
                        row.deck_id, before.state, row.queue, before.due, queue_after, after.due
                    )
                    learning_from = self._learning_from
                    if queue_after == QUEUE_LEARNING and learning_from is not None:
                        assert after.due is not None
                        self._learning_from = min(learning_from, after.due)
                    following = self._next(now, tally)
        except BaseException as error:
            self._tally = None
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError):  # the disk, a lock: not a bug
                raise self._not_saved(error, review_id) from error
            raise
        if gone:
            raise UserError("That card was deleted; it can no longer be answered.")
        if after is None:  # a later review in the log: replayed by `answer_card`
            return self._answer_elsewhere(card_id, rating, duration_ms, now)
        self._commit_answer(review_id)
        self._configs.add(settings.config_id)
        label = format_interval(after.due - now) if after.due else ""
        return AnswerResult(card_id, review_id, rating, after, label, REVIEW_CHANGES), following

    def _answer_elsewhere(
        self, card_id: str, rating: Rating, duration_ms: int, now: datetime
    ) -> tuple[AnswerResult, NextCard]:
        """The rare cases, through `answer_card`; the loop then reads everything again."""
        self._tally = None
        try:
            with self.database.write_session() as session:
                result = answer_card(session, card_id, rating, duration_ms, now)
        except OperationalError as error:
            raise self._not_saved(error.orig or error, "") from error
        return result, self.current(now)

    def _commit_answer(self, review_id: str) -> None:
        try:
            self._commit()
        except Exception as error:
            self._tally = None
            raise self._not_saved(error, review_id) from error

    def _not_saved(self, error: BaseException, review_id: str) -> AnswerNotSaved:
        return AnswerNotSaved(
            f"Study Desk could not save your last answer in {self.database.db_file} "
            f"({error}). Nothing before it was lost, and that card will be shown again. "
            "If the disk is full, free some space and answer it again.",
            review_id,
        )

    def _commit(self) -> None:
        conn = self._connection()
        try:
            self._own_cursor().execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self.database.mark_changed()

    # Other steps of the loop: each its own transaction (a core action), then the next card
    def undo(self, review_id: str, now: datetime) -> tuple[UndoResult, NextCard]:
        """Take back an answer (`undo_answer`); the card is usually the next one again."""
        with self.database.write_session() as session:
            result = undo_answer(session, review_id, now)
        return result, self.current(now)

    def suspend(self, card_id: str, now: datetime) -> tuple[CardChange, NextCard]:
        """Keep the card out of reviews until unsuspended (`card_actions.set_suspended`)."""
        change = card_actions.set_suspended(self.database, [card_id], True)
        return change, self.current(now)

    def bury(self, card_id: str, now: datetime) -> tuple[CardChange, NextCard]:
        """Hide the card until the next study day (`card_actions.bury_cards`)."""
        change = card_actions.bury_cards(self.database, [card_id], now)
        return change, self.current(now)

    def undo_change(self, undo: CardUndo, now: datetime) -> tuple[Change, NextCard]:
        """Take back a suspend or bury (`card_actions.undo_card_change`)."""
        changes = card_actions.undo_card_change(self.database, undo, now)
        return changes, self.current(now)


# Later than any due: the selection holds no learning card.
NO_LEARNING = datetime.max.replace(tzinfo=UTC)


def _first_learning_due(conn: sqlite3.Connection, tally: QueueTally) -> datetime:
    """When the selection's first learning card is due (buried ones too), or NO_LEARNING."""
    every = len(tally.deck_ids) == len(tally.tree.decks)
    due = first_due(conn, QUEUE_LEARNING, None if every else tally.deck_ids)
    return NO_LEARNING if due is None else due


class _Disposal:
    """Lets the loop go of its connection when its database's engine is disposed (the
    database closed), holding the loop weakly."""

    def __init__(self, loop: ReviewLoop) -> None:
        self._loop = weakref.ref(loop)
        self._engine: Engine | None = None

    def listen(self, engine: Engine) -> None:
        if self._engine is None:
            self._engine = engine
            event.listen(engine, "engine_disposed", self._disposed)

    def stop(self) -> None:
        engine, self._engine = self._engine, None
        if engine is not None and event.contains(engine, "engine_disposed", self._disposed):
            event.remove(engine, "engine_disposed", self._disposed)

    def _disposed(self, _engine: Engine) -> None:
        loop = self._loop()
        if loop is not None:
            loop._let_go(keep_warm=False)
