"""Playlists: ordered, user-made lists of videos.

The order is a fractional index string per item (`app.core.videos.ordering`): adding at the end
or moving one video writes that video's key only, so two devices reordering different videos
both keep their moves. Each action owns one write transaction and raises UserError, writing
nothing, for a playlist or video that is gone or a name that does not fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.videos.ordering import key_between, keys_between
from app.db.database import ProfileDatabase
from app.db.models.videos import Playlist, PlaylistItem, Video
from app.db.types import utcnow
from app.errors import UserError

MAX_NAME = 200


@dataclass(frozen=True)
class PlaylistChanged:
    playlist_id: str
    changes: Change = Change.VIDEOS


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UserError("A playlist needs a name.")
    if len(name) > MAX_NAME:
        raise UserError(f"A playlist's name may be at most {MAX_NAME} characters.")
    return name


def _playlist(session: Session, playlist_id: str) -> Playlist:
    playlist = session.get(Playlist, playlist_id)
    if playlist is None or playlist.deleted_at is not None:
        raise UserError("That playlist no longer exists.")
    return playlist


def create_playlist(
    database: ProfileDatabase,
    name: str,
    video_ids: Sequence[str] = (),
    *,
    is_sample: bool = False,
) -> PlaylistChanged:
    """A new playlist after the others, holding `video_ids` in that order."""
    name = _name(name)
    now = utcnow()
    with database.write_session() as session:
        last = session.scalar(select(func.max(Playlist.position)))
        playlist = Playlist(name=name, position=key_between(last, None), is_sample=is_sample)
        session.add(playlist)
        session.flush()
        _append(session, playlist.id, video_ids, now)
        return PlaylistChanged(playlist.id)


def rename_playlist(database: ProfileDatabase, playlist_id: str, name: str) -> PlaylistChanged:
    name = _name(name)
    with database.write_session() as session:
        _playlist(session, playlist_id).name = name
    return PlaylistChanged(playlist_id)


def delete_playlist(
    database: ProfileDatabase, playlist_id: str, now: datetime | None = None
) -> PlaylistChanged:
    """Soft-delete the playlist; its videos stay in the library."""
    now = now or utcnow()
    with database.write_session() as session:
        playlist = _playlist(session, playlist_id)
        playlist.deleted_at = now
    return PlaylistChanged(playlist_id)


def _items(session: Session, playlist_id: str) -> list[PlaylistItem]:
    return list(
        session.scalars(
            select(PlaylistItem)
            .where(PlaylistItem.playlist_id == playlist_id, PlaylistItem.deleted_at.is_(None))
            .order_by(PlaylistItem.position, PlaylistItem.video_id)
        )
    )


def playlist_video_ids(database: ProfileDatabase, playlist_id: str) -> tuple[str, ...]:
    """The playlist's live videos, in its order."""
    with database.read_session() as session:
        items = _items(session, playlist_id)
        live = set(
            session.scalars(
                select(Video.id).where(
                    Video.id.in_([i.video_id for i in items]), Video.deleted_at.is_(None)
                )
            )
        )
    return tuple(item.video_id for item in items if item.video_id in live)


def add_to_playlist(
    database: ProfileDatabase,
    playlist_id: str,
    video_ids: Sequence[str],
    now: datetime | None = None,
) -> PlaylistChanged:
    """Append videos to the end of the playlist (those already in it stay where they are)."""
    now = now or utcnow()
    with database.write_session() as session:
        _playlist(session, playlist_id)
        _append(session, playlist_id, video_ids, now)
    return PlaylistChanged(playlist_id)


def _append(session: Session, playlist_id: str, video_ids: Sequence[str], now: datetime) -> None:
    items = _items(session, playlist_id)
    present = {item.video_id for item in items}
    new = [v for v in dict.fromkeys(video_ids) if v not in present]
    for video_id in new:
        video = session.get(Video, video_id)
        if video is None or video.deleted_at is not None:
            raise UserError("One of those videos is no longer in the library.")
    last = items[-1].position if items else None
    for video_id, key in zip(new, keys_between(last, None, len(new)), strict=True):
        row = session.get(PlaylistItem, (playlist_id, video_id))
        if row is None:
            session.add(
                PlaylistItem(
                    playlist_id=playlist_id, video_id=video_id, position=key, updated_at=now
                )
            )
        else:
            row.position, row.deleted_at, row.updated_at = key, None, now


def remove_from_playlist(
    database: ProfileDatabase,
    playlist_id: str,
    video_ids: Sequence[str],
    now: datetime | None = None,
) -> PlaylistChanged:
    """Take videos out of the playlist (they stay in the library)."""
    now = now or utcnow()
    with database.write_session() as session:
        for video_id in video_ids:
            row = session.get(PlaylistItem, (playlist_id, video_id))
            if row is not None and row.deleted_at is None:
                row.deleted_at, row.updated_at = now, now
    return PlaylistChanged(playlist_id)


def move_in_playlist(
    database: ProfileDatabase,
    playlist_id: str,
    video_id: str,
    index: int,
    now: datetime | None = None,
) -> PlaylistChanged:
    """Move a video to place `index` (0 first) of the playlist; only its key changes."""
    now = now or utcnow()
    with database.write_session() as session:
        items = _items(session, playlist_id)
        moving = next((item for item in items if item.video_id == video_id), None)
        if moving is None:
            raise UserError("That video is not in the playlist.")
        _move(items, moving, index, now)
    return PlaylistChanged(playlist_id)


def _move(items: list[PlaylistItem], moving: PlaylistItem, index: int, now: datetime) -> None:
    others = [item for item in items if item is not moving]
    index = max(0, min(index, len(others)))
    before = others[index - 1].position if index > 0 else None
    after = others[index].position if index < len(others) else None
    if before is None or after is None or before < after:
        moving.position = key_between(before, after)
        moving.updated_at = now
    else:  # two devices gave neighbours the same key: renumber the whole playlist
        others.insert(index, moving)
        for item, key in zip(others, keys_between(None, None, len(others)), strict=True):
            item.position, item.updated_at = key, now


def move_beside(
    database: ProfileDatabase,
    playlist_id: str,
    video_id: str,
    neighbour_id: str,
    now: datetime | None = None,
) -> PlaylistChanged:
    """Move a video to its neighbour's place in the playlist: just before it if the video came
    after it, just after it if before (one step up or down the list as shown, whatever videos a
    search hides between them), in one transaction. Raises UserError if either is not in the
    playlist."""
    now = now or utcnow()
    with database.write_session() as session:
        items = _items(session, playlist_id)
        order = [item.video_id for item in items]
        if video_id not in order or neighbour_id not in order or video_id == neighbour_id:
            raise UserError("That video is not in the playlist.")
        moving = items[order.index(video_id)]
        others = [other for other in order if other != video_id]
        at = others.index(neighbour_id)
        _move(
            items, moving, at if order.index(video_id) > order.index(neighbour_id) else at + 1, now
        )
    return PlaylistChanged(playlist_id)
