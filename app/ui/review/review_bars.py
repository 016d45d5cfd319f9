"""The strips around the card: the counts left today, and the four answer buttons each with
the interval it would give the card."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.flashcards.queue import QueueCounts
from app.core.flashcards.review import IntervalPreview

RATINGS = ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy"))
ONE_LINE = 1 << 20  # room wider than any deck's name


class CountsBar(QWidget):
    """ "New 5 · Learning 1 · Due 12"; the kind of the card on screen is underlined. The deck's
    name is beside the counts where both fit on one line, else above them (a narrow pane, larger
    text): never broken word by word into the room the counts leave."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deck = QLabel()
        self.deck.setTextFormat(Qt.TextFormat.PlainText)
        self.deck.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.deck.setWordWrap(True)  # a long deck name takes lines, never more width
        self.counts = QLabel()
        self.counts.setTextFormat(Qt.TextFormat.RichText)
        self.counts.setAccessibleName("Cards left today")
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.row.setContentsMargins(12, 6, 12, 6)
        self.row.addWidget(self.deck, 1)
        self.row.addWidget(self.counts)
        self.current = QueueCounts()

    def _arrange(self) -> None:
        margins = self.row.contentsMargins()
        room = self.width() - margins.left() - margins.right() - self.row.spacing()
        # The name's width on one line as the label measures it for wrapping (rounded up,
        # where horizontalAdvance rounds to the nearest pixel and "All decks" broke by one).
        name = self.deck.fontMetrics().boundingRect(
            QRect(0, 0, ONE_LINE, ONE_LINE), Qt.TextFlag.TextWordWrap, self.deck.text()
        )
        one_line = name.width() + self.counts.sizeHint().width()
        beside = QBoxLayout.Direction.LeftToRight
        wanted = beside if one_line <= room else QBoxLayout.Direction.TopToBottom
        if self.row.direction() != wanted:
            self.row.setDirection(wanted)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._arrange()

    def show_counts(self, deck_name: str, counts: QueueCounts, kind: str | None = None) -> None:
        self.current = counts
        self.deck.setText(deck_name)
        parts = []
        for key, label, value in (
            ("new", "New", counts.new),
            ("learning", "Learning", counts.learning),
            ("review", "Due", counts.review),
        ):
            number = f"<u>{value}</u>" if key == kind else str(value)
            parts.append(f"{label} <b>{number}</b>")
        self.counts.setText(" &nbsp;·&nbsp; ".join(parts))
        self._arrange()

    def text(self) -> str:
        c = self.current
        return f"New {c.new} · Learning {c.learning} · Due {c.review}"


class AnswerBar(QWidget):
    """`answered(rating)`: 1 Again, 2 Hard, 3 Good, 4 Easy. Tab reaches the buttons but a click
    does not give them the focus, so Space and the number keys stay with the review pane."""

    answered = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: list[QPushButton] = []
        self.intervals: list[QLabel] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        for rating, name in RATINGS:
            button = QPushButton(name)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setMinimumWidth(80)
            button.setToolTip(f"{name} ({rating})")
            button.clicked.connect(lambda _checked=False, r=rating: self.answered.emit(r))
            interval = QLabel()
            interval.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            interval.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(button)
            column.addWidget(interval)
            row.addLayout(column)
            self.buttons.append(button)
            self.intervals.append(interval)
        row.addStretch(1)

    def set_previews(self, previews: tuple[IntervalPreview, ...]) -> None:
        labels = {int(p.rating): p.label for p in previews}
        for (rating, name), button, interval in zip(
            RATINGS, self.buttons, self.intervals, strict=True
        ):
            interval.setText(labels.get(rating, ""))
            button.setToolTip(f"{name} ({rating}): next in {labels.get(rating, '?')}")

    def set_busy(self, busy: bool) -> None:
        for button in self.buttons:
            button.setEnabled(not busy)
