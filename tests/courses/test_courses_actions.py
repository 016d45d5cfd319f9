"""Lesson actions and course reads: what the window and the commands call. Each action is one
transaction of its own that says what it changed; a lesson removed meanwhile is said plainly
and nothing is written."""

from __future__ import annotations

import pytest
from course_helpers import at, make_course
from sqlalchemy import func, select

from app.core.changes import Change, changes_of
from app.core.courses import lesson_actions
from app.core.courses.card_from_check import check_deck_name, make_check_card
from app.core.courses.course_reads import (
    continue_in_course,
    course_library,
    course_outline,
    course_to_continue,
)
from app.core.courses.lesson_log import LessonStatus
from app.core.courses.lesson_reading import lesson_for_reading
from app.core.courses.placement import PlacementAnswer
from app.db.database import ProfileDatabase
from app.db.models import Card, Course, Deck, Lesson, LessonEvent, Note, NoteLink
from app.errors import UserError


def course(database: ProfileDatabase, topic: str = "Physics") -> tuple[str, list[str]]:
    with database.write_session() as session:
        course_id, modules = make_course(session, topic, [2, 1])
    return course_id, [lesson for module in modules for lesson in module]


def events(database: ProfileDatabase) -> list[str]:
    with database.read_session() as session:
        return list(session.scalars(select(LessonEvent.kind).order_by(LessonEvent.occurred_at)))


def test_opening_answering_and_completing_a_lesson_is_logged_and_read_back(
    database: ProfileDatabase,
) -> None:
    course_id, lessons = course(database)
    first = lessons[0]
    opened = lesson_actions.record_lesson_opened(database, first, at(1))
    assert opened.state.status is LessonStatus.IN_PROGRESS
    assert changes_of(opened) == Change.LESSON_PROGRESS
    answer = lesson_actions.answer_check(database, first, 0, 1, at(2))
    assert (answer.correct, answer.correct_index) == (True, 1)
    assert changes_of(answer) == Change.LESSON_PROGRESS
    lesson_actions.answer_check(database, first, 1, 1, at(3))
    scored = lesson_actions.score_checks(database, first, [1, 1], at(4))
    assert (scored.correct, scored.total, scored.score) == (1, 2, 50.0)
    assert changes_of(scored) == Change.LESSON_PROGRESS
    done = lesson_actions.mark_lesson_complete(database, first, at(5))
    assert done.state.status is LessonStatus.COMPLETED and done.state.score == 50.0
    assert events(database) == ["opened", "answered", "answered", "scored", "completed"]

    (row,) = course_library(database)
    assert (row.course_id, row.completed_count, row.lesson_count) == (course_id, 1, 3)
    shown = course_outline(database, course_id)
    assert shown is not None and shown.completed_count == 1
    target = continue_in_course(database, course_id)
    assert target is not None and (target.lesson_id, target.reason) == (lessons[1], "next")
    today = course_to_continue(database)
    assert today is not None and today.target.lesson_id == lessons[1]


def test_a_lesson_removed_meanwhile_is_said_plainly_and_nothing_is_written(
    database: ProfileDatabase,
) -> None:
    _course_id, lessons = course(database)
    with database.write_session() as session:
        lesson = session.get(Lesson, lessons[0])
        assert lesson is not None
        lesson.deleted_at = at(0)
    writes = [
        lambda: lesson_actions.record_lesson_opened(database, lessons[0]),
        lambda: lesson_actions.mark_lesson_complete(database, lessons[0]),
        lambda: lesson_actions.answer_check(database, lessons[0], 0, 0),
        lambda: lesson_actions.score_checks(database, lessons[0], [0, 0]),
        lambda: lesson_actions.add_lesson_note(database, lessons[0], "A note"),
        lambda: make_check_card(database, lessons[0], 0),
    ]
    for write in writes:
        with pytest.raises(UserError, match="no longer in your profile"):
            write()
    assert events(database) == []
    with database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Note)) == 0
        assert session.scalar(select(func.count()).select_from(Card)) == 0
    assert lesson_for_reading(database, lessons[0], None) is None


def test_a_note_from_a_lesson_quotes_the_selection_and_links_back(
    database: ProfileDatabase,
) -> None:
    _course_id, lessons = course(database)
    added = lesson_actions.add_lesson_note(
        database, lessons[1], "", "My thought.", selection="Some text.\nMore."
    )
    assert changes_of(added) == Change.NOTES
    with database.read_session() as session:
        note = session.get(Note, added.note.note_id)
        link = session.scalars(select(NoteLink)).one()
    assert note is not None and note.title == "Lesson 1.2"
    assert note.body == "> Some text.\n> More.\n\nMy thought."
    assert (link.target_kind, link.target_id) == ("lesson", lessons[1])


def test_a_check_becomes_one_card_in_the_course_deck(database: ProfileDatabase) -> None:
    _course_id, lessons = course(database, "Forces :: Motion")
    made = make_check_card(database, lessons[0], 1)
    assert made.created and made.deck_name == "Lessons::Forces : Motion"
    assert made.changes & Change.CARDS and made.changes & Change.DECKS
    again = make_check_card(database, lessons[0], 1)
    assert not again.created and again.changes == Change.NONE
    with database.read_session() as session:
        (front,) = session.scalars(select(Card.front).where(Card.deleted_at.is_(None))).all()
        decks = session.scalars(select(Deck.name)).all()
    assert front.startswith("1 + 1?")
    assert sorted(decks) == ["Forces : Motion", "Lessons"]
    assert check_deck_name("  ") == "Lessons::Course"


def test_the_reader_gets_every_part_made_safe(database: ProfileDatabase) -> None:
    _course_id, lessons = course(database)
    found = lesson_for_reading(database, lessons[0], None)
    assert found is not None
    assert found.view.number == "1.1" and found.view.next_lesson_id == lessons[1]
    assert [c.question.strip() for c in found.checks] == ["2 + 2?", "1 + 1?"]
    assert found.exercises[0].hints == ("Count.", "Use fingers.")
    assert found.thought_questions == ("Why?",)


def test_reads_of_a_course_that_is_gone_are_none(database: ProfileDatabase) -> None:
    course_id, _lessons = course(database)
    with database.write_session() as session:
        gone = session.get(Course, course_id)
        assert gone is not None
        gone.deleted_at = at(0)
    assert course_outline(database, course_id) is None
    assert course_library(database) == []
    assert course_to_continue(database) is None


def test_a_placement_check_is_scored_and_stored(database: ProfileDatabase) -> None:
    course_id, _lessons = course(database)
    answers = [
        PlacementAnswer("Easy?", "yes", 1, True),
        PlacementAnswer("Hard?", "no", 3, False),
    ]
    recorded = lesson_actions.record_placement(database, "Physics", answers, course_id, at(1))
    assert (recorded.check.score, recorded.check.level) == (25.0, "beginner")
    assert changes_of(recorded) == Change.PLACEMENT
    shown = course_outline(database, course_id)
    assert shown is not None and [p.check_id for p in shown.placement] == [recorded.check.check_id]
