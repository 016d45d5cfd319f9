"""Writing questions into the bank (packs, samples) and taking them out.

A question is matched by its bank id. One already there with the same text is left alone; one
with other text is updated only if the learner never answered it: an answered question's text
is never changed silently (the new version is refused, with the reason, so the attempts keep
meaning what they meant).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.assessments.question_detail import choices_of, rationales_of, summary_of
from app.core.assessments.question_format import QuestionData
from app.core.assessments.tables import ATTEMPTS, QUESTION_TAGS, QUESTIONS, TAGS, soft_delete
from app.core.changes import Change
from app.db.models.tags import tag_id
from app.db.types import utcnow
from app.errors import UserError

if TYPE_CHECKING:
    from app.db.database import ProfileDatabase

QUESTION_NAMESPACE = uuid.UUID("3d1e4b7a-9c2f-4e8d-a6b5-0f1e2d3c4b5a")


def question_id_for(source: str, bank_id: str) -> str:
    """The row id every device gives the question `bank_id` brought in from `source`."""
    return str(uuid.uuid5(QUESTION_NAMESPACE, f"{source}/{bank_id}"))


@dataclass(frozen=True)
class Upserted:
    added: tuple[str, ...]  # bank ids
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    refused: tuple[tuple[str, str], ...]  # (bank id, reason)

    @property
    def changes(self) -> Change:
        return Change.QUESTIONS | Change.TAGS if self.added or self.updated else Change.NONE


def _values(data: QuestionData) -> dict[str, Any]:
    return {
        "stem": data.stem,
        "choices": [{"label": label, "text": text} for label, text in data.choices],
        "answer": data.answer,
        "explanation": data.explanation(),
        "subject": data.subject,
        "system": data.system,
        "difficulty": data.difficulty,
        "extra": data.extra(),
    }


def _same(row: Any, values: Mapping[str, Any]) -> bool:
    return (
        all(getattr(row, key) == value for key, value in values.items() if key != "extra")
        and (row.extra or {}) == values["extra"]
    )


def _tag(session: Session, question_id: str, names: Sequence[str], now: datetime) -> None:
    unique = {n.strip().casefold(): n.strip() for n in names if n.strip()}
    for name in unique.values():
        session.execute(
            TAGS.insert()
            .prefix_with("OR IGNORE")
            .values(id=tag_id(name), name=name, created_at=now, updated_at=now, deleted_at=None)
        )
        session.execute(
            QUESTION_TAGS.insert()
            .prefix_with("OR REPLACE")
            .values(question_id=question_id, tag_id=tag_id(name), updated_at=now, deleted_at=None)
        )


def upsert_questions(
    session: Session,
    records: Sequence[QuestionData],
    *,
    source: str,
    is_sample: bool = False,
    now: datetime | None = None,
) -> Upserted:
    """Add or update the records (in the caller's transaction), as the module says."""
    now = now or utcnow()
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    refused: list[tuple[str, str]] = []
    ids = [r.bank_id for r in records]
    existing: dict[str, Any] = {}
    for start in range(0, len(ids), 500):
        for found in session.execute(
            select(QUESTIONS).where(QUESTIONS.c.legacy_id.in_(ids[start : start + 500]))
        ):
            known = existing.get(found.legacy_id)
            if known is None or known.deleted_at is not None:
                existing[found.legacy_id] = found
    for data in records:
        values = _values(data)
        row = existing.get(data.bank_id)
        if row is None:
            question_id = question_id_for(source, data.bank_id)
            session.execute(
                QUESTIONS.insert().values(
                    id=question_id, legacy_id=data.bank_id, status=None, is_sample=is_sample,
                    source=source, created_at=now, updated_at=now, deleted_at=None, **values,
                )
            )  # fmt: skip
            _tag(session, question_id, data.tags, now)
            added.append(data.bank_id)
            continue
        if _same(row, values) and row.deleted_at is None:
            unchanged.append(data.bank_id)
            continue
        answered = session.execute(
            select(func.count()).select_from(ATTEMPTS).where(ATTEMPTS.c.question_id == row.id)
        ).scalar_one()
        if answered and not _same(row, values):
            refused.append(
                (
                    data.bank_id,
                    f"already in your bank with other text, and you have answered it "
                    f"{answered} time{'s' if answered != 1 else ''}: give the changed question "
                    "a new id to add it",
                )
            )
            continue
        session.execute(
            QUESTIONS.update()
            .where(QUESTIONS.c.id == row.id)
            .values(updated_at=now, deleted_at=None, **values)
        )
        _tag(session, row.id, data.tags, now)
        updated.append(data.bank_id)
    return Upserted(tuple(added), tuple(updated), tuple(unchanged), tuple(refused))


def question_data(row: Any, tags: Sequence[str] = ()) -> QuestionData:
    """A stored question as pack data (for export)."""
    extra = row.extra if isinstance(row.extra, Mapping) else {}
    media = tuple(
        {"file": str(m.get("uri", "")), "alt": str(m.get("alt_text", ""))}
        if m.get("alt_text") else {"file": str(m.get("uri", ""))}
        for m in extra.get("media") or []
        if isinstance(m, Mapping) and m.get("uri")
    )  # fmt: skip
    references = tuple(
        {k: str(v) for k, v in r.items() if k in ("title", "source", "url") and v}
        for r in extra.get("references") or []
        if isinstance(r, Mapping)
    )
    keywords = tuple(str(k) for k in extra.get("keywords") or [] if isinstance(k, str))
    return QuestionData(
        bank_id=row.legacy_id or row.id,
        stem=row.stem,
        choices=tuple((c.label, c.text) for c in choices_of(row.choices)),
        answer=row.answer,
        summary=summary_of(row.explanation),
        rationales=rationales_of(row.explanation),
        subject=row.subject,
        system=row.system,
        difficulty=row.difficulty,
        keywords=keywords,
        tags=tuple(tags),
        references=references,
        media=media,
    )


@dataclass(frozen=True)
class QuestionsDeleted:
    question_ids: tuple[str, ...]
    deleted_at: datetime
    changes: Change = Change.QUESTIONS


def delete_questions(database: ProfileDatabase, question_ids: Sequence[str]) -> QuestionsDeleted:
    """Soft-delete questions: blocks that hold them show them as deleted and leave them out of
    the score; their attempts stay in the learner's history."""
    if not question_ids:
        raise UserError("Choose the questions to delete.")
    now = utcnow()
    with database.write_session() as session:
        soft_delete(session, QUESTIONS, list(question_ids), now)
    return QuestionsDeleted(tuple(question_ids), now)


def restore_questions(database: ProfileDatabase, deleted: QuestionsDeleted) -> Change:
    with database.write_session() as session:
        session.execute(
            QUESTIONS.update()
            .where(
                QUESTIONS.c.id.in_(deleted.question_ids),
                QUESTIONS.c.deleted_at == deleted.deleted_at,
            )
            .values(deleted_at=None, updated_at=utcnow())
        )
    return Change.QUESTIONS
