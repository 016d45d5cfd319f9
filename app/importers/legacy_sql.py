"""The legacy import's hand-written statements: one bulk INSERT per table it writes (rows in
storage form, `ON CONFLICT DO NOTHING` on their stable ids, see `bulk_rows`) and the update
that files each source's report in the import ledger.

Plain SQL because an import writes hundreds of thousands of rows and the ORM's per-row cost
would be most of its time. Each is declared once (so `tests/db/test_plain_sql.py` EXPLAINs it
against the head schema); the columns here are the order of every row the writer builds.
"""

from __future__ import annotations

from app.db.plain_sql import statement
from app.importers.bulk_rows import bulk_insert

SYNCED = ("created_at", "updated_at", "deleted_at")

IMPORT_SOURCES = bulk_insert(
    "legacy_insert_import_sources",
    "import_sources",
    ("id", "kind", "path", "size", "sha256", "report", *SYNCED),
)
COURSES = bulk_insert(
    "legacy_insert_courses",
    "courses",
    (
        "id",
        "topic",
        "level",
        "duration",
        "objectives",
        "entered_topic",
        "master_id",
        "is_master",
        "is_sample",
        "source",
        "legacy_key",
        "extra",
        *SYNCED,
    ),
)
COURSE_MODULES = bulk_insert(
    "legacy_insert_course_modules",
    "course_modules",
    ("id", "course_id", "position", "week", "title", "summary", "created_at", "updated_at"),
)
LESSONS = bulk_insert(
    "legacy_insert_lessons",
    "lessons",
    (
        "id",
        "module_id",
        "course_id",
        "position",
        "title",
        "summary",
        "duration",
        "created_at",
        "updated_at",
    ),
)
LESSON_CONTENTS = bulk_insert(
    "legacy_insert_lesson_contents",
    "lesson_contents",
    ("id", "lesson_id", "body", "created_at", "updated_at"),
)
LESSON_EVENTS = bulk_insert(
    "legacy_insert_lesson_events",
    "lesson_events",
    (
        "id",
        "lesson_id",
        "course_id",
        "kind",
        "status",
        "score",
        "occurred_at",
        "source",
        "created_at",
        "detail",
    ),
)
PLACEMENT_CHECKS = bulk_insert(
    "legacy_insert_placement_checks",
    "placement_checks",
    (
        "id",
        "topic",
        "course_id",
        "knowledge_level",
        "score",
        "questions",
        "responses",
        "taken_at",
        "created_at",
        "updated_at",
    ),
)
LEGACY_DOCUMENTS = bulk_insert(
    "legacy_insert_legacy_documents",
    "legacy_documents",
    ("id", "source_id", "table_name", "doc_id", "body", "reason", *SYNCED),
)
TAGS = bulk_insert("legacy_insert_tags", "tags", ("id", "name", *SYNCED))
QUESTIONS = bulk_insert(
    "legacy_insert_questions",
    "questions",
    (
        "id",
        "legacy_id",
        "stem",
        "choices",
        "answer",
        "explanation",
        "subject",
        "system",
        "difficulty",
        "status",
        "is_sample",
        "source",
        "extra",
        *SYNCED,
    ),
)
QUESTION_TAGS = bulk_insert(
    "legacy_insert_question_tags",
    "question_tags",
    ("question_id", "tag_id", "updated_at", "deleted_at"),
)
NOTES = bulk_insert(
    "legacy_insert_notes",
    "notes",
    (
        "id",
        "kind",
        "title",
        "summary",
        "body",
        "bookmarked",
        "legacy_id",
        "is_sample",
        "source",
        *SYNCED,
    ),
)
NOTE_VERSIONS = bulk_insert(
    "legacy_insert_note_versions",
    "note_versions",
    ("id", "note_id", "title", "body", "parent_ids", "created_at"),
)
NOTE_TAGS = bulk_insert(
    "legacy_insert_note_tags", "note_tags", ("note_id", "tag_id", "updated_at", "deleted_at")
)
NOTE_LINKS = bulk_insert(
    "legacy_insert_note_links",
    "note_links",
    ("id", "note_id", "target_kind", "target_id", "resolved", *SYNCED),
)
# Each ledger row gets what came of its file once the counts are known.
SOURCE_REPORT = statement(
    "legacy_source_report",
    'UPDATE "import_sources" SET report = ?, updated_at = ? WHERE id = ?',
    example=("{}", "2026-01-01T00:00:00.000000Z", "s1"),
)
