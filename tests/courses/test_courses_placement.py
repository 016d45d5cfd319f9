"""Placement checks: TechTree's levels at their cut-offs, the weighted score, shown per course."""

from __future__ import annotations

import json

import pytest
from course_helpers import RECONSTRUCTED, at, make_course

from app.core.changes import Change
from app.core.courses.outline import outline
from app.core.courses.placement import (
    PlacementAnswer,
    difficulty_weight,
    knowledge_level,
    placement_checks_for_topic,
    record_placement_check,
    weighted_score,
)
from app.db.models import PlacementCheck


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, "beginner"),
        (34.99, "beginner"),
        (35, "early learner"),
        (64.9, "early learner"),
        (65, "good knowledge"),
        (84.99, "good knowledge"),
        (85, "advanced"),
        (100, "advanced"),
    ],
)
def test_levels_change_exactly_at_35_65_and_85(score, level):
    assert knowledge_level(score) == level


def answer(difficulty: int | str, correct: bool) -> PlacementAnswer:
    return PlacementAnswer("q", "a", difficulty, correct)  # type: ignore[arg-type]


def test_harder_questions_weigh_more():
    # One easy question right, one hard wrong: 1 / (1 + 3) = 25 %, not 50 %.
    assert weighted_score([answer(1, True), answer(3, False)]) == 25.0
    assert weighted_score([answer(1, False), answer(3, True)]) == 75.0
    assert weighted_score([answer("hard", True), answer("easy", False)]) == 75.0
    assert weighted_score([]) == 0.0
    assert [difficulty_weight(d) for d in (0, "2", "Medium", None, True, 4.7)] == [
        1,
        2,
        2,
        1,
        1,
        4,
    ]


def test_a_new_check_is_scored_levelled_and_shown_with_its_course(database):
    with database.write_session() as session:
        course_id, _ = make_course(session, "Black holes", [1])
        recorded = record_placement_check(
            session,
            "Black holes",
            [answer(1, True), answer(2, True), answer(3, False)],
            course_id=course_id,
            now=at(1),
        )
    assert (recorded.check.score, recorded.check.level) == (50.0, "early learner")
    assert recorded.changes & Change.PLACEMENT
    with database.read_session() as session:
        (shown,) = outline(session, course_id).placement
    assert shown.items[2].difficulty == 3 and shown.items[2].correct is False


def test_migrated_checks_are_found_by_topic_and_damaged_ones_still_show(database):
    with database.write_session() as session:
        course_id, _ = make_course(session, "Black Holes", [1])
        session.add(
            PlacementCheck(
                topic="black holes ",
                course_id=None,  # older data: no course, only a topic
                knowledge_level="good knowledge",
                score=72.5,
                questions=["What is an event horizon?", "What is spaghettification?"],
                responses=["The boundary light cannot escape."],  # one answer missing
                taken_at=at(0),
            )
        )
        session.add(
            PlacementCheck(topic="Cooking", knowledge_level="beginner", score=10, taken_at=at(0))
        )
    with database.read_session() as session:
        (check,) = outline(session, course_id).placement
        assert (check.level, check.score) == ("good knowledge", 72.5)
        assert [(i.question, i.response) for i in check.items] == [
            ("What is an event horizon?", "The boundary light cannot escape."),
            ("What is spaghettification?", None),
        ]
        assert len(placement_checks_for_topic(session, "BLACK HOLES")) == 1


def test_a_migrated_techtree_assessment_appears_with_its_course(fixtures, tmp_path):
    from app.core.courses.library import library
    from app.core.profiles import create_profile, list_profiles
    from app.db.database import ProfileDatabase
    from app.importers.legacy_import import import_legacy
    from app.paths import data_locations

    data = json.loads(RECONSTRUCTED.read_text(encoding="utf-8"))
    user = next(iter(data["users"].values()))["user_id"]
    data["user_assessments"] = {
        "1": {
            "assessment_id": "5d0c3f6e-2a57-4c1e-9a57-1f2b3c4d5e6f",
            "user_id": user,
            "topic": "black holes",
            "knowledge_level": "advanced",
            "score": 88.0,
            "question_history": ["What is Hawking radiation?"],
            "response_history": ["Thermal radiation from quantum effects near the horizon."],
            "created_at": "2025-03-24T22:40:00.000000",
        }
    }
    source = tmp_path / "techtree_db.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    locations = data_locations(tmp_path / "data")
    default = create_profile(locations, "Default")
    ProfileDatabase.open(default.db_file, default.backups_dir, create=True).close()
    import_legacy(locations, [source], default_profile=default)
    (learner,) = [p for p in list_profiles(locations) if p.name != "Default"]
    migrated = ProfileDatabase.open(learner.db_file, learner.backups_dir)
    try:
        with migrated.read_session() as session:
            (row,) = library(session)
            (check,) = outline(session, row.course_id).placement
    finally:
        migrated.close()
    assert (check.level, check.score, check.items[0].question) == (
        "advanced",
        88.0,
        "What is Hawking radiation?",
    )
