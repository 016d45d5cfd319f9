"""Writing a markdown folder's plan into the profile, inside the caller's transaction.

Only notes whose id is not in the profile yet are written (a second import of the same folder,
or an export imported back, adds nothing), with the notebooks that hold them. Each new note
gets what `app.core.notes.note_actions.insert_note` gives a note: its first version (id derived
from the note's, as revision 0006 and the MS2 import make it), its tags (nested, cleaned by the
one tag rule, made with `ensure_tags`) and one `note_links` row (source "body") per link in its
text (`links_in`), resolved when the target is in the profile or among the notes imported.
Rows go in bulk (`bulk_rows`), a hundred per statement, checking for cancel between chunks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.flashcards.cards import ensure_tags
from app.core.notes.link_rows import target_exists
from app.core.notes.links import LinkTarget, links_in
from app.core.progress import Progress
from app.db.models import Note, Notebook
from app.db.models.notes import first_version_id
from app.db.models.tags import tag_id
from app.db.types import utcnow
from app.importers import markdown_sql as sql
from app.importers.bulk_rows import BulkWriter, Row
from app.importers.legacy_records import derived_id
from app.importers.markdown_folder import MarkdownPlan, PlannedNote

CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class MarkdownCounts:
    notes: int  # new notes (or articles)
    already_there: int
    notebooks: int
    tags: int  # distinct tags on the new notes
    links: int  # links between notes, and to the rest of the profile, in the new notes
    unresolved_links: int  # of those, to a target the profile does not hold
    attachments: int  # files the new notes show (images, PDFs)

    def as_json(self) -> dict[str, int]:
        return dict(self.__dict__)


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _existing(session: Session, model: Any, ids: list[str]) -> dict[str, bool]:
    """Which of `ids` are rows of `model` already: id -> whether it is deleted."""
    found: dict[str, bool] = {}
    for part in _chunks(ids):
        for row_id, deleted in session.execute(
            select(model.id, model.deleted_at).where(model.id.in_(part))
        ):
            found[row_id] = deleted is not None
    return found


def write_plan(session: Session, plan: MarkdownPlan, progress: Progress) -> MarkdownCounts:
    """Write the plan's new notes in the caller's transaction; return what came in."""
    existing = _existing(session, Note, [note.id for note in plan.notes])
    new = [note for note in plan.notes if note.id not in existing]
    writer = BulkWriter(session, progress)
    progress.set_total(len(new), f"Writing {len(new):,} notes")
    notebooks = _write_notebooks(session, writer, plan, new)
    now = utcnow()
    tags = {t.casefold(): t for note in new for t in note.tags}
    ensure_tags(session, tags.values(), now)
    writer.insert(sql.NOTES, [_note_row(writer, note) for note in new])
    writer.insert(sql.NOTE_VERSIONS, [_version_row(writer, note) for note in new], counted=False)
    tag_rows = [
        (note.id, tag_id(name), writer.stamp(now), None)
        for note in new
        for name in dict.fromkeys(t.casefold() for t in note.tags)
    ]
    writer.insert(sql.NOTE_TAGS, tag_rows, counted=False)
    links, unresolved = _link_rows(session, writer, new, {note.id for note in plan.notes})
    writer.insert(sql.NOTE_LINKS, links, counted=False)
    if new:
        _write_source(writer, plan, len(new))
    attachments = plan.attachments.stored if plan.attachments is not None else set()
    return MarkdownCounts(
        notes=len(new),
        already_there=len(plan.notes) - len(new),
        notebooks=notebooks,
        tags=len(tags),
        links=len(links),
        unresolved_links=unresolved,
        attachments=len(attachments) if new else 0,
    )


def _write_notebooks(
    session: Session, writer: BulkWriter, plan: MarkdownPlan, new: list[PlannedNote]
) -> int:
    """The notebooks that will hold new notes (and those above them), made or brought back."""
    wanted: dict[str, None] = {}
    for note in new:
        current = note.notebook_id
        while current is not None and current not in wanted:
            wanted[current] = None
            current = plan.notebooks[current].parent_id
    if not wanted:
        return 0
    existing = _existing(session, Notebook, list(wanted))
    stamp = writer.stamp(utcnow())
    rows: list[Row] = []
    books = sorted((plan.notebooks[made] for made in wanted), key=lambda b: _depth(b.folder))
    for book in books:  # parents first
        rows.append((book.id, book.name, book.parent_id, stamp, stamp, None))
    added = writer.insert(sql.NOTEBOOKS, rows, counted=False)
    revived = [made for made, deleted in existing.items() if deleted]
    for part in _chunks(revived):
        for row in session.scalars(select(Notebook).where(Notebook.id.in_(part))):
            row.deleted_at, row.updated_at = None, utcnow()
    session.flush()
    return added + len(revived)


def _depth(folder: str) -> int:
    return folder.count("/") + 1 if folder else 0


def _note_row(writer: BulkWriter, note: PlannedNote) -> Row:
    created, updated = writer.stamps(note.created, note.updated)
    return (
        note.id,
        note.kind,
        note.title,
        None,
        note.body,
        False,
        None,
        False,
        "markdown",
        note.notebook_id,
        False,
        created,
        updated,
        None,
    )


def _version_row(writer: BulkWriter, note: PlannedNote) -> Row:
    version = first_version_id(note.id)
    return (version, note.id, note.title, note.body, "[]", writer.stamp(note.updated))


def _link_rows(
    session: Session, writer: BulkWriter, new: list[PlannedNote], imported: set[str]
) -> tuple[list[Row], int]:
    rows: list[Row] = []
    unresolved = 0
    now = writer.stamp(utcnow())
    known: dict[LinkTarget, bool] = {}
    for note in new:
        written = [(target, "body") for target in links_in(note.body)]
        for target, source in [*written, *((target, "origin") for target in note.origins)]:
            resolved = known.get(target)
            if resolved is None:
                in_folder = target.kind in ("note", "article") and target.id in imported
                resolved = known[target] = in_folder or target_exists(session, target)
            unresolved += not resolved
            link_id = derived_id("markdown-link", note.id, source, target.url)
            values = (target.kind, target.id, target.at_s, resolved, source)
            rows.append((link_id, note.id, *values, now, now, None))
    return rows, unresolved


def _write_source(writer: BulkWriter, plan: MarkdownPlan, added: int) -> None:
    """The import ledger's row: which folder, how much text, a checksum of its notes."""
    digest = hashlib.sha256()
    for note in plan.notes:
        digest.update(note.path.encode())
        digest.update(hashlib.sha256(note.body.encode()).digest())
    checksum = digest.hexdigest()
    report = {
        "notes": len(plan.notes),
        "added": added,
        "problems": [[p.file, p.text] for p in plan.problems],
    }
    stamp = writer.stamp(utcnow())
    source_id = derived_id("markdown-source", str(plan.root), checksum, added)
    row = (source_id, "markdown-folder", str(plan.root), plan.bytes_read, checksum)
    writer.insert(
        sql.IMPORT_SOURCES, [(*row, json.dumps(report), stamp, stamp, None)], counted=False
    )
