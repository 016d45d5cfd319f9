"""Which deck a missed question's card goes to, and whether a note is made with it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from app.core.flashcards.decks import DeckInfo


class DeckChooser(QDialog):
    def __init__(
        self,
        decks: Sequence[DeckInfo],
        *,
        what: str,
        chosen: str | None,
        with_note: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Card from Missed Questions" if "all" in what else "Card from Question")
        self.deck = QComboBox()
        self.deck.setAccessibleName("Deck")
        for deck in decks:
            self.deck.addItem("::".join(deck.path), deck.id)
        at = self.deck.findData(chosen) if chosen else -1
        self.deck.setCurrentIndex(max(0, at))
        self.note = QCheckBox("Also a note linked to the question and the card")
        self.note.setChecked(with_note)
        intro = QLabel(what)
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Make")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow("Deck", self.deck)
        form.addRow(self.note)
        form.addRow(buttons)

    def deck_id(self) -> str | None:
        value = self.deck.currentData()
        return str(value) if value else None
