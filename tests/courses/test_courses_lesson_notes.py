"""The notes a lesson lists: the learner's own, newest first, the quoted passage apart."""

from __future__ import annotations

from datetime import UTC, datetime

from course_helpers import make_course

from app.core.courses import lesson_actions
from app.core.courses.course_reads import lesson_notes
from app.core.courses.notes import split_note_body
from app.db.database import ProfileDatabase
from app.db.models import Note


def test_a_lesson_lists_its_live_notes_newest_first_with_the_quote_apart(
    database: ProfileDatabase,
) -> None:
    with database.write_session() as session:
        _, lessons = make_course(session, "Optics", [2])
    first, other = lessons[0]
    old = lesson_actions.add_lesson_note(
        database, first, "Bending", "My own thought.", "Light bends."
    )
    new = lesson_actions.add_lesson_note(database, first, "", "> Twice over.\n\nOnly text")
    gone = lesson_actions.add_lesson_note(database, first, "Gone", "deleted later")
    lesson_actions.add_lesson_note(database, other, "Elsewhere", "not this lesson")
    with database.write_session() as session:
        note = session.get(Note, gone.note.note_id)
        assert note is not None
        note.deleted_at = datetime.now(UTC)

    shown = lesson_notes(database, first)
    assert [n.note_id for n in shown] == [new.note.note_id, old.note.note_id]
    assert (shown[0].title, shown[0].quote, shown[0].text) == (
        "Lesson 1.1",
        "Twice over.",
        "Only text",
    )
    assert (shown[1].quote, shown[1].text) == ("Light bends.", "My own thought.")
    assert lesson_notes(database, "no such lesson") == ()


def test_the_quote_is_only_the_leading_quoted_lines() -> None:
    assert split_note_body("> a\n> b\n\nc\n> d") == ("a\nb", "c\n> d")
    assert split_note_body("plain") == ("", "plain")
    assert split_note_body("> only a quote") == ("only a quote", "")
