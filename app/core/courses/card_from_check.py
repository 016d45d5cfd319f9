""" "Make a flashcard" on a lesson's knowledge check: the check becomes a card in the deck
"Lessons::<course topic>", linked back to the lesson and check it came from.

Asking twice for the same check gives back the card made the first time (the flashcards core
finds it by its source).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.changes import Change
from app.core.courses.content import Check, lesson_checks
from app.core.courses.lesson_actions import lesson_write
from app.core.flashcards.decks import ensure_deck
from app.core.flashcards.from_sources import card_from_check
from app.db.database import ProfileDatabase
from app.db.models import Course, Lesson

DECK_PREFIX = "Lessons::"


@dataclass(frozen=True)
class CheckCard:
    deck_name: str
    created: bool  # False: this check already had a card
    changes: Change


def check_deck_name(course_topic: str) -> str:
    """The deck a course's cards go to ("::" in a topic would make levels: it is not kept)."""
    return DECK_PREFIX + (course_topic.replace("::", ":").strip() or "Course")


def check_as_dict(check: Check) -> dict[str, Any]:
    """The check in the shape lesson bodies store it (the correct answer as option text)."""
    index = check.correct_index
    return {
        "question": check.question,
        "options": list(check.options),
        "correct_answer": check.options[index] if index is not None else "",
        "explanation": check.explanation,
    }


def make_check_card(database: ProfileDatabase, lesson_id: str, check_index: int) -> CheckCard:
    """The card for knowledge check `check_index` of the lesson, and its deck if new, in one
    write transaction that reads the check and the course's topic too. Raises UserError for a
    lesson that no longer exists or a check without a question (nothing written), IndexError
    (a bug) for a check the lesson does not have."""
    with lesson_write(database) as session:
        lesson = session.get(Lesson, lesson_id)
        course = session.get(Course, lesson.course_id) if lesson is not None else None
        if lesson is None or course is None or lesson.deleted_at or course.deleted_at:
            raise LookupError(f"no lesson {lesson_id!r}")
        check = lesson_checks(session, lesson_id)[check_index]
        name = check_deck_name(course.topic)
        deck = ensure_deck(session, name)
        made = card_from_check(session, lesson_id, check_index, check_as_dict(check), deck.id)
    if made.created:  # the deck may be new too
        return CheckCard(name, True, made.changes | Change.DECKS)
    return CheckCard(name, False, made.changes)
