"""Adding files and folders: what comes in, what is refused and why, and a video's identity."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from video_clips import Clips

from app.core.changes import Change
from app.core.progress import Progress
from app.core.videos.adding import add_examined, add_video_files, examine_files
from app.core.videos.files import FileState, check_file, locate_video, relink_folder
from app.core.videos.library import LibraryQuery, WatchFilter, find_video, library
from app.core.videos.library_actions import remove_videos, restore_videos
from app.core.videos.media import fingerprint, thumbnail_path
from app.db.database import ProfileDatabase
from app.errors import Cancelled, UserError
from app.ui.videos.probe import MediaProber


def _add(database: ProfileDatabase, prober: MediaProber, media_dir: Path, *paths: Path):
    return add_video_files(database, list(paths), prober.probe, media_dir)


def test_each_codec_comes_in_with_its_facts_and_a_thumbnail_from_a_real_frame(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, clips: Clips
) -> None:
    report = _add(database, prober, media_dir, clips.h264.path, clips.vp9.path, clips.hevc.path)
    assert report.refused == () and len(report.added) == 3
    assert report.changes & Change.VIDEOS
    rows = {row.title: row for row in library(database).rows}
    lecture = rows["Cardiac cycle"]  # the file's title tag, not its name
    assert (lecture.width, lecture.height) == (320, 240)
    assert lecture.video_codec == "H264" and lecture.audio_codec == "AAC"
    assert lecture.duration_s == pytest.approx(4.0, abs=0.1)
    assert rows["board review"].video_codec == "VP9"  # no title tag: the file's name
    assert rows["hevc"].video_codec in ("H265", "HEVC")
    for row in rows.values():
        thumbnail = thumbnail_path(media_dir, row.id)
        assert thumbnail.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG


def test_an_audio_lecture_comes_in_without_picture(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, clips: Clips
) -> None:
    report = _add(database, prober, media_dir, clips.audio)
    (row,) = library(database).rows
    assert report.added[0].title == row.title == "Renal physiology talk"
    assert row.has_video is False and row.width is None


def test_the_same_content_is_one_video_and_a_moved_file_is_found_again(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, clips: Clips, tmp_path: Path
) -> None:
    first = _add(database, prober, media_dir, clips.h264.path)
    again = _add(database, prober, media_dir, clips.h264.path)
    assert again.added == () and [v.id for v in again.already_there] == [first.added[0].id]
    moved = tmp_path / "elsewhere" / "renamed.mp4"
    moved.parent.mkdir()
    shutil.copy(clips.h264.path, moved)
    third = _add(database, prober, media_dir, moved)
    assert [v.id for v in third.already_there] == [first.added[0].id]
    (row,) = library(database).rows
    assert row.path == str(moved)
    # Two devices agree on the id: it is made from the content alone.
    assert first.added[0].id == fingerprint(moved).video_id


def test_a_folder_brings_in_what_it_can_and_names_each_refused_file_with_its_reason(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, clips: Clips, tmp_path: Path
) -> None:
    folder = tmp_path / "lectures — été"  # a path with non-ASCII characters
    (folder / "week 2").mkdir(parents=True)
    shutil.copy(clips.h264.path, folder / "ça va.mp4")
    shutil.copy(clips.vp9.path, folder / "week 2" / "board.webm")
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "random.mkv").write_bytes(os.urandom(50_000))
    (folder / "cut short.mp4").write_bytes(clips.h264.path.read_bytes()[:30_000])
    (folder / "slides.pdf").write_bytes(b"%PDF-1.4")
    (folder / "notes.txt").write_text("not a video")
    report = _add(database, prober, media_dir, folder)
    assert sorted(v.path for v in report.added) == [
        str(folder / "week 2" / "board.webm"),
        str(folder / "ça va.mp4"),
    ]
    reasons = {Path(r.path).name: r.reason for r in report.refused}
    assert reasons["empty.mp4"] == "the file is empty (0 bytes)"
    assert "not a video or audio file that can be played" in reasons["random.mkv"]
    assert "not a video or audio file that can be played" in reasons["cut short.mp4"]
    assert report.skipped == 2  # the pdf and the text file: left alone, not refused
    assert report.as_json()["refused"] == [r.as_json() for r in report.refused]


def test_a_file_named_explicitly_that_is_not_media_is_refused(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, tmp_path: Path
) -> None:
    text = tmp_path / "essay.txt"
    text.write_text("words")
    report = _add(database, prober, media_dir, text, tmp_path / "nowhere.mp4")
    assert report.added == ()
    assert [r.reason for r in report.refused] == [
        "there is no such file or folder",
        "it is not a video or audio file that can be played (Could not open file)",
    ]


def test_a_folder_of_thousands_of_other_files_is_walked_quickly_and_cancel_writes_nothing(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, clips: Clips, tmp_path: Path
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for n in range(10_000):
        (folder / f"page-{n}.html").write_bytes(b"")
    shutil.copy(clips.h264.path, folder / "lecture.mp4")
    report = _add(database, prober, media_dir, folder)
    assert len(report.added) == 1 and report.skipped == 10_000 and report.refused == ()

    progress = Progress()
    progress.cancel()
    other = tmp_path / "more"
    other.mkdir()
    shutil.copy(clips.vp9.path, other / "x.webm")
    with pytest.raises(Cancelled):
        examine_files(database, [other], prober.probe, media_dir, progress)
    assert len(library(database).rows) == 1


def test_a_read_only_folder_is_read_and_an_unreadable_one_is_named(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, clips: Clips, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    folder = tmp_path / "read-only"
    folder.mkdir()
    shutil.copy(clips.h264.path, folder / "lecture.mp4")
    folder.chmod(0o555)
    try:
        assert len(_add(database, prober, media_dir, folder).added) == 1
    finally:
        folder.chmod(0o755)
    # root reads any folder, so the walk's refusal is simulated as the OS reports it
    locked = tmp_path / "locked"
    locked.mkdir()

    def refusing_walk(top: Path, onerror=None):  # type: ignore[no-untyped-def]
        onerror(PermissionError(13, "Permission denied", str(top)))
        return iter(())

    monkeypatch.setattr("app.core.videos.adding.os.walk", refusing_walk)
    report = _add(database, prober, media_dir, locked)
    assert [r.as_json() for r in report.refused] == [
        {"path": str(locked), "reason": "the folder could not be read (Permission denied)"}
    ]


def test_an_undecodable_codec_is_kept_with_its_codec_named(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, clips: Clips
) -> None:
    examined = examine_files(database, [clips.av1.path], prober.probe, media_dir)
    (found,) = examined.found
    assert found.probed is not None
    assert found.probed.video_codec == "AV1" and found.probed.decodes is False
    add_examined(database, examined, media_dir)
    (row,) = library(database).rows
    assert row.video_codec == "AV1"
    assert not thumbnail_path(media_dir, row.id).exists()


def test_removing_keeps_everything_and_adding_again_brings_it_back(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, clips: Clips
) -> None:
    video_id = _add(database, prober, media_dir, clips.h264.path).added[0].id
    remove_videos(database, [video_id])
    assert library(database).rows == ()
    assert clips.h264.path.exists()  # the file itself is never touched
    restore_videos(database, [video_id])
    assert [r.id for r in library(database).rows] == [video_id]
    remove_videos(database, [video_id])
    assert [v.id for v in _add(database, prober, media_dir, clips.h264.path).added] == [video_id]


def test_a_missing_file_is_reported_and_locating_one_relinks_the_rest_of_its_folder(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, clips: Clips, tmp_path: Path
) -> None:
    drive = tmp_path / "usb"
    drive.mkdir()
    for clip in (clips.h264, clips.vp9, clips.hevc):
        shutil.copy(clip.path, drive / clip.path.name)
    report = _add(database, prober, media_dir, drive)
    ids = {Path(v.path).name: v.id for v in report.added}
    moved = tmp_path / "usb-mounted-elsewhere"
    drive.rename(moved)
    assert {r.missing for r in library(database).rows} == {True}
    missing = library(database, LibraryQuery(state=WatchFilter.MISSING)).rows
    assert len(missing) == 3
    check = check_file(database, ids["lecture.mp4"])
    assert check.state is FileState.MISSING and check.path == str(drive / "lecture.mp4")

    wrong = locate_video_error(database, ids["lecture.mp4"], moved / "hevc.mkv")
    assert "is not “Cardiac cycle”" in wrong
    relinked = locate_video(database, ids["lecture.mp4"], moved / "lecture.mp4")
    assert {r.id for r in relinked.relinked} == set(ids.values())
    assert relinked.still_missing == 0
    assert {r.missing for r in library(database).rows} == {False}
    assert check_file(database, ids["hevc.mkv"]).path == str(moved / "hevc.mkv")


def locate_video_error(database: ProfileDatabase, video_id: str, path: Path) -> str:
    with pytest.raises(UserError) as raised:
        locate_video(database, video_id, path)
    return str(raised.value)


def test_a_file_replaced_by_another_at_the_same_place_is_never_rebound_silently(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, clips: Clips, tmp_path: Path
) -> None:
    place = tmp_path / "lecture.mp4"
    shutil.copy(clips.h264.path, place)
    video_id = _add(database, prober, media_dir, place).added[0].id
    assert check_file(database, video_id).playable
    shutil.copy(clips.vp9.path, place)  # same name, other content
    check = check_file(database, video_id)
    assert check.state is FileState.REPLACED
    assert relink_folder(database, tmp_path).relinked == ()  # not this video's content


def test_relinking_a_folder_reads_only_files_of_a_missing_videos_size(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, clips: Clips, tmp_path: Path
) -> None:
    source = tmp_path / "a"
    source.mkdir()
    shutil.copy(clips.vp9.path, source / "v.webm")
    video_id = _add(database, prober, media_dir, source).added[0].id
    (source / "v.webm").unlink()
    target = tmp_path / "b"
    (target / "deep").mkdir(parents=True)
    shutil.copy(clips.vp9.path, target / "deep" / "renamed.webm")
    report = relink_folder(database, target)
    assert report.as_json() == {
        "relinked": [{"id": video_id, "title": "v", "path": str(target / "deep" / "renamed.webm")}],
        "still_missing": 0,
    }
    with pytest.raises(UserError, match="is not a folder"):
        relink_folder(database, tmp_path / "nope")


def test_a_video_is_found_by_id_or_unique_title(
    database: ProfileDatabase, prober: MediaProber, media_dir: Path, clips: Clips, tmp_path: Path
) -> None:
    report = _add(database, prober, media_dir, clips.h264.path, clips.vp9.path)
    lecture = report.added[0]
    assert find_video(database, lecture.id).title == "Cardiac cycle"
    assert find_video(database, "cardiac CYCLE").id == lecture.id
    with pytest.raises(UserError, match="There is no video"):
        find_video(database, "Nephrology")
    copy = tmp_path / "Cardiac cycle.webm"
    shutil.copy(clips.hevc.path, copy)
    _add(database, prober, media_dir, copy)
    with pytest.raises(UserError, match="Several videos are called"):
        find_video(database, "Cardiac cycle")
