"""Small Anki packages for the tests and the benchmark, written without Anki: a legacy one
(`collection.anki2`, JSON media map) or a current one (`collection.anki21b`, zstd + protobuf)."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import zstandard

BASIC = 1001
REVERSED = 1002
CLOZE = 1003
NOTE_TYPES = {
    BASIC: ("Basic", False, ["Front", "Back"], [("Card 1", "{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}")]),  # noqa: E501
    REVERSED: ("Basic (and reversed card)", False, ["Front", "Back"], [
        ("Card 1", "{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"),
        ("Card 2", "{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}"),
    ]),
    CLOZE: ("Cloze", True, ["Text", "Back Extra"], [("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}")]),  # noqa: E501
}  # fmt: skip
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


@dataclass
class Note:
    guid: str
    notetype: int
    fields: Sequence[str]
    deck: int = 2
    tags: str = ""


@dataclass
class Package:
    notes: list[Note] = field(default_factory=list)
    decks: dict[int, str] = field(default_factory=lambda: {1: "Default", 2: "Lang::Spanish"})
    note_types: dict[int, tuple[str, bool, list[str], list[tuple[str, str, str]]]] = field(
        default_factory=lambda: dict(NOTE_TYPES)
    )
    media: dict[str, bytes] = field(default_factory=dict)  # Anki file name -> bytes
    # (note index, card ord, revlog id ms, ease, type)
    reviews: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    extra_members: dict[str, bytes] = field(default_factory=dict)

    def card_id(self, note: int, ord_: int) -> int:
        return 100_000 + note * 10 + ord_

    def cards(self) -> list[tuple[int, int, int, int]]:
        """(card id, note index, ord, deck) of every card."""
        found = []
        for index, note in enumerate(self.notes):
            _name, cloze, _fields, templates = self.note_types.get(
                note.notetype, ("?", False, [], [("", "", "")])
            )
            if cloze:
                import re

                ords = sorted({int(n) - 1 for n in re.findall(r"\{\{c(\d+)::", note.fields[0])})
            else:
                ords = list(range(len(templates)))
            found.extend((self.card_id(index, o), index, o, note.deck) for o in ords)
        return found


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def proto(*fields: tuple[int, int | bytes | str]) -> bytes:
    out = bytearray()
    for number, value in fields:
        if isinstance(value, int):
            out += _varint(number << 3) + _varint(value)
        else:
            data = value.encode() if isinstance(value, str) else value
            out += _varint(number << 3 | 2) + _varint(len(data)) + data
    return bytes(out)


def _common_tables(db: sqlite3.Connection, package: Package) -> None:
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, mid INTEGER, mod INTEGER,"
               " usn INTEGER, tags TEXT, flds TEXT, sfld TEXT, csum INTEGER, flags INTEGER,"
               " data TEXT)")  # fmt: skip
    db.execute("CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER, did INTEGER,"
               " ord INTEGER, mod INTEGER, usn INTEGER, type INTEGER, queue INTEGER, due INTEGER,"
               " ivl INTEGER, factor INTEGER, reps INTEGER, lapses INTEGER, left INTEGER,"
               " odue INTEGER, odid INTEGER, flags INTEGER, data TEXT)")  # fmt: skip
    db.execute("CREATE TABLE revlog (id INTEGER PRIMARY KEY, cid INTEGER, usn INTEGER,"
               " ease INTEGER, ivl INTEGER, lastIvl INTEGER, factor INTEGER, time INTEGER,"
               " type INTEGER)")  # fmt: skip
    for index, note in enumerate(package.notes):
        db.execute(
            "INSERT INTO notes VALUES (?, ?, ?, 0, -1, ?, ?, '', 0, 0, '')",
            (index + 1, note.guid, note.notetype, f" {note.tags} ", "\x1f".join(note.fields)),
        )
    for card_id, index, ord_, deck in package.cards():
        db.execute(
            "INSERT INTO cards VALUES (?, ?, ?, ?, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
            (card_id, index + 1, deck, ord_),
        )
    for note, ord_, at_ms, ease, kind in package.reviews:
        db.execute(
            "INSERT INTO revlog VALUES (?, ?, -1, ?, 0, 0, 2500, 8000, ?)",
            (at_ms, package.card_id(note, ord_), ease, kind),
        )


def _legacy_collection(path: Path, package: Package) -> None:
    models = {
        str(ntid): {
            "id": ntid,
            "name": name,
            "type": 1 if cloze else 0,
            "flds": [{"name": f, "ord": i} for i, f in enumerate(fields)],
            "tmpls": [
                {"name": t, "ord": i, "qfmt": q, "afmt": a} for i, (t, q, a) in enumerate(templates)
            ],
        }
        for ntid, (name, cloze, fields, templates) in package.note_types.items()
    }
    decks = {str(i): {"id": i, "name": n, "dyn": 0} for i, n in package.decks.items()}
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE col (id INTEGER PRIMARY KEY, crt INTEGER, mod INTEGER,"
                   " scm INTEGER, ver INTEGER, dty INTEGER, usn INTEGER, ls INTEGER, conf TEXT,"
                   " models TEXT, decks TEXT, dconf TEXT, tags TEXT)")  # fmt: skip
        db.execute(
            "INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, ?, ?, ?, '{}', '{}')",
            (json.dumps({"schedVer": 2}), json.dumps(models), json.dumps(decks)),
        )
        _common_tables(db, package)
    db.close()


def _current_collection(path: Path, package: Package) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE col (id INTEGER PRIMARY KEY, crt INTEGER, mod INTEGER,"
                   " scm INTEGER, ver INTEGER, dty INTEGER, usn INTEGER, ls INTEGER, conf TEXT,"
                   " models TEXT, decks TEXT, dconf TEXT, tags TEXT)")  # fmt: skip
        db.execute("INSERT INTO col VALUES (1, 0, 0, 0, 18, 0, 0, 0, '', '', '', '', '')")
        db.execute("CREATE TABLE notetypes (id INTEGER PRIMARY KEY, name TEXT, mtime_secs INT,"
                   " usn INT, config BLOB)")  # fmt: skip
        db.execute("CREATE TABLE fields (ntid INT, ord INT, name TEXT, config BLOB)")
        db.execute("CREATE TABLE templates (ntid INT, ord INT, name TEXT, mtime_secs INT,"
                   " usn INT, config BLOB)")  # fmt: skip
        db.execute("CREATE TABLE decks (id INTEGER PRIMARY KEY, name TEXT, mtime_secs INT,"
                   " usn INT, common BLOB, kind BLOB)")  # fmt: skip
        for ntid, (name, cloze, fields, templates) in package.note_types.items():
            config = proto((1, 1 if cloze else 0), (3, ".card {}"))
            db.execute("INSERT INTO notetypes VALUES (?, ?, 0, 0, ?)", (ntid, name, config))
            for i, field_name in enumerate(fields):
                db.execute("INSERT INTO fields VALUES (?, ?, ?, x'')", (ntid, i, field_name))
            for i, (t, q, a) in enumerate(templates):
                db.execute(
                    "INSERT INTO templates VALUES (?, ?, ?, 0, 0, ?)",
                    (ntid, i, t, proto((1, q), (2, a))),
                )
        for deck_id, name in package.decks.items():
            db.execute(
                "INSERT INTO decks VALUES (?, ?, 0, 0, x'', ?)",
                (deck_id, name.replace("::", "\x1f"), proto((1, proto((1, 1))))),
            )
        _common_tables(db, package)
    db.close()


def write_apkg(path: Path, package: Package, *, current: bool = False) -> Path:
    """Write the package as a legacy (.anki2) or current (.anki21b) .apkg at `path`."""
    names = list(package.media)
    with tempfile.TemporaryDirectory() as folder:
        collection = Path(folder) / "collection"
        compress = zstandard.ZstdCompressor().compress
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            if current:
                _current_collection(collection, package)
                archive.writestr("collection.anki21b", compress(collection.read_bytes()))
                entries = b"".join(
                    proto((1, proto((1, name), (2, len(package.media[name]))))) for name in names
                )
                archive.writestr("media", compress(entries))
                archive.writestr("meta", proto((1, 3)))
            else:
                _legacy_collection(collection, package)
                archive.write(collection, "collection.anki2")
                archive.writestr("media", json.dumps({str(i): n for i, n in enumerate(names)}))
            for index, name in enumerate(names):
                data = package.media[name]
                archive.writestr(str(index), compress(data) if current else data)
            for member, data in package.extra_members.items():
                archive.writestr(member, data)
    return path
