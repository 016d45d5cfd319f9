"""The sample video: a short clip made for Study Desk (resources/sample/videos), with two bookmarks.

Its facts (duration, codecs, bookmarks) are in `sample.json` beside it, so loading needs no
decoder and runs inside the new profile's transaction; the library makes its thumbnail the
first time it shows it. Removing soft-deletes what was loaded as sample and nothing else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.core.videos.adding import Examined, FoundFile, add_found
from app.core.videos.media import ProbedMedia, fingerprint
from app.db.models.videos import Video, VideoBookmark
from app.db.types import utcnow

SAMPLE_FOLDER = "videos"
FACTS = "sample.json"


@dataclass(frozen=True)
class SampleVideo:
    path: Path
    probed: ProbedMedia
    bookmarks: tuple[tuple[float, str, str], ...]  # (at_s, label, note)


def sample_videos(folder: Path) -> list[SampleVideo]:
    """The sample videos under `folder` (resources/sample), with their facts."""
    facts_file = folder / SAMPLE_FOLDER / FACTS
    if not facts_file.is_file():
        return []
    found = []
    for entry in json.loads(facts_file.read_text(encoding="utf-8")):
        probed = ProbedMedia(
            duration_s=float(entry["duration_s"]),
            has_video=True,
            has_audio=bool(entry.get("audio_codec")),
            width=int(entry["width"]),
            height=int(entry["height"]),
            video_codec=str(entry["video_codec"]),
            audio_codec=entry.get("audio_codec") or None,
            title=str(entry["title"]),
        )
        marks = tuple(
            (float(m["at_s"]), str(m["label"]), str(m.get("note", "")))
            for m in entry.get("bookmarks", [])
        )
        found.append(SampleVideo(facts_file.parent / str(entry["file"]), probed, marks))
    return found


def load_sample_videos(session: Session, folder: Path) -> int:
    """Add the sample videos and their bookmarks, in the caller's transaction; returns how
    many videos came in."""
    now = utcnow()
    samples = sample_videos(folder)
    found = [FoundFile(s.path, fingerprint(s.path), s.probed) for s in samples]
    report = add_found(session, Examined(tuple(found), (), 0), is_sample=True, now=now)
    session.flush()
    for sample, file in zip(samples, found, strict=True):
        for at_s, label, note in sample.bookmarks:
            session.add(
                VideoBookmark(
                    video_id=file.content.video_id,
                    at_s=at_s,
                    label=label,
                    note=note,
                    is_sample=True,
                    created_at=now,
                    updated_at=now,
                )
            )
    return len(report.added)


def remove_sample_videos(session: Session) -> int:
    """Soft-delete the sample videos and bookmarks, in the caller's transaction."""
    now = utcnow()
    session.execute(
        update(VideoBookmark)
        .where(VideoBookmark.is_sample.is_(True), VideoBookmark.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now)
    )
    result = session.execute(
        update(Video)
        .where(Video.is_sample.is_(True), Video.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)
