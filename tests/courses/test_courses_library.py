"""The library: progress counted against the syllabus, last studied, search, sort, Continue."""

from __future__ import annotations

from course_helpers import add_event, at, make_course

from app.core.courses.library import (
    LibrarySort,
    continue_target,
    course_in_progress,
    library,
)
from app.db.models import Course, Lesson


def test_progress_counts_syllabus_lessons_not_progress_rows(database):
    with database.write_session() as session:
        _course_id, lessons = make_course(session, "Optics", [3, 2])
        first, second = lessons[0][0], lessons[0][1]
        # Three rows for one lesson (duplicates from older data) and one for another.
        add_event(session, first, "status", at(0), status="completed")
        add_event(session, first, "status", at(1), status="completed")
        add_event(session, first, "completed", at(2))
        add_event(session, second, "opened", at(3))
    with database.read_session() as session:
        (row,) = library(session)
    assert (row.lesson_count, row.completed_count) == (5, 1)
    assert row.percent == 20  # 1 of 5 lessons, not 3 of 4 rows
    assert row.last_studied == at(3)
    assert not row.finished


def test_deleted_lessons_and_modules_leave_the_syllabus(database):
    with database.write_session() as session:
        _course_id, lessons = make_course(session, "Optics", [2, 2])
        for lesson_id in lessons[0]:
            add_event(session, lesson_id, "completed", at(1))
        gone = session.get(Lesson, lessons[1][1])
        gone.deleted_at = at(2)
    with database.read_session() as session:
        (row,) = library(session)
    assert (row.lesson_count, row.completed_count, row.percent) == (3, 2, 66)


def test_a_finished_course_is_100_percent_and_one_lesson_short_is_not(database):
    with database.write_session() as session:
        _, lessons = make_course(session, "Tiny", [3])
        for lesson_id in lessons[0][:2]:
            add_event(session, lesson_id, "completed", at(1))
    with database.read_session() as session:
        assert library(session)[0].percent == 66
    with database.write_session() as session:
        add_event(session, lessons[0][2], "status", at(2), status="completed")
    with database.read_session() as session:
        row = library(session)[0]
    assert row.percent == 100 and row.finished


def test_search_and_sort(database):
    with database.write_session() as session:
        _a, la = make_course(session, "Black holes", [2], level="advanced")
        _b, lb = make_course(session, "Algebra basics", [2], level="beginner")
        _c, _ = make_course(session, "Cell biology", [4], level="good knowledge")
        add_event(session, la[0][0], "completed", at(5))
        add_event(session, lb[0][0], "opened", at(9))
    with database.read_session() as session:
        assert [r.topic for r in library(session)] == [
            "Algebra basics",  # studied most recently
            "Black holes",
            "Cell biology",  # never studied: last
        ]
        assert [r.topic for r in library(session, sort=LibrarySort.TOPIC)] == [
            "Algebra basics",
            "Black holes",
            "Cell biology",
        ]
        by_progress = library(session, sort=LibrarySort.PROGRESS)
        assert by_progress[0].topic == "Black holes"  # 50 %
        assert [r.topic for r in library(session, "HOLES")] == ["Black holes"]
        assert [r.topic for r in library(session, "bio good")] == ["Cell biology"]
        assert library(session, "nothing like this") == []


def test_deleted_courses_and_copied_masters_are_not_listed(database):
    with database.write_session() as session:
        master, _ = make_course(session, "Gravity", [1], is_master=True)
        make_course(session, "Gravity", [1], master_id=master)
        gone, _ = make_course(session, "Gone", [1])
        session.get(Course, gone).deleted_at = at(0)
        _lonely, _ = make_course(session, "Lonely master", [1], is_master=True)
    with database.read_session() as session:
        rows = library(session)
    assert sorted((r.topic, r.course_id == master) for r in rows) == [
        ("Gravity", False),
        ("Lonely master", False),
    ]


def test_continue_resumes_the_latest_lesson_in_progress(database):
    with database.write_session() as session:
        course_id, lessons = make_course(session, "Optics", [2, 2])
        add_event(session, lessons[0][0], "completed", at(1))
        add_event(session, lessons[1][1], "opened", at(2))
        add_event(session, lessons[0][1], "opened", at(3))
    with database.read_session() as session:
        target = continue_target(session, course_id)
    assert target is not None
    assert (target.lesson_id, target.reason) == (lessons[0][1], "resume")
    with database.write_session() as session:
        add_event(session, lessons[1][1], "answered", at(4))
    with database.read_session() as session:
        assert continue_target(session, course_id).lesson_id == lessons[1][1]


def test_continue_goes_to_the_first_lesson_not_completed_then_reviews(database):
    with database.write_session() as session:
        course_id, lessons = make_course(session, "Optics", [2, 1])
    with database.read_session() as session:
        target = continue_target(session, course_id)
    assert (target.lesson_id, target.reason, target.lesson_title) == (
        lessons[0][0],
        "next",
        "Lesson 1.1",
    )
    with database.write_session() as session:
        add_event(session, lessons[0][0], "completed", at(1))
        add_event(session, lessons[1][0], "completed", at(2))
    with database.read_session() as session:
        assert continue_target(session, course_id).lesson_id == lessons[0][1]
    with database.write_session() as session:
        add_event(session, lessons[0][1], "completed", at(3))
    with database.read_session() as session:
        target = continue_target(session, course_id)
    assert (target.lesson_id, target.reason) == (lessons[0][0], "review")


def test_today_shows_the_course_studied_last_that_is_not_finished(database):
    with database.read_session() as session:
        assert course_in_progress(session) is None
    with database.write_session() as session:
        _done, done_lessons = make_course(session, "Finished", [1])
        busy, busy_lessons = make_course(session, "Busy", [2])
        add_event(session, busy_lessons[0][0], "opened", at(1))
        add_event(session, done_lessons[0][0], "completed", at(2))  # newer, but finished
    with database.read_session() as session:
        today = course_in_progress(session)
    assert today is not None
    assert today.course.course_id == busy
    assert today.target.lesson_id == busy_lessons[0][0]
    assert today.course.percent == 0
