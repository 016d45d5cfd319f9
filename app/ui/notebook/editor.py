"""The open note: its title and markdown text, find/replace, the rendered preview, and autosave.

**Autosave.** Every edit (re)starts an 800 ms timer; when it fires, the title and text are saved
through one write (`save_note`), whose base is the version the previous save returned (or the one
the note was opened at), so every save appends to the note's version graph. Switching notes,
hiding the view and closing the window save at once. A kill loses at most the last second.

A save that fails (disk full, a locked file, a note deleted elsewhere) leaves the text in the
editor and says so above it; the next keystroke tries again. A save that fails after the learner
has moved to another note brings that note back with its unsaved text, so nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.key_help import add_shortcut
from app.ui.notebook.find_bar import FindBar
from app.ui.notebook.markdown_edit import MarkdownEdit
from app.ui.notebook.preview import NotePreview
from app.ui.theme import scale_text

if TYPE_CHECKING:
    from app.core.notes.note_actions import NoteSaved
    from app.core.notes.note_reads import OpenedNote

log = logging.getLogger(__name__)

AUTOSAVE_MS = 800
PREVIEW_DELAY_MS = 300
ERROR_STYLE = "color: palette(bright-text); background: #b3261e; padding: 6px; border-radius: 4px;"


def save_text(database: Any, note_id: str, title: str, body: str, base: str | None) -> NoteSaved:
    """The autosave's write. A failure the learner can act on comes back as a UserError with
    its reason (a full disk, a locked file), never as a bug report every second."""
    from app.core.notes.note_actions import save_note

    try:
        return save_note(database, note_id, title=title, body=body, base_version_id=base)
    except UserError:
        raise
    except Exception as error:  # the database's own words: "database or disk is full"...
        log.exception("Autosave of note %s failed", note_id)
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        raise UserError(
            f"Study Desk could not save it ({reason[0] if reason else 'unknown'})."
        ) from None


class NoteEditor(QWidget):
    """Signals:
    - `saved(NoteSaved)`: a save committed (for the note list);
    - `link_clicked(url)`: a `studydesk:` link followed in the preview;
    - `reopened(note_id)`: a save of a note left behind failed; it is back in the editor;
    - `settled(note_id)`: no save of this note is waiting any more (a read now sees them all).
    """

    saved = Signal(object)
    link_clicked = Signal(str)
    reopened = Signal(str)
    settled = Signal(str)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.note_id: str | None = None
        self.read_only = False
        self.base_version_id: str | None = None
        self.saved_text: tuple[str, str] | None = None  # (title, body) as last saved or opened
        self.in_flight: dict[str, int] = {}  # note id -> saves queued or running
        # Per note: the (title, body) last queued, and the version the last queued save will
        # have made (filled in on the write thread; see `save_now`).
        self.queued: dict[str, tuple[str, str]] = {}
        self.chains: dict[str, list[str | None]] = {}
        self.missing_links: frozenset[str] = frozenset()
        self._loading = False
        self.save_failed = False  # the last save failed; shown in `problem_row`

        self.title = QLineEdit()
        self.title.setPlaceholderText("Title")
        self.title.setAccessibleName("Note title")
        scale_text(self.title, 1.25, bold=True)
        self.text = MarkdownEdit()
        self.preview = NotePreview()
        self.preview.hide()
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.text)
        self.split.addWidget(self.preview)
        self.find_bar = FindBar(self.text)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setAccessibleName("Save problem")
        self.discard_button = QPushButton("Discard Changes")
        self.discard_button.setToolTip("Let this text go unsaved (the note keeps its last save)")
        self.discard_button.clicked.connect(self.discard_changes)
        self.problem_row = QWidget()
        problem_layout = QHBoxLayout(self.problem_row)
        problem_layout.setContentsMargins(0, 0, 0, 0)
        problem_layout.addWidget(self.problem, 1)
        problem_layout.addWidget(self.discard_button, 0, Qt.AlignmentFlag.AlignTop)
        self.problem_row.hide()
        self.state = QLabel()
        self.state.setAccessibleName("Save state")

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.save_now)
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self.update_preview)
        self.title.textEdited.connect(lambda _t: self._edited())
        self.title.returnPressed.connect(self.text.setFocus)
        self.text.textChanged.connect(self._edited)
        self.text.image_wanted.connect(self.add_image)
        self.preview.link_clicked.connect(self.link_clicked)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        self.extra_rows = QVBoxLayout()  # the view's rows (tags, links) go here
        self.extra_rows.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.extra_rows)
        column.addWidget(self.problem_row)
        column.addWidget(self.find_bar)
        column.addWidget(self.split, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        self.bottom_row = bottom
        column.addLayout(bottom)

        keys: dict[QKeySequence | QKeySequence.StandardKey, tuple[str, Callable[[], object]]] = {
            QKeySequence.StandardKey.Find: ("Find in the note", lambda: self.find_bar.open_find()),
            QKeySequence("Ctrl+H"): (
                "Find and replace in the note",
                lambda: self.find_bar.open_find(replace=True),
            ),
            QKeySequence.StandardKey.Save: ("Save the note now", self.save_now),
        }
        for key, (description, action) in keys.items():
            add_shortcut(self, key, description, action)

    # --- showing a note --------------------------------------------------------------------
    def show_note(self, note: OpenedNote, *, keep_cursor: bool = False) -> bool:
        """Show `note` as read (its title, text and head version). Refused (False) while the
        note shown holds text whose save failed: that text stays until saved or discarded."""
        current = self.note_id
        if current is not None and note.id != current and self.unsaved_failure:
            self.reopened.emit(current)
            return False
        at = self.text.textCursor().position() if keep_cursor else 0
        self._loading = True
        try:
            self.note_id = note.id
            self.base_version_id = note.head_version_id
            self.saved_text = (note.title, note.body)
            if not self.in_flight.get(note.id):
                self.chains[note.id] = [note.head_version_id]
                self.queued.pop(note.id, None)
            self.title.setText(note.title)
            # Shown first, highlighted right after: the note appears without waiting for the
            # highlighting of every line (about 70 ms for 100 KB).
            self.text.highlighter.attach(None)
            self.text.setPlainText(note.body)
            self.read_only = note.kind != "note"
            self.title.setReadOnly(self.read_only)
            self.text.setReadOnly(self.read_only)
            self.missing_links = frozenset(
                link.target.url for link in note.links if not link.exists
            )
        finally:
            self._loading = False
        cursor = self.text.textCursor()
        cursor.setPosition(min(at, len(note.body)))
        self.text.setTextCursor(cursor)
        self._problem_gone()
        self.state.setText("Library article (read-only)" if self.read_only else "")
        self.timer.stop()
        QTimer.singleShot(0, self, self._highlight)
        if self.preview.isVisible():
            self.update_preview()
        return True

    def _highlight(self) -> None:
        if self.text.highlighter.document() is self.text.document():
            return
        self._loading = True  # formats change, not the text
        try:
            self.text.highlighter.attach(self.text.document())
        finally:
            self._loading = False

    def _problem_gone(self) -> None:
        self.save_failed = False
        self.problem_row.hide()

    @property
    def unsaved_failure(self) -> bool:
        """Edits whose save failed, with no save under way."""
        return (
            self.note_id is not None
            and self.save_failed
            and self.dirty
            and not self.in_flight.get(self.note_id)
        )

    def discard_changes(self) -> None:
        """ "Discard Changes" (after a failed save): let the text go, as the learner asked."""
        self.saved_text = (self.title.text(), self.text.toPlainText())
        self._problem_gone()
        self.state.setText("Changes discarded")

    def show_changed_elsewhere(self, note: OpenedNote) -> None:
        """The open note as another part of the app changed it (a restored version): shown if
        the learner has nothing unsaved, else their text stays (their save comes after)."""
        self.missing_links = frozenset(link.target.url for link in note.links if not link.exists)
        if note.id != self.note_id or note.head_version_id == self.base_version_id:
            return
        if not self.dirty and not self.in_flight.get(note.id):
            self.show_note(note, keep_cursor=True)

    def clear_note(self) -> None:
        self._loading = True
        try:
            self.note_id = None
            self.base_version_id = None
            self.saved_text = None
            self.title.clear()
            self.text.clear()
        finally:
            self._loading = False
        self.timer.stop()
        self._problem_gone()
        self.state.clear()

    @property
    def dirty(self) -> bool:
        """Edits not yet saved (or whose save failed)."""
        if self.note_id is None or self.read_only or self.saved_text is None:
            return False
        return (self.title.text(), self.text.toPlainText()) != self.saved_text

    def saves_pending(self, note_id: str) -> bool:
        return bool(self.in_flight.get(note_id))

    # --- autosave --------------------------------------------------------------------------
    def _edited(self) -> None:
        if self._loading or self.note_id is None or self.read_only:
            return
        self.timer.start()
        if self.preview.isVisible():
            self.preview_timer.start()

    def save_now(self) -> None:
        """Queue a save of the title and text if they changed since the last one queued.

        Queued at once, even behind a save still under way: writes run in order on one
        thread, and each save of a note takes as its base the version the previous one made
        (`chains`, passed along on the write thread), so nothing waits for the GUI thread.
        Switching notes or closing the window right after a keystroke therefore never drops
        it: the window waits for queued writes before it closes."""
        self.timer.stop()
        note_id = self.note_id
        if note_id is None or not self.dirty:
            return
        title, body = self.title.text(), self.text.toPlainText()
        if self.queued.get(note_id) == (title, body):
            return  # already on its way
        self.queued[note_id] = (title, body)
        chain = self.chains.setdefault(note_id, [self.base_version_id])
        base = chain[0]
        opened = self.context.opened

        def write(_progress: object) -> NoteSaved:
            saved = save_text(opened.database, note_id, title, body, chain[0])
            chain[0] = saved.version_id
            return saved

        self.in_flight[note_id] = self.in_flight.get(note_id, 0) + 1
        self.state.setText("Saving…")
        self.context.runner.run_write(
            write,
            label="",
            on_done=lambda result: self._saved(note_id, title, body, result),
            on_error=lambda error: self._failed(note_id, title, body, base, error),
            on_finally=lambda: self._finished(note_id),
            owner=self,
        )

    def _saved(self, note_id: str, title: str, body: str, result: NoteSaved) -> None:
        if note_id == self.note_id:
            self.base_version_id = result.version_id
            self.saved_text = (title, body)
            self._problem_gone()
            self.state.setText("Saved")
        self.saved.emit(result)

    def _failed(
        self, note_id: str, title: str, body: str, base: str | None, error: UserError
    ) -> None:
        self.queued.pop(note_id, None)  # not saved: the next keystroke or Ctrl+S tries again
        if note_id != self.note_id:
            # The learner moved on: bring the unsaved text back rather than lose it.
            self._loading = True
            try:
                self.note_id, self.base_version_id, self.saved_text = note_id, base, None
                self.title.setText(title)
                self.text.setPlainText(body)
                self.read_only = False
                self.title.setReadOnly(False)
                self.text.setReadOnly(False)
            finally:
                self._loading = False
            self.saved_text = ("", "\0")  # differs from any text: still to be saved
            self.reopened.emit(note_id)
        self.state.setText("Not saved")
        self.problem.setText(
            f"Not saved: {error} Your text is still here; Study Desk tries again as you type "
            "(or press Ctrl+S)."
        )
        self.save_failed = True
        self.problem_row.show()

    def _finished(self, note_id: str) -> None:
        left = self.in_flight.get(note_id, 1) - 1
        if left:
            self.in_flight[note_id] = left
        else:
            self.in_flight.pop(note_id, None)
        if not self.in_flight.get(note_id):
            self.settled.emit(note_id)

    # --- preview ---------------------------------------------------------------------------
    def toggle_preview(self) -> None:
        """Ctrl+E: the rendered note beside the text, or not."""
        showing = not self.preview.isVisible()
        self.preview.setVisible(showing)
        if showing:
            self.split.setSizes([1, 1])
            self.update_preview()

    def hideEvent(self, event: QHideEvent) -> None:
        self.preview_timer.stop()  # nothing to show it on (and, closing, no one to read it)
        super().hideEvent(event)

    def update_preview(self) -> None:
        from app.core.notes.rendering import render_note

        body, media = self.text.toPlainText(), self.media_dir()
        missing = self.missing_links
        self.context.runner.run_read(
            lambda _p: render_note(body, media, missing=missing),
            on_done=lambda html: self.preview.show_html(html, media),
            owner=self,
            latest="preview",
        )

    def media_dir(self) -> Path:
        return self.context.opened.profile.media_dir

    # --- images and links ------------------------------------------------------------------
    def add_image(self, image: object) -> None:
        """Store a pasted (bytes) or dropped (Path) image in the media folder, then show it."""
        from app.core.flashcards.media import media_link, store_image_file, store_media

        if self.read_only or self.note_id is None:
            return
        media = self.media_dir()

        def store(_progress: object) -> str:
            if isinstance(image, Path):
                return store_image_file(media, image)
            return media_link(store_media(media, bytes(image)), "image")  # type: ignore[call-overload]

        self.context.runner.run_write(
            store,
            label="Adding the image",
            on_done=self.insert_markdown,
            on_error=self._image_failed,
            owner=self,
        )

    def _image_failed(self, error: UserError) -> None:
        self.state.setText(f"The image was not added: {error}")

    def insert_markdown(self, markdown: str) -> None:
        if self.read_only or self.note_id is None:
            return
        cursor = self.text.textCursor()
        cursor.insertText(markdown)
        self.text.setTextCursor(cursor)
        self.text.setFocus()

    def replace_everywhere(self, old: str, new: str) -> int:
        """Replace every `old` by `new` in the text (one step of undo); how many there were."""
        body = self.text.toPlainText()
        count = body.count(old)
        if count and not self.read_only:
            cursor = QTextCursor(self.text.document())
            cursor.beginEditBlock()
            found = self.text.document().find(old)
            while not found.isNull():
                found.insertText(new)
                found = self.text.document().find(old, found)
            cursor.endEditBlock()
        return count
