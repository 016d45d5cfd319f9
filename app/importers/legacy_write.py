"""Writing one profile's share of legacy records, inside the caller's transaction.

Rows are inserted with `ON CONFLICT DO NOTHING` on their stable ids, so a document imported
before is skipped and the counts say only what is new. The caller commits or rolls back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.progress import Progress
from app.db.models import Course, LegacyDocument
from app.db.types import new_id, utcnow
from app.importers import legacy_sql as sql
from app.importers.bulk_rows import BulkWriter, Row, insert_dicts, stamps
from app.importers.legacy_records import (
    AssessmentRecord,
    ContentRecord,
    CourseRecord,
    JsonText,
    NoteRecord,
    Problem,
    ProgressRecord,
    QuestionRecord,
    Remark,
    Verbatim,
    derived_id,
    storable,
)
from app.importers.legacy_write_bank import changed_questions, write_notes, write_questions
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


@dataclass
class ProfileShare:
    """Everything one profile receives from one import run."""

    sources: dict[str, SourceFile] = field(default_factory=dict)  # by file path
    courses: dict[str, CourseRecord] = field(default_factory=dict)
    contents: list[ContentRecord] = field(default_factory=list)
    progress: list[ProgressRecord] = field(default_factory=list)
    assessments: list[AssessmentRecord] = field(default_factory=list)
    questions: list[QuestionRecord] = field(default_factory=list)
    question_files: dict[str, str] = field(default_factory=dict)  # question id -> its file
    notes: list[NoteRecord] = field(default_factory=list)
    verbatim: list[tuple[str, Verbatim]] = field(default_factory=list)  # (file, document)
    problems: list[Problem] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)

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


def _course_rows(share: ProfileShare, session: Session, w: BulkWriter) -> list[Row]:
    wanted = {c.master_id for c in share.courses.values() if c.master_id} - set(share.courses)
    known = set(share.courses)
    if wanted:  # masters imported before, into this profile
        known.update(session.scalars(select(Course.id).where(Course.id.in_(wanted))))
    rows = []
    # Masters before their copies: the copy's foreign key needs the master to exist.
    for course in sorted(share.courses.values(), key=lambda c: c.master_id is not None):
        extra = dict(course.extra)
        master = course.master_id if course.master_id in known else None
        if course.master_id and master is None:
            extra["master_not_imported"] = course.master_id
        rows.append(
            (
                course.id,
                course.topic,
                course.level,
                course.duration,
                w.json(course.objectives),
                course.entered_topic,
                master,
                course.is_master,
                False,
                "techtree",
                course.legacy_key,
                w.json(extra),
                *w.stamps(course.created_at, course.updated_at),
                None,
            )
        )
    return rows


def write_share(
    session: Session, share: ProfileShare, progress: Progress
) -> tuple[dict[str, int], dict[str, str]]:
    """Insert what is new; return the counts per kind and the ledger row id per source file."""
    w = BulkWriter(session, progress)
    now = utcnow()
    counts = dict.fromkeys(COUNT_KEYS, 0)
    ledger = {path: new_id() for path in share.sources}
    stamp_now = w.stamp(now)
    w.insert(
        sql.IMPORT_SOURCES,
        [
            (
                ledger[path],
                "legacy",
                storable(path),
                source.size,
                source.sha256,
                "{}",  # the report, written once the counts are known (_record_reports)
                stamp_now,
                stamp_now,
                None,
            )
            for path, source in share.sources.items()
        ],
        counted=False,
    )
    courses = list(share.courses.values())
    counts["courses"] = w.insert(sql.COURSES, _course_rows(share, session, w))
    modules: list[Row] = []
    lessons: list[Row] = []
    for c in courses:
        created, updated = w.stamps(c.created_at, c.updated_at)
        for m in c.modules:
            modules.append((m.id, c.id, m.position, m.week, m.title, m.summary, created, updated))
            lessons.extend(
                (
                    lesson.id,
                    m.id,
                    c.id,
                    lesson.position,
                    lesson.title,
                    lesson.summary,
                    lesson.duration,
                    created,
                    updated,
                )
                for lesson in m.lessons
            )
    counts["modules"] = w.insert(sql.COURSE_MODULES, modules)
    counts["lessons"] = w.insert(sql.LESSONS, lessons)
    del modules, lessons
    contents = [
        (
            r.id,
            r.lesson_id,
            r.content.text() if isinstance(r.content, JsonText) else w.json(r.content),
            *w.stamps(r.created_at, r.updated_at),
        )
        for r in share.contents
    ]
    counts["lesson_contents"] = w.insert(sql.LESSON_CONTENTS, contents)
    del contents
    events = [
        (
            r.id,
            r.lesson_id,
            r.course_id,
            "status",
            r.status,
            r.score,
            w.stamp(r.at),
            "techtree",
            stamp_now,
            w.json(r.detail) if r.detail is not None else None,
        )
        for r in share.progress
    ]
    counts["progress"] = w.insert(sql.LESSON_EVENTS, events)
    by_topic = {c.topic.casefold(): c.id for c in courses}
    checks = []
    for r in share.assessments:
        taken = w.stamp(r.taken_at)
        checks.append(
            (
                r.id,
                r.topic,
                by_topic.get(r.topic.casefold()),
                r.level,
                r.score,
                w.json(r.questions),
                w.json(r.responses),
                taken,
                taken,
                taken,
            )
        )
    counts["assessments"] = w.insert(sql.PLACEMENT_CHECKS, checks)
    if share.questions:
        for record in changed_questions(session, share.questions):
            share.remarks.append(
                Remark(
                    share.question_files.get(record.id, ""),
                    "questions",
                    record.legacy_id,
                    "already in the profile with another text; the question there was kept "
                    "(a question's text never changes under the learner's answers)",
                )
            )
        counts["questions"] = write_questions(session, w, share.questions)
    if share.notes:
        counts["notes"] = write_notes(session, w, share.notes)
    kept = [
        {
            "id": _verbatim_id(v),
            "source_id": ledger[file],
            "table_name": v.table[:200],
            "doc_id": v.doc_id[:200],
            "body": v.body,
            "reason": v.reason,
            **stamps(now),
        }
        for file, v in share.verbatim
    ]
    counts["kept_verbatim"] = insert_dicts(
        w,
        sql.LEGACY_DOCUMENTS,
        LegacyDocument.__table__,
        kept,
    )
    _record_reports(w, ledger, counts, share.problems, share.remarks)
    return counts, ledger


def _record_reports(
    w: BulkWriter,
    ledger: dict[str, str],
    counts: dict[str, int],
    problems: list[Problem],
    remarks: list[Remark],
) -> None:
    """Each ledger row gets what came of its file: the counts, the file's problems (documents
    kept aside) and remarks (said of documents that came in)."""
    cursor = w.cursor()
    try:
        for path, row_id in ledger.items():
            report = {
                "counts": counts,
                "problems": [p.as_json() for p in problems if p.file == path],
                "remarks": [r.as_json() for r in remarks if r.file == path],
            }
            cursor.execute(sql.SOURCE_REPORT.sql, (w.json(report), w.stamp(utcnow()), row_id))
    finally:
        cursor.close()


def _verbatim_id(document: Verbatim) -> str:
    body = json.dumps(document.body, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
    return derived_id("verbatim", document.table, document.doc_id, digest)
