"""videos: the library keyed by content, device-local file paths, bookmarks, the watch log,
playlists with fractional ordering, video tags

Revision ID: 0005
Revises: 0004
Created: 2026-12-05 17:12:57.725242
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "playlists",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.String(length=80), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playlists")),
    )
    op.create_table(
        "videos",
        sa.Column("fingerprint", sa.String(length=100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("video_codec", sa.String(length=40), nullable=True),
        sa.Column("audio_codec", sa.String(length=40), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("has_video", sa.Boolean(), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=True),
        sa.Column("system", sa.String(length=100), nullable=True),
        sa.Column("topic", sa.String(length=300), nullable=True),
        sa.Column("course_id", sa.String(length=36), nullable=True),
        sa.Column("lesson_id", sa.String(length=36), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("last_position_s", sa.Float(), nullable=False),
        sa.Column("furthest_position_s", sa.Float(), nullable=False),
        sa.Column("completed_at", sa.String(length=27), nullable=True),
        sa.Column("last_watched_at", sa.String(length=27), nullable=True),
        sa.Column("watched_s", sa.Float(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_videos_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lessons.id"], name=op.f("fk_videos_lesson_id_lessons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos")),
    )
    with op.batch_alter_table("videos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_videos_course_id"), ["course_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_videos_deleted_at_title"), ["deleted_at", "title"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_videos_last_watched_at"), ["last_watched_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_videos_lesson_id"), ["lesson_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_videos_subject"), ["subject"], unique=False)

    op.create_table(
        "playlist_items",
        sa.Column("playlist_id", sa.String(length=36), nullable=False),
        sa.Column("video_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.String(length=80), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(
            ["playlist_id"], ["playlists.id"], name=op.f("fk_playlist_items_playlist_id_playlists")
        ),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_playlist_items_video_id_videos")
        ),
        sa.PrimaryKeyConstraint("playlist_id", "video_id", name=op.f("pk_playlist_items")),
    )
    with op.batch_alter_table("playlist_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_playlist_items_video_id"), ["video_id"], unique=False)

    op.create_table(
        "video_bookmarks",
        sa.Column("video_id", sa.String(length=36), nullable=False),
        sa.Column("at_s", sa.Float(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_video_bookmarks_video_id_videos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_bookmarks")),
    )
    with op.batch_alter_table("video_bookmarks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_video_bookmarks_video_id_at_s"), ["video_id", "at_s"], unique=False
        )

    op.create_table(
        "video_files",
        sa.Column("video_id", sa.String(length=36), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("seen_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_video_files_video_id_videos")
        ),
        sa.PrimaryKeyConstraint("video_id", name=op.f("pk_video_files")),
    )
    with op.batch_alter_table("video_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_video_files_folder"), ["folder"], unique=False)

    op.create_table(
        "video_tags",
        sa.Column("video_id", sa.String(length=36), nullable=False),
        sa.Column("tag_id", sa.String(length=36), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_video_tags_tag_id_tags")),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_video_tags_video_id_videos")
        ),
        sa.PrimaryKeyConstraint("video_id", "tag_id", name=op.f("pk_video_tags")),
    )
    with op.batch_alter_table("video_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_video_tags_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "video_watch_intervals",
        sa.Column("video_id", sa.String(length=36), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("speed", sa.Float(), nullable=False),
        sa.Column("started_at", sa.String(length=27), nullable=False),
        sa.Column("wall_s", sa.Float(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_video_watch_intervals_video_id_videos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_watch_intervals")),
    )
    with op.batch_alter_table("video_watch_intervals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_video_watch_intervals_started_at"), ["started_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_video_watch_intervals_video_id"), ["video_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("video_watch_intervals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_watch_intervals_video_id"))
        batch_op.drop_index(batch_op.f("ix_video_watch_intervals_started_at"))

    op.drop_table("video_watch_intervals")
    with op.batch_alter_table("video_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_tags_tag_id"))

    op.drop_table("video_tags")
    with op.batch_alter_table("video_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_files_folder"))

    op.drop_table("video_files")
    with op.batch_alter_table("video_bookmarks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_bookmarks_video_id_at_s"))

    op.drop_table("video_bookmarks")
    with op.batch_alter_table("playlist_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_playlist_items_video_id"))

    op.drop_table("playlist_items")
    with op.batch_alter_table("videos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_videos_subject"))
        batch_op.drop_index(batch_op.f("ix_videos_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_videos_last_watched_at"))
        batch_op.drop_index(batch_op.f("ix_videos_deleted_at_title"))
        batch_op.drop_index(batch_op.f("ix_videos_course_id"))

    op.drop_table("videos")
    op.drop_table("playlists")
