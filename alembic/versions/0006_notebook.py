"""Notebook: notebooks, pinned notes, note versions

Notebooks (folders of notes, nested by parent_id); a note's notebook and pinned flag; note
versions (append-only, each naming the versions it was made from: the version graph SYNC.md
asks of free text); a note link's source ("body" or "origin") and video moment (at_s). Every
note already in the profile (MS2 notes and articles, notes taken from lessons) gets its first
version: its current title and body, with no parent. The first version's id is a UUIDv5 of the
note's id, so two devices that migrate the same imported note make the same version.

Revision ID: 0006
Revises: 0005
Created: 2026-12-05 19:49:14.188021
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels = None
depends_on = None

# app.db.models.notes.FIRST_VERSION_NAMESPACE (a test checks they are equal).
FIRST_VERSION_NAMESPACE = uuid.UUID("5b0e7c1a-3f4d-4c8e-9a2b-7d6e5f4a3b2c")


def upgrade() -> None:
    op.create_table(
        "notebooks",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["notebooks.id"], name=op.f("fk_notebooks_parent_id_notebooks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notebooks")),
    )
    with op.batch_alter_table("notebooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notebooks_parent_id"), ["parent_id"], unique=False)

    with op.batch_alter_table("note_links", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "source", sa.String(length=10), server_default=sa.text("'origin'"), nullable=False
            )
        )
        batch_op.add_column(sa.Column("at_s", sa.Float(), nullable=True))

    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notebook_id", sa.String(length=36), nullable=True))
        batch_op.add_column(
            sa.Column("pinned", sa.Boolean(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_notes_notebook_id"), ["notebook_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_notes_notebook_id_notebooks"), "notebooks", ["notebook_id"], ["id"]
        )

    op.create_table(
        "note_versions",
        sa.Column("note_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("parent_ids", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_note_versions_note_id_notes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_versions")),
    )
    with op.batch_alter_table("note_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_note_versions_note_id_id"), ["note_id", "id"], unique=False
        )

    # Every existing note's first version: its text as it is, made when it was last changed.
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, title, body, updated_at FROM notes")).all()
    if not rows:
        return
    conn.execute(
        sa.text(
            "INSERT INTO note_versions (id, note_id, title, body, parent_ids, created_at) "
            "VALUES (:id, :note_id, :title, :body, '[]', :created_at)"
        ),
        [
            {
                "id": str(uuid.uuid5(FIRST_VERSION_NAMESPACE, note_id)),
                "note_id": note_id,
                "title": title,
                "body": body,
                "created_at": updated_at,
            }
            for note_id, title, body, updated_at in rows
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("note_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_versions_note_id_id"))
    op.drop_table("note_versions")

    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notes_notebook_id_notebooks"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_notes_notebook_id"))
        batch_op.drop_column("pinned")
        batch_op.drop_column("notebook_id")

    with op.batch_alter_table("note_links", schema=None) as batch_op:
        batch_op.drop_column("at_s")
        batch_op.drop_column("source")

    with op.batch_alter_table("notebooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notebooks_parent_id"))
    op.drop_table("notebooks")
