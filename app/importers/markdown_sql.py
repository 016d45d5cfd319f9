"""The markdown folder import's bulk INSERTs (EXPLAINed by tests/db/test_plain_sql.py); a
note's first version and its tags go in as the MS2 import's do."""

from __future__ import annotations

from app.importers.bulk_rows import bulk_insert
from app.importers.legacy_sql import NOTE_TAGS, NOTE_VERSIONS

SYNCED = ("created_at", "updated_at", "deleted_at")
__all__ = ["IMPORT_SOURCES", "NOTEBOOKS", "NOTES", "NOTE_LINKS", "NOTE_TAGS", "NOTE_VERSIONS"]

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
