"""Cards in and out of files, as actions: the one place File > Import Cards… and `studydesk
import csv|apkg` / `export csv|markdown` go through.

An import takes the open profile database first, reads and checks the whole file before its
write transaction begins, takes a "before import" backup (`back_up_before_import`, which also
refuses a damaged or read-only profile), then writes everything in that one transaction: a
refused or cancelled import (UserError / Cancelled from `progress`) leaves the profile, and
the media folder, exactly as they were. Its result carries the report, the lines that tell the
learner what came in, and the `changes` for the views. An export reads in a read session of
its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.changes import Change
from app.core.flashcards.decks import named_deck
from app.core.progress import Progress
from app.core.restoring import back_up_before_import
from app.db.database import ProfileDatabase
from app.importers.anki_apkg import import_apkg
from app.importers.anki_read import ApkgImportReport, ParsedApkg, read_apkg
from app.importers.cards_csv import CsvImportReport, ParsedCsv, import_cards_csv
from app.importers.cards_export import ExportReport, export_deck_csv, export_deck_markdown
from app.wording import counted

IMPORT_CHANGES = Change.CARDS | Change.DECKS | Change.TAGS | Change.REVIEWS


@dataclass(frozen=True)
class CardsImported:
    report: CsvImportReport | ApkgImportReport
    changes: Change = IMPORT_CHANGES

    @property
    def lines(self) -> tuple[str, ...]:
        """What came in, in the learner's words (the GUI's message, the CLI's output)."""
        report = self.report
        if isinstance(report, CsvImportReport):
            skipped = f", {report.duplicates} already there" if report.duplicates else ""
            return (
                f"Imported {counted(report.added, 'card', 'cards')} into “{report.deck_name}”"
                f"{skipped} from {report.path.name}.",
            )
        lines = [
            f"Imported {counted(report.cards, 'card', 'cards')} "
            f"({counted(report.notes, 'note', 'notes')}) into "
            f"{counted(len(report.decks), 'deck', 'decks')}, "
            f"{counted(report.reviews, 'review', 'reviews')} and "
            f"{counted(report.media, 'image', 'images')} from {report.path.name}."
        ]
        if report.already_there:
            lines.append(
                f"{counted(report.already_there, 'card was', 'cards were')} already there and "
                "left as before."
            )
        if report.skipped_reviews:
            lines.append(
                f"{counted(report.skipped_reviews, 'review-log row was', 'review-log rows were')} "
                "not an answer (rescheduling) and skipped."
            )
        lines += [f"Skipped a card: {reason}." for reason in report.skipped_cards]
        if report.skipped_media:
            lines.append(
                f"{counted(report.skipped_media, 'media file', 'media files')} (sounds, videos, "
                "unused) skipped."
            )
        return tuple(lines)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def import_csv_file(
    database: ProfileDatabase,
    source: Path | ParsedCsv,
    deck_name: str | None,
    *,
    encoding: str | None = None,
    columns: tuple[str, ...] | None = None,
    progress: Progress | None = None,
) -> CardsImported:
    """Cards from a CSV/TSV file (or one read already with `read_cards_csv`) into `deck_name`
    (made if missing; None: the file's `#deck:` line, else its name). Cards whose front and
    back are already in the deck are skipped. `columns` gives each column its role."""
    back_up_before_import(database)
    with database.write_session() as session:
        report = import_cards_csv(
            session, source, deck_name, encoding=encoding, columns=columns, progress=progress
        )
    return CardsImported(report)


def import_apkg_file(
    database: ProfileDatabase,
    media_dir: Path,
    source: Path | ParsedApkg,
    *,
    deck_name: str | None = None,
    progress: Progress | None = None,
) -> CardsImported:
    """An Anki package (or one read already with `read_apkg`): decks, cards, images into
    `media_dir`, review history. `deck_name` puts every card into that deck. Cards from notes
    imported before are kept as they are (only newer answers are added)."""
    progress = progress or Progress()
    parsed = (
        source
        if isinstance(source, ParsedApkg)
        else read_apkg(source, deck_name, progress=progress)
    )
    back_up_before_import(database)
    with database.write_session() as session:
        report = import_apkg(session, parsed, media_dir, progress=progress)
    return CardsImported(report)


def export_csv_file(
    database: ProfileDatabase, deck_name: str, path: Path, *, overwrite: bool = False
) -> ExportReport:
    """The deck `deck_name` (with its subdecks) as a CSV file: front, back, tags. Raises
    UserError for a deck that does not exist, a file that exists (unless `overwrite`) or a
    file that cannot be written."""
    with database.read_session() as session:
        deck_id = named_deck(session, deck_name).id
        return export_deck_csv(session, deck_id, path, overwrite=overwrite)


def export_markdown_folder(
    database: ProfileDatabase,
    deck_name: str,
    folder: Path,
    media_dir: Path | None,
    *,
    overwrite: bool = False,
) -> ExportReport:
    """The deck `deck_name` as markdown files in `folder` (new or empty, unless `overwrite`),
    one per card, with the images they show copied from `media_dir`."""
    with database.read_session() as session:
        deck_id = named_deck(session, deck_name).id
        return export_deck_markdown(session, deck_id, folder, media_dir, overwrite=overwrite)


def exported_text(report: ExportReport, deck_name: str) -> str:
    images = f" and {counted(report.media, 'image', 'images')}" if report.media else ""
    return (
        f"Exported {counted(report.cards, 'card', 'cards')}{images} from “{deck_name}” "
        f"to {report.path}."
    )
