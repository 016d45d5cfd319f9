"""A note on a question, written without leaving it (Ctrl+Shift+N while taking or reviewing);
Ctrl+Enter saves it, as in every note dialog."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app.ui.key_help import add_shortcut


class QuestionNoteDialog(QDialog):
    def __init__(self, title: str, *, can_open: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Note on the Question")
        self.title = QLineEdit(title)
        self.title.setAccessibleName("Title")
        self.body = QPlainTextEdit()
        self.body.setAccessibleName("Note")
        self.body.setTabChangesFocus(True)  # Tab goes on to the buttons, as in every field
        self.body.setPlaceholderText("What to remember from this question (markdown)")
        self.open_after = QCheckBox("Open it in the Notebook after saving")
        self.open_after.setVisible(can_open)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            add_shortcut(self, keys, "Save the note", self.accept)
        form = QFormLayout(self)
        form.addRow("Title", self.title)
        form.addRow(self.body)
        form.addRow(self.open_after)
        form.addRow(buttons)
        self.resize(460, 300)
        self.body.setFocus()
