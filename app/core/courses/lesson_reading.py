"""A lesson as the reader shows it: the lesson's view with every part below the exposition
(thought questions, exercises, knowledge checks) made safe to display.

`lesson_for_reading` opens a read session of its own; it only reads (the visit is logged by
`lesson_actions.record_lesson_opened`). Making the parts safe touches the disk (images in the
profile's media folder), so it runs on a worker too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.courses.content import Exercise
from app.core.courses.lesson import LessonView, open_lesson
from app.core.courses.markdown import display_markdown
from app.db.database import ProfileDatabase


@dataclass(frozen=True)
class ExerciseText:
    """An active exercise with each part as safe markdown."""

    instructions: str
    answer_format: str | None
    hints: tuple[str, ...]
    expected_answer: str
    explanation: str
    misconceptions: tuple[tuple[str, str], ...]  # (misconception, correction)


@dataclass(frozen=True)
class CheckText:
    """A knowledge check: question and explanation as safe markdown, options as plain text."""

    question: str
    options: tuple[str, ...]
    correct_index: int | None
    explanation: str


@dataclass(frozen=True)
class ReaderLesson:
    view: LessonView
    thought_questions: tuple[str, ...]
    exercises: tuple[ExerciseText, ...]
    checks: tuple[CheckText, ...]
    repeats_title: bool  # the exposition opens with the lesson's title as a heading


def lesson_for_reading(
    database: ProfileDatabase, lesson_id: str, media_dir: Path | None
) -> ReaderLesson | None:
    """The lesson ready for the reader, or None when it no longer exists (or was deleted).
    `media_dir` is the profile's media folder: images stored there are shown, nothing else."""
    with database.read_session() as session:
        try:
            view = open_lesson(session, lesson_id, media_dir)
        except LookupError:
            return None

    def safe(text: str) -> str:
        return display_markdown(text, media_dir)

    body = view.body
    first_line = view.markdown.lstrip().split("\n", 1)[0]
    return ReaderLesson(
        view=view,
        thought_questions=tuple(safe(q) for q in body.thought_questions),
        exercises=tuple(_exercise(e, safe) for e in body.exercises),
        checks=tuple(
            CheckText(safe(c.question), c.options, c.correct_index, safe(c.explanation))
            for c in body.checks
        ),
        repeats_title=first_line.lstrip("#").strip().casefold() == view.title.strip().casefold()
        and first_line.startswith("#"),
    )


def _exercise(exercise: Exercise, safe: Callable[[str], str]) -> ExerciseText:
    return ExerciseText(
        instructions=safe(exercise.instructions),
        answer_format=exercise.answer_format,
        hints=tuple(safe(h) for h in exercise.hints),
        expected_answer=safe(exercise.expected_answer),
        explanation=safe(exercise.explanation),
        misconceptions=tuple(
            (safe(m.misconception), safe(m.correction)) for m in exercise.misconceptions
        ),
    )
