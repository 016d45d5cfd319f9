"""`studydesk videos ...`: the JSON a script reads, the lines a person reads, the exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from video_clips import Clips

from app.cli import run


def cli(data_dir: Path, *args: str) -> int:
    return run(["--data-dir", str(data_dir), *args])


@pytest.fixture
def data(tmp_path: Path, qapp: QApplication) -> Path:  # the decoder needs the Qt application
    return tmp_path / "data"


def test_add_list_bookmark_watched_and_relink(
    data: Path, clips: Clips, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lectures"
    folder.mkdir()
    shutil.copy(clips.h264.path, folder / "lecture.mp4")
    (folder / "broken.mp4").write_bytes(b"\0" * 4000)
    assert cli(data, "videos", "add", str(folder), "--json") == 1  # one file refused
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert [(v["title"], v["duration_s"]) for v in report["added"]] == [("Cardiac cycle", 4.0)]
    assert report["already_there"] == []
    assert report["refused"] == [
        {
            "path": str(folder / "broken.mp4"),
            "reason": "it is not a video or audio file that can be played (Could not open file)",
        }
    ]
    assert f"Refused {folder / 'broken.mp4'}" in out.err
    lecture_id = report["added"][0]["id"]

    assert cli(data, "videos", "add", str(folder / "lecture.mp4"), "--json") == 0
    assert [v["id"] for v in json.loads(capsys.readouterr().out)["already_there"]] == [lecture_id]

    assert cli(data, "videos", "bookmark", "cardiac cycle", "--at", "0:02", "--label", "S1") == 0
    assert "Bookmarked “Cardiac cycle” at 0:02: S1" in capsys.readouterr().out
    assert cli(data, "videos", "watched", lecture_id, "--from", "0", "--to", "3.8") == 0
    assert "It is complete." in capsys.readouterr().out

    assert cli(data, "videos", "list", "--json") == 0
    listed = {v["title"]: v for v in json.loads(capsys.readouterr().out)}
    assert set(listed) == {"Cardiac cycle"}
    assert listed["Cardiac cycle"] == {
        "id": lecture_id,
        "title": "Cardiac cycle",
        "path": str(folder / "lecture.mp4"),
        "duration_s": 4.0,
        "watched_fraction": 0.95,
        "completed": True,
        "bookmarks": 1,
        "missing": False,
    }

    moved = tmp_path / "moved"
    folder.rename(moved)
    assert cli(data, "videos", "list") == 0
    assert "MISSING" in capsys.readouterr().out
    assert cli(data, "videos", "relink", str(moved), "--json") == 0
    assert json.loads(capsys.readouterr().out) == {
        "relinked": [
            {"id": lecture_id, "title": "Cardiac cycle", "path": str(moved / "lecture.mp4")}
        ],
        "still_missing": 0,
    }


def test_bad_input_exits_1_with_one_line(
    data: Path, clips: Clips, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(data, "videos", "add", str(clips.vp9.path)) == 0
    capsys.readouterr()
    assert cli(data, "videos", "bookmark", "board review", "--at", "9:00", "--label", "x") == 1
    assert "past the end of “board review”" in capsys.readouterr().err
    assert cli(data, "videos", "bookmark", "nothing", "--at", "1", "--label", "x") == 1
    assert "There is no video 'nothing'" in capsys.readouterr().err
    assert cli(data, "videos", "watched", "board review", "--from", "3", "--to", "1") == 1
    assert cli(data, "videos", "bookmark", "board review", "--at", "1:99", "--label", "x") == 1
    assert "is not a time" in capsys.readouterr().err


def test_the_videos_group_is_listed_in_the_help_with_the_others(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli.common import GROUP_HELP

    assert "videos" in GROUP_HELP  # declared with the other groups, not by its module
    with pytest.raises(SystemExit) as exited:
        cli(data, "--help")
    assert exited.value.code == 0
    listed = " ".join(capsys.readouterr().out.split())
    assert f"videos {' '.join(GROUP_HELP['videos'].split())}" in listed
