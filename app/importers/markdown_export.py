"""Notes out to a folder of markdown files, as Obsidian and other markdown tools read them.

One `.md` file per note, in a folder per notebook (below the one exported), each opening with
front matter: title, id, tags, created, updated and links (every `studydesk:` link the note
has, made from its text or from what it was made from). In the text, a link to a note that is
in the export becomes a wiki link (`[[Title]]`, `[[Title|label]]`, or the file's path where a
name is shared), so the folder links up in any markdown tool; other `studydesk:` links stay as
they are. Images and PDFs the notes show are copied to `attachments/` and linked relatively.
File names are made safe on every system and unique within their folder.

Importing the folder back (`markdown_folder`) finds each note by the id in its front matter:
into the same profile it adds nothing; into another it brings the notes, links and tags in.
Deleted notes and library articles are not exported.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.atomic_file import write_text_atomically
from app.core.courses.markdown import MEDIA_SCHEME
from app.core.notes.links import LinkTarget
from app.db.models import Note, Notebook, NoteLink, NoteTag, Tag
from app.errors import UserError
from app.importers.cards_export import safe_file_name
from app.importers.export_target import check_folder_target
from app.importers.markdown_files import front_matter_text, split_front_matter

ATTACHMENTS = "attachments"
MAX_NAME = 100  # characters of a file name before ".md"
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in range(10)),
    *(f"lpt{n}" for n in range(10)),
}
_NOTE_LINK = re.compile(r"\[((?:\\.|[^\[\]\\\n])*)\]\(studydesk:note/([^\s()?#\[\]]+)\)")
_MEDIA = re.compile(r"\]\(" + re.escape(MEDIA_SCHEME) + r"([0-9a-f]{64}\.[a-z0-9]{2,5})\)")


@dataclass(frozen=True)
class NotesExported:
    path: Path
    notes: int
    attachments: int
    missing_attachments: int  # files the notes name that the media folder no longer has

    def as_json(self) -> dict[str, object]:
        return {**self.__dict__, "path": str(self.path)}


@dataclass
class _Note:
    id: str
    title: str
    body: str
    notebook_id: str | None
    created: datetime
    updated: datetime
    tags: list[str]
    links: list[str]
    folder: tuple[str, ...] = ()
    file: str = ""  # relative posix path, ".md" included


def export_notes(
    session: Session,
    folder: Path,
    media_dir: Path | None,
    *,
    note_id: str | None = None,
    notebook_id: str | None = None,
    overwrite: bool = False,
) -> NotesExported:
    """Write one note (`note_id`), a notebook with those inside it (`notebook_id`) or every
    note (neither) into `folder` (new or empty, unless `overwrite`). Raises UserError for a
    note or notebook that is not there, nothing to export, or a folder it cannot write."""
    check_folder_target(folder, overwrite)
    books = {
        b.id: b for b in session.scalars(select(Notebook).where(Notebook.deleted_at.is_(None)))
    }
    query = select(Note).where(Note.kind == "note", Note.deleted_at.is_(None))
    if note_id is not None:
        query = query.where(Note.id == note_id)
    chosen = [_loaded(note) for note in session.scalars(query.order_by(Note.title, Note.id))]
    if notebook_id is not None:
        if notebook_id not in books:
            raise UserError("That notebook is not in this profile (it may have been deleted).")
        chosen = [n for n in chosen if _path(books, n.notebook_id, notebook_id) is not None]
    if not chosen:
        raise UserError("There is no note to export." if note_id is None else "That note is gone.")
    _add_tags_and_links(session, chosen)
    for note in chosen:
        inside = note_id is None  # one note goes at the top of the folder
        note.folder = (_path(books, note.notebook_id, notebook_id) or ()) if inside else ()
    _name_files(chosen)
    by_id = {note.id: note for note in chosen}
    names = _shared_names(chosen)
    copied: set[str] = set()
    missing: set[str] = set()
    try:
        for note in chosen:
            body = _wiki_links(note, by_id, names)
            body = _attachments(body, note, folder, media_dir, copied, missing)
            text = _with_front_matter(note, body)
            _write(folder / note.file, text)
    except OSError as error:
        raise UserError(f"Study Desk cannot write into {folder} ({error.strerror}).") from None
    return NotesExported(folder, len(chosen), len(copied), len(missing))


def find_notebook(session: Session, written: str) -> str:
    """The id of the notebook named `written` (its id, or its name in any case)."""
    live = session.execute(
        select(Notebook.id, Notebook.name).where(Notebook.deleted_at.is_(None))
    ).all()
    if any(book_id == written for book_id, _name in live):
        return written
    named = [book_id for book_id, name in live if name.casefold() == written.strip().casefold()]
    if not named:
        raise UserError(f"There is no notebook named {written!r}.")
    if len(named) > 1:
        raise UserError(
            f"{len(named)} notebooks are named {written!r}; give the one to export by its id."
        )
    return str(named[0])


def _write(target: Path, text: str) -> None:
    """A file written whole under a temporary name, then renamed: never half a note under its
    name. Not synced one by one (thousands of fsyncs would take minutes); the folder is new."""
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(target, text, newline="", fsync=False, mode=0o666)


def _loaded(note: Note) -> _Note:
    return _Note(
        note.id, note.title, note.body, note.notebook_id, note.created_at, note.updated_at, [], []
    )


def _path(
    books: dict[str, Notebook], book_id: str | None, top: str | None
) -> tuple[str, ...] | None:
    """The notebook names from `top` (exclusive; None: from the outermost) down to `book_id`;
    None if the notebook is not inside `top`."""
    names: list[str] = []
    seen: set[str] = set()
    current = book_id
    while current is not None and current != top and current in books and current not in seen:
        seen.add(current)
        names.append(books[current].name)
        current = books[current].parent_id
    if top is not None and current != top:
        return None
    if top is None and current is not None and current not in books:
        return ()  # in a deleted notebook: at the top
    return tuple(reversed(names))


def _add_tags_and_links(session: Session, notes: list[_Note]) -> None:
    by_id = {note.id: note for note in notes}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        for owner, name in session.execute(
            select(NoteTag.note_id, Tag.name)
            .join(Tag, Tag.id == NoteTag.tag_id)
            .where(NoteTag.note_id.in_(part), NoteTag.deleted_at.is_(None))
            .order_by(Tag.name)
        ):
            by_id[owner].tags.append(name)
        for owner, kind, target, at_s in session.execute(
            select(NoteLink.note_id, NoteLink.target_kind, NoteLink.target_id, NoteLink.at_s)
            .where(NoteLink.note_id.in_(part), NoteLink.deleted_at.is_(None))
            .order_by(NoteLink.created_at, NoteLink.id)
        ):
            try:
                url = LinkTarget(kind, target, at_s).url
            except ValueError:
                continue
            if url not in by_id[owner].links:
                by_id[owner].links.append(url)


def file_stem(title: str) -> str:
    """A note's title as a file name (without ".md"), safe on every system."""
    stem = safe_file_name(" ".join(title.split()))[:MAX_NAME].strip(" .")
    if not stem or stem.casefold() in _RESERVED or stem == "deck":
        stem = f"{stem or 'note'}_"
    return stem


