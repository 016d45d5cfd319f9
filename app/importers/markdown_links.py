"""Links between the notes of an imported markdown folder, rewritten to point at ids.

`[[Title]]`, `[[Title|label]]`, `[[folder/Title#Heading]]`, `![[image.png]]` (Obsidian) and
`[label](other.md)`, `![alt](images/x.png)` (any markdown) are found outside code, resolved
against the folder's notes (by path, file name, title or alias) and files, and rewritten:

- a note: `[label](studydesk:note/<id>)` (`link_markdown`, the one link format);
- an image: `![alt](studydesk-media:<sha256>.<ext>)`, the file copied to the media folder;
- a PDF: `[label](studydesk-media:<sha256>.pdf)`, copied likewise.

A name that several notes share resolves to the one in the linking note's folder, else the
first by path, and is reported. A link to nothing in the folder, an attachment that is missing,
of a kind not kept, or too large, stays as it was written (text) and is reported.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from app.core.courses.markdown import MEDIA_SCHEME
from app.core.flashcards.media import put_media_file
from app.core.flashcards.tags import hashtags_in
from app.core.notes.links import LinkTarget, link_markdown, without_code
from app.importers.markdown_files import NOTE_SUFFIXES, NoteFile, Problem
from app.importers.pack_media import image_info, image_problem

MAX_PDF_BYTES = 100 * 1024 * 1024
MAX_ATTACHMENT_READ = MAX_PDF_BYTES  # nothing larger is read into memory

# One pass over the body: code (kept as it is), then wiki links, then markdown links/images.
_PARTS = re.compile(
    r"(?P<fence>^ {0,3}(?P<f>`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}(?P=f)[`~]*[ \t]*$|\Z))"
    r"|(?P<span>(?P<b>`+)(?!`).+?(?<!`)(?P=b)(?!`))"
    r"|(?P<wiki>(?P<wbang>!?)\[\[(?P<winner>[^\[\]\n]+?)\]\])"
    r"|(?P<md>(?P<mbang>!?)\[(?P<label>(?:\\.|[^\[\]\\\n])*)\]"
    r"\(\s*(?P<dest><[^<>\n]+>|[^\s()]+)(?P<title>\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\))",
    re.M | re.S,
)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_NOT_PROSE = re.compile(r"\[\[[^\]\n]*\]\]|\]\([^)\n]*\)|<[^>\n]*>")


@dataclass(frozen=True)
class Target:
    """A note of the folder, as links see it."""

    id: str
    kind: str  # note | article
    path: str
    folder: str


def _key(path: str) -> str:
    lowered = path.casefold()
    for suffix in NOTE_SUFFIXES:
        if lowered.endswith(suffix):
            return lowered[: -len(suffix)]
    return lowered


class NoteIndex:
    """The folder's notes by path (without `.md`) and by name (file name, title, aliases)."""

    def __init__(self, notes: list[NoteFile], targets: list[Target]) -> None:
        self.by_path: dict[str, Target] = {}
        self.by_name: dict[str, list[Target]] = {}
        for note, target in zip(notes, targets, strict=True):
            self.by_path.setdefault(_key(note.path), target)
            for name in dict.fromkeys(
                n.casefold() for n in (note.stem, note.title, *note.aliases) if n.strip()
            ):
                self.by_name.setdefault(name, []).append(target)

    def find(self, written: str, folder: str) -> tuple[Target | None, int]:
        """The note a link names, and how many notes share that name (for the report)."""
        name = written.strip()
        if "/" in name:
            for base in (folder, ""):
                path = posixpath.normpath(posixpath.join(base, name.lstrip("/")))
                found = self.by_path.get(_key(path))
                if found is not None:
                    return found, 1
        found_all = self.by_name.get(_key(name), [])
        if not found_all:
            return None, 0
        same = [t for t in found_all if t.folder == folder]
        return (same or found_all)[0], len(found_all)


@dataclass
class AttachmentStore:
    """Attachments copied into the media folder once each, by content; `created` lists the
    files this import made (removed again if it does not commit)."""

    media_dir: Path
    files: dict[str, Path]
    created: list[Path] = field(default_factory=list)
    stored: set[str] = field(default_factory=set)
    _by_name: dict[str, list[str]] = field(default_factory=dict)
    _done: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lower = {path.casefold(): path for path in self.files}
        for path in self.files:
            self._by_name.setdefault(PurePosixPath(path).name.casefold(), []).append(path)

    def locate(self, written: str, folder: str, *, by_name: bool) -> str | None:
        """The relative path of the file a link names (relative to the note, or to the
        folder's top; for a wiki link also by file name alone)."""
        name = written.strip()
        bases = ("",) if name.startswith("/") else (folder, "")
        for base in bases:
            path = posixpath.normpath(posixpath.join(base, name.lstrip("/")))
            found = path if path in self.files else self._lower.get(path.casefold())
            if found is not None:
                return found
        if by_name:
            same = self._by_name.get(PurePosixPath(name).name.casefold(), [])
            nearest = [p for p in same if posixpath.dirname(p) == folder]
            return (nearest or same)[0] if same else None
        return None

    def store(self, relative: str) -> tuple[str | None, str | None]:
        """(media name, None) once copied, or (None, why it was not)."""
        if relative not in self._done:
            self._done[relative] = self._store(relative)
        return self._done[relative]

    def _store(self, relative: str) -> tuple[str | None, str | None]:
        path = self.files[relative]
        try:
            size = path.stat().st_size
            if size > MAX_ATTACHMENT_READ:
                return None, _too_big(size, MAX_ATTACHMENT_READ)
            data = path.read_bytes()
        except OSError as error:
            return None, f"could not be read ({error.strerror or error})"
        if data.startswith(b"%PDF-"):
            extension = "pdf"
        else:
            problem = image_problem(data)
            if problem is not None:
                return None, (
                    problem
                    if data[:4] != b"%PDF" and PurePosixPath(relative).suffix.lower() != ".pdf"
                    else "not a readable PDF"
                )
            extension = _image_extension(data)
        name = f"{hashlib.sha256(data).hexdigest()}.{extension}"
        if put_media_file(self.media_dir, name, data):
            self.created.append(self.media_dir / name)
        self.stored.add(name)
        return name, None


