"""Sidecar subtitles: a `.srt` or `.vtt` file beside the video (`Lecture.srt`, `Lecture.en.vtt`).

Files come from anywhere, so reading is forgiving and says what it did: UTF-8 (with or without
a byte-order mark) or UTF-16 with one; anything else is read as Windows-1252 and the result says
so. Cues that cannot be read are skipped and counted; a file with no readable cue at all is
refused with the reason. Nothing here writes.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from app.errors import UserError

SUBTITLE_EXTENSIONS = (".srt", ".vtt")
MAX_BYTES = 10 * 1024 * 1024
_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_TAGS = re.compile(r"</?[^>]{1,40}>")


@dataclass(frozen=True)
class Cue:
    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True)
class Subtitles:
    path: Path
    cues: tuple[Cue, ...]
    encoding: str  # as read: utf-8, utf-16 or cp1252
    skipped: int  # cues that could not be read

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def warning(self) -> str:
        """What the learner should know about how the file was read ("" when all is well)."""
        parts = []
        if self.encoding == "cp1252":
            parts.append("it is not UTF-8, so it was read as Windows-1252")
        if self.skipped:
            parts.append(f"{self.skipped} cues could not be read and are left out")
        return f"{self.name}: " + "; ".join(parts) + "." if parts else ""

    def text_at(self, seconds: float) -> str:
        """The cue text showing at `seconds` (several overlapping cues joined), or ""."""
        starts = [cue.start_s for cue in self.cues]
        index = bisect.bisect_right(starts, seconds)
        showing = [cue.text for cue in self.cues[max(0, index - 8) : index] if cue.end_s > seconds]
        return "\n".join(showing)


def sidecar_files(video: Path) -> list[Path]:
    """Subtitle files beside a video: same name, or same name plus a language (`.en.srt`)."""
    try:
        siblings = list(video.parent.iterdir())
    except OSError:
        return []
    stem = video.stem.casefold()
    found = []
    for path in siblings:
        if path.suffix.lower() not in SUBTITLE_EXTENSIONS or not path.is_file():
            continue
        base = path.stem.casefold()
        if base == stem or (base.startswith(stem + ".") and "." not in base[len(stem) + 1 :]):
            found.append(path)
    return sorted(found)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str) -> float:
    return (
        int(hours or 0) * 3600
        + int(minutes) * 60
        + int(seconds)
        + int(fraction.ljust(3, "0")) / 1000
    )


def parse_subtitles(text: str) -> tuple[list[Cue], int]:
    """Cues of an SRT or WebVTT text, sorted by start, and how many blocks were skipped."""
    cues: list[Cue] = []
    skipped = 0
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    for block in blocks:
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines or lines[0].startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            continue
        timing_at = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if timing_at is None:
            skipped += 1
            continue
        match = _TIMING.match(lines[timing_at])
        if match is None:
            skipped += 1
            continue
        groups = match.groups()
        start, end = _seconds(*groups[:4]), _seconds(*groups[4:])
        body = "\n".join(_TAGS.sub("", line).strip() for line in lines[timing_at + 1 :])
        if end <= start or not body.strip():
            skipped += 1
            continue
        cues.append(Cue(start, end, body.strip()))
    cues.sort(key=lambda cue: (cue.start_s, cue.end_s))
    return cues, skipped


def read_subtitles(path: Path) -> Subtitles:
    """A sidecar subtitle file, read. Raises UserError naming the file for one that cannot be
    read, is too large, or holds no subtitle Study Desk can read."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(f"{path.name} is too large to be a subtitle file ({size // 2**20} MB).")
        data = path.read_bytes()
    except OSError as error:
        raise UserError(
            f"The subtitles {path.name} could not be read ({error.strerror or error})."
        ) from None
    text, encoding = _decode(data)
    cues, skipped = parse_subtitles(text)
    if not cues:
        raise UserError(
            f"{path.name} holds no subtitles Study Desk can read (it is not in SRT or WebVTT "
            "form, or it is damaged)."
        )
    return Subtitles(path, tuple(cues), encoding, skipped)
