"""Fixtures for the video tests: real clips made once per session with ffmpeg, a real decoder,
real profile files in tmp_path.

ffmpeg is installed by packaging/test.sh (and the README's commands); without it these tests
fail with a message saying so, never skip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from video_clips import Clips, make_audio, make_clip

import app.core.samples as samples
from app.core.opening import OpenProfile, open_profile
from app.core.profiles import create_profile
from app.db.database import ProfileDatabase
from app.logs import setup_logging
from app.paths import DataLocations, data_locations
from app.ui.context import ViewContext
from app.ui.device_settings import DeviceSettings
from app.ui.error_dialog import ErrorReporter
from app.ui.main_window import MainWindow
from app.ui.tasks import TaskRunner
from app.ui.theme import Appearance
from app.ui.videos.probe import MediaProber
from app.ui.videos.view import VideosView

SUBTITLES = """1
00:00:00,500 --> 00:00:02,000
First line of the lecture

2
00:00:02,500 --> 00:00:03,800
Second line
"""


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    folder = tmp_path_factory.mktemp("clips")
    srt = folder / "track.srt"
    srt.write_text(SUBTITLES, encoding="utf-8")
    return Clips(
        folder,
        make_clip(folder / "lecture.mp4", title="Cardiac cycle"),
        make_clip(folder / "board review.webm", video="vp9", audio="opus"),
        make_clip(folder / "hevc.mkv", video="hevc", subtitles=srt),
        make_clip(folder / "av1.mp4", video="av1", audio=None, duration=2.0),
        make_audio(folder / "podcast.m4a", title="Renal physiology talk"),
    )


@pytest.fixture(scope="session")
def prober(qapp: QApplication) -> Iterator[MediaProber]:
    made = MediaProber()
    yield made
    made.close()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[ProfileDatabase]:
    opened = ProfileDatabase.open(tmp_path / "p" / "studydesk.sqlite3", tmp_path / "b", create=True)
    yield opened
    opened.close()


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    return tmp_path / "p" / "media"


@pytest.fixture(autouse=True)
def _own_sample_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(samples, "_KINDS", dict(samples._KINDS))


@pytest.fixture
def context(
    qapp: QApplication, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ViewContext]:
    """A new profile (Maya, with the sample video) and the window's runner around it."""
    from app.features import install_samples

    install_samples()
    locations: DataLocations = data_locations()
    opened: OpenProfile = open_profile(locations, create_profile(locations, "Maya"))
    runner = TaskRunner()
    reporter = ErrorReporter(setup_logging(locations))
    runner.user_error.connect(reporter.user_error)
    made = ViewContext(
        locations, runner, opened, DeviceSettings(locations), Appearance(qapp), reporter
    )
    yield made
    runner.shutdown(timeout=10)
    opened.close()


@pytest.fixture
def view(qtbot: QtBot, context: ViewContext) -> Iterator[VideosView]:
    """The Videos view on screen, its library read (the sample video listed)."""
    made = VideosView(context)
    qtbot.addWidget(made)
    made.resize(1000, 640)
    made.show()
    qtbot.waitUntil(lambda: made.library.model.rowCount() > 0)
    yield made
    made.player.close_video()
    qtbot.wait(100)


@pytest.fixture
def window(qtbot: QtBot, context: ViewContext) -> Iterator[MainWindow]:
    """The whole window over the profile, closed with its player stopped."""
    made = MainWindow(context)
    made.resize(1100, 760)
    made.show()
    yield made
    videos = made.view_of("Videos")
    if isinstance(videos, VideosView):
        videos.player.close_video()
        qtbot.wait(100)
    if shiboken6.isValid(made):
        made.close()
