"""Typed records read out of legacy documents, before they are routed to profiles and written.

Ids: original UUIDs stay the keys. Rows that had no UUID of their own (modules, lessons, oldest
syllabi, MS2 questions and notes) get a UUIDv5 derived from what identifies them in the old data,
so importing the same document again finds the same row and adds nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.importers.json_values import first_odd_value

LEGACY_NAMESPACE = uuid.UUID("5d0c8f7e-3b1a-4c55-9a39-6f2b7d1e4a10")


_NAMESPACE_BYTES = LEGACY_NAMESPACE.bytes
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def derived_id(*parts: object) -> str:
    """`str(uuid.uuid5(LEGACY_NAMESPACE, "/".join(parts)))`, without making UUID objects (an
    import makes one for every module, lesson and progress row)."""
    h = hashlib.sha1(_NAMESPACE_BYTES + "/".join(map(str, parts)).encode()).hexdigest()
    # Version 5 in the 13th digit, the RFC 4122 variant in the two top bits of the 17th.
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


def derived_ids(parts: tuple[object, ...], count: int) -> list[str]:
    """`[derived_id(*parts, n) for n in range(count)]`, the shared beginning hashed once."""
    start = hashlib.sha1(_NAMESPACE_BYTES + "/".join(map(str, (*parts, ""))).encode())
    ids = []
    for number in range(count):
        digest = start.copy()
        digest.update(str(number).encode())
        h = digest.hexdigest()
        ids.append(f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}")
    return ids


def uuid_or_derived(value: object, *parts: object) -> str:
    """A legacy id kept as it is when it is a UUID, else a stable id derived from it."""
    if isinstance(value, str):
        if _CANONICAL_UUID.fullmatch(value):  # what str(uuid.UUID(value)) would give back
            return value
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    return derived_id(*parts, value)


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class JsonText:
    """A lesson body kept as the JSON object text it was written as: a view of the file's bytes.

    It is stored as it is (valid JSON, checked when the file was split into documents) and read
    into Python only when its document is kept verbatim.
    """

    __slots__ = ("_raw",)

    def __init__(self, raw: Any) -> None:  # a bytes-like object (msgspec.Raw) holding UTF-8 JSON
        self._raw = raw

    def text(self) -> str:
        return str(memoryview(self._raw), "utf-8")

    def value(self) -> Any:
        return json.loads(self.text())

    @property
    def raw(self) -> Any:
        return self._raw


def with_bodies_read(value: Any) -> Any:
    """A document with its lesson body (if kept as JsonText) read into Python."""
    if isinstance(value, dict) and any(isinstance(v, JsonText) for v in value.values()):
        return {k: v.value() if isinstance(v, JsonText) else v for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Problem:
    file: str
    table: str
    doc_id: str
    reason: str

    def as_json(self) -> dict[str, str]:
        return {
            "file": self.file,
            "table": self.table,
            "doc_id": self.doc_id,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Remark:
    """What the report says about a document that did come in: a time that could not be read,
    a learner told apart from another with the same email."""

    file: str
    table: str
    doc_id: str
    text: str
    user: str | None = None  # whose profile the note goes with (as Verbatim.user)

    def as_json(self) -> dict[str, str]:
        return {"file": self.file, "table": self.table, "doc_id": self.doc_id, "note": self.text}


@dataclass
class LegacyUser:
    user_id: str
    email: str
    name: str
    password_hash: str | None
    created_at: datetime
    table: str = "users"  # where the document was, for the report
    doc_id: str = ""


@dataclass(slots=True)
class LessonRecord:
    id: str
    position: int
    title: str
    summary: str | None
    duration: str | None


@dataclass(slots=True)
class ModuleRecord:
    id: str
    position: int
    week: int | None
    title: str
    summary: str | None
    lessons: list[LessonRecord] = field(default_factory=list)


@dataclass
class CourseRecord:
    id: str
    topic: str
    level: str
    duration: str | None
    objectives: list[str]
    owner: str | None  # legacy user id; None = shared / no user
    master_id: str | None
    is_master: bool
    entered_topic: str | None
    created_at: datetime
    updated_at: datetime
    modules: list[ModuleRecord]
    extra: dict[str, Any]  # keys of the syllabus nobody reads yet, kept with the course
    legacy_key: str | None = None  # the old syllabus_id / uid as written, for lesson_uid matching

    def lesson_at(self, module_index: int, lesson_index: int) -> LessonRecord | None:
        if 0 <= module_index < len(self.modules):
            lessons = self.modules[module_index].lessons
            if 0 <= lesson_index < len(lessons):
                return lessons[lesson_index]
        return None

    def lesson_titled(self, title: str) -> LessonRecord | None:
        for module in self.modules:
            for lesson in module.lessons:
                if lesson.title == title:
                    return lesson
        return None


@dataclass(slots=True)
class ContentRecord:
    id: str
    course_id: str
    lesson_id: str
    content: dict[str, Any] | JsonText
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class ProgressRecord:
    """One progress document, becoming one event in the append-only lesson log."""

    id: str
    user: str  # legacy user id, or "email:<address>" for the lesson engine's progress
    course_id: str
    lesson_id: str
    status: str
    score: float | None
    at: datetime
    # Where the event came from, so the old record can be found: {"legacy": {"table", "doc_id",
    # "progress_id"}} (DatabaseService), or {"legacy": {"table", "doc_id", "email", "topic",
    # "lesson"}} (the lesson engine's per-learner document).
    detail: dict[str, Any] | None = None


@dataclass
class AssessmentRecord:
    id: str
    user: str | None
    topic: str
    level: str
    score: float | None
    questions: list[Any]
    responses: list[Any]
    taken_at: datetime


@dataclass
class QuestionRecord:
    id: str
    legacy_id: str
    stem: str
    choices: list[dict[str, str]]
    answer: str
    explanation: dict[str, Any]
    subject: str | None
    system: str | None
    difficulty: str | None
    status: str | None
    tags: list[str]
    extra: dict[str, Any]


@dataclass
class NoteRecord:
    id: str
    legacy_id: str
    kind: str  # "note" or "article"
    title: str
    summary: str | None
    body: str
    bookmarked: bool
    tags: list[str]
    links: list[tuple[str, str]]  # (kind, legacy id): ("article", "cardiology-basics"), ...


@dataclass
class Verbatim:
    """A document kept exactly as it was, with the reason, in the legacy-documents table."""

    table: str
    doc_id: str
    body: Any
    reason: str
    user: str | None = None


@dataclass
class LegacyPlan:
    """Everything read out of one source file."""

    file: str
    users: list[LegacyUser] = field(default_factory=list)
    courses: list[CourseRecord] = field(default_factory=list)
    contents: list[ContentRecord] = field(default_factory=list)
    progress: list[ProgressRecord] = field(default_factory=list)
    assessments: list[AssessmentRecord] = field(default_factory=list)
    questions: list[QuestionRecord] = field(default_factory=list)
    notes: list[NoteRecord] = field(default_factory=list)
    verbatim: list[Verbatim] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)
    # Content and progress documents, resolved once every file's courses are known:
    # (kind, table, doc id, document).
    pending: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)

    check_text: bool = False  # the file has escapes like \ud800: look for lone surrogates

    def keep(
        self, table: str, doc_id: str, body: Any, reason: str, user: str | None = None
    ) -> None:
        table, doc_id, reason = storable(table), storable(doc_id), storable(reason)
        self.verbatim.append(Verbatim(table, doc_id, with_bodies_read(body), reason, user))
        self.problems.append(Problem(self.file, table, doc_id, reason))

    def remark(self, table: str, doc_id: str, text: str, user: str | None = None) -> None:
        """Something the report must say about a document that came in."""
        remark = Remark(self.file, storable(table), storable(doc_id), storable(text), user)
        self.remarks.append(remark)


def storable(text: str) -> str:
    """`text` with lone surrogates (from JSON escapes like \\ud800) and NUL characters written
    out as escapes.

    SQLite stores UTF-8, which cannot hold lone surrogates, and a NUL cuts text short in most
    programs that show it; everything else is returned unchanged.
    """
    if "\x00" in text:
        text = text.replace("\x00", "\\u0000")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def unstorable(doc: Any) -> str | None:
    """Why a document cannot become typed rows as it is, or None: the reason it is kept aside.

    It holds a number JSON cannot carry (NaN, Infinity, 1e999), a NUL character or a lone
    surrogate, somewhere (`json_values`); a lesson body kept as JSON text is read to be sure.
    """
    found = first_odd_value(with_bodies_read(doc) if _body_may_be_odd(doc) else doc)
    if found is None:
        return None
    where, what = found
    return f"it holds {what} (at {where})"


def _body_may_be_odd(doc: Any) -> bool:
    """A body kept as JSON text is valid JSON; only a NUL escape makes it odd."""
    return isinstance(doc, dict) and any(
        isinstance(v, JsonText) and b"\\u0000" in bytes(memoryview(v.raw)) for v in doc.values()
    )


def time_note(
    doc: dict[str, Any], keys: tuple[str, ...] = ("created_at", "updated_at")
) -> str | None:
    """What the report says of timestamps in `doc` that are there but cannot be read, and what
    was used instead (as `legacy_time` falls back: updated_at to created_at, else to the time
    of the import); None when every one of `keys` present is readable."""
    said = []
    created_ok = "created_at" in keys and _readable_time(doc.get("created_at"))
    for key in keys:
        value = doc.get(key)
        if value is None or value == "" or _readable_time(value):
            continue
        instead = "its created_at" if key == "updated_at" and created_ok else "the import's time"
        said.append(f"{key} {_shown(value)} is not a time; {instead} was used")
    return "; ".join(said) or None


def _readable_time(value: object) -> bool:
    return legacy_time(value, _NO_TIME) is not _NO_TIME


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_NO_TIME = datetime(1, 1, 1, tzinfo=UTC)


def legacy_time(value: object, fallback: datetime | None = None) -> datetime:
    """A legacy timestamp as aware UTC. Naive ones were written in the learner's local time."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            # A naive one is taken as local time: astimezone(UTC) does that in one step, with
            # the same offset as astimezone().astimezone(UTC) (the same C code finds it).
            return parsed.astimezone(UTC)
        except (ValueError, OverflowError):  # not a timestamp, or year 1 / 9999 out of range
            pass
    return fallback or datetime.now(UTC)
