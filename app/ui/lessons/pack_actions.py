"""File > Import Course… and File > Export Course…: course packs in and out of the profile.

The import runs on the write worker (one transaction: a refused or cancelled pack leaves the
profile and its media folder as they were); its progress and Cancel show in the status bar.
The export reads on a worker and writes the file beside its target before renaming it into
place. Either way the learner is told the counts, or the exact reason it did not work.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from app.core.courses.course_reads import course_library
from app.core.courses.library import LibraryRow, LibrarySort
from app.errors import UserError
from app.importers.course_pack_actions import (
    export_course_file,
    exported_text,
    import_course_file,
    imported_text,
)
from app.importers.course_pack_export import PackExported
from app.importers.course_pack_write import PackImported
from app.ui.context import ViewContext
from app.ui.error_dialog import show_message
from app.ui.refused_files import Refusals
from app.ui.tasks import TaskHandle

PACK_FILTER = "Course packs (*.sdcourse *.json);;All files (*)"
EXPORT_FILTER = "Course packs (*.sdcourse)"
NOT_IMPORTED_TITLE = "Course Not Imported"


def cancelled_text(path: Path) -> str:
    return (
        f"Importing {path.name} was cancelled. Nothing was imported: your courses, lessons "
        "and images are exactly as they were before."
    )


def _cancelled(parent: QWidget, path: Path) -> None:
    show_message(parent, "Import Cancelled", cancelled_text(path), QMessageBox.Icon.Information)


def import_course_pack(
    context: ViewContext,
    parent: QWidget,
    *,
    on_imported: Callable[[PackImported], None] | None = None,
) -> TaskHandle | None:
    """Ask for a pack, import it, and say what came in (or why nothing did)."""
    name, _filter = QFileDialog.getOpenFileName(
        parent, "Import a Course Pack", str(Path.home()), PACK_FILTER
    )
    if not name:
        return None
    return import_course_path(context, parent, Path(name), on_imported=on_imported)


def import_course_path(
    context: ViewContext,
    parent: QWidget,
    path: Path,
    *,
    on_imported: Callable[[PackImported], None] | None = None,
    refusals: Refusals | None = None,
) -> TaskHandle:
    """Import the pack at `path` as File > Import Course… does once it is chosen (also a pack
    opened with Study Desk: app/ui/open_files.py, whose `refusals` hear why it was refused)."""
    opened = context.opened

    def refused(error: UserError) -> None:
        if refusals is None:
            _failed(parent, NOT_IMPORTED_TITLE, error)
        else:
            refusals.refuse(path, NOT_IMPORTED_TITLE, str(error))

    def done(result: PackImported) -> None:
        show_message(parent, "Course Imported", imported_text(result), QMessageBox.Icon.Information)
        if on_imported is not None:
            on_imported(result)

    return context.runner.run_write(
        lambda progress: import_course_file(
            opened.database, path, opened.profile.media_dir, progress=progress
        ),
        label=f"Importing {path.name}",
        cancellable=True,
        on_cancelled=lambda: _cancelled(parent, path),
        on_done=done,
        on_error=refused,
        on_finally=refusals.wait_for_one() if refusals is not None else None,
        owner=parent,
    )


def export_course_pack(
    context: ViewContext, parent: QWidget, course_id: str | None = None
) -> TaskHandle:
    """Ask which course (the current one is offered first) and where, then write the pack."""
    opened = context.opened
    return context.runner.run_read(
        lambda _progress: course_library(opened.database, "", LibrarySort.TOPIC),
        on_done=lambda rows: _choose_course(context, parent, rows, course_id),
        owner=parent,
    )


def _choose_course(
    context: ViewContext, parent: QWidget, rows: list[LibraryRow], course_id: str | None
) -> None:
    if not rows:
        show_message(parent, "Export a Course", "There is no course to export yet.")
        return
    chosen = next((r for r in rows if r.course_id == course_id), None)
    if chosen is None and len(rows) > 1:
        names = [f"{r.topic} ({r.level})" if r.level else r.topic for r in rows]
        name, ok = QInputDialog.getItem(
            parent, "Export a Course", "Course to export:", names, 0, False
        )
        if not ok:
            return
        chosen = rows[names.index(name)]
    chosen = chosen or rows[0]
    suggested = Path.home() / f"{_file_stem(chosen.topic)}.sdcourse"
    name, _filter = QFileDialog.getSaveFileName(
        parent, "Export a Course Pack", str(suggested), EXPORT_FILTER
    )
    if not name:
        return
    target = Path(name)
    if not target.suffix:
        target = target.with_suffix(".sdcourse")
    opened = context.opened
    course = chosen.course_id

    # The file dialog has already asked before replacing a file.
    context.runner.run_read(
        lambda _progress: export_course_file(
            opened.database, course, target, opened.profile.media_dir, overwrite=True
        ),
        label=f"Exporting {chosen.topic}",
        on_done=lambda done: _exported(parent, done),
        on_error=lambda error: _failed(parent, "Course Not Exported", error),
        owner=parent,
    )


def _exported(parent: QWidget, done: PackExported) -> None:
    show_message(parent, "Course Exported", exported_text(done), QMessageBox.Icon.Information)


def _failed(parent: QWidget, title: str, error: UserError) -> None:
    show_message(parent, title, str(error))


def _file_stem(topic: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in " -_" else "" for c in topic).strip()
    return cleaned.replace(" ", "-").lower()[:60] or "course"


def export_course_from_menu(context: ViewContext, window: QWidget) -> TaskHandle:
    """File > Export Course…: the course open in Lessons, if any, is offered first."""
    view_of = getattr(window, "view_of", None)
    lessons = view_of("Lessons") if view_of is not None else None
    return export_course_pack(context, window, getattr(lessons, "current_course_id", None))
