"""The review loop as a learner meets it: the order cards come in, the daily limits, bury and
suspend, Ctrl+Z, the end-of-session summary and the empty state."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flashcard_helpers import ZONE, make_cards, make_deck

from app.core.flashcards.cards import bury_cards, delete_cards, set_suspended
from app.core.flashcards.queue import deck_list, due_today, queue_counts
from app.core.flashcards.review import (
    answer_card,
    next_card,
    session_summary,
    undo_answer,
)
from app.core.flashcards.scheduling import Rating
from app.core.flashcards.study_day import StudyDay
from app.db.database import ProfileDatabase
from app.errors import UserError


def answer(database: ProfileDatabase, card_id: str, rating: Rating, at: datetime) -> str:
    with database.write_session() as session:
        return answer_card(session, card_id, rating, 4000, at).review_id


def shown(database: ProfileDatabase, deck_id: str | None, at: datetime):
    with database.read_session() as session:
        return next_card(session, deck_id, at)


def test_new_cards_come_in_the_order_they_were_added_with_four_previews(database, now):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 3)
    first = shown(database, None, now)
    assert first.card is not None and first.card.id == cards[0]
    assert first.card.kind == "new"
    assert first.card.deck_name == "Spanish"
    assert [p.rating for p in first.card.previews] == list(Rating)
    assert [p.label for p in first.card.previews][:3] == ["1m", "6m", "10m"]
    assert first.counts.new == 3


def test_a_learning_card_comes_back_when_due_before_new_ones(database, now):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 5)
    answer(database, cards[0], Rating.AGAIN, now)  # due again in 1 minute
    soon = shown(database, None, now + timedelta(seconds=10))
    assert soon.card is not None and soon.card.id == cards[1]
    assert soon.counts.learning == 1 and soon.counts.new == 4
    later = shown(database, None, now + timedelta(minutes=2))
    assert later.card is not None and later.card.id == cards[0]
    assert later.card.kind == "learning"


def test_due_reviews_come_before_new_cards_oldest_due_first(database, now):
    deck = make_deck(database, "Spanish")
    old, older, _new = make_cards(database, deck, 3)
    answer(database, older, Rating.EASY, now - timedelta(days=30))
    answer(database, old, Rating.EASY, now - timedelta(days=20))
    nxt = shown(database, None, now)
    assert nxt.card is not None and nxt.card.id == older
    assert nxt.card.kind == "review"
    assert nxt.counts.review == 2 and nxt.counts.new == 1


def test_the_new_card_limit_counts_cards_already_introduced_today(database, now):
    deck = make_deck(database, "Spanish", new_per_day=3)
    cards = make_cards(database, deck, 10)
    assert shown(database, None, now).counts.new == 3
    answer(database, cards[0], Rating.GOOD, now)
    answer(database, cards[1], Rating.EASY, now)
    state = shown(database, None, now + timedelta(seconds=5))
    assert state.counts.new == 1
    # A review before 4 am belongs to the day before: tomorrow (after 4 am) the limit is fresh.
    tomorrow = StudyDay.of(now).end.astimezone(ZONE) + timedelta(minutes=1)
    assert queue_counts_at(database, tomorrow).new == 3


def queue_counts_at(database: ProfileDatabase, at: datetime):
    with database.read_session() as session:
        return queue_counts(session, None, at)


def test_a_parent_limit_caps_its_subdecks_and_a_subdeck_keeps_its_own(database, now):
    parent = make_deck(database, "Languages", new_per_day=5)
    spanish = make_deck(database, "Languages::Spanish", new_per_day=3)
    french = make_deck(database, "Languages::French", new_per_day=10)
    make_cards(database, spanish, 10)
    make_cards(database, french, 10)
    with database.read_session() as session:
        assert queue_counts(session, parent.id, now).new == 5
        assert queue_counts(session, spanish.id, now).new == 3
        assert queue_counts(session, french.id, now).new == 10
        rows = {row.deck.full_name: row.counts.new for row in deck_list(session, now)}
    assert rows == {"Languages": 5, "Languages::French": 10, "Languages::Spanish": 3}


def test_the_review_limit_caps_due_reviews(database, now):
    deck = make_deck(database, "Spanish", reviews_per_day=2)
    cards = make_cards(database, deck, 4)
    for card in cards:
        answer(database, card, Rating.EASY, now - timedelta(days=40))
    state = shown(database, None, now)
    assert state.counts.review == 2
    assert state.card is not None
    answer(database, state.card.id, Rating.GOOD, now)
    assert shown(database, None, now + timedelta(seconds=5)).counts.review == 1


def test_suspended_buried_and_deleted_cards_are_not_shown(database, now):
    deck = make_deck(database, "Spanish")
    suspended, buried, deleted, left = make_cards(database, deck, 4)
    with database.write_session() as session:
        set_suspended(session, [suspended], True)
        bury_cards(session, [buried], now)
        delete_cards(session, [deleted], now)
    state = shown(database, None, now)
    assert state.card is not None and state.card.id == left
    assert state.counts.new == 1
    # Buried until the next study day starts; then it is back.
    tomorrow = StudyDay.of(now).end.astimezone(ZONE) + timedelta(minutes=1)
    assert queue_counts_at(database, tomorrow).new == 2
    with database.write_session() as session, pytest.raises(UserError, match="deleted"):
        answer_card(session, deleted, Rating.GOOD, 1000, now)


def test_undo_puts_the_card_and_the_counts_back(database, now):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 2)
    before = shown(database, None, now)
    review_id = answer(database, cards[0], Rating.EASY, now)
    with database.write_session() as session:
        undone = undo_answer(session, review_id, now + timedelta(seconds=3))
        again = undo_answer(session, review_id, now + timedelta(seconds=4))  # harmless
    assert undone.card_id == cards[0] and undone.schedule.reps == 0
    assert again.schedule == undone.schedule
    after = shown(database, None, now + timedelta(seconds=5))
    assert after.counts == before.counts
    assert after.card is not None and after.card.id == cards[0]
    with database.read_session() as session:
        assert session_summary(session, [review_id]).reviewed == 0


def test_the_session_summary_counts_answers_and_time(database, now):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 3)
    ids = [answer(database, cards[0], Rating.EASY, now - timedelta(days=10))]
    moment = now
    ids.append(answer(database, cards[0], Rating.AGAIN, moment))
    ids.append(answer(database, cards[1], Rating.GOOD, moment))
    ids.append(answer(database, cards[2], Rating.HARD, moment))
    with database.read_session() as session:
        summary = session_summary(session, ids[1:])
    assert (summary.reviewed, summary.again, summary.good, summary.hard) == (3, 1, 1, 1)
    assert summary.new_cards == 2
    assert summary.total_ms == 12000 and summary.average_seconds == 4.0
    assert summary.review_pass_rate == 0.0


def test_the_empty_state_says_when_the_next_card_is_due(database, now):
    deck = make_deck(database, "Spanish")
    card = make_cards(database, deck, 1)[0]
    answer(database, card, Rating.AGAIN, now)
    # Only a learning card due in a minute: shown early rather than waiting.
    early = shown(database, None, now + timedelta(seconds=5))
    assert early.card is not None and early.card.id == card
    answer(database, card, Rating.EASY, now + timedelta(seconds=10))
    empty = shown(database, None, now + timedelta(seconds=20))
    assert empty.card is None
    assert empty.counts.total == 0
    assert empty.next_due_at is not None
    with database.read_session() as session:
        due_on = StudyDay.of(empty.next_due_at.astimezone(ZONE))
        assert due_on.start == empty.next_due_at  # from the start of that study day
        assert empty.next_due_at > now
        assert due_today(session, now + timedelta(seconds=20)) == ()


def test_nothing_at_all_has_no_next_due_time(database, now):
    make_deck(database, "Empty")
    empty = shown(database, None, now)
    assert empty.card is None and empty.next_due_at is None


def test_an_answer_and_the_next_card_in_one_session_see_each_other(database, now):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 2)
    with database.write_session() as session:
        result = answer_card(session, cards[0], Rating.GOOD, 2000, now)
        following = next_card(session, deck.id, now)
    assert result.card_id == cards[0] and result.interval_label == "10m"
    assert following.card is not None and following.card.id == cards[1]
    assert following.counts.learning == 1


def test_today_lists_top_decks_with_work_and_their_counts(database, now):
    spanish = make_deck(database, "Languages::Spanish")
    make_deck(database, "Empty")
    make_cards(database, spanish, 4)
    with database.read_session() as session:
        rows = due_today(session, now)
    assert [(row.deck.full_name, row.counts.new) for row in rows] == [("Languages", 4)]
