"""First launch with the older app's file damaged (cut off while being copied): the learner is
told, in words about their older app's data, which file and why; the file is left exactly as it
was; Study Desk still opens, and welcomes them as a new learner (where to start, File > Import)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from legacy_setup import FIXTURES, RECONSTRUCTED
from pytestqt.qtbot import QtBot
from test_ui_legacy_import import report_dialog
from ui_helpers import visible

from app.ui.launch import Launcher
from app.ui.sync.first_launch import BringProfileDialog

WAIT_MS = 20_000


@pytest.fixture
def home(fixtures: Path, tmp_path: Path, no_legacy_files_of_this_computer: None) -> Path:
    """The learner's home folder (empty, made by the conftest's fixture), where the older app
    kept its file."""
    return tmp_path / "home"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_cut_off_file_is_named_left_as_it_was_and_study_desk_still_opens(
    qtbot: QtBot, launch: Callable[..., Launcher], home: Path
) -> None:
    backend = home / "TechTree" / "backend"
    backend.mkdir(parents=True)
    damaged = backend / "techtree_db.json"
    damaged.write_bytes((FIXTURES / RECONSTRUCTED).read_bytes()[:5000])  # cut off
    before = digest(damaged)
    launcher = launch()
    qtbot.waitUntil(lambda: launcher.legacy_import is not None, timeout=WAIT_MS)
    assert launcher.legacy_import is not None
    dialog = report_dialog(qtbot, launcher.legacy_import)
    # The learner launched Study Desk; they did not ask for "an import".
    assert dialog.heading.text() == "Your data from the older app could not be brought in"
    shown = dialog.shown_text()
    assert damaged.name in shown and str(damaged.parent) in shown  # which file, and where
    assert "ends too early" in shown and "Nothing was imported" in shown
    assert digest(damaged) == before
    dialog.close()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=WAIT_MS)
    window = launcher.window
    assert window is not None
    # A new learner after all: the welcome says where to start, File > Import included.
    qtbot.waitUntil(lambda: visible(getattr(window, "sync_offer", None)), timeout=WAIT_MS)
    welcome: BringProfileDialog = window.sync_offer  # type: ignore[attr-defined]
    assert "File &gt; Import" in welcome.where_to_start.text()
    assert digest(damaged) == before


def test_some_files_in_and_one_cut_off_says_part_came_in(
    qtbot: QtBot, launch: Callable[..., Launcher], home: Path
) -> None:
    backend = home / "TechTree" / "backend"
    backend.mkdir(parents=True)
    (backend / "techtree_db.json").write_bytes((FIXTURES / RECONSTRUCTED).read_bytes()[:5000])
    shutil.copy(FIXTURES / "techtree_syllabus_db.e4fc694.json", backend / "syllabus_db.json")
    launcher = launch()
    qtbot.waitUntil(lambda: launcher.legacy_import is not None, timeout=WAIT_MS)
    assert launcher.legacy_import is not None
    dialog = report_dialog(qtbot, launcher.legacy_import)
    assert dialog.heading.text() == "Part of your data from the older app is now in Study Desk"
    shown = dialog.shown_text()
    assert "3 courses" in shown and "techtree_db.json" in shown
    dialog.close()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=WAIT_MS)
    window = launcher.window
    assert window is not None
    qtbot.wait(300)  # the old data came in: no welcome for a new learner over it
    assert not visible(getattr(window, "sync_offer", None))
