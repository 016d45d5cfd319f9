"""The Review view: the deck list on the left, the card being studied on the right.

Enter on a deck (or "Start review" on Today) starts a session there; Ctrl+N adds a card, E edits
the one on screen, Ctrl+Shift+D makes a deck; Ctrl+Shift+N makes a note on the card on screen, or
on the chosen deck where the deck list has the keyboard. Both halves refresh themselves after
writes that touch cards or decks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.flashcards.review import CardToShow
from app.ui.context import ViewContext
from app.ui.focus_order import put_after
from app.ui.key_help import KeyDialog
from app.ui.review.card_editor import CardEditor
from app.ui.review.deck_model import ALL_DECKS
from app.ui.review.deck_panel import DeckPanel
from app.ui.review.review_pane import ReviewPane


class ReviewView(QWidget):
    title = "Review"

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.editor: CardEditor | None = None  # the open editor, kept alive while shown
        self.decks = DeckPanel(context)
        self.pane = ReviewPane(context)
        self.decks.review_requested.connect(lambda deck_id: self.start_review(deck_id or None))
        self.pane.edit_requested.connect(self.edit_card)

        self.add_action = QAction("&Add Card…", self)
        self.add_action.setShortcut(QKeySequence("Ctrl+N"))
        self.add_action.triggered.connect(self.add_card)
        self.addAction(self.add_action)
        # New Deck (Ctrl+Shift+D) from anywhere in Review, not only the deck list.
        self.addAction(self.decks.new_action)
        add_button = QPushButton("Add Card")
        add_button.setToolTip("Write a new card (Ctrl+N)")
        add_button.clicked.connect(self.add_card)
        card_menu = QMenu(self)
        for action in (
            self.pane.show_action,
            self.pane.edit_action,
            self.pane.suspend_action,
            self.pane.bury_action,
            self.pane.moment_action,
            self.pane.note_action,
            self.pane.undo_action,
        ):
            card_menu.addAction(action)
        self.card_button = QToolButton()
        self.card_button.setText("Card")
        self.card_button.setMenu(card_menu)
        self.card_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # Tab reaches them; a click does not keep the focus, so Space and 1-4 stay with the
        # review pane after using them.
        self.add_button = add_button
        for button in (add_button, self.card_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        tools = QHBoxLayout()
        tools.setContentsMargins(12, 8, 12, 0)
        tools.addStretch(1)
        tools.addWidget(add_button)
        tools.addWidget(self.card_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(tools)
        right_layout.addWidget(self.pane, 1)
        splitter = QSplitter()
        splitter.addWidget(self.decks)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([420, 580])  # room for deck names on one line where it can
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 8)
        layout.addWidget(splitter)
        # Reading order: the decks and their buttons, then the card's tools, the card, its keys.
        put_after(
            self.decks.deck_button,
            [add_button, self.card_button, self.pane, *self.pane.key_buttons()],
        )
        self.pane.start(None, ALL_DECKS)

    def start_review(self, deck_id: str | None) -> None:
        """Study this deck (None: all decks) from its next due card."""
        self.decks.select_deck(deck_id)
        deck = self.decks.model.deck(self.decks.model.index_of(deck_id))
        self.pane.start(deck_id, deck.full_name if deck is not None else ALL_DECKS)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Keyboard first: Space and 1-4 work as soon as the view shows.
        QTimer.singleShot(0, self.pane, self.pane.setFocus)

    def key_dialogs(self) -> tuple[KeyDialog, ...]:
        """For Help > Keyboard Shortcuts: the card editor's keys (one editor adds and edits)."""
        return (
            KeyDialog(
                "Add Card, Edit Card", lambda: CardEditor(self.context, [], None, None, self)
            ),
        )

    def add_card(self) -> None:
        deck_id = self.pane.deck_id or self.decks.selected_deck_id()
        self._open_editor(CardEditor(self.context, self.decks.model.decks(), deck_id, None, self))

    def edit_card(self, card: CardToShow) -> None:
        decks = self.decks.model.decks()
        self._open_editor(CardEditor(self.context, decks, card.deck_id, card, self))

    def _open_editor(self, editor: CardEditor) -> None:
        if self.editor is not None and self.editor.isVisible():
            self.editor.close()
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.finished.connect(lambda _result: self.pane.setFocus())
        self.editor = editor
        editor.show()
