"""Today's flashcards section: the cards due today per deck, and a button to study them.

Hidden when no deck has anything due today.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.ui.context import ViewContext
from app.ui.layouts import clear_layout
from app.ui.refresh import RefreshOnChange

if TYPE_CHECKING:  # the flashcards core loads on the worker, off the first paint's path
    from app.core.flashcards.queue import DeckCounts
    from app.core.opening import OpenProfile


def read_due_today(opened: OpenProfile) -> tuple[DeckCounts, ...]:
    from app.ui.review.data import read_due_today as read

    return read(opened)


REFRESH_MS = 5 * 60_000  # learning cards fall due and the study day turns over at 4 am


def cards_text(n: int) -> str:
    return "1 card" if n == 1 else f"{n} cards"


class DueCardsSection(RefreshOnChange, QFrame):
    """Start Review (and each deck's row) study now, through the window's navigator."""

    SHOWS = Change.CARDS | Change.REVIEWS | Change.DECKS | Change.TAGS
    HIDES_WHEN_EMPTY = True

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: tuple[DeckCounts, ...] = ()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel("Flashcards due today")
        self.total = QLabel()
        self.total.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        self.button = QPushButton("Start &Review")
        self.button.setToolTip("Study every deck's due cards in the Review view")
        self.button.clicked.connect(lambda: self.context.navigator.start_review(None))
        bottom = QHBoxLayout()
        bottom.addWidget(self.total, 1)
        bottom.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 16)
        layout.addWidget(self.heading)
        layout.addLayout(self.grid)
        layout.addLayout(bottom)
        self._scale_heading()
        self.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.listen_for_changes(context.runner)
        self.refresh()

    def refresh(self) -> None:
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _progress: read_due_today(opened),
            on_done=self._show,
            owner=self,
            latest="section",
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            QTimer.singleShot(0, self, self._scale_heading)
        super().changeEvent(event)

    def _scale_heading(self) -> None:
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)

    def _show(self, rows: tuple[DeckCounts, ...]) -> None:
        self.rows = rows
        clear_layout(self.grid)
        if not rows:
            self.hide()
            return
        for line, row in enumerate(rows):
            name = QLabel(row.deck.full_name)
            name.setTextFormat(Qt.TextFormat.PlainText)
            name.setWordWrap(True)  # a long deck name never widens the window
            counts = row.counts
            detail = QLabel(
                f"{counts.new} new · {counts.learning} learning · {counts.review} to review"
            )
            detail.setWordWrap(True)
            detail.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            due = QLabel(cards_text(counts.total))
            due.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(name, line, 0)
            self.grid.addWidget(detail, line, 1)
            self.grid.addWidget(due, line, 2)
        self.grid.setColumnStretch(1, 1)
        total = sum(row.counts.total for row in rows)
        self.total.setText(f"{cards_text(total)} to study today")
        self.show()

    def deck_names(self) -> list[str]:
        return [row.deck.full_name for row in self.rows]
