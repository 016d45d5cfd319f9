"""The main window's first moments: a small "Opening…" window while a profile opens, then the
views' reads and sync held until the window's first paint (FirstPaint), so that the window is
built and painted before any of them takes the GIL from the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from app.ui.main_window import MainWindow

OPENING_SHOWN_AFTER_MS = 200
# Reads wait for the main window's first paint (TaskRunner.hold_reads), or this long at most
# (a window shown minimised may not paint).
READS_HELD_AT_MOST_MS = 1000


class FirstPaint(QObject):
    """Calls back once, after the watched window's first paint has been handled (not if the
    window is gone by then: this object goes with it, and so does the timer)."""

    def __init__(self, window: QObject, callback: Callable[[], None]) -> None:
        super().__init__(window)
        self._callback = callback
        self._done = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            watched.removeEventFilter(self)
            # After the paint itself has run, not before it.
            QTimer.singleShot(0, self, self._call_back)
        return False

    def _call_back(self) -> None:
        self._callback()


OPENING_TEXT = "Opening “{name}”…"
# A profile's first opening, a first launch's above all: its file is made, with sample content.
SETTING_UP_TEXT = "Setting up Study Desk for “{name}”…"


class OpeningWindow(QWidget):
    """ "Opening “Alex”…" while the profile opens ("Setting up Study Desk for “Alex”…" the
    first time); shown only if that takes a noticeable time."""

    def __init__(self, name: str, *, first_time: bool = False) -> None:
        super().__init__(None, Qt.WindowType.Dialog)
        self.setWindowTitle("Study Desk")
        self.label = QLabel((SETTING_UP_TEXT if first_time else OPENING_TEXT).format(name=name))
        bar = QProgressBar()
        bar.setRange(0, 0)
        bar.setTextVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.label)
        layout.addWidget(bar)
        self.setMinimumWidth(320)
        QTimer.singleShot(OPENING_SHOWN_AFTER_MS, self, self._show_if_still_opening)
        self._done = False

    def finish(self) -> None:
        self._done = True
        self.close()
        self.deleteLater()

    def _show_if_still_opening(self) -> None:
        if not self._done:
            self.show()


def show_main_window(window: MainWindow, *, sync: bool, offer_sync: bool) -> None:
    """Show a window built while the runner holds its reads (`TaskRunner.hold_reads`): they
    start once it has painted. `sync`: sync (app.sync) loads after the first paint;
    `offer_sync`: it then offers to bring the learner's profile from another computer."""
    runner = window.context.runner
    window.show()
    window.reads_after_paint = FirstPaint(window, runner.release_reads)  # type: ignore[attr-defined]
    # Bound to this window: once it is gone (switched away from, a test over) the timer is
    # too, and never releases the reads held for the next window or touches a runner left
    # behind. A lambda: PySide keeps no reference to a bound method's object here.
    QTimer.singleShot(READS_HELD_AT_MOST_MS, window, lambda: runner.release_reads())
    if sync:
        window.sync_after_paint = FirstPaint(window, lambda: _start_sync(window, offer_sync))  # type: ignore[attr-defined]


def _start_sync(window: MainWindow, offer: bool) -> None:
    """The window's sync (app/ui/sync) once it has painted; on a first launch, the offer to
    bring the learner's profile from their other computer."""
    if not shiboken6.isValid(window) or not window.isVisible():
        return
    from app.ui.sync import controller, first_launch

    controller.attach(window.context, window)
    if offer:
        first_launch.offer(window.context, window)
