"""Fitting FSRS parameters to the learner's own reviews: a real fit on a generated history
predicts those reviews better than the defaults, too little history is refused with the count,
undone reviews and partial histories stay out, and fitted parameters schedule what follows."""

from __future__ import annotations

import pytest
from flashcard_helpers import generate_profile, make_cards, make_deck

from app.core.flashcards.decks import load_tree, update_deck_settings
from app.core.flashcards.optimise import MIN_REVIEWS, card_histories, optimise_parameters
from app.core.flashcards.review import answer_card, undo_answer
from app.core.flashcards.scheduling import DEFAULT_PARAMETERS, Rating
from app.errors import UserError


@pytest.fixture
def studied(database, now):
    return generate_profile(
        database, cards=900, days=90, new_per_day=15, top_decks=1, subdecks=1, now=now, seed=5
    )


def test_a_fit_to_a_real_history_predicts_it_better(database, now, studied):
    top = next(d for d in studied.decks if d.parent_id is None)
    with database.read_session() as session:
        result = optimise_parameters(session, top.id, now, tuple(DEFAULT_PARAMETERS))
    assert len(result.parameters) == len(DEFAULT_PARAMETERS)
    assert result.parameters != tuple(DEFAULT_PARAMETERS)
    assert result.reviews == studied.reviews  # every card's history starts when it was new
    assert result.cards == 900  # all introduced (15 a day for 90 days)
    assert result.improves and result.log_loss_after < result.log_loss_before
    assert result.rmse_after < result.rmse_before
    # Fitted parameters are accepted by the scheduler and change the deck's settings row.
    with database.write_session() as session:
        before = load_tree(session).by_id(top.id).settings().config_id
        update_deck_settings(session, top.id, fsrs_parameters=result.parameters)
    with database.read_session() as session:
        after = load_tree(session).by_id(top.id).settings()
    assert after.parameters == result.parameters and after.config_id != before


def test_too_few_reviews_are_refused_with_the_count(database, now):
    deck = make_deck(database, "Spanish")
    cards = make_cards(database, deck, 3)
    with database.write_session() as session:
        for card in cards:
            answer_card(session, card, Rating.GOOD, 3000, now)
    with database.read_session() as session, pytest.raises(UserError) as raised:
        optimise_parameters(session, deck.id, now, tuple(DEFAULT_PARAMETERS))
    assert "3 reviews" in str(raised.value) and f"{MIN_REVIEWS:,}" in str(raised.value)


def test_one_review_is_one_review():
    from app.core.flashcards.optimise import fit_parameters

    with pytest.raises(UserError, match=r"^This deck has 1 review to learn from;"):
        fit_parameters([[(0, 3)]], tuple(DEFAULT_PARAMETERS))


def test_undone_reviews_and_partial_histories_stay_out(database, now):
    from datetime import timedelta

    deck = make_deck(database, "Spanish")
    first, second = make_cards(database, deck, 2)
    with database.write_session() as session:
        answer_card(session, first, Rating.GOOD, 3000, now - timedelta(days=3))
        answer_card(session, first, Rating.GOOD, 3000, now - timedelta(days=1))
        undone = answer_card(session, first, Rating.AGAIN, 3000, now).review_id
        undo_answer(session, undone, now)
        answer_card(session, second, Rating.GOOD, 3000, now)
    with database.read_session() as session:
        histories = card_histories(session, deck.id, now)
    assert sorted(histories) == [[(3, 0)], [(3, 0), (3, 2)]]
    # A card whose log starts mid-way (an import without its first answers) is left out.
    with database.write_session() as session:
        session.connection().exec_driver_sql(
            "UPDATE card_reviews SET state_before = 2 WHERE card_id = ?", (second,)
        )
    with database.read_session() as session:
        assert card_histories(session, deck.id, now) == [[(3, 0), (3, 2)]]


def test_the_command_line_fits_and_saves_only_when_asked(tmp_path, now, capsys):
    import json

    from app.cli import run
    from app.db.database import ProfileDatabase

    data = tmp_path / "data"
    assert run(["--data-dir", str(data), "profile", "create", "Ana"]) == 0
    db_file = next(data.glob("profiles/*/studydesk.sqlite3"))
    database = ProfileDatabase.open(db_file, tmp_path / "b")
    try:
        generate_profile(
            database, cards=500, days=60, new_per_day=12, top_decks=1, subdecks=0, now=now
        )
    finally:
        database.close()
    capsys.readouterr()
    command = ["--data-dir", str(data), "deck", "optimise", "--deck", "Subject 00"]
    assert run([*command, "--json"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["better"] and not outcome["saved"] and len(outcome["parameters"]) == 21
    assert run([*command, "--save"]) == 0
    printed = capsys.readouterr().out
    assert "prediction error" in printed and "Saved" in printed
    database = ProfileDatabase.open(db_file, tmp_path / "b")
    try:
        with database.read_session() as session:
            deck = load_tree(session).find("Subject 00")
            assert deck is not None and deck.fsrs_parameters is not None
    finally:
        database.close()
    assert run(["--data-dir", str(data), "deck", "optimise", "--deck", "Nope"]) == 1
    assert "no deck called 'Nope'" in capsys.readouterr().err
