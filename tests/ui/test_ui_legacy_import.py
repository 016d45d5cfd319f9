"""Bringing in the older apps' data: automatically on first launch, and with File > Import."""

from __future__ import annotations

import copy
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from legacy_setup import MS2_FILES, RECONSTRUCTED, count
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from ui_helpers import click, message_boxes, visible

import app.importers.legacy_actions as legacy_actions
import app.ui.legacy_import as legacy_import_ui
from app.core.changes import Change
from app.core.opening import OpenProfile
from app.core.profiles import create_profile, list_profiles
from app.importers.discovery import LEGACY_DIRS_ENV
from app.main import run_gui
from app.paths import DataLocations
from app.ui.dialogs.import_report import ImportReportDialog
from app.ui.dialogs.profile_forms import unlock_intro
from app.ui.launch import Launcher
from app.ui.legacy_import import LegacyImportRun
from app.ui.main_window import MainWindow
from app.ui.today.view import TodayView

WAIT_MS = 20_000
pytestmark = pytest.mark.usefixtures("no_legacy_files_of_this_computer")
OLD_PASSWORD = "correct horse battery staple"


@pytest.fixture
def legacy_folder(tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder named in STUDYDESK_LEGACY_DIRS holding the reconstructed TechTree file."""
    folder = tmp_path / "old techtree"
    folder.mkdir()
    shutil.copy(fixtures / RECONSTRUCTED, folder / "techtree_db.json")
    monkeypatch.setenv(LEGACY_DIRS_ENV, str(folder))
    return folder


def write_questions(path: Path, fixtures: Path, number: int, *, broken: int = 0) -> Path:
    """An MS2 question bank of `number` questions; `broken` of them name an answer that is
    not one of their choices."""
    model = json.loads((fixtures / MS2_FILES[0]).read_text(encoding="utf-8"))[0]
    questions: list[dict[str, Any]] = []
    for index in range(number):
        question = copy.deepcopy(model)
        question["id"] = f"q_generated_{index}"
        question["stem"] = f"Generated question {index}: {model['stem']}"
        if index < broken:
            question["answer"] = "Z"
        questions.append(question)
    path.write_text(json.dumps(questions), encoding="utf-8")
    return path


def choose_files(monkeypatch: pytest.MonkeyPatch, paths: list[Path]) -> None:
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        staticmethod(lambda *_args, **_kwargs: ([str(p) for p in paths], "")),
    )


def report_dialog(qtbot: QtBot, run: LegacyImportRun) -> ImportReportDialog:
    qtbot.waitUntil(lambda: visible(run.report_dialog), timeout=WAIT_MS)
    assert run.report_dialog is not None
    return run.report_dialog


def today(window: MainWindow) -> TodayView:
    view = window.views[0]
    assert isinstance(view, TodayView)
    return view


@dataclass
class Hold:
    reached: threading.Event
    release: threading.Event


@pytest.fixture
def held_import(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hold]:
    """Holds the import on its worker just after it wrote its first rows, until released:
    the learner has time to click Cancel in the middle of the writing."""
    reached, release = threading.Event(), threading.Event()
    real = legacy_actions.import_legacy

    def held(*args: Any, progress: Any, **kwargs: Any) -> Any:
        advance = progress.advance

        def advance_then_wait(steps: int = 1, message: str | None = None) -> None:
            advance(steps, message)
            if not reached.is_set():
                reached.set()
                release.wait(WAIT_MS / 1000)

        progress.advance = advance_then_wait
        return real(*args, progress=progress, **kwargs)

    monkeypatch.setattr(legacy_actions, "import_legacy", held)
    yield Hold(reached, release)
    release.set()


def test_first_launch_brings_in_the_older_app_and_the_default_profile_still_opens(
    qtbot: QtBot,
    locations: DataLocations,
    launch: Callable[..., Launcher],
    legacy_folder: Path,
) -> None:
    launcher = launch()
    qtbot.waitUntil(lambda: launcher.legacy_import is not None, timeout=WAIT_MS)
    run = launcher.legacy_import
    assert run is not None
    dialog = report_dialog(qtbot, run)
    assert dialog.heading.text() == "Your data from the older app is now in Study Desk"
    shown = dialog.shown_text()
    assert "Sample Learner — new profile" in shown
    assert "1 course, 6 modules, 52 lessons" in shown
    assert "Not imported" not in shown
    assert "Robin" in shown  # the profile made for this launch is named too
    assert "'Sample Learner' (new profile)" in dialog.text()  # Copy gives the CLI's words
    profiles = {p.name: p for p in list_profiles(locations)}
    assert sorted(profiles) == ["Robin", "Sample Learner"]
    assert profiles["Sample Learner"].locked
    assert count(profiles["Sample Learner"].db_file, "lessons") == 52
    assert launcher.picker is None  # the launch waits until the report is read

    dialog.close()
    qtbot.waitUntil(lambda: visible(launcher.picker), timeout=WAIT_MS)
    picker = launcher.picker
    assert picker is not None
    assert picker.names() == ["Robin", "Sample Learner"]
    chosen = picker.chosen()
    assert chosen is not None and chosen.name == "Sample Learner"
    assert picker.note.isVisible()
    assert "use your old password" in picker.note.text()

    picker.select("Robin")
    with qtbot.waitSignal(launcher.window_shown, timeout=WAIT_MS) as opened:
        click(qtbot, picker.open_button)
    assert today(opened.args[0]).greeting.text().endswith(", Robin")


def test_the_learner_from_the_older_app_opens_with_their_old_password(
    qtbot: QtBot, locations: DataLocations, launch: Callable[..., Launcher], legacy_folder: Path
) -> None:
    """The password form says it is the one they had in the older app, and for which account,
    until it has been given once (it is then upgraded, and the form stops saying so)."""
    launcher = launch()
    qtbot.waitUntil(lambda: launcher.legacy_import is not None, timeout=WAIT_MS)
    assert launcher.legacy_import is not None
    report_dialog(qtbot, launcher.legacy_import).close()
    qtbot.waitUntil(lambda: visible(launcher.picker), timeout=WAIT_MS)
    assert launcher.picker is not None
    click(qtbot, launcher.picker.open_button)  # preselected: their own profile
    qtbot.waitUntil(lambda: visible(launcher.unlock_dialog), timeout=WAIT_MS)
    unlock = launcher.unlock_dialog
    assert unlock is not None
    intro = unlock.intro.text()
    assert intro.startswith("“Sample Learner” is protected by a password.")
    assert "use the password you had there (as " in intro and "@" in intro
    qtbot.keyClicks(unlock.password, OLD_PASSWORD)
    with qtbot.waitSignal(launcher.window_shown, timeout=WAIT_MS) as opened:
        click(qtbot, unlock.ok_button)
    assert today(opened.args[0]).greeting.text().endswith(", Sample Learner")
    (learner,) = [p for p in list_profiles(locations) if p.name == "Sample Learner"]
    assert unlock_intro(learner) == "“Sample Learner” is protected by a password."


def test_smoke_first_launch_imports_without_any_dialog_and_exits_0(
    locations: DataLocations, legacy_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    for name in ("ImportProgressDialog", "ImportReportDialog", "show_message"):
        monkeypatch.setattr(legacy_import_ui, name, lambda *_a, n=name, **_k: shown.append(n))

    assert run_gui(locations, smoke=True) == 0
    assert shown == []
    profiles = {p.name: p for p in list_profiles(locations)}
    assert sorted(profiles) == ["Robin", "Sample Learner"]
    assert count(profiles["Sample Learner"].db_file, "lessons") == 52
    assert profiles["Robin"].last_opened_at is not None  # the default profile was opened
    assert profiles["Sample Learner"].last_opened_at is None
    log_text = (locations.logs_dir / "studydesk.log").read_text(encoding="utf-8")
    assert "1 course, 6 modules, 52 lessons" in log_text
    assert log_text.count("Smoke: first paint") == 1


def test_a_launch_that_finds_profiles_does_not_look_for_legacy_files(
    qtbot: QtBot,
    locations: DataLocations,
    launch: Callable[..., Launcher],
    legacy_folder: Path,
) -> None:
    create_profile(locations, "Ana")
    launcher = launch()
    with qtbot.waitSignal(launcher.window_shown, timeout=WAIT_MS):
        pass
    assert launcher.legacy_import is None
    assert [p.name for p in list_profiles(locations)] == ["Ana"]


def test_file_import_brings_ms2_files_into_the_open_profile(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    opened: OpenProfile,
    fixtures: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window()
    before = count(opened.profile.db_file, "questions")
    choose_files(monkeypatch, [fixtures / name for name in MS2_FILES])
    with qtbot.waitSignal(window.context.runner.data_changed, timeout=WAIT_MS) as changed:
        window.import_action.trigger()
    assert changed.args[0] == Change.EVERYTHING  # every view refreshes
    run = window.legacy_import
    assert run is not None
    assert not window.import_action.isEnabled()
    dialog = report_dialog(qtbot, run)
    assert dialog.heading.text() == "Import finished"
    assert "Alex" in dialog.shown_text()
    assert "2 questions" in dialog.shown_text()
    assert count(opened.profile.db_file, "questions") == before + 2
    dialog.close()
    qtbot.waitUntil(lambda: window.import_action.isEnabled(), timeout=WAIT_MS)
    assert window.import_action.shortcut().toString() == "Ctrl+I"


def test_a_corrupt_file_is_named_as_not_imported_and_the_others_come_in(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    opened: OpenProfile,
    fixtures: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corrupt = tmp_path / "half-written.json"
    corrupt.write_text('{"_default": {"1": {"email": ', encoding="utf-8")
    before = count(opened.profile.db_file, "questions")
    window = make_window()
    choose_files(monkeypatch, [corrupt, fixtures / MS2_FILES[0]])
    window.import_action.trigger()
    assert window.legacy_import is not None
    dialog = report_dialog(qtbot, window.legacy_import)
    shown = dialog.shown_text()
    assert "half-written.json is not valid JSON" in shown
    assert "2 questions" in shown
    assert "Not imported:" in dialog.text() and str(corrupt) in dialog.text()
    assert count(opened.profile.db_file, "questions") == before + 2
    assert corrupt.read_text(encoding="utf-8").startswith('{"_default"')  # left as it was


def test_an_empty_file_is_named_in_the_report(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    fixtures: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    empty = tmp_path / "old-notes.json"
    empty.write_bytes(b"")
    window = make_window()
    choose_files(monkeypatch, [empty, fixtures / MS2_FILES[0]])
    window.import_action.trigger()
    assert window.legacy_import is not None
    shown = report_dialog(qtbot, window.legacy_import).shown_text()
    assert "Not imported" in shown and "old-notes.json is empty (0 bytes)" in shown
    assert "2 questions" in shown


def test_entries_that_do_not_fit_are_listed_as_kept_aside(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    fixtures: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bank = write_questions(tmp_path / "bank.json", fixtures, 4, broken=1)
    window = make_window()
    choose_files(monkeypatch, [bank])
    window.import_action.trigger()
    assert window.legacy_import is not None
    shown = report_dialog(qtbot, window.legacy_import).shown_text()
    assert "Brought in: 3 questions." in shown
    assert "Kept aside" in shown
    assert "bank.json" in shown and "'Z' is not one of the choices" in shown


def test_cancelling_an_import_keeps_nothing_and_says_so(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    opened: OpenProfile,
    fixtures: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    held_import: Hold,
) -> None:
    bank = write_questions(tmp_path / "big bank.json", fixtures, 3000)
    before = {t: count(opened.profile.db_file, t) for t in ("questions", "tags", "import_sources")}
    window = make_window()
    choose_files(monkeypatch, [bank])
    window.import_action.trigger()
    run = window.legacy_import
    assert run is not None
    qtbot.waitUntil(held_import.reached.is_set, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: visible(run.progress_dialog), timeout=WAIT_MS)
    progress = run.progress_dialog
    assert progress is not None
    assert progress.heading.text() == "Importing into “Alex”…"
    assert "big bank.json" in progress.files.text()
    click(qtbot, progress.cancel_button)
    assert "Stopping" in progress.status.text()
    held_import.release.set()

    qtbot.waitUntil(lambda: bool(message_boxes()), timeout=WAIT_MS)
    notice = message_boxes()[0]
    assert "Cancelling leaves nothing half-done" in notice.text()
    assert "stays exactly as it was" in notice.text()
    assert not visible(run.progress_dialog)
    assert run.report_dialog is None
    after = {t: count(opened.profile.db_file, t) for t in ("questions", "tags", "import_sources")}
    assert after == before
    notice.accept()
    qtbot.waitUntil(lambda: window.import_action.isEnabled(), timeout=WAIT_MS)


def test_cancelling_the_first_launch_import_leaves_only_the_new_profile(
    qtbot: QtBot,
    locations: DataLocations,
    launch: Callable[..., Launcher],
    legacy_folder: Path,
    held_import: Hold,
) -> None:
    launcher = launch()
    qtbot.waitUntil(held_import.reached.is_set, timeout=WAIT_MS)
    run = launcher.legacy_import
    assert run is not None
    qtbot.waitUntil(lambda: visible(run.progress_dialog), timeout=WAIT_MS)
    assert run.progress_dialog is not None
    assert run.progress_dialog.heading.text() == "Bringing in your data from the older app…"
    click(qtbot, run.progress_dialog.cancel_button)
    held_import.release.set()
    qtbot.waitUntil(lambda: bool(message_boxes()), timeout=WAIT_MS)
    notice = message_boxes()[0].text()
    assert "Cancelling leaves nothing half-done" in notice
    assert f"later with File > Import. They are in:\n{legacy_folder}" in notice
    profiles = list_profiles(locations)
    for profile in profiles:
        if profile.db_file.exists():
            assert count(profile.db_file, "lessons") == 0
    assert [p.name for p in profiles] == ["Robin"]

    message_boxes()[0].accept()
    with qtbot.waitSignal(launcher.window_shown, timeout=WAIT_MS) as opened:
        pass  # only one profile: it opens without a picker
    assert today(opened.args[0]).greeting.text().endswith(", Robin")
