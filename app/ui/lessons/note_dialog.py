""" "Add a note" from a lesson: a title and a body, prefilled with the quoted selection.

The dialog only collects the text; the reader saves it in a write task and closes the dialog
when the note is stored (or shows why it was not).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.courses.notes import note_body
from app.ui.key_help import add_shortcut
from app.ui.lessons.widgets import muted


class NoteDialog(QDialog):
    """`save_requested(title, body)` when the learner clicks Save (or presses Ctrl+Enter)."""

    save_requested = Signal(str, str)

    def __init__(self, lesson_title: str, selection: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a Note — Study Desk")
        self.title = QLineEdit()
        self.title.setPlaceholderText(lesson_title)
        self.title.setToolTip("Left empty, the note is named after the lesson")
        self.body = QPlainTextEdit()
        quoted = note_body("", selection)
        self.body.setPlainText(f"{quoted}\n\n" if quoted else "")
        self.body.setTabChangesFocus(True)
        self.body.moveCursor(QTextCursor.MoveOperation.End)
        self.where = muted(QLabel(f"Linked to the lesson “{lesson_title}”."))
        self.where.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.request_save)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            add_shortcut(self, keys, "Save the note", self.request_save)
        form = QFormLayout()
        form.addRow("&Title", self.title)
        form.addRow("&Note", self.body)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.where)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, 360)
        (self.body if selection else self.title).setFocus()

    def request_save(self) -> None:
        if not self.save_button.isEnabled():
            return
        self.save_button.setEnabled(False)
        self.error.hide()
        self.save_requested.emit(self.title.text().strip(), self.body.toPlainText().strip())

    def failed(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.save_button.setEnabled(True)
