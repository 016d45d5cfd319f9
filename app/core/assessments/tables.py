"""The assessment tables as SQLAlchemy Core tables, for set-based reads and one-row writes."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table

from app.db.models import (
    Note,
    NoteLink,
    Question,
    QuestionAttempt,
    QuestionBlock,
    QuestionBlockEvent,
    QuestionBlueprint,
    QuestionTag,
    QuestionUsage,
    Tag,
)

QUESTIONS = cast(Table, Question.__table__)
QUESTION_TAGS = cast(Table, QuestionTag.__table__)
TAGS = cast(Table, Tag.__table__)
USAGE = cast(Table, QuestionUsage.__table__)
ATTEMPTS = cast(Table, QuestionAttempt.__table__)
BLOCKS = cast(Table, QuestionBlock.__table__)
EVENTS = cast(Table, QuestionBlockEvent.__table__)
BLUEPRINTS = cast(Table, QuestionBlueprint.__table__)
NOTES = cast(Table, Note.__table__)
NOTE_LINKS = cast(Table, NoteLink.__table__)
