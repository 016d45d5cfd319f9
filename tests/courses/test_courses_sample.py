"""The sample course: loaded into a new profile as sample content, removed with the samples."""

from __future__ import annotations

from app.core.changes import Change
from app.core.courses import sample
from app.core.courses.library import library
from app.core.courses.outline import outline
from app.core.samples import load_sample_content, remove_sample_content
from app.paths import resources_dir


def test_the_bundled_sample_course_loads_and_is_removed_with_the_samples(database):
    with database.write_session() as session:
        changes = load_sample_content(session, resources_dir() / "sample")
    assert changes & Change.COURSES
    with database.read_session() as session:
        (row,) = library(session)
        assert row.is_sample and row.source == "sample"
        shown = outline(session, row.course_id)
        assert [len(m.lessons) for m in shown.modules] == [3, 2, 3]
        assert all(lesson.has_content for m in shown.modules for lesson in m.lessons)
        assert len(shown.objectives) == 4
    with database.write_session() as session:
        make_own_course(session)
        remove_sample_content(session)
    with database.read_session() as session:
        assert [r.topic for r in library(session)] == ["My own course"]


def make_own_course(session) -> None:
    from course_helpers import make_course

    make_course(session, "My own course", [1])


def test_every_sample_lesson_has_a_knowledge_check_with_a_known_answer(database):
    from app.core.courses.content import parse_lesson_body
    from app.importers.course_pack import load_pack

    (path,) = sample.sample_packs(resources_dir() / "sample")
    course = load_pack(path).course
    for module in course.modules:
        for item in module.lessons:
            body = parse_lesson_body(item.content)
            assert body.checks and all(c.correct_index is not None for c in body.checks)
            assert body.exercises and body.thought_questions


def test_removing_the_samples_can_be_undone_and_the_learners_own_deletions_stay(database):
    from app.core.samples import describe_sample_content, restore_sample_content

    with database.write_session() as session:
        load_sample_content(session, resources_dir() / "sample")
    with database.read_session() as session:
        (row,) = library(session)
        said = describe_sample_content(session)
    assert any("sample course" in phrase for phrase in said)
    assert any("14 sample cards" in phrase for phrase in said)
    with database.write_session() as session:
        removed = remove_sample_content(session)
    with database.read_session() as session:
        assert library(session) == []
        assert describe_sample_content(session) == ()
    with database.write_session() as session:
        changes = restore_sample_content(session, removed)
    assert changes & Change.COURSES and changes & Change.CARDS
    with database.read_session() as session:
        (back,) = library(session)
        assert back.course_id == row.course_id
        assert [len(m.lessons) for m in outline(session, row.course_id).modules] == [3, 2, 3]
        assert describe_sample_content(session)  # loaded again: Today offers to remove it
