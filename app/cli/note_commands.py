"""`studydesk notes ...`: add a note, list the notes, find notes by their words. The same core
actions and reads as the Notebook view."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import CommandTable, opened_profile
from app.errors import UserError
from app.paths import DataLocations

if TYPE_CHECKING:  # the database modules load only when a command runs
    from app.core.notes.note_reads import NoteRow

GROUP = "notes"
SEARCH_DEPTH = 1000  # results of every kind looked through for the notes among them


def register(table: CommandTable) -> None:
    add = table.add(GROUP, "add", add_note, "add a markdown note")
    add.add_argument("--title", required=True, metavar="TITLE")
    add.add_argument(
        "--tag", action="append", default=[], metavar="TAG", help="a tag (cardio/valves nests)"
    )
    add.add_argument(
        "--body-file", type=Path, metavar="FILE", help="the note's markdown text (- for stdin)"
    )
    add.add_argument("--json", action="store_true", help="print the new note as JSON")
    listing = table.add(GROUP, "list", list_notes, "the notes, pinned first, newest change first")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    search = table.add(GROUP, "search", search_notes, "notes whose title or text holds QUERY")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--json", action="store_true", help="print the notes found as JSON")


def _body(path: Path | None) -> str:
    if path is None:
        return ""
    if str(path) == "-":
        import sys

        return sys.stdin.read()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"{path}: cannot read the note's text ({error.strerror}).") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text; save it as UTF-8 and try again.") from None


def add_note(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.notes.note_actions import create_note
    from app.core.notes.note_reads import open_note

    body = _body(args.body_file)  # read the file before opening (or creating) a profile
    with opened_profile(args, locations) as opened:
        saved = create_note(opened.database, title=args.title, body=body, tags=args.tag)
        note = open_note(opened.database, saved.note_id)
    if args.json:
        shown = {"id": note.id, "title": note.title, "tags": list(note.tags)}
        print(json.dumps(shown | {"version_id": saved.version_id}, indent=2, ensure_ascii=False))
    else:
        tags = f" [{', '.join(note.tags)}]" if note.tags else ""
        print(f"Added “{note.title}”{tags}  {note.id}")
    return 0


def _as_json(row: NoteRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "kind": row.kind,
        "tags": list(row.tags),
        "notebook_id": row.notebook_id,
        "pinned": row.pinned,
        "updated_at": row.updated_at.isoformat(),
        "links": list(row.link_kinds),
        "snippet": row.snippet,
    }


def _print_rows(rows: tuple[NoteRow, ...] | list[NoteRow], as_json: bool, empty: str) -> None:
    if as_json:
        print(json.dumps([_as_json(row) for row in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        print(empty)
    for row in rows:
        pin = "* " if row.pinned else ""
        tags = f" [{', '.join(row.tags)}]" if row.tags else ""
        print(f"{row.id}  {pin}{row.title}{tags}  ({row.updated_at:%Y-%m-%d %H:%M} UTC)")


def list_notes(args: argparse.Namespace, locations: DataLocations) -> int:
    from app.core.notes.note_reads import note_list

    with opened_profile(args, locations) as opened:
        rows = note_list(opened.database).rows
    _print_rows(rows, args.json, "No notes yet: add one with `studydesk notes add --title T`.")
    return 0


def search_notes(args: argparse.Namespace, locations: DataLocations) -> int:
    """Notes whose words match the query, best first: the Ctrl+K search (`app.core.search`:
    ranked, accents folded, the last word a prefix) kept to notes."""
    from app.core.search.search import search_all

    query = " ".join(args.query.split())
    if not query:
        raise UserError("Give some words to look for: studydesk notes search WORDS.")
    with opened_profile(args, locations) as opened:
        hits = [h for h in search_all(opened.database, query, SEARCH_DEPTH) if h.kind == "note"]
    if args.json:
        print(json.dumps([hit.as_json() for hit in hits], indent=2, ensure_ascii=False))
        return 0
    if not hits:
        print(f"No note holds “{query}”.")
    for hit in hits:
        print(f"{hit.id}  {hit.plain_title}\n    {hit.plain_snippet}")
    return 0
