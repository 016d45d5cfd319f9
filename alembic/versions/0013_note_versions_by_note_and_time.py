"""Note versions indexed by note and time

A note's head is its newest version (created_at, id): the index (note_id, created_at, id) finds
it in one seek, where (note_id, id) read and sorted every version of the note on each save (an
hour of autosaves is thousands). It also gives the history its order.

Revision ID: 0013
Revises: 0012
Created: 2026-12-05 20:49:14.318704
"""

from __future__ import annotations

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_note_versions_note_id_id", table_name="note_versions")
    op.create_index(
        "ix_note_versions_note_id_created_at_id", "note_versions", ["note_id", "created_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_note_versions_note_id_created_at_id", table_name="note_versions")
    op.create_index("ix_note_versions_note_id_id", "note_versions", ["note_id", "id"])
