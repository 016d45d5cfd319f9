"""Loading the bundled sample content (resources/sample) into a profile, in the caller's
transaction. The features declare these (app/features); removing samples is core's."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.core.courses.sample import sample_packs
from app.core.flashcards.sample import sample_files
from app.importers.cards_csv import import_cards_csv
from app.importers.course_pack import load_pack
from app.importers.course_pack_write import write_pack


def load_sample_courses(session: Session, folder: Path) -> int:
    """Import every sample course pack (without images: a sample needs no media folder);
    returns how many courses came in."""
    loaded = 0
    for path in sample_packs(folder):
        result = write_pack(session, load_pack(path), None, is_sample=True, source="sample")
        loaded += result.added["courses"]
    return loaded


def load_sample_decks(session: Session, folder: Path) -> int:
    """Import every sample deck file; returns how many cards came in."""
    added = 0
    for path in sample_files(folder):
        report = import_cards_csv(session, path, None, origin="sample", is_sample=True)
        added += report.added
    return added
