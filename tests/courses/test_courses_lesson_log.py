"""The lesson log: every action appended, status and score derived the same way everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from course_helpers import T0, add_event, at, make_course
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.core.changes import Change
from app.core.courses.lesson_log import (
    EventFacts,
    LessonStatus,
    derive_state,
    mark_complete,
    record_check_answer,
    record_checks_completed,
    record_opened,
    state_of,
)
from app.core.courses.library import library
from app.core.courses.outline import outline
from app.db.models import LessonEvent

STATUS = LessonStatus


def facts(*events: tuple[str, int, str | None, float | None]) -> list[EventFacts]:
    return [
        EventFacts(kind, at(minute), f"id-{i:03}", status, score)
        for i, (kind, minute, status, score) in enumerate(events)
    ]


@pytest.mark.parametrize(
    ("events", "status", "score"),
    [
        ([], STATUS.NOT_STARTED, None),
        ([("opened", 1, None, None)], STATUS.IN_PROGRESS, None),
        ([("status", 1, "in_progress", None)], STATUS.IN_PROGRESS, None),
        ([("status", 1, "not_started", None)], STATUS.NOT_STARTED, None),
        ([("status", 1, "completed", 80.0)], STATUS.COMPLETED, 80.0),
        # Duplicated progress rows from TechTree: the newest wins, status and score together.
        (
            [("status", 2, "completed", 90.0), ("status", 5, "in_progress", None)],
            STATUS.IN_PROGRESS,
            None,
        ),
        (
            [("status", 5, "completed", 90.0), ("status", 2, "in_progress", 40.0)],
            STATUS.COMPLETED,
            90.0,
        ),
        # A completion on this device is never undone by older data carried over.
        (
            [("completed", 1, None, None), ("status", 3, "in_progress", None)],
            STATUS.COMPLETED,
            None,
        ),
        # Opening after a carried-over "not started" puts the lesson in progress.
        ([("status", 1, "not_started", None), ("opened", 2, None, None)], STATUS.IN_PROGRESS, None),
        # The newest score wins, whether scored here or carried over.
        ([("scored", 1, None, 50.0), ("scored", 3, None, 75.0)], STATUS.IN_PROGRESS, 75.0),
        ([("scored", 4, None, 50.0), ("status", 3, "completed", 95.0)], STATUS.COMPLETED, 50.0),
        ([("status", 1, "completed", 95.0), ("scored", 4, None, 60.0)], STATUS.COMPLETED, 60.0),
    ],
)
def test_status_and_score_from_the_log(events, status, score):
    state = derive_state(facts(*events))
    assert (state.status, state.score) == (status, score)


def test_ties_in_time_are_broken_by_id_so_every_device_agrees():
    same = at(1)
    a = EventFacts("status", same, "aaa", "completed", 10.0)
    b = EventFacts("status", same, "bbb", "in_progress", 20.0)
    assert derive_state([a, b]) == derive_state([b, a])
    assert derive_state([a, b]).status is STATUS.IN_PROGRESS


def test_recording_appends_and_never_changes_a_row(database):
    with database.write_session() as session:
        _, lessons = make_course(session, "Optics", [2])
        lesson = lessons[0][0]
    with database.write_session() as session:
        opened = record_opened(session, lesson, at(1))
        assert opened.state.status is STATUS.IN_PROGRESS
        assert opened.changes & Change.LESSON_PROGRESS
        wrong = record_check_answer(session, lesson, 0, 0, at(2))
        right = record_check_answer(session, lesson, 1, 0, at(3))
        assert (wrong.correct, wrong.correct_index, right.correct) == (False, 1, True)
        assert wrong.explanation == "Arithmetic."
        scored = record_checks_completed(session, lesson, [1, 1], at(4))
        assert (scored.correct, scored.total, scored.score) == (1, 2, 50.0)
        assert scored.recorded.state.score == 50.0
        done = mark_complete(session, lesson, at(5))
        assert done.state == state_of(session, lesson)
        assert (done.state.status, done.state.score) == (STATUS.COMPLETED, 50.0)
        record_opened(session, lesson, at(6))  # reading it again does not undo completion
    with database.read_session() as session:
        kinds = session.scalars(select(LessonEvent.kind).order_by(LessonEvent.occurred_at)).all()
        assert kinds == ["opened", "answered", "answered", "scored", "completed", "opened"]
        answered = session.scalars(
            select(LessonEvent.detail).where(LessonEvent.kind == "answered")
        ).all()
        assert answered[0] == {"check": 0, "option": 0, "correct": False}
        assert state_of(session, lesson).status is STATUS.COMPLETED


def test_bad_answers_are_refused_and_write_nothing(database):
    with database.write_session() as session:
        _, lessons = make_course(session, "Optics", [1])
    lesson = lessons[0][0]
    for bad in (
        lambda s: record_check_answer(s, lesson, 5, 0),
        lambda s: record_check_answer(s, lesson, 0, 9),
        lambda s: record_checks_completed(s, lesson, [1]),
        lambda s: record_opened(s, "no-such-lesson"),
    ):
        with (
            pytest.raises((IndexError, ValueError, LookupError)),
            database.write_session() as session,
        ):
            bad(session)
    with database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(LessonEvent)) == 0


def test_migrated_status_counts_in_the_library_and_outline(database, fixtures, tmp_path):
    from app.core.profiles import create_profile, list_profiles
    from app.db.database import ProfileDatabase
    from app.importers.legacy_import import import_legacy
    from app.paths import data_locations

    locations = data_locations(tmp_path / "data")
    default = create_profile(locations, "Default")
    ProfileDatabase.open(default.db_file, default.backups_dir, create=True).close()
    import_legacy(
        locations, [fixtures / "techtree_db.reconstructed-164e153.json"], default_profile=default
    )
    (learner,) = [p for p in list_profiles(locations) if p.name != "Default"]
    migrated = ProfileDatabase.open(learner.db_file, learner.backups_dir)
    try:
        with migrated.read_session() as session:
            (row,) = library(session)
            assert (row.topic, row.lesson_count, row.completed_count) == ("black holes", 52, 0)
            assert row.last_studied is not None
            shown = outline(session, row.course_id)
            # user_progress: module 1, lesson 1 (0-based) is in progress.
            lesson = shown.modules[1].lessons[1]
            assert lesson.status is STATUS.IN_PROGRESS
            assert shown.continue_target.lesson_id == lesson.lesson_id
            assert shown.modules[0].week == 1 and len(shown.modules) == 6
            assert shown.modules[0].lessons[0].has_content
            assert not shown.modules[0].lessons[1].has_content
    finally:
        migrated.close()


kinds = st.sampled_from(["opened", "answered", "scored", "completed", "status"])
statuses = st.sampled_from(["not_started", "in_progress", "completed"])
event = st.tuples(
    st.integers(0, 3),  # which lesson
    kinds,
    st.integers(0, 6),  # minute: collisions on purpose
    statuses,
    st.one_of(st.none(), st.floats(0, 100)),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(event, max_size=14))
def test_the_sql_count_agrees_with_the_python_rule(database, events):
    with database.write_session() as session:
        session.execute(LessonEvent.__table__.delete())
        course_id, lessons = make_course(session, "Random", [4], with_content=False)
        flat = lessons[0]
        for i, (which, kind, minute, status, score) in enumerate(events):
            add_event(
                session,
                flat[which],
                kind,
                T0 + timedelta(minutes=minute),
                status=status if kind == "status" else None,
                score=score if kind in ("status", "scored") else None,
                event_id=f"{i:08}-0000-7000-8000-000000000000",
            )
    with database.read_session() as session:
        row = next(r for r in library(session) if r.course_id == course_id)
        by_python = sum(
            state_of(session, lesson_id).status is STATUS.COMPLETED for lesson_id in flat
        )
        assert row.completed_count == by_python
        assert outline(session, course_id).completed_count == by_python
