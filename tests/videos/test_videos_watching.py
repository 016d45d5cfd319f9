"""Watching, bookmarks, playlists and categories through the core actions (facts handed in as a
decoder would give them; the decoding itself is tested in test_videos_adding and the player's
tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from video_clips import added_video

from app.core.changes import Change
from app.core.videos.bookmarks import (
    add_bookmark,
    bookmarks_of,
    delete_bookmark,
    edit_bookmark,
    parse_clock,
    restore_bookmark,
)
from app.core.videos.library import (
    LibraryQuery,
    SortKey,
    WatchFilter,
    continue_watching,
    library,
    video_detail,
)
from app.core.videos.library_actions import Categories, link_video, set_categories, tag_video
from app.core.videos.playlists import (
    add_to_playlist,
    create_playlist,
    delete_playlist,
    move_beside,
    move_in_playlist,
    playlist_video_ids,
    remove_from_playlist,
)
from app.core.videos.watching import (
    completion_threshold_of,
    record_interval,
    set_completion_threshold,
    set_last_position,
    watch_time_per_day,
)
from app.db.database import ProfileDatabase
from app.errors import UserError

ZONE = ZoneInfo("America/New_York")


def test_watching_appends_intervals_and_completes_at_the_threshold_once(
    database: ProfileDatabase, tmp_path: Path
) -> None:
    video_id = added_video(database, tmp_path, "Lecture")
    first = record_interval(database, video_id, 0, 50)
    assert first.changes == Change.WATCHING and not first.completed
    again = record_interval(database, video_id, 0, 50)  # the same half again counts once
    assert again.watched_s == pytest.approx(50)
    done = record_interval(database, video_id, 45, 91, position_s=91)
    assert done.completed and done.completed_now
    later = record_interval(database, video_id, 91, 100)
    assert later.completed and not later.completed_now  # the first completion is kept
    row = library(database).rows[0]
    assert row.completed and row.watched_fraction == pytest.approx(1.0)
    assert video_detail(database, video_id).watched == ((0.0, 100.0),)


def test_a_drag_to_the_end_never_counts(database: ProfileDatabase, tmp_path: Path) -> None:
    video_id = added_video(database, tmp_path, "Lecture")
    with pytest.raises(UserError, match="only what was played counts"):
        record_interval(database, video_id, 0, 95, wall_s=2.0)
    with pytest.raises(UserError, match="past its end"):
        record_interval(database, video_id, 120, 130)
    with pytest.raises(UserError, match="start before its end"):
        record_interval(database, video_id, 30, 10)
    assert library(database).rows[0].watched_s == 0


def test_the_threshold_is_a_setting(database: ProfileDatabase, tmp_path: Path) -> None:
    video_id = added_video(database, tmp_path, "Lecture")
    set_completion_threshold(database, 0.75)
    assert record_interval(database, video_id, 0, 76).completed
    with pytest.raises(UserError):
        set_completion_threshold(database, 0.2)
    assert completion_threshold_of(database) == 0.75

    # Lowered below what was watched: completed now. Raised again: a completion is kept.
    other = added_video(database, tmp_path, "Seminar")
    assert not record_interval(database, other, 0, 60).completed
    set_completion_threshold(database, 0.6)
    assert completion_threshold_of(database) == 0.6
    rows = {row.id: row for row in library(database).rows}
    assert rows[other].completed and rows[video_id].completed
    set_completion_threshold(database, 0.9)
    assert all(row.completed for row in library(database).rows)


def test_two_devices_logs_give_the_same_completion_in_any_order(tmp_path: Path) -> None:
    """Device A watched the first half, device B the second; merged (union by id) in either
    order, both see the video complete."""
    logs = {"a": [(0.0, 50.0)], "b": [(48.0, 95.0)]}
    results = []
    for order in (("a", "b"), ("b", "a")):
        folder = tmp_path / "".join(order)
        database = ProfileDatabase.open(folder / "p.sqlite3", folder / "b", create=True)
        try:
            video_id = added_video(database, folder, "Shared lecture")
            for device in order:
                for start, end in logs[device]:
                    record_interval(database, video_id, start, end)
            results.append(library(database).rows[0])
        finally:
            database.close()
    assert [(r.completed, round(r.watched_s, 6)) for r in results] == [(True, 95.0)] * 2


def test_last_position_and_continue_watching(database: ProfileDatabase, tmp_path: Path) -> None:
    first = added_video(database, tmp_path, "First")
    second = added_video(database, tmp_path, "Second")
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    set_last_position(database, first, 30, now=now)
    record_interval(database, second, 0, 20, now=now + timedelta(minutes=5))
    assert [r.id for r in continue_watching(database)] == [second, first]
    assert library(database).rows[0].last_position_s == 30
    record_interval(database, first, 0, 99)  # completed: no longer "continue"
    assert [r.id for r in continue_watching(database)] == [second]


def test_watch_time_per_day_counts_wall_clock_time_on_study_days(
    database: ProfileDatabase, tmp_path: Path
) -> None:
    video_id = added_video(database, tmp_path, "Lecture", duration_s=3600)
    now = datetime(2026, 5, 3, 20, tzinfo=ZONE)
    two_days_ago = datetime(2026, 5, 1, 10, tzinfo=ZONE)
    record_interval(database, video_id, 0, 600, started_at=two_days_ago, wall_s=600, now=now)
    # 2x speed: 20 minutes of video in 10 minutes of the learner's time
    record_interval(database, video_id, 600, 1800, speed=2.0, started_at=now, wall_s=600, now=now)
    # at 1 am it still belongs to the study day before (4 am rollover)
    late = datetime(2026, 5, 3, 1, tzinfo=ZONE)
    record_interval(database, video_id, 1800, 1860, started_at=late, wall_s=60, now=now)
    days = watch_time_per_day(database, now, days=3)
    assert [(d.day, d.seconds) for d in days] == [
        (date(2026, 5, 1), 600.0),
        (date(2026, 5, 2), 60.0),
        (date(2026, 5, 3), 600.0),
    ]


def test_bookmarks_add_edit_delete_and_undo(database: ProfileDatabase, tmp_path: Path) -> None:
    video_id = added_video(database, tmp_path, "Lecture")
    made = add_bookmark(database, video_id, 83, "Frank-Starling", "**preload** rises")
    assert made.changes == Change.BOOKMARKS and made.before is None
    untitled = add_bookmark(database, video_id, 12.5)
    assert untitled.bookmark.label == "Bookmark at 0:12"
    edited = edit_bookmark(database, made.bookmark.id, label="Starling curve", at_s=84)
    assert edited.before == made.bookmark
    restore_bookmark(database, edited.before)  # undo the edit
    deleted = delete_bookmark(database, made.bookmark.id)
    assert [b.id for b in bookmarks_of(database, video_id)] == [untitled.bookmark.id]
    restore_bookmark(database, deleted.before)  # undo the delete
    marks = bookmarks_of(database, video_id)
    assert [(b.at_s, b.label, b.note) for b in marks] == [
        (12.5, "Bookmark at 0:12", ""),
        (83.0, "Frank-Starling", "**preload** rises"),
    ]
    assert library(database).rows[0].bookmarks == 2


def test_a_bookmark_past_the_end_is_refused_with_the_times(
    database: ProfileDatabase, tmp_path: Path
) -> None:
    video_id = added_video(database, tmp_path, "Lecture", duration_s=90)
    with pytest.raises(UserError, match=r"2:00 is past the end of “Lecture” \(1:30 long\)"):
        add_bookmark(database, video_id, 120, "Too late")
    with pytest.raises(UserError, match="before the start"):
        add_bookmark(database, video_id, -1, "Too early")
    assert add_bookmark(database, video_id, 90.2).bookmark.at_s == 90  # rounding of the end
    assert bookmarks_of(database, video_id)[0].at_s == 90


def test_clock_times_are_read_as_the_cli_writes_them() -> None:
    assert parse_clock("1:23") == 83
    assert parse_clock("1:02:03") == 3723
    assert parse_clock("83.5") == 83.5
    for bad in ("1:75", "abc", "", "1::2", "-3"):
        with pytest.raises(UserError):
            parse_clock(bad)


def test_playlists_keep_their_own_order_and_a_move_writes_one_key(
    database: ProfileDatabase, tmp_path: Path
) -> None:
    ids = [added_video(database, tmp_path, name) for name in ("A", "B", "C", "D")]
    playlist = create_playlist(database, "  Cardiology   week 1 ").playlist_id
    add_to_playlist(database, playlist, ids)
    add_to_playlist(database, playlist, [ids[0]])  # already there: stays where it is
    assert playlist_video_ids(database, playlist) == tuple(ids)
    move_in_playlist(database, playlist, ids[3], 0)
    move_in_playlist(database, playlist, ids[0], 3)
    assert playlist_video_ids(database, playlist) == (ids[3], ids[1], ids[2], ids[0])
    move_beside(database, playlist, ids[0], ids[2])  # one up, past its neighbour
    assert playlist_video_ids(database, playlist) == (ids[3], ids[1], ids[0], ids[2])
    move_beside(database, playlist, ids[3], ids[1])  # one down
    assert playlist_video_ids(database, playlist) == (ids[1], ids[3], ids[0], ids[2])
    move_beside(database, playlist, ids[1], ids[0])  # down past a video a search hides
    assert playlist_video_ids(database, playlist) == (ids[3], ids[0], ids[1], ids[2])
    with pytest.raises(UserError, match="not in the playlist"):
        move_beside(database, playlist, ids[1], "elsewhere")
    move_in_playlist(database, playlist, ids[3], 0)
    move_in_playlist(database, playlist, ids[0], 3)
    move_in_playlist(database, playlist, ids[1], 1)
    assert playlist_video_ids(database, playlist) == (ids[3], ids[1], ids[2], ids[0])
    remove_from_playlist(database, playlist, [ids[1]])
    shown = library(database, LibraryQuery(playlist_id=playlist)).rows
    assert [r.id for r in shown] == [ids[3], ids[2], ids[0]]
    (entry,) = library(database).playlists
    assert (entry.name, entry.count) == ("Cardiology week 1", 3)
    delete_playlist(database, playlist)
    assert library(database).playlists == ()
    with pytest.raises(UserError, match="needs a name"):
        create_playlist(database, "   ")


def test_categories_tags_filters_search_and_sort(database: ProfileDatabase, tmp_path: Path) -> None:
    heart = added_video(database, tmp_path, "Heart sounds", duration_s=300)
    kidney = added_video(database, tmp_path, "Nephron", duration_s=100)
    set_categories(
        database, heart, Categories("Physiology", "Cardiovascular", "Murmurs", ("auscultation",))
    )
    set_categories(database, kidney, Categories("Physiology", "Renal", "", ("exam", "renal")))
    tag_video(database, [heart], "exam")
    record_interval(database, kidney, 0, 40)
    found = library(database)
    assert found.subjects == ("Physiology",)
    assert found.tags == ("auscultation", "exam", "renal")
    assert [r.title for r in library(database, LibraryQuery(tag="EXAM")).rows] == [
        "Heart sounds",
        "Nephron",
    ]
    assert [r.title for r in library(database, LibraryQuery(search="murmur")).rows] == [
        "Heart sounds"
    ]
    in_progress = library(database, LibraryQuery(state=WatchFilter.IN_PROGRESS)).rows
    assert [r.id for r in in_progress] == [kidney]
    unwatched = library(database, LibraryQuery(state=WatchFilter.UNWATCHED)).rows
    assert [r.id for r in unwatched] == [heart]
    longest = library(database, LibraryQuery(sort=SortKey.DURATION, descending=True)).rows
    assert [r.id for r in longest] == [heart, kidney]
    set_categories(database, heart, Categories())  # clears them, tags too
    assert library(database, LibraryQuery(search="murmur")).rows == ()
    with pytest.raises(UserError):
        link_video(database, heart, course_id="no-such-course")
