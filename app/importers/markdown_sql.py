"""The markdown folder import's bulk INSERTs (EXPLAINed by tests/db/test_plain_sql.py)."""

from __future__ import annotations

from app.importers.bulk_rows import bulk_insert

SYNCED = ("created_at", "updated_at", "deleted_at")

NOTEBOOKS = bulk_insert(
    "markdown_insert_notebooks", "notebooks", ("id", "name", "parent_id", *SYNCED)
)
NOTES = bulk_insert(
    "markdown_insert_notes",
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
        "notebook_id",
        "pinned",
        *SYNCED,
    ),
)
NOTE_VERSIONS = bulk_insert(
    "markdown_insert_note_versions",
    "note_versions",
    ("id", "note_id", "title", "body", "parent_ids", "created_at"),
)
NOTE_TAGS = bulk_insert(
    "markdown_insert_note_tags", "note_tags", ("note_id", "tag_id", "updated_at", "deleted_at")
)
NOTE_LINKS = bulk_insert(
    "markdown_insert_note_links",
    "note_links",
    ("id", "note_id", "target_kind", "target_id", "at_s", "resolved", "source", *SYNCED),
)
IMPORT_SOURCES = bulk_insert(
    "markdown_insert_import_sources",
    "import_sources",
    ("id", "kind", "path", "size", "sha256", "report", *SYNCED),
)
