"""profile settings, import ledger and legacy documents

Revision ID: 0001
Revises: (none)
Created: 2026-11-21 22:28:42.910000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Marks the file as a Study Desk profile for tools that look (PRAGMA application_id).
    op.execute("PRAGMA application_id = 1396986699")

    op.create_table(
        "import_sources",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_sources")),
    )
    with op.batch_alter_table("import_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_sources_sha256"), ["sha256"], unique=False)

    op.create_table(
        "profile_settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_profile_settings")),
    )
    op.create_table(
        "legacy_documents",
        sa.Column("source_id", sa.String(length=36), nullable=False),
        sa.Column("table_name", sa.String(length=200), nullable=False),
        sa.Column("doc_id", sa.String(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["import_sources.id"],
            name=op.f("fk_legacy_documents_source_id_import_sources"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legacy_documents")),
    )
    with op.batch_alter_table("legacy_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_legacy_documents_table_name_doc_id"),
            ["table_name", "doc_id"],
            unique=False,
        )


def downgrade() -> None:

    with op.batch_alter_table("legacy_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legacy_documents_table_name_doc_id"))

    op.drop_table("legacy_documents")
    op.drop_table("profile_settings")
    with op.batch_alter_table("import_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_sources_sha256"))

    op.drop_table("import_sources")
