"""Reading a folder of markdown notes (an Obsidian vault, a Joplin or Study Desk export).

Pure reading, no database: `scan_folder` lists the notes and the other files (attachments),
`read_note` reads one note's title, tags, aliases, times and body from its front matter and
text. What cannot be read as it should is a `Problem` naming the file, and never stops the rest:

- a file that is not valid UTF-8 is read with the bad bytes replaced (U+FFFD), and said so;
  one that also holds NUL bytes is not text at all (a picture renamed .md): left out, said so;
- front matter that is not YAML (or not a mapping) stays in the body as text, and said so;
- a symbolic link is never followed out of the folder (said so); one inside it is skipped for
  notes (its target is read at its own place) and followed for attachments;
- hidden folders (`.obsidian`, `.trash`, `.git`) are skipped, as the apps that make them do.

Front matter is read with YAML's safe loader only: it never builds Python objects.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from app.core.flashcards.tags import parse_tags
from app.core.notes.links import LinkTarget
from app.core.progress import Progress

NOTE_SUFFIXES = (".md", ".markdown")
MAX_NOTE_BYTES = 50 * 1024 * 1024  # a note file larger than this is skipped (a 10 MB note is fine)
# Keys of the front matter that become the note's own fields (any case); others stay in the body.
TITLE_KEYS = ("title",)
TAG_KEYS = ("tags", "tag", "keywords")
ALIAS_KEYS = ("aliases", "alias")
CREATED_KEYS = ("created", "created_at", "date", "date created")
UPDATED_KEYS = ("updated", "updated_at", "modified", "date modified", "last_modified")
ID_KEYS = ("id",)
LINK_KEYS = ("links",)  # a Study Desk export's `studydesk:` links
_OWN_KEYS = {*TITLE_KEYS, *TAG_KEYS, *CREATED_KEYS, *UPDATED_KEYS, *ID_KEYS, *LINK_KEYS}
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
# libyaml's safe loader and dumper when PyYAML was built with it (ten times quicker), else
# PyYAML's own: the same safe subset of YAML either way.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True)
class Problem:
    """Something in one file (its path relative to the folder) that was not read as written."""

    file: str
    text: str


@dataclass
class ScannedFolder:
    root: Path
    notes: list[str] = field(default_factory=list)  # relative posix paths, sorted
    # Every other file, by relative posix path -> where to read it (a link's target inside).
    files: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class NoteFile:
    """One markdown file as read: what becomes a note."""

    path: str  # relative posix path
    title: str
    body: str
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    created: datetime | None = None
    updated: datetime | None = None
    given_id: str | None = None  # a Study Desk export's `id`: the note it came from
    links: tuple[LinkTarget, ...] = ()  # a Study Desk export's `links`

    @property
    def folder(self) -> str:
        parent = str(PurePosixPath(self.path).parent)
        return "" if parent == "." else parent

    @property
    def stem(self) -> str:
        return PurePosixPath(self.path).stem


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def scan_folder(folder: Path, progress: Progress | None = None) -> ScannedFolder:
    """Every markdown file and every other file under `folder`, in a stable order."""
    root = folder.resolve()
    scanned = ScannedFolder(root)
    for here, dirs, names in os.walk(root, followlinks=False):
        if progress is not None:
            progress.check()
        base = Path(here)
        relative_dir = base.relative_to(root).as_posix()
        prefix = "" if relative_dir == "." else relative_dir + "/"
        kept_dirs = []
        for name in sorted(dirs):
            path = base / name
            if name.startswith("."):
                continue
            if path.is_symlink():
                if not _inside(path, root):
                    scanned.problems.append(
                        Problem(prefix + name, "a link to a folder outside; not followed")
                    )
                continue  # a link to a folder inside: its files are read at their own place
            kept_dirs.append(name)
        dirs[:] = kept_dirs
        for name in sorted(names):
            if name.startswith("."):
                continue
            relative, path = prefix + name, base / name
            is_note = name.lower().endswith(NOTE_SUFFIXES)
            if path.is_symlink():
                if not _inside(path, root):
                    scanned.problems.append(
                        Problem(relative, "a link to a file outside the folder; not followed")
                    )
                    continue
                if is_note:
                    continue
                path = path.resolve()
            if is_note:
                scanned.notes.append(relative)
            else:
                scanned.files[relative] = path
    scanned.notes.sort()
    return scanned


NOT_TEXT = (
    "not text: a picture or another kind of file given a markdown name, or a damaged one, so it "
    "was not imported"
)


def decode(data: bytes) -> tuple[str, str | None]:
    """The text of a file, and what was wrong with its encoding (None if nothing)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        text = data.decode("utf-8-sig", errors="replace")
        return text, (
            f"not valid UTF-8 (first bad byte at {error.start:,}); "
            "the bytes that could not be read show as \ufffd"
        )


