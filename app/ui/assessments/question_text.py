"""A question's text on screen: safe HTML from the core's renderer in a browser that loads
nothing but images in the profile's media folder and runs nothing.

Every stem, explanation and rationale goes through `question_html` (the core's safe renderer:
raw HTML shown as text, scripts dropped, images only from media/). The stem browser also shows
the learner's highlights as extra selections, so the document (and the character offsets the
highlights are stored with) never changes for them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QResizeEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QFrame, QTextBrowser, QTextEdit, QWidget

from app.core.assessments.rendering import question_html

WEB_SCHEMES = ("http", "https", "mailto")
HIGHLIGHT = QColor("#fff176")
HIGHLIGHT_TEXT = QColor("#000000")


def safe_html(markdown: str, media_dir: Path | None) -> str:
    """`markdown` (a stem, an explanation, a rationale) rendered safe."""
    return question_html(markdown or "", media_dir)


def escaped(text: str) -> str:
    return html.escape(text or "", quote=True)


class QuestionText(QTextBrowser):
    """Read-only rendered question text. `highlight_asked(start, end)`: the learner asked to
    highlight (or, over a highlight, to clear) the selected characters."""

    highlight_asked = Signal(int, int)

    def __init__(
        self, accessible_name: str, parent: QWidget | None = None, *, fit_height: bool = False
    ) -> None:
        super().__init__(parent)
        # fit_height: as tall as its text (in a scrolling column), never a scroll bar of its own
        self.fit_height = fit_height
        if fit_height:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.media_dir: Path | None = None
        self.refused: list[QUrl] = []
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName(accessible_name)
        self.document().setDocumentMargin(10)
        self.anchorClicked.connect(self._follow)
        self._highlights: tuple[tuple[int, int], ...] = ()

    def show_html(self, text: str, media_dir: Path | None) -> None:
        """`text` must come from `safe_html` (or be built of escaped parts around it)."""
        self.media_dir = media_dir
        self.setHtml(text)
        self._paint_highlights()
        self._fit()

    def _fit(self) -> None:
        if not self.fit_height:
            return
        document = self.document()
        document.setTextWidth(self.viewport().width())
        height = int(document.size().height() + 0.99) + 2 * self.frameWidth()
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def set_highlights(self, spans: Iterable[tuple[int, int]]) -> None:
        self._highlights = tuple(spans)
        self._paint_highlights()

    def selection_span(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return cursor.selectionStart(), cursor.selectionEnd()

    def _paint_highlights(self) -> None:
        marks = []
        length = max(0, self.document().characterCount() - 1)
        for start, end in self._highlights:
            if start >= length:
                continue
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(min(end, length), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(HIGHLIGHT)
            fmt.setForeground(HIGHLIGHT_TEXT)
            selection.cursor = cursor
            selection.format = fmt
            marks.append(selection)
        self.setExtraSelections(marks)

    def _follow(self, url: QUrl) -> None:
        if url.scheme().lower() in WEB_SCHEMES:
            QDesktopServices.openUrl(url)
        elif url.scheme() == "" and url.hasFragment():
            self.scrollToAnchor(url.fragment())

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        """Only images stored in the profile's media folder are loaded."""
        target = QUrl(url)
        if self.media_dir is not None and target.isLocalFile():
            path = Path(target.toLocalFile()).resolve()
            if path.is_relative_to(self.media_dir.resolve()) and path.is_file():
                return super().loadResource(kind, target)
        self.refused.append(target)
        return None
