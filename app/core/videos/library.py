"""Reading the video library: the filtered, sorted list, one video in full, Continue watching.

Each read opens its own read session. Whether a file is missing is asked of the disk for every
listed video (a stat each: a library of thousands lists in milliseconds on a local disk).
"""

from __future__ import annotations

import enum
import os
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.videos import library_sql
from app.core.videos.bookmarks import Bookmark, bookmarks_in
from app.core.videos.intervals import watched_fraction
from app.core.videos.watching import watched_ranges_in
from app.db.database import ProfileDatabase
from app.db.models.videos import (
    Playlist,
    PlaylistItem,
    Video,
)
from app.db.types import from_db_time
from app.errors import UserError


class WatchFilter(enum.Enum):
    UNWATCHED = "unwatched"
    IN_PROGRESS = "in progress"
    COMPLETED = "completed"
    MISSING = "missing file"


class SortKey(enum.Enum):
    TITLE = "title"
    ADDED = "added"
    LAST_WATCHED = "last watched"
    DURATION = "duration"
    PROGRESS = "progress"


@dataclass(frozen=True)
class VideoRow:
    id: str
    title: str
    duration_s: float
    has_video: bool
    width: int | None
    height: int | None
    video_codec: str | None
    audio_codec: str | None
    size_bytes: int
    subject: str | None
    system: str | None
    topic: str | None
    course_id: str | None
    lesson_id: str | None
    path: str | None
    missing: bool
    watched_s: float
    completed: bool
    last_position_s: float
    last_watched_at: datetime | None
    added_at: datetime
    bookmarks: int
    tags: tuple[str, ...]
    is_sample: bool
    course_title: str | None = None  # the linked course, if it still exists
    lesson_title: str | None = None

    @property
    def link_text(self) -> str | None:
        """The link as the library shows it ("Course › Lesson", or "Course"); None if none."""
        if self.course_title is None:
            return None
        if self.lesson_title is None:
            return self.course_title
        return f"{self.course_title} › {self.lesson_title}"

    @property
    def watched_fraction(self) -> float:
        return watched_fraction(self.watched_s, self.duration_s)

    @property
    def state(self) -> WatchFilter:
        if self.completed:
            return WatchFilter.COMPLETED
        if self.watched_s > 0 or self.last_position_s > 0:
            return WatchFilter.IN_PROGRESS
        return WatchFilter.UNWATCHED

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "path": self.path,
            "duration_s": round(self.duration_s, 3),
            "watched_fraction": round(self.watched_fraction, 4),
            "completed": self.completed,
            "bookmarks": self.bookmarks,
            "missing": self.missing,
        }


@dataclass(frozen=True)
class LibraryQuery:
    search: str = ""
    subject: str | None = None
    tag: str | None = None
    playlist_id: str | None = None
    state: WatchFilter | None = None
    sort: SortKey = SortKey.TITLE
    descending: bool = False


@dataclass(frozen=True)
class PlaylistEntry:
    id: str
    name: str
    count: int


@dataclass(frozen=True)
class Library:
    rows: tuple[VideoRow, ...]
    total: int  # live videos in the library, before filters
    subjects: tuple[str, ...]
    tags: tuple[str, ...]
    playlists: tuple[PlaylistEntry, ...]


def _tags_by_video(session: Session) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for row in library_sql.rows(session, library_sql.TAGS):
        found[row["video_id"]].append(row["name"])
    return found


def _time(text: str | None) -> datetime | None:
    return None if text is None else from_db_time(text)


def _rows(session: Session, *, video_ids: list[str] | None = None) -> list[VideoRow]:
    if video_ids is None:
        found = library_sql.rows(session, library_sql.LIBRARY)
    else:
        found = library_sql.rows(session, library_sql.SOME_VIDEOS, video_ids)
    tags = _tags_by_video(session)
    isfile = os.path.isfile
    rows = []
    for r in found:
        path = r["path"]
        added = _time(r["created_at"])
        assert added is not None
        rows.append(
            VideoRow(
                id=r["id"],
                title=r["title"],
                duration_s=r["duration_s"],
                has_video=bool(r["has_video"]),
                width=r["width"],
                height=r["height"],
                video_codec=r["video_codec"],
                audio_codec=r["audio_codec"],
                size_bytes=r["size_bytes"],
                subject=r["subject"],
                system=r["system"],
                topic=r["topic"],
                course_id=r["course_id"],
                lesson_id=r["lesson_id"],
                path=path,
                missing=path is None or not isfile(path),
                watched_s=r["watched_s"],
                completed=r["completed_at"] is not None,
                last_position_s=r["last_position_s"],
                last_watched_at=_time(r["last_watched_at"]),
                added_at=added,
                bookmarks=r["bookmarks"],
                tags=tuple(tags.get(r["id"], ())),
                is_sample=bool(r["is_sample"]),
                course_title=r["course_title"],
                lesson_title=r["lesson_title"] if r["course_title"] is not None else None,
            )
        )
    return rows


def _sample_paths(rows: list[VideoRow]) -> list[VideoRow]:
    """Sample videos play from this installation's copy wherever the app was installed."""
    from app.core.videos.files import sample_file

    fixed = []
    for row in rows:
        if row.is_sample and row.missing:
            found = sample_file(os.path.basename(row.path or ""))
            if found is not None:
                row = replace(row, path=str(found), missing=False)
        fixed.append(row)
    return fixed


