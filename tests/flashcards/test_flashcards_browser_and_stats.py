"""The card browser (filter, search, sort, pages) and the statistics, on small known profiles and
on a generated one with two months of history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flashcard_helpers import ZONE, cached, generate_profile, make_cards, make_deck
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core.flashcards.browser import (
    _GAPS,
    _MARKS,
    PREVIEW_CHARS,
    CardFilter,
    CardSort,
    SortKey,
    browse_cards,
    card_rows,
    count_cards,
    plain_preview,
    search_card_ids,
)
from app.core.flashcards.cards import (
    add_card,
    add_tags,
    bury_cards,
    delete_cards,
    edit_card,
    set_flag,
    set_suspended,
)
from app.core.flashcards.queue import deck_list, queue_counts
from app.core.flashcards.replay import replay_all
from app.core.flashcards.review import answer_card, undo_answer
from app.core.flashcards.scheduling import Rating
from app.core.flashcards.stats import (
    card_counts,
    deck_statistics,
    due_forecast,
    reviews_per_day,
    true_retention,
)
from app.core.flashcards.study_day import StudyDay

EVERYTHING = CardFilter()
OLDEST_FIRST = CardSort()


def ids(database, card_filter=EVERYTHING, sort=OLDEST_FIRST, now=None):
    with database.read_session() as session:
        return list(search_card_ids(session, card_filter, sort, now))


def test_search_matches_word_prefixes_in_front_or_back_ignoring_accents(database, now):
    deck = make_deck(database, "Spanish")
    with database.write_session() as session:
        cafe = add_card(session, deck.id, "**Café** con leche", "coffee with milk").card_ids[0]
        house = add_card(session, deck.id, "la casa", "the house").card_ids[0]
        add_card(session, deck.id, "el perro", "the dog")
    assert ids(database, CardFilter(text="cafe"), now=now) == [cafe]
    assert ids(database, CardFilter(text="HOU"), now=now) == [house]
    assert ids(database, CardFilter(text="the mil"), now=now) == []
    assert ids(database, CardFilter(text="coffee milk"), now=now) == [cafe]
    # Edits reach the index (the triggers), deletes leave the results.
    with database.write_session() as session:
        edit_card(session, house, back="the home")
        delete_cards(session, [cafe], now)
    assert ids(database, CardFilter(text="home"), now=now) == [house]
    assert ids(database, CardFilter(text="house"), now=now) == []
    assert ids(database, CardFilter(text="cafe"), now=now) == []
    assert ids(database, CardFilter(text="cafe", state="deleted"), now=now) == [cafe]


def test_filters_by_deck_tag_state_due_and_flag(database, now):
    top = make_deck(database, "Languages")
    spanish = make_deck(database, "Languages::Spanish")
    art = make_deck(database, "Art")
    es = make_cards(database, spanish, 4, "es")
    painting = make_cards(database, art, 2, "art")
    with database.write_session() as session:
        add_tags(session, es[:2], ["verbs"])
        set_suspended(session, [es[3]], True)
        bury_cards(session, [painting[1]], now)
        set_flag(session, [painting[0]], 2)
        answer_card(session, es[0], Rating.EASY, 4000, now - timedelta(days=30))
        answer_card(session, es[1], Rating.AGAIN, 4000, now)
    assert set(ids(database, CardFilter(deck_id=top.id), now=now)) == set(es)
    assert set(ids(database, CardFilter(tags=("Verbs",)), now=now)) == set(es[:2])
    assert ids(database, CardFilter(state="suspended"), now=now) == [es[3]]
    assert ids(database, CardFilter(state="buried"), now=now) == [painting[1]]
    assert ids(database, CardFilter(state="learning"), now=now) == [es[1]]
    assert ids(database, CardFilter(state="review"), now=now) == [es[0]]
    assert set(ids(database, CardFilter(state="new"), now=now)) == {es[2], *painting}
    assert set(ids(database, CardFilter(due_within_days=0), now=now)) == {es[0], es[1]}
    assert ids(database, CardFilter(flag=2), now=now) == [painting[0]]
    with database.read_session() as session:
        rows = {row.id: row for row in card_rows(session, es + painting, now)}
        assert count_cards(session, CardFilter(deck_id=spanish.id, tags=("verbs",)), now) == 2
    assert rows[es[3]].state == "suspended" and rows[painting[1]].state == "buried"
    assert rows[es[0]].deck_name == "Languages::Spanish"
    assert rows[es[0]].tags == ("verbs",) and rows[es[0]].interval_days > 0


def test_sorting_and_paging_keep_a_stable_order(database, now):
    deck = make_deck(database, "Sorted")
    fronts = ["banana", "apple", "cherry", "apple pie", "date"]
    with database.write_session() as session:
        made = [add_card(session, deck.id, f, "x").card_ids[0] for f in fronts]
    by_front = ids(database, sort=CardSort(SortKey.FRONT), now=now)
    assert [fronts[made.index(i)] for i in by_front] == sorted(fronts)
    assert ids(database, sort=CardSort(SortKey.CREATED, descending=True), now=now) == made[::-1]
    with database.read_session() as session:
        first = browse_cards(session, CardFilter(), CardSort(), now, offset=0, limit=2)
        second = browse_cards(session, CardFilter(), CardSort(), now, offset=2, limit=2)
    assert first.total == second.total == 5
    assert [r.id for r in first.rows + second.rows] == made[:4]
    assert first.rows[0].front == "banana"


def test_statistics_of_a_known_history(database, now):
    deck = make_deck(database, "Spanish")
    other = make_deck(database, "Art")
    cards = make_cards(database, deck, 3)
    art = make_cards(database, other, 1)[0]
    yesterday = now - timedelta(days=1)
    with database.write_session() as session:
        answer_card(session, cards[0], Rating.EASY, 4000, now - timedelta(days=20))
        answer_card(session, cards[1], Rating.EASY, 4000, now - timedelta(days=20))
        answer_card(session, cards[0], Rating.GOOD, 4000, yesterday)  # a review remembered
        answer_card(session, cards[1], Rating.AGAIN, 4000, yesterday)  # a review forgotten
        answer_card(session, cards[2], Rating.GOOD, 4000, now)
        oops = answer_card(session, art, Rating.GOOD, 4000, now)
        undo_answer(session, oops.review_id, now)
    with database.read_session() as session:
        days = reviews_per_day(session, None, now, 30)
        retention = {r.label: r for r in true_retention(session, deck.id, now)}
        counts = card_counts(session, None, now)
        forecast = due_forecast(session, None, now, 30)
        everything = deck_statistics(session, None, now)
    assert len(days) == 30 and days[-1].day == StudyDay.of(now).day
    assert (days[-1].reviews, days[-1].good, days[-1].new_cards) == (1, 1, 1)  # undo left out
    assert (days[-2].reviews, days[-2].again, days[-2].good) == (2, 1, 1)
    assert days[-21].reviews == 2 and days[-21].easy == 2
    assert sum(d.reviews for d in days) == 5
    assert days[-1].time_ms == 4000
    assert retention["Yesterday"].rate == 0.5 and retention["Today"].rate is None
    assert retention["Last 7 days"].passed == 1 and retention["Last 7 days"].failed == 1
    assert (counts.new, counts.learning, counts.young + counts.mature) == (1, 2, 1)
    assert forecast[0].day == StudyDay.of(now).day
    assert forecast[0].learning == 2  # the relearning card and today's learning card
    assert everything.counts == counts


@pytest.fixture
def generated(database, now):
    return generate_profile(database, cards=1500, days=60, new_per_day=15, now=now, top_decks=3)


def test_a_generated_profile_keeps_its_counts_consistent(database, generated, now):
    before = cached(database, generated.card_ids)
    with database.write_session() as session:
        assert replay_all(session) == 1500
    assert cached(database, generated.card_ids) == before
    with database.read_session() as session:
        rows = deck_list(session, now)
        total = queue_counts(session, None, now)
        counts = card_counts(session, None, now)
        forecast = due_forecast(session, None, now, 30)
        days = reviews_per_day(session, None, now, 61)
    tops = [row for row in rows if row.deck.parent_id is None]
    assert total.new == sum(row.counts.new for row in tops)
    assert total.review == sum(row.counts.review for row in tops)
    for row in rows:
        assert row.counts.new <= row.deck.new_per_day
        assert row.counts.review <= row.deck.reviews_per_day
    assert counts.new + counts.learning + counts.young + counts.mature == 1500
    assert counts.new == 1500 - 15 * 60  # the 60 days before today introduced 15 each
    assert forecast[0].review >= total.review
    assert sum(d.reviews for d in days) == generated.reviews
    assert all(d.new_cards == 15 for d in days[:-1])
    assert days[-1].reviews == 0  # nothing studied yet today


def test_statistics_follow_the_learners_zone(database):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    deck = make_deck(database, "Zones")
    card = make_cards(database, deck, 1)[0]
    # 3:30 am in Berlin on 30 March (summer time) still counts for 29 March.
    late = datetime(2026, 3, 30, 3, 30, tzinfo=berlin)
    with database.write_session() as session:
        answer_card(session, card, Rating.GOOD, 4000, late)
    with database.read_session() as session:
        days = reviews_per_day(session, None, datetime(2026, 3, 30, 12, tzinfo=berlin), 3)
    assert [(d.day.isoformat(), d.reviews) for d in days] == [
        ("2026-03-28", 0),
        ("2026-03-29", 1),
        ("2026-03-30", 0),
    ]
    assert ZONE.utcoffset(None) == timedelta(hours=-5)


def test_a_study_day_starts_at_4_am_in_a_half_hour_zone(database):
    """India is UTC+5:30: its 4 am is half past an hour in UTC. A review at 3:50 am still
    counts for the day before, one at 4:10 am for the new day, in the reviews per day and in
    true retention alike; an undone review at 3:55 am is taken off the day before."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    kolkata = ZoneInfo("Asia/Kolkata")
    deck = make_deck(database, "Zones")
    first, second, third = make_cards(database, deck, 3)
    with database.write_session() as session:
        for card in (first, second, third):  # learnt two weeks before: review cards since
            for days_before in (14, 13, 12, 11, 10):
                at = datetime(2026, 3, 10, 12, tzinfo=kolkata) - timedelta(days=days_before)
                answer_card(session, card, Rating.EASY, 1000, at)
        answer_card(
            session, first, Rating.AGAIN, 2000, datetime(2026, 3, 10, 3, 50, tzinfo=kolkata)
        )
        answer_card(
            session, second, Rating.GOOD, 3000, datetime(2026, 3, 10, 4, 10, tzinfo=kolkata)
        )
        oops = answer_card(
            session, third, Rating.GOOD, 5000, datetime(2026, 3, 10, 3, 55, tzinfo=kolkata)
        )
        undo_answer(session, oops.review_id, datetime(2026, 3, 10, 3, 56, tzinfo=kolkata))
    now = datetime(2026, 3, 10, 12, tzinfo=kolkata)
    with database.read_session() as session:
        days = reviews_per_day(session, None, now, 2)
        retention = {r.label: r for r in true_retention(session, None, now)}
        everything = deck_statistics(session, deck.id, now, 2)
    assert [(d.day.isoformat(), d.reviews, d.again, d.good, d.time_ms) for d in days] == [
        ("2026-03-09", 1, 1, 0, 2000),
        ("2026-03-10", 1, 0, 1, 3000),
    ]
    assert (retention["Yesterday"].passed, retention["Yesterday"].failed) == (0, 1)
    assert (retention["Today"].passed, retention["Today"].failed) == (1, 0)
    assert everything.reviews == days
    assert everything.retention == tuple(retention.values())


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("ab _*`#>|!<[]()\n\t\r\x0b\x0c\x1c\x1f\u00a0\u2003\u3000é.,")
        ),
        max_size=40,
    )
    | st.text(max_size=40)
)
@example("a  b")
@example("a\tb \u00a0c")
@example(" trimmed ")
@example("snake_case and **bold** <br> ![img](a.png)")
def test_the_quick_preview_of_plain_text_is_the_full_one(markdown):
    """`plain_preview` skips its regular expressions when a field has nothing they could
    change; the result must be the one they would give."""
    full = " ".join(_MARKS.sub("", _GAPS.sub(" ", markdown)).split())
    expected = full if len(full) <= PREVIEW_CHARS else full[: PREVIEW_CHARS - 1] + "…"
    assert plain_preview(markdown) == expected
