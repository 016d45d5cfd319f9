"""The browser's filter bar: text, deck, tag, state, due and flag, as one `CardFilter`."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QLineEdit, QWidget

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


def narrow_combo(combo: QComboBox, characters: int = 12) -> None:
    """Size a combo box for its usual choice ("Any due date") rather than its longest entry."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)


class FilterBar(QWidget):
    """`filter_changed(CardFilter)`: the learner changed a field; typing is debounced."""

    filter_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search front and back…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(120)
        self.deck = QComboBox()
        narrow_combo(self.deck)
        self.deck.addItem("All decks", None)
        self.deck.setMinimumContentsLength(10)
        self.deck.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.tag = QLineEdit()
        self.tag.setPlaceholderText("Tags")
        self.tag.setToolTip("Cards with every one of these tags, separated by commas")
        self.tag.setClearButtonEnabled(True)
        self.tag.setMaximumWidth(140)
        self.tag_completer = QCompleter([], self.tag)
        self.tag.setCompleter(self.tag_completer)
        self.state = QComboBox()
        narrow_combo(self.state)
        for text, value in STATE_CHOICES:
            self.state.addItem(text, value)
        self.due = QComboBox()
        narrow_combo(self.due)
        for text, days in DUE_CHOICES:
            self.due.addItem(text, days)
        self.flag = QComboBox()
        narrow_combo(self.flag)
        self.flag.addItem("Any flag", None)
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

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 3)
        layout.addWidget(self.deck, 2)
        layout.addWidget(self.tag, 1)
        layout.addWidget(self.state)
        layout.addWidget(self.due)
        layout.addWidget(self.flag)

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
