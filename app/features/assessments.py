"""Assessments: the question bank, blocks taken as in the board exam, review, analytics."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.changes import Change
from app.core.samples import SampleKind
from app.features.declarations import Destination, Feature, ViewDecl

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _load_sample(session: Session, folder: Path) -> int:
    from app.core.assessments.sample import load_sample_questions

    return load_sample_questions(session, folder)


def _remove_sample(session: Session, at: datetime) -> int:
    from app.core.assessments.sample import remove_sample_questions

    return remove_sample_questions(session, at)


def _restore_sample(session: Session, at: datetime) -> int:
    from app.core.assessments.sample import restore_sample_questions

    return restore_sample_questions(session, at)


def _describe_sample(session: Session) -> str | None:
    from app.core.assessments.sample import describe_sample_questions

    return describe_sample_questions(session)


SHOWS = (
    Change.QUESTIONS | Change.BLOCKS | Change.ATTEMPTS | Change.TAGS | Change.NOTES | Change.CARDS
)

VIEW = ViewDecl(
    "Assessments", "app.ui.assessments.view:AssessmentsView", opens=(Destination.QUESTIONS,)
)

ASSESSMENTS = Feature(
    name="assessments",
    views=(VIEW,),
    cli_modules=("app.cli.assessment_commands",),
    samples=(
        SampleKind(
            "questions",
            _load_sample,
            _remove_sample,
            Change.QUESTIONS | Change.TAGS,
            restore=_restore_sample,
            describe=_describe_sample,
        ),
    ),
    shows=SHOWS,
)
