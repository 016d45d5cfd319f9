"""The rendered note: HTML from `app.core.notes.rendering.render_note` in a QTextBrowser that
loads nothing but images in the profile's media folder.

A `studydesk:` link (a chip) is handed to `link_clicked` for the Notebook to open its target; a
web or mail link, and an attachment stored in the profile's media folder (a PDF), open in the
learner's own programs; nothing else is followed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFrame, QWidget

from app.core.notes.rendering import is_note_link
from app.ui.media_browser import MediaOnlyBrowser

WEB_SCHEMES = ("http", "https", "mailto")


class NotePreview(MediaOnlyBrowser):
    """`link_clicked(url)`: a `studydesk:` link was followed."""

    link_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName("Preview of the note")
        self.document().setDocumentMargin(12)
        self.anchorClicked.connect(self._follow)

    def show_html(self, html: str, media_dir: Path | None) -> None:
        """`html` must come from `render_note` (made safe, media images resolved)."""
        self.media_dir = media_dir
        bar = self.verticalScrollBar()
        at = bar.value()
        self.setHtml(html)
        bar.setValue(at)

    def _follow(self, url: QUrl) -> None:
        text = url.toString()
        if is_note_link(text):
            self.link_clicked.emit(text)
        elif url.scheme().lower() in WEB_SCHEMES or self._is_attachment(url):
            QDesktopServices.openUrl(url)
        elif url.scheme() == "" and url.hasFragment():
            self.scrollToAnchor(url.fragment())

    def _is_attachment(self, url: QUrl) -> bool:
        """A file stored directly in the profile's media folder (what `render_note` links an
        attachment to); never another file on the disk."""
        if self.media_dir is None or not url.isLocalFile():
            return False
        path = Path(url.toLocalFile()).resolve()
        return path.parent == self.media_dir.resolve() and path.is_file()
