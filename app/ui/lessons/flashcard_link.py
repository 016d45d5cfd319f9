"""Making a flashcard from a knowledge check, when the flashcards core offers it.

The flashcards core is built alongside the lessons; the reader looks for its functions at run
time (`card_from_check` and `ensure_deck`), so "Make a flashcard" stays disabled, with a
tooltip, until they exist. Cards from a course go to the deck "Lessons::<course topic>"; asking
twice for the same check gives back the card made the first time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.changes import Change
from app.core.courses.content import Check
from app.core.opening import OpenProfile
from app.errors import UserError

CARD_MODULE = "app.core.flashcards.from_sources"
DECK_MODULE = "app.core.flashcards.decks"
DECK_PREFIX = "Lessons::"


@dataclass(frozen=True)
class CardMaker:
    card_from_check: Callable[..., Any]
    ensure_deck: Callable[..., Any]


@dataclass(frozen=True)
class CardMade:
    deck_name: str
    created: bool  # False: this check already had a card
    changes: Change


def find_card_maker() -> CardMaker | None:
    """The flashcards core's functions, or None while it does not offer them."""
    try:
        cards = importlib.import_module(CARD_MODULE)
        decks = importlib.import_module(DECK_MODULE)
    except ImportError:
        return None
    make = getattr(cards, "card_from_check", None)
    ensure = getattr(decks, "ensure_deck", None)
    if not callable(make) or not callable(ensure):
        return None
    return CardMaker(make, ensure)


def check_as_dict(check: Check) -> dict[str, Any]:
    """The check in the shape lesson bodies store it (the correct answer as option text)."""
    index = check.correct_index
    return {
        "question": check.question,
        "options": list(check.options),
        "correct_answer": check.options[index] if index is not None else "",
        "explanation": check.explanation,
    }


def deck_name(course_topic: str) -> str:
    return DECK_PREFIX + (course_topic.replace("::", ":").strip() or "Course")


def make_card(
    opened: OpenProfile,
    maker: CardMaker,
    lesson_id: str,
    course_topic: str,
    index: int,
    check: Check,
) -> CardMade:
    """Runs on the write worker: the card (and its deck, if new) in one transaction."""
    name = deck_name(course_topic)
    with opened.database.write_session() as session:
        deck = maker.ensure_deck(session, name)
        made = maker.card_from_check(session, lesson_id, index, check_as_dict(check), deck.id)
    changes = getattr(made, "changes", None)
    if not isinstance(changes, Change):
        raise UserError("The flashcard could not be made: the flashcards part gave no result.")
    created = bool(getattr(made, "created", True))
    if created:  # the deck may be new too
        changes |= Change.DECKS
    return CardMade(name, created, changes)
