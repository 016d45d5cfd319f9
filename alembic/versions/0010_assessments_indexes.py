"""Assessments indexes: the bank's filters and order read one covering index of questions
(subject, system, difficulty, MS2 status, deleted_at, legacy id, id) instead of the rows with
their long stems; the weeks of the analytics read attempts' (answered_at, result, time_ms).
The per-question usage cache gains the question's subject and system (copied, rebuilt with
it) and an index over them with the counts, so analytics by area read that index alone.
No table is recreated, so the search triggers of 0007 stay.

Revision ID: 0010
Revises: 0009
Created: 2026-12-05 20:14:18.338866
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels = None
depends_on = None

_BANK = "ix_questions_subject_system_difficulty_status_deleted_at_legacy_id_id"
_AREAS = "ix_question_usage_subject_system_seen_correct_time_ms"
_AREAS_COLUMNS = ["subject", "system", "seen", "correct", "time_ms"]
_BANK_COLUMNS = ["subject", "system", "difficulty", "status", "deleted_at", "legacy_id", "id"]


def upgrade() -> None:
    op.drop_index("ix_question_attempts_answered_at", table_name="question_attempts")
    op.create_index(
        "ix_question_attempts_answered_at_result_time_ms",
        "question_attempts",
        ["answered_at", "result", "time_ms"],
    )
    op.drop_index("ix_questions_subject_system", table_name="questions")
    op.create_index(_BANK, "questions", _BANK_COLUMNS)
    op.add_column("question_usage", sa.Column("subject", sa.String(length=100), nullable=True))
    op.add_column("question_usage", sa.Column("system", sa.String(length=100), nullable=True))
    op.execute(
        "UPDATE question_usage SET (subject, system) = "
        "(SELECT q.subject, q.system FROM questions q WHERE q.id = question_usage.question_id)"
    )
    op.create_index(_AREAS, "question_usage", _AREAS_COLUMNS)


def downgrade() -> None:
    op.drop_index(_AREAS, table_name="question_usage")
    with op.batch_alter_table("question_usage") as batch:
        batch.drop_column("system")
        batch.drop_column("subject")
    op.drop_index(_BANK, table_name="questions")
    op.create_index("ix_questions_subject_system", "questions", ["subject", "system"])
    op.drop_index("ix_question_attempts_answered_at_result_time_ms", table_name="question_attempts")
    op.create_index("ix_question_attempts_answered_at", "question_attempts", ["answered_at"])
