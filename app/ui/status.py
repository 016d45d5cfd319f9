"""The status bar's view of background work: what is running, how far it got, and Cancel.

Work that ends within a moment never appears, so quick saves do not make the bar flicker.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.ui.tasks import TaskRunner

SHOW_AFTER_MS = 250


@dataclass
class _Running:
    label: str
    done: int = 0
    total: int = 0
    message: str = ""


class TaskStatus(QWidget):
    """Shows the oldest labelled task still running; hidden while nothing is."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._running: dict[int, _Running] = {}
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(180)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop this work; nothing it was doing is kept")
        self.cancel_button.clicked.connect(self._cancel_shown)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(SHOW_AFTER_MS)
        self._delay.timeout.connect(self._refresh)
        self.hide()
        runner.task_started.connect(self._on_started)
        runner.task_progress.connect(self._on_progress)
        runner.task_finished.connect(self._on_finished)

    def shown_task(self) -> int | None:
        return next(iter(self._running), None)

    def _on_started(self, task_id: int, label: str) -> None:
        if not label:
            return
        self._running[task_id] = _Running(label)
        if not self.isVisible() and not self._delay.isActive():
            self._delay.start()

    def _on_progress(self, task_id: int, done: int, total: int, message: str) -> None:
        running = self._running.get(task_id)
        if running is None:
            return
        running.done, running.total, running.message = done, total, message
        if self.isVisible() and task_id == self.shown_task():
            self._refresh()

    def _on_finished(self, task_id: int) -> None:
        if self._running.pop(task_id, None) is not None:
            self._refresh()

    def _refresh(self) -> None:
        task_id = self.shown_task()
        if task_id is None:
            self._delay.stop()
            self.hide()
            return
        running = self._running[task_id]
        text = running.label
        if running.message:
            text = f"{text} — {running.message}"
        if len(self._running) > 1:
            text = f"{text} (and {len(self._running) - 1} more)"
        self.label.setText(text)
        if running.total > 0:
            self.bar.setRange(0, running.total)
            self.bar.setValue(min(running.done, running.total))
        else:
            self.bar.setRange(0, 0)  # size unknown: a busy indicator
        self.cancel_button.setVisible(self._is_cancellable(task_id))
        self.cancel_button.setEnabled(True)
        self.show()

    def _is_cancellable(self, task_id: int) -> bool:
        handle = self._runner.handle(task_id)
        return handle is not None and handle.cancellable

    def _cancel_shown(self) -> None:
        task_id = self.shown_task()
        handle = self._runner.handle(task_id) if task_id is not None else None
        if handle is not None:
            handle.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText(f"{self._running[handle.id].label} — stopping…")
