"""Lessons: courses, their outlines and the lesson reader."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.changes import Change
from app.core.samples import SampleKind
from app.features.declarations import Destination, Feature, MenuAction, TodaySection, ViewDecl

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _load_sample(session: Session, folder: Path) -> int:
    from app.importers.samples import load_sample_courses

    return load_sample_courses(session, folder)


def _remove_sample(session: Session, at: datetime) -> int:
    from app.core.courses.sample import remove_sample_courses

    return remove_sample_courses(session, at)


def _restore_sample(session: Session, at: datetime) -> int:
    from app.core.courses.sample import restore_sample_courses

    return restore_sample_courses(session, at)


def _describe_sample(session: Session) -> str | None:
    from app.core.courses.sample import describe_sample_courses

    return describe_sample_courses(session)


LESSONS = Feature(
    name="lessons",
    views=(ViewDecl("Lessons", "app.ui.lessons.view:LessonsView", opens=(Destination.LESSON,)),),
    today=(TodaySection("app.ui.lessons.today_section:ContinueCourseSection"),),
    menu_actions=(
        MenuAction(
            "File",
            "Import &Course…",
            "app.ui.lessons.pack_actions:import_course_pack",
            tip="Bring in a course pack (.sdcourse)",
        ),
        MenuAction(
            "File",
            "E&xport Course…",
            "app.ui.lessons.pack_actions:export_course_from_menu",
            tip="Save a course as a course pack (.sdcourse) to share",
        ),
    ),
    cli_modules=("app.cli.course_commands",),
    samples=(
        SampleKind(
            "courses",
            _load_sample,
            _remove_sample,
            Change.COURSES | Change.LESSONS | Change.LESSON_PROGRESS | Change.PLACEMENT,
            _restore_sample,
            _describe_sample,
        ),
    ),
    shows=(
        Change.COURSES
        | Change.LESSONS
        | Change.LESSON_PROGRESS
        | Change.PLACEMENT
        | Change.NOTES  # the lesson lists the notes taken on it
    ),
)
