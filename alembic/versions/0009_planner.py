"""Planner: study plans (exam date, minutes per weekday, days off, final period, the zone they
were made in, when activated), what each covers (courses, playlists, folders, question subjects,
decks, each with a priority) and the manual ticks log. No existing table changes, so the search
triggers of 0007 are untouched.

Revision ID: 0009
Revises: 0008
Created: 2026-12-05 19:56:53.083792
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "planner_plans",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("exam_date", sa.String(length=10), nullable=False),
        sa.Column("start_date", sa.String(length=10), nullable=False),
        sa.Column("minutes", sa.JSON(), nullable=False),
        sa.Column("days_off", sa.JSON(), nullable=False),
        sa.Column("day_minutes", sa.JSON(), nullable=False),
        sa.Column("final_days", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("activated_at", sa.String(length=27), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planner_plans")),
    )
    op.create_table(
        "planner_scope",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.Column("system", sa.String(length=100), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["planner_plans.id"], name=op.f("fk_planner_scope_plan_id_planner_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planner_scope")),
    )
    with op.batch_alter_table("planner_scope", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planner_scope_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "planner_ticks",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("task_key", sa.String(length=200), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("undo", sa.Boolean(), nullable=False),
        sa.Column("ticked_at", sa.String(length=27), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["planner_plans.id"], name=op.f("fk_planner_ticks_plan_id_planner_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planner_ticks")),
    )
    with op.batch_alter_table("planner_ticks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_planner_ticks_plan_id_ticked_at"), ["plan_id", "ticked_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("planner_ticks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planner_ticks_plan_id_ticked_at"))

    op.drop_table("planner_ticks")
    with op.batch_alter_table("planner_scope", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planner_scope_plan_id"))

    op.drop_table("planner_scope")
    op.drop_table("planner_plans")
