"""Lesson actions: what a learner does in a lesson, each one write.

Opening a lesson (the visit is logged), marking it complete, answering a knowledge check,
finishing the checks (the score), adding a note from the lesson (quoting a selection), and
finishing a placement check. Each takes the open profile database first, runs in one write
transaction of its own (all or nothing) and returns a frozen result carrying `changes`. A lesson
that no longer exists (removed, or a backup was restored meanwhile) raises UserError
(`LESSON_GONE`) and nothing is written. The GUI runs them on the task runner's write worker.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session

from app.core.courses import lesson_log, notes, placement
from app.core.courses.lesson_log import CheckResult, ChecksScored, Recorded
from app.core.courses.notes import NoteAdded
from app.core.courses.placement import PlacementAnswer, PlacementRecorded
from app.db.database import ProfileDatabase
from app.errors import UserError

LESSON_GONE = "This lesson is no longer in your profile (it was removed or a backup was restored)."


@contextmanager
def lesson_write(database: ProfileDatabase) -> Iterator[Session]:
    """A write transaction in which a missing lesson (LookupError) becomes `LESSON_GONE`."""
    try:
        with database.write_session() as session:
            yield session
    except LookupError:
        raise UserError(LESSON_GONE) from None


def record_lesson_opened(
    database: ProfileDatabase, lesson_id: str, now: datetime | None = None
) -> Recorded:
    """The lesson was shown: logged as `opened`, so it is in progress (unless completed)."""
    with lesson_write(database) as session:
        return lesson_log.record_opened(session, lesson_id, now)


def mark_lesson_complete(
    database: ProfileDatabase, lesson_id: str, now: datetime | None = None
) -> Recorded:
    """The learner marked the lesson complete (the log only grows: there is no undo)."""
    with lesson_write(database) as session:
        return lesson_log.mark_complete(session, lesson_id, now)


def answer_check(
    database: ProfileDatabase,
    lesson_id: str,
    check_index: int,
    chosen: int,
    now: datetime | None = None,
) -> CheckResult:
    """One knowledge check answered: logged, and judged against the lesson's own data.
    Raises IndexError (a bug) for a check or option the lesson does not have."""
    with lesson_write(database) as session:
        return lesson_log.record_check_answer(session, lesson_id, check_index, chosen, now)


def score_checks(
    database: ProfileDatabase, lesson_id: str, answers: Sequence[int], now: datetime | None = None
) -> ChecksScored:
    """Every knowledge check answered (`answers[i]`: the option chosen for check i): the score
    is computed from the lesson's data and logged. Raises ValueError (a bug) when the number of
    answers is not the number of checks."""
    with lesson_write(database) as session:
        return lesson_log.record_checks_completed(session, lesson_id, answers, now)


def add_lesson_note(
    database: ProfileDatabase,
    lesson_id: str,
    title: str,
    body: str = "",
    selection: str | None = None,
) -> NoteAdded:
    """A note linked to the lesson, quoting `selection` first if given; an empty title
    becomes the lesson's title."""
    with lesson_write(database) as session:
        return notes.add_note(session, lesson_id, title, body, selection)


def record_placement(
    database: ProfileDatabase,
    topic: str,
    answers: Sequence[PlacementAnswer],
    course_id: str | None = None,
    now: datetime | None = None,
) -> PlacementRecorded:
    """A finished placement check on `topic` (of `course_id`, if known), scored and levelled."""
    with database.write_session() as session:
        return placement.record_placement_check(session, topic, answers, course_id, now)
