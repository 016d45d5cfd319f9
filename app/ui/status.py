"""The status bar's view of background work: what is running, how far it got, and Cancel.

Work that ends within a moment never appears, so quick saves do not make the bar flicker. When
the bar is short of room, the task's name (often a file name) is shortened in the middle so that
the step it is at ("Adding cards", a count) stays readable; the tooltip has the whole text.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.ui.tasks import TaskRunner

SHOW_AFTER_MS = 250
LABEL_MIN_WIDTH = 120
STEP_SEPARATOR = " — "


def elided(text: str, metrics: QFontMetrics, width: int) -> str:
    """`text` as it fits in `width` pixels: the part before " — " shortened in the middle
    first, then (if even the step does not fit) the end cut with an ellipsis."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    name, separator, step = text.partition(STEP_SEPARATOR)
    if separator:
        room = width - metrics.horizontalAdvance(separator + step)
        if room >= metrics.horizontalAdvance(name[:8] + "…"):
            return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, room) + separator + step
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


class ElidedLabel(QLabel):
    """One line that shortens itself to its width (see `elided`); `text()` stays whole."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), LABEL_MIN_WIDTH), hint.height())

    def shown_text(self) -> str:
        return elided(self.text(), self.fontMetrics(), self.contentsRect().width())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(self.contentsRect(), align, self.shown_text())


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
        self.label = ElidedLabel()
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
