"""Bookmarks: a moment in a video with a label and an optional markdown note.

Each action owns one write transaction and returns a `BookmarkChanged` carrying the bookmark as
it was before (None for a new one), which is what an undo writes back with `restore_bookmark`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.db.database import ProfileDatabase
from app.db.models.videos import Video, VideoBookmark
from app.db.types import utcnow
from app.errors import UserError

MAX_LABEL = 300
# A bookmark may sit a little past the last frame the player shows (rounding of the duration).
END_SLACK_S = 0.5


@dataclass(frozen=True)
class Bookmark:
    id: str
    video_id: str
    at_s: float
    label: str
    note: str


@dataclass(frozen=True)
class BookmarkChanged:
    bookmark: Bookmark  # as it is now (as it was, for a delete)
    before: Bookmark | None  # what an undo writes back; None: it was new
    changes: Change = Change.BOOKMARKS


def clock(seconds: float) -> str:
    """1:05 or 1:02:03 (whole seconds)."""
    whole = int(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def parse_clock(text: str) -> float:
    """Seconds from "83", "1:23", "1:02:03" or "1:23.5". Raises UserError for anything else."""
    parts = text.strip().split(":")
    try:
        if not 1 <= len(parts) <= 3 or any(p.strip() == "" for p in parts):
            raise ValueError
        numbers = [float(p) for p in parts]
    except ValueError:
        raise UserError(f"{text!r} is not a time: write seconds, m:ss or h:mm:ss.") from None
    if any(n < 0 for n in numbers) or any(n >= 60 for n in numbers[1:]):
        raise UserError(f"{text!r} is not a time: write seconds, m:ss or h:mm:ss.")
    total = 0.0
    for number in numbers:
        total = total * 60 + number
    return total


def _as_bookmark(row: VideoBookmark) -> Bookmark:
    return Bookmark(row.id, row.video_id, row.at_s, row.label, row.note)


def bookmarks_in(session: Session, video_id: str) -> tuple[Bookmark, ...]:
    rows = session.scalars(
        select(VideoBookmark)
        .where(VideoBookmark.video_id == video_id, VideoBookmark.deleted_at.is_(None))
        .order_by(VideoBookmark.at_s, VideoBookmark.id)
    )
    return tuple(_as_bookmark(row) for row in rows)


def bookmarks_of(database: ProfileDatabase, video_id: str) -> tuple[Bookmark, ...]:
    with database.read_session() as session:
        return bookmarks_in(session, video_id)


def _checked(session: Session, video_id: str, at_s: float, label: str) -> tuple[float, str]:
    video = session.get(Video, video_id)
    if video is None or video.deleted_at is not None:
        raise UserError("That video is no longer in the library.")
    if at_s < 0:
        raise UserError("A bookmark's time cannot be before the start of the video.")
    if video.duration_s > 0 and at_s > video.duration_s + END_SLACK_S:
        raise UserError(
            f"{clock(at_s)} is past the end of “{video.title}” ({clock(video.duration_s)} long)."
        )
    if video.duration_s > 0:
        at_s = min(at_s, video.duration_s)
    label = " ".join(label.split())
    if len(label) > MAX_LABEL:
        raise UserError(f"A bookmark's label may be at most {MAX_LABEL} characters.")
    return at_s, label or f"Bookmark at {clock(at_s)}"


def add_bookmark(
    database: ProfileDatabase,
    video_id: str,
    at_s: float,
    label: str = "",
    note: str = "",
    *,
    is_sample: bool = False,
    now: datetime | None = None,
) -> BookmarkChanged:
    """A new bookmark (an empty label becomes "Bookmark at m:ss"). Raises UserError, writing
    nothing, for a time before 0 or past the end, or a video that is gone."""
    now = now or utcnow()
    with database.write_session() as session:
        at_s, label = _checked(session, video_id, at_s, label)
        row = VideoBookmark(
            video_id=video_id, at_s=at_s, label=label, note=note.strip(), is_sample=is_sample,
            created_at=now, updated_at=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return BookmarkChanged(_as_bookmark(row), None)


def _live(session: Session, bookmark_id: str) -> VideoBookmark:
    row = session.get(VideoBookmark, bookmark_id)
    if row is None or row.deleted_at is not None:
        raise UserError("That bookmark no longer exists.")
    return row


def edit_bookmark(
    database: ProfileDatabase,
    bookmark_id: str,
    *,
    at_s: float | None = None,
    label: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> BookmarkChanged:
    """Change a bookmark's time, label or note (None: unchanged). Raises UserError as
    `add_bookmark` does, or for a bookmark that is gone."""
    with database.write_session() as session:
        row = _live(session, bookmark_id)
        before = _as_bookmark(row)
        new_at, new_label = _checked(
            session, row.video_id, row.at_s if at_s is None else at_s,
            row.label if label is None else label,
        )  # fmt: skip
        row.at_s, row.label = new_at, new_label
        if note is not None:
            row.note = note.strip()
        row.updated_at = now or utcnow()
        return BookmarkChanged(_as_bookmark(row), before)


def delete_bookmark(
    database: ProfileDatabase, bookmark_id: str, now: datetime | None = None
) -> BookmarkChanged:
    """Soft-delete a bookmark (undo: `restore_bookmark(result.before)`)."""
    now = now or utcnow()
    with database.write_session() as session:
        row = _live(session, bookmark_id)
        row.deleted_at = now
        row.updated_at = now
        return BookmarkChanged(_as_bookmark(row), _as_bookmark(row))


def restore_bookmark(
    database: ProfileDatabase, bookmark: Bookmark, now: datetime | None = None
) -> BookmarkChanged:
    """Undo: put a bookmark back as `bookmark` holds it (undeleting it if it was deleted)."""
    now = now or utcnow()
    with database.write_session() as session:
        row = session.get(VideoBookmark, bookmark.id)
        if row is None:
            raise UserError("That bookmark no longer exists.")
        before = _as_bookmark(row)
        row.at_s, row.label, row.note = bookmark.at_s, bookmark.label, bookmark.note
        row.deleted_at = None
        row.updated_at = now
        return BookmarkChanged(_as_bookmark(row), before)
