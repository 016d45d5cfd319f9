"""Library actions: remove (and bring back) videos, rename one, file it under the question bank's
categories (subject, system, topic, tags) and link it to a course or lesson.

Each owns one write transaction (all or nothing) and raises UserError, writing nothing, for a
video that is gone or a value that does not fit. Removing is a soft delete: the bookmarks and
the watch log stay, and adding the same file again brings the video back whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.flashcards.cards import ensure_tags
from app.core.flashcards.tags import clean_tags
from app.db.database import ProfileDatabase
from app.db.models import Course, Lesson
from app.db.models.tags import tag_id
from app.db.models.videos import Video, VideoTag
from app.db.types import utcnow
from app.errors import UserError

MAX_CATEGORY = 100
MAX_TOPIC = 300


@dataclass(frozen=True)
class VideosChanged:
    video_ids: tuple[str, ...]
    changes: Change = Change.VIDEOS


def _video(session: Session, video_id: str) -> Video:
    video = session.get(Video, video_id)
    if video is None or video.deleted_at is not None:
        raise UserError("That video is no longer in the library.")
    return video


def remove_videos(
    database: ProfileDatabase, video_ids: Sequence[str], now: datetime | None = None
) -> VideosChanged:
    """Take videos out of the library (soft delete; undo with `restore_videos`). The files on
    disk are never touched."""
    return _set_removed(database, video_ids, now or utcnow())


def restore_videos(
    database: ProfileDatabase, video_ids: Sequence[str], now: datetime | None = None
) -> VideosChanged:
    """Bring removed videos back with their bookmarks and progress."""
    return _set_removed(database, video_ids, None, now or utcnow())


def _set_removed(
    database: ProfileDatabase,
    video_ids: Sequence[str],
    removed_at: datetime | None,
    now: datetime | None = None,
) -> VideosChanged:
    now = now or removed_at or utcnow()
    with database.write_session() as session:
        session.execute(
            update(Video)
            .where(Video.id.in_(list(video_ids)))
            .values(deleted_at=removed_at, updated_at=now)
        )
    return VideosChanged(tuple(video_ids), Change.VIDEOS | Change.WATCHING)


def rename_video(database: ProfileDatabase, video_id: str, title: str) -> VideosChanged:
    title = _title(title)
    with database.write_session() as session:
        _video(session, video_id).title = title
    return VideosChanged((video_id,))


@dataclass(frozen=True)
class Categories:
    """The question bank's categories for a video; empty text clears one."""

    subject: str = ""
    system: str = ""
    topic: str = ""
    tags: tuple[str, ...] = ()


def _category(value: str, limit: int, name: str) -> str | None:
    value = " ".join(value.split())
    if len(value) > limit:
        raise UserError(f"A video's {name} may be at most {limit} characters.")
    return value or None


def _title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise UserError("A video needs a title.")
    if len(title) > MAX_TOPIC:
        raise UserError(f"A video's title may be at most {MAX_TOPIC} characters.")
    return title


@dataclass(frozen=True)
class VideoLink:
    """What a video is linked to: a lesson (and so its course), a course, or neither."""

    course_id: str | None = None
    lesson_id: str | None = None


def set_categories(
    database: ProfileDatabase,
    video_id: str,
    categories: Categories,
    now: datetime | None = None,
    *,
    title: str | None = None,
    link: VideoLink | None = None,
) -> VideosChanged:
    """Set the video's subject, system, topic and tags (the tags replace its tags), and its
    title and its link to a course or lesson when given, in one transaction. Raises UserError,
    writing nothing, for a value that does not fit or a course or lesson that is gone."""
    now = now or utcnow()
    new_title = None if title is None else _title(title)
    subject = _category(categories.subject, MAX_CATEGORY, "subject")
    system = _category(categories.system, MAX_CATEGORY, "system")
    topic = _category(categories.topic, MAX_TOPIC, "topic")
    names = clean_tags(categories.tags)
    with database.write_session() as session:
        video = _video(session, video_id)
        video.subject, video.system, video.topic = subject, system, topic
        if new_title is not None:
            video.title = new_title
        if link is not None:
            _set_link(session, video, link)
        video.updated_at = now
        _set_tags(session, video_id, names, now)
    return VideosChanged((video_id,), Change.VIDEOS | Change.TAGS)


def _set_tags(session: Session, video_id: str, names: Sequence[str], now: datetime) -> None:
    wanted = set(ensure_tags(session, names, now))
    links = {
        row.tag_id: row
        for row in session.scalars(select(VideoTag).where(VideoTag.video_id == video_id))
    }
    for tag, row in links.items():
        live = tag in wanted
        if live == (row.deleted_at is None):
            continue
        row.deleted_at = None if live else now
        row.updated_at = now
    for tag in wanted - set(links):
        session.add(VideoTag(video_id=video_id, tag_id=tag, updated_at=now))


def tag_video(database: ProfileDatabase, video_ids: Sequence[str], name: str) -> VideosChanged:
    """Add one tag to several videos, keeping their other tags."""
    now = utcnow()
    with database.write_session() as session:
        (wanted,) = ensure_tags(session, [name], now) or [tag_id(name)]
        for video_id in video_ids:
            _video(session, video_id)
            row = session.get(VideoTag, (video_id, wanted))
            if row is None:
                session.add(VideoTag(video_id=video_id, tag_id=wanted, updated_at=now))
            elif row.deleted_at is not None:
                row.deleted_at, row.updated_at = None, now
    return VideosChanged(tuple(video_ids), Change.VIDEOS | Change.TAGS)


def link_video(
    database: ProfileDatabase,
    video_id: str,
    *,
    course_id: str | None = None,
    lesson_id: str | None = None,
) -> VideosChanged:
    """Link the video to a course, or to a lesson (and so its course); None for both unlinks.
    Raises UserError for a course or lesson that is gone."""
    with database.write_session() as session:
        video = _video(session, video_id)
        _set_link(session, video, VideoLink(course_id, lesson_id))
        video.updated_at = utcnow()
    return VideosChanged((video_id,))


def _set_link(session: Session, video: Video, link: VideoLink) -> None:
    course_id, lesson_id = link.course_id, link.lesson_id
    if lesson_id is not None:
        lesson = session.get(Lesson, lesson_id)
        if lesson is None or lesson.deleted_at is not None:
            raise UserError("That lesson no longer exists.")
        course_id = lesson.course_id
    if course_id is not None:
        course = session.get(Course, course_id)
        if course is None or course.deleted_at is not None:
            raise UserError("That course no longer exists.")
    video.course_id, video.lesson_id = course_id, lesson_id
