"""Note versions stored compactly; the note list read from an index

`note_versions` gets `data` (the text compressed, or its changes from `base_id`, compressed),
`base_id` and `size` (characters), and `body` may be NULL (a version stored in `data`). Rows
already there keep their text in `body` and are read as before (`app.core.notes.version_store`).

`ix_notes_list` (live notes: kind, pinned, updated_at, id, title, notebook_id) gives the note
list its pages in order without reading the notes' texts. Made with `op.create_index`, not in
batch mode: recreating `notes` would drop the search triggers of revision 0007.

Revision ID: 0012
Revises: 0011
Created: 2026-12-05 20:35:56.041587
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels = None
depends_on = None

_LIST_COLUMNS = ["kind", "pinned", "updated_at", "id", "title", "notebook_id"]


def upgrade() -> None:
    with op.batch_alter_table("note_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("base_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("size", sa.Integer(), nullable=True))
        batch_op.alter_column("body", existing_type=sa.TEXT(), nullable=True)
    op.create_index(
        "ix_notes_list", "notes", _LIST_COLUMNS, sqlite_where=sa.text("deleted_at IS NULL")
    )


def downgrade() -> None:
    op.drop_index("ix_notes_list", table_name="notes")
    with op.batch_alter_table("note_versions", schema=None) as batch_op:
        batch_op.alter_column("body", existing_type=sa.TEXT(), nullable=False)
        batch_op.drop_column("size")
        batch_op.drop_column("base_id")
        batch_op.drop_column("data")
