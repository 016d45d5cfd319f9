"""flashcards: decks, cards, card tags, the review log and its undos, scheduler configs, search

Revision ID: 0003
Revises: 0002
Created: 2026-11-21 22:58:57.968545
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None

# What the review queue does with a card: -3 deleted, -1 suspended, 0 new, 1 learning, 2 review.
QUEUE_SQL = (
    "CASE WHEN deleted_at IS NOT NULL THEN -3 WHEN suspended THEN -1 "
    "WHEN state = 0 THEN 0 WHEN state IN (1, 3) THEN 1 ELSE 2 END"
)

# Full-text search over card text: an FTS5 index with external content (the cards' rowid), kept
# in step by triggers. Only front and back changes touch it (not every answer's schedule update).
# A later revision that recreates `cards` drops these triggers with it: it must make them again
# and end with the 'rebuild' below.
SEARCH_DDL = (
    "CREATE VIRTUAL TABLE cards_fts USING fts5(front, back, content='cards', "
    "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER cards_fts_insert AFTER INSERT ON cards BEGIN "
    "INSERT INTO cards_fts(rowid, front, back) VALUES (new.rowid, new.front, new.back); END",
    "CREATE TRIGGER cards_fts_delete AFTER DELETE ON cards BEGIN "
    "INSERT INTO cards_fts(cards_fts, rowid, front, back) "
    "VALUES ('delete', old.rowid, old.front, old.back); END",
    "CREATE TRIGGER cards_fts_update AFTER UPDATE OF front, back ON cards BEGIN "
    "INSERT INTO cards_fts(cards_fts, rowid, front, back) "
    "VALUES ('delete', old.rowid, old.front, old.back); "
    "INSERT INTO cards_fts(rowid, front, back) VALUES (new.rowid, new.front, new.back); END",
    "INSERT INTO cards_fts(cards_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    op.create_table(
        "decks",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("scheduler", sa.String(length=10), nullable=False),
        sa.Column("desired_retention", sa.Float(), nullable=False),
        sa.Column("learning_steps", sa.JSON(), nullable=False),
        sa.Column("relearning_steps", sa.JSON(), nullable=False),
        sa.Column("new_per_day", sa.Integer(), nullable=False),
        sa.Column("reviews_per_day", sa.Integer(), nullable=False),
        sa.Column("maximum_interval", sa.Integer(), nullable=False),
        sa.Column("fsrs_parameters", sa.JSON(), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["decks.id"], name=op.f("fk_decks_parent_id_decks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decks")),
    )
    with op.batch_alter_table("decks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decks_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "scheduler_configs",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_configs")),
    )
    op.create_table(
        "cards",
        sa.Column("deck_id", sa.String(length=36), nullable=False),
        sa.Column("front", sa.Text(), nullable=False),
        sa.Column("back", sa.Text(), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=True),
        sa.Column("source_id", sa.String(length=200), nullable=True),
        sa.Column("source_anchor", sa.String(length=200), nullable=True),
        sa.Column("flag", sa.SmallInteger(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("buried_until", sa.String(length=27), nullable=True),
        sa.Column("scheduler", sa.String(length=10), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("state", sa.SmallInteger(), nullable=False),
        sa.Column("step", sa.SmallInteger(), nullable=True),
        sa.Column("due", sa.String(length=27), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("ease", sa.Float(), nullable=True),
        sa.Column("interval_days", sa.Integer(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.Column("last_review", sa.String(length=27), nullable=True),
        sa.Column(
            "queue",
            sa.SmallInteger(),
            sa.Computed(
                QUEUE_SQL,
                persisted=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "sort_text",
            sa.String(length=60),
            sa.Computed("lower(substr(front, 1, 60))", persisted=False),
            nullable=False,
        ),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(["deck_id"], ["decks.id"], name=op.f("fk_cards_deck_id_decks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
    )
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cards_buried_until"), ["buried_until"], unique=False)
        batch_op.create_index(batch_op.f("ix_cards_deck_id_due"), ["deck_id", "due"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cards_deleted_at_id"), ["deleted_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cards_external_id"), ["external_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cards_queue_deck_id_due_id"),
            ["queue", "deck_id", "due", "id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_cards_queue_due_deck_id_interval_days"),
            ["queue", "due", "deck_id", "interval_days"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_cards_sort_text"), ["sort_text"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cards_source_kind_source_id"), ["source_kind", "source_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cards_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "card_reviews",
        sa.Column("card_id", sa.String(length=36), nullable=False),
        sa.Column("deck_id", sa.String(length=36), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("reviewed_at", sa.String(length=27), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("scheduler", sa.String(length=10), nullable=False),
        sa.Column("config_id", sa.String(length=36), nullable=False),
        sa.Column("state_before", sa.SmallInteger(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_card_reviews_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["deck_id"], ["decks.id"], name=op.f("fk_card_reviews_deck_id_decks")
        ),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["scheduler_configs.id"],
            name=op.f("fk_card_reviews_config_id_scheduler_configs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_reviews")),
    )
    with op.batch_alter_table("card_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_card_reviews_card_id_reviewed_at"),
            ["card_id", "reviewed_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_card_reviews_reviewed_at_state_before_deck_id_rating_duration_ms"),
            ["reviewed_at", "state_before", "deck_id", "rating", "duration_ms"],
            unique=False,
        )

    op.create_table(
        "card_tags",
        sa.Column("card_id", sa.String(length=36), nullable=False),
        sa.Column("tag_id", sa.String(length=36), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name=op.f("fk_card_tags_card_id_cards")),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_card_tags_tag_id_tags")),
        sa.PrimaryKeyConstraint("card_id", "tag_id", name=op.f("pk_card_tags")),
    )
    with op.batch_alter_table("card_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_tags_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "card_review_undos",
        sa.Column("review_id", sa.String(length=36), nullable=False),
        sa.Column("card_id", sa.String(length=36), nullable=False),
        sa.Column("undone_at", sa.String(length=27), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_card_review_undos_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["card_reviews.id"],
            name=op.f("fk_card_review_undos_review_id_card_reviews"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_review_undos")),
    )
    with op.batch_alter_table("card_review_undos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_review_undos_card_id"), ["card_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_card_review_undos_review_id"), ["review_id"], unique=False
        )

    for statement in SEARCH_DDL:
        op.execute(statement)


def downgrade() -> None:
    for name in ("cards_fts_insert", "cards_fts_delete", "cards_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS cards_fts")
    with op.batch_alter_table("card_review_undos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_review_undos_review_id"))
        batch_op.drop_index(batch_op.f("ix_card_review_undos_card_id"))

    op.drop_table("card_review_undos")
    with op.batch_alter_table("card_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_tags_tag_id"))

    op.drop_table("card_tags")
    with op.batch_alter_table("card_reviews", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_card_reviews_reviewed_at_state_before_deck_id_rating_duration_ms")
        )
        batch_op.drop_index(batch_op.f("ix_card_reviews_card_id_reviewed_at"))

    op.drop_table("card_reviews")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cards_updated_at"))
        batch_op.drop_index(batch_op.f("ix_cards_source_kind_source_id"))
        batch_op.drop_index(batch_op.f("ix_cards_sort_text"))
        batch_op.drop_index(batch_op.f("ix_cards_queue_due_deck_id_interval_days"))
        batch_op.drop_index(batch_op.f("ix_cards_queue_deck_id_due_id"))
        batch_op.drop_index(batch_op.f("ix_cards_external_id"))
        batch_op.drop_index(batch_op.f("ix_cards_deleted_at_id"))
        batch_op.drop_index(batch_op.f("ix_cards_deck_id_due"))
        batch_op.drop_index(batch_op.f("ix_cards_buried_until"))

    op.drop_table("cards")
    op.drop_table("scheduler_configs")
    with op.batch_alter_table("decks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decks_parent_id"))

    op.drop_table("decks")
