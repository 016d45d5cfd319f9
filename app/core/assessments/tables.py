"""The assessment tables as SQLAlchemy Core tables, for set-based reads and one-row writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

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
from app.db.types import utcnow

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


def soft_delete(
    session: Session, table: Table, ids: Sequence[str], now: datetime | None = None
) -> int:
    """Set `deleted_at` (a tombstone that syncs) on the live rows of `ids`; how many it hid."""
    now = now or utcnow()
    done = 0
    for start in range(0, len(ids), 500):
        result = session.execute(
            table.update()
            .where(table.c.id.in_(ids[start : start + 500]), table.c.deleted_at.is_(None))
            .values(deleted_at=now, updated_at=now)
        )
        done += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return done
