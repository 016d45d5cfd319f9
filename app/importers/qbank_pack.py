"""Question packs: a question bank in one `.sdqbank` file, read safely, checked question by
question, imported in one transaction, and written back out.

Format `studydesk-qbank`, version 1
===================================
A `.sdqbank` file is a zip archive holding `questions.json` at its root and, optionally, images
under `media/`. A bare `questions.json` can be imported too (it then carries no images):

    {"format": "studydesk-qbank", "format_version": 1,
     "title": "...",                      optional
     "questions": [{question}, ...]}      each as app/core/assessments/question_format.py says

A question's images are markdown images in its stem or explanation whose target is
`media/<file>` (copied into the profile, content-addressed) or listed in its `media`. What is
refused, naming the question and the field: no answer, an answer that is not one of the labels,
fewer than 2 or more than 10 choices, a duplicate id within the pack, a stem over 100,000
characters, unknown keys, mistyped fields. A refused question is listed with its reason and the
others come in. A question whose id is already in the bank with other text is updated only if
the learner never answered it (else refused, with the reason). HTML and scripts are kept as
text and shown as text. An image the pack does not hold (or that is not a PNG, JPEG, GIF or
WebP image) is listed as missing; its question comes in and says the image is not available.
What refuses the whole pack (nothing written): not a zip or JSON, a damaged archive, unsafe
archive entries (absolute, `..`, links, encrypted), a wrong `format` or a newer
`format_version`, NaN/Infinity/NUL in the JSON, a `questions.json` over 64 MB.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from app.core.assessments.question_format import QuestionData, QuestionRefused, check_question
from app.core.courses.markdown import MEDIA_SCHEME
from app.errors import UserError
from app.importers.course_pack import PackMedia
from app.importers.file_problems import not_read
from app.importers.json_values import first_odd_value, loads_marked
from app.importers.pack_media import MAX_IMAGE_BYTES, MAX_MEDIA_BYTES, image_info, image_problem
from app.importers.zip_members import NOT_A_ZIP, ZipDamaged, member_problem, open_zip, reading

PACK_SUFFIX = ".sdqbank"
FORMAT = "studydesk-qbank"
FORMAT_VERSION = 1
QUESTIONS_FILE = "questions.json"
MAX_JSON = 64 * 1024 * 1024
MAX_ENTRIES = 50_000
PACK_KEYS = {"format", "format_version", "title", "questions"}
IMAGE = re.compile(r"(!\[(?:[^\]\\]|\\.)*\]\(\s*<?)([^)\s>]*)(>?(?:\s+\"[^\"]*\")?\s*\))")


NEITHER = "it is neither a question pack (a .sdqbank zip) nor questions JSON"
ASK_AGAIN = "Ask whoever gave it to you for the question pack again"


class QbankRefused(UserError):
    """A pack that cannot be imported at all; nothing was written."""

    def __init__(self, pack: str, problems: list[str]) -> None:
        shown = "; ".join(problems[:8])
        more = f" (and {len(problems) - 8} more)" if len(problems) > 8 else ""
        super().__init__(f"The question pack {pack} was not imported: {shown}{more}.")
        self.problems = problems


@dataclass(frozen=True)
class PackImage:
    name: str  # "media/ecg.png"
    stored_name: str  # "<sha256>.png"
    data: bytes


@dataclass(frozen=True)
class LoadedQbank:
    path: Path
    title: str
    questions: tuple[QuestionData, ...]  # checked, images renamed to studydesk-media:
    refused: tuple[tuple[str, str], ...]  # (bank id or "questions[i]", every problem)
    images: tuple[PackImage, ...]
    missing_media: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (bank id, file)

    @property
    def media(self) -> dict[str, PackMedia]:
        """The images as `course_pack.copy_media` copies them."""
        return {i.name: PackMedia(i.name, i.stored_name, len(i.data)) for i in self.images}

    def read_media(self, name: str) -> bytes:
        return next(i.data for i in self.images if i.name == name)


def _targets(data: QuestionData) -> list[str]:
    texts = [data.stem, data.summary, *data.rationales.values(), *(t for _, t in data.choices)]
    found = [m.group(2) for text in texts for m in IMAGE.finditer(text)]
    found += [m["file"] for m in data.media]
    return [t for t in dict.fromkeys(found) if t.startswith("media/")]


def rename_images(data: QuestionData, rename: Callable[[str], str]) -> QuestionData:
    def sub(text: str) -> str:
        return IMAGE.sub(lambda m: m.group(1) + rename(m.group(2)) + m.group(3), text)

    return replace(
        data,
        stem=sub(data.stem),
        summary=sub(data.summary),
        rationales={k: sub(v) for k, v in data.rationales.items()},
        choices=tuple((label, sub(text)) for label, text in data.choices),
        media=tuple({**m, "file": rename(m["file"])} for m in data.media),
    )


def _read_json(raw: bytes, label: str, name: str = QUESTIONS_FILE, *, bare: bool = False) -> Any:
    """The questions JSON; `name` is how the report names it (the pack's member, or the file
    itself when it is not a zip: `bare`)."""
    if bare and not raw.strip():
        raise QbankRefused(label, [f"it is empty ({len(raw):,} bytes). {ASK_AGAIN}"])
    try:
        data, _odd = loads_marked(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        if bare:  # a picture, a document or a damaged pack renamed .sdqbank
            raise QbankRefused(label, [f"{NEITHER}: {NOT_A_ZIP}. {ASK_AGAIN}"]) from None
        raise QbankRefused(label, [f"{name}: not UTF-8 text (byte {error.start})"]) from None
    except RecursionError:
        raise QbankRefused(label, [f"{name}: nested too deeply"]) from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        if bare:  # not a zip either: say what it should have been
            why = f"{NEITHER} ({where}): {NOT_A_ZIP}. {ASK_AGAIN}"
        else:
            why = f"{name} is damaged at {where}"
        raise QbankRefused(label, [why]) from None
    except ValueError as error:
        raise QbankRefused(label, [f"{name}: cannot be read ({error})"]) from None
    odd = first_odd_value(data)
    if odd is not None:
        raise QbankRefused(label, [f"{name}: {odd[0]}: {odd[1]}"])
    return data


def _check_entries(archive: zipfile.ZipFile, label: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise QbankRefused(label, [f"{len(infos):,} files; a pack may hold {MAX_ENTRIES:,}"])
    problems = []
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        unreadable = member_problem(info)
        if unreadable is not None:
            problems.append(unreadable)
        elif "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
            problems.append(f"{name}: an absolute or Windows path, outside the pack")
        elif ".." in parts:
            problems.append(f"{name}: a path that escapes the pack (..)")
        elif stat.S_ISLNK(info.external_attr >> 16):
            problems.append(f"{name}: a symbolic link")
    if problems:
        raise QbankRefused(label, problems)


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        raise OverflowError(info.file_size)
    with reading(name), archive.open(info) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OverflowError(len(data))
    return data


def _check_pack(data: Any, label: str) -> tuple[str, list[Any]]:
    if not isinstance(data, dict):
        raise QbankRefused(label, [f"{QUESTIONS_FILE}: not an object with a questions list"])
    problems = []
    if data.get("format") != FORMAT:
        problems.append(f"format: {data.get('format')!r}, not {FORMAT!r}")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("format_version: missing or not a whole number")
    elif version > FORMAT_VERSION:
        problems.append(
            f"format_version: {version}; this Study Desk reads version {FORMAT_VERSION}: "
            "update Study Desk to import it"
        )
    unknown = sorted(set(data) - PACK_KEYS)
    if unknown:
        problems.append(f"{unknown[0]}: unknown key")
    questions = data.get("questions")
    if not isinstance(questions, list):
        problems.append("questions: missing or not a list")
    if problems:
        raise QbankRefused(label, problems)
    title = data.get("title")
    return (title if isinstance(title, str) else ""), list(questions or [])


def check_questions(raw: list[Any]) -> tuple[list[QuestionData], list[tuple[str, str]]]:
    """Each question checked; duplicates within the list refused (the first one kept)."""
    good: list[QuestionData] = []
    refused: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        try:
            question = check_question(item)
        except QuestionRefused as error:
            refused.append((error.bank_id or f"questions[{i}]", "; ".join(error.problems)))
            continue
        if question.bank_id in seen:
            refused.append(
                (question.bank_id, f"questions[{i}]: another question in this pack has this id")
            )
            continue
        seen.add(question.bank_id)
        good.append(question)
    return good, refused


def load_qbank(path: Path) -> LoadedQbank:
    """Read and check a pack; nothing is written. QbankRefused for a pack refused whole."""
    if not path.exists():
        raise UserError(f"There is no file {path}.")
    label = str(path)
    archive: zipfile.ZipFile | None = None
    try:
        if zipfile.is_zipfile(path):
            archive = open_zip(path)
            _check_entries(archive, label)
            raw = _read_member(archive, QUESTIONS_FILE, MAX_JSON)
            if raw is None:
                raise QbankRefused(label, [f"no {QUESTIONS_FILE} at the top of the pack"])
        else:
            if path.stat().st_size > MAX_JSON:
                raise QbankRefused(label, [f"{QUESTIONS_FILE}: larger than 64 MB"])
            raw = path.read_bytes()
        bare = archive is None  # a questions JSON given without its pack
        name = path.name if bare else QUESTIONS_FILE
        title, items = _check_pack(_read_json(raw, label, name, bare=bare), label)
        questions, refused = check_questions(items)
        images: dict[str, PackImage] = {}
        missing: list[tuple[str, str]] = []
        total = 0
        for question in questions:
            for target in _targets(question):
                if target in images:
                    continue
                try:
                    data = (
                        None if archive is None else _read_member(archive, target, MAX_IMAGE_BYTES)
                    )
                except OverflowError:
                    missing.append((question.bank_id, f"{target} (over 20 MB)"))
                    continue
                info = None if data is None else image_info(data)
                if data is None or info is None or image_problem(data) is not None:
                    missing.append((question.bank_id, target))
                    continue
                total += len(data)
                if total > MAX_MEDIA_BYTES:
                    raise QbankRefused(label, ["media: more than 200 MB of images"])
                digest = hashlib.sha256(data).hexdigest()
                images[target] = PackImage(target, f"{digest}.{info.extension}", data)
    except ZipDamaged as error:
        raise QbankRefused(label, [str(error)]) from None
    except OverflowError:
        raise QbankRefused(label, [f"{QUESTIONS_FILE}: larger than 64 MB"]) from None
    except zipfile.BadZipFile as error:
        raise QbankRefused(label, [f"a damaged archive ({error})"]) from None
    except OSError as error:
        raise not_read(path, error) from None
    finally:
        if archive is not None:
            archive.close()
    stored = {name: MEDIA_SCHEME + image.stored_name for name, image in images.items()}
    renamed = tuple(rename_images(q, lambda t: stored.get(t, t)) for q in questions)
    return LoadedQbank(path, title, renamed, tuple(refused), tuple(images.values()), tuple(missing))
