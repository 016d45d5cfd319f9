"""Fixtures for the GUI tests: real widgets over real profile files in tmp_path."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from legacy_setup import FIXTURES
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_helpers import Gui

import app.core.samples as samples
from app.core.opening import OpenProfile, open_profile
from app.core.profiles import create_profile
from app.importers.discovery import LEGACY_DIRS_ENV
from app.logs import setup_logging
from app.paths import DataLocations, data_locations
from app.ui.device_settings import DeviceSettings
from app.ui.error_dialog import ErrorReporter
from app.ui.launch import Launcher
from app.ui.main_window import MainWindow
from app.ui.tasks import TaskRunner
from app.ui.theme import Appearance


@pytest.fixture(autouse=True)
def _own_sample_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kinds a test registers disappear after it; the real ones stay registered."""
    monkeypatch.setattr(samples, "_KINDS", dict(samples._KINDS))


@pytest.fixture
def locations(data_dir: object) -> DataLocations:
    return data_locations()


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    task_runner = TaskRunner()
    yield task_runner
    task_runner.shutdown(timeout=10)
    # Its Qt object (and any timer bound to it) goes now, on this thread, within this test.
    shiboken6.delete(task_runner)


@pytest.fixture
def gui(qapp: QApplication, locations: DataLocations, runner: TaskRunner) -> Iterator[Gui]:
    reporter = ErrorReporter(setup_logging(locations))
    runner.user_error.connect(reporter.user_error)
    runner.task_failed.connect(reporter.task_failed)
    appearance = Appearance(qapp)
    appearance.apply_theme("light")
    yield Gui(locations, runner, DeviceSettings(locations), appearance, reporter)
    for widget in QApplication.topLevelWidgets():
        if shiboken6.isValid(widget) and widget.isVisible():
            widget.close()


@pytest.fixture
def launch(gui: Gui) -> Iterator[Callable[..., Launcher]]:
    """Start the launch flow the way run_gui does; the window is closed at the end."""
    made: list[Launcher] = []

    def start(*, profile_name: str | None = None, smoke: bool = False) -> Launcher:
        launcher = Launcher(
            gui.locations,
            gui.runner,
            gui.settings,
            gui.appearance,
            gui.reporter,
            profile_name=profile_name,
            smoke=smoke,
        )
        made.append(launcher)
        launcher.start()
        return launcher

    yield start
    for launcher in made:
        window = launcher.window
        if window is not None and shiboken6.isValid(window):
            window.close()


@pytest.fixture
def opened(locations: DataLocations) -> Iterator[OpenProfile]:
    """An open profile called Alex, as the launcher would hand it to the window."""
    profile = create_profile(locations, "Alex")
    open_one = open_profile(locations, profile)
    yield open_one
    if open_one.lock.held:
        open_one.close()


@pytest.fixture
def make_window(gui: Gui, opened: OpenProfile) -> Iterator[Callable[[], MainWindow]]:
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(gui.context(opened))
        windows.append(window)
        window.show()
        return window

    yield make
    for window in windows:
        if shiboken6.isValid(window):
            window.close()


@pytest.fixture
def window(qtbot: QtBot, make_window: Callable[[], MainWindow]) -> MainWindow:
    """A 1280 x 800 window, active, so the keyboard goes to it."""
    shown = make_window()
    shown.resize(1280, 800)
    qtbot.waitExposed(shown)
    shown.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown, timeout=10_000)
    return shown


@pytest.fixture
def text_size(request: pytest.FixtureRequest, gui: Gui) -> Iterator[int]:
    """Settings > Text size for the test (130 % is "Larger"), back to 100 % after it; used with
    `@pytest.mark.parametrize("text_size", [100, 130], indirect=True)`."""
    percent = int(request.param)
    gui.appearance.apply_text_size(percent)
    yield percent
    gui.appearance.apply_text_size(100)


@pytest.fixture
def fixtures() -> Path:
    """The older apps' real sample files (skipped where they are not)."""
    if not FIXTURES.is_dir():
        pytest.skip(f"the legacy sample files are not here: {FIXTURES}")
    return FIXTURES


@pytest.fixture
def no_legacy_files_of_this_computer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """First launch also looks in the home folder: the tests' own home is empty (a module of
    first-launch tests says `pytestmark = pytest.mark.usefixtures(...)`)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv(LEGACY_DIRS_ENV, raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: "robin")
