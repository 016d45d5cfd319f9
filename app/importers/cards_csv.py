"""Cards from CSV / TSV files: columns front, back and optionally tags.

- Encoding: a byte-order mark (UTF-8, UTF-16, UTF-32) is honoured; otherwise the file must be
  UTF-8, or the caller names the encoding. Anything else is a UserError naming the line.
- Separator: tab for .tsv/.tab; otherwise the first of tab, comma, semicolon that splits every
  row into 2 or 3 columns. Anki's `#separator:...` and `#deck:...` header lines are honoured,
  other `#key:value` header lines skipped.
- A first row "front, back[, tags]" is a header. Tags are separated by spaces, or by ";" or ","
  when the cell holds one of those (so tags with spaces survive an export and re-import).
- The whole file is read and checked before anything is written; the import then runs in the
  caller's transaction, so a failed import writes nothing. Cards whose front and back are already
  in the deck are skipped, so importing a file twice adds nothing the second time.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.flashcards.cards import MAX_TEXT, NewCard, add_cards
from app.core.flashcards.decks import ensure_deck
from app.core.flashcards.tables import CARDS
from app.db.models import ImportSource
from app.errors import UserError

MAX_FILE_BYTES = 200 * 1024 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DIRECTIVE = re.compile(r"^#([a-z ]+):(.*)$", re.IGNORECASE)
_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " "}
HEADER = ("front", "back", "tags")


@dataclass(frozen=True)
class CsvCard:
    line: int
    front: str
    back: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ParsedCsv:
    path: Path
    cards: tuple[CsvCard, ...]
    encoding: str
    separator: str
    size: int
    sha256: str
    deck: str | None = None  # from a `#deck:` header line


@dataclass(frozen=True)
class CsvImportReport:
    path: Path
    deck_id: str
    deck_name: str
    added: int
    duplicates: int
    encoding: str
    card_ids: tuple[str, ...] = field(default=(), repr=False)


def decode(path: Path, data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of the file and the encoding used; UserError naming the line if undecodable."""
    if encoding is None:
        encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UserError(f"{encoding!r} is not an encoding Study Desk knows.") from None
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start : error.start + 1].hex()
        raise UserError(
            f"{path}, line {line}: this is not {encoding} text (byte 0x{byte}). "
            "Save the file as UTF-8, or name its encoding (for example --encoding cp1252)."
        ) from None


def split_tags(cell: str) -> tuple[str, ...]:
    separator = ";" if ";" in cell else "," if "," in cell else None
    parts = cell.split(separator) if separator else cell.split()
    seen: dict[str, str] = {}
    for part in parts:
        part = part.strip()
        if part:
            seen.setdefault(part.casefold(), part)
    return tuple(seen.values())


def join_tags(tags: tuple[str, ...]) -> str:
    """The tags cell `split_tags` reads back the same."""
    if any(" " in tag or "," in tag for tag in tags):
        return "; ".join(tags)
    return " ".join(tags)


def _header_lines(text: str) -> tuple[int, dict[str, str]]:
    """How many leading `#key:value` lines there are, and their values by lowercase key."""
    count = 0
    values: dict[str, str] = {}
    for line in text.splitlines():
        match = _DIRECTIVE.match(line.strip())
        if not match:
            break
        count += 1
        values.setdefault(match.group(1).strip().lower(), match.group(2).strip())
    return count, values


def _rows(body: str, separator: str, first_line: int, path: Path) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=separator)
    rows = []
    start = first_line
    try:
        for row in reader:
            rows.append((start, row))
            start = first_line + reader.line_num
    except csv.Error as error:
        raise UserError(f"{path}, line {start}: this is not valid CSV ({error}).") from None
    return rows


def _choose_separator(body: str, path: Path, first_line: int) -> str:
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    sample = "\n".join(body.splitlines()[:50])
    for separator in ("\t", ",", ";"):
        try:
            rows = [r for _n, r in _rows(sample, separator, first_line, path) if any(r)]
        except UserError:
            continue
        if rows and all(2 <= len(r) <= 3 for r in rows):
            return separator
    return ","


def read_cards_csv(path: Path, encoding: str | None = None) -> ParsedCsv:
    """Read and check a whole CSV/TSV file of cards. Raises UserError naming the file and line."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserError(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MB; split it up.")
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"Study Desk cannot read {path} ({error.strerror}).") from None
    text, used = decode(path, data, encoding)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise UserError(f"{path} is empty; there were no cards to import.")
    skipped, directives = _header_lines(text)
    body = "".join(text.splitlines(keepends=True)[skipped:])
    first_line = skipped + 1
    named = directives.get("separator")
    separator = _SEPARATORS.get(named.lower(), named[:1]) if named else None
    separator = separator or _choose_separator(body, path, first_line)
    cards = []
    for number, (line, row) in enumerate(_rows(body, separator, first_line, path)):
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row]
        if number == 0 and tuple(c.casefold() for c in cells) == HEADER[: len(cells)]:
            continue
        if not 2 <= len(cells) <= 3:
            raise UserError(
                f"{path}, line {line}: expected 2 or 3 columns (front, back, tags), "
                f"found {len(cells)}."
            )
        if not cells[0]:
            raise UserError(f"{path}, line {line}: the front is empty.")
        if len(cells[0]) > MAX_TEXT or len(cells[1]) > MAX_TEXT:
            raise UserError(f"{path}, line {line}: a side is longer than {MAX_TEXT:,} characters.")
        tags = split_tags(cells[2]) if len(cells) == 3 else ()
        cards.append(CsvCard(line, cells[0], cells[1], tags))
    if not cards:
        raise UserError(f"{path} holds no cards (only a header or blank lines).")
    digest = hashlib.sha256(data).hexdigest()
    deck = directives.get("deck") or None
    return ParsedCsv(path, tuple(cards), used, separator, size, digest, deck)


def import_cards_csv(
    session: Session,
    path: Path,
    deck_name: str | None,
    *,
    encoding: str | None = None,
    origin: str = "csv",
    is_sample: bool = False,
    now: datetime | None = None,
) -> CsvImportReport:
    """Import a CSV/TSV file into the deck `deck_name` (made if missing; None: the file's
    `#deck:` line, else the file's name), in the caller's transaction. The file is checked whole
    first; raises UserError before writing anything."""
    parsed = read_cards_csv(path, encoding)
    deck = ensure_deck(session, deck_name or parsed.deck or path.stem, is_sample=is_sample)
    rows = session.execute(
        select(CARDS.c.front, CARDS.c.back).where(
            CARDS.c.deck_id == deck.id, CARDS.c.deleted_at.is_(None)
        )
    )
    existing = {(str(front), str(back)) for front, back in rows}
    new_cards = []
    for card in parsed.cards:
        key = (card.front, card.back)
        if key in existing:
            continue
        existing.add(key)
        new_cards.append(NewCard(card.front, card.back, card.tags, origin=origin))
    change = add_cards(session, deck.id, new_cards, is_sample=is_sample, now=now)
    duplicates = len(parsed.cards) - len(new_cards)
    if not is_sample:
        session.add(
            ImportSource(
                kind="cards-csv",
                path=str(path),
                size=parsed.size,
                sha256=parsed.sha256,
                report={"deck": deck.full_name, "added": len(new_cards), "duplicates": duplicates},
            )
        )
    return CsvImportReport(
        path,
        deck.id,
        deck.full_name,
        len(new_cards),
        duplicates,
        parsed.encoding,
        change.card_ids,
    )
