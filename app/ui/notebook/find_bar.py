"""Find and replace in the note being written: Ctrl+F finds, Ctrl+H also replaces.

Enter finds the next match (Shift+Enter the one before), wrapping at the end; Esc closes the bar
and gives the text back its focus. "Replace all" is one step of undo.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.ui.key_help import HandledKey, add_shortcut


class FindBar(QWidget):
    CLOSE = HandledKey("Find bar: close it", "Esc")
    # Return is the find field's returnPressed: declared here for the list only.
    HANDLED_KEYS = (HandledKey("Find bar: the next match", "Return"), CLOSE)

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.find_field = QLineEdit()
        self.find_field.setPlaceholderText("Find")
        self.find_field.setAccessibleName("Find in the note")
        self.find_field.setClearButtonEnabled(True)
        self.replace_field = QLineEdit()
        self.replace_field.setPlaceholderText("Replace with")
        self.replace_field.setAccessibleName("Replace with")
        self.case = QCheckBox("Match case")
        self.previous_button = QPushButton("Previous")
        self.next_button = QPushButton("Next")
        self.replace_button = QPushButton("Replace")
        self.replace_all_button = QPushButton("Replace All")
        self.close_button = QPushButton("Close")
        self.status = QLabel()
        self.previous_button.clicked.connect(lambda: self.find_next(backward=True))
        self.next_button.clicked.connect(lambda: self.find_next())
        self.replace_button.clicked.connect(self.replace_one)
        self.replace_all_button.clicked.connect(self.replace_all)
        self.close_button.clicked.connect(self.close_bar)
        self.find_field.textEdited.connect(lambda _t: self.find_next(from_start_of_match=True))
        self.find_field.returnPressed.connect(lambda: self.find_next())
        self.replace_field.returnPressed.connect(self.replace_one)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 2)
        grid.addWidget(self.find_field, 0, 0)
        grid.addWidget(self.previous_button, 0, 1)
        grid.addWidget(self.next_button, 0, 2)
        grid.addWidget(self.close_button, 0, 3)
        grid.addWidget(self.replace_field, 1, 0)
        grid.addWidget(self.replace_button, 1, 1)
        grid.addWidget(self.replace_all_button, 1, 2)
        grid.addWidget(self.case, 1, 3)
        grid.addWidget(self.status, 2, 0, 1, 4)
        grid.setColumnStretch(0, 1)
        self.status.hide()
        add_shortcut(
            self.find_field,
            "Shift+Return",
            "Find bar: the match before",
            lambda: self.find_next(backward=True),
            Qt.ShortcutContext.WidgetShortcut,
        )
        self.hide()

    @property
    def replacing(self) -> bool:
        return self.replace_field.isVisible()

    def open_find(self, *, replace: bool = False) -> None:
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_field.setText(selected)
        for widget in (self.replace_field, self.replace_button, self.replace_all_button, self.case):
            widget.setVisible(replace)
        self.show()
        self.find_field.setFocus()
        self.find_field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.status.hide()
        self.editor.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.CLOSE.matches(event):
            self.close_bar()
            return
        super().keyPressEvent(event)

    def _flags(self, backward: bool) -> QTextDocument.FindFlag:
        flags = QTextDocument.FindFlag(0)
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        if self.case.isChecked() and self.case.isVisible():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        return flags

    def find_next(self, *, backward: bool = False, from_start_of_match: bool = False) -> bool:
        """Select the next (or previous) match, wrapping around; says so when there is none."""
        needle = self.find_field.text()
        self.status.hide()
        if not needle:
            return False
        document = self.editor.document()
        cursor = self.editor.textCursor()
        if from_start_of_match and cursor.hasSelection():
            cursor.setPosition(cursor.selectionStart())
        found = document.find(needle, cursor, self._flags(backward))
        if found.isNull():  # wrap around
            start = QTextCursor(document)
            if backward:
                start.movePosition(QTextCursor.MoveOperation.End)
            found = document.find(needle, start, self._flags(backward))
        if found.isNull():
            self.status.setText(f"“{needle}” is not in this note.")
            self.status.show()
            return False
        self.editor.setTextCursor(found)
        self.editor.ensureCursorVisible()
        return True

    def _selection_matches(self) -> bool:
        selected = self.editor.textCursor().selectedText()
        needle = self.find_field.text()
        if self.case.isChecked():
            return selected == needle
        return selected.casefold() == needle.casefold()

    def replace_one(self) -> None:
        """Replace the selected match (if it is one), then find the next."""
        if self.find_field.text() and self._selection_matches():
            self.editor.textCursor().insertText(self.replace_field.text())
        self.find_next()

    def replace_all(self) -> int:
        needle, replacement = self.find_field.text(), self.replace_field.text()
        if not needle:
            return 0
        document = self.editor.document()
        count = 0
        edit = QTextCursor(document)
        edit.beginEditBlock()
        cursor = QTextCursor(document)
        while True:
            cursor = document.find(needle, cursor, self._flags(False))
            if cursor.isNull():
                break
            cursor.insertText(replacement)
            count += 1
        edit.endEditBlock()
        self.status.setText(
            f"Replaced {count} time{'s' if count != 1 else ''}."
            if count
            else f"“{needle}” is not in this note."
        )
        self.status.show()
        return count
