"""Flashcard actions as the GUI and the CLI call them: each owns its transaction (all or
nothing) and says what it changed; the reads the views make; the card-file actions."""

from __future__ import annotations

from pathlib import Path

import pytest
from flashcard_helpers import make_cards, make_deck
from sqlalchemy import func, select

from app.core.changes import Change
from app.core.flashcards import card_actions, deck_actions, reads
from app.core.flashcards.browser import CardFilter, CardSort
from app.core.flashcards.card_actions import CardText
from app.core.flashcards.deck_actions import DeckOptions
from app.core.flashcards.tables import CARDS
from app.db.database import ProfileDatabase
from app.errors import UserError
from app.importers.card_file_actions import (
    export_csv_file,
    export_markdown_folder,
    import_csv_file,
)


def deck_names(database: ProfileDatabase) -> list[str]:
    return [deck.full_name for deck in reads.deck_tree(database)]


def live_cards(database: ProfileDatabase) -> int:
    with database.read_session() as session:
        query = select(func.count()).select_from(CARDS).where(CARDS.c.deleted_at.is_(None))
        return int(session.execute(query).scalar_one())


def test_deck_actions_make_rename_move_and_delete(database: ProfileDatabase):
    made = deck_actions.create_deck(database, "Languages::Spanish")
    assert made.changes == Change.DECKS
    top = reads.find_deck(database, "languages")
    french = deck_actions.create_deck(database, "French", top.id).deck_id
    deck_actions.rename_deck(database, french, "Français")
    deck_actions.move_deck(database, french, None)
    assert deck_names(database) == ["Français", "Languages", "Languages::Spanish"]
    make_cards(database, reads.find_deck(database, "Languages::Spanish"), 2)
    gone = deck_actions.delete_deck(database, top.id)
    assert gone.changes == Change.DECKS | Change.CARDS
    assert deck_names(database) == ["Français"] and live_cards(database) == 0
    with pytest.raises(UserError, match="no deck called 'Languages'"):
        reads.find_deck(database, "Languages")


def test_a_refused_deck_action_writes_nothing(database: ProfileDatabase):
    deck_actions.create_deck(database, "Spanish")
    with pytest.raises(UserError, match="already a deck"):
        deck_actions.create_deck(database, "spanish")
    options = DeckOptions("fsrs", 0.5, 20, 200, (60,))  # retention out of range
    with pytest.raises(UserError, match="Desired retention"):
        deck_actions.save_deck_options(database, reads.find_deck(database, "Spanish").id, options)
    (deck,) = reads.deck_tree(database)
    assert deck.desired_retention == 0.9 and deck_names(database) == ["Spanish"]


def test_deck_options_and_fitted_parameters_are_saved(database: ProfileDatabase):
    deck_id = deck_actions.create_deck(database, "Spanish").deck_id
    options = DeckOptions("sm2", 0.85, 5, 50, (60, 600))
    assert deck_actions.save_deck_options(database, deck_id, options).changes == Change.DECKS
    (deck,) = reads.deck_tree(database)
    assert (deck.scheduler, deck.desired_retention, deck.new_per_day) == ("sm2", 0.85, 5)
    assert deck.learning_steps == (60, 600) and deck.fsrs_parameters is None
    fitted = deck.settings("fsrs").parameters
    tweaked = (fitted[0] * 1.1, *fitted[1:])
    deck_actions.save_fsrs_parameters(database, deck_id, tweaked)
    assert reads.deck_tree(database)[0].fsrs_parameters == pytest.approx(tweaked)
    deck_actions.save_fsrs_parameters(database, deck_id, ())
    assert reads.deck_tree(database)[0].fsrs_parameters is None


def test_saving_a_card_in_a_profile_without_decks_makes_the_default_deck(
    database: ProfileDatabase,
):
    saved = card_actions.save_card(
        database, CardText(None, None, "Front", "Back", ("machine learning",))
    )
    assert saved.changes & Change.DECKS and saved.changes & Change.CARDS
    assert deck_names(database) == ["Default"]
    card = reads.card_detail(database, saved.card_ids[0])
    assert (card.deck_name, card.tags) == ("Default", ("machine learning",))
    card_actions.undo_card_change(database, saved.undo)  # takes the new card away again
    assert live_cards(database) == 0


