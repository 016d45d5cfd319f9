"""Course packs in and out, as actions: the one place File > Import Course… / Export Course…
and `studydesk import course` / `export course` go through.

An import takes the open profile database first, reads and checks the whole pack before its
write transaction begins, takes a "before import" backup (`back_up_before_import`), then
writes the course and copies its images in that one transaction: a refused pack, a cancel
(Cancelled from `progress`), a full disk or a failed commit leaves the profile and its media
folder exactly as they were. An export reads in a read session of its own and writes the file
beside its target before renaming it into place. The texts that tell the learner what happened
are here too, so the window and the command line say the same.
"""

from __future__ import annotations

from pathlib import Path

from app.core.progress import Progress
from app.core.restoring import back_up_before_import
from app.db.database import ProfileDatabase
from app.importers.course_pack import LoadedPack, load_pack, remove_files
from app.importers.course_pack_export import PackExported, export_course_pack, find_course
from app.importers.course_pack_write import PackImported, write_pack


def import_course_file(
    database: ProfileDatabase,
    pack: Path | LoadedPack,
    media_dir: Path | None,
    *,
    progress: Progress | None = None,
) -> PackImported:
    """Import a pack (its path, or a pack already read with `load_pack`) in one write
    transaction. Raises UserError (CoursePackRefused) for a pack that is refused, Cancelled on a
    cancel; on any failure the profile and its media folder are as before."""
    progress = progress or Progress()
    if not isinstance(pack, LoadedPack):
        progress.set_message(f"Reading {pack.name}")
        pack = load_pack(pack)
    progress.check()
    back_up_before_import(database)
    created: list[Path] = []
    try:
        with database.write_session() as session:
            result = write_pack(session, pack, media_dir)
            created = list(result.created_files)
            progress.check()
    except BaseException:
        remove_files(created)
        raise
    return result


def export_course_file(
    database: ProfileDatabase,
    course: str,
    target: Path,
    media_dir: Path | None,
    *,
    overwrite: bool = False,
) -> PackExported:
    """Write the course `course` (its id, or its topic in any case) as a pack at `target` (a
    file, or a folder to put one in). Raises UserError for an unknown or ambiguous course, a
    course that would not import again, or a `target` that exists without `overwrite`."""
    with database.read_session() as session:
        course_id = find_course(session, course)
        return export_course_pack(session, course_id, target, media_dir, overwrite=overwrite)


def imported_text(result: PackImported) -> str:
    """What came in, in the learner's words (and what in the pack was left out)."""
    added = result.added
    if not any(added.values()) and not result.restored:
        text = f"“{result.topic}” was already in your library; nothing new was imported."
    else:
        images = f", {added['media_files']} images" if added["media_files"] else ""
        restored = (
            " It had been removed and is back, with your progress." if result.restored else ""
        )
        text = (
            f"Imported “{result.topic}”: {added['modules']} modules, {added['lessons']} lessons, "
            f"{added['lesson_contents']} with content{images}.{restored}"
        )
    return text + left_out_text(result.left_out)


def left_out_text(left_out: tuple[tuple[str, int], ...], shown: int = 5) -> str:
    """The files of a pack that no lesson uses, which were not imported; "" for none."""
    if not left_out:
        return ""
    total = sum(size for _name, size in left_out)
    names = ", ".join(f"{name} ({_size(size)})" for name, size in left_out[:shown])
    more = f" and {len(left_out) - shown} more" if len(left_out) > shown else ""
    files = "file" if len(left_out) == 1 else "files"
    return f" Left out {len(left_out)} {files} ({_size(total)}) that no lesson uses: {names}{more}."


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:,.0f} MB"
    return f"{size / 1000:,.0f} KB" if size >= 1000 else f"{size} bytes"


def exported_text(done: PackExported) -> str:
    """What was written where, in the learner's words."""
    counts = done.counts
    return (
        f"“{done.topic}” was saved to {done.path}: {counts['modules']} modules, "
        f"{counts['lessons']} lessons, {counts['media_files']} images. Your progress and notes "
        "stay in your profile; the pack holds only the course."
    )
