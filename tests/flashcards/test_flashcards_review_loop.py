"""The review loop (the warm loop the Review view runs on its write thread) shows exactly the
cards and counts the stateless `next_card` shows, has every answer on disk when it returns, and
notices every change it did not make itself."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta

import pytest
from flashcard_helpers import (
    cached,
    fail_review_commits,
    generate_profile,
    make_cards,
    make_deck,
    pick_rating,
)

from app.core.flashcards.cards import bury_cards, edit_card, set_suspended
from app.core.flashcards.decks import load_tree
from app.core.flashcards.queue import read_tally
from app.core.flashcards.replay import replay_cards
from app.core.flashcards.review import next_card
from app.core.flashcards.review_loop import AnswerNotSaved, ReviewLoop
from app.core.flashcards.scheduling import Rating
from app.core.flashcards.tables import REVIEWS
from app.db.database import ProfileDatabase
from app.errors import UserError


def stateless(database: ProfileDatabase, deck_id, at):
    with database.read_session() as session:
        return next_card(session, deck_id, at)


def fresh_tally(database: ProfileDatabase, deck_id, at):
    with database.read_session() as session:
        return read_tally(session, deck_id, at)


def logged(database: ProfileDatabase) -> int:
    """Reviews in the log, seen from another connection."""
    with database.read_session() as session:
        return session.query(REVIEWS).count()


def small_profile(database: ProfileDatabase, now):
    generated = generate_profile(
        database, cards=360, days=20, new_per_day=12, top_decks=2, subdecks=2, now=now, seed=3
    )
    from app.core.flashcards.decks import update_deck_settings

    tops = [d for d in generated.decks if d.parent_id is None]
    with database.write_session() as session:
        # Tight limits, so that caps run out during the test, in parents and children.
        update_deck_settings(session, tops[0].id, new_per_day=9, reviews_per_day=25)
        child = next(d for d in generated.decks if d.parent_id == tops[0].id)
        update_deck_settings(session, child.id, new_per_day=4, reviews_per_day=6)
        update_deck_settings(session, tops[1].id, new_per_day=0, reviews_per_day=400)
    with database.read_session() as session:
        return load_tree(session)


@pytest.mark.parametrize("which", ["all", "top", "child"])
def test_the_loop_shows_what_the_stateless_functions_show_answer_after_answer(database, now, which):
    tree = small_profile(database, now)
    tops = [d for d in tree.decks if d.parent_id is None]
    deck_id = {
        "all": None,
        "top": tops[0].id,
        "child": tree.children(tops[0].id)[0].id,
    }[which]
    rng = random.Random(11)
    review = ReviewLoop(database, deck_id)
    moment = now
    try:
        shown = review.current(moment)
        answered = 0
        while shown.card is not None and answered < 120:
            expected = stateless(database, deck_id, moment)
            assert shown == expected
            assert fresh_tally(database, deck_id, moment).plan(deck_id).counts == shown.counts
            with database.read_session() as session:
                schedule = replay_cards(session, [shown.card.id])[shown.card.id]
                session.rollback()
            result, shown = review.answer(shown.card.id, pick_rating(rng, schedule), 3000, moment)
            assert result.schedule.due is not None
            # The card the answer gives is the one the stateless loop gives: it is saved.
            assert shown == stateless(database, deck_id, moment)
            answered += 1
            moment += timedelta(seconds=rng.choice([5, 20, 45, 90, 700]))
            if shown.card is not None:  # time moved on: what is due may have changed
                shown = review.current(moment)
        assert answered > 15  # the child deck runs out first (its limits are tight)
        assert review.reloads == 1  # its own answers never made it read everything again
        end = stateless(database, deck_id, moment)
        assert review.current(moment) == end
    finally:
        review.close()


def test_every_answer_is_on_disk_when_it_returns_and_matches_a_replay_of_the_log(database, now):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 5)
    review = ReviewLoop(database, None)
    shown = review.current(now)
    ids = []
    for count, rating in enumerate((Rating.GOOD, Rating.AGAIN, Rating.EASY), start=1):
        assert shown.card is not None
        result, shown = review.answer(shown.card.id, rating, 4000, now)
        ids.append(result.review_id)
        assert logged(database) == count  # another connection sees it at once
        assert not review._connection().in_transaction  # nothing pending
    review.close()
    with database.read_session() as session:
        assert session.query(REVIEWS).filter(REVIEWS.c.id.in_(ids)).count() == 3
        stored = cached(database, cards[:3])
        replayed = replay_cards(session, cards[:3])
        session.rollback()
    assert stored == cached(database, cards[:3])
    assert all(stored[c][2] is not None for c in cards[:3])  # a due time for each
    assert set(replayed) == set(cards[:3])


def test_changes_made_elsewhere_are_seen_at_once(database, now):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 4)
    review = ReviewLoop(database, deck.id)
    try:
        assert review.current(now).card.id == cards[0]
        with database.write_session() as session:  # e.g. the browser, in another view
            set_suspended(session, [cards[0]], True)
        after = review.current(now)
        assert after.card.id == cards[1] and after.counts.new == 3
        with database.write_session() as session:
            bury_cards(session, [cards[1]], now)
            edit_card(session, cards[2], front="changed front", back="b")
        after = review.current(now)
        assert after.card.id == cards[2] and after.card.front == "changed front"
        assert after.counts.new == 2
        result, after = review.answer(cards[2], Rating.GOOD, 1000, now)
        _undone, back = review.undo(result.review_id, now)  # Ctrl+Z
        assert back.card.id == cards[2] and back.counts.new == 2
        assert back == stateless(database, deck.id, now)
    finally:
        review.close()


def test_suspend_bury_and_their_undo_go_through_the_loop(database, now):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 3)
    review = ReviewLoop(database, deck.id)
    try:
        suspended, shown = review.suspend(cards[0], now)
        assert shown.card.id == cards[1] and shown.counts.new == 2
        buried, shown = review.bury(cards[1], now)
        assert shown.card.id == cards[2] and shown.counts.new == 1
        _changes, shown = review.undo_change(buried.undo, now)
        assert shown.card.id == cards[1] and shown.counts.new == 2
        _changes, shown = review.undo_change(suspended.undo, now)
        assert shown.card.id == cards[0] and shown.counts.new == 3
        assert shown == stateless(database, deck.id, now)
    finally:
        review.close()


def test_a_new_study_day_brings_new_cards_back(database, now):
    deck = make_deck(database, "Spanish", new_per_day=2)
    make_cards(database, deck, 5)
    review = ReviewLoop(database, None)
    try:
        shown = review.current(now)
        for _ in range(2):
            _result, shown = review.answer(shown.card.id, Rating.EASY, 1000, now)
        assert shown.card is None and shown.counts.new == 0
        assert shown.next_due_at is not None and shown.has_cards  # the empty state says when
        tomorrow = now + timedelta(days=1)
        again = review.current(tomorrow)
        assert again.card is not None and again.counts.new == 2
        assert again == stateless(database, None, tomorrow)
    finally:
        review.close()


def test_an_answer_is_one_transaction_that_sees_every_commit_before_it(database, now):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 4)
    review = ReviewLoop(database, deck.id)
    conn = review._connection()
    try:
        shown = review.current(now)
        assert shown.card.id == cards[0]
        with database.write_session() as session:  # after the card was shown, before its answer
            set_suspended(session, [cards[1]], True)
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        _result, after = review.answer(cards[0], Rating.GOOD, 1000, now)
        conn.set_trace_callback(None)
        # The write lock first; the check for other commits is made in the answer's transaction.
        assert statements[0] == "BEGIN IMMEDIATE"
        assert [s for s in statements if s.startswith(("BEGIN", "COMMIT"))] == [
            "BEGIN IMMEDIATE",
            "COMMIT",
        ]
        assert review.reloads == 2  # the suspension was seen
        assert after.card.id == cards[2] and after == stateless(database, deck.id, now)
        assert logged(database) == 1  # the first try (as shown) wrote nothing
        # Nothing else committed: the version check, the answer's writes, the next card (no
        # learning card can be due yet: no learning query) and the commit.
        statements.clear()
        conn.set_trace_callback(statements.append)
        _result, after = review.answer(cards[2], Rating.GOOD, 1000, now)
        conn.set_trace_callback(None)
        assert [s.split()[0] for s in statements] == [
            "BEGIN",
            "PRAGMA",
            "INSERT",
            "UPDATE",
            "SELECT",
            "COMMIT",
        ]
        assert review.reloads == 2 and logged(database) == 2
        assert after == stateless(database, deck.id, now)
    finally:
        conn.set_trace_callback(None)
        review.close()


def test_a_deleted_card_or_a_closed_loop_says_what_to_do(database, now):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 2)
    review = ReviewLoop(database, None)
    with pytest.raises(UserError, match="deleted"):
        review.answer("no-such-card", Rating.GOOD, 1000, now)
    review.close()
    review.close()  # harmless
    with pytest.raises(UserError, match="start the review again"):
        review.answer(cards[0], Rating.GOOD, 1000, now)


def test_a_card_from_outside_the_selection_is_answered_the_slow_way(database, now):
    spanish = make_deck(database, "Spanish")
    french = make_deck(database, "French")
    make_cards(database, spanish, 2)
    other = make_cards(database, french, 2)
    review = ReviewLoop(database, spanish.id)
    try:
        result, shown = review.answer(other[0], Rating.GOOD, 1000, now)
        assert result.card_id == other[0]
        assert shown == stateless(database, spanish.id, now)
        assert logged(database) == 1
    finally:
        review.close()


def test_a_commit_that_fails_is_reported_and_the_card_comes_back(database, now, monkeypatch):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 3)
    review = ReviewLoop(database, None)
    try:
        review.current(now)
        fail_review_commits(monkeypatch)
        with pytest.raises(AnswerNotSaved) as raised:
            review.answer(cards[0], Rating.GOOD, 1000, now)
        monkeypatch.undo()
        message = str(raised.value)
        assert "disk is full" in message and str(database.db_file) in message
        assert "shown again" in message
        again = review.current(now)  # the answer that failed is not in the log
        assert again.card is not None and again.card.id == cards[0]
        assert again.counts.new == 3
        result, _shown = review.answer(cards[0], Rating.GOOD, 1000, now)  # works again
        assert result.review_id != raised.value.review_id
    finally:
        review.close()
    assert logged(database) == 1


def test_a_failed_commit_of_the_last_card_says_so_plainly(database, now, monkeypatch):
    """With no card left the empty state is read in the answer's transaction; a failed commit
    gives the same plain message (not a crash report)."""
    deck = make_deck(database, "Spanish")
    (card,) = make_cards(database, deck, 1)
    review = ReviewLoop(database, None)
    try:
        review.current(now)
        fail_review_commits(monkeypatch)
        with pytest.raises(AnswerNotSaved, match="could not save your last answer"):
            review.answer(card, Rating.EASY, 1000, now)  # Easy: days away, nothing left
        monkeypatch.undo()
        assert review.current(now).card.id == card  # it comes back
    finally:
        review.close()


def test_answering_a_buried_card_keeps_the_counts_right(database, now):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 4)
    with database.write_session() as session:
        bury_cards(session, [cards[3]], now)
    review = ReviewLoop(database, None)
    try:
        assert review.current(now).counts.new == 3
        _result, shown = review.answer(cards[3], Rating.GOOD, 1000, now)  # e.g. from a script
        assert shown == stateless(database, None, now)
        assert shown.counts.new == 3
    finally:
        review.close()


def test_closing_the_database_lets_go_of_the_loop_and_checkpoints(database, now):
    """Nothing but the loop knows its connection: closing the database (the profile's close,
    a restore) disposes of the engine, and the loop lets go then. The last connection to
    close folds the log into the file, with every answer in it."""
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 2)
    review = ReviewLoop(database, None)
    review.answer(cards[0], Rating.GOOD, 1000, review.current(now) and now)
    database.close()
    assert review.closed
    wal = database.db_file.with_name(database.db_file.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    conn = sqlite3.connect(database.db_file)
    try:
        assert conn.execute("SELECT count(*) FROM card_reviews").fetchone()[0] == 1
    finally:
        conn.close()
    with pytest.raises(UserError, match="start the review again"):
        review.current(now)


def test_a_full_disk_anywhere_in_the_answer_is_said_plainly(database, now, monkeypatch):
    """Not only the commit: a write that fails in the loop's own transaction, or in the
    rare answer through `answer_card` (a card from outside the selection), gives the same
    plain message, and nothing of that answer is kept."""
    import sqlalchemy.exc

    import app.core.flashcards.review_loop as review_loop

    spanish = make_deck(database, "Spanish")
    french = make_deck(database, "French")
    cards = make_cards(database, spanish, 2)
    other = make_cards(database, french, 1)
    full = sqlite3.OperationalError("database or disk is full")

    def fails(*_args, **_kwargs):
        raise full

    def fails_in_session(*_args, **_kwargs):
        raise sqlalchemy.exc.OperationalError("INSERT INTO card_reviews", {}, full)

    review = ReviewLoop(database, spanish.id)
    try:
        review.current(now)
        monkeypatch.setattr(review_loop, "record_answer", fails)
        with pytest.raises(AnswerNotSaved, match="disk is full"):
            review.answer(cards[0], Rating.GOOD, 1000, now)
        monkeypatch.setattr(review_loop, "answer_card", fails_in_session)
        with pytest.raises(AnswerNotSaved, match="could not save your last answer"):
            review.answer(other[0], Rating.GOOD, 1000, now)
        monkeypatch.undo()
        assert logged(database) == 0
        assert review.current(now).card.id == cards[0]
    finally:
        review.close()


def test_learning_queries_run_only_when_a_learning_card_can_be_due(database, now):
    """The loop knows when the selection's first learning card is due (read with the counts,
    lowered by its answers): it asks for due learning cards only once one can be, and still
    shows them as the stateless functions do, also a buried one."""
    deck = make_deck(database, "Words", new_per_day=50)
    make_cards(database, deck, 12)
    review = ReviewLoop(database, None)
    learning_queries: list[str] = []
    try:
        shown = review.current(now)
        conn = review._conn
        assert conn is not None
        conn.set_trace_callback(
            lambda sql: learning_queries.append(sql) if "queue = 1" in sql else None
        )
        moment = now
        for _ in range(5):  # new cards answered Good: learning, due in 10 minutes
            assert shown.card is not None and shown.card.kind == "new"
            _result, shown = review.answer(shown.card.id, Rating.GOOD, 3000, moment)
            assert shown == stateless(database, None, moment)
            moment += timedelta(seconds=20)
        assert learning_queries == []
        # Ten minutes on: the first learning card is due and shown first.
        moment = now + timedelta(minutes=10, seconds=1)
        shown = review.current(moment)
        assert shown == stateless(database, None, moment)
        assert shown.card is not None and shown.card.kind == "learning"
        assert learning_queries
        for _ in range(6):
            assert shown.card is not None
            _result, shown = review.answer(shown.card.id, Rating.GOOD, 3000, moment)
            assert shown == stateless(database, None, moment)
            moment += timedelta(seconds=30)
        # A learning card due in a minute, buried (elsewhere: the loop reads everything again).
        assert shown.card is not None
        again, shown = review.answer(shown.card.id, Rating.AGAIN, 3000, moment)
        with database.write_session() as session:
            bury_cards(session, [again.card_id], moment)
        moment += timedelta(minutes=2)
        for _ in range(4):
            shown = review.current(moment)
            assert shown == stateless(database, None, moment)
            assert shown.card is not None and shown.card.id != again.card_id
            _result, shown = review.answer(shown.card.id, Rating.GOOD, 3000, moment)
            assert shown == stateless(database, None, moment)
            moment += timedelta(seconds=30)
    finally:
        review.close()
