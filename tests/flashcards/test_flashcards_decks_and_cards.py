"""Decks (nested, renamed, moved, deleted) and cards (added, edited, moved, tagged, flagged,
suspended, deleted), each change undoable; making a card from a question or a check."""

from __future__ import annotations

import pytest
from flashcard_helpers import make_cards, make_deck
from fsrs.scheduler import DEFAULT_PARAMETERS
from sqlalchemy import select

from app.core.flashcards.browser import get_card
from app.core.flashcards.cards import (
    CardSource,
    add_card,
    add_tags,
    card_tags,
    delete_cards,
    edit_card,
    move_cards,
    remove_tags,
    restore_cards,
    set_flag,
    set_suspended,
    undo_card_change,
)
from app.core.flashcards.decks import (
    create_deck,
    delete_deck,
    ensure_deck,
    load_tree,
    move_deck,
    rename_deck,
    update_deck_settings,
)
from app.core.flashcards.from_sources import card_from_check, card_from_question
from app.core.flashcards.tables import CARDS, DECKS
from app.db.models import Question, QuestionTag, Tag
from app.db.models.tags import tag_id
from app.errors import UserError


def names(database) -> list[str]:
    with database.read_session() as session:
        return [deck.full_name for deck in load_tree(session).decks]


def test_a_full_name_makes_the_missing_parents_in_tree_order(database):
    make_deck(database, "Languages::Spanish::Verbs")
    make_deck(database, "languages::French")  # the existing parent, found case-insensitively
    make_deck(database, "Art")
    assert names(database) == [
        "Art",
        "Languages",
        "Languages::French",
        "Languages::Spanish",
        "Languages::Spanish::Verbs",
    ]


def test_a_subdeck_copies_its_parents_settings(database):
    make_deck(database, "Medicine", desired_retention=0.95, new_per_day=7, scheduler="sm2")
    child = make_deck(database, "Medicine::Cardiology")
    assert (child.desired_retention, child.new_per_day, child.scheduler) == (0.95, 7, "sm2")


def test_names_must_be_unique_among_siblings_and_not_empty(database):
    make_deck(database, "Spanish")
    with database.write_session() as session, pytest.raises(UserError, match="already"):
        create_deck(session, "spanish")
    with database.write_session() as session, pytest.raises(UserError, match="empty"):
        ensure_deck(session, "Spanish::::Verbs")


def test_rename_and_move_carry_the_subtree(database):
    spanish = make_deck(database, "Spanish::Verbs")
    languages = make_deck(database, "Languages")
    with database.read_session() as session:
        spanish_id = load_tree(session).find("Spanish")
    assert spanish_id is not None
    with database.write_session() as session:
        move_deck(session, spanish_id.id, languages.id)
        rename_deck(session, spanish_id.id, "Español")
    assert names(database) == ["Languages", "Languages::Español", "Languages::Español::Verbs"]
    with database.write_session() as session, pytest.raises(UserError, match="inside itself"):
        move_deck(session, spanish_id.id, spanish.id)


def test_settings_are_checked(database):
    deck = make_deck(database, "Spanish")
    with database.write_session() as session:
        with pytest.raises(UserError, match="retention"):
            update_deck_settings(session, deck.id, desired_retention=1.5)
        with pytest.raises(UserError, match="learning step"):
            update_deck_settings(session, deck.id, learning_steps=[0])
        with pytest.raises(UserError, match="FSRS parameters"):
            update_deck_settings(session, deck.id, fsrs_parameters=[0.5] * 3)
        changed = update_deck_settings(session, deck.id, learning_steps=[30, 300, 3600])
        tuned = [*DEFAULT_PARAMETERS[:-1], 0.3]
        tuned_deck = update_deck_settings(session, deck.id, fsrs_parameters=tuned)
    assert changed.learning_steps == (30, 300, 3600)
    assert changed.settings().learning_steps == (30, 300, 3600)
    assert tuned_deck.settings().parameters == tuple(tuned)
    assert tuned_deck.settings().config_id != changed.settings().config_id


def test_deleting_a_deck_soft_deletes_its_subdecks_and_cards(database):
    top = make_deck(database, "Spanish")
    child = make_deck(database, "Spanish::Verbs")
    cards = make_cards(database, child, 3)
    with database.write_session() as session:
        delete_deck(session, top.id)
    assert names(database) == []
    with database.read_session() as session:
        assert session.execute(select(DECKS.c.deleted_at).where(DECKS.c.id == child.id)).scalar()
        rows = session.execute(select(CARDS.c.deleted_at).where(CARDS.c.id.in_(cards))).all()
    assert len(rows) == 3 and all(row[0] is not None for row in rows)  # still there


