"""Counting only each deck's share of the selection's limits (what a review reads) gives the
same counts and the same per-deck shares as counting every deck to its own limit (what the deck
list reads), for every selection of random trees with random limits; and when a share outgrows
what was counted, the plan says so and the review loop counts again."""

from __future__ import annotations

import random

import pytest
from flashcard_helpers import generate_profile, make_cards, make_deck, pick_rating

from app.core.flashcards.decks import load_tree, update_deck_settings
from app.core.flashcards.queue import read_tally
from app.core.flashcards.replay import replay_cards
from app.core.flashcards.review import answer_card, next_card
from app.core.flashcards.review_loop import ReviewLoop
from app.db.database import ProfileDatabase

LIMITS = (0, 1, 2, 3, 5, 8, 13, 40, 9999)


def random_profile(database: ProfileDatabase, now, seed: int) -> None:
    """Two levels of generated decks with history, a third level of new cards, random limits,
    and a few answers given today (so that today's done counts take from the limits)."""
    rng = random.Random(seed)
    generated = generate_profile(
        database, cards=240, days=12, new_per_day=6, top_decks=3, subdecks=2, now=now, seed=seed
    )
    for deck in rng.sample([d for d in generated.decks if d.parent_id is not None], 3):
        with database.read_session() as session:
            name = load_tree(session).by_id(deck.id).full_name
        make_cards(database, make_deck(database, f"{name}::Deep"), rng.randint(0, 12), "deep")
    with database.write_session() as session:
        for deck in load_tree(session).decks:
            update_deck_settings(
                session,
                deck.id,
                new_per_day=rng.choice(LIMITS),
                reviews_per_day=rng.choice(LIMITS),
            )
    for _ in range(6):
        with database.read_session() as session:
            shown = next_card(session, None, now).card
        if shown is None:
            break
        with database.write_session() as session:
            schedule = replay_cards(session, [shown.id])[shown.id]
            answer_card(session, shown.id, pick_rating(rng, schedule), 4000, now)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_shares_give_the_counts_of_counting_every_deck(database, now, seed):
    random_profile(database, now, seed)
    with database.read_session() as session:
        tree = load_tree(session)
        for deck_id in [None, *(d.id for d in tree.decks)]:
            shared = read_tally(session, deck_id, now).plan(deck_id)
            full = read_tally(session, deck_id, now, every_deck=True).plan(deck_id)
            assert shared.complete and full.complete
            assert shared.counts == full.counts
            assert shared.new_quota == full.new_quota
            assert shared.review_quota == full.review_quota


def test_a_parent_limit_leaves_later_subdecks_unread(database, now):
    parent = make_deck(database, "Languages", new_per_day=5)
    first = make_deck(database, "Languages::Spanish")
    second = make_deck(database, "Languages::French")
    make_cards(database, first, 30)
    make_cards(database, second, 30)
    with database.read_session() as session:
        tally = read_tally(session, parent.id, now)
        plan = tally.plan(parent.id)
    assert [d.id for d in tally.tree.children(parent.id)] == [second.id, first.id]  # A to Z
    assert plan.counts.new == 5 and plan.complete
    assert plan.new_quota == {parent.id: 0, second.id: 5}
    # French was counted only as far as its share; Spanish, past the limit, not at all.
    assert tally.new.value[second.id] == 5 and tally.new.saturated[second.id]
    assert tally.new.value[first.id] == 0 and tally.new.saturated[first.id]


def test_a_share_that_outgrows_its_count_is_counted_again(database, now):
    parent = make_deck(database, "Languages", new_per_day=5)
    first = make_deck(database, "Languages::French", new_per_day=3)
    second = make_deck(database, "Languages::Spanish")
    make_cards(database, first, 30)
    make_cards(database, second, 30)
    review = ReviewLoop(database, parent.id)
    try:
        shown = review.current(now)
        assert shown.counts.new == 5 and review.recounts == 0
        tally = review._tally
        assert tally is not None
        # Spanish was counted up to its share, 2. Give the parent's limit more room than was
        # counted for (as if a share grew): the plan must not trust the short count.
        tally.remaining(True)[parent.id] += 4
        tally._forget_shares(True)  # (the shares it kept were made from the limits before)
        assert not tally.plan(parent.id).complete
        shown = review.current(now)
        assert review.recounts == 1
        # Counted again from the database: French 3 (its own limit), Spanish the other 2.
        assert shown.counts.new == 5
        assert review._tally is not tally and review._tally.plan(parent.id).complete
    finally:
        review.close()