def _name_files(notes: list[_Note]) -> None:
    taken: set[str] = {ATTACHMENTS}
    for note in notes:
        folder = "/".join(safe_file_name(part)[:MAX_NAME] for part in note.folder)
        stem, number = file_stem(note.title), 1
        while True:
            name = stem if number == 1 else f"{stem} ({number})"
            path = f"{folder}/{name}.md" if folder else f"{name}.md"
            if path.casefold() not in taken:
                break
            number += 1
        taken.add(path.casefold())
        note.file = path


def _shared_names(notes: Iterable[_Note]) -> dict[str, int]:
    """How many notes each name (file name or title) could mean, as the importer looks them up."""
    count: dict[str, int] = {}
    for note in notes:
        for name in {PurePosixPath(note.file).stem.casefold(), note.title.casefold()}:
            count[name] = count.get(name, 0) + 1
    return count


def _wiki_links(note: _Note, by_id: dict[str, _Note], names: dict[str, int]) -> str:
    def replace(found: re.Match[str]) -> str:
        target = LinkTarget.parse(f"studydesk:note/{found.group(2)}")
        other = by_id.get(target.id) if target is not None else None
        label = re.sub(r"\\(.)", r"\1", found.group(1))
        if other is None or "]]" in label or "\n" in label:
            return found.group(0)
        stem = PurePosixPath(other.file).stem
        written = stem if names.get(stem.casefold(), 0) == 1 else other.file[: -len(".md")]
        if "|" in written or "#" in written or "^" in written:
            return found.group(0)
        return f"[[{written}]]" if label == written else f"[[{written}|{label}]]"

    return _NOTE_LINK.sub(replace, note.body) if "studydesk:note/" in note.body else note.body


def _attachments(
    body: str,
    note: _Note,
    folder: Path,
    media_dir: Path | None,
    copied: set[str],
    missing: set[str],
) -> str:
    if MEDIA_SCHEME not in body:
        return body
    up = "../" * (note.file.count("/"))

    def replace(found: re.Match[str]) -> str:
        name = found.group(1)
        source = media_dir / name if media_dir is not None else None
        if source is None or not source.is_file():
            missing.add(name)
            return found.group(0)
        if name not in copied:
            (folder / ATTACHMENTS).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, folder / ATTACHMENTS / name)
            copied.add(name)
        return f"]({up}{ATTACHMENTS}/{name})"

    return _MEDIA.sub(replace, body)


def _with_front_matter(note: _Note, body: str) -> str:
    fields: dict[Any, Any] = {
        "title": note.title,
        "id": note.id,
        "tags": note.tags,
        "created": _time(note.created),
        "updated": _time(note.updated),
    }
    if note.links:
        fields["links"] = note.links
    own, rest = split_front_matter(body)
    for key, value in own.items():  # the note's own front matter (aliases...) kept
        fields.setdefault(key, value)
    return front_matter_text(fields) + rest


def _time(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
