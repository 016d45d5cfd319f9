"""Writing notebooks, the folders notes are kept in: create, rename, delete. Each action owns
its transaction and returns what changed (`Change.NOTES`).

Deleting a notebook deletes the notebooks inside it too; their notes stay, in no notebook.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.db.database import ProfileDatabase
from app.db.models import Note, Notebook
from app.db.types import new_id, utcnow
from app.errors import UserError

MAX_NOTEBOOK_NAME = 200


@dataclass(frozen=True)
class NotebookChanged:
    notebook_id: str
    changes: Change = Change.NOTES


@dataclass(frozen=True)
class NotebookDeleted:
    notebook_ids: tuple[str, ...]  # the notebook and those inside it
    moved_note_ids: tuple[str, ...]  # their notes, now in no notebook
    changes: Change = Change.NOTES


def _clean_notebook_name(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise UserError("A notebook needs a name.")
    if len(text) > MAX_NOTEBOOK_NAME:
        raise UserError(f"A notebook's name is at most {MAX_NOTEBOOK_NAME} characters.")
    return text


def _live_notebook(session: Session, notebook_id: str) -> Notebook:
    notebook = session.get(Notebook, notebook_id)
    if notebook is None or notebook.deleted_at is not None:
        raise UserError("That notebook was deleted.")
    return notebook


def create_notebook(
    database: ProfileDatabase, name: str, parent_id: str | None = None
) -> NotebookChanged:
    name = _clean_notebook_name(name)
    with database.write_session() as session:
        if parent_id is not None:
            _live_notebook(session, parent_id)
        notebook = Notebook(id=new_id(), name=name, parent_id=parent_id)
        session.add(notebook)
        return NotebookChanged(notebook.id)


def rename_notebook(database: ProfileDatabase, notebook_id: str, name: str) -> NotebookChanged:
    name = _clean_notebook_name(name)
    with database.write_session() as session:
        notebook = _live_notebook(session, notebook_id)
        if notebook.name == name:
            return NotebookChanged(notebook_id, Change.NONE)
        notebook.name, notebook.updated_at = name, utcnow()
        return NotebookChanged(notebook_id)


def delete_notebook(database: ProfileDatabase, notebook_id: str) -> NotebookDeleted:
    """Delete a notebook and the notebooks inside it; their notes stay, in no notebook."""
    with database.write_session() as session:
        _live_notebook(session, notebook_id)
        children: dict[str | None, list[str]] = {}
        for row_id, parent in session.execute(
            select(Notebook.id, Notebook.parent_id).where(Notebook.deleted_at.is_(None))
        ):
            children.setdefault(parent, []).append(row_id)
        gone, stack = [], [notebook_id]
        while stack:
            current = stack.pop()
            if current in gone:
                continue
            gone.append(current)
            stack.extend(children.get(current, ()))
        now = utcnow()
        for notebook in session.scalars(select(Notebook).where(Notebook.id.in_(gone))):
            notebook.deleted_at, notebook.updated_at = now, now
        moved = session.scalars(
            select(Note).where(Note.notebook_id.in_(gone), Note.deleted_at.is_(None))
        ).all()
        for note in moved:
            note.notebook_id, note.updated_at = None, now
        return NotebookDeleted(tuple(gone), tuple(note.id for note in moved))
