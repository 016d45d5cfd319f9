"""Files opened with Study Desk (`studydesk deck.apkg`, a double-click, a file dropped on its icon
or its window, or handed over by a second launch) are imported into the open profile through the
same action, dialogs and status-bar progress as their File menu entry: an Anki package or a card
file as File > Import Cards…, a course pack as File > Import Course…, a question pack as the CLI's
`import qbank` does (app/importers/qbank_pack_actions.py). The write worker takes them one after
another; each one imported ends with its own message, and the files refused (at once, or by
their import later) are told in one message once the last import has ended
(app/ui/refused_files.py): the same box as alone when only one was refused. The older apps'
.json files dropped on the window go to File > Import (`MainWindow.import_paths`), which in
turn hands these kinds over to here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import UserError
from app.file_types import OPENABLE, openable_text
from app.importers.qbank_pack_actions import QbankImported, import_qbank
from app.ui.context import ViewContext
from app.ui.error_dialog import show_message
from app.ui.refused_files import Refusals
from app.ui.tasks import TaskHandle

log = logging.getLogger(__name__)

NOT_OPENED_TITLE = "File Not Opened"
NOT_IMPORTED_TITLE = "Questions Not Imported"
LEGACY_SUFFIX = ".json"  # the older apps' files: File > Import (app/ui/legacy_import.py)


def open_files(
    context: ViewContext,
    parent: QWidget,
    paths: Sequence[Path],
    refusals: Refusals | None = None,
) -> list[TaskHandle | None]:
    """Import each of `paths` in turn (see the module's docstring). The files refused are told
    together: to `refusals` when given (its caller seals it), else in a message of their own
    once the last of these imports has ended."""
    collector = refusals if refusals is not None else Refusals(parent)
    collector.files += len(paths)
    handles = [open_file(context, parent, path, collector) for path in paths]
    if refusals is None:
        collector.seal()
    return handles


def dropped_files(mime: QMimeData) -> list[Path]:
    """The files of a drag onto the window (a file manager's selection), when one at least is a
    kind Study Desk opens; else none, and the window refuses the drag. The Videos view takes the
    files dropped on it itself (it adds videos)."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    wanted = (*OPENABLE, LEGACY_SUFFIX)
    return paths if any(path.suffix.lower() in wanted for path in paths) else []


def split_for_import(paths: Sequence[Path], *, dropped: bool) -> tuple[list[Path], list[Path]]:
    """(the older apps' files, the files with an import of their own). A deck, card file or
    pack chosen in File > Import goes to its own import rather than being read as the older
    apps' JSON; of the other files, File > Import reads every one (the older apps' files may
    have any name), a drop only the .json ones (a video dropped with a deck is refused)."""
    legacy: list[Path] = []
    own: list[Path] = []
    for path in paths:
        suffix = path.suffix.lower()
        older = suffix == LEGACY_SUFFIX or (not dropped and suffix not in OPENABLE)
        (legacy if older else own).append(path)
    return legacy, own


def busy_importing(refusals: Refusals, paths: Sequence[Path]) -> None:
    names = ", ".join(path.name for path in paths)
    refusals.files += len(paths)
    refusals.refuse(
        paths[0],
        NOT_OPENED_TITLE,
        f"{names}: another import from the older apps is still running. When it has finished, "
        "drop the files again or choose them with File > Import. Nothing was imported from them.",
    )


def open_file(
    context: ViewContext, parent: QWidget, path: Path, refusals: Refusals
) -> TaskHandle | None:
    """Start `path`'s import, or tell `refusals` why it cannot be imported."""
    suffix = path.suffix.lower()
    log.info("Opening %s", path)
    if suffix not in OPENABLE:
        refusals.refuse(
            path, NOT_OPENED_TITLE, f"Study Desk cannot open {path.name}. {openable_text()}"
        )
        return None
    problem = not_a_file(path)
    if problem:
        refusals.refuse(path, NOT_OPENED_TITLE, problem)
        return None
    if suffix == ".sdcourse":
        from app.ui.lessons.pack_actions import import_course_path

        return import_course_path(context, parent, path, refusals=refusals)
    if suffix == ".sdqbank":
        return import_question_pack(context, parent, path, refusals)
    from app.ui.review.card_import import import_card_file

    return import_card_file(context, parent, path, refusals=refusals)


def not_a_file(path: Path) -> str:
    """Why `path` cannot be imported as a file, in plain words, or "" when it can. A course
    pack may be a folder (an unzipped pack)."""
    if path.is_dir():
        if path.suffix.lower() == ".sdcourse":
            return ""
        return (
            f"{path.name} is a folder, not a file, so there is nothing in it to import. "
            f"Open the folder and choose the file inside it. Nothing was imported. ({path})"
        )
    if not path.exists():
        return (
            f"{path.name} is not there any more: it was moved, renamed or deleted. Find the "
            f"file again and import it from where it is now. Nothing was imported. ({path})"
        )
    if not path.is_file():
        return (
            f"{path.name} is not an ordinary file, so Study Desk cannot import it. "
            f"Nothing was imported. ({path})"
        )
    return ""


def import_question_pack(
    context: ViewContext, parent: QWidget, path: Path, refusals: Refusals | None = None
) -> TaskHandle:
    """A question pack into the open profile: one transaction after a "before import" backup
    (a refused or cancelled pack changes nothing), then what came in, or why nothing did (told
    to `refusals` when given). The status bar counts the questions, with Cancel."""
    opened = context.opened

    def done(result: QbankImported) -> None:
        show_message(parent, "Questions Imported", result.text(), QMessageBox.Icon.Information)

    def refused(error: UserError) -> None:
        if refusals is None:
            _not_imported(parent, str(error))
        else:
            refusals.refuse(path, NOT_IMPORTED_TITLE, str(error))

    return context.runner.run_write(
        lambda progress: import_qbank(
            opened.database, path, opened.profile.media_dir, progress=progress
        ),
        label=f"Importing {path.name}",
        on_done=done,
        on_error=refused,
        on_cancelled=lambda: _cancelled(parent, path),
        on_finally=refusals.wait_for_one() if refusals is not None else None,
        cancellable=True,
        owner=parent,
    )


def _cancelled(parent: QWidget, path: Path) -> None:
    show_message(
        parent,
        "Import Cancelled",
        f"Importing {path.name} was cancelled. Nothing was imported: your questions and images "
        "are exactly as they were before.",
        QMessageBox.Icon.Information,
    )


def _not_imported(parent: QWidget, text: str) -> None:
    show_message(parent, NOT_IMPORTED_TITLE, text)
