"""The window shown while files from the older apps are brought in: what is being read, how far
the import got, and a Cancel that leaves every profile as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QFont, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

NAMES_SHOWN = 3
# What a cancel does (one transaction per profile; a new profile moves in whole once complete),
# said in these words before (this window) and after (app/ui/legacy_import.py CANCELLED_TEXT).
CANCEL_PROMISE = (
    "Cancelling leaves nothing half-done: the profile being written stays exactly as it was, "
    "and a profile finished before is complete. Importing the same files again brings in the "
    "rest without adding anything twice."
)


def file_names(paths: list[Path]) -> str:
    """ "a.json, b.json and 4 more": enough to recognise the files without a long list."""
    names = [path.name for path in paths[:NAMES_SHOWN]]
    rest = len(paths) - len(names)
    if rest:
        return f"{', '.join(names)} and {rest} more"
    if len(names) > 1:
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return names[0] if names else ""


class ImportProgressDialog(QDialog):
    """Not modal: the rest of the app stays usable. `cancel_requested` fires once, when the
    learner clicks Cancel or closes the window; the owner stops the work and closes this."""

    cancel_requested = Signal()

    def __init__(self, heading: str, paths: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Importing — Study Desk")
        self.setModal(False)
        self._finished = False
        self.heading = QLabel(heading)
        self.heading.setWordWrap(True)
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        count = "1 file" if len(paths) == 1 else f"{len(paths)} files"
        self.files = QLabel(f"From {count}: {file_names(paths)}")
        self.files.setWordWrap(True)
        self.files.setToolTip("\n".join(str(path) for path in paths))
        self.status = QLabel("Getting ready…")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.note = QLabel(CANCEL_PROMISE)
        self.note.setWordWrap(True)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.buttons = QDialogButtonBox()
        self.cancel_button: QPushButton = self.buttons.addButton(
            QDialogButtonBox.StandardButton.Cancel
        )
        self.cancel_button.setToolTip("Stop the import; the profile being written stays as it was")
        self.cancel_button.clicked.connect(self.request_cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.files)
        layout.addSpacing(4)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def show_progress(self, done: int, total: int, message: str) -> None:
        if self.cancelling:
            return
        text = message or "Working"
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            text = f"{text}: {min(done, total):,} of {total:,} records"
        else:
            self.bar.setRange(0, 0)  # size not known yet: a busy indicator
        self.status.setText(f"{text}…")

    @property
    def cancelling(self) -> bool:
        return not self.cancel_button.isEnabled()

    def request_cancel(self) -> None:
        if self.cancelling or self._finished:
            return
        self.cancel_button.setEnabled(False)
        self.status.setText("Stopping… the profile being written is left as it was.")
        self.cancel_requested.emit()

    def finish(self) -> None:
        """Close for good; the work has ended."""
        self._finished = True
        self.close()

    def reject(self) -> None:
        # Escape asks to stop the import; the window stays until the work has stopped.
        self.request_cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._finished:
            event.accept()
            return
        self.request_cancel()
        event.ignore()
