"""Small helpers for the GUI tests."""

from __future__ import annotations

from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.core.opening import OpenProfile
from app.paths import DataLocations
from app.ui.context import ViewContext
from app.ui.device_settings import DeviceSettings
from app.ui.error_dialog import ErrorReporter
from app.ui.main_window import MainWindow
from app.ui.tasks import TaskRunner
from app.ui.theme import Appearance


def visible(widget: QWidget | None) -> bool:
    return widget is not None and shiboken6.isValid(widget) and widget.isVisible()


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def message_boxes() -> list[QMessageBox]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and shiboken6.isValid(w) and w.isVisible()
    ]


@dataclass
class Gui:
    """What run_gui builds around the launcher, minus the event loop and single instance."""

    locations: DataLocations
    runner: TaskRunner
    settings: DeviceSettings
    appearance: Appearance
    reporter: ErrorReporter

    def context(self, opened: OpenProfile) -> ViewContext:
        return ViewContext(
            self.locations, self.runner, opened, self.settings, self.appearance, self.reporter
        )


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """What a view shows once it stops moving: the reads it started when shown answered (on a
    busy machine that takes longer than any fixed wait) and the layouts settled after them."""
    runner = window.context.runner
    qtbot.wait(20)  # the reads a view starts as it shows are queued
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    qtbot.wait(20)
