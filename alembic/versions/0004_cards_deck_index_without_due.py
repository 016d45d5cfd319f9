"""cards deck index without due

The index on (deck_id, due) becomes one on (deck_id): nothing reads it in `due` order, and an
answer changes `due`, so keeping it cost about three more pages written per review answer.

Revision ID: 0004
Revises: 0003
Created: 2026-11-22 02:29:42.469926
"""

from __future__ import annotations

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_cards_deck_id_due", table_name="cards")
    op.create_index("ix_cards_deck_id", "cards", ["deck_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cards_deck_id", table_name="cards")
    op.create_index("ix_cards_deck_id_due", "cards", ["deck_id", "due"], unique=False)
