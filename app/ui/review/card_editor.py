"""The card editor: add a card (Ctrl+N) or edit the one under review (E).

Front and back are plain-text markdown with a live preview beside them; images go into the
profile's media folder ("Insert image…") and appear as a link in the side being written.
Saving (Ctrl+Enter) runs in the background; adding keeps the dialog open for the next card.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.courses.markdown import display_markdown
from app.core.flashcards import card_actions
from app.core.flashcards.card_actions import CardText
from app.core.flashcards.cards import CardChange
from app.core.flashcards.decks import DeckInfo
from app.core.flashcards.media import store_image_file
from app.core.flashcards.review import CardToShow
from app.core.flashcards.tags import format_tags, parse_tags
from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.key_help import add_shortcut
from app.ui.review.card_view import CardBrowser, both_sides
from app.ui.screen_fit import fit_on_screen

PREVIEW_DELAY_MS = 200
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif *.webp)"


def preview_sides(media_dir: Path, front: str, back: str) -> tuple[str, str]:
    """Both sides made safe for display (reads the media folder: off the GUI thread)."""
    return display_markdown(front, media_dir), display_markdown(back, media_dir)


class CardEditor(QDialog):
    """`saved(card_id)`: a card was added or changed (after the write committed)."""

    saved = Signal(str)

    def __init__(
        self,
        context: ViewContext,
        decks: list[DeckInfo],
        deck_id: str | None,
        card: CardToShow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.card = card
        self.working = False
        self.setWindowTitle("Edit Card" if card else "Add Card")
        self.deck = QComboBox()
        self.deck.setAccessibleName("Deck")
        for deck in decks:
            self.deck.addItem(deck.full_name, deck.id)
        if not decks:
            self.deck.addItem("Default", "")
        wanted = card.deck_id if card else deck_id
        self.deck.setCurrentIndex(max(0, self.deck.findData(wanted)))
        self.front = self._editor("Front", "The question or prompt, in markdown")
        self.back = self._editor("Back", "The answer")
        self.tags = QLineEdit(format_tags(card.tags) if card else "")
        self.tags.setPlaceholderText("Separated by commas, e.g. biology, cell structure")
        if card is not None:
            self.front.setPlainText(card.front)
            self.back.setPlainText(card.back)
        self.writing_into = self.front  # where "Insert image…" puts the image

        self.preview = CardBrowser(scale=1.0)
        self.preview.setAccessibleName("Preview")
        self.preview.setBackgroundRole(QPalette.ColorRole.Base)
        self.preview.setMinimumWidth(260)
        self.image_button = QPushButton("Insert &Image…")
        self.image_button.clicked.connect(self.choose_image)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = self.buttons.addButton(
            "Add" if card is None else "Save", QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.save_button.setToolTip("Save the card (Ctrl+Enter)")
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            add_shortcut(self, key, "Add or save the card", self.save)

        form = QFormLayout()
        form.addRow("&Deck:", self.deck)
        form.addRow("&Front:", self.front)
        form.addRow("&Back:", self.back)
        form.addRow("&Tags:", self.tags)
        fields = QWidget()
        fields.setLayout(form)
        preview_column = QWidget()
        preview_layout = QVBoxLayout(preview_column)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(QLabel("Preview"))
        preview_layout.addWidget(self.preview, 1)
        splitter = QSplitter()
        splitter.addWidget(fields)
        splitter.addWidget(preview_column)
        splitter.setChildrenCollapsible(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.image_button)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        # Enter in the tags saves, as Ctrl+Enter does anywhere: left to Qt, the first button
        # (Insert Image…) was the default one and Enter opened a file chooser. A button Tab
        # reached still takes Enter itself. (A button finds its dialog once in its layout.)
        self.save_button.setDefault(True)
        fit_on_screen(self, QSize(820, 520))  # within a small laptop's 800 px

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        self.front.textChanged.connect(self._preview_timer.start)
        self.back.textChanged.connect(self._preview_timer.start)
        self.update_preview()
        self.front.setFocus()

    def _editor(self, name: str, placeholder: str) -> QPlainTextEdit:
        editor = QPlainTextEdit()
        editor.setAccessibleName(name)
        editor.setPlaceholderText(placeholder)
        editor.setTabChangesFocus(True)
        editor.installEventFilter(self)
        return editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and watched in (self.front, self.back):
            self.writing_into = self.front if watched is self.front else self.back
        return super().eventFilter(watched, event)

    # Preview
    def update_preview(self) -> None:
        media, front, back = self._media_dir(), self.front.toPlainText(), self.back.toPlainText()
        self.context.runner.run_read(
            lambda _progress: preview_sides(media, front, back),
            on_done=self._show_preview,
            owner=self,
            latest="preview",
        )

    def _show_preview(self, sides: tuple[str, str]) -> None:
        self.preview.show_markdown(both_sides(*sides), self._media_dir())

    def _media_dir(self) -> Path:
        return self.context.opened.profile.media_dir

    # Images
    def choose_image(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, "Insert Image", str(Path.home()), IMAGE_FILTER
        )
        if name:
            self.insert_image(Path(name))

    def insert_image(self, path: Path) -> None:
        """Copy the image into the media folder (in the background), then link it."""
        media, target = self._media_dir(), self.writing_into
        self.image_button.setEnabled(False)
        self.context.runner.run_write(
            lambda _progress: store_image_file(media, path),
            label="Adding the image",
            on_done=lambda link: self._insert_link(target, link),
            on_error=self._show_error,
            on_finally=lambda: self.image_button.setEnabled(True),
            owner=self,
        )

    def _insert_link(self, editor: QPlainTextEdit, link: str) -> None:
        editor.insertPlainText(link)
        editor.setFocus()

    # Saving
    def card_text(self) -> CardText:
        deck = self.deck.currentData()
        return CardText(
            card_id=self.card.id if self.card else None,
            deck_id=str(deck) if deck else None,
            front=self.front.toPlainText(),
            back=self.back.toPlainText(),
            tags=parse_tags(self.tags.text()),
        )

    def save(self) -> None:
        if self.working:
            return
        text = self.card_text()
        if not text.front.strip():
            self._show_error(UserError("A card needs something on its front."))
            self.front.setFocus()
            return
        self.working = True
        self.save_button.setEnabled(False)
        self.status.setText("Saving…")
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _progress: card_actions.save_card(opened.database, text),
            label="Saving the card",
            on_done=self._saved,
            on_error=self._show_error,
            on_finally=self._done_working,
            owner=self,
        )

    def _done_working(self) -> None:
        self.working = False
        self.save_button.setEnabled(True)

    def _saved(self, saved: CardChange) -> None:
        self.saved.emit(saved.card_ids[0])
        if self.card is not None:
            self.accept()
            return
        self.status.setText(f"Added to {self.deck.currentText()}. Write the next card, or Esc.")
        self.front.clear()
        self.back.clear()
        self.front.setFocus()

    def _show_error(self, error: UserError) -> None:
        self.status.setText(str(error))
