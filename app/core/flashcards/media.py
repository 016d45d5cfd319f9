"""Images on cards: stored once in the profile's media folder, named by their content.

Card markdown refers to an image as lesson bodies do, `![alt](studydesk-media:<sha256>.png)`,
so `app.core.courses.markdown.display_markdown(text, profile.media_dir)` renders cards safely
too. Naming by sha256 means the same image added twice, or on two devices, is one file (and the
same file as a lesson's copy of it).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from app.atomic_file import write_atomically
from app.core.courses.markdown import MEDIA_SCHEME
from app.errors import UserError

IMAGE_TYPES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}
MAX_IMAGE_BYTES = 20 * 1024 * 1024
_REFERENCE = re.compile(
    r"!\[[^\]]*\]\(" + re.escape(MEDIA_SCHEME) + r"([0-9a-f]{64}\.[a-z]{3,4})\)"
)


def image_extension(data: bytes) -> str | None:
    """png, jpg, gif or webp from the file's first bytes; None if it is not one of those."""
    for magic, extension in IMAGE_TYPES.items():
        if data.startswith(magic):
            return extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def media_link(name: str, alt: str = "") -> str:
    """The markdown that shows a stored image on a card."""
    return f"![{alt}]({MEDIA_SCHEME}{name})"


def store_media(media_dir: Path, data: bytes) -> str:
    """Save an image into the media folder (once) and return its file name (see `media_link`).

    Raises UserError for something that is not a PNG, JPEG, GIF or WebP image, or too large.
    """
    extension = image_extension(data)
    if extension is None:
        raise UserError("Only PNG, JPEG, GIF and WebP images can go on a card.")
    if len(data) > MAX_IMAGE_BYTES:
        raise UserError(f"An image on a card may be at most {MAX_IMAGE_BYTES // 2**20} MB.")
    name = f"{hashlib.sha256(data).hexdigest()}.{extension}"
    put_media_file(media_dir, name, data)
    return name


def put_media_file(media_dir: Path, name: str, data: bytes) -> bool:
    """Write `data` as `name` in the media folder, unless a file of that name is there (names
    are content hashes: it holds the same bytes). Written whole and synced before it takes its
    name, so a crash never leaves half a file under it. Returns whether this call made it."""
    target = media_dir / name
    if target.exists():
        return False
    media_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(target, data)
    return True


def media_references(markdown: str) -> list[str]:
    """The media file names a card's markdown shows, in order, each once."""
    return list(dict.fromkeys(match.group(1) for match in _REFERENCE.finditer(markdown)))


def store_image_file(media_dir: Path, path: Path) -> str:
    """Copy an image file into the media folder (once); returns the markdown that shows it,
    named after the file. Raises UserError for a file it cannot read or an unusable image."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"Could not read {path}: {error.strerror or error}") from None
    return media_link(store_media(media_dir, data), path.stem)