def _image_extension(data: bytes) -> str:
    info = image_info(data)
    return info.extension if info is not None else "bin"


def _too_big(size: int, limit: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB; an attachment may be at most {limit // 1024 // 1024} MB"


@dataclass
class Rewriter:
    """Rewrites the links of each note of one folder (`rewrite`), reporting into `problems`."""

    index: NoteIndex
    attachments: AttachmentStore
    problems: list[Problem]
    link_kind: Callable[[Target], str] = lambda target: target.kind

    def rewrite(self, note: NoteFile) -> str:
        folder = note.folder

        def replace(found: re.Match[str]) -> str:
            if found["wiki"] is not None:
                return self._wiki(found, note, folder)
            if found["md"] is not None:
                return self._markdown(found, note, folder)
            return found.group(0)  # code

        if "[" not in note.body:
            return note.body
        return _PARTS.sub(replace, note.body)

    def _note_link(self, label: str, target: Target) -> str:
        return link_markdown(label, LinkTarget(self.link_kind(target), target.id))

    def _wiki(self, found: re.Match[str], note: NoteFile, folder: str) -> str:
        inner = found["winner"].replace("\\|", "|")
        written, _, label = inner.partition("|")
        page = re.split(r"[#^]", written, maxsplit=1)[0].strip()
        if not page:
            return found.group(0)  # [[#Heading]]: a place in this same note
        embed = bool(found["wbang"])
        suffix = PurePosixPath(page).suffix.lower()
        if suffix and suffix not in NOTE_SUFFIXES:
            relative = self.attachments.locate(page, folder, by_name=True)
            shown = label.strip() if not (embed and label.strip().isdigit()) else ""
            return self._attachment(found.group(0), note, page, relative, shown)
        target, count = self.index.find(page, folder)
        if target is None:
            self.problems.append(Problem(note.path, f"links to “{page}”, not in the folder"))
            return found.group(0)
        if count > 1:
            self._ambiguous(note, page, count, target)
        return self._note_link(label.strip() or written.strip(), target)

    def _markdown(self, found: re.Match[str], note: NoteFile, folder: str) -> str:
        dest = found["dest"]
        dest = dest[1:-1] if dest.startswith("<") else dest
        if _SCHEME.match(dest) or dest.startswith("#") or not dest.strip():
            if dest.startswith(":/"):  # a Joplin resource id, not a file of the folder
                self.problems.append(Problem(note.path, f"the attachment {dest} is not in it"))
            return found.group(0)
        path = unquote(dest.split("#", 1)[0])
        label = found["label"]
        embed = bool(found["mbang"])
        if path.lower().endswith(NOTE_SUFFIXES) and not embed:
            base = posixpath.normpath(posixpath.join(folder, path.lstrip("/")))
            target = self.index.by_path.get(_key(base)) or self.index.by_path.get(_key(path))
            if target is None:
                self.problems.append(Problem(note.path, f"links to {path}, not in the folder"))
                return found.group(0)
            return self._note_link(_unescape(label) or PurePosixPath(path).stem, target)
        relative = self.attachments.locate(path, folder, by_name=False)
        return self._attachment(found.group(0), note, path, relative, _unescape(label))

    def _attachment(
        self, written: str, note: NoteFile, name: str, relative: str | None, label: str
    ) -> str:
        if relative is None:
            self.problems.append(
                Problem(note.path, f"the attachment {name} is missing; its link was kept as text")
            )
            return written
        stored, problem = self.attachments.store(relative)
        if stored is None:
            self.problems.append(
                Problem(note.path, f"the attachment {relative} was not copied: {problem}")
            )
            return written
        if stored.endswith(".pdf"):
            shown = " ".join(label.split()) or PurePosixPath(relative).name
            return f"[{_escape(shown)}]({MEDIA_SCHEME}{stored})"
        # An image shows as one whether it was embedded or linked: it is all the note can do.
        shown = " ".join(label.split()) or PurePosixPath(relative).stem
        return f"![{_escape(shown)}]({MEDIA_SCHEME}{stored})"

    def _ambiguous(self, note: NoteFile, page: str, count: int, target: Target) -> None:
        self.problems.append(
            Problem(
                note.path,
                f"“{page}” names {count} notes; the link goes to {target.path}",
            )
        )


def _escape(label: str) -> str:
    return re.sub(r"([\\\[\]])", r"\\\1", label)


def _unescape(label: str) -> str:
    return re.sub(r"\\(.)", r"\1", label)


def inline_tags(body: str) -> tuple[str, ...]:
    """The `#tags` written in a note's text: outside code, link targets and wiki links."""
    if "#" not in body:
        return ()
    return hashtags_in(_NOT_PROSE.sub(" ", without_code(body)))
