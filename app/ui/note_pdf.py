"""A note to PDF: its safe HTML (the preview's, `app.core.notes.rendering`) printed by
QTextDocument to a QPrinter in PDF mode.

The notebook view calls `export_note_pdf(context, parent, note_id)`. The note is read and
rendered on a read worker (a long note takes a moment); the learner chooses where to save it;
the document is laid out and printed on the GUI thread (QTextDocument and QPrinter belong to
it), to a temporary name beside the target that is renamed into place once complete, so a
failure never leaves half a PDF under the name asked for. Images come only from the media
folder, as in the preview; nothing is fetched.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QUrl
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.core.notes.note_reads import open_note
from app.core.notes.rendering import render_note
from app.db.database import ProfileDatabase
from app.errors import UserError
from app.importers.markdown_export import file_stem
from app.ui.context import ViewContext
from app.ui.error_dialog import show_message
from app.ui.tasks import TaskHandle

PDF_LIMIT = 2_000_000  # characters of a note printed; past that the PDF says it stops


@dataclass(frozen=True)
class NoteForPrint:
    title: str
    html: str  # the whole page: the title as a heading, then the note


def note_for_print(database: ProfileDatabase, note_id: str, media_dir: Path | None) -> NoteForPrint:
    """The note's title and safe HTML (runs on a read worker)."""
    note = open_note(database, note_id)
    missing = [link.target.url for link in note.links if not link.exists]
    body = render_note(note.body, media_dir, missing=missing, limit=PDF_LIMIT)
    page = f"<h1>{html.escape(note.title)}</h1>\n{body}"
    return NoteForPrint(note.title, page)


def write_pdf(page: NoteForPrint, target: Path) -> None:
    """Lay out and print the page to `target` (GUI thread). Raises UserError if the file
    cannot be written."""
    document = QTextDocument()
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, page.title)
    document.setBaseUrl(QUrl.fromLocalFile(str(target.parent) + os.sep))
    document.setHtml(page.html)
    temp = target.with_name(f".{target.name}.part")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
    printer.setDocName(page.title)
    printer.setOutputFileName(str(temp))
    try:
        document.print_(printer)
        if not temp.is_file() or temp.stat().st_size == 0:
            raise UserError(f"Study Desk could not write {target}; check the folder and space.")
        os.replace(temp, target)
    except OSError as error:
        raise UserError(f"Study Desk could not write {target} ({error.strerror}).") from None
    finally:
        temp.unlink(missing_ok=True)


def export_note_pdf(context: ViewContext, parent: QWidget, note_id: str) -> TaskHandle:
    """Read the note, ask where to save it, and print it there as a PDF."""
    opened = context.opened
    media_dir = opened.profile.media_dir
    return context.runner.run_read(
        lambda _progress: note_for_print(opened.database, note_id, media_dir),
        label="Preparing the PDF",
        on_done=lambda page: _save(parent, page),
        on_error=lambda error: _failed(parent, error),
        owner=parent,
    )


def _failed(parent: QWidget, error: UserError) -> None:
    show_message(parent, "PDF Not Saved", str(error))


def _save(parent: QWidget, page: NoteForPrint) -> None:
    suggested = Path.home() / f"{file_stem(page.title)}.pdf"
    name, _filter = QFileDialog.getSaveFileName(
        parent, "Save the Note as PDF", str(suggested), "PDF files (*.pdf)"
    )
    if not name:
        return
    target = Path(name) if name.lower().endswith(".pdf") else Path(name + ".pdf")
    try:
        write_pdf(page, target)
    except UserError as error:
        _failed(parent, error)
        return
    show_message(
        parent, "PDF Saved", f"“{page.title}” was saved to {target}.", QMessageBox.Icon.Information
    )
