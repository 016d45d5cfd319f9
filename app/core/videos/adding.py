"""Adding files and folders to the video library, in two steps that GUI and CLI share.

1. `examine_files` (reads only): walks the folders, fingerprints each media file and has the
   handed-in `probe` read the new ones (duration, codecs, a thumbnail). It may take minutes for
   a large folder, so the window runs it on a read thread with progress and cancel; a cancel
   leaves nothing written. Files it cannot use are listed with the reason; the rest come in.
2. `add_examined` (one write transaction): adds the new videos, brings back removed ones,
   records where this device keeps each file and stores the thumbnails.

`add_video_files` does both (the command line and the sample content).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.progress import Progress
from app.core.videos.media import (
    Fingerprint,
    NotPlayable,
    Probe,
    ProbedMedia,
    fingerprint,
    is_media_name,
    store_thumbnail,
    thumbnail_path,
)
from app.db.database import ProfileDatabase
from app.db.models.videos import Video, VideoFile
from app.db.types import utcnow

MAX_TITLE = 300


@dataclass(frozen=True)
class Refused:
    path: str
    reason: str

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass(frozen=True)
class FoundFile:
    """A media file that can go into the library; `probed` is None for a video already there
    (with its thumbnail), which is not decoded again."""

    path: Path
    content: Fingerprint
    probed: ProbedMedia | None


@dataclass(frozen=True)
class Examined:
    found: tuple[FoundFile, ...]
    refused: tuple[Refused, ...]
    skipped: int  # files in the folders that are not media, left alone


@dataclass(frozen=True)
class AddedVideo:
    id: str
    title: str
    duration_s: float
    path: str

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "duration_s": round(self.duration_s, 3)}


@dataclass(frozen=True)
class AddReport:
    added: tuple[AddedVideo, ...] = ()
    already_there: tuple[AddedVideo, ...] = ()
    refused: tuple[Refused, ...] = ()
    skipped: int = 0
    changes: Change = Change.NONE

    def as_json(self) -> dict[str, object]:
        return {
            "added": [video.as_json() for video in self.added],
            "already_there": [video.as_json() for video in self.already_there],
            "refused": [refused.as_json() for refused in self.refused],
        }

    def summary(self) -> str:
        parts = [f"{len(self.added)} added"]
        if self.already_there:
            parts.append(f"{len(self.already_there)} already in the library")
        if self.refused:
            parts.append(f"{len(self.refused)} refused")
        if self.skipped:
            parts.append(f"{self.skipped} other files left alone")
        return ", ".join(parts)


@dataclass
class _Walk:
    files: list[Path] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    skipped: int = 0


def _walk_folder(folder: Path, walk: _Walk, progress: Progress) -> None:
    def refuse(error: OSError) -> None:
        reason = error.strerror or str(error)
        walk.refused.append(
            Refused(str(error.filename or folder), f"the folder could not be read ({reason})")
        )

    for root, dirs, names in os.walk(folder, onerror=refuse):
        progress.check()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(root, name)
            if name.startswith("."):
                continue
            if is_media_name(path):
                walk.files.append(path)
            else:
                walk.skipped += 1


def media_files(paths: Iterable[Path], progress: Progress) -> tuple[list[Path], list[Refused], int]:
    """The files to try: each file named, and the media files (by name) in each folder named,
    in a stable order. Returns (files, refused, count of non-media files left alone)."""
    walk = _Walk()
    for path in paths:
        progress.check()
        if path.is_dir():
            _walk_folder(path, walk, progress)
        elif path.exists():
            walk.files.append(path)
        else:
            walk.refused.append(Refused(str(path), "there is no such file or folder"))
    unique = list(dict.fromkeys(walk.files))
    return unique, walk.refused, walk.skipped


def _known(session: Session) -> dict[str, bool]:
    """Videos already in the library (removed ones too): id -> whether it is live."""
    rows = session.execute(select(Video.id, Video.deleted_at))
    return {video_id: deleted_at is None for video_id, deleted_at in rows}


def examine_files(
    database: ProfileDatabase,
    paths: Sequence[Path],
    probe: Probe,
    media_dir: Path,
    progress: Progress | None = None,
) -> Examined:
    """Find, fingerprint and decode what `paths` hold; writes nothing. Raises Cancelled at a
    cancel. Each file that cannot be used is in `refused` with the reason."""
    progress = progress or Progress()
    progress.set_message("Looking for videos")
    files, refused, skipped = media_files(paths, progress)
    with database.read_session() as session:
        known = _known(session)
    progress.set_total(len(files), "Reading videos")
    found: list[FoundFile] = []
    for path in files:
        progress.check()
        try:
            content = fingerprint(path)
            live = known.get(content.video_id)
            has_thumbnail = thumbnail_path(media_dir, content.video_id).exists()
            probed = None if live and has_thumbnail else probe(path)
            found.append(FoundFile(path, content, probed))
        except NotPlayable as error:
            refused.append(Refused(str(path), error.reason))
        progress.advance(1, path.name)
    return Examined(tuple(found), tuple(refused), skipped)


def _title(probed: ProbedMedia, path: Path) -> str:
    title = (probed.title or "").strip() or path.stem.strip() or path.name
    return title[:MAX_TITLE]


def record_file(session: Session, video_id: str, path: Path, content: Fingerprint) -> None:
    absolute = path.absolute()
    values = {
        "path": str(absolute),
        "folder": str(absolute.parent),
        "size_bytes": content.size,
        "mtime_ns": content.mtime_ns,
        "seen_at": utcnow(),
    }
    row = session.get(VideoFile, video_id)
    if row is None:
        session.add(VideoFile(video_id=video_id, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


def _new_video(found: FoundFile, probed: ProbedMedia, now: datetime, is_sample: bool) -> Video:
    return Video(
        id=found.content.video_id,
        fingerprint=found.content.text,
        title=_title(probed, found.path),
        file_name=found.path.name,
        duration_s=max(0.0, probed.duration_s),
        width=probed.width,
        height=probed.height,
        video_codec=probed.video_codec,
        audio_codec=probed.audio_codec,
        size_bytes=found.content.size,
        has_video=probed.has_video,
        is_sample=is_sample,
        created_at=now,
        updated_at=now,
    )


def add_examined(
    database: ProfileDatabase,
    examined: Examined,
    media_dir: Path,
    *,
    is_sample: bool = False,
    now: datetime | None = None,
) -> AddReport:
    """Add what `examine_files` found, in one write transaction: new videos come in, removed
    ones come back, and each file's place on this device is recorded (a moved file is found
    again). Thumbnails are written first (a cache; a failed write of the rows leaves only
    those)."""
    now = now or utcnow()
    for found in examined.found:
        if found.probed is not None and found.probed.thumbnail_jpeg:
            store_thumbnail(media_dir, found.content.video_id, found.probed.thumbnail_jpeg)
    with database.write_session() as session:
        return add_found(session, examined, is_sample=is_sample, now=now)


def add_found(
    session: Session, examined: Examined, *, is_sample: bool = False, now: datetime | None = None
) -> AddReport:
    """`add_examined`'s rows, in the caller's transaction (the sample content's)."""
    now = now or utcnow()
    added: list[AddedVideo] = []
    already: list[AddedVideo] = []
    seen: set[str] = set()
    for found in examined.found:
        video_id = found.content.video_id
        video = session.get(Video, video_id)
        if video_id in seen:
            assert video is not None
            already.append(AddedVideo(video_id, video.title, video.duration_s, str(found.path)))
            continue
        seen.add(video_id)
        if video is None:
            if found.probed is None:  # removed from under us between the two steps
                continue
            video = _new_video(found, found.probed, now, is_sample)
            session.add(video)
            added.append(AddedVideo(video_id, video.title, video.duration_s, str(found.path)))
        elif video.deleted_at is not None:
            video.deleted_at = None
            video.updated_at = now
            added.append(AddedVideo(video_id, video.title, video.duration_s, str(found.path)))
        else:
            already.append(AddedVideo(video_id, video.title, video.duration_s, str(found.path)))
        session.flush()
        record_file(session, video_id, found.path, found.content)
    changes = Change.VIDEOS if added or already else Change.NONE
    return AddReport(tuple(added), tuple(already), examined.refused, examined.skipped, changes)


def add_video_files(
    database: ProfileDatabase,
    paths: Sequence[Path],
    probe: Probe,
    media_dir: Path,
    progress: Progress | None = None,
) -> AddReport:
    """Examine `paths` and add what can be added (the command line's `videos add`)."""
    examined = examine_files(database, paths, probe, media_dir, progress)
    return add_examined(database, examined, media_dir)
