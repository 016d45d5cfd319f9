"""Where this device keeps each video's file: checking it before playing, Locate… and relinking.

A file that is missing (moved, a drive unplugged) keeps its video, bookmarks and log. Locating
one file relinks every other missing video found in that folder, by fingerprint. A file at the
recorded path whose content is no longer the video's (replaced by another file) is never
rebound silently: `check_file` says so and the learner chooses.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.core.changes import Change
from app.core.progress import Progress
from app.core.videos.adding import media_files, record_file
from app.core.videos.media import Fingerprint, NotPlayable, fingerprint
from app.db.database import ProfileDatabase
from app.db.models.videos import Video, VideoFile
from app.errors import UserError
from app.paths import resources_dir


class FileState(enum.Enum):
    PLAYABLE = "playable"
    MISSING = "missing"  # no file at the recorded path (or none recorded on this device)
    REPLACED = "replaced"  # a file is there, but another one: its fingerprint differs
    UNREADABLE = "unreadable"  # there, but it cannot be read (permissions, I/O error)


@dataclass(frozen=True)
class FileCheck:
    video_id: str
    title: str
    state: FileState
    path: str | None  # the recorded path, if this device has one
    reason: str = ""

    @property
    def playable(self) -> bool:
        return self.state is FileState.PLAYABLE


def sample_file(file_name: str) -> Path | None:
    """A sample video's file in this installation (its folder moves with the app)."""
    candidate = resources_dir() / "sample" / "videos" / file_name
    return candidate if candidate.is_file() else None


def check_file(database: ProfileDatabase, video_id: str) -> FileCheck:
    """Whether the video's file is here and still the same content (size and modification time
    unchanged, or else the fingerprint compared); reads only, except that a sample video's
    file is looked for in this installation. Raises UserError for a video that is gone."""
    with database.read_session() as session:
        video = session.get(Video, video_id)
        if video is None or video.deleted_at is not None:
            raise UserError("That video is no longer in the library.")
        row = session.get(VideoFile, video_id)
        title, expected, is_sample, file_name = (
            video.title, video.fingerprint, video.is_sample, video.file_name,
        )  # fmt: skip
        recorded = None if row is None else (row.path, row.size_bytes, row.mtime_ns)
    if recorded is None:
        return FileCheck(video_id, title, FileState.MISSING, None, "not on this computer yet")
    path, size, mtime_ns = recorded
    file = Path(path)
    try:
        stat = file.stat()
    except FileNotFoundError:
        found = sample_file(file_name) if is_sample else None
        if found is not None:
            return FileCheck(video_id, title, FileState.PLAYABLE, str(found))
        return FileCheck(video_id, title, FileState.MISSING, path, "the file is not there")
    except OSError as error:
        reason = error.strerror or str(error)
        return FileCheck(video_id, title, FileState.UNREADABLE, path, reason)
    if stat.st_size == size and stat.st_mtime_ns == mtime_ns:
        return FileCheck(video_id, title, FileState.PLAYABLE, path)
    try:
        content = fingerprint(file)
    except NotPlayable as error:
        return FileCheck(video_id, title, FileState.UNREADABLE, path, error.reason)
    if content.text != expected:
        return FileCheck(
            video_id, title, FileState.REPLACED, path, "another file is at that place now"
        )
    return FileCheck(video_id, title, FileState.PLAYABLE, path)


@dataclass(frozen=True)
class Relinked:
    id: str
    title: str
    path: str

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "path": self.path}


@dataclass(frozen=True)
class RelinkReport:
    relinked: tuple[Relinked, ...]
    still_missing: int
    changes: Change

    def as_json(self) -> dict[str, object]:
        return {
            "relinked": [r.as_json() for r in self.relinked],
            "still_missing": self.still_missing,
        }


def _missing(database: ProfileDatabase) -> dict[str, tuple[str, int]]:
    """Live videos whose file is not at its recorded place: id -> (title, size)."""
    with database.read_session() as session:
        rows = session.execute(
            select(Video.id, Video.title, Video.size_bytes, VideoFile.path)
            .outerjoin(VideoFile, VideoFile.video_id == Video.id)
            .where(Video.deleted_at.is_(None))
        ).all()
    return {
        video_id: (title, size)
        for video_id, title, size, path in rows
        if path is None or not Path(path).is_file()
    }


def _matches(
    files: Sequence[Path], wanted: dict[str, tuple[str, int]], progress: Progress
) -> dict[str, tuple[Path, Fingerprint]]:
    """The files whose fingerprint is a wanted video's; only same-size files are read."""
    sizes = {size for _title, size in wanted.values()}
    found: dict[str, tuple[Path, Fingerprint]] = {}
    for path in files:
        progress.check()
        try:
            if path.stat().st_size not in sizes:
                continue
            content = fingerprint(path)
        except (OSError, NotPlayable):
            continue
        if content.video_id in wanted and content.video_id not in found:
            found[content.video_id] = (path, content)
    return found


def relink_folder(
    database: ProfileDatabase, folder: Path, progress: Progress | None = None
) -> RelinkReport:
    """Find missing videos in `folder` (and its subfolders) by fingerprint and record where
    they are now, in one write transaction. Raises UserError for a folder that is not there."""
    progress = progress or Progress()
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder.")
    wanted = _missing(database)
    files, _refused, _skipped = media_files([folder], progress) if wanted else ([], [], 0)
    found = _matches(files, wanted, progress)
    relinked = []
    if found:
        with database.write_session() as session:
            for video_id, (path, content) in found.items():
                record_file(session, video_id, path, content)
                relinked.append(Relinked(video_id, wanted[video_id][0], str(path.absolute())))
    changes = Change.VIDEOS if relinked else Change.NONE
    return RelinkReport(tuple(relinked), len(wanted) - len(relinked), changes)


def locate_video(database: ProfileDatabase, video_id: str, path: Path) -> RelinkReport:
    """The learner points at the video's file: record it if its content is the video's, then
    relink every other missing video in the same folder. Raises UserError, writing nothing,
    for a file with other content (it may be added as a video of its own)."""
    content = fingerprint(path)
    with database.read_session() as session:
        video = session.get(Video, video_id)
        if video is None or video.deleted_at is not None:
            raise UserError("That video is no longer in the library.")
        title = video.title
    if content.video_id != video_id:
        raise UserError(
            f"{path.name} is not “{title}”: its content is different. Choose the file of "
            "that video, or add this one as a video of its own."
        )
    with database.write_session() as session:
        record_file(session, video_id, path, content)
    rest = relink_folder(database, path.parent)
    located = Relinked(video_id, title, str(path.absolute()))
    return RelinkReport((located, *rest.relinked), rest.still_missing, Change.VIDEOS)
