"""A video file's identity (its content fingerprint), what a decoder says of it, its thumbnail.

The fingerprint is the file's size and a SHA-256 of its first and last MiB (the whole file when
it is smaller): cheap to compute even over a network share, stable when the file is renamed or
moved, and the same on every device, so the video's id (a UUIDv5 of it) is too.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.atomic_file import write_atomically
from app.db.models.videos import video_id_for
from app.errors import UserError

CHUNK = 1024 * 1024
THUMBNAIL_FOLDER = "video-thumbnails"

# What a folder is searched for: the containers QtMultimedia's FFmpeg backend plays. A file
# named explicitly is tried whatever its name.
_VIDEO = ".mp4 .m4v .mov .mkv .webm .avi .mpg .mpeg .ts .m2ts .wmv .flv .ogv .3gp"
_AUDIO = ".m4a .mp3 .ogg .oga .opus .wav .flac .aac .wma"
VIDEO_EXTENSIONS = frozenset(_VIDEO.split(" "))
AUDIO_EXTENSIONS = frozenset(_AUDIO.split(" "))
MEDIA_EXTENSIONS = VIDEO_EXTENSIONS | AUDIO_EXTENSIONS


@dataclass(frozen=True)
class Fingerprint:
    size: int
    digest: str  # SHA-256 hex of the first and last MiB (or of the whole file)
    mtime_ns: int

    @property
    def text(self) -> str:
        return f"{self.size}:{self.digest}"

    @property
    def video_id(self) -> str:
        return video_id_for(self.text)


class NotPlayable(UserError):
    """A file that cannot be added or played; `reason` says why in a few words."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} cannot be used: {reason}.")
        self.path = path
        self.reason = reason


def fingerprint(path: Path) -> Fingerprint:
    """The file's fingerprint. Raises NotPlayable for an empty or unreadable file."""
    try:
        with path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            if stat.st_size == 0:
                raise NotPlayable(path, "the file is empty (0 bytes)")
            digest = hashlib.sha256()
            digest.update(handle.read(CHUNK))
            if stat.st_size > CHUNK:
                handle.seek(max(CHUNK, stat.st_size - CHUNK))
                digest.update(handle.read(CHUNK))
    except IsADirectoryError:
        raise NotPlayable(path, "it is a folder") from None
    except FileNotFoundError:
        raise NotPlayable(path, "there is no such file") from None
    except PermissionError:
        raise NotPlayable(path, "Study Desk may not read it (permission denied)") from None
    except OSError as error:
        raise NotPlayable(path, f"it could not be read ({error.strerror or error})") from None
    return Fingerprint(stat.st_size, digest.hexdigest(), stat.st_mtime_ns)


@dataclass(frozen=True)
class ProbedMedia:
    """What the decoder found in a file. `decodes` is False when the file opens but no frame
    of its video comes out on this computer (a codec without a decoder here, such as AV1
    without hardware support); such a file is kept, and the player names the codec."""

    duration_s: float
    has_video: bool
    has_audio: bool
    width: int | None = None
    height: int | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    title: str | None = None  # the file's own title tag
    thumbnail_jpeg: bytes | None = None
    decodes: bool = True


# Reads a file with a real decoder. Raises NotPlayable (with the reason) for anything it cannot
# open: not media, truncated, random bytes. Called on worker threads, never the GUI thread.
Probe = Callable[[Path], ProbedMedia]


def thumbnail_path(media_dir: Path, video_id: str) -> Path:
    return media_dir / THUMBNAIL_FOLDER / f"{video_id}.jpg"


def store_thumbnail(media_dir: Path, video_id: str, jpeg: bytes) -> Path:
    """Write a video's thumbnail (a cache: made again from the file when missing)."""
    target = thumbnail_path(media_dir, video_id)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(target, jpeg, fsync=False)
    return target


def is_media_name(path: Path) -> bool:
    name = path.name
    return path.suffix.lower() in MEDIA_EXTENSIONS and not name.startswith("._")
