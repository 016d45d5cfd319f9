"""A text browser that loads nothing but the profile's own media.

Lesson text, cards, notes and questions are shown in a `QTextBrowser`; each must load an image
only when it is a file stored directly in the profile's media folder, never a remote address or
another file on the disk. This is that one rule, for every view that shows such text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QTextBrowser, QWidget


class MediaOnlyBrowser(QTextBrowser):
    """Set `media_dir` before showing text; what the text asked for and did not get is kept in
    `refused` (tests read it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.media_dir: Path | None = None
        self.refused: list[QUrl] = []
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        """Only images stored in the profile's media folder are loaded."""
        target = QUrl(url)
        if self.media_dir is not None and target.isLocalFile():
            path = Path(target.toLocalFile()).resolve()
            if path.parent == self.media_dir.resolve() and path.is_file():
                return super().loadResource(kind, target)
        self.refused.append(target)
        return None
