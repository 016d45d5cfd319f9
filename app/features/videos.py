"""Videos: the learner's own video files, the player, bookmarks and what was watched."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.changes import Change
from app.core.samples import SampleKind
from app.features.declarations import Destination, Feature, MenuAction, TodaySection, ViewDecl

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _load_sample(session: Session, folder: Path) -> int:
    from app.core.videos.sample import load_sample_videos

    return load_sample_videos(session, folder)


def _remove_sample(session: Session, _at: datetime) -> int:
    from app.core.videos.sample import remove_sample_videos

    return remove_sample_videos(session)


SHOWS = Change.VIDEOS | Change.BOOKMARKS | Change.WATCHING | Change.TAGS

VIDEOS = Feature(
    name="videos",
    views=(ViewDecl("Videos", "app.ui.videos.view:VideosView", opens=(Destination.VIDEO_MOMENT,)),),
    today=(TodaySection("app.ui.videos.today_section:ContinueWatchingSection"),),
    menu_actions=(
        MenuAction(
            "File",
            "Add &Videos…",
            "app.ui.videos.adding:add_videos_from_menu",
            tip="Add video or audio files from this computer to the Videos library",
        ),
        MenuAction(
            "File",
            "Add Video &Folder…",
            "app.ui.videos.adding:add_folder_from_menu",
            tip="Add every video and audio file in a folder and its subfolders",
        ),
    ),
    cli_modules=("app.cli.video_commands",),
    samples=(SampleKind("videos", _load_sample, _remove_sample, SHOWS),),
    shows=SHOWS,
)
