"""Question packs in and out, as actions: File > Import (a `.sdqbank`) and `studydesk import
qbank` / `export qbank` go through here.

An import reads and checks the whole pack first, takes a "before import" backup, then writes
the questions and copies their images in one transaction: a refused pack or a failure leaves
the profile and its media folder as they were. Refused questions are listed by id with the
reason; the others come in. An export writes `questions.json` and the images the questions
show into a zip beside the target, then renames it into place.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select

from app.atomic_file import write_atomically
from app.core.assessments.bank_writes import Upserted, question_data, upsert_questions
from app.core.assessments.question_filters import BankFilter, filter_condition, live_questions
from app.core.assessments.question_format import question_document
from app.core.assessments.tables import QUESTION_TAGS, QUESTIONS, TAGS
from app.core.changes import Change
from app.core.courses.markdown import MEDIA_SCHEME
from app.core.progress import Progress
from app.core.restoring import back_up_before_import
from app.db.database import ProfileDatabase
from app.errors import UserError
from app.importers.course_pack import copy_media, remove_files
from app.importers.export_target import check_file_target
from app.importers.qbank_pack import (
    FORMAT,
    FORMAT_VERSION,
    PACK_SUFFIX,
    QUESTIONS_FILE,
    LoadedQbank,
    load_qbank,
    rename_images,
)
from app.wording import counted

SOURCE = "sdqbank"
BATCH = 500  # questions written between two looks at Cancel


@dataclass(frozen=True)
class QbankImported:
    path: Path
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    refused: tuple[tuple[str, str], ...]  # (bank id, reason)
    missing_media: tuple[tuple[str, str], ...]  # (bank id, file)
    images_copied: int
    changes: Change

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "refused": [{"id": i, "reason": r} for i, r in self.refused],
            "missing_media": [{"id": i, "file": f} for i, f in self.missing_media],
            "images_copied": self.images_copied,
        }

    def text(self) -> str:
        parts = [f"{counted(len(self.added), 'question')} added"]
        if self.updated:
            parts.append(f"{len(self.updated)} updated")
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} already there")
        if self.refused:
            parts.append(f"{len(self.refused)} refused")
        lines = [f"{self.path.name}: " + ", ".join(parts) + "."]
        lines += [f"Refused {i}: {r}." for i, r in self.refused[:50]]
        if len(self.refused) > 50:
            lines.append(f"(and {len(self.refused) - 50} more refused)")
        lines += [f"Missing image in {i}: {f}." for i, f in self.missing_media[:20]]
        return "\n".join(lines)


def import_qbank(
    database: ProfileDatabase,
    path: Path | LoadedQbank,
    media_dir: Path | None,
    *,
    progress: Progress | None = None,
) -> QbankImported:
    """Import a `.sdqbank` (or a bare questions.json) into the open profile. `progress` counts
    the questions written; Cancelled from it (between two batches) leaves everything as it was."""
    progress = progress or Progress()
    progress.set_message("Reading the pack")
    pack = path if isinstance(path, LoadedQbank) else load_qbank(path)
    progress.check()
    back_up_before_import(database)
    created: list[Path] = []
    questions = pack.questions
    try:
        with database.write_session() as session:
            progress.set_total(len(questions), "Adding questions")
            parts = []
            for start in range(0, len(questions), BATCH):
                progress.check()
                batch = questions[start : start + BATCH]
                parts.append(upsert_questions(session, batch, source=SOURCE))
                progress.advance(len(batch))
            progress.check()
            done = Upserted(
                tuple(i for part in parts for i in part.added),
                tuple(i for part in parts for i in part.updated),
                tuple(i for part in parts for i in part.unchanged),
                tuple(i for part in parts for i in part.refused),
            )
            if (done.added or done.updated) and media_dir is not None:
                created = copy_media(pack, media_dir)  # type: ignore[arg-type]
    except BaseException:
        remove_files(created)
        raise
    return QbankImported(
        pack.path, done.added, done.updated, done.unchanged,
        pack.refused + done.refused, pack.missing_media, len(created), done.changes,
    )  # fmt: skip


@dataclass(frozen=True)
class QbankExported:
    path: Path
    questions: int
    images: int
    missing_images: tuple[str, ...]


def _tags_by_question(session: Any, ids: Sequence[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(QUESTION_TAGS.c.question_id, TAGS.c.name)
            .join(TAGS, TAGS.c.id == QUESTION_TAGS.c.tag_id)
            .where(
                QUESTION_TAGS.c.question_id.in_(ids[start : start + 500]),
                QUESTION_TAGS.c.deleted_at.is_(None),
            )
            .order_by(TAGS.c.name)
        )
        for question_id, name in rows:
            found.setdefault(question_id, []).append(name)
    return found


def export_qbank(
    database: ProfileDatabase,
    target: Path,
    media_dir: Path | None,
    *,
    flt: BankFilter | None = None,
    overwrite: bool = False,
) -> QbankExported:
    """Write the bank (or the questions `flt` matches) as a `.sdqbank` at `target`."""
    if target.suffix != PACK_SUFFIX:
        target = target.with_name(target.name + PACK_SUFFIX)
    check_file_target(target, overwrite)
    with database.read_session() as session:
        rows = session.execute(
            select(QUESTIONS)
            .select_from(live_questions())
            .where(QUESTIONS.c.deleted_at.is_(None), filter_condition(flt or BankFilter()))
            .order_by(QUESTIONS.c.legacy_id, QUESTIONS.c.id)
        ).all()
        tags = _tags_by_question(session, [r.id for r in rows])
    if not rows:
        raise UserError("There are no questions to export.")
    files: dict[str, Path] = {}
    missing: list[str] = []

    def local(target_name: str) -> str:
        if not target_name.startswith(MEDIA_SCHEME):
            return target_name
        stored = target_name[len(MEDIA_SCHEME) :]
        source = None if media_dir is None else media_dir / stored
        if source is None or "/" in stored or not source.is_file():
            missing.append(stored)
            return target_name
        files[f"media/{stored}"] = source
        return f"media/{stored}"

    documents = [
        question_document(rename_images(question_data(r, tags.get(r.id, ())), local)) for r in rows
    ]
    pack = {"format": FORMAT, "format_version": FORMAT_VERSION, "questions": documents}
    target.parent.mkdir(parents=True, exist_ok=True)

    def write(handle: BinaryIO) -> None:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(QUESTIONS_FILE, json.dumps(pack, ensure_ascii=False, indent=1))
            for name, source in sorted(files.items()):
                archive.write(source, name, compress_type=zipfile.ZIP_STORED)

    write_atomically(target, write, fsync=False)
    return QbankExported(target, len(rows), len(files), tuple(dict.fromkeys(missing)))
