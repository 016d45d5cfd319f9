"""Helpers shared by the assessments tests (core, CLI and the UI's): making questions in bulk,
a clock the test moves, the sample questions."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from app.core.assessments.bank_writes import upsert_questions
from app.core.assessments.question_format import QuestionData
from app.core.assessments.sample import load_sample_questions
from app.db.database import ProfileDatabase
from app.paths import resources_dir

SUBJECTS = ("Anatomy", "Pathology", "Pharmacology", "Physiology", "Microbiology")
SYSTEMS = ("Cardiovascular", "Renal", "Respiratory", "Nervous", "Endocrine", "Gastrointestinal")
DIFFICULTIES = ("Easy", "Medium", "Hard")


def question(
    i: int,
    *,
    subject: str | None = None,
    system: str | None = None,
    difficulty: str | None = None,
    tags: Sequence[str] = (),
    choices: int = 5,
    stem: str | None = None,
) -> QuestionData:
    labels = "ABCDEFGHIJ"[:choices]
    return QuestionData(
        bank_id=f"t_{i:05d}",
        stem=stem or f"Question {i}: which choice is right for case {i}?",
        choices=tuple((label, f"Choice {label} of {i}") for label in labels),
        answer=labels[i % choices],
        summary=f"Because {labels[i % choices]} is right for {i}.",
        rationales={labels[0]: "Not this one."} if i % choices else {},
        subject=subject or SUBJECTS[i % len(SUBJECTS)],
        system=system or SYSTEMS[i % len(SYSTEMS)],
        difficulty=difficulty or DIFFICULTIES[i % 3],
        keywords=(f"kw{i % 7}",),
        tags=tuple(tags),
    )


def make_questions(
    database: ProfileDatabase, count: int, start: int = 0, **kwargs: object
) -> list[str]:
    """Add `count` questions t_00000... (subjects and systems cycling); returns their bank ids."""
    records = [question(i, **kwargs) for i in range(start, start + count)]  # type: ignore[arg-type]
    with database.write_session() as session:
        done = upsert_questions(session, records, source="test")
    return list(done.added)


def load_samples(database: ProfileDatabase) -> int:
    with database.write_session() as session:
        return load_sample_questions(session, resources_dir() / "sample")


class Clock:
    """A monotonic clock and a wall clock the test moves (the wall one can jump either way)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.mono = 1000.0
        self.now = start or datetime(2026, 3, 10, 15, 0, tzinfo=UTC)

    def monotonic(self) -> float:
        return self.mono

    def wall(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.now += timedelta(seconds=seconds)

    def jump_wall(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def shuffled(seq: Sequence[str], seed: int) -> list[str]:
    items = list(seq)
    random.Random(seed).shuffle(items)
    return items
