"""Course packs: one course in a single `.sdcourse` file, read safely and imported atomically.

Format `studydesk-course`, version 1
====================================
A `.sdcourse` file is a zip archive holding `course.json` at its root (or inside one top-level
folder) and, optionally, images under `media/`. An unzipped folder with the same layout, or a
bare `course.json`, can be imported too. `course.json` is the TechTree syllabus with each
lesson's content inside it:

    {"format": "studydesk-course", "format_version": 1,
     "id": "<uuid>",                      optional; stable identity (re-import adds nothing)
     "topic": "...",                      required
     "level": "...", "duration": "4 weeks", "learning_objectives": ["..."],
     "extra": {...},                      optional, kept as it is
     "modules": [{"id"?, "week"?: 1, "title": "...", "summary"?: "...",
                  "lessons": [{"id"?, "title": "...", "summary"?, "duration"?,
                               "content"?: {TechTree lesson content}}]}]}

Lesson content is TechTree's: `exposition_content` (markdown), `thought_questions`,
`active_exercises` (generated `{instructions, solution_format, hints, correct_answer,
explanation, common_misconceptions: [{misconception, correction}]}` or template `{id, type,
question, expected_solution, hints, explanation, misconceptions: {key: text}}`),
`knowledge_assessment` (`{question, options: [..], correct_answer: option text, letter or
0-based index, explanation, ...}`) and `metadata`; other content keys are kept. Images are
markdown images whose target is `media/<file>` (copied into the profile) or an http(s) address
(shown as a link, never loaded). Ids left out are derived from the topic, level and positions.

What is refused, with the JSON path or file named: a file that is not a zip or JSON, or a
damaged one; a wrong `format` or a newer `format_version`; unknown keys (typos); missing or
mistyped fields; a check whose answer is not one of its options; `<script>`, `<iframe>`,
`<object>`, `<embed>`, event handler attributes and `javascript:` links outside code (refused, not
silently cleaned: the author should know); numbers JSON cannot carry (NaN, Infinity, 1e999), NUL
characters and unpaired surrogates (`\ud800`) in `course.json`; archive entries that have no
name, are absolute, contain `..`, are symlinks, are encrypted or use a compression method other
than none, Deflate, bzip2 or LZMA; images that are not PNG/JPEG/GIF/WebP, over 20 MB, over 50
megapixels, or over 200 MB together; a `course.json` over 32 MB. A refused pack writes nothing.
Files in the pack that no lesson uses are left out (never read) and named in the import's result.
"""

from __future__ import annotations

import json
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from app.atomic_file import write_atomically
from app.importers.course_pack_format import CoursePackRefused, PackCourse, check_course
from app.importers.file_problems import not_read
from app.importers.json_values import first_odd_value, loads_marked
from app.importers.pack_media import MAX_IMAGE_BYTES, MAX_MEDIA_BYTES, image_info, image_problem
from app.importers.zip_members import NOT_A_ZIP, ZipDamaged, member_problem, open_zip, reading

PACK_SUFFIX = ".sdcourse"
COURSE_FILE = "course.json"
MAX_COURSE_JSON = 32 * 1024 * 1024
MAX_ENTRIES = 10_000


class _Source(Protocol):
    """The files of a pack, by their posix path inside it."""

    def names(self) -> list[str]: ...

    def read(self, name: str, limit: int) -> bytes: ...

    def size(self, name: str) -> int: ...


@dataclass(frozen=True)
class PackMedia:
    name: str  # as referenced: "media/diagram.png"
    stored_name: str  # content-addressed: "<sha256>.png"
    size: int


@dataclass(frozen=True)
class LoadedPack:
    """A pack read and fully checked; `read_media` gives an image's bytes for copying."""

    path: Path
    course: PackCourse
    media: dict[str, PackMedia]
    root: str  # the folder inside the archive holding course.json ("" at the root)
    left_out: tuple[tuple[str, int], ...] = ()  # (name, bytes) of files no lesson uses

    def read_media(self, name: str) -> bytes:
        """An image's bytes; CoursePackRefused if the pack can no longer give them."""
        try:
            with _open_source(self.path) as source:
                return source.read(self.root + name, MAX_IMAGE_BYTES)
        except (ZipDamaged, _TooBig, KeyError, OSError) as error:
            raise CoursePackRefused(
                str(self.path), [f"{name} cannot be read any more (did the pack change?): {error}"]
            ) from None


