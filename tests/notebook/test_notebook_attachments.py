"""A PDF a note was imported with opens in the learner's own viewer from the preview; no other
file on the disk does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from app.core.notes.rendering import render_note
from app.ui.notebook.preview import NotePreview


class Opened(QObject):
    """Stands in for the desktop's file opener: records what it was asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened(qapp: QApplication) -> Iterator[Opened]:
    handler = Opened()
    QDesktopServices.setUrlHandler("file", handler, "open")
    yield handler
    QDesktopServices.unsetUrlHandler("file")


def test_clicking_an_attachment_opens_it_and_a_file_elsewhere_is_not_opened(
    opened: Opened, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    name = "c" * 64 + ".pdf"
    (media / name).write_bytes(b"%PDF-1.4\n")
    elsewhere = tmp_path / "secret.pdf"
    elsewhere.write_bytes(b"%PDF-1.4\n")
    preview = NotePreview()
    preview.show_html(render_note(f"[scan](studydesk-media:{name})", media), media)
    assert "scan" in preview.toPlainText()
    link = QUrl.fromLocalFile(str((media / name).resolve()))
    preview.anchorClicked.emit(link)
    preview.anchorClicked.emit(QUrl.fromLocalFile(str(elsewhere)))
    assert opened.urls == [link]
