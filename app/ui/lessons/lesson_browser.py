"""The lesson text: safe markdown in a QTextBrowser that never loads anything from outside.

`display_markdown` already turns remote images into links; as a second line of defence the
browser itself only loads files inside the profile's media folder, and links are never
followed inside it: web and mail links open in the learner's own programs, in-page anchors
scroll, anything else is ignored. The browser is as tall as its text (the page scrolls, not
the browser), so the exercises and checks follow the text in one column.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSizeF, Qt, QUrl
from PySide6.QtGui import QTextBlockFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QFrame, QSizePolicy, QWidget

from app.ui.lessons.widgets import open_outside
from app.ui.media_browser import MediaOnlyBrowser

MARKDOWN = QTextDocument.MarkdownFeature(
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub.value
    | QTextDocument.MarkdownFeature.MarkdownNoHTML.value
)

LINE_HEIGHT = 135  # percent
LINE_HEIGHT_TYPE = QTextBlockFormat.LineHeightTypes.ProportionalHeight.value


class LessonBrowser(MediaOnlyBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.document().setDocumentMargin(0)  # the text lines up with the labels around it
        self.setAccessibleName("Lesson text")
        self.anchorClicked.connect(self.follow)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)

    def show_markdown(self, markdown: str, media_dir: Path | None) -> None:
        self.media_dir = media_dir
        document = self.document()
        document.setMarkdown(markdown, MARKDOWN)
        # Looser lines than the default: long passages read more easily.
        spacing = QTextBlockFormat()
        spacing.setLineHeight(LINE_HEIGHT, LINE_HEIGHT_TYPE)
        cursor = QTextCursor(document)
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(spacing)
        self._fit_height(document.size())

    def selected_text(self) -> str:
        # QTextCursor separates paragraphs with U+2029.
        return self.textCursor().selectedText().replace("\u2029", "\n").strip()

    def follow(self, url: QUrl) -> None:
        if url.scheme() == "" and url.hasFragment() and not url.path():
            self.scrollToAnchor(url.fragment())
            return
        open_outside(url)

    def _fit_height(self, size: QSizeF) -> None:
        margins = self.contentsMargins()
        scrollbar = self.horizontalScrollBar()
        extra = scrollbar.sizeHint().height() if scrollbar.isVisible() else 0
        self.setFixedHeight(int(size.height()) + margins.top() + margins.bottom() + extra + 2)
