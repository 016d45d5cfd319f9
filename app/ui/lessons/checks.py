"""A knowledge check: a multiple-choice question answered with radio buttons.

Choosing an option asks for it to be recorded (`answered`); the verdict comes back from the
core (`show_result`), so what the learner sees is what the log says. After an answer the
options are locked. "Make a flashcard" turns the question into a flashcard.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStylePainter,
    QVBoxLayout,
    QWidget,
)

from app.core.courses.lesson_log import CheckResult
from app.core.courses.lesson_reading import CheckText
from app.ui.lessons.widgets import heading, markdown_label


def letter(index: int) -> str:
    return chr(ord("A") + index)


def verdict_color(palette: QPalette, correct: bool | None) -> str:
    """Green for right, red for wrong, readable on the light and the dark theme; "" (the
    normal text color) when there was nothing to judge."""
    if correct is None:
        return ""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    light_color, dark_color = {True: ("#1b6e2a", "#7fd08a"), False: ("#a52a1f", "#ff8f80")}[correct]
    return dark_color if dark else light_color


WRAP = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
NARROWEST_CHARACTERS = 12  # below this an option is too cramped to read


class WrappingRadioButton(QRadioButton):
    """A radio button whose text wraps to the width it is given: a long option reads whole in
    the lesson's column instead of being cut at its edge (QRadioButton never wraps, and its
    one-line width would also widen the column past what the window can show)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _indicator(self) -> QSize:
        style = self.style()
        return QSize(
            style.pixelMetric(QStyle.PixelMetric.PM_ExclusiveIndicatorWidth, None, self),
            style.pixelMetric(QStyle.PixelMetric.PM_ExclusiveIndicatorHeight, None, self),
        )

    def _text_left(self) -> int:
        spacing = self.style().pixelMetric(
            QStyle.PixelMetric.PM_RadioButtonLabelSpacing, None, self
        )
        return self._indicator().width() + spacing

    def _text_rect(self, width: int) -> QRect:
        """Where the wrapped text goes in a button `width` wide (1 px around it for the focus
        frame)."""
        left = self._text_left()
        bounds = QRect(left + 1, 1, max(1, width - left - 2), 1 << 20)
        used = self.fontMetrics().boundingRect(bounds, int(WRAP), self._shown_text())
        return QRect(bounds.left(), bounds.top(), bounds.width(), used.height())

    def _shown_text(self) -> str:
        return self.text().replace("&&", "&")

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self._indicator().height(), self._text_rect(width).height() + 2)

    def sizeHint(self) -> QSize:
        one_line = self.fontMetrics().horizontalAdvance(self._shown_text())
        width = self._text_left() + one_line + 3
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        width = self._text_left() + self.fontMetrics().averageCharWidth() * NARROWEST_CHARACTERS
        return QSize(width, self.heightForWidth(width))

    def hitButton(self, pos: QPoint) -> bool:
        # The whole text, every line of it; as tall as the text even while a layout pass has
        # yet to give the button its height.
        height = max(self.height(), self.heightForWidth(self.width()))
        return QRect(0, 0, self.width(), height).contains(pos)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        text_rect = self._text_rect(self.width())
        # The indicator sits beside the first line, not in the middle of a long option.
        indicator = self._indicator()
        first_line = self.fontMetrics().lineSpacing()
        top = text_rect.top() + max(0, (first_line - indicator.height()) // 2)
        option.rect = QRect(0, top, indicator.width(), indicator.height())
        painter.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorRadioButton, option)
        # The style's ring is the window color darkened: all but invisible on the dark theme.
        ring = QColor(self.palette().color(QPalette.ColorRole.WindowText))
        ring.setAlphaF(0.5)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(ring, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5))
        painter.drawItemText(
            text_rect,
            int(WRAP),
            self.palette(),
            self.isEnabled(),
            self._shown_text(),
            QPalette.ColorRole.WindowText,
        )
        if self.hasFocus():
            focus = QStyleOptionButton()
            self.initStyleOption(focus)
            focus.rect = text_rect.adjusted(-1, -1, 1, 1)
            painter.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus)


class KnowledgeCheckBox(QFrame):
    """`answered(check_index, option_index)`; `card_requested(check_index)`."""

    answered = Signal(int, int)
    card_requested = Signal(int)

    def __init__(
        self,
        index: int,
        check: CheckText,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.index = index
        self.check = check
        self.result: CheckResult | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # A card on the page: radio buttons and text boxes stand out in both themes.
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setAutoFillBackground(True)
        self.title = heading(f"Question {index + 1}", 1.05)
        self.question = markdown_label(check.question)
        self.group = QButtonGroup(self)
        self.options: list[QRadioButton] = []
        options = QVBoxLayout()
        options.setSpacing(6)
        for number, text in enumerate(check.options):
            button = WrappingRadioButton(f"{letter(number)})  {text}".replace("&", "&&"))
            self.group.addButton(button, number)
            self.options.append(button)
            options.addWidget(button)
        self.group.idClicked.connect(self._chosen)
        self.feedback = heading("", 1.0)
        self.feedback.hide()
        self.explanation = markdown_label(check.explanation)
        self.explanation.hide()
        self.card_button = QPushButton("Make a flashcard")
        self.card_button.setToolTip("Add this question to your flashcards")
        self.card_button.clicked.connect(lambda: self.card_requested.emit(self.index))
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(self.card_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.addWidget(self.title)
        layout.addWidget(self.question)
        layout.addLayout(options)
        layout.addWidget(self.feedback)
        layout.addWidget(self.explanation)
        layout.addLayout(footer)

    def _chosen(self, option: int) -> None:
        if self.result is not None:
            return
        for button in self.options:
            button.setEnabled(False)  # no second guess while the first is being recorded
        self.answered.emit(self.index, option)

    def unlock(self) -> None:
        """Recording failed: let the learner answer again."""
        self.group.setExclusive(False)
        for button in self.options:
            button.setChecked(False)
            button.setEnabled(True)
        self.group.setExclusive(True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self.result is not None:
            self._color_feedback()  # the theme changed
        super().changeEvent(event)

    def _color_feedback(self) -> None:
        color = verdict_color(self.palette(), self.result.correct if self.result else None)
        # A style sheet rather than a palette: an application palette change would undo it.
        self.feedback.setStyleSheet(f"color: {color};" if color else "")

    def show_result(self, result: CheckResult) -> None:
        self.result = result
        right = result.correct_index
        for number, button in enumerate(self.options):
            # Readable, not greyed out, but no longer answerable.
            button.setEnabled(True)
            button.setChecked(number == result.chosen)
            button.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            mark = "✓ " if number == right else "✗ " if number == result.chosen else ""
            button.setText(f"{mark}{button.text()}")
        if result.correct is None or right is None:
            text = "Recorded. This question has no answer on record, so it is not judged."
        elif result.correct:
            text = "✓ Correct."
        else:
            answer = self.check.options[right].rstrip()
            stop = "" if answer.endswith((".", "!", "?")) else "."
            text = f"✗ Not quite. The answer is {letter(right)}) {answer}{stop}"
        self.feedback.setText(text)
        self._color_feedback()
        self.feedback.show()
        self.explanation.setVisible(bool(self.check.explanation.strip()))
