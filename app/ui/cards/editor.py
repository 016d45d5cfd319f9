"""The panel beside the browser table: the selected card's front, back and tags, editable."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.flashcards.browser import CardDetail
from app.core.flashcards.card_actions import CardText
from app.core.flashcards.from_video import VideoMoment, moment_of
from app.core.flashcards.tags import format_tags, parse_tags
from app.core.videos.bookmarks import clock
from app.ui.cards.filter_bar import fit_text


class CardEditorPanel(QWidget):
    """Shows one card; `save_requested(CardText)` when the learner saves (the card keeps its
    deck). With no card or several selected it shows why there is nothing to edit.
    `moment_requested(VideoMoment)`: open the video moment the card was made from."""

    save_requested = Signal(object)
    moment_requested = Signal(object)
    note_requested = Signal(str, str)  # card id, its front: a note on this card

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card_id: str | None = None
        self.heading = QLabel("No card selected")
        self.heading.setWordWrap(True)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.moment: VideoMoment | None = None
        self.moment_button = QPushButton()
        self.moment_button.setToolTip("Play the video this card was made from, at its moment")
        self.moment_button.clicked.connect(lambda: self.moment_requested.emit(self.moment))
        self.moment_button.hide()
        self.note_button = QPushButton("Note on This Card…")
        self.note_button.setToolTip("Write a note linked to this card, in the Notebook")
        self.note_button.clicked.connect(self._note_wanted)
        self.front = QPlainTextEdit()
        self.front.setPlaceholderText("Front (Markdown)")
        self.back = QPlainTextEdit()
        self.back.setPlaceholderText("Back (Markdown)")
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("tag one, tag two")
        fit_text(self.tags, self.tags.placeholderText())
        self.save_button = QPushButton("Save")
        self.save_button.setShortcut(QKeySequence("Ctrl+S"))
        self.save_button.setToolTip("Save the card (Ctrl+S)")
        self.save_button.clicked.connect(self._save)
        for edit in (self.front, self.back):
            edit.setTabChangesFocus(True)  # Tab goes on to the next field, as everywhere
            edit.textChanged.connect(self._mark_edited)
        self.tags.textEdited.connect(lambda _text: self._mark_edited())

        form = QFormLayout()
        form.addRow("Front", self.front)
        form.addRow("Back", self.back)
        form.addRow("Tags", self.tags)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        moments = QHBoxLayout()
        moments.addWidget(self.moment_button)
        moments.addWidget(self.note_button)
        moments.addStretch(1)
        layout.addLayout(moments)
        layout.addLayout(form, 1)
        layout.addWidget(self.save_button)
        self.show_nothing("No card selected")

    def fields(self) -> list[QWidget]:
        """What Tab reaches, top to bottom."""
        return [
            self.moment_button, self.note_button, self.front, self.back, self.tags,
            self.save_button,
        ]  # fmt: skip

    def show_nothing(self, why: str) -> None:
        self.card_id = None
        self.heading.setText(why)
        self.details.setText("")
        self._show_moment(None)
        for edit in (self.front, self.back):
            edit.blockSignals(True)
            edit.setPlainText("")
            edit.blockSignals(False)
        self.tags.setText("")
        self._enable(False)

    def show_card(self, card: CardDetail) -> None:
        self.card_id = card.id
        self.heading.setText(f"Card in {card.deck_name}")
        due = card.due.astimezone().strftime("%Y-%m-%d %H:%M") if card.due else "not scheduled"
        state = "deleted" if card.deleted_at else "suspended" if card.suspended else "active"
        self.details.setText(
            f"{state.capitalize()} · {card.reps} reviews, {card.lapses} lapses · due {due}"
        )
        for edit, text in ((self.front, card.front), (self.back, card.back)):
            edit.blockSignals(True)
            edit.setPlainText(text)
            edit.blockSignals(False)
        self.tags.setText(format_tags(card.tags))
        self._show_moment(moment_of(card.source_kind, card.source_id, card.source_anchor))
        self._enable(True)
        self.save_button.setEnabled(False)

    def _note_wanted(self) -> None:
        if self.card_id is not None:
            self.note_requested.emit(self.card_id, self.front.toPlainText())

    def _show_moment(self, moment: VideoMoment | None) -> None:
        self.moment = moment
        self.moment_button.setVisible(moment is not None)
        if moment is not None:
            self.moment_button.setText(f"Open video at {clock(moment.seconds)}")

    def _enable(self, enabled: bool) -> None:
        for widget in (self.front, self.back, self.tags, self.save_button, self.note_button):
            widget.setEnabled(enabled)

    def _mark_edited(self) -> None:
        self.save_button.setEnabled(self.card_id is not None)

    def _save(self) -> None:
        if self.card_id is None:
            return
        self.save_button.setEnabled(False)
        self.save_requested.emit(
            CardText(
                card_id=self.card_id,
                deck_id=None,
                front=self.front.toPlainText(),
                back=self.back.toPlainText(),
                tags=parse_tags(self.tags.text()),
            )
        )
