"""Markdown folders in and out, as actions: the one place File > Import Markdown Folder… /
Export Notes… and `studydesk import markdown` / `notes export` go through.

An import reads the whole folder first (off the GUI thread, with progress and cancel), copying
the attachments its notes show into the media folder, then takes a "before import" backup and
writes every new note in one transaction: a cancel, a full disk or a failed commit leaves the
profile as it was and removes the media files this import made. Importing the same folder
again adds nothing. Every file that was not read as written is in the report, by file.
An export reads in a read session of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.changes import Change
from app.core.progress import Progress
from app.core.restoring import back_up_before_import
from app.db.database import ProfileDatabase
from app.importers.markdown_export import NotesExported, export_notes, find_notebook
from app.importers.markdown_files import Problem
from app.importers.markdown_folder import MarkdownPlan, read_folder, remove_files
from app.importers.markdown_write import MarkdownCounts, write_plan

PROBLEMS_SHOWN = 50  # in `lines`; the JSON and the GUI's report have them all


def counted(number: int, one: str, several: str) -> str:
    return f"{number:,} {one if number == 1 else several}"


@dataclass(frozen=True)
class MarkdownImported:
    folder: Path
    kind: str  # note | article
    counts: MarkdownCounts
    problems: tuple[Problem, ...]

    @property
    def changes(self) -> Change:
        if not self.counts.notes:
            return Change.NONE
        return Change.NOTES | (Change.TAGS if self.counts.tags else Change.NONE)

    @property
    def summary(self) -> str:
        counts, name = self.counts, self.folder.name or str(self.folder)
        what = ("note", "notes") if self.kind == "note" else ("library article", "library articles")
        if not counts.notes:
            if counts.already_there:
                return f"Every note in {name} was imported before; nothing new came in."
            return f"Nothing came in from {name}."
        parts = [counted(counts.notes, *what)]
        if counts.notebooks:
            parts.append(counted(counts.notebooks, "notebook", "notebooks"))
        if counts.tags:
            parts.append(counted(counts.tags, "tag", "tags"))
        if counts.links:
            parts.append(counted(counts.links, "link", "links"))
        if counts.attachments:
            parts.append(counted(counts.attachments, "attachment", "attachments"))
        before = f" ({counts.already_there:,} were there already)" if counts.already_there else ""
        return f"Imported {', '.join(parts)} from {name}{before}."

    def problem_lines(self, shown: int | None = None) -> list[str]:
        listed = self.problems if shown is None else self.problems[:shown]
        lines = [f"{problem.file}: {problem.text}" for problem in listed]
        if len(listed) < len(self.problems):
            lines.append(f"… and {len(self.problems) - len(listed):,} more.")
        return lines

    @property
    def lines(self) -> tuple[str, ...]:
        """What came in, then each problem by file (the CLI's output, the GUI's message)."""
        lines = [self.summary]
        if self.problems:
            lines.append(f"{counted(len(self.problems), 'thing', 'things')} to know:")
            lines += ["  " + line for line in self.problem_lines(PROBLEMS_SHOWN)]
        return tuple(lines)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def as_json(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "kind": self.kind,
            **self.counts.as_json(),
            "problems": [{"file": p.file, "problem": p.text} for p in self.problems],
        }


def import_markdown_folder(
    database: ProfileDatabase,
    folder: Path | MarkdownPlan,
    media_dir: Path,
    *,
    kind: str = "note",
    progress: Progress | None = None,
) -> MarkdownImported:
    """Import a folder of markdown files (or one read already with `read_folder`) as notes
    (`kind` "note") or read-only library articles ("article"). Raises UserError for a folder
    that is missing or holds no markdown file, Cancelled on a cancel; then nothing is kept."""
    progress = progress or Progress()
    plan = (
        folder
        if isinstance(folder, MarkdownPlan)
        else read_folder(folder, media_dir, kind=kind, progress=progress)
    )
    try:
        progress.check()
        back_up_before_import(database)
        with database.write_session() as session:
            counts = write_plan(session, plan, progress)
            progress.check()
    except BaseException:
        remove_files(plan.created_files)
        raise
    return MarkdownImported(plan.root, plan.kind, counts, tuple(plan.problems))


@dataclass(frozen=True)
class NotesExportDone:
    exported: NotesExported
    changes: Change = Change.NONE

    @property
    def text(self) -> str:
        done = self.exported
        files = (
            f" and {counted(done.attachments, 'attachment', 'attachments')}"
            if done.attachments
            else ""
        )
        missing = (
            f" {counted(done.missing_attachments, 'attachment was', 'attachments were')} no "
            "longer in the media folder; their links were left as they were."
            if done.missing_attachments
            else ""
        )
        return f"Exported {counted(done.notes, 'note', 'notes')}{files} to {done.path}.{missing}"


def export_notes_folder(
    database: ProfileDatabase,
    folder: Path,
    media_dir: Path | None,
    *,
    note_id: str | None = None,
    notebook_id: str | None = None,
    notebook: str | None = None,
    overwrite: bool = False,
) -> NotesExportDone:
    """One note, a notebook (with the notebooks inside it; by id, or `notebook`: its name or
    id) or every note as markdown files in `folder` (new or empty, unless `overwrite`). Raises
    UserError (see `export_notes`), or for a notebook name that is not there or is shared."""
    with database.read_session() as session:
        if notebook is not None:
            notebook_id = find_notebook(session, notebook)
        return NotesExportDone(
            export_notes(
                session,
                folder,
                media_dir,
                note_id=note_id,
                notebook_id=notebook_id,
                overwrite=overwrite,
            )
        )
