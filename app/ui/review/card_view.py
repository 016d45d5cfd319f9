"""One side or both sides of a card: safe markdown in a QTextBrowser that loads nothing from
outside the profile's media folder and opens web links in the learner's browser.

The text is larger than the rest of the window (scaled from the application font, so the text
size setting reaches it), and the browser never takes keyboard focus: Space and 1-4 belong to
the review pane around it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QTextDocument
from PySide6.QtWidgets import QApplication, QFrame, QWidget

from app.ui.media_browser import MediaOnlyBrowser
from app.ui.theme import TEXT_SCALE

MARKDOWN = QTextDocument.MarkdownFeature(
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub.value
    | QTextDocument.MarkdownFeature.MarkdownNoHTML.value
)
CARD_TEXT_SCALE = 1.35
SAFE_SCHEMES = ("http", "https", "mailto")
# Between the front and the back once the answer shows.
DIVIDER = "\n\n* * *\n\n"


def both_sides(front: str, back: str) -> str:
    return f"{front}{DIVIDER}{back}" if back.strip() else front


class CardBrowser(MediaOnlyBrowser):
    def __init__(self, scale: float = CARD_TEXT_SCALE, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scale
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.document().setDocumentMargin(24)
        self.anchorClicked.connect(self._follow)
        self._apply_scale()

    def show_markdown(self, markdown: str, media_dir: Path | None) -> None:
        """`markdown` must come from `display_markdown` (made safe, media links resolved)."""
        self.media_dir = media_dir
        self.document().setMarkdown(markdown, MARKDOWN)

    def plain_text(self) -> str:
        return self.document().toPlainText()

    def _apply_scale(self) -> None:
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * self.scale)
        self.setFont(font)
        self.document().setDefaultFont(font)
        # Under a style sheet Qt sends no ApplicationFontChange: the text size setting then
        # reaches the card through this property (app.ui.theme).
        self.setProperty(TEXT_SCALE, self.scale)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ApplicationFontChange:
            QTimer.singleShot(0, self, self._apply_scale)
        elif event.type() == QEvent.Type.FontChange:
            self.document().setDefaultFont(self.font())
        super().changeEvent(event)

    def _follow(self, url: QUrl) -> None:
        if url.scheme().lower() in SAFE_SCHEMES:
            QDesktopServices.openUrl(url)
