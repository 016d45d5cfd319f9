"""Videos: the learner's own video files, the player, bookmarks and what was watched."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.core.changes import Change
from app.core.samples import SampleKind
from app.features.declarations import Feature

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _load_sample(session: Session, folder: Path) -> int:
    from app.core.videos.sample import load_sample_videos

    return load_sample_videos(session, folder)


def _remove_sample(session: Session) -> int:
    from app.core.videos.sample import remove_sample_videos

    return remove_sample_videos(session)


SHOWS = Change.VIDEOS | Change.BOOKMARKS | Change.WATCHING | Change.TAGS

VIDEOS = Feature(
    name="videos",
    cli_modules=("app.cli.video_commands",),
    samples=(SampleKind("videos", _load_sample, _remove_sample, SHOWS),),
    shows=SHOWS,
)
