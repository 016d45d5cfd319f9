"""File > Import Markdown Folder… and File > Export Notes…: folders of markdown notes in and
out of the profile (Obsidian vaults, Joplin exports, another Study Desk's notes).

The import runs on the write worker with its progress and Cancel in the status bar: the folder
is read, the attachments copied, then every new note written in one transaction; a cancel or a
failure leaves the profile and its media folder as they were. The learner is told what came in,
and each file that was not read as written (the whole list under "Show Details…"). The export
reads on a worker and writes into a new folder inside the one chosen. The notebook view does
not import this module; the window builds it from the menu declaration.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from app.errors import UserError
from app.importers.markdown_actions import (
    MarkdownImported,
    NotesExportDone,
    export_notes_folder,
    import_markdown_folder,
)
from app.importers.markdown_export import file_stem
from app.ui.context import ViewContext
from app.ui.error_dialog import show_message
from app.ui.tasks import TaskHandle

AS_NOTES = "As my notes (editable)"
AS_LIBRARY = "As library articles (read-only reference text)"


def import_markdown(context: ViewContext, window: QWidget) -> TaskHandle | None:
    """Ask for a folder and how to keep its files, import it, and say what came in."""
    name = QFileDialog.getExistingDirectory(
        window, "Import a Folder of Markdown Notes", str(Path.home())
    )
    if not name:
        return None
    folder = Path(name)
    choice, ok = QInputDialog.getItem(
        window,
        "Import Markdown Folder",
        f"Bring in the markdown files of “{folder.name}”:",
        [AS_NOTES, AS_LIBRARY],
        0,
        False,
    )
    if not ok:
        return None
    kind = "article" if choice == AS_LIBRARY else "note"
    opened = context.opened
    return context.runner.run_write(
        lambda progress: import_markdown_folder(
            opened.database, folder, opened.profile.media_dir, kind=kind, progress=progress
        ),
        label=f"Importing {folder.name}",
        cancellable=True,
        on_cancelled=lambda: _cancelled(window, folder),
        on_done=lambda done: _imported(window, done),
        on_error=lambda error: _failed(window, error, "Notes Not Imported"),
        owner=window,
    )


def _cancelled(parent: QWidget, folder: Path) -> None:
    show_message(
        parent,
        "Import Cancelled",
        f"Importing {folder.name} was cancelled. Nothing was imported: your notes and media "
        "are as they were.",
        QMessageBox.Icon.Information,
    )


def _imported(parent: QWidget, done: MarkdownImported) -> None:
    show_imported(parent, done)


def show_imported(parent: QWidget, done: MarkdownImported) -> QMessageBox:
    """What came in; each problem by file under "Show Details…"."""
    box = show_message(parent, "Markdown Imported", done.summary, QMessageBox.Icon.Information)
    if done.problems:
        files = len({problem.file for problem in done.problems})
        box.setInformativeText(
            f"{len(done.problems):,} things in {files:,} files were not read as written; "
            "each is listed under Show Details. Nothing else was left out."
        )
        box.setDetailedText("\n".join(done.problem_lines()))
    return box


def export_notes(context: ViewContext, window: QWidget) -> None:
    """File > Export Notes…: every note, the open note's notebook, or the open note."""
    view_of = getattr(window, "view_of", None)
    view = view_of("Notebook") if view_of is not None else None
    note = getattr(view, "opened_note", None)
    choices = {"Every note": (None, None, "Study Desk notes")}
    if note is not None and getattr(note, "kind", "note") == "note":
        if note.notebook_id is not None:
            choices[f"The notebook of “{note.title}”"] = (None, note.notebook_id, note.title)
        choices[f"Only “{note.title}”"] = (note.id, None, note.title)
    label = next(iter(choices))
    if len(choices) > 1:
        label, ok = QInputDialog.getItem(
            window, "Export Notes", "Notes to export:", list(choices), 0, False
        )
        if not ok:
            return
    note_id, notebook_id, stem = choices[label]
    export_to_folder(context, window, note_id=note_id, notebook_id=notebook_id, name=stem)


def export_to_folder(
    context: ViewContext,
    parent: QWidget,
    *,
    note_id: str | None = None,
    notebook_id: str | None = None,
    name: str = "Study Desk notes",
) -> TaskHandle | None:
    """Ask for a folder and write the notes into a new folder inside it."""
    chosen = QFileDialog.getExistingDirectory(
        parent, "Export Notes as Markdown: Choose Where", str(Path.home())
    )
    if not chosen:
        return None
    target = new_folder(Path(chosen), name)
    opened = context.opened
    return context.runner.run_read(
        lambda _progress: export_notes_folder(
            opened.database,
            target,
            opened.profile.media_dir,
            note_id=note_id,
            notebook_id=notebook_id,
        ),
        label="Exporting notes",
        on_done=lambda done: _exported(parent, done),
        on_error=lambda error: _failed(parent, error),
        owner=parent,
    )


def new_folder(parent: Path, name: str) -> Path:
    """A folder name inside `parent` that is not taken: "Name", "Name (2)", ..."""
    stem = file_stem(name)
    number = 1
    while True:
        candidate = parent / (stem if number == 1 else f"{stem} ({number})")
        if not candidate.exists():
            return candidate
        number += 1


def _exported(parent: QWidget, done: NotesExportDone) -> None:
    show_message(parent, "Notes Exported", done.text, QMessageBox.Icon.Information)


def _failed(parent: QWidget, error: UserError, title: str = "Notes Not Exported") -> None:
    show_message(parent, title, str(error))
