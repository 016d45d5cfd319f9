"""The Lessons view's database work: plain functions for the task runner's workers.

Nothing here runs on the GUI thread. Each function takes the `OpenProfile` and reads
`opened.database` when it runs (a restore may have replaced it). Reads of a course or lesson
that no longer exists return None; writes to one raise UserError, so the learner is told.
Lesson texts other than the exposition are made safe here (`display_markdown`), because that
touches the disk (images in the media folder).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

from app.core.courses.content import Exercise
from app.core.courses.lesson import LessonView, open_lesson
from app.core.courses.lesson_log import (
    CheckResult,
    ChecksScored,
    Recorded,
    mark_complete,
    record_check_answer,
    record_checks_completed,
    record_opened,
)
from app.core.courses.library import (
    ContinueTarget,
    CourseInProgress,
    LibraryRow,
    LibrarySort,
    continue_target,
    course_in_progress,
    library,
)
from app.core.courses.markdown import display_markdown
from app.core.courses.notes import NoteAdded, add_note
from app.core.courses.outline import CourseOutline, outline
from app.core.opening import OpenProfile
from app.errors import UserError

T = TypeVar("T")
GONE = "This lesson is no longer in your profile (it was removed or a backup was restored)."


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


def read_library(opened: OpenProfile, search: str, sort: LibrarySort) -> list[LibraryRow]:
    with opened.database.read_session() as session:
        return library(session, search, sort)


def read_continue(opened: OpenProfile, course_id: str) -> ContinueTarget | None:
    with opened.database.read_session() as session:
        return continue_target(session, course_id)


def read_outline(opened: OpenProfile, course_id: str) -> CourseOutline | None:
    with opened.database.read_session() as session:
        try:
            return outline(session, course_id)
        except LookupError:
            return None


def read_in_progress(opened: OpenProfile) -> CourseInProgress | None:
    """The course to continue on Today; when none was started yet, the first course there is
    (so a new profile is offered its sample course)."""
    with opened.database.read_session() as session:
        found = course_in_progress(session)
        if found is not None:
            return found
        for row in library(session, "", LibrarySort.TOPIC):
            if row.last_studied is None and row.lesson_count:
                target = continue_target(session, row.course_id)
                if target is not None:
                    return CourseInProgress(row, target)
        return None


def read_lesson(opened: OpenProfile, lesson_id: str) -> ReaderLesson | None:
    media_dir = opened.profile.media_dir
    with opened.database.read_session() as session:
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


def _write(opened: OpenProfile, work: Callable[[Session], T]) -> T:
    with opened.database.write_session() as session:
        try:
            return work(session)
        except LookupError:
            raise UserError(GONE) from None


def write_opened(opened: OpenProfile, lesson_id: str) -> Recorded:
    return _write(opened, lambda s: record_opened(s, lesson_id))


def write_complete(opened: OpenProfile, lesson_id: str) -> Recorded:
    return _write(opened, lambda s: mark_complete(s, lesson_id))


def write_answer(opened: OpenProfile, lesson_id: str, check: int, chosen: int) -> CheckResult:
    return _write(opened, lambda s: record_check_answer(s, lesson_id, check, chosen))


def write_checks_done(opened: OpenProfile, lesson_id: str, answers: Sequence[int]) -> ChecksScored:
    return _write(opened, lambda s: record_checks_completed(s, lesson_id, answers))


def write_note(opened: OpenProfile, lesson_id: str, title: str, body: str) -> NoteAdded:
    return _write(opened, lambda s: add_note(s, lesson_id, title, body))
