"""Notebook: the learner's markdown notes, linked to lessons, video moments, questions, cards
and decks, with tags, notebooks, versions and backlinks; and the library's articles."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.changes import Change
from app.core.samples import SampleKind
from app.features.declarations import Destination, Feature, MenuAction, ViewDecl

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _load_sample(session: Session, folder: Path) -> int:
    from app.core.notes.sample import load_sample_notes

    return load_sample_notes(session, folder)


def _remove_sample(session: Session, at: datetime) -> int:
    from app.core.notes.sample import remove_sample_notes

    return remove_sample_notes(session, at)


def _restore_sample(session: Session, at: datetime) -> int:
    from app.core.notes.sample import restore_sample_notes

    return restore_sample_notes(session, at)


def _describe_sample(session: Session) -> str | None:
    from app.core.notes.sample import describe_sample_notes

    return describe_sample_notes(session)


SHOWS = Change.NOTES | Change.TAGS

NOTEBOOK = Feature(
    name="notebook",
    views=(ViewDecl("Notebook", "app.ui.notebook.view:NotebookView", opens=(Destination.NOTE,)),),
    menu_actions=(
        MenuAction(
            "File",
            "Import Mar&kdown Folder…",
            "app.ui.notebook_files:import_markdown",
            tip="Bring in a folder of markdown notes (Obsidian, Joplin): links, tags, images",
        ),
        MenuAction(
            "File",
            "Export &Notes…",
            "app.ui.notebook_files:export_notes",
            tip="Save notes as a folder of markdown files, with their images",
        ),
    ),
    cli_modules=("app.cli.note_commands", "app.cli.markdown_commands"),
    samples=(
        SampleKind("notes", _load_sample, _remove_sample, SHOWS, _restore_sample, _describe_sample),
    ),
    shows=SHOWS,
)
