"""Videos: the learner's own video and audio files, bookmarks at a moment, the watch log, playlists.

A video's id is a UUIDv5 of its content fingerprint (the file's size and a hash of its first and
last MiB), so the same lecture added on two devices, or renamed on one, is one row. Where the
file sits on this disk is device-local (`video_files`) and never synced.

What was watched is an append-only log (`video_watch_intervals`); the watched seconds cached on
the video (`watched_s`) are the union of its intervals, rebuilt from the log after a merge. The
last position merges last-writer-wins, the furthest position by max, the first completion by min.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, LogRow, SyncedRow
from app.db.types import utcnow

VIDEO_NAMESPACE = uuid.UUID("5b7f3c1e-2d4a-4f6b-9c8e-7a1d2e3f4b5c")


def video_id_for(fingerprint: str) -> str:
    """The id every device gives the video with this content fingerprint."""
    return str(uuid.uuid5(VIDEO_NAMESPACE, fingerprint))


class Video(SyncedRow, Base):
    __tablename__ = "videos"
    __table_args__ = (
        Index(None, "deleted_at", "title"),
        Index(None, "last_watched_at"),
        Index(None, "course_id"),
        Index(None, "lesson_id"),
        Index(None, "subject"),
    )

    fingerprint: Mapped[str] = mapped_column(String(100))  # "<size>:<sha256 of first+last MiB>"
    title: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(Text, default="")  # as first added; helps relinking
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    video_codec: Mapped[str | None] = mapped_column(String(40))
    audio_codec: Mapped[str | None] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    has_video: Mapped[bool] = mapped_column(Boolean, default=True)  # False: an audio lecture
    # The question bank's categories, and the course or lesson it belongs with.
    subject: Mapped[str | None] = mapped_column(String(100))
    system: Mapped[str | None] = mapped_column(String(100))
    topic: Mapped[str | None] = mapped_column(String(300))
    course_id: Mapped[str | None] = mapped_column(ForeignKey("courses.id"))
    lesson_id: Mapped[str | None] = mapped_column(ForeignKey("lessons.id"))
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    # Watch progress: last position last-writer-wins, furthest max, first completion min.
    last_position_s: Mapped[float] = mapped_column(Float, default=0.0)
    furthest_position_s: Mapped[float] = mapped_column(Float, default=0.0)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_watched_at: Mapped[datetime | None] = mapped_column(default=None)
    # Cache: seconds of the video covered by the union of its logged intervals.
    watched_s: Mapped[float] = mapped_column(Float, default=0.0)


class VideoFile(Base):
    """Where this device has the video's file: device-local, never synced."""

    __tablename__ = "video_files"
    __table_args__ = (Index(None, "folder"),)

    video_id: Mapped[str] = mapped_column(ForeignKey("videos.id"), primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    folder: Mapped[str] = mapped_column(Text)  # the path's folder: relinking looks there
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VideoBookmark(SyncedRow, Base):
    """A moment in a video with a label and an optional markdown note."""

    __tablename__ = "video_bookmarks"
    __table_args__ = (Index(None, "video_id", "at_s"),)

    video_id: Mapped[str] = mapped_column(ForeignKey("videos.id"))
    at_s: Mapped[float] = mapped_column(Float)
    label: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)


class VideoWatchInterval(LogRow, Base):
    """Append-only: the learner watched media time `start_s`..`end_s` at `speed`, starting at
    wall-clock `started_at` for `wall_s` seconds. Never updated or deleted."""

    __tablename__ = "video_watch_intervals"
    __table_args__ = (Index(None, "video_id"), Index(None, "started_at"))

    video_id: Mapped[str] = mapped_column(ForeignKey("videos.id"))
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    speed: Mapped[float] = mapped_column(Float, default=1.0)
    started_at: Mapped[datetime]
    wall_s: Mapped[float] = mapped_column(Float)


class Playlist(SyncedRow, Base):
    __tablename__ = "playlists"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[str] = mapped_column(String(80))  # a fractional index among playlists
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)


class PlaylistItem(Base):
    """Set membership with an order: one row per (playlist, video); `position` is a fractional
    index string; removing sets deleted_at."""

    __tablename__ = "playlist_items"

    playlist_id: Mapped[str] = mapped_column(ForeignKey("playlists.id"), primary_key=True)
    video_id: Mapped[str] = mapped_column(ForeignKey("videos.id"), primary_key=True, index=True)
    position: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class VideoTag(Base):
    """Set membership: one row per (video, tag); removing a tag sets deleted_at."""

    __tablename__ = "video_tags"

    video_id: Mapped[str] = mapped_column(ForeignKey("videos.id"), primary_key=True)
    tag_id: Mapped[str] = mapped_column(ForeignKey("tags.id"), primary_key=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