class _TooBig(Exception):
    pass


class _ZipSource:
    def __init__(self, archive: zipfile.ZipFile, label: str) -> None:
        self.archive = archive
        self.label = label
        self._infos = {info.filename: info for info in archive.infolist()}

    def names(self) -> list[str]:
        return [name for name in self._infos if not name.endswith("/")]

    def infos(self) -> list[zipfile.ZipInfo]:
        return list(self._infos.values())

    def read(self, name: str, limit: int) -> bytes:
        info = self._infos[name]
        if info.file_size > limit:
            raise _TooBig(info.file_size)
        with reading(name), self.archive.open(info) as handle:
            data = handle.read(limit + 1)  # never trust the declared size alone
        if len(data) > limit:
            raise _TooBig(len(data))
        return data

    def size(self, name: str) -> int:
        return self._infos[name].file_size


class _FolderSource:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def names(self) -> list[str]:
        found = []
        for path in self.folder.rglob("*"):
            if path.is_symlink() or path.is_file():
                found.append(path.relative_to(self.folder).as_posix())
        return found

    def read(self, name: str, limit: int) -> bytes:
        path = self.folder / name
        if path.is_symlink():
            raise CoursePackRefused(str(self.folder), [f"{name}: a symbolic link"])
        if path.stat().st_size > limit:
            raise _TooBig(path.stat().st_size)
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise _TooBig(len(data))
        return data

    def size(self, name: str) -> int:
        return (self.folder / name).lstat().st_size


class _SingleFileSource:
    def __init__(self, path: Path) -> None:
        self.path = path

    def names(self) -> list[str]:
        return [COURSE_FILE]

    def read(self, name: str, limit: int) -> bytes:
        if self.path.stat().st_size > limit:
            raise _TooBig(self.path.stat().st_size)
        return self.path.read_bytes()

    def size(self, name: str) -> int:
        return self.path.stat().st_size


@contextmanager
def _open_source(path: Path) -> Iterator[_Source]:
    if path.is_dir():
        yield _FolderSource(path)
        return
    try:
        is_zip = zipfile.is_zipfile(path)
    except OSError as error:
        raise not_read(path, error) from None
    if not is_zip:
        if _looks_like_json(path):
            yield _SingleFileSource(path)
            return
        what = "it is empty (0 bytes)" if path.stat().st_size == 0 else NOT_A_ZIP
        raise CoursePackRefused(
            str(path),
            [
                f"it is neither a .sdcourse (zip) file nor JSON: {what}. Ask whoever gave it to "
                "you for the pack again (it is made with File > Export Course…)"
            ],
        )
    try:
        archive = open_zip(path)
    except ZipDamaged as error:
        raise CoursePackRefused(str(path), [str(error)]) from None
    except OSError as error:
        raise not_read(path, error) from None
    with archive:
        yield _ZipSource(archive, str(path))


