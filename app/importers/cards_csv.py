"""Cards from CSV / TSV files: columns front, back and optionally tags.

- Encoding: a byte-order mark (UTF-8, UTF-16, UTF-32) is honoured; otherwise the file must be
  UTF-8, or the caller names the encoding (a text encoding: not `rot13`, `base64`, `zlib`...).
  Anything else is a UserError naming the file (and the line).
- Only a table of cards is taken: a file that is JSON, that holds NUL or other control characters
  (binary data, or UTF-16 without a byte-order mark), or whose cards all lack a back is refused,
  naming the file.
- Separator: tab for .tsv/.tab; otherwise the first of tab, comma, semicolon that splits every
  row into 2 or 3 columns. Anki's `#separator:...` and `#deck:...` header lines are honoured,
  other `#key:value` header lines skipped.
- A first row "front, back[, tags]" is a header. Tags follow Study Desk's one rule
  (`app.core.flashcards.tags`): separated by commas, so "machine learning" is one tag. A file
  Anki exported (its `#html:`, `#tags column:`... header lines) has Anki's space-separated tags.
- The whole file is read and checked before anything is written; the import then runs in the
  caller's transaction, so a failed import writes nothing. Cards whose front and back are already
  in the deck are skipped, so importing a file twice adds nothing the second time.
- Progress: reading reports messages only; the import then counts one step per card (added a
  thousand at a time) and calls `progress.check()` between steps, so a cancel writes nothing.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.flashcards.cards import MAX_TEXT, NewCard, add_cards
from app.core.flashcards.decks import ensure_deck
from app.core.flashcards.tables import CARDS, chunks
from app.core.flashcards.tags import clean_tags, parse_anki_tags, parse_tags
from app.core.progress import Progress
from app.db.models import ImportSource
from app.errors import UserError
from app.importers.file_problems import not_read

MAX_FILE_BYTES = 200 * 1024 * 1024
PREVIEW_BYTES = 1024 * 1024  # what the column dialog reads of a file: 160 MB took 7 s whole
ROWS_PER_STEP = 1000  # rows checked, or cards added, between two progress reports
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DIRECTIVE = re.compile(r"^#([a-z ]+):(.*)$", re.IGNORECASE)
# Control characters no text file of cards holds (tab, line feed, vertical tab, form feed and
# carriage return are text).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " "}
# Header lines only Anki's own text export writes: such a file separates tags by spaces.
_ANKI_DIRECTIVES = {"html", "tags column", "notetype", "notetype column", "deck column",
                    "guid column", "columns"}  # fmt: skip
HEADER = ("front", "back", "tags")
HEADER_SORTED = sorted(HEADER)
COLUMN_ROLES = (*HEADER, "ignore")


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

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "deck": self.deck_name,
            "added": self.added,
            "duplicates": self.duplicates,
            "encoding": self.encoding,
        }


def decode(path: Path, data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of the file and the encoding used; UserError naming the line if undecodable."""
    if encoding is None:
        encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        codec = codecs.lookup(encoding)
    except (LookupError, ValueError, TypeError):
        raise UserError(
            f"{path} was not read: {encoding!r} is not an encoding Study Desk knows."
        ) from None
    if not getattr(codec, "_is_text_encoding", True):  # rot13, base64, zlib, hex...
        raise UserError(
            f"{path} was not read: {encoding!r} is not a text encoding (it turns bytes into other "
            "bytes). Name the encoding the text was saved in, for example utf-8 or cp1252."
        )
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        nul = data.find(b"\0", 0, error.start + 8192)
        if nul >= 0:  # a picture, a document, a zip renamed: no encoding makes it text
            raise not_text(path, data[:nul].count(b"\n") + 1, "a NUL character") from None
        line = data[: error.start].count(b"\n") + 1
        raise UserError(
            f"{path}, line {line}: this is not {encoding} text. Save the file as UTF-8, or "
            "choose the encoding it was saved in (for example Windows-1252 in the Encoding "
            "list, --encoding cp1252 on the command line)."
        ) from None
    except (UnicodeError, LookupError, ValueError, TypeError) as error:  # "undefined", ...
        raise UserError(
            f"{path} cannot be read as {encoding} text ({error}). Name the encoding the text "
            "was saved in, for example utf-8 or cp1252."
        ) from None


