"""Bookmarks beside the player: the list (Enter or a click seeks), the note of the one selected,
and the dialog that adds or edits one. The buttons take no focus (the keys stay the player's);
Alt+E, Alt+D, Alt+C and Alt+N act on the bookmark selected, B adds one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.videos.bookmarks import Bookmark, clock, parse_clock
from app.errors import UserError
from app.ui.key_help import HandledKey

BOOKMARK_ROLE = Qt.ItemDataRole.UserRole + 1


class BookmarkList(QListWidget):
    """Enter seeks to the current bookmark (`chosen`); Delete asks to delete it."""

    chosen = Signal(object)  # Bookmark
    delete_requested = Signal(object)
    SEEK = HandledKey("Bookmarks: go to the chosen one", "Return", "Enter")
    DELETE = HandledKey("Bookmarks: delete the chosen one", "Del", "Backspace")
    HANDLED_KEYS = (SEEK, DELETE)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if item is not None and self.SEEK.matches(event):
            self.chosen.emit(item.data(BOOKMARK_ROLE))
            return
        if item is not None and self.DELETE.matches(event):
            self.delete_requested.emit(item.data(BOOKMARK_ROLE))
            return
        super().keyPressEvent(event)


class BookmarkPanel(QWidget):
    """`seek_requested(seconds)`; the buttons' signals carry the selected Bookmark (or None)."""

    seek_requested = Signal(float)
    add_requested = Signal()
    edit_requested = Signal(object)
    delete_requested = Signal(object)
    card_requested = Signal(object)
    note_requested = Signal(object)  # a notebook note on the selected moment

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("Bookmarks")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.list = BookmarkList()
        self.list.setAlternatingRowColors(True)
        self.empty = QLabel("No bookmarks yet. Press B at a moment to keep it, with a note.")
        self.empty.setWordWrap(True)
        self.empty.setForegroundRole(self.empty.palette().ColorRole.PlaceholderText)
        self.note = QTextBrowser()
        self.note.setOpenLinks(False)
        self.note.setMaximumHeight(140)
        self.note.hide()
        self.add_button = QPushButton("Add (B)")
        self.edit_button = QPushButton("&Edit…")
        self.delete_button = QPushButton("&Delete")
        self.card_button = QPushButton("Flash&card…")
        self.card_button.setToolTip(
            "Make a flashcard: the frame at this moment and the label, the note on the back"
        )
        self.notebook_button = QPushButton("&Notebook…")
        self.notebook_button.setToolTip(
            "Write a note in the Notebook linked to this bookmark's moment "
            "(Ctrl+Shift+N: a note at the moment playing)"
        )
        buttons = QGridLayout()
        for at, button in enumerate(
            (
                self.add_button,
                self.edit_button,
                self.delete_button,
                self.card_button,
                self.notebook_button,
            )
        ):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button, at // 2, at % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addStretch(0)
        layout.addWidget(self.note)
        layout.addLayout(buttons)

        self.list.chosen.connect(lambda mark: self.seek_requested.emit(mark.at_s))
        self.list.itemClicked.connect(
            lambda item: self.seek_requested.emit(item.data(BOOKMARK_ROLE).at_s)
        )
        self.list.delete_requested.connect(self.delete_requested.emit)
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.add_button.clicked.connect(self.add_requested.emit)
        self.edit_button.clicked.connect(lambda: self._emit(self.edit_requested))
        self.delete_button.clicked.connect(lambda: self._emit(self.delete_requested))
        self.card_button.clicked.connect(lambda: self._emit(self.card_requested))
        self.notebook_button.clicked.connect(lambda: self._emit(self.note_requested))
        self.set_bookmarks(())

    def selected(self) -> Bookmark | None:
        item = self.list.currentItem()
        mark = None if item is None else item.data(BOOKMARK_ROLE)
        return mark if isinstance(mark, Bookmark) else None

    def _emit(self, signal: SignalInstance) -> None:
        mark = self.selected()
        if mark is not None:
            signal.emit(mark)

    def set_bookmarks(
        self, marks: tuple[Bookmark, ...] | list[Bookmark], keep: str | None = None
    ) -> None:
        chosen = self.selected()
        keep = keep or (chosen.id if chosen is not None else None)
        self.list.clear()
        for mark in marks:
            item = QListWidgetItem(f"{clock(mark.at_s)}   {mark.label}")
            item.setData(BOOKMARK_ROLE, mark)
            item.setToolTip(mark.note or mark.label)
            self.list.addItem(item)
            if mark.id == keep:
                self.list.setCurrentItem(item)
        self.empty.setVisible(not marks)
        self.list.setVisible(bool(marks))
        self._show_selected()

    def _show_selected(self) -> None:
        mark = self.selected()
        has = mark is not None
        for button in (self.edit_button, self.delete_button, self.card_button):
            button.setEnabled(has)
        self.note.setMarkdown(mark.note if mark and mark.note else "")
        self.note.setVisible(bool(mark and mark.note))


def precise_clock(seconds: float) -> str:
    """m:ss, with tenths when the time has them (a bookmark made while playing)."""
    tenths = round(seconds * 10) % 10
    return clock(seconds) + (f".{tenths}" if tenths else "")


class BookmarkDialog(QDialog):
    """The time, label and note of a bookmark. `values()` after accept: (seconds, label, note);
    the time is checked as the command line checks it."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        at_s: float,
        label: str = "",
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.time = QLineEdit(precise_clock(at_s))
        self.label = QLineEdit(label)
        self.label.setPlaceholderText(f"Bookmark at {clock(at_s)}")
        self.note = QPlainTextEdit(note)
        self.note.setPlaceholderText("A note in markdown (optional)")
        self.note.setTabChangesFocus(True)  # Tab goes on to the buttons, as in every field
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828")
        self.error.hide()
        form = QFormLayout()
        form.addRow("&Time", self.time)
        form.addRow("&Label", self.label)
        form.addRow("&Note", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.label.setFocus()
        self.resize(440, 300)
        self._seconds = at_s

    def _check(self) -> None:
        try:
            self._seconds = parse_clock(self.time.text())
        except UserError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self.accept()

    def values(self) -> tuple[float, str, str]:
        return self._seconds, self.label.text(), self.note.toPlainText()
