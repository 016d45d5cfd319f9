"""Placement checks: the TechTree-style knowledge-level check per topic.

A check asks questions of varying difficulty; the score is the difficulty-weighted share of
correct answers (0-100), and the level follows from the score with TechTree's cut-offs:
below 35 beginner, below 65 early learner, below 85 good knowledge, else advanced (a score of
exactly 35 is an early learner). Migrated checks keep the level and score they were given.
A check belongs to a course by `course_id`, or, when that is empty (older data), by topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import zip_longest
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.db.models import Course, PlacementCheck

PLACEMENT = Change.PLACEMENT
LEVELS = ("beginner", "early learner", "good knowledge", "advanced")
CUTOFFS = (35.0, 65.0, 85.0)
_NAMED_DIFFICULTY = {"easy": 1, "medium": 2, "hard": 3, "beginner": 1, "advanced": 3}


def knowledge_level(score: float) -> str:
    """The level for a 0-100 score: [0, 35) beginner, [35, 65) early learner,
    [65, 85) good knowledge, [85, 100] advanced."""
    for level, cutoff in zip(LEVELS, CUTOFFS, strict=False):
        if score < cutoff:
            return level
    return LEVELS[-1]


@dataclass(frozen=True)
class PlacementAnswer:
    question: str
    response: str
    difficulty: int  # 1 (easy) and up; the weight of the question
    correct: bool


def difficulty_weight(difficulty: Any) -> int:
    """A question's weight: its difficulty as a positive whole number (easy/medium/hard are
    1/2/3); anything unreadable weighs 1."""
    if isinstance(difficulty, str):
        named = _NAMED_DIFFICULTY.get(difficulty.strip().casefold())
        if named:
            return named
        difficulty = int(difficulty) if difficulty.strip().isdigit() else 1
    if isinstance(difficulty, bool) or not isinstance(difficulty, (int, float)):
        return 1
    return max(1, int(difficulty))


def weighted_score(answers: Sequence[PlacementAnswer]) -> float:
    """100 x (sum of the weights of correct answers) / (sum of all weights); 0 for none."""
    total = sum(difficulty_weight(a.difficulty) for a in answers)
    if total == 0:
        return 0.0
    right = sum(difficulty_weight(a.difficulty) for a in answers if a.correct)
    return round(100.0 * right / total, 1)


@dataclass(frozen=True)
class PlacementItem:
    question: str
    response: str | None  # None when the learner's answer is missing (damaged older data)
    difficulty: int | None
    correct: bool | None


@dataclass(frozen=True)
class PlacementView:
    check_id: str
    topic: str
    course_id: str | None
    level: str
    score: float | None
    taken_at: datetime
    items: tuple[PlacementItem, ...]


def placement_checks(session: Session, course_id: str) -> tuple[PlacementView, ...]:
    """The checks of a course (by id, or by its topic for checks without one), newest first."""
    course = session.get(Course, course_id)
    if course is None:
        return ()
    topic = course.topic.casefold()
    rows = session.scalars(
        select(PlacementCheck).where(
            PlacementCheck.deleted_at.is_(None),
            or_(PlacementCheck.course_id == course_id, PlacementCheck.course_id.is_(None)),
        )
    )
    found = [
        r for r in rows if r.course_id == course_id or r.topic.strip().casefold() == topic.strip()
    ]
    return tuple(_view(r) for r in sorted(found, key=lambda r: r.taken_at, reverse=True))


def placement_checks_for_topic(session: Session, topic: str) -> tuple[PlacementView, ...]:
    wanted = topic.strip().casefold()
    rows = session.scalars(select(PlacementCheck).where(PlacementCheck.deleted_at.is_(None)))
    found = [r for r in rows if r.topic.strip().casefold() == wanted]
    return tuple(_view(r) for r in sorted(found, key=lambda r: r.taken_at, reverse=True))


@dataclass(frozen=True)
class PlacementRecorded:
    check: PlacementView
    changes: Change


def record_placement_check(
    session: Session,
    topic: str,
    answers: Sequence[PlacementAnswer],
    course_id: str | None = None,
    now: datetime | None = None,
) -> PlacementRecorded:
    """Store a finished check, scored and levelled here, in the caller's transaction."""
    score = weighted_score(answers)
    row = PlacementCheck(
        topic=topic,
        course_id=course_id,
        knowledge_level=knowledge_level(score),
        score=score,
        questions=[
            {"question": a.question, "difficulty": a.difficulty, "correct": a.correct}
            for a in answers
        ],
        responses=[a.response for a in answers],
        taken_at=now or datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return PlacementRecorded(_view(row), PLACEMENT)


def _view(row: PlacementCheck) -> PlacementView:
    questions = row.questions if isinstance(row.questions, list) else []
    responses = row.responses if isinstance(row.responses, list) else []
    items = []
    for question, response in zip_longest(questions, responses):
        if isinstance(question, dict):
            text = str(question.get("question") or question.get("text") or "")
            difficulty = question.get("difficulty")
            correct = question.get("correct", question.get("is_correct"))
            items.append(
                PlacementItem(
                    text,
                    None if response is None else str(response),
                    None if difficulty is None else difficulty_weight(difficulty),
                    correct if isinstance(correct, bool) else None,
                )
            )
        else:
            items.append(
                PlacementItem(
                    "" if question is None else str(question),
                    None if response is None else str(response),
                    None,
                    None,
                )
            )
    level = row.knowledge_level or (knowledge_level(row.score) if row.score is not None else "")
    return PlacementView(
        row.id, row.topic, row.course_id, level, row.score, row.taken_at, tuple(items)
    )
