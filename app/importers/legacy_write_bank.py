"""Writing MS2 question-bank records (questions, notes, articles) and their tags and links."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Note, NoteLink, NoteTag, NoteVersion, Question, QuestionTag, Tag
from app.db.models.notes import first_version_id
from app.db.models.tags import tag_id
from app.db.types import utcnow
from app.importers import legacy_sql as sql
from app.importers.bulk_rows import BulkWriter, insert_dicts, stamps
from app.importers.legacy_records import NoteRecord, QuestionRecord, derived_id


def tag_rows(names: Iterable[str]) -> list[dict[str, Any]]:
    now = utcnow()
    unique = {name.strip().casefold(): name.strip() for name in names if name.strip()}
    return [{"id": tag_id(n), "name": n, **stamps(now)} for n in unique.values()]


def changed_questions(session: Session, records: list[QuestionRecord]) -> list[QuestionRecord]:
    """The records whose question is already in the profile with another stem, choices or
    answer. The import keeps what is there (a question already answered must not change under
    the learner); these are named in the report rather than passed over in silence."""
    changed = []
    for start in range(0, len(records), 500):
        chunk = {r.id: r for r in records[start : start + 500]}
        found = session.execute(
            select(Question.id, Question.stem, Question.choices, Question.answer).where(
                Question.id.in_(chunk)
            )
        )
        for row in found:
            record = chunk[row.id]
            if (row.stem, row.choices, row.answer) != (
                record.stem,
                record.choices,
                record.answer,
            ):
                changed.append(record)
    return changed


def write_questions(session: Session, w: BulkWriter, records: list[QuestionRecord]) -> int:
    now = utcnow()
    insert_dicts(w, sql.TAGS, Tag.__table__, tag_rows(t for r in records for t in r.tags))
    rows = [
        {
            "id": r.id,
            "legacy_id": r.legacy_id,
            "stem": r.stem,
            "choices": r.choices,
            "answer": r.answer,
            "explanation": r.explanation,
            "subject": r.subject,
            "system": r.system,
            "difficulty": r.difficulty,
            "status": r.status,
            "is_sample": False,
            "source": "ms2",
            "extra": r.extra,
            **stamps(now),
        }
        for r in records
    ]
    added = insert_dicts(w, sql.QUESTIONS, Question.__table__, rows)
    links = [
        {"question_id": r.id, "tag_id": tag_id(t), "updated_at": now, "deleted_at": None}
        for r in records
        for t in dict.fromkeys(x.casefold() for x in r.tags)
    ]
    insert_dicts(w, sql.QUESTION_TAGS, QuestionTag.__table__, links)
    return added


def write_notes(session: Session, w: BulkWriter, records: list[NoteRecord]) -> int:
    now = utcnow()
    insert_dicts(w, sql.TAGS, Tag.__table__, tag_rows(t for r in records for t in r.tags))
    rows = [
        {
            "id": r.id,
            "kind": r.kind,
            "title": r.title,
            "summary": r.summary,
            "body": r.body,
            "bookmarked": r.bookmarked,
            "legacy_id": r.legacy_id,
            "is_sample": False,
            "source": "ms2",
            **stamps(now),
        }
        for r in records
    ]
    added = insert_dicts(w, sql.NOTES, Note.__table__, rows)
    versions = [  # each note's first version (its id derived from the note's: no duplicate)
        {
            "id": first_version_id(r.id),
            "note_id": r.id,
            "title": r.title,
            "body": r.body,
            "parent_ids": "[]",
            "created_at": now,
        }
        for r in records
    ]
    insert_dicts(w, sql.NOTE_VERSIONS, NoteVersion.__table__, versions)
    tags = [
        {"note_id": r.id, "tag_id": tag_id(t), "updated_at": now, "deleted_at": None}
        for r in records
        for t in dict.fromkeys(x.casefold() for x in r.tags)
    ]
    insert_dicts(w, sql.NOTE_TAGS, NoteTag.__table__, tags)
    articles = dict(
        session.execute(select(Note.legacy_id, Note.id).where(Note.kind == "article")).all()
    )
    questions = dict(session.execute(select(Question.legacy_id, Question.id)).all())
    targets = {"article": articles, "question": questions}
    links = []
    for r in records:
        for kind, legacy in r.links:
            found = targets.get(kind, {}).get(legacy)
            links.append(
                {
                    "id": derived_id("note-link", r.id, kind, legacy),
                    "note_id": r.id,
                    "target_kind": kind,
                    "target_id": found or legacy,
                    "resolved": found is not None,
                    **stamps(now),
                }
            )
    insert_dicts(w, sql.NOTE_LINKS, NoteLink.__table__, links)
    return added