def read_note(root: Path, relative: str, problems: list[Problem]) -> NoteFile | None:
    """One markdown file as a note, or None if it could not be read at all (said in
    `problems`)."""
    path = root / relative
    try:
        info = path.stat()
        if info.st_size > MAX_NOTE_BYTES:
            problems.append(
                Problem(
                    relative,
                    f"{info.st_size / 1024 / 1024:,.0f} MB; a note file may be at most "
                    f"{MAX_NOTE_BYTES // 1024 // 1024} MB, so it was not imported",
                )
            )
            return None
        data = path.read_bytes()
    except OSError as error:
        problems.append(Problem(relative, f"could not be read ({error.strerror or error})"))
        return None
    text, bad = decode(data)
    if bad is not None and b"\x00" in data:  # no text file holds NUL bytes and bad UTF-8
        problems.append(Problem(relative, NOT_TEXT))
        return None
    if bad is not None:
        problems.append(Problem(relative, bad))
    text = text.replace("\x00", "")
    note = NoteFile(path=relative, title=PurePosixPath(relative).stem, body=text)
    front = _FRONT.match(text)
    if front is not None:
        _apply_front_matter(note, front, problems)
    file_time = datetime.fromtimestamp(info.st_mtime, UTC)
    note.updated = note.updated or file_time
    note.created = min(note.created or note.updated, note.updated)
    return note


def _apply_front_matter(note: NoteFile, front: re.Match[str], problems: list[Problem]) -> None:
    try:
        meta = yaml.load(front.group(1), Loader=_LOADER)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 2})" if where is not None else ""
        problems.append(
            Problem(note.path, f"the front matter is not YAML{line}; it was kept as text")
        )
        return
    if meta is None:
        note.body = note.body[front.end() :]
        return
    if not isinstance(meta, dict):
        problems.append(
            Problem(note.path, "the front matter is not a list of fields; it was kept as text")
        )
        return
    fields = {str(key).strip().casefold(): value for key, value in meta.items()}
    title = _first(fields, TITLE_KEYS)
    if isinstance(title, (str, int, float)) and str(title).strip():
        note.title = str(title).strip()
    note.tags = _names(_first(fields, TAG_KEYS), tags=True)
    note.aliases = _names(_first(fields, ALIAS_KEYS), tags=False)
    note.created = _moment(_first(fields, CREATED_KEYS))
    note.updated = _moment(_first(fields, UPDATED_KEYS))
    given = _first(fields, ID_KEYS)
    note.given_id = _uuid_text(given)
    listed = _first(fields, LINK_KEYS)
    if isinstance(listed, list):
        found = (LinkTarget.parse(url) for url in listed if isinstance(url, str))
        note.links = tuple(dict.fromkeys(target for target in found if target is not None))
    rest = {
        key: value for key, value in meta.items() if str(key).strip().casefold() not in _OWN_KEYS
    }
    body = note.body[front.end() :]
    note.body = front_matter_text(rest) + body if rest else body


def front_matter_text(fields: dict[Any, Any]) -> str:
    """`fields` as a YAML front matter block (`---` ... `---`), as safe_load reads it back."""
    dumped = yaml.dump(
        fields, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, default_flow_style=False
    )
    return f"---\n{dumped}---\n"


def split_front_matter(text: str) -> tuple[dict[Any, Any], str]:
    """The fields of a body's own front matter (if it is YAML) and the text after it."""
    front = _FRONT.match(text)
    if front is None:
        return {}, text
    try:
        meta = yaml.load(front.group(1), Loader=_LOADER)
    except yaml.YAMLError:
        return {}, text
    return (meta, text[front.end() :]) if isinstance(meta, dict) else ({}, text)


def _first(fields: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in fields and fields[key] is not None:
            return fields[key]
    return None


def _names(value: Any, *, tags: bool) -> tuple[str, ...]:
    """Tags or aliases as front matter gives them: a list, or a text (commas, or for tags
    spaces, between them); a tag's `#` dropped."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, (list, dict)) or item is None:
            continue
        text = str(item)
        if tags and "," not in text:
            parts: tuple[str, ...] | list[str] = text.split()
        elif tags or (not isinstance(value, list) and "," in text):
            parts = parse_tags(text)
        else:
            parts = [text]
        names.extend(p.strip().lstrip("#").strip() if tags else p.strip() for p in parts)
    return tuple(dict.fromkeys(n for n in names if n))


def _moment(value: Any) -> datetime | None:
    """A front matter time as UTC (one without a zone is taken as local time); None for
    anything else, or a time before 1970 or in the future."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 10**11 else value  # Joplin writes milliseconds
        try:
            moment = datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # local time
    moment = moment.astimezone(UTC)
    return moment if _EARLIEST <= moment <= datetime.now(UTC) else None


def _uuid_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None
