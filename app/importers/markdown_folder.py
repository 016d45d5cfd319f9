"""A folder of markdown files read into a plan of notes, before anything is written.

`read_folder` reads every note (`markdown_files`), gives each a stable id, resolves and rewrites
its links (`markdown_links`), gathers its tags (front matter and `#tags` in the text) and its
notebook (its folder), and copies the attachments its links name into the media folder (those
files are removed again if the import does not commit). Nothing here touches the database.

Stable ids make a second import of the same folder add nothing: a note's id is a UUIDv5 of the
folder's place and the file's path inside it, or, for a file a Study Desk export wrote, the id
in its front matter (so an export imported back finds its own notes). A notebook's id derives
from the folder's place and its path likewise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from app.core.notes.links import LinkTarget, links_in
from app.core.notes.note_actions import MAX_TITLE, clean_note_tags, clean_title
from app.core.notes.notebook_actions import MAX_NOTEBOOK_NAME
from app.core.progress import Progress
from app.db.types import utcnow
from app.errors import UserError
from app.importers.legacy_records import derived_id
from app.importers.markdown_files import NoteFile, Problem, read_note, scan_folder
from app.importers.markdown_links import AttachmentStore, NoteIndex, Rewriter, Target, inline_tags

KINDS = ("note", "article")


@dataclass(frozen=True)
class PlannedNote:
    id: str
    kind: str  # note | article
    path: str  # the file, relative to the folder
    title: str
    body: str
    tags: tuple[str, ...]
    notebook_id: str | None
    created: datetime
    updated: datetime
    origins: tuple[LinkTarget, ...] = ()  # links kept whatever the text says (an export's)


@dataclass(frozen=True)
class PlannedNotebook:
    id: str
    name: str
    parent_id: str | None
    folder: str  # relative path ("" for the folder itself)


@dataclass
class MarkdownPlan:
    root: Path
    kind: str
    notes: list[PlannedNote] = field(default_factory=list)
    notebooks: dict[str, PlannedNotebook] = field(default_factory=dict)  # by id
    problems: list[Problem] = field(default_factory=list)
    files_read: int = 0
    bytes_read: int = 0
    attachments: AttachmentStore | None = None

    @property
    def created_files(self) -> list[Path]:
        return [] if self.attachments is None else list(self.attachments.created)


def note_id(kind: str, root: Path, relative: str) -> str:
    return derived_id("markdown-" + kind, str(root), relative)


def notebook_id(root: Path, folder: str) -> str:
    return derived_id("markdown-notebook", str(root), folder)


def read_folder(
    folder: Path, media_dir: Path, *, kind: str = "note", progress: Progress | None = None
) -> MarkdownPlan:
    """The notes of `folder` (with its subfolders), as they would be written. Raises
    UserError for a folder that is not there; any problem with one file is in `problems`.
    `kind`: "note", or "article" for reference text (the read-only Library)."""
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not one of {KINDS}")
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder.")
    progress = progress or Progress()
    progress.set_message(f"Reading {folder.name}")
    scanned = scan_folder(folder, progress)
    plan = MarkdownPlan(scanned.root, kind, problems=scanned.problems)
    if not scanned.notes:
        raise UserError(f"There is no markdown file (.md) in {folder}.")
    progress.set_total(2 * len(scanned.notes), f"Reading {len(scanned.notes):,} notes")
    files: list[NoteFile] = []
    for relative in scanned.notes:
        progress.check()
        note = read_note(scanned.root, relative, plan.problems)
        if note is not None:
            files.append(note)
            plan.bytes_read += len(note.body)
        progress.advance()
    plan.files_read = len(files)
    targets = _targets(plan, files)
    attachments = AttachmentStore(media_dir, scanned.files)
    plan.attachments = attachments
    rewriter = Rewriter(NoteIndex(files, targets), attachments, plan.problems)
    try:
        for note, target in zip(files, targets, strict=True):
            progress.check()
            body = rewriter.rewrite(note)
            plan.notes.append(
                PlannedNote(
                    id=target.id,
                    kind=kind,
                    path=note.path,
                    title=_title(note, plan.problems),
                    body=body,
                    tags=_tags(note, body, plan.problems),
                    notebook_id=_notebook(plan, note.folder) if kind == "note" else None,
                    created=note.created or utcnow(),
                    updated=note.updated or utcnow(),
                    origins=tuple(t for t in note.links if t not in links_in(body)),
                )
            )
            progress.advance()
    except BaseException:
        remove_files(attachments.created)
        raise
    return plan


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _targets(plan: MarkdownPlan, files: list[NoteFile]) -> list[Target]:
    """Each note's id: its export id when a Study Desk export wrote it (once), else derived."""
    given: dict[str, str] = {}
    targets = []
    for note in files:
        made = note_id(plan.kind, plan.root, note.path)
        if plan.kind == "note" and note.given_id is not None:
            first = given.setdefault(note.given_id, note.path)
            if first == note.path:
                made = note.given_id
            else:
                plan.problems.append(
                    Problem(note.path, f"has the same id as {first}; imported as another note")
                )
        targets.append(Target(made, plan.kind, note.path, note.folder))
    return targets


def _title(note: NoteFile, problems: list[Problem]) -> str:
    try:
        return clean_title(note.title)
    except UserError:
        problems.append(
            Problem(note.path, f"its title is over {MAX_TITLE:,} characters; it was shortened")
        )
        return clean_title(note.title[:MAX_TITLE])


def _tags(note: NoteFile, body: str, problems: list[Problem]) -> tuple[str, ...]:
    kept: list[str] = []
    for name in (*note.tags, *inline_tags(body)):
        try:
            kept.extend(clean_note_tags([name]))
        except UserError as error:
            problems.append(Problem(note.path, f"a tag was left out: {error}"))
    return clean_note_tags(kept)


def _notebook(plan: MarkdownPlan, folder: str) -> str:
    """The notebook of a folder (made with those above it): the imported folder is the top
    notebook, named after it; each subfolder a notebook inside its parent's."""
    made = notebook_id(plan.root, folder)
    if made in plan.notebooks:
        return made
    if folder:
        parent = PurePosixPath(folder).parent.as_posix()
        parent_id: str | None = _notebook(plan, "" if parent == "." else parent)
        name = PurePosixPath(folder).name
    else:
        parent_id, name = None, plan.root.name or "Imported notes"
    name = " ".join(name.split())[:MAX_NOTEBOOK_NAME] or "Untitled"
    plan.notebooks[made] = PlannedNotebook(made, name, parent_id, folder)
    return made
