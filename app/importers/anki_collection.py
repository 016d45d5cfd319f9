"""Read an Anki collection (a temporary copy of it) into plain records, read-only.

Legacy collections (schema 11, `.anki2`/`.anki21`) keep decks and note types as JSON in the
`col` row; current ones (schema 18, `.anki21b`) in `decks`, `notetypes`, `fields` and
`templates` tables whose settings are protobuf messages (only the few numbers needed here are
read: a note type's kind, a template's question and answer formats, a deck's kind).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.flashcards.tags import parse_anki_tags
from app.errors import UserError
from app.importers.anki_package import PackageError, proto_dict

FILTERED_DECK = 2  # field of the deck `kind` message that marks a filtered deck
SUSPENDED_QUEUE = -1


@dataclass(frozen=True)
class AnkiNoteType:
    id: int
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str, str], ...]  # (name, question format, answer format)


@dataclass(frozen=True)
class AnkiNote:
    id: int
    guid: str
    notetype_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class AnkiCard:
    id: int
    note_id: int
    deck_id: int
    ord: int
    suspended: bool
    flag: int


@dataclass(frozen=True)
class AnkiReview:
    card_id: int
    at_ms: int  # the revlog id: when it was answered, ms since the epoch
    ease: int
    time_ms: int
    kind: int  # 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled


@dataclass(frozen=True)
class AnkiCollection:
    decks: dict[int, str]  # full names, "A::B"
    filtered_decks: frozenset[int]
    note_types: dict[int, AnkiNoteType]
    notes: dict[int, AnkiNote]
    cards: tuple[AnkiCard, ...]
    reviews: tuple[AnkiReview, ...]
    three_buttons: bool  # the v1 scheduler: learning answers were 1 Again, 2 Good, 3 Easy


def read_collection(database: Path, source: Path) -> AnkiCollection:
    """Everything needed from the collection file; UserError naming `source` if damaged."""
    try:
        connection = sqlite3.connect(f"{database.as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise UserError(f"{source}: the collection inside cannot be opened ({error}).") from None
    # Anki's schema sorts names with its own collation; any case-insensitive one reads it.
    connection.create_collation("unicase", _unicase)
    try:
        check = connection.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise UserError(f"{source}: the collection inside is damaged ({check[0]}).")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if not {"col", "notes", "cards"} <= tables:
            raise UserError(f"{source}: the collection inside is not an Anki collection.")
        return _read(connection, tables)
    except sqlite3.Error as error:
        raise UserError(f"{source}: the collection inside is damaged ({error}).") from None
    except (
        PackageError,
        ValueError,
        LookupError,
        TypeError,
        AttributeError,
        RecursionError,
    ) as error:
        raise UserError(f"{source}: the collection inside is damaged ({error}).") from None
    finally:
        connection.close()


def _unicase(left: str, right: str) -> int:
    a, b = left.casefold(), right.casefold()
    return (a > b) - (a < b)


def _read(connection: sqlite3.Connection, tables: set[str]) -> AnkiCollection:
    models_json, decks_json, conf_json = connection.execute(
        "SELECT models, decks, conf FROM col"
    ).fetchone()
    if "notetypes" in tables:
        note_types = _note_types(connection)
        decks, filtered = _decks(connection)
        three_buttons = False
    else:
        note_types = _legacy_note_types(json.loads(models_json))
        decks, filtered = _legacy_decks(json.loads(decks_json))
        conf = json.loads(conf_json) if conf_json else {}
        three_buttons = int(conf.get("schedVer", 1) if isinstance(conf, dict) else 1) == 1
    notes = {
        int(note_id): AnkiNote(
            int(note_id),
            str(guid),
            int(mid),
            tuple(str(flds).split("\x1f")),
            parse_anki_tags(str(tags)),
        )
        for note_id, guid, mid, tags, flds in connection.execute(
            "SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"
        )
    }
    cards = tuple(
        AnkiCard(
            int(card_id),
            int(nid),
            int(odid) if odid else int(did),  # a card in a filtered deck: its home deck
            int(ord_),
            int(queue) == SUSPENDED_QUEUE,
            int(flags) & 7,
        )
        for card_id, nid, did, odid, ord_, queue, flags in connection.execute(
            "SELECT id, nid, did, odid, ord, queue, flags FROM cards ORDER BY nid, ord"
        )
    )
    reviews: tuple[AnkiReview, ...] = ()
    if "revlog" in tables:
        reviews = tuple(
            AnkiReview(int(cid), int(rid), int(ease), int(time_ms), int(kind))
            for rid, cid, ease, time_ms, kind in connection.execute(
                "SELECT id, cid, ease, time, type FROM revlog ORDER BY cid, id"
            )
        )
    return AnkiCollection(
        decks, frozenset(filtered), note_types, notes, cards, reviews, three_buttons
    )


def _note_types(connection: sqlite3.Connection) -> dict[int, AnkiNoteType]:
    fields: dict[int, list[str]] = {}
    for ntid, name in connection.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(int(ntid), []).append(str(name))
    templates: dict[int, list[tuple[str, str, str]]] = {}
    for ntid, name, config in connection.execute(
        "SELECT ntid, name, config FROM templates ORDER BY ntid, ord"
    ):
        parsed = proto_dict(bytes(config))
        templates.setdefault(int(ntid), []).append(
            (str(name), _text(parsed.get(1, b"")), _text(parsed.get(2, b"")))
        )
    found = {}
    for ntid, name, config in connection.execute("SELECT id, name, config FROM notetypes"):
        kind = proto_dict(bytes(config)).get(1, 0)
        found[int(ntid)] = AnkiNoteType(
            int(ntid),
            str(name),
            kind == 1,
            tuple(fields.get(int(ntid), ())),
            tuple(templates.get(int(ntid), ())),
        )
    return found


def _text(value: int | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else ""


def _decks(connection: sqlite3.Connection) -> tuple[dict[int, str], set[int]]:
    decks: dict[int, str] = {}
    filtered: set[int] = set()
    for deck_id, name, kind in connection.execute("SELECT id, name, kind FROM decks"):
        decks[int(deck_id)] = str(name).replace("\x1f", "::")
        if FILTERED_DECK in proto_dict(bytes(kind)):
            filtered.add(int(deck_id))
    return decks, filtered


def _legacy_note_types(models: dict[str, Any]) -> dict[int, AnkiNoteType]:
    found = {}
    for key, model in models.items():
        fields = sorted(model["flds"], key=lambda f: int(f.get("ord", 0)))
        templates = sorted(model["tmpls"], key=lambda t: int(t.get("ord", 0)))
        found[int(key)] = AnkiNoteType(
            int(model.get("id", key)),
            str(model.get("name", key)),
            int(model.get("type", 0)) == 1,
            tuple(str(field["name"]) for field in fields),
            tuple(
                (str(t.get("name", "")), str(t.get("qfmt", "")), str(t.get("afmt", "")))
                for t in templates
            ),
        )
    return found


def _legacy_decks(decks: dict[str, Any]) -> tuple[dict[int, str], set[int]]:
    names = {int(key): str(deck.get("name", key)) for key, deck in decks.items()}
    filtered = {int(key) for key, deck in decks.items() if int(deck.get("dyn", 0) or 0)}
    return names, filtered
