"""The lesson reader's data: both exercise and both check shapes, neighbours, notes, cards."""

from __future__ import annotations

import json

import pytest
from course_helpers import RECONSTRUCTED, make_course
from sqlalchemy import select

from app.core.changes import Change
from app.core.courses.content import (
    correct_index,
    parse_check,
    parse_exercise,
    parse_lesson_body,
)
from app.core.courses.lesson import open_lesson
from app.core.courses.notes import add_note, lesson_notes
from app.db.models import Lesson, LessonContent, NoteLink

TEMPLATE_EXERCISE = {
    "id": "ex-1",
    "type": "scenario",
    "question": "A star collapses. What forms?",
    "expected_solution": "A neutron star or a black hole, depending on mass.",
    "hints": ["Think about mass.", "Chandrasekhar."],
    "explanation": "Above about 3 solar masses nothing stops the collapse.",
    "misconceptions": {"all_stars_become_black_holes": "Only the most massive ones do."},
}
TEMPLATE_CHECK = {
    "id": "q-1",
    "type": "multiple_choice",
    "question": "Which is densest?",
    "options": ["White dwarf", "Neutron star", "Red giant"],
    "correct_answer": "Neutron star",
    "explanation": "Neutron degeneracy.",
}


def real_lesson_body():
    if not RECONSTRUCTED.is_file():
        pytest.skip(f"the shared legacy samples are not here ({RECONSTRUCTED})")
    data = json.loads(RECONSTRUCTED.read_text(encoding="utf-8"))
    return next(iter(data["lesson_content"].values()))["content"]


def test_the_real_generated_lesson_reads_completely():
    body = parse_lesson_body(real_lesson_body())
    assert body.exposition.startswith("## Newtonian Gravity")
    assert len(body.thought_questions) == 2
    first = body.exercises[0]
    assert first.kind == "generated"
    assert first.instructions.startswith("Calculate the gravitational force")
    assert first.answer_format == "Numerical answer in Newtons (N)"
    assert len(first.hints) == 3 and first.expected_answer == "1.982e20"
    assert first.misconceptions[0].misconception == "Forgetting to square the distance."
    assert first.misconceptions[0].correction.startswith("The gravitational force")
    check = body.checks[0]
    assert check.correct_index == 1  # "It accurately predicts the orbits ..."
    assert check.confidence_prompt.startswith("How confident")
    assert body.checks[1].correct_index == 2
    assert body.difficulty == 2 and "gravity" in body.tags
    assert body.prerequisites == ("Basic algebra", "Basic understanding of force and motion")


def test_the_template_shapes_read_into_the_same_types():
    exercise = parse_exercise(TEMPLATE_EXERCISE)
    assert exercise.kind == "template" and exercise.id == "ex-1"
    assert exercise.instructions == "A star collapses. What forms?"
    assert exercise.expected_answer.startswith("A neutron star")
    assert exercise.hints == ("Think about mass.", "Chandrasekhar.")
    assert exercise.misconceptions[0].misconception == "All stars become black holes"
    assert exercise.misconceptions[0].correction == "Only the most massive ones do."
    check = parse_check(TEMPLATE_CHECK)
    assert (check.id, check.correct_index, check.confidence_prompt) == ("q-1", 1, None)


@pytest.mark.parametrize(
    ("answer", "index"),
    [
        ("Neutron star", 1),
        ("  neutron   STAR ", 1),
        ("B", 1),
        ("b)", 1),
        ("(C)", 2),
        ("B) Neutron star", 1),
        (0, 0),
        (7, None),
        ("Black hole", None),
        (None, None),
        (True, None),
    ],
)
def test_the_correct_option_is_found_however_it_is_named(answer, index):
    assert correct_index(answer, ("White dwarf", "Neutron star", "Red giant")) == index


def test_odd_values_never_break_reading():
    body = parse_lesson_body(
        {
            "exposition_content": None,
            "thought_questions": "Just one, as text",
            "active_exercises": ["a bare string", {"hints": "not a list"}],
            "knowledge_assessment": [{"question": "No options"}, 42],
            "metadata": "nonsense",
        }
    )
    assert body.thought_questions == ("Just one, as text",)
    assert body.exercises[0].instructions == "a bare string"
    assert body.exercises[1].hints == ("not a list",)
    assert body.checks[0].options == () and body.checks[0].correct_index is None
    assert parse_lesson_body(None).has_content is False
    assert parse_lesson_body([1, 2]).has_content is False


def test_open_lesson_places_it_in_its_course(database, media_dir):
    with database.write_session() as session:
        _course_id, lessons = make_course(session, "Optics", [2, 1])
        empty = lessons[1][0]
        session.execute(LessonContent.__table__.delete().where(LessonContent.lesson_id == empty))
    with database.read_session() as session:
        middle = open_lesson(session, lessons[0][1], media_dir)
        last = open_lesson(session, empty)
    assert middle.number == "1.2" and middle.module_week == 1
    assert (middle.previous_lesson_id, middle.next_lesson_id) == (lessons[0][0], empty)
    assert (middle.index_in_course, middle.lesson_count) == (1, 3)
    assert middle.has_content and middle.markdown.startswith("## Title")
    assert last.number == "2.1" and last.next_lesson_id is None
    assert not last.has_content  # "No content yet"


def test_a_deleted_lesson_does_not_open(database):
    from datetime import UTC, datetime

    with database.write_session() as session:
        _, lessons = make_course(session, "Optics", [1])
        session.get(Lesson, lessons[0][0]).deleted_at = datetime.now(UTC)
    with database.read_session() as session, pytest.raises(LookupError):
        open_lesson(session, lessons[0][0])


def test_add_a_note_links_it_to_the_lesson(database):
    with database.write_session() as session:
        _, lessons = make_course(session, "Optics", [1])
        lesson = lessons[0][0]
        added = add_note(session, lesson, "", "My own thought.", selection="Light bends.\nTwice.")
    assert added.note.title == "Lesson 1.1"
    assert added.note.body == "> Light bends.\n> Twice.\n\nMy own thought."
    assert added.changes & Change.NOTES
    with database.read_session() as session:
        link = session.scalars(select(NoteLink)).one()
        assert (link.target_kind, link.target_id, link.resolved) == ("lesson", lesson, True)
        assert [n.note_id for n in lesson_notes(session, lesson)] == [added.note.note_id]