def not_text(path: Path, line: int, what: str) -> UserError:
    return UserError(
        f"{path}, line {line}: holds {what}, which is not text, so it is not a table of cards "
        "(CSV/TSV): it is another kind of file renamed (a picture, a document), or it is "
        "damaged. If it is UTF-16 text, choose that encoding (UTF-16 in the Encoding list, "
        "--encoding utf-16 on the command line)."
    )


def _refuse_what_is_not_a_card_table(path: Path, text: str) -> None:
    """JSON, and text holding control characters (binary data), are no table of cards."""
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        code = ord(control.group())
        what = "a NUL character" if code == 0 else f"a control character (number {code})"
        raise not_text(path, line, what)
    start = text.lstrip()[:1]
    if start in ("{", "["):
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            return  # not JSON: a table whose first cell starts with a bracket
        raise UserError(
            f"{path} is JSON, not a table of cards (CSV/TSV: front, back and tags on each "
            "line). Files of the older apps come in with File > Import… (studydesk import "
            "tinydb), a course.json with File > Import Course… (studydesk import course)."
        )


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


@dataclass(frozen=True)
class CsvPreview:
    """The first rows of a file as split, before any column is given a meaning."""

    path: Path
    rows: tuple[tuple[str, ...], ...]
    encoding: str
    separator: str
    deck: str | None = None  # from a `#deck:` header line


@dataclass(frozen=True)
class _Text:
    data: bytes
    encoding: str
    directives: dict[str, str]
    rows: list[tuple[int, list[str]]]
    separator: str