def test_every_card_change_can_be_undone(database, now):
    spanish = make_deck(database, "Spanish")
    french = make_deck(database, "French")
    with database.write_session() as session:
        added = add_card(session, spanish.id, "hola", "hello", tags=["greeting", "A1 level"])
    card = added.card_ids[0]
    with database.read_session() as session:
        original = get_card(session, card)
    assert original.tags == ("A1 level", "greeting")
    changes = []
    with database.write_session() as session:
        changes.append(edit_card(session, card, front="¡hola!", tags=["greeting", "informal"]))
        changes.append(move_cards(session, [card], french.id))
        changes.append(set_flag(session, [card], 3))
        changes.append(set_suspended(session, [card], True))
        changes.append(add_tags(session, [card], ["oral"]))
        changes.append(remove_tags(session, [card], ["greeting"]))
        changes.append(delete_cards(session, [card], now))
    with database.read_session() as session:
        changed = get_card(session, card)
    assert changed.deleted_at is not None and changed.suspended and changed.flag == 3
    assert (changed.front, changed.deck_name) == ("¡hola!", "French")
    assert changed.tags == ("informal", "oral")
    with database.write_session() as session:
        for change in reversed(changes):
            undo_card_change(session, change.undo)
    with database.read_session() as session:
        back = get_card(session, card)
    for field in ("front", "back", "deck_id", "flag", "suspended", "deleted_at", "tags"):
        assert getattr(back, field) == getattr(original, field), field
    # Undoing the add deletes the card again (softly).
    with database.write_session() as session:
        undo_card_change(session, added.undo)
        assert get_card(session, card).deleted_at is not None
        restore_cards(session, [card])
        assert get_card(session, card).deleted_at is None


def test_a_card_needs_a_front(database):
    deck = make_deck(database, "Spanish")
    card = make_cards(database, deck, 1)[0]
    with database.write_session() as session:
        with pytest.raises(UserError, match="front"):
            add_card(session, deck.id, "   ")
        with pytest.raises(UserError, match="front"):
            edit_card(session, card, front="")


def test_bulk_changes_reach_thousands_of_cards(database):
    deck = make_deck(database, "Big")
    other = make_deck(database, "Other")
    cards = make_cards(database, deck, 2500)
    with database.write_session() as session:
        move_cards(session, cards, other.id)
        add_tags(session, cards, ["bulk"])
        change = set_suspended(session, cards, True)
    assert change.undo.label == "Suspend 2,500 cards"
    with database.read_session() as session:
        rows = session.execute(
            select(CARDS.c.deck_id, CARDS.c.queue).where(CARDS.c.id.in_(cards[:900]))
        ).all()
        assert {tuple(row) for row in rows} == {(other.id, -1)}
        assert set(card_tags(session, cards[-5:]).values()) == {("bulk",)}


def add_question(database) -> str:
    with database.write_session() as session:
        question = Question(
            stem="Which chamber pumps blood to the body?",
            choices=[
                {"label": "A", "text": "Right atrium"},
                {"label": "B", "text": "Left ventricle"},
            ],
            answer="B",
            explanation={
                "summary": "The left ventricle pumps into the aorta.",
                "rationales": [{"choice": "A", "text": "Receives blood from the body."}],
            },
        )
        session.add(question)
        session.add(Tag(id=tag_id("cardiology"), name="cardiology"))
        session.flush()
        session.add(QuestionTag(question_id=question.id, tag_id=tag_id("cardiology")))
        return question.id


def test_a_question_becomes_a_card_once(database):
    deck = make_deck(database, "Cardiology")
    question_id = add_question(database)
    with database.write_session() as session:
        made = card_from_question(session, question_id, deck.id)
        again = card_from_question(session, question_id, deck.id)
    assert made.created and not again.created and again.card_id == made.card_id
    with database.read_session() as session:
        card = get_card(session, made.card_id)
    assert card.front.startswith("Which chamber pumps blood to the body?")
    assert "- **A.** Right atrium" in card.front
    assert card.back.startswith("**B.** Left ventricle")
    assert "aorta" in card.back and "Receives blood" in card.back
    assert card.tags == ("cardiology",)
    assert (card.source_kind, card.source_id) == ("question", question_id)


def test_a_knowledge_check_becomes_a_card(database):
    deck = make_deck(database, "Lessons")
    check = {
        "question": "What does FSRS schedule by?",
        "options": ["Stability", "Colour"],
        "correct_answer": "Stability",
        "explanation": "Stability is how long a memory lasts.",
    }
    with database.write_session() as session:
        made = card_from_check(session, "lesson-1", 2, check, deck.id)
        other = card_from_check(session, "lesson-1", 3, check, deck.id)
        with pytest.raises(UserError, match="no question"):
            card_from_check(session, "lesson-1", 4, {"options": []}, deck.id)
    assert made.card_id != other.card_id
    with database.read_session() as session:
        card = get_card(session, made.card_id)
    assert card.front == "What does FSRS schedule by?\n\n- Stability\n- Colour"
    assert card.back == "**Stability**\n\nStability is how long a memory lasts."
    assert (card.source_kind, card.source_id, card.source_anchor) == ("check", "lesson-1", "2")


def test_a_card_can_point_at_a_video_moment(database):
    deck = make_deck(database, "Videos")
    with database.write_session() as session:
        change = add_card(session, deck.id, "Q", "A", source=CardSource("video", "v1", "312.5"))
        with pytest.raises(UserError, match="source"):
            add_card(session, deck.id, "Q", source=CardSource("planet", "x"))
        card = get_card(session, change.card_ids[0])
    assert (card.source_kind, card.source_anchor) == ("video", "312.5")
