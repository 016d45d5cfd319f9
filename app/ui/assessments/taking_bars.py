"""Above and below the question being taken: which question it is, Flag, the time, Suspend
and End Block above; the block's messages, Previous / Check Answer / Next and the keys below.
None of their buttons takes the focus: the keys stay the page's (`taking_keys.py`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.assessments.blocks import BlockQuestion
from app.ui.assessments.taking_keys import KEYS_HINT
from app.ui.assessments.widgets import clock, wrapped


class BlockHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.where = QLabel("")
        self.where.setAccessibleName("Question number")
        self.flag_button = QPushButton("⚑ Flag")
        self.flag_button.setCheckable(True)
        self.flag_button.setToolTip("Flag this question to come back to it (F)")
        self.flag_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.timer_label = QLabel("")
        self.timer_label.setAccessibleName("Time")
        font = self.timer_label.font()
        font.setBold(True)
        self.timer_label.setFont(font)
        self.suspend_button = QPushButton("Suspend")
        self.suspend_button.setToolTip("Stop the clock and leave the block to resume later (Esc)")
        self.end_button = QPushButton("End Block")
        self.end_button.setToolTip("Submit the block and see the score (Ctrl+E)")
        for button in (self.suspend_button, self.end_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        top = QHBoxLayout(self)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.where, 1)
        top.addWidget(self.flag_button)
        top.addWidget(self.timer_label)
        top.addWidget(self.suspend_button)
        top.addWidget(self.end_button)

    def show_where(self, position: int, total: int, question: BlockQuestion) -> None:
        self.where.setText(f"Question {position + 1} of {total} · {question.bank_id}")
        self.where.setToolTip(" · ".join(p for p in (question.subject, question.system) if p))

    def show_elapsed(self, elapsed_ms: int) -> None:
        self.timer_label.setText(f"Time {clock(elapsed_ms)}")

    def show_left(self, remaining_ms: int) -> None:
        """Timed mode: the time left."""
        self.timer_label.setText(f"{clock(remaining_ms)} left")

    def warn(self) -> None:
        self.timer_label.setStyleSheet("color: #c62828;")


class BlockFooter(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.previous_button = QPushButton("‹ Previous")
        self.check_button = QPushButton("Check Answer")
        self.check_button.setToolTip("Lock your answer and see the explanation (Enter)")
        self.next_button = QPushButton("Next ›")
        for button in (self.previous_button, self.check_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.message = wrapped("")
        self.message.setAccessibleName("Block messages")
        self.hint = wrapped(KEYS_HINT)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        bottom = QHBoxLayout()
        bottom.addWidget(self.previous_button)
        bottom.addStretch(1)
        bottom.addWidget(self.check_button)
        bottom.addStretch(1)
        bottom.addWidget(self.next_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.message)
        column.addLayout(bottom)
        column.addWidget(self.hint)
