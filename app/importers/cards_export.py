"""A deck out to files: a CSV (front, back, tags; reads back with `cards_csv`) or a folder of
markdown files (one per card, a folder per subdeck, images copied beside them).

Files are written to a temporary name and renamed into place, so a failed export never leaves
half a file under the name asked for. Deleted cards are not exported. An existing file, or a
folder that is not empty, is replaced only with `overwrite` (`export_target`).
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.atomic_file import write_text_atomically
from app.core.courses.markdown import MEDIA_SCHEME
from app.core.flashcards.cards import card_tags
from app.core.flashcards.decks import DeckInfo, load_tree
from app.core.flashcards.media import media_references
from app.core.flashcards.tables import CARDS, chunks
from app.core.flashcards.tags import format_tags
from app.errors import UserError
from app.importers.cards_csv import HEADER
from app.importers.export_target import check_file_target, check_folder_target


@dataclass(frozen=True)
class ExportedCard:
    id: str
    deck: DeckInfo
    front: str
    back: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ExportReport:
    path: Path
    cards: int
    media: int = 0


def deck_cards(session: Session, deck_id: str) -> list[ExportedCard]:
    """The live cards of a deck and its subdecks, deck by deck in tree order, oldest first."""
    tree = load_tree(session)
    found = []
    for subdeck_id in tree.subtree_ids(deck_id):
        rows = session.execute(
            select(CARDS.c.id, CARDS.c.front, CARDS.c.back)
            .where(CARDS.c.deck_id == subdeck_id, CARDS.c.deleted_at.is_(None))
            .order_by(CARDS.c.id)
        ).all()
        tags: dict[str, tuple[str, ...]] = {}
        for part in chunks([row.id for row in rows]):
            tags.update(card_tags(session, part))
        deck = tree.by_id(subdeck_id)
        found += [ExportedCard(r.id, deck, r.front, r.back, tags.get(r.id, ())) for r in rows]
    return found


def write_atomically(target: Path, write: Callable[[TextIO], object]) -> None:
    """Write a text file whole: to a temporary name beside it, synced, then renamed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(target, write, newline="")


def _writer(text: str) -> Callable[[TextIO], object]:
    return lambda handle: handle.write(text)


def export_deck_csv(
    session: Session, deck_id: str, path: Path, *, overwrite: bool = False
) -> ExportReport:
    """Write the deck (with subdecks) as CSV: a header row, then front, back, tags per card.
    Raises UserError if `path` exists and `overwrite` is off."""
    check_file_target(path, overwrite)
    cards = deck_cards(session, deck_id)

    def write(handle: TextIO) -> None:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for card in cards:
            writer.writerow([card.front, card.back, format_tags(card.tags)])

    try:
        write_atomically(path, write)
    except OSError as error:
        raise UserError(f"Study Desk cannot write {path} ({error.strerror}).") from None
    return ExportReport(path, len(cards))


def _slug(text: str, limit: int = 40) -> str:
    words = re.findall(r"\w+", text.lower())
    return "-".join(words)[:limit].strip("-") or "card"


def safe_file_name(name: str) -> str:
    """`name` as a file or folder name on any system (no separators, reserved characters or
    trailing dots); "deck" for one with nothing left."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .")
    return cleaned or "deck"


def export_deck_markdown(
    session: Session,
    deck_id: str,
    folder: Path,
    media_dir: Path | None = None,
    *,
    overwrite: bool = False,
) -> ExportReport:
    """Write one markdown file per card into `folder` (a subfolder per subdeck); images the
    cards use are copied from `media_dir` into `folder/media` and linked relatively. Raises
    UserError if `folder` is not empty and `overwrite` is off (with it, files of the same
    names are replaced, others left alone)."""
    check_folder_target(folder, overwrite)
    cards = deck_cards(session, deck_id)
    root_depth = len(load_tree(session).by_id(deck_id).path)
    copied: set[str] = set()
    try:
        for number, card in enumerate(cards, start=1):
            parts = [safe_file_name(name) for name in card.deck.path[root_depth:]]
            target = folder.joinpath(*parts, f"{number:05d}-{_slug(card.front)}.md")
            depth = len(parts)
            names = media_references(card.front) + media_references(card.back)
            front, back = card.front, card.back
            for name in names:
                source = media_dir / name if media_dir else None
                if source is None or not source.is_file():
                    continue
                if name not in copied:
                    (folder / "media").mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, folder / "media" / name)
                    copied.add(name)
                link = "../" * depth + f"media/{name}"
                front = front.replace(f"]({MEDIA_SCHEME}{name})", f"]({link})")
                back = back.replace(f"]({MEDIA_SCHEME}{name})", f"]({link})")
            tags = f" tags: {format_tags(card.tags)}" if card.tags else ""
            body = f"<!-- card {card.id}{tags} -->\n## Front\n\n{front}\n\n## Back\n\n{back}\n"
            write_atomically(target, _writer(body))
    except OSError as error:
        raise UserError(f"Study Desk cannot write into {folder} ({error.strerror}).") from None
    return ExportReport(folder, len(cards), len(copied))