def _looks_like_json(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            start = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as error:
        raise not_read(path, error) from None
    return start[:1] in (b"{", b"[")


def load_pack(path: Path) -> LoadedPack:
    """Read and check a pack completely; nothing is written. Raises CoursePackRefused (a
    UserError) naming each problem, or UserError when the file cannot be read."""
    if not path.exists():
        raise not_read(path, FileNotFoundError())
    label = str(path)
    try:
        with _open_source(path) as source:
            if isinstance(source, _ZipSource):
                _check_entries(source, label)
            root = _course_root(source.names(), label)
            data = _read_json(source, root + COURSE_FILE, label)
            media_names = {n[len(root) :] for n in source.names() if n.startswith(root + "media/")}
            try:
                course = check_course(data, label, media_names)
            except RecursionError:
                raise CoursePackRefused(label, [f"{COURSE_FILE}: nested too deeply"]) from None
            media = _check_media(source, root, sorted(course.media), label)
            used = {root + COURSE_FILE} | {root + name for name in media}
            left_out = tuple((n, source.size(n)) for n in sorted(source.names()) if n not in used)
    except ZipDamaged as error:
        raise CoursePackRefused(label, [str(error)]) from None
    except OSError as error:  # a folder pack whose file went away or cannot be read
        raise not_read(path, error) from None
    return LoadedPack(path, course, media, root, left_out)


def _check_entries(source: _ZipSource, label: str) -> None:
    problems = []
    infos = source.infos()
    if len(infos) > MAX_ENTRIES:
        raise CoursePackRefused(label, [f"{len(infos):,} files; a pack may hold {MAX_ENTRIES:,}"])
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        unreadable = member_problem(info)
        if unreadable is not None:
            problems.append(unreadable)
        elif "\\" in name:
            problems.append(f"{name}: a path with backslashes")
        elif name.startswith("/") or (len(name) > 1 and name[1] == ":"):
            problems.append(f"{name}: an absolute path, outside the pack")
        elif ".." in parts:
            problems.append(f"{name}: a path that escapes the pack (..)")
        elif stat.S_ISLNK(info.external_attr >> 16):
            problems.append(f"{name}: a symbolic link")
    if problems:
        raise CoursePackRefused(label, problems)


def _course_root(names: list[str], label: str) -> str:
    if COURSE_FILE in names:
        return ""
    nested = [n for n in names if n.count("/") == 1 and n.endswith("/" + COURSE_FILE)]
    if len(nested) == 1:
        return nested[0][: -len(COURSE_FILE)]
    raise CoursePackRefused(label, [f"no {COURSE_FILE} at the top of the pack"])


def _read_json(source: _Source, name: str, label: str) -> Any:
    try:
        raw = source.read(name, MAX_COURSE_JSON)
    except _TooBig:
        raise CoursePackRefused(
            label, [f"{COURSE_FILE}: larger than {MAX_COURSE_JSON // 1024 // 1024} MB"]
        ) from None
    try:
        data, _odd_numbers = loads_marked(raw.decode("utf-8-sig"))
    except RecursionError:
        raise CoursePackRefused(label, [f"{COURSE_FILE}: nested too deeply"]) from None
    except UnicodeDecodeError as error:
        raise CoursePackRefused(
            label, [f"{COURSE_FILE}: not UTF-8 text (byte {error.start})"]
        ) from None
    except json.JSONDecodeError as error:
        # Said of the file the learner chose (a bare course.json is the pack itself), in words.
        where = "the file" if isinstance(source, _SingleFileSource) else f"its {COURSE_FILE}"
        cut = error.pos >= len(error.doc.rstrip()) - 1 or error.msg.startswith("Unterminated")
        why = (
            f"{where} ends too early (at line {error.lineno}), as if it was cut short while "
            "being copied or downloaded; get a complete copy"
            if cut
            else f"{where} is damaged at line {error.lineno}, column {error.colno} and cannot "
            "be read"
        )
        raise CoursePackRefused(label, [why]) from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        why = str(error).split(";")[0]
        raise CoursePackRefused(label, [f"{COURSE_FILE}: cannot be read ({why})"]) from None
    odd = first_odd_value(data)
    if odd is not None:
        where, what = odd
        raise CoursePackRefused(label, [f"{COURSE_FILE}: {where}: {what}"])
    return data


def _check_media(source: _Source, root: str, names: list[str], label: str) -> dict[str, PackMedia]:
    import hashlib

    problems = []
    media = {}
    total = 0
    for name in names:
        try:
            data = source.read(root + name, MAX_IMAGE_BYTES)
        except _TooBig as big:
            size = big.args[0]
            problems.append(
                f"{name}: {size / 1024 / 1024:.1f} MB; an image may be at most "
                f"{MAX_IMAGE_BYTES // 1024 // 1024} MB"
            )
            continue
        problem = image_problem(data)
        info = image_info(data)
        if problem is not None or info is None:
            problems.append(f"{name}: {problem}")
            continue
        total += len(data)
        digest = hashlib.sha256(data).hexdigest()
        media[name] = PackMedia(name, f"{digest}.{info.extension}", len(data))
    if total > MAX_MEDIA_BYTES:
        problems.append(
            f"media: {total / 1024 / 1024:.0f} MB of images; a pack may carry "
            f"{MAX_MEDIA_BYTES // 1024 // 1024} MB"
        )
    if problems:
        raise CoursePackRefused(label, problems)
    return media


def copy_media(pack: LoadedPack, media_dir: Path) -> list[Path]:
    """Copy the pack's images into `media_dir` under their content-addressed names; return
    the files this call created (an image already there is left as it is)."""
    created: list[Path] = []
    if not pack.media:
        return created
    media_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        for item in pack.media.values():
            target = media_dir / item.stored_name
            if target.exists():
                continue
            write_atomically(target, pack.read_media(item.name))
            created.append(target)
    except BaseException:
        remove_files(created)
        raise
    return created


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
