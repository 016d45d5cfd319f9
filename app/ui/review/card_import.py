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

from app.core.changes import Change
from app.core.flashcards.decks import load_tree
from app.core.opening import OpenProfile
from app.core.progress import Progress
from app.errors import UserError
from app.importers.anki_apkg import ApkgImportReport, import_apkg, read_apkg
from app.importers.cards_csv import (
    CsvImportReport,
    CsvPreview,
    import_cards_csv,
    preview_cards_csv,
)
from app.ui.context import ViewContext
from app.ui.error_dialog import show_message
from app.ui.review.card_mapping import CardMappingDialog
from app.ui.tasks import TaskHandle

CARD_FILTER = "Card files (*.csv *.tsv *.txt *.apkg);;All files (*)"
CANCELLED_TITLE = "Import Cancelled"  # as the legacy import's
IMPORT_CHANGES = Change.CARDS | Change.DECKS | Change.TAGS | Change.REVIEWS


@dataclass(frozen=True)
class CardsImported:
    """What an import wrote; `changes` makes the runner tell the views."""

    report: CsvImportReport | ApkgImportReport
    changes: Change = IMPORT_CHANGES


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
    path = Path(name)
    opened = context.opened
    if path.suffix.lower() == ".apkg":
        return context.runner.run_write(
            lambda progress: _write_apkg(opened, path, progress),
            label=f"Importing {path.name}",
            on_done=lambda done: _told(parent, apkg_text(done.report)),
            on_error=lambda error: _not_imported(parent, error),
            on_cancelled=lambda: _cancelled(parent, path),
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


def csv_text(report: CsvImportReport) -> str:
    skipped = f", {report.duplicates} already there" if report.duplicates else ""
    return (
        f"Imported {report.added} cards into “{report.deck_name}”{skipped} from {report.path.name}."
    )


def counted(number: int, one: str, several: str) -> str:
    return f"{number:,} {one if number == 1 else several}"


def apkg_text(report: ApkgImportReport) -> str:
    lines = [
        f"Imported {counted(report.cards, 'card', 'cards')} "
        f"({counted(report.notes, 'note', 'notes')}) into "
        f"{counted(len(report.decks), 'deck', 'decks')}, "
        f"{counted(report.reviews, 'review', 'reviews')} and "
        f"{counted(report.media, 'image', 'images')} from {report.path.name}."
    ]
    if report.already_there:
        lines.append(f"{report.already_there} cards were already there and were kept as they are.")
    lines += [f"Skipped a card: {reason}." for reason in report.skipped_cards]
    if report.skipped_media:
        lines.append(f"{report.skipped_media} media files (sounds, videos, unused) were skipped.")
    return "\n".join(lines)


def _read_opening(opened: OpenProfile, path: Path) -> tuple[Previewed, list[str]]:
    with opened.database.read_session() as session:
        decks = [deck.full_name for deck in load_tree(session).decks]
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
            lambda progress: _write_csv(opened, path, deck, encoding, columns, progress),
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


def _write_csv(
    opened: OpenProfile,
    path: Path,
    deck: str,
    encoding: str | None,
    columns: tuple[str, ...],
    progress: Progress,
) -> CardsImported:
    with opened.database.write_session() as session:
        report = import_cards_csv(
            session, path, deck, encoding=encoding, columns=columns, progress=progress
        )
    return CardsImported(report)


def _write_apkg(opened: OpenProfile, path: Path, progress: Progress) -> CardsImported:
    # checked whole before the write transaction begins
    parsed = read_apkg(path, progress=progress)
    with opened.database.write_session() as session:
        report = import_apkg(session, parsed, opened.profile.media_dir, progress=progress)
    return CardsImported(report)


def _imported(parent: QWidget, dialog: CardMappingDialog, done: CardsImported) -> None:
    if shiboken6.isValid(dialog):
        dialog.accept()
    assert isinstance(done.report, CsvImportReport)
    _told(parent, csv_text(done.report))


def _refused(parent: QWidget, dialog: CardMappingDialog, error: UserError) -> None:
    if not shiboken6.isValid(dialog):
        _not_imported(parent, error)
        return
    dialog.set_busy(False)  # left open, so the mapping or encoding can be changed and tried again
    show_message(dialog, "Cards Not Imported", str(error))


def _not_imported(parent: QWidget, error: UserError) -> None:
    show_message(parent, "Cards Not Imported", str(error))


def _csv_cancelled(parent: QWidget, dialog: CardMappingDialog, path: Path) -> None:
    if shiboken6.isValid(dialog):
        dialog.reject()  # already closed when its own Cancel stopped the import
    _cancelled(parent, path)


def _cancelled(parent: QWidget, path: Path) -> None:
    show_message(parent, CANCELLED_TITLE, cancelled_text(path), QMessageBox.Icon.Information)


def _told(parent: QWidget, text: str) -> None:
    show_message(parent, "Cards Imported", text, QMessageBox.Icon.Information)
