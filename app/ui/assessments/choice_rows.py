"""The choices of the question on screen, one row each: click to choose, right-click (or
Alt+letter) to strike out, and after a tutor check the answer and the learner's choice marked.

Rows are made once (ten, the most a question has) and filled for each question, so moving to
the next question builds no widget."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core.assessments.blocks import DisplayChoice

MAX_CHOICES = 10
RIGHT_BACK = QColor("#c8e6c9")
WRONG_BACK = QColor("#ffcdd2")
RIGHT_TEXT = QColor("#1b5e20")
WRONG_TEXT = QColor("#b71c1c")


class ChoiceRow(QFrame):
    """`chosen(label)`: left click; `strike_toggled(label)`: right click."""

    chosen = Signal(str)
    strike_toggled = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = ""  # the question's own label
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.letter = QLabel()
        self.letter.setMinimumWidth(self.letter.fontMetrics().horizontalAdvance("W ✓") + 4)
        font = self.letter.font()
        font.setBold(True)
        self.letter.setFont(font)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # the bank's text is never markup here
        self.text.setWordWrap(True)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 5, 8, 5)
        layout.addWidget(self.letter, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        self._plain = self.palette()

    def fill(
        self,
        choice: DisplayChoice,
        *,
        selected: bool,
        struck: bool,
        answer: str | None,
    ) -> None:
        self.label = choice.label
        mark = ""
        palette = QPalette(self._plain)
        palette.setColor(QPalette.ColorRole.Window, self._plain.color(QPalette.ColorRole.Base))
        palette.setColor(QPalette.ColorRole.WindowText, self._plain.color(QPalette.ColorRole.Text))
        if answer is not None and choice.label == answer:
            mark = " ✓"
            palette.setColor(QPalette.ColorRole.Window, RIGHT_BACK)
            palette.setColor(QPalette.ColorRole.WindowText, RIGHT_TEXT)
        elif answer is not None and selected:
            mark = " ✗"
            palette.setColor(QPalette.ColorRole.Window, WRONG_BACK)
            palette.setColor(QPalette.ColorRole.WindowText, WRONG_TEXT)
        elif selected:
            palette.setColor(
                QPalette.ColorRole.Window, self._plain.color(QPalette.ColorRole.Highlight)
            )
            palette.setColor(
                QPalette.ColorRole.WindowText, self._plain.color(QPalette.ColorRole.HighlightedText)
            )
        elif struck:
            palette.setColor(
                QPalette.ColorRole.WindowText, self._plain.color(QPalette.ColorRole.PlaceholderText)
            )
        self.setPalette(palette)
        self.letter.setPalette(palette)
        self.text.setPalette(palette)
        self.letter.setText(choice.display_label + mark)
        font = self.text.font()
        if font.strikeOut() != struck:
            font.setStrikeOut(struck)
            self.text.setFont(font)
        self.text.setText(choice.text)
        state = "chosen, " if selected else ""
        state += "struck out, " if struck else ""
        self.setAccessibleName(f"Choice {choice.display_label}: {state}{choice.text}")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self.strike_toggled.emit(self.label)
        elif event.button() == Qt.MouseButton.LeftButton:
            self.chosen.emit(self.label)
        event.accept()


class ChoiceList(QWidget):
    """The rows for one question; `chosen` and `strike_toggled` carry the question's label."""

    chosen = Signal(str)
    strike_toggled = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 0, 0, 0)
        layout.setSpacing(4)
        self.rows: list[ChoiceRow] = []
        for _ in range(MAX_CHOICES):
            row = ChoiceRow(self)
            row.chosen.connect(self.chosen)
            row.strike_toggled.connect(self.strike_toggled)
            row.hide()
            layout.addWidget(row)
            self.rows.append(row)
        layout.addStretch(1)

    def fill(
        self,
        choices: tuple[DisplayChoice, ...],
        *,
        selected: str | None,
        struck: frozenset[str],
        answer: str | None,
    ) -> None:
        for n, row in enumerate(self.rows):
            if n < len(choices):
                choice = choices[n]
                row.fill(
                    choice,
                    selected=choice.label == selected,
                    struck=choice.label in struck,
                    answer=answer,
                )
                row.show()
            else:
                row.hide()
