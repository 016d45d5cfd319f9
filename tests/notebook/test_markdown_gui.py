"""File > Import Markdown Folder…, File > Export Notes… and a note to PDF, as the learner uses
them: the dialogs answered, the work on the task runner, the message at the end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from markdown_fixtures import png, write
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from test_notebook_view import WAIT_MS, context  # noqa: F401  (the view's own fixture)

from app.core.changes import Change
from app.core.flashcards.media import store_media
from app.core.notes.note_actions import create_note
from app.core.notes.note_reads import NoteQuery, note_list
from app.ui import note_pdf, notebook_files
from app.ui.context import ViewContext


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox]:
    boxes: list[QMessageBox] = []
    real = notebook_files.show_message

    def capture(*args: Any, **kwargs: Any) -> QMessageBox:
        box = real(*args, **kwargs)
        boxes.append(box)
        return box

    monkeypatch.setattr(notebook_files, "show_message", capture)
    monkeypatch.setattr(note_pdf, "show_message", capture)
    return boxes


def answer(monkeypatch: pytest.MonkeyPatch, folder: Path, item: str | None = None) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    if item is not None:
        monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (item, True))


def test_import_a_folder_from_the_file_menu(
    qtbot: QtBot,
    context: ViewContext,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown: list[QMessageBox],
) -> None:
    vault = tmp_path / "Vault"
    write(vault, "Heart.md", "See [[Valves]] and [[Lungs]]. ![[d.png]]")
    write(vault, "Valves.md", "Mitral. #cardio")
    write(vault, "d.png", png())
    answer(monkeypatch, vault, notebook_files.AS_NOTES)
    window = QWidget()
    qtbot.addWidget(window)
    with qtbot.waitSignal(context.runner.data_changed, timeout=WAIT_MS) as changed:
        notebook_files.import_markdown(context, window)
    assert changed.args is not None and changed.args[0] & Change.NOTES
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    box = shown[-1]
    assert box.text().startswith("Imported 2 notes, 1 notebook, 1 tag, 1 link, 1 attachment")
    assert "not read as written" in box.informativeText()
    assert box.detailedText() == "Heart.md: links to “Lungs”, not in the folder"
    titles = {row.title for row in note_list(context.opened.database, NoteQuery()).rows}
    assert {"Heart", "Valves"} <= titles


def test_export_every_note_into_a_new_folder(
    qtbot: QtBot,
    context: ViewContext,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown: list[QMessageBox],
) -> None:
    create_note(context.opened.database, title="Heart", body="Pumps.")
    (tmp_path / "Study Desk notes").mkdir()  # taken: the export goes beside it
    answer(monkeypatch, tmp_path)
    window = QWidget()
    qtbot.addWidget(window)
    notebook_files.export_notes(context, window)
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    assert shown[-1].windowTitle() == "Notes Exported", shown[-1].text()
    assert (tmp_path / "Study Desk notes (2)" / "Heart.md").is_file()


def test_a_note_prints_to_pdf_with_its_images(
    qtbot: QtBot,
    context: ViewContext,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown: list[QMessageBox],
) -> None:
    picture = QImage(40, 30, QImage.Format.Format_RGB32)
    picture.fill(QColor("teal"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    picture.save(buffer, "PNG")
    image = store_media(context.opened.profile.media_dir, bytes(data.data()))
    body = f"# Valves\n\n**Mitral** and <script>alert(1)</script>\n\n![d](studydesk-media:{image})"
    note_id = create_note(context.opened.database, title="Valves", body=body).note_id
    target = tmp_path / "out" / "valves"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window = QWidget()
    qtbot.addWidget(window)
    note_pdf.export_note_pdf(context, window, note_id)
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    assert shown[-1].windowTitle() == "PDF Saved", shown[-1].text()
    written = (tmp_path / "out" / "valves.pdf").read_bytes()
    assert written.startswith(b"%PDF") and b"/Subtype /Image" in written
    assert [p.name for p in target.parent.iterdir()] == ["valves.pdf"]  # no temporary left
