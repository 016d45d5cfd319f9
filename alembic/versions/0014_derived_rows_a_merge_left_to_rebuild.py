"""Derived rows a merge left to rebuild

A sync that brings many batches (a new computer's first sync) rebuilds each derived row (a
card's schedule) once, after the last batch, instead of once per batch. The rows still to
rebuild are kept here, in the transactions that merged their sources, so a sync stopped
between the merge and the rebuild finishes it at the next one.

Revision ID: 0014
Revises: 0013
Created: 2026-12-06 01:57:16.407905
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_rebuilds",
        sa.Column("tbl", sa.String(length=100), nullable=False),
        sa.Column("row_key", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("tbl", "row_key", name=op.f("pk_sync_rebuilds")),
    )


def downgrade() -> None:
    op.drop_table("sync_rebuilds")
