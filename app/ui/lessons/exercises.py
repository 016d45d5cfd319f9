"""An active exercise: instructions, hints revealed one at a time, the learner's own answer,
and the expected answer with its explanation and common misconceptions on request.

The learner's answer is not stored: it is for thinking on the page, not for grading.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.courses.lesson_reading import ExerciseText
from app.ui.lessons.widgets import heading, markdown_label, muted


class ExerciseBox(QFrame):
    def __init__(self, number: int, exercise: ExerciseText, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.exercise = exercise
        self.hints_shown = 0
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # A card on the page: radio buttons and text boxes stand out in both themes.
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setAutoFillBackground(True)
        self.title = heading(f"Exercise {number}", 1.05)
        self.instructions = markdown_label(exercise.instructions)
        self.answer_format = muted(QLabel(f"Answer as: {exercise.answer_format}"))
        self.answer_format.setWordWrap(True)

        self.hints = QVBoxLayout()
        self.hints.setSpacing(4)
        self.hint_button = QPushButton()
        self.hint_button.clicked.connect(self.show_hint)
        self.answer = QPlainTextEdit()
        self.answer.setPlaceholderText("Your answer (for you only; it is not saved)")
        self.answer.setTabChangesFocus(True)
        self.answer.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.answer.setAccessibleName(f"Your answer to exercise {number}")
        self.show_button = QPushButton("Show answer")
        self.show_button.setToolTip("The expected answer, why, and common mistakes")
        self.show_button.clicked.connect(self.show_answer)

        self.solution = QFrame()
        solution = QVBoxLayout(self.solution)
        solution.setContentsMargins(0, 4, 0, 0)
        solution.addWidget(heading("Expected answer", 1.0))
        solution.addWidget(markdown_label(exercise.expected_answer or "*(none given)*"))
        if exercise.explanation:
            solution.addWidget(markdown_label(exercise.explanation))
        if exercise.misconceptions:
            solution.addWidget(heading("Common misconceptions", 1.0))
            lines = []
            for mistake, correction in exercise.misconceptions:
                lines.append(f"- **{mistake.strip()}** {correction.strip()}".rstrip())
            solution.addWidget(markdown_label("\n".join(lines)))
        self.solution.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.hint_button)
        buttons.addWidget(self.show_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.addWidget(self.title)
        layout.addWidget(self.instructions)
        layout.addWidget(self.answer_format)
        layout.addLayout(self.hints)
        layout.addWidget(self.answer)
        layout.addLayout(buttons)
        layout.addWidget(self.solution)
        # Only once it has a parent: a parentless widget made visible becomes a window.
        self.answer_format.setVisible(bool(exercise.answer_format))
        self._show_hint_button()

    def show_hint(self) -> None:
        if self.hints_shown >= len(self.exercise.hints):
            return
        text = self.exercise.hints[self.hints_shown]
        self.hints_shown += 1
        label = markdown_label(f"**Hint {self.hints_shown}.** {text}")
        self.hints.addWidget(label)
        self._show_hint_button()

    def show_answer(self) -> None:
        self.solution.show()
        self.show_button.setEnabled(False)

    def _show_hint_button(self) -> None:
        total = len(self.exercise.hints)
        self.hint_button.setVisible(total > 0)
        left = total - self.hints_shown
        if self.hints_shown == 0:
            self.hint_button.setText("Show a hint")
        else:
            self.hint_button.setText(
                f"Show another hint ({left} left)" if left else "No more hints"
            )
        self.hint_button.setEnabled(left > 0)