def _read_text(path: Path, encoding: str | None, *, head: int | None = None) -> _Text:
    """The file read and split into rows; only its first `head` bytes (whole lines) if given."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserError(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MB; split it up.")
        if head is not None and size > head:
            with path.open("rb") as handle:
                data = _whole_lines(handle.read(head), encoding)
        else:
            data = path.read_bytes()
    except OSError as error:
        raise not_read(path, error) from None
    text, used = decode(path, data, encoding)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise UserError(f"{path} is empty; there were no cards to import.")
    _refuse_what_is_not_a_card_table(path, text)
    skipped, directives = _header_lines(text)
    body = "".join(text.splitlines(keepends=True)[skipped:])
    first_line = skipped + 1
    named = directives.get("separator")
    separator = _SEPARATORS.get(named.lower(), named[:1]) if named else None
    separator = separator or _choose_separator(body, path, first_line)
    return _Text(data, used, directives, _rows(body, separator, first_line, path), separator)


def _whole_lines(data: bytes, encoding: str | None) -> bytes:
    """`data` (the start of a file) up to its last line end, cut between two characters of
    the encoding (given, or told by a byte-order mark)."""
    end = data.rfind(b"\n") + 1
    if end == 0:
        return data
    name = encoding or next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    unit = 4 if "32" in name else 2 if "16" in name else 1
    return data[: -(-end // unit) * unit]


def preview_cards_csv(path: Path, encoding: str | None = None, *, limit: int = 20) -> CsvPreview:
    """The first `limit` non-blank rows, split but not checked; UserError if unreadable. Only
    the start of a large file is read (the import reads and checks all of it)."""
    read = _read_text(path, encoding, head=PREVIEW_BYTES)
    rows = [tuple(c.strip() for c in row) for _n, row in read.rows if any(c.strip() for c in row)]
    deck = read.directives.get("deck") or None
    return CsvPreview(path, tuple(rows[:limit]), read.encoding, read.separator, deck)


def _check_columns(columns: tuple[str, ...]) -> None:
    roles = [c for c in columns if c != "ignore"]
    if set(columns) - set(COLUMN_ROLES) or sorted(roles) not in (["back", "front"], HEADER_SORTED):
        raise UserError("Give one column to the front, one to the back and at most one to tags.")


def _card(
    path: Path,
    line: int,
    cells: list[str],
    columns: tuple[str, ...] | None,
    tags_of: Callable[[str], tuple[str, ...]],
) -> CsvCard:
    if columns is None:
        if not 2 <= len(cells) <= 3:
            raise UserError(
                f"{path}, line {line}: expected 2 or 3 columns (front, back, tags), "
                f"found {len(cells)}."
            )
        columns = HEADER[: len(cells)]
    else:
        least = max(columns.index("front"), columns.index("back")) + 1
        if not least <= len(cells) <= len(columns):
            wanted = f"{least} to {len(columns)}" if least < len(columns) else str(least)
            raise UserError(
                f"{path}, line {line}: expected {wanted} columns ({', '.join(columns)}), "
                f"found {len(cells)}."
            )
    cell = {role: cells[i] for i, role in enumerate(columns) if i < len(cells)}
    front, back = cell["front"], cell["back"]
    if not front:
        raise UserError(f"{path}, line {line}: the front is empty.")
    if len(front) > MAX_TEXT or len(back) > MAX_TEXT:
        raise UserError(f"{path}, line {line}: a side is longer than {MAX_TEXT:,} characters.")
    try:
        tags = clean_tags(tags_of(cell["tags"])) if "tags" in cell else ()
    except UserError as error:
        raise UserError(f"{path}, line {line}: {error}") from None
    return CsvCard(line, front, back, tags)


def _is_header(cells: list[str], columns: tuple[str, ...] | None) -> bool:
    folded = tuple(c.casefold() for c in cells)
    if columns is None:
        return folded == HEADER[: len(cells)]
    return all(role in ("ignore", folded[i]) for i, role in enumerate(columns[: len(cells)]))


def read_cards_csv(
    path: Path,
    encoding: str | None = None,
    *,
    columns: tuple[str, ...] | None = None,
    progress: Progress | None = None,
) -> ParsedCsv:
    """Read and check a whole CSV/TSV file of cards. Raises UserError naming the file and line.

    `columns` gives each column a role ("front", "back", "tags" or "ignore"); without it the
    columns are front, back and optionally tags. `progress` gets a message (no total) and may
    raise Cancelled between rows."""
    progress = progress or Progress()
    progress.set_message(f"Reading {path.name}")
    if columns is not None:
        _check_columns(columns)
    read = _read_text(path, encoding)
    tags_of = parse_anki_tags if _ANKI_DIRECTIVES & read.directives.keys() else parse_tags
    cards = []
    for number, (line, row) in enumerate(read.rows):
        if number % ROWS_PER_STEP == 0:
            progress.check()
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row]
        if number == 0 and _is_header(cells, columns):
            continue
        cards.append(_card(path, line, cells, columns, tags_of))
    if not cards:
        raise UserError(f"{path} holds no cards (only a header or blank lines).")
    if not any(card.back for card in cards):
        raise UserError(
            f"{path} is not a table of cards: no line has a back (the second column is empty "
            "or missing everywhere)."
        )
    digest = hashlib.sha256(read.data).hexdigest()
    deck = read.directives.get("deck") or None
    return ParsedCsv(
        path, tuple(cards), read.encoding, read.separator, len(read.data), digest, deck
    )


def import_cards_csv(
    session: Session,
    source: Path | ParsedCsv,
    deck_name: str | None,
    *,
    encoding: str | None = None,
    columns: tuple[str, ...] | None = None,
    origin: str = "csv",
    is_sample: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> CsvImportReport:
    """Import a CSV/TSV file (or one already read with `read_cards_csv`: `encoding` and
    `columns` are then its own) into the deck `deck_name` (made if missing; None: the file's
    `#deck:` line, else the file's name), in the caller's transaction. The file is checked whole
    first; raises UserError before writing anything. `columns`: as for `read_cards_csv`.
    Raises Cancelled when `progress` is cancelled; the caller's transaction must roll back."""
    progress = progress or Progress()
    if isinstance(source, ParsedCsv):
        parsed = source
    else:
        parsed = read_cards_csv(source, encoding, columns=columns, progress=progress)
    path = parsed.path
    progress.check()
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
    duplicates = len(parsed.cards) - len(new_cards)
    done, _total, _message = progress.snapshot()
    progress.set_total(done + len(parsed.cards), "Adding cards")
    progress.advance(duplicates)  # already in the deck: nothing to do for them
    card_ids: list[str] = []
    for part in chunks(new_cards, ROWS_PER_STEP):
        progress.check()
        change = add_cards(session, deck.id, part, is_sample=is_sample, now=now)
        card_ids.extend(change.card_ids)
        progress.advance(len(part))
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
    progress.check()
    return CsvImportReport(
        path,
        deck.id,
        deck.full_name,
        len(new_cards),
        duplicates,
        parsed.encoding,
        tuple(card_ids),
    )
