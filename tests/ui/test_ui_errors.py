"""Problems are shown, not swallowed: a bug names the log file, a UserError says what to do."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, message_boxes

from app.ui.error_dialog import BugDialog, ErrorReporter


def test_an_unexpected_error_shows_the_log_path_and_is_logged(qtbot: QtBot, gui: Gui) -> None:
    reporter = gui.reporter
    reporter.install_excepthook()
    try:
        try:
            raise ValueError("a view forgot a row")
        except ValueError:
            sys.excepthook(*sys.exc_info())  # what Qt does with an error escaping a slot
    finally:
        reporter.uninstall_excepthook()
    dialog = reporter._open_bug
    assert isinstance(dialog, BugDialog)
    assert dialog.isVisible()
    assert reporter.log_path is not None
    assert str(reporter.log_path) in dialog.explanation.text()
    assert "a view forgot a row" in dialog.details
    assert "ValueError: a view forgot a row" in reporter.log_path.read_text(encoding="utf-8")
    dialog.close()


def test_a_second_bug_while_the_dialog_is_open_does_not_stack_dialogs(gui: Gui) -> None:
    first = gui.reporter.bug("first")
    second = gui.reporter.bug("second")
    assert first is second
    assert first is not None
    first.close()


def test_a_user_error_is_a_plain_message(gui: Gui) -> None:
    box = gui.reporter.user_error("The file notes.csv has no header row.")
    assert box is not None
    assert box in message_boxes()
    assert box.text() == "The file notes.csv has no header row."
    box.close()


def test_smoke_mode_never_opens_a_dialog(qtbot: QtBot, gui: Gui) -> None:
    reporter = ErrorReporter(gui.reporter.log_path, smoke=True)
    with qtbot.waitSignal(reporter.failed):
        assert reporter.bug("boom") is None
    assert reporter.user_error("no") is None
    assert reporter.has_failed
    assert message_boxes() == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_bug_dialog_fits_its_text(qtbot: QtBot, gui: Gui, theme: str) -> None:
    gui.appearance.apply_theme(theme)
    dialog = gui.reporter.bug("Traceback (most recent call last):\n  ...")
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.explanation.height() >= dialog.explanation.heightForWidth(
        dialog.explanation.width()
    )
    dialog.close()


def test_the_problem_dialog_is_calm_and_its_report_can_be_copied_and_saved(
    qtbot: QtBot, gui: Gui, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QFileDialog

    from app import __version__
    from app.ui.error_dialog import HEADLINE

    dialog = gui.reporter.bug("Traceback (most recent call last):\nKeyError: 'deck'")
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert (
        dialog.headline.text()
        == ("Study Desk hit a problem. Your work up to the last action is saved.")
        == HEADLINE
    )
    assert dialog.report.startswith(f"Study Desk {__version__} problem report")
    assert "KeyError: 'deck'" in dialog.report and "Qt " in dialog.report
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == dialog.report
    target = tmp_path / "report.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert target.read_text(encoding="utf-8") == dialog.report
    dialog.close()


def test_an_error_in_another_thread_reaches_the_dialog_and_the_log(qtbot: QtBot, gui: Gui) -> None:
    import threading

    reporter = gui.reporter
    reporter.install_excepthook()
    try:

        def fail() -> None:
            raise RuntimeError("a worker lost its file")

        worker = threading.Thread(target=fail, name="worker-7")
        with qtbot.waitSignal(reporter.thread_failed):
            worker.start()
            worker.join()
        qtbot.waitUntil(lambda: reporter._open_bug is not None)
    finally:
        reporter.uninstall_excepthook()
    dialog = reporter._open_bug
    assert dialog is not None
    assert "In worker-7" in dialog.details and "a worker lost its file" in dialog.details
    assert reporter.log_path is not None
    assert "RuntimeError: a worker lost its file" in reporter.log_path.read_text(encoding="utf-8")
    dialog.close()


def test_the_log_rotates_in_its_folder(gui: Gui) -> None:
    import logging.handlers

    handlers = [h for h in logging.getLogger().handlers if getattr(h, "_studydesk", False)]
    assert isinstance(handlers[0], logging.handlers.RotatingFileHandler)
    assert handlers[0].maxBytes == 1_000_000 and handlers[0].backupCount == 5
    assert gui.reporter.log_path is not None
    assert gui.reporter.log_path.parent == gui.locations.logs_dir
