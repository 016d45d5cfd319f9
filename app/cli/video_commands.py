"""`studydesk videos ...`: add files and folders, list the library, bookmark a moment, record a
watched interval, relink moved files. The same core actions as the Videos view."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import CommandTable, opened_profile
from app.paths import DataLocations

if TYPE_CHECKING:  # the database modules load only when a command runs
    from app.core.profiles import Profile
    from app.db.database import ProfileDatabase

GROUP = "videos"


def register(table: CommandTable) -> None:
    add = table.add(GROUP, "add", add_videos, "add video or audio files, or whole folders")
    add.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    add.add_argument("--json", action="store_true", help="print what happened as JSON")
    listing = table.add(GROUP, "list", list_videos, "the videos in the library")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    mark = table.add(GROUP, "bookmark", bookmark, "bookmark a moment of a video")
    mark.add_argument("video", metavar="VIDEO", help="the video's id or its title")
    mark.add_argument("--at", required=True, metavar="TIME", help="seconds, m:ss or h:mm:ss")
    mark.add_argument("--label", required=True, metavar="TEXT")
    mark.add_argument("--note", default="", metavar="TEXT", help="markdown")
    watched = table.add(GROUP, "watched", watched_interval, "record a watched interval")
    watched.add_argument("video", metavar="VIDEO", help="the video's id or its title")
    watched.add_argument("--from", dest="start", required=True, metavar="SECONDS")
    watched.add_argument("--to", dest="end", required=True, metavar="SECONDS")
    relink = table.add(GROUP, "relink", relink_folder, "find moved video files in a folder")
    relink.add_argument("folder", type=Path, metavar="FOLDER")
    relink.add_argument("--json", action="store_true", help="print what was found as JSON")


@contextmanager
def _opened(
    args: argparse.Namespace, locations: DataLocations
) -> Iterator[tuple[Profile, ProfileDatabase]]:
    with opened_profile(args, locations) as opened:
        yield opened.profile, opened.database


def add_videos(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.videos.adding import add_video_files

    # Before QtMultimedia loads: its start-up notes (audio servers absent) are not for a command.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
    from app.ui.videos.probe import command_line_prober

    with _opened(args, locations) as (profile, database), command_line_prober() as prober:
        report = add_video_files(database, args.paths, prober.probe, profile.media_dir)
    if args.json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        for video in report.added:
            print(f"Added “{video.title}” ({_clock(video.duration_s)})  {video.id}")
        for video in report.already_there:
            print(f"Already in the library: “{video.title}”  {video.id}")
        print(f"{profile.name}: {report.summary()}.")
    for refused in report.refused:
        print(f"Refused {refused.path}: {refused.reason}.", file=sys.stderr)
    return 1 if report.refused else 0


def list_videos(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.videos.library import library

    with _opened(args, locations) as (_profile, database):
        rows = library(database).rows
    if args.json:
        print(json.dumps([row.as_json() for row in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No videos yet: add some with `studydesk videos add PATH`.")
    for row in rows:
        state = "done" if row.completed else f"{round(row.watched_fraction * 100)}%"
        where = "MISSING " if row.missing else ""
        marks = f", {row.bookmarks} bookmarks" if row.bookmarks else ""
        facts = f"{_clock(row.duration_s)}, {state}{marks}"
        print(f"{row.id}  {row.title} ({facts}) {where}{row.path or ''}")
    return 0


def bookmark(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.videos.bookmarks import add_bookmark, clock, parse_clock
    from app.core.videos.library import find_video

    at_s = parse_clock(args.at)
    with _opened(args, locations) as (_profile, database):
        video = find_video(database, args.video)
        made = add_bookmark(database, video.id, at_s, args.label, args.note)
    print(f"Bookmarked “{video.title}” at {clock(made.bookmark.at_s)}: {made.bookmark.label}")
    return 0


def watched_interval(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.videos.bookmarks import parse_clock
    from app.core.videos.library import find_video
    from app.core.videos.watching import record_interval

    start, end = parse_clock(args.start), parse_clock(args.end)
    with _opened(args, locations) as (_profile, database):
        video = find_video(database, args.video)
        watched = record_interval(database, video.id, start, end)
    share = round(100 * watched.watched_s / watched.duration_s) if watched.duration_s else 0
    done = " It is complete." if watched.completed else ""
    print(f"Recorded {_clock(start)}–{_clock(end)} of “{video.title}”: {share}% watched.{done}")
    return 0


def relink_folder(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.videos.files import relink_folder as relink

    with _opened(args, locations) as (_profile, database):
        report = relink(database, args.folder)
    if args.json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
        return 0
    for found in report.relinked:
        print(f"Found “{found.title}” at {found.path}")
    print(f"{len(report.relinked)} found again; {report.still_missing} still missing.")
    return 0


def _clock(seconds: float) -> str:
    from app.core.videos.bookmarks import clock

    return clock(seconds)
