"""A data folder on a full or read-only disk at first start: one clear message, then Quit."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, message_boxes

import app.ui.launch_preparation as launch_module
from app.ui.launch import Launcher

WAIT_MS = 15_000


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "the disk it is on is full"),
        (sqlite3.OperationalError("database or disk is full"), "the disk it is on is full"),
        (OSError(errno.EROFS, "Read-only file system"), "cannot be written: read-only file"),
    ],
)
def test_a_full_or_read_only_disk_at_first_start_is_said_plainly(
    qtbot: QtBot, gui: Gui, monkeypatch: pytest.MonkeyPatch, error: Exception, words: str
) -> None:
    def fails(_locations: object) -> None:
        raise error

    monkeypatch.setattr(launch_module, "ensure_first_profile", fails)
    launcher = Launcher(gui.locations, gui.runner, gui.settings, gui.appearance, gui.reporter)
    with qtbot.waitSignal(launcher.finished, timeout=WAIT_MS) as quit_with:
        launcher.start()
        qtbot.waitUntil(lambda: bool(message_boxes()), timeout=WAIT_MS)
        box = message_boxes()[0]
        text = box.text()
        box.close()
    assert quit_with.args == [1]
    assert box.windowTitle() == "Study Desk cannot start"
    assert words in text and str(gui.locations.root) in text and "--data-dir" in text
    assert not gui.reporter.has_failed  # a clear message, not a bug report


def test_any_other_error_at_first_start_stays_a_bug(gui: Gui) -> None:
    assert launch_module.storage_problem(gui.locations, ValueError("disk")) is None
    assert launch_module.storage_problem(gui.locations, OSError(errno.EIO, "I/O")) is None
