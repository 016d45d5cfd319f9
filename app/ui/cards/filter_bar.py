"""The browser's filter bar: text, deck, tag, state, due and flag, as one `CardFilter`.

On one row where the window is wide enough for every field to show its text whole; on two
(text, deck and tags above; state, due date and flag below) in a small laptop's window.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.flashcards.browser import CardFilter
from app.core.flashcards.decks import DeckInfo
from app.core.flashcards.tags import parse_tags
from app.ui.cards.model import FLAG_NAMES

SEARCH_DELAY_MS = 250
TOOLTIP = Qt.ItemDataRole.ToolTipRole
STATE_CHOICES = (
    ("Any state", None),
    ("New", "new"),
    ("Learning", "learning"),
    ("Review", "review"),
    ("Suspended", "suspended"),
    ("Buried", "buried"),
    ("Deleted", "deleted"),
)
DUE_CHOICES = (
    ("Any due date", None),
    ("Due today", 0),
    ("Due by tomorrow", 1),
    ("Due within 7 days", 7),
    ("Due within 30 days", 30),
)


def fit_text(line: QLineEdit, text: str) -> None:
    """At least wide enough to show `text` whole (with room for the clear button)."""
    margins = line.textMargins()
    clear = line.style().pixelMetric(line.style().PixelMetric.PM_SmallIconSize) + 8
    width = line.fontMetrics().horizontalAdvance(text) + margins.left() + margins.right()
    line.setMinimumWidth(width + 16 + (clear if line.isClearButtonEnabled() else 0))


def _least_width(widget: QWidget) -> int:
    return max(widget.minimumWidth(), widget.minimumSizeHint().width())


class FilterBar(QWidget):
    """`filter_changed(CardFilter)`: the learner changed a field; typing is debounced."""

    filter_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search front and back…")
        self.search.setAccessibleName("Search cards")
        self.search.setClearButtonEnabled(True)
        fit_text(self.search, self.search.placeholderText())
        self.deck = QComboBox()
        self.deck.setAccessibleName("Deck")
        self.deck.addItem("All decks", None)
        # Deck names can be long: the field shows the usual ones, the list every one whole.
        self.deck.setMinimumContentsLength(12)
        self.deck.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.tag = QLineEdit()
        self.tag.setPlaceholderText("Tags")
        self.tag.setAccessibleName("Tags")
        self.tag.setToolTip("Cards with every one of these tags, separated by commas")
        self.tag.setClearButtonEnabled(True)
        fit_text(self.tag, "tag one, tag")
        self.tag.setMaximumWidth(180)
        self.tag_completer = QCompleter([], self.tag)
        self.tag.setCompleter(self.tag_completer)
        # Each of these shows whichever choice is made whole.
        self.state = QComboBox()
        for text, value in STATE_CHOICES:
            self.state.addItem(text, value)
        self.state.setAccessibleName("Card state")
        self.due = QComboBox()
        self.due.setAccessibleName("Due")
        for text, days in DUE_CHOICES:
            self.due.addItem(text, days)
        self.flag = QComboBox()
        self.flag.addItem("Any flag", None)
        self.flag.setAccessibleName("Flag")
        for number, name in enumerate(FLAG_NAMES):
            self.flag.addItem("No flag" if number == 0 else f"{name} flag", number)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(SEARCH_DELAY_MS)
        self._typing.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _text: self._typing.start())
        self.tag.textChanged.connect(lambda _text: self._typing.start())
        self.search.returnPressed.connect(self._emit)
        for combo in (self.deck, self.state, self.due, self.flag):
            combo.currentIndexChanged.connect(lambda _index: self._emit())

        self.top = QHBoxLayout()
        self.top.addWidget(self.search, 3)
        self.top.addWidget(self.deck, 2)
        self.top.addWidget(self.tag, 1)
        self.bottom = QHBoxLayout()
        self.one_row = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.top)
        layout.addLayout(self.bottom)
        self._place(one_row=True)

    def _choices(self) -> tuple[QComboBox, ...]:
        return (self.state, self.due, self.flag)

    def _place(self, *, one_row: bool) -> None:
        """The state, due and flag choices beside the text fields, or on a row of their own."""
        self.one_row = one_row
        for layout in (self.top, self.bottom):
            for combo in self._choices():
                layout.removeWidget(combo)
        while self.bottom.count():
            self.bottom.takeAt(0)
        row = self.top if one_row else self.bottom
        for combo in self._choices():
            row.addWidget(combo)
        if not one_row:
            self.bottom.addStretch(1)

    def _one_row_width(self) -> int:
        spacing = self.top.spacing()
        fields = (self.search, self.deck, self.tag, *self._choices())
        return sum(field.sizeHint().width() for field in fields) + spacing * (len(fields) - 1)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the two rows can be; as tall as the rows shown now."""
        spacing = self.top.spacing()
        top = (self.search, self.deck, self.tag)
        width = max(
            sum(_least_width(field) for field in top) + spacing * 2,
            sum(_least_width(combo) for combo in self._choices()) + spacing * 2,
        )
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        one_row = event.size().width() >= self._one_row_width()
        if one_row != self.one_row:
            self._place(one_row=one_row)

    def current(self) -> CardFilter:
        return CardFilter(
            text=self.search.text().strip(),
            deck_id=self.deck.currentData(),
            tags=parse_tags(self.tag.text()),
            state=self.state.currentData(),
            due_within_days=self.due.currentData(),
            flag=self.flag.currentData(),
        )

    def reset(self) -> None:
        """Every field back to showing all cards, without announcing it."""
        self._typing.stop()
        for line in (self.search, self.tag):
            line.blockSignals(True)
            line.clear()
            line.blockSignals(False)
        for combo in (self.deck, self.state, self.due, self.flag):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)

    def set_choices(self, decks: Sequence[DeckInfo], tags: Sequence[str]) -> None:
        """Offer these decks and tags, keeping the chosen deck if it still exists."""
        chosen = self.deck.currentData()
        self.deck.blockSignals(True)
        try:
            self.deck.clear()
            self.deck.addItem("All decks", None)
            for deck in decks:
                self.deck.addItem("    " * deck.depth + deck.name, deck.id)
                self.deck.setItemData(self.deck.count() - 1, deck.full_name, TOOLTIP)
            found = self.deck.findData(chosen)
            self.deck.setCurrentIndex(max(found, 0))
        finally:
            self.deck.blockSignals(False)
        self.tag_completer.model().setStringList(list(tags))  # type: ignore[attr-defined]
        if chosen is not None and self.deck.currentData() is None:
            self._emit()  # the chosen deck is gone

    def _emit(self) -> None:
        self._typing.stop()
        self.filter_changed.emit(self.current())
