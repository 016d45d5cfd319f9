"""Assessments: saved blueprints, blocks (questions and choice orders drawn once), the block
event log (select, strike, flag, highlight, move, start, suspend, submit, each written as it
happens, with the block's monotonic elapsed time), scored attempts (ids derived from block and
question) and the per-question usage cache rebuilt from them. No existing table changes, so the
search triggers of 0007 are untouched.

Revision ID: 0008
Revises: 0007
Created: 2026-12-05 19:54:50.485460
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_blueprints",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("systems", sa.JSON(), nullable=False),
        sa.Column("difficulties", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("pool", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("seconds_per_question", sa.Integer(), nullable=True),
        sa.Column("block_seconds", sa.Integer(), nullable=True),
        sa.Column("shuffle_choices", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_blueprints")),
    )
    op.create_table(
        "question_blocks",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("blueprint_id", sa.String(length=36), nullable=True),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("choice_orders", sa.JSON(), nullable=False),
        sa.Column("limit_ms", sa.Integer(), nullable=True),
        sa.Column("shuffle_choices", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(
            ["blueprint_id"],
            ["question_blueprints.id"],
            name=op.f("fk_question_blocks_blueprint_id_question_blueprints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_blocks")),
    )
    with op.batch_alter_table("question_blocks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_blocks_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "question_usage",
        sa.Column("question_id", sa.String(length=36), nullable=False),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("time_ms", sa.Integer(), nullable=False),
        sa.Column("last_result", sa.String(length=10), nullable=True),
        sa.Column("last_flagged", sa.Boolean(), nullable=False),
        sa.Column("last_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_question_usage_question_id_questions")
        ),
        sa.PrimaryKeyConstraint("question_id", name=op.f("pk_question_usage")),
    )
    with op.batch_alter_table("question_usage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_usage_last_result"), ["last_result"], unique=False
        )

    op.create_table(
        "question_attempts",
        sa.Column("question_id", sa.String(length=36), nullable=False),
        sa.Column("block_id", sa.String(length=36), nullable=True),
        sa.Column("chosen", sa.String(length=10), nullable=True),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("time_ms", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.String(length=27), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["block_id"],
            ["question_blocks.id"],
            name=op.f("fk_question_attempts_block_id_question_blocks"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_attempts_question_id_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_attempts")),
    )
    with op.batch_alter_table("question_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_attempts_answered_at"), ["answered_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_question_attempts_block_id"), ["block_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_question_attempts_question_id_answered_at"),
            ["question_id", "answered_at"],
            unique=False,
        )

    op.create_table(
        "question_block_events",
        sa.Column("block_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.String(length=36), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("elapsed_ms", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.String(length=27), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["block_id"],
            ["question_blocks.id"],
            name=op.f("fk_question_block_events_block_id_question_blocks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_block_events")),
    )
    with op.batch_alter_table("question_block_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_block_events_block_id_id"), ["block_id", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_question_block_events_occurred_at"), ["occurred_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("question_block_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_block_events_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_question_block_events_block_id_id"))

    op.drop_table("question_block_events")
    with op.batch_alter_table("question_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_attempts_question_id_answered_at"))
        batch_op.drop_index(batch_op.f("ix_question_attempts_block_id"))
        batch_op.drop_index(batch_op.f("ix_question_attempts_answered_at"))

    op.drop_table("question_attempts")
    with op.batch_alter_table("question_usage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_usage_last_result"))

    op.drop_table("question_usage")
    with op.batch_alter_table("question_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_blocks_created_at"))

    op.drop_table("question_blocks")
    op.drop_table("question_blueprints")
