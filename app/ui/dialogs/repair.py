"""A profile that must not be written: the banner that says so at the top of the window, and
File > Repair Profile…, which rebuilds a damaged profile from what SQLite can still read.

The repair runs on the write thread (`app.core.restoring.repair_open_profile`: it closes the
database, repairs the file with the profile's lock held, and reopens it); the dialog is
window-modal and shows a busy bar meanwhile, then what the repair kept and where the damaged
file went.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.core.opening import OpenProfile
from app.core.restoring import RepairOutcome, repair_open_profile
from app.errors import UserError
from app.ui.context import ViewContext


class ReadOnlyBanner(QFrame):
    """Why the open profile takes no writes, with Repair… when a repair can mend it; hidden
    while the profile can be written. `repair_requested` fires on Repair…."""

    repair_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("read-only-banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) * 2
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        icon.setPixmap(warning.pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title = QLabel()
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.repair_button = QPushButton("Repair…")
        self.repair_button.clicked.connect(self.repair_requested.emit)
        words = QVBoxLayout()
        words.addWidget(self.title)
        words.addWidget(self.message)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(icon)
        layout.addLayout(words, 1)
        layout.addWidget(self.repair_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_state(self, opened: OpenProfile) -> None:
        """Show why `opened` is read-only (hide when it is not)."""
        why = opened.read_only
        if why is None:
            self.hide()
            return
        self.title.setText(
            f"“{opened.profile.name}” is damaged: it is open read-only"
            if opened.repairable
            else f"“{opened.profile.name}” is open read-only"
        )
        self.message.setText(str(why))
        self.repair_button.setVisible(opened.repairable)
        self.show()


class RepairDialog(QDialog):
    """Asks, repairs the open profile in the background, then says what came of it.
    `repaired(RepairOutcome)` fires once the repair is done and the profile reopened."""

    repaired = Signal(object)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Repair Profile")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.context = context
        self.running = False
        self.outcome: RepairOutcome | None = None
        self.close_button: QPushButton | None = None
        name = context.profile_name
        self.text = QLabel(
            f"Study Desk checks “{name}” and, if SQLite finds damage, copies every row it can "
            "still read into a new file that replaces the damaged one. The damaged file is "
            "kept in the profile's “repairs” folder, never deleted; rows that lost what they "
            "belong to are kept there too.\n\nOn a big profile this takes a minute; nothing "
            "else can be saved meanwhile."
        )
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.repair_button = self.buttons.addButton(
            "Repair", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def start(self) -> None:
        if self.running or self.outcome is not None:
            self.accept()
            return
        self.running = True
        self.repair_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)
        self.busy.show()
        self.text.setText(f"Repairing “{self.context.profile_name}”…")
        opened = self.context.opened
        self.context.runner.run_write(
            lambda progress: repair_open_profile(opened, progress),
            label="Repairing the profile",
            on_done=self._done,
            on_error=self._failed,
            on_finally=self._ended,
            owner=self,
        )

    def _done(self, outcome: RepairOutcome) -> None:
        self.outcome = outcome
        self.text.setText(outcome.text)
        self.repaired.emit(outcome)

    def _failed(self, error: UserError) -> None:
        self.text.setText(str(error))

    def _ended(self) -> None:
        self.running = False
        self.busy.hide()
        self.buttons.clear()
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.accept)
        self.close_button = close

    def reject(self) -> None:
        if not self.running:  # the repair cannot be stopped halfway
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            event.ignore()
        else:
            super().closeEvent(event)
