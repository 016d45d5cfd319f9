"""What the Lessons view, Today and the commands read about courses: the library, where to
continue, a course's outline, the course to continue on Today, the notes taken on a lesson.

Each takes the open profile database first and opens a read session of its own (closed before
it returns), so the GUI runs it on the task runner's read pool in one line. A course that no
longer exists reads as None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.core.courses import notes
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
from app.core.courses.outline import CourseOutline, outline
from app.db.database import ProfileDatabase


def course_library(
    database: ProfileDatabase, search: str = "", sort: LibrarySort = LibrarySort.LAST_STUDIED
) -> list[LibraryRow]:
    """Every live course matching `search`, in `sort` order, with its progress."""
    with database.read_session() as session:
        return library(session, search, sort)


def continue_in_course(database: ProfileDatabase, course_id: str) -> ContinueTarget | None:
    """The lesson Continue opens in this course (None: no lessons, or no such course)."""
    with database.read_session() as session:
        return continue_target(session, course_id)


def course_outline(database: ProfileDatabase, course_id: str) -> CourseOutline | None:
    with database.read_session() as session:
        try:
            return outline(session, course_id)
        except LookupError:
            return None


def course_to_continue(database: ProfileDatabase) -> CourseInProgress | None:
    """The course to continue on Today: the one studied last and not finished; when none was
    started yet, the first course there is (so a new profile is offered its sample course)."""
    with database.read_session() as session:
        found = course_in_progress(session)
        if found is not None:
            return found
        for row in library(session, "", LibrarySort.TOPIC):
            if row.last_studied is None and row.lesson_count:
                target = continue_target(session, row.course_id)
                if target is not None:
                    return CourseInProgress(row, target)
        return None


@dataclass(frozen=True)
class NoteOnLesson:
    """A note as its lesson lists it: the passage the learner selected (plain text, "" when
    none) apart from what they wrote (safe markdown: nothing in it loads from outside)."""

    note_id: str
    title: str
    created_at: datetime
    quote: str
    text: str


def lesson_notes(database: ProfileDatabase, lesson_id: str) -> tuple[NoteOnLesson, ...]:
    """The live notes the learner linked to this lesson, newest first."""
    with database.read_session() as session:
        found = notes.lesson_notes(session, lesson_id)
    shown = []
    for note in reversed(found):
        quote, text = notes.split_note_body(note.body)
        shown.append(
            NoteOnLesson(
                note.note_id,
                note.title,
                note.created_at,
                quote,
                display_markdown(text) if text else "",
            )
        )
    return tuple(shown)
