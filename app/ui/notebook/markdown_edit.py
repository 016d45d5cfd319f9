"""The note's text box: plain-text markdown with highlighting, `[[` completion of note titles,
and images pasted or dropped into it.

The text typed is the note, character for character: nothing is converted through Qt's rich
text. `[[` opens a list of notes whose titles match what follows (fuzzy, from the core); Enter
or Tab puts a link to the chosen note's id in place of `[[...` (renaming the note never breaks
it). Pasted and dropped images are handed to `image_wanted` (the editor stores them in the
profile's media folder and inserts the markdown that shows them).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QMimeData,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QImage, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QPlainTextEdit, QWidget

from app.ui.key_help import HandledKey
from app.ui.notebook.highlighter import MarkdownHighlighter

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
ID_ROLE = Qt.ItemDataRole.UserRole + 1


def image_bytes(image: QImage) -> bytes:
    """A clipboard image as PNG bytes."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, b"PNG")
    buffer.close()
    return bytes(data.data())


LINK_KEY = HandledKey("Link the note to a lesson, card, deck, video moment, question…", "Ctrl+L")


def _is_ctrl_l(event: QKeyEvent) -> bool:
    return LINK_KEY.matches(event)


class MarkdownEdit(QPlainTextEdit):
    """Signals:
    - `titles_wanted(typed)`: the `[[` list needs titles matching `typed` (answer with
      `show_titles`);
    - `image_wanted(object)`: an image to store: `bytes` (pasted) or a `Path` (dropped file);
    - `link_wanted()`: Ctrl+L, link to a lesson, card, deck, video moment, question...
    """

    titles_wanted = Signal(str)
    image_wanted = Signal(object)
    link_wanted = Signal()
    HANDLED_KEYS = (LINK_KEY,)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)  # Tab goes on to the next field, as everywhere
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setAccessibleName("Note text")
        self.setPlaceholderText(
            "Write in markdown: # headings, **bold**, - lists, `code`, #tags.\n"
            "[[ links to another note; Ctrl+L links a lesson, card, deck, video moment or "
            "question; paste or drop images."
        )
        self.highlighter = MarkdownHighlighter(self.document(), self.palette())
        self.wiki_start: int | None = None  # where the `[[` being completed begins
        self.titles = QStandardItemModel(self)
        self.completer = QCompleter(self.titles, self)
        self.completer.setWidget(self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.activated[QModelIndex].connect(self._complete)  # type: ignore[index]
        self.cursorPositionChanged.connect(self._follow_cursor)

    # --- [[ completion ---------------------------------------------------------------------
    def popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None
        return popup

    def typed_after_brackets(self) -> str | None:
        """What follows the open `[[` up to the cursor; None when no completion is under way."""
        if self.wiki_start is None:
            return None
        cursor = self.textCursor()
        at = cursor.position()
        block = cursor.block()
        if at < self.wiki_start or self.wiki_start < block.position() + 2:
            return None
        text = block.text()[self.wiki_start - 2 - block.position() : at - block.position()]
        if not text.startswith("[[") or "]" in text or len(text) > 82:
            return None
        return text[2:]

    def show_titles(self, typed: str, titles: list[tuple[str, str]]) -> None:
        """The notes matching `typed` (id, title), best first; shown if still wanted."""
        if self.typed_after_brackets() != typed:
            return
        self.titles.clear()
        for note_id, title in titles:
            item = QStandardItem(title or "Untitled")
            item.setData(note_id, ID_ROLE)
            item.setData(title, Qt.ItemDataRole.ToolTipRole)
            self.titles.appendRow(item)
        if not titles:
            self.popup().hide()
            return
        rect = self.cursorRect()
        popup = self.popup()
        rect.setWidth(
            min(
                420,
                max(220, popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width()),
            )
        )
        self.completer.complete(rect)
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))

    def _complete(self, index: QModelIndex) -> None:
        from app.core.notes.links import LinkTarget, link_markdown

        note_id = index.data(ID_ROLE)
        title = index.data(Qt.ItemDataRole.ToolTipRole) or index.data()
        if self.wiki_start is None or not note_id:
            return
        cursor = self.textCursor()
        cursor.setPosition(self.wiki_start - 2)
        cursor.setPosition(self.textCursor().position(), cursor.MoveMode.KeepAnchor)
        after = self.document().characterAt(self.textCursor().position())
        if after == "]":  # an editor that closes brackets: `[[typed]]`
            cursor.movePosition(cursor.MoveOperation.Right, cursor.MoveMode.KeepAnchor)
            if self.document().characterAt(cursor.position()) == "]":
                cursor.movePosition(cursor.MoveOperation.Right, cursor.MoveMode.KeepAnchor)
        self.wiki_start = None
        cursor.insertText(link_markdown(str(title), LinkTarget("note", str(note_id))))
        self.setTextCursor(cursor)

    def _follow_cursor(self) -> None:
        if self.wiki_start is not None and self.typed_after_brackets() is None:
            self.wiki_start = None
            self.popup().hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self.popup()
        if popup.isVisible() and event.key() in (
            Qt.Key.Key_Enter,
            Qt.Key.Key_Return,
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            index = popup.currentIndex()
            popup.hide()
            if index.isValid():
                self._complete(index)
            return
        if popup.isVisible() and event.key() == Qt.Key.Key_Escape:
            popup.hide()
            self.wiki_start = None
            return
        if _is_ctrl_l(event):
            self.link_wanted.emit()
            return
        super().keyPressEvent(event)
        if event.text() == "[":
            cursor = self.textCursor()
            block_at = cursor.positionInBlock()
            if block_at >= 2 and cursor.block().text()[block_at - 2 : block_at] == "[[":
                self.wiki_start = cursor.position()
        typed = self.typed_after_brackets()
        if typed is not None and event.text():
            self.titles_wanted.emit(typed)
        elif typed is None and popup.isVisible():
            popup.hide()

    def event(self, event: QEvent) -> bool:
        # Ctrl+L belongs to the text being written, whatever shortcut the window gives it.
        is_key = event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
        if is_key and _is_ctrl_l(event):  # type: ignore[arg-type]
            event.accept()
            return True
        return super().event(event)

    # --- images ----------------------------------------------------------------------------
    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return (
            source.hasImage()
            or bool(self._image_files(source))
            or super().canInsertFromMimeData(source)
        )

    def insertFromMimeData(self, source: QMimeData) -> None:
        files = self._image_files(source)
        if files:
            for path in files:
                self.image_wanted.emit(path)
            return
        if source.hasImage() and not source.hasText():
            image = QImage(source.imageData())
            if not image.isNull():
                self.image_wanted.emit(image_bytes(image))
                return
        # Text only: never rich text (the learner's markdown is the note).
        if source.hasText():
            self.insertPlainText(source.text())

    @staticmethod
    def _image_files(source: QMimeData) -> list[Path]:
        if not source.hasUrls():
            return []
        return [
            Path(url.toLocalFile())
            for url in source.urls()
            if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES
        ]

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.highlighter.set_palette(self.palette())
