"""The block's navigator: one line per question with its number and marks (answered ●,
unanswered ○, flagged ⚑, checked ✓/✗ in tutor mode); the current one selected. Enter or a
click moves there."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QSizePolicy

from app.core.assessments.replay import QuestionState

UNANSWERED = QColor("#808080")


def marks(state: QuestionState, deleted: bool, correct: bool | None) -> str:
    if deleted:
        return "–"
    text = "●" if state.selected is not None else "○"
    if correct is not None:
        text = "✓" if correct else "✗"
    return text + (" ⚑" if state.flagged else "")


class QuestionNavigator(QListWidget):
    """`move_requested(position)`."""

    move_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Questions of the block")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.itemClicked.connect(lambda item: self.move_requested.emit(self.row(item)))
        self.itemActivated.connect(lambda item: self.move_requested.emit(self.row(item)))

    def sizeHint(self) -> QSize:
        width = self.fontMetrics().horizontalAdvance("000 ✓ ⚑") + 36
        return QSize(width, 200)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.sizeHint().width(), 60)

    def set_count(self, count: int) -> None:
        self.clear()
        for n in range(count):
            self.addItem(QListWidgetItem(f"{n + 1}"))

    def show_state(
        self, position: int, state: QuestionState, deleted: bool, correct: bool | None
    ) -> None:
        item = self.item(position)
        if item is None:
            return
        text = f"{position + 1} {marks(state, deleted, correct)}"
        if item.text() != text:
            item.setText(text)
            font = QFont(item.font())
            font.setBold(state.selected is not None)
            item.setFont(font)
            item.setForeground(QBrush() if state.selected is not None else QBrush(UNANSWERED))
            answered = "answered" if state.selected is not None else "unanswered"
            flagged = ", flagged" if state.flagged else ""
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole, f"Question {position + 1}, {answered}{flagged}"
            )

    def show_current(self, position: int) -> None:
        if self.currentRow() != position:
            self.blockSignals(True)
            self.setCurrentRow(position)
            self.blockSignals(False)
        item = self.item(position)
        if item is not None:
            self.scrollToItem(item)