def test_an_edit_keeps_or_moves_the_deck_and_undoes_whole(database: ProfileDatabase):
    spanish, french = make_deck(database, "Spanish"), make_deck(database, "French")
    (card_id,) = make_cards(database, spanish, 1)
    kept = card_actions.save_card(database, CardText(card_id, None, "hola", "hello", ("a b",)))
    assert reads.card_detail(database, card_id).deck_id == spanish.id
    moved = card_actions.save_card(database, CardText(card_id, french.id, "hola!", "hi", ()))
    card = reads.card_detail(database, card_id)
    assert (card.deck_id, card.front, card.tags) == (french.id, "hola!", ())
    card_actions.undo_card_change(database, moved.undo)
    card = reads.card_detail(database, card_id)
    assert (card.deck_id, card.front, card.tags) == (spanish.id, "hola", ("a b",))
    assert kept.undo.label == "Edit card"
    with pytest.raises(UserError, match="front"):
        card_actions.save_card(database, CardText(card_id, french.id, " ", "", ()))
    assert reads.card_detail(database, card_id).deck_id == spanish.id  # nothing moved


def test_bulk_card_actions_and_their_undo(database: ProfileDatabase, now):
    deck, other = make_deck(database, "Deck"), make_deck(database, "Other")
    ids = make_cards(database, deck, 3)
    card_actions.tag_cards(database, ids[:2], ["machine learning", "exam"])
    found = reads.browser_ids(database, CardFilter(tags=("Machine learning",)), CardSort(), 0, now)
    assert found.ids == tuple(ids[:2])
    card_actions.untag_cards(database, ids[:1], ["exam"])
    both = CardFilter(tags=("exam", "machine learning"))
    assert reads.browser_ids(database, both, CardSort(), 5, now).ids == (ids[1],)
    card_actions.set_flag(database, ids, 3)
    card_actions.set_suspended(database, ids[:1], True)
    card_actions.bury_cards(database, ids[1:2], now)
    moved = card_actions.move_cards(database, ids, other.id)
    rows = reads.browser_rows(database, ids, now)
    assert [(r.deck_name, r.flag, r.state) for r in rows] == [
        ("Other", 3, "suspended"),
        ("Other", 3, "buried"),
        ("Other", 3, "new"),
    ]
    assert card_actions.undo_card_change(database, moved.undo) == Change.CARDS
    assert {r.deck_name for r in reads.browser_rows(database, ids, now)} == {"Deck"}
    deleted = card_actions.delete_cards(database, ids)
    assert live_cards(database) == 0
    card_actions.restore_cards(database, deleted.card_ids)
    assert live_cards(database) == 3
    choices = reads.browser_choices(database)
    assert choices.tags == ("exam", "machine learning")
    assert [d.full_name for d in choices.decks] == ["Deck", "Other"]


def test_the_card_file_actions_import_and_export(database: ProfileDatabase, tmp_path: Path):
    source = tmp_path / "words.csv"
    source.write_text('uno,one,"numbers, machine learning"\ndos,two,\n', encoding="utf-8")
    imported = import_csv_file(database, source, "Spanish::Numbers")
    assert imported.lines == ("Imported 2 cards into “Spanish::Numbers” from words.csv.",)
    assert imported.changes & Change.CARDS
    again = import_csv_file(database, source, "Spanish::Numbers")
    assert again.text == "Imported 0 cards into “Spanish::Numbers”, 2 already there from words.csv."
    out = tmp_path / "out.csv"
    assert export_csv_file(database, "spanish", out).cards == 2
    assert out.read_text(encoding="utf-8").splitlines()[1] == 'uno,one,"machine learning, numbers"'
    folder = tmp_path / "md"
    assert export_markdown_folder(database, "Spanish", folder, None).cards == 2
    first = sorted(folder.rglob("*.md"))[0].read_text(encoding="utf-8")
    assert "tags: machine learning, numbers" in first
    with pytest.raises(UserError, match="no deck called 'Nope'"):
        export_csv_file(database, "Nope", out)
