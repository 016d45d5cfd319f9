"""File > Import Cards…: flashcards from a CSV/TSV file or an Anki package (.apkg).

A package is imported as it is, on the write worker. A CSV/TSV file is first previewed on a read
worker, then the learner says what each column is, its encoding and the deck in a
`CardMappingDialog`; the import then runs on the write worker. Either import is one transaction:
a refused file writes nothing, and the learner is told the counts or the importer's exact words.
Its progress shows in the status bar; Cancel there (or the column dialog's Cancel, which stays
in front during a CSV import) stops it, and a cancelled import leaves nothing behind either.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.core.flashcards.reads import deck_tree
from app.core.opening import OpenProfile
from app.errors import UserError
from app.importers.card_file_actions import CardsImported, import_apkg_file, import_csv_file
from app.importers.cards_csv import CsvPreview, preview_cards_csv
from app.ui.context import ViewContext
from app.ui.error_dialog import show_message
from app.ui.refused_files import Refusals
from app.ui.review.card_mapping import CardMappingDialog
from app.ui.tasks import TaskHandle

CARD_FILTER = "Card files (*.csv *.tsv *.txt *.apkg);;All files (*)"
CANCELLED_TITLE = "Import Cancelled"  # as the legacy import's
NOT_IMPORTED_TITLE = "Cards Not Imported"


@dataclass(frozen=True)
class Previewed:
    encoding: str | None  # as asked, so a late answer to an older choice can be told apart
    preview: CsvPreview | None
    problem: str = ""


def import_cards(context: ViewContext, parent: QWidget) -> TaskHandle | None:
    """Ask for a card file and import it (a CSV/TSV file after the column dialog)."""
    name, _filter = QFileDialog.getOpenFileName(
        parent, "Import Cards", str(Path.home()), CARD_FILTER
    )
    if not name:
        return None
    return import_card_file(context, parent, Path(name))


def import_card_file(
    context: ViewContext, parent: QWidget, path: Path, *, refusals: Refusals | None = None
) -> TaskHandle:
    """Import `path` as File > Import Cards… does once the file is chosen (also a file opened
    with Study Desk: app/ui/open_files.py, whose `refusals` hear why a package was refused;
    a CSV/TSV file's problems are shown in its column dialog)."""
    opened = context.opened
    if path.suffix.lower() == ".apkg":

        def refused(error: UserError) -> None:
            if refusals is None:
                _not_imported(parent, error)
            else:
                refusals.refuse(path, NOT_IMPORTED_TITLE, str(error))

        return context.runner.run_write(
            lambda progress: import_apkg_file(
                opened.database, opened.profile.media_dir, path, progress=progress
            ),
            label=f"Importing {path.name}",
            on_done=lambda done: _told(parent, done.text),
            on_error=refused,
            on_cancelled=lambda: _cancelled(parent, path),
            on_finally=refusals.wait_for_one() if refusals is not None else None,
            cancellable=True,
            owner=parent,
        )
    return context.runner.run_read(
        lambda _progress: _read_opening(opened, path),
        label=f"Reading {path.name}",
        on_done=lambda found: _ask_mapping(context, parent, path, *found),
        owner=parent,
    )


def cancelled_text(path: Path) -> str:
    return (
        f"Importing {path.name} was cancelled. Nothing was imported: your cards, decks, "
        "reviews and images are exactly as they were before."
    )


def _read_opening(opened: OpenProfile, path: Path) -> tuple[Previewed, list[str]]:
    decks = [deck.full_name for deck in deck_tree(opened.database)]
    return _preview(path, None), decks


def _preview(path: Path, encoding: str | None) -> Previewed:
    # A file that cannot be read as asked still opens the dialog: another encoding may do.
    try:
        return Previewed(encoding, preview_cards_csv(path, encoding))
    except UserError as error:
        return Previewed(encoding, None, str(error))


def _ask_mapping(
    context: ViewContext, parent: QWidget, path: Path, first: Previewed, decks: list[str]
) -> None:
    dialog = CardMappingDialog(parent, path, decks)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.set_deck_name((first.preview.deck if first.preview else None) or path.stem)
    _show(dialog, first)

    def reread(encoding: str | None) -> None:
        context.runner.run_read(
            lambda _progress: _preview(path, encoding),
            on_done=lambda found: _show(dialog, found),
            owner=dialog,
        )

    def start_import() -> None:
        dialog.set_busy(True)
        opened = context.opened
        encoding, columns, deck = dialog.encoding(), dialog.columns(), dialog.deck_name()
        handle = context.runner.run_write(
            lambda progress: import_csv_file(
                opened.database, path, deck, encoding=encoding, columns=columns, progress=progress
            ),
            label=f"Importing {path.name}",
            on_done=lambda done: _imported(parent, dialog, done),
            on_error=lambda error: _refused(parent, dialog, error),
            on_cancelled=lambda: _csv_cancelled(parent, dialog, path),
            cancellable=True,
            owner=parent,
        )
        # The dialog is modal, so its Cancel is the one the learner can reach during the import.
        dialog.rejected.connect(handle.cancel)

    dialog.encoding_changed.connect(reread)
    dialog.import_requested.connect(start_import)
    dialog.open()


def _show(dialog: CardMappingDialog, found: Previewed) -> None:
    if found.encoding != dialog.encoding():
        return  # the learner has since chosen another encoding
    if found.preview is None:
        dialog.show_problem(found.problem)
    else:
        dialog.show_preview(found.preview)


def _imported(parent: QWidget, dialog: CardMappingDialog, done: CardsImported) -> None:
    if shiboken6.isValid(dialog):
        dialog.accept()
    _told(parent, done.text)


def _refused(parent: QWidget, dialog: CardMappingDialog, error: UserError) -> None:
    if not shiboken6.isValid(dialog):
        _not_imported(parent, error)
        return
    dialog.set_busy(False)  # left open, so the mapping or encoding can be changed and tried again
    show_message(dialog, "Cards Not Imported", str(error))


def _not_imported(parent: QWidget, error: UserError) -> None:
    show_message(parent, NOT_IMPORTED_TITLE, str(error))


def _csv_cancelled(parent: QWidget, dialog: CardMappingDialog, path: Path) -> None:
    if shiboken6.isValid(dialog):
        dialog.reject()  # already closed when its own Cancel stopped the import
    _cancelled(parent, path)


def _cancelled(parent: QWidget, path: Path) -> None:
    show_message(parent, CANCELLED_TITLE, cancelled_text(path), QMessageBox.Icon.Information)


def _told(parent: QWidget, text: str) -> None:
    show_message(parent, "Cards Imported", text, QMessageBox.Icon.Information)
