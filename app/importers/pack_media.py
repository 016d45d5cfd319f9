"""Images in a course pack: recognised by their bytes (never by their name) and measured.

Only PNG, JPEG, GIF and WebP are accepted; SVG and anything else is refused, since SVG can carry
scripts and load other files. Sizes are read from the file headers, so an image that would
expand to gigabytes in memory is refused before anything decodes it. Pure functions.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_MEDIA_BYTES = 200 * 1024 * 1024
MAX_PIXELS = 50_000_000
MAX_SIDE = 20_000


@dataclass(frozen=True)
class ImageInfo:
    extension: str  # png | jpg | gif | webp
    width: int
    height: int


def image_info(data: bytes) -> ImageInfo | None:
    """The kind and size of an image from its bytes; None if it is not a readable image."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return ImageInfo("png", width, height)
        if data[:6] in (b"GIF87a", b"GIF89a"):
            width, height = struct.unpack("<HH", data[6:10])
            return ImageInfo("gif", width, height)
        if data.startswith(b"\xff\xd8\xff"):
            return _jpeg(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp(data)
    except struct.error:
        return None
    return None


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> ImageInfo | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return ImageInfo("jpg", width, height)
        if length < 2:
            return None
        pos += 2 + length
    return None


def _webp(data: bytes) -> ImageInfo | None:
    chunk = data[12:16]
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return ImageInfo("webp", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L":
        b0, b1, b2, b3 = data[21:25]
        width = 1 + (b0 | (b1 & 0x3F) << 8)
        height = 1 + ((b1 >> 6) | b2 << 2 | (b3 & 0x0F) << 10)
        return ImageInfo("webp", width, height)
    if chunk == b"VP8X":
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return ImageInfo("webp", width, height)
    return None


def image_problem(data: bytes) -> str | None:
    """Why these bytes cannot be a lesson image, or None if they can."""
    if len(data) > MAX_IMAGE_BYTES:
        return (
            f"{len(data) / 1024 / 1024:.1f} MB; an image may be at most "
            f"{MAX_IMAGE_BYTES // 1024 // 1024} MB"
        )
    info = image_info(data)
    if info is None:
        if data.lstrip()[:5].lower() in (b"<?xml", b"<svg ", b"<svg>"):
            return "an SVG image; only PNG, JPEG, GIF and WebP are accepted (SVG can run scripts)"
        return "not a PNG, JPEG, GIF or WebP image"
    if info.width == 0 or info.height == 0:
        return "an image with no pixels"
    if max(info.width, info.height) > MAX_SIDE or info.width * info.height > MAX_PIXELS:
        return (
            f"{info.width} x {info.height} pixels; an image may have at most "
            f"{MAX_PIXELS // 1_000_000} megapixels and {MAX_SIDE:,} pixels a side"
        )
    return None