def _matches(row: VideoRow, words: list[str]) -> bool:
    parts = (row.title, row.subject, row.system, row.topic, *row.tags, row.link_text)
    text = " ".join(part for part in parts if part).casefold()
    return all(word in text for word in words)


def _sort_key(sort: SortKey):  # type: ignore[no-untyped-def]
    if sort is SortKey.ADDED:
        return lambda r: r.added_at
    if sort is SortKey.LAST_WATCHED:
        return lambda r: (r.last_watched_at is not None, r.last_watched_at or r.added_at)
    if sort is SortKey.DURATION:
        return lambda r: r.duration_s
    if sort is SortKey.PROGRESS:
        return lambda r: r.watched_fraction
    return lambda r: r.title.casefold()


def _playlist_order(session: Session, playlist_id: str) -> dict[str, tuple[str, str]]:
    rows = session.execute(
        select(PlaylistItem.video_id, PlaylistItem.position).where(
            PlaylistItem.playlist_id == playlist_id, PlaylistItem.deleted_at.is_(None)
        )
    )
    return {video_id: (position, video_id) for video_id, position in rows}


def library(database: ProfileDatabase, query: LibraryQuery | None = None) -> Library:
    """The live videos matching `query`, sorted (a playlist's own order when filtered by one
    and sorted by title), with what the filters offer."""
    query = query or LibraryQuery()
    with database.read_session() as session:
        rows = _sample_paths(_rows(session))
        order = _playlist_order(session, query.playlist_id) if query.playlist_id else None
        playlists = playlist_entries(session)
    total = len(rows)
    subjects = sorted({r.subject for r in rows if r.subject}, key=str.casefold)
    tags = sorted({t for r in rows for t in r.tags}, key=str.casefold)
    words = query.search.casefold().split()
    if words:
        rows = [r for r in rows if _matches(r, words)]
    if query.subject:
        rows = [r for r in rows if r.subject == query.subject]
    if query.tag:
        wanted = query.tag.casefold()
        rows = [r for r in rows if any(t.casefold() == wanted for t in r.tags)]
    if order is not None:
        rows = [r for r in rows if r.id in order]
    if query.state is WatchFilter.MISSING:
        rows = [r for r in rows if r.missing]
    elif query.state is not None:
        rows = [r for r in rows if r.state is query.state]
    if order is not None and query.sort is SortKey.TITLE:
        rows.sort(key=lambda r: order[r.id], reverse=query.descending)
    else:
        rows.sort(key=_sort_key(query.sort), reverse=query.descending)
    return Library(tuple(rows), total, tuple(subjects), tuple(tags), playlists)


def playlist_entries(session: Session) -> tuple[PlaylistEntry, ...]:
    counts = (
        select(PlaylistItem.playlist_id, func.count().label("n"))
        .join(Video, Video.id == PlaylistItem.video_id)
        .where(PlaylistItem.deleted_at.is_(None), Video.deleted_at.is_(None))
        .group_by(PlaylistItem.playlist_id)
        .subquery()
    )
    rows = session.execute(
        select(Playlist.id, Playlist.name, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.playlist_id == Playlist.id)
        .where(Playlist.deleted_at.is_(None))
        .order_by(Playlist.position, Playlist.id)
    )
    return tuple(PlaylistEntry(pid, name, int(n)) for pid, name, n in rows)


@dataclass(frozen=True)
class VideoDetail:
    """What the player shows of one video beside the picture."""

    row: VideoRow
    bookmarks: tuple[Bookmark, ...]
    watched: tuple[tuple[float, float], ...]  # the union of watched intervals, sorted
    course_title: str | None
    lesson_title: str | None


def video_detail(database: ProfileDatabase, video_id: str) -> VideoDetail:
    """One video with its bookmarks and watched ranges. Raises UserError if it is gone."""
    with database.read_session() as session:
        rows = _sample_paths(_rows(session, video_ids=[video_id]))
        if not rows:
            raise UserError("That video is no longer in the library.")
        row = rows[0]
        marks = bookmarks_in(session, video_id)
        watched = tuple(watched_ranges_in(session, video_id))
        return VideoDetail(row, marks, watched, row.course_title, row.lesson_title)


def continue_watching(database: ProfileDatabase, limit: int = 3) -> tuple[VideoRow, ...]:
    """Videos started and not completed whose file is here, the last watched first."""
    with database.read_session() as session:
        ids = session.scalars(
            select(Video.id)
            .where(
                Video.deleted_at.is_(None),
                Video.completed_at.is_(None),
                Video.last_watched_at.is_not(None),
            )
            .order_by(Video.last_watched_at.desc())
            .limit(limit * 4)
        ).all()
        rows = _sample_paths(_rows(session, video_ids=list(ids))) if ids else []
    rows = [r for r in rows if not r.missing]
    rows.sort(key=lambda r: r.last_watched_at or r.added_at, reverse=True)
    return tuple(rows[:limit])


def find_video(database: ProfileDatabase, reference: str) -> VideoRow:
    """The live video whose id is `reference`, or whose title is (ignoring case). Raises
    UserError for none, or for a title several videos share."""
    with database.read_session() as session:
        rows = _sample_paths(_rows(session))
    for row in rows:
        if row.id == reference:
            return row
    wanted = reference.strip().casefold()
    named = [row for row in rows if row.title.casefold() == wanted]
    if len(named) == 1:
        return named[0]
    if not named:
        raise UserError(f"There is no video {reference!r} in the library (give its id or title).")
    ids = ", ".join(row.id for row in named)
    raise UserError(f"Several videos are called {reference!r}; give one of their ids: {ids}.")
