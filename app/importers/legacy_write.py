"""Writing one profile's share of legacy records, inside the caller's transaction.

Rows are inserted with `ON CONFLICT DO NOTHING` on their stable ids, so a document imported
before is skipped and the counts say only what is new. The caller commits or rolls back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from app.core.progress import Progress
from app.db.models import (
    Course,
    CourseModule,
    ImportSource,
    LegacyDocument,
    Lesson,
    LessonContent,
    LessonEvent,
    Note,
    NoteLink,
    NoteTag,
    PlacementCheck,
    Question,
    QuestionTag,
    Tag,
)
from app.db.models.tags import tag_id
from app.db.types import new_id, utcnow
from app.importers.legacy_records import (
    AssessmentRecord,
    ContentRecord,
    CourseRecord,
    NoteRecord,
    Problem,
    ProgressRecord,
    QuestionRecord,
    Verbatim,
    derived_id,
)
from app.importers.source import SourceFile

COUNT_KEYS = (
    "courses",
    "modules",
    "lessons",
    "lesson_contents",
    "progress",
    "assessments",
    "questions",
    "notes",
    "kept_verbatim",
)
CHUNK = 5000


@dataclass
class ProfileShare:
    """Everything one profile receives from one import run."""

    sources: dict[str, SourceFile] = field(default_factory=dict)  # by file path
    courses: dict[str, CourseRecord] = field(default_factory=dict)
    contents: list[ContentRecord] = field(default_factory=list)
    progress: list[ProgressRecord] = field(default_factory=list)
    assessments: list[AssessmentRecord] = field(default_factory=list)
    questions: list[QuestionRecord] = field(default_factory=list)
    notes: list[NoteRecord] = field(default_factory=list)
    verbatim: list[tuple[str, Verbatim]] = field(default_factory=list)  # (file, document)
    problems: list[Problem] = field(default_factory=list)

    def row_total(self) -> int:
        lessons = sum(len(m.lessons) + 1 for c in self.courses.values() for m in c.modules)
        return (
            len(self.courses)
            + lessons
            + len(self.contents)
            + len(self.progress)
            + len(self.assessments)
            + len(self.questions)
            + len(self.notes)
            + len(self.verbatim)
        )


def _insert(session: Session, table: Table, rows: list[dict[str, Any]], progress: Progress) -> int:
    added = 0
    for start in range(0, len(rows), CHUNK):
        progress.check()
        chunk = rows[start : start + CHUNK]
        result = session.execute(insert(table).on_conflict_do_nothing(), chunk)
        added += max(result.rowcount, 0)  # type: ignore[attr-defined]
        progress.advance(len(chunk))
    return added


def _stamps(created: Any, updated: Any = None) -> dict[str, Any]:
    return {"created_at": created, "updated_at": updated or created, "deleted_at": None}


def _course_rows(share: ProfileShare, session: Session) -> list[dict[str, Any]]:
    known = set(share.courses) | set(
        session.scalars(
            select(Course.id).where(
                Course.id.in_([c.master_id for c in share.courses.values() if c.master_id])
            )
        )
    )
    rows = []
    # Masters before their copies: the copy's foreign key needs the master to exist.
    for course in sorted(share.courses.values(), key=lambda c: c.master_id is not None):
        extra = dict(course.extra)
        master = course.master_id if course.master_id in known else None
        if course.master_id and master is None:
            extra["master_not_imported"] = course.master_id
        rows.append(
            {
                "id": course.id,
                "topic": course.topic,
                "level": course.level,
                "duration": course.duration,
                "objectives": course.objectives,
                "entered_topic": course.entered_topic,
                "master_id": master,
                "is_master": course.is_master,
                "is_sample": False,
                "source": "techtree",
                "legacy_key": course.legacy_key,
                "extra": extra,
                **_stamps(course.created_at, course.updated_at),
            }
        )
    return rows


def _tag_rows(names: Iterable[str]) -> list[dict[str, Any]]:
    now = utcnow()
    unique = {name.strip().casefold(): name.strip() for name in names if name.strip()}
    return [{"id": tag_id(n), "name": n, **_stamps(now)} for n in unique.values()]


def write_share(
    session: Session, share: ProfileShare, progress: Progress
) -> tuple[dict[str, int], dict[str, str]]:
    """Insert what is new; return the counts per kind and the ledger row id per source file."""
    now = utcnow()
    counts = dict.fromkeys(COUNT_KEYS, 0)
    ledger = {}
    for path, source in share.sources.items():
        ledger[path] = new_id()
        session.add(
            ImportSource(
                id=ledger[path],
                kind="legacy",
                path=path,
                size=source.size,
                sha256=source.sha256,
                report={},
            )
        )
    session.flush()
    courses = list(share.courses.values())
    counts["courses"] = _insert(session, Course.__table__, _course_rows(share, session), progress)  # type: ignore[arg-type]
    modules = [
        {
            "id": m.id,
            "course_id": c.id,
            "position": m.position,
            "week": m.week,
            "title": m.title,
            "summary": m.summary,
            **_stamps(c.created_at, c.updated_at),
        }
        for c in courses
        for m in c.modules
    ]
    counts["modules"] = _insert(session, CourseModule.__table__, modules, progress)  # type: ignore[arg-type]
    lessons = [
        {
            "id": lesson.id,
            "module_id": m.id,
            "course_id": c.id,
            "position": lesson.position,
            "title": lesson.title,
            "summary": lesson.summary,
            "duration": lesson.duration,
            **_stamps(c.created_at, c.updated_at),
        }
        for c in courses
        for m in c.modules
        for lesson in m.lessons
    ]
    counts["lessons"] = _insert(session, Lesson.__table__, lessons, progress)  # type: ignore[arg-type]
    contents = [
        {
            "id": r.id,
            "lesson_id": r.lesson_id,
            "body": r.content,
            **_stamps(r.created_at, r.updated_at),
        }
        for r in share.contents
    ]
    counts["lesson_contents"] = _insert(session, LessonContent.__table__, contents, progress)  # type: ignore[arg-type]
    events = [
        {
            "id": r.id,
            "lesson_id": r.lesson_id,
            "course_id": r.course_id,
            "kind": "status",
            "status": r.status,
            "score": r.score,
            "occurred_at": r.at,
            "source": "techtree",
            "created_at": now,
        }
        for r in share.progress
    ]
    counts["progress"] = _insert(session, LessonEvent.__table__, events, progress)  # type: ignore[arg-type]
    by_topic = {c.topic.casefold(): c.id for c in courses}
    checks = [
        {
            "id": r.id,
            "topic": r.topic,
            "course_id": by_topic.get(r.topic.casefold()),
            "knowledge_level": r.level,
            "score": r.score,
            "questions": r.questions,
            "responses": r.responses,
            "taken_at": r.taken_at,
            **_stamps(r.taken_at),
        }
        for r in share.assessments
    ]
    counts["assessments"] = _insert(session, PlacementCheck.__table__, checks, progress)  # type: ignore[arg-type]
    counts["questions"] = _write_questions(session, share.questions, progress)
    counts["notes"] = _write_notes(session, share.notes, progress)
    kept = [
        {
            "id": _verbatim_id(v),
            "source_id": ledger[file],
            "table_name": v.table[:200],
            "doc_id": v.doc_id[:200],
            "body": v.body,
            "reason": v.reason,
            **_stamps(now),
        }
        for file, v in share.verbatim
    ]
    counts["kept_verbatim"] = _insert(session, LegacyDocument.__table__, kept, progress)  # type: ignore[arg-type]
    return counts, ledger


def _verbatim_id(document: Verbatim) -> str:
    body = json.dumps(document.body, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return derived_id("verbatim", document.table, document.doc_id, digest)


def _write_questions(session: Session, records: list[QuestionRecord], progress: Progress) -> int:
    now = utcnow()
    _insert(session, Tag.__table__, _tag_rows(t for r in records for t in r.tags), progress)  # type: ignore[arg-type]
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
            **_stamps(now),
        }
        for r in records
    ]
    added = _insert(session, Question.__table__, rows, progress)  # type: ignore[arg-type]
    links = [
        {"question_id": r.id, "tag_id": tag_id(t), "updated_at": now, "deleted_at": None}
        for r in records
        for t in dict.fromkeys(x.casefold() for x in r.tags)
    ]
    _insert(session, QuestionTag.__table__, links, progress)  # type: ignore[arg-type]
    return added


def _write_notes(session: Session, records: list[NoteRecord], progress: Progress) -> int:
    now = utcnow()
    _insert(session, Tag.__table__, _tag_rows(t for r in records for t in r.tags), progress)  # type: ignore[arg-type]
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
            **_stamps(now),
        }
        for r in records
    ]
    added = _insert(session, Note.__table__, rows, progress)  # type: ignore[arg-type]
    tags = [
        {"note_id": r.id, "tag_id": tag_id(t), "updated_at": now, "deleted_at": None}
        for r in records
        for t in dict.fromkeys(x.casefold() for x in r.tags)
    ]
    _insert(session, NoteTag.__table__, tags, progress)  # type: ignore[arg-type]
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
                    **_stamps(now),
                }
            )
    _insert(session, NoteLink.__table__, links, progress)  # type: ignore[arg-type]
    return added
