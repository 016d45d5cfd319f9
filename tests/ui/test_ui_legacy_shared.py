"""The older apps' shared courses and question bank, on first launch and with File > Import: they
are in the migrated learner's profile, and the report says so."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from legacy_setup import ENGINE, MS2_FILES, RECONSTRUCTED, count
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from ui_helpers import visible

from app.core.opening import OpenProfile
from app.core.profiles import list_profiles
from app.importers.discovery import LEGACY_DIRS_ENV
from app.paths import DataLocations
from app.ui.dialogs.import_report import ImportReportDialog
from app.ui.launch import Launcher
from app.ui.legacy_import import LegacyImportRun
from app.ui.main_window import MainWindow

WAIT_MS = 20_000
pytestmark = pytest.mark.usefixtures("no_legacy_files_of_this_computer")
SHARED = "What the older apps kept for every account"


def held(db_file: Path) -> dict[str, int]:
    return {table: count(db_file, table) for table in ("courses", "questions", "notes")}


def report_dialog(qtbot: QtBot, run: LegacyImportRun) -> ImportReportDialog:
    qtbot.waitUntil(lambda: visible(run.report_dialog), timeout=WAIT_MS)
    assert run.report_dialog is not None
    return run.report_dialog


def test_first_launch_puts_the_shared_courses_and_bank_in_the_learners_profile(
    qtbot: QtBot,
    locations: DataLocations,
    launch: Callable[..., Launcher],
    fixtures: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """TechTree (one account, its lesson engine's syllabi of no user) and MS2 QBank found on a
    first launch: the learner's profile, chosen in the picker, holds all of it."""
    folder = tmp_path / "older apps"
    folder.mkdir()
    shutil.copy(fixtures / RECONSTRUCTED, folder / "techtree_db.json")
    shutil.copy(fixtures / ENGINE, folder / "syllabus_db.json")
    for name in MS2_FILES:
        shutil.copy(fixtures / name, folder / name)
    monkeypatch.setenv(LEGACY_DIRS_ENV, str(folder))

    launcher = launch()
    qtbot.waitUntil(lambda: launcher.legacy_import is not None, timeout=WAIT_MS)
    assert launcher.legacy_import is not None
    dialog = report_dialog(qtbot, launcher.legacy_import)
    shown = dialog.shown_text()
    assert SHARED in shown and "to the profile 'Sample Learner'" in shown
    assert SHARED in dialog.text()  # Copy and Save say it too
    profiles = {p.name: p for p in list_profiles(locations)}
    assert held(profiles["Sample Learner"].db_file) == {"courses": 4, "questions": 2, "notes": 5}
    assert held(profiles["Robin"].db_file) == {"courses": 0, "questions": 0, "notes": 0}

    dialog.close()
    qtbot.waitUntil(lambda: visible(launcher.picker), timeout=WAIT_MS)
    assert launcher.picker is not None
    chosen = launcher.picker.chosen()
    assert chosen is not None and chosen.name == "Sample Learner"


def test_file_import_of_a_file_with_an_account_says_where_the_bank_went(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    opened: OpenProfile,
    locations: DataLocations,
    fixtures: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window()
    before = held(opened.profile.db_file)
    paths = [str(fixtures / RECONSTRUCTED), str(fixtures / MS2_FILES[0])]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *_a, **_k: (paths, ""))
    )
    window.import_action.trigger()
    qtbot.waitUntil(lambda: window.legacy_import is not None, timeout=WAIT_MS)
    assert window.legacy_import is not None
    dialog = report_dialog(qtbot, window.legacy_import)
    assert "to the profile 'Sample Learner'" in dialog.shown_text()
    (learner,) = [p for p in list_profiles(locations) if p.name == "Sample Learner"]
    assert held(learner.db_file) == {"courses": 1, "questions": 2, "notes": 0}
    assert held(opened.profile.db_file) == before
    dialog.close()
    qtbot.waitUntil(lambda: window.import_action.isEnabled(), timeout=WAIT_MS)
