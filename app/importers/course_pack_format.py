"""The course pack's `course.json`: checked key by key, with messages that name the JSON path.

Format `studydesk-course`, version 1 (described in `app/importers/course_pack.py`). Checking
never writes; it returns a typed `PackCourse` or raises `CoursePackRefused` listing every
problem found, e.g. `modules[2].lessons[0].title: missing`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from app.core.courses.content import correct_index
from app.core.courses.markdown import unsafe_markup
from app.errors import UserError

FORMAT = "studydesk-course"
FORMAT_VERSION = 1
PACK_NAMESPACE = uuid.UUID("6f0d7c0e-4b1e-5d7a-9a57-5d1c0c6a2b11")
MAX_PROBLEMS_SHOWN = 8
MAX_TEXT = 100_000  # characters in one title, summary or objective
MAX_LESSONS = 20_000
MAX_WEEK = 10_000

COURSE_KEYS = {
    "format",
    "format_version",
    "id",
    "topic",
    "level",
    "duration",
    "learning_objectives",
    "modules",
    "extra",
}
MODULE_KEYS = {"id", "week", "title", "summary", "lessons"}
LESSON_KEYS = {"id", "title", "summary", "duration", "content"}
_IMAGE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")


class CoursePackRefused(UserError):
    """A pack that cannot be imported; `problems` lists each as "path: what is wrong"."""

    def __init__(self, pack: str, problems: list[str]) -> None:
        shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        tail = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"The course pack {pack} was not imported: {shown}{tail}.")
        self.problems = problems


@dataclass(frozen=True)
class PackLesson:
    id: str
    title: str
    summary: str | None
    duration: str | None
    content: dict[str, Any] | None


@dataclass(frozen=True)
class PackModule:
    id: str
    week: int | None
    title: str
    summary: str | None
    lessons: tuple[PackLesson, ...]


@dataclass(frozen=True)
class PackCourse:
    id: str
    topic: str
    level: str
    duration: str | None
    objectives: tuple[str, ...]
    extra: dict[str, Any]
    modules: tuple[PackModule, ...]
    media: frozenset[str] = field(default_factory=frozenset)  # "media/..." names referenced

    def count(self) -> dict[str, int]:
        lessons = [lesson for m in self.modules for lesson in m.lessons]
        return {
            "courses": 1,
            "modules": len(self.modules),
            "lessons": len(lessons),
            "lesson_contents": sum(1 for lesson in lessons if lesson.content is not None),
        }


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(PACK_NAMESPACE, "/".join(str(p) for p in parts)))


def content_id(lesson_id: str) -> str:
    return derived_id("lesson-content", lesson_id)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.media: set[str] = set()
        self.ids: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path or '(top level)'}: {message}")

    def keys(self, value: dict[str, Any], allowed: set[str], path: str) -> None:
        for key in sorted(set(value) - allowed):
            self.add(_join(path, key), "unknown key (check its spelling)")

    def text(
        self,
        value: dict[str, Any],
        key: str,
        path: str,
        *,
        required: bool,
        limit: int = MAX_TEXT,
        nonempty: bool = False,
    ) -> str | None:
        where = _join(path, key)
        got = value.get(key)
        if got is None:
            if required:
                self.add(where, "missing")
            return None
        if not isinstance(got, str):
            self.add(where, f"expected text, found {_kind(got)}")
            return None
        if nonempty and not got.strip():
            self.add(where, "empty")
            return None
        if len(got) > limit:
            self.add(where, f"longer than {limit:,} characters")
            return None
        self.safe(got, where)
        return got

    def safe(self, text: str, where: str) -> None:
        for what in unsafe_markup(text):
            self.add(where, f"contains {what}; Study Desk never runs scripts, remove it")

    def ident(self, value: dict[str, Any], path: str, fallback: str) -> str:
        got = value.get("id")
        if got is None:
            return fallback
        try:
            canonical = str(uuid.UUID(str(got))) if isinstance(got, str) else None
        except ValueError:
            canonical = None
        if canonical is None:
            self.add(_join(path, "id"), "expected a UUID such as 0190c5a4-...")
            return fallback
        if canonical in self.ids:
            self.add(_join(path, "id"), f"the same id as {self.ids[canonical]}")
        self.ids[canonical] = path or "the course"
        return canonical

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(where, f"expected a list of texts, found {_kind(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.add(f"{where}[{i}]", f"expected text, found {_kind(item)}")
            else:
                self.safe(item, f"{where}[{i}]")
                out.append(item)
        return tuple(out)


def check_course(data: Any, pack: str, media_names: set[str]) -> PackCourse:
    """The typed course, or CoursePackRefused naming every problem. `media_names` are the
    files present under `media/` in the pack; a referenced image must be one of them."""
    c = _Checker()
    if not isinstance(data, dict):
        raise CoursePackRefused(pack, [f"(top level): expected a JSON object, found {_kind(data)}"])
    _check_format(c, data, pack)
    c.keys(data, COURSE_KEYS, "")
    topic = c.text(data, "topic", "", required=True, limit=300, nonempty=True) or ""
    level = c.text(data, "level", "", required=False, limit=60) or ""
    course_id = c.ident(data, "", derived_id("course", topic.strip().casefold(), level.casefold()))
    duration = c.text(data, "duration", "", required=False, limit=60)
    objectives = c.strings(data.get("learning_objectives"), "learning_objectives")
    extra = data.get("extra") or {}
    if not isinstance(extra, dict):
        c.add("extra", f"expected an object, found {_kind(extra)}")
        extra = {}
    modules = []
    raw_modules = data.get("modules")
    if raw_modules is None:
        c.add("modules", "missing")
    elif not isinstance(raw_modules, list):
        c.add("modules", f"expected a list, found {_kind(raw_modules)}")
    else:
        for m_index, raw in enumerate(raw_modules):
            module = _check_module(c, raw, f"modules[{m_index}]", course_id, m_index)
            if module is not None:
                modules.append(module)
        if sum(len(m.lessons) for m in modules) > MAX_LESSONS:
            c.add("modules", f"more than {MAX_LESSONS:,} lessons")
    for name in sorted(c.media - media_names):
        c.add("media", f"{name} is referenced by a lesson but is not in the pack")
    if c.problems:
        raise CoursePackRefused(pack, list(dict.fromkeys(c.problems)))
    return PackCourse(
        course_id,
        topic.strip(),
        level,
        duration,
        objectives,
        extra,
        tuple(modules),
        frozenset(c.media),
    )


def _check_format(c: _Checker, data: dict[str, Any], pack: str) -> None:
    if data.get("format") != FORMAT:
        found = data.get("format")
        said = "missing" if found is None else f"expected {FORMAT!r}, found {found!r}"
        # Not one of ours at all: say only that, the other messages would be noise.
        raise CoursePackRefused(pack, [f"format: {said} (this is not a Study Desk course)"])
    version = data.get("format_version")
    if version is None:
        c.add("format_version", "missing")
    elif isinstance(version, bool) or not isinstance(version, int):
        c.add("format_version", f"expected a whole number, found {_kind(version)}")
    elif version > FORMAT_VERSION:
        raise CoursePackRefused(
            pack,
            [
                f"format_version: {version} is newer than this Study Desk reads "
                f"({FORMAT_VERSION}); update Study Desk to import it"
            ],
        )
    elif version < 1:
        c.add("format_version", f"{version} is not a version of this format")


def _check_module(
    c: _Checker, raw: Any, path: str, course_id: str, position: int
) -> PackModule | None:
    if not isinstance(raw, dict):
        c.add(path, f"expected an object, found {_kind(raw)}")
        return None
    c.keys(raw, MODULE_KEYS, path)
    module_id = c.ident(raw, path, derived_id(course_id, "module", position))
    title = c.text(raw, "title", path, required=True, limit=1000) or ""
    summary = c.text(raw, "summary", path, required=False)
    week = raw.get("week")
    if week is not None and (
        isinstance(week, bool) or not isinstance(week, int) or not 0 <= week <= MAX_WEEK
    ):
        shown = repr(week) if not isinstance(week, int) or abs(week) < 10**12 else "a huge number"
        c.add(f"{path}.week", f"expected a whole number from 0 to {MAX_WEEK:,}, found {shown}")
        week = None
    lessons = []
    raw_lessons = raw.get("lessons")
    if raw_lessons is None:
        c.add(f"{path}.lessons", "missing")
    elif not isinstance(raw_lessons, list):
        c.add(f"{path}.lessons", f"expected a list, found {_kind(raw_lessons)}")
    else:
        for l_index, item in enumerate(raw_lessons):
            where = f"{path}.lessons[{l_index}]"
            fallback = derived_id(course_id, "lesson", position, l_index)
            lesson = _check_lesson(c, item, where, fallback)
            if lesson is not None:
                lessons.append(lesson)
    return PackModule(module_id, week, title, summary, tuple(lessons))


def _check_lesson(c: _Checker, raw: Any, path: str, fallback: str) -> PackLesson | None:
    if not isinstance(raw, dict):
        c.add(path, f"expected an object, found {_kind(raw)}")
        return None
    c.keys(raw, LESSON_KEYS, path)
    lesson_id = c.ident(raw, path, fallback)
    title = c.text(raw, "title", path, required=True, limit=1000) or ""
    summary = c.text(raw, "summary", path, required=False)
    duration = c.text(raw, "duration", path, required=False, limit=60)
    content = raw.get("content")
    if content is not None and not isinstance(content, dict):
        c.add(f"{path}.content", f"expected an object, found {_kind(content)}")
        content = None
    if content is not None:
        _check_content(c, content, f"{path}.content")
    return PackLesson(lesson_id, title, summary, duration, content)


def _check_content(c: _Checker, content: dict[str, Any], path: str) -> None:
    """The TechTree lesson shape; keys beyond it are kept as they are."""
    exposition = content.get("exposition_content")
    if exposition is not None and not isinstance(exposition, str):
        c.add(f"{path}.exposition_content", f"expected markdown text, found {_kind(exposition)}")
    c.strings(content.get("thought_questions"), f"{path}.thought_questions")
    _each_object(c, content, "active_exercises", path, _check_exercise)
    _each_object(c, content, "knowledge_assessment", path, _check_question)
    metadata = content.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            c.add(f"{path}.metadata", f"expected an object, found {_kind(metadata)}")
        else:
            for key in ("tags", "related_topics", "prerequisites"):
                c.strings(metadata.get(key), f"{path}.metadata.{key}")
            level = metadata.get("difficulty")
            if level is not None and (isinstance(level, bool) or not isinstance(level, int)):
                c.add(f"{path}.metadata.difficulty", f"expected a whole number, found {level!r}")
    for where, text in _texts(content, path):
        c.safe(text, where)
        for target in _IMAGE.findall(text):
            _check_image(c, target, where)


def _each_object(
    c: _Checker,
    content: dict[str, Any],
    key: str,
    path: str,
    check: Callable[[_Checker, dict[str, Any], str], None],
) -> None:
    items = content.get(key)
    if items is None:
        return
    if not isinstance(items, list):
        c.add(f"{path}.{key}", f"expected a list, found {_kind(items)}")
        return
    for i, item in enumerate(items):
        where = f"{path}.{key}[{i}]"
        if not isinstance(item, dict):
            c.add(where, f"expected an object, found {_kind(item)}")
        else:
            check(c, item, where)


def _check_exercise(c: _Checker, item: dict[str, Any], path: str) -> None:
    # Either shape: generated (instructions, correct_answer) or template (question, ...).
    if not isinstance(item.get("instructions", item.get("question")), str):
        c.add(f"{path}.instructions", "missing (or `question`, in the template shape)")
    c.strings(item.get("hints"), f"{path}.hints")


def _check_question(c: _Checker, item: dict[str, Any], path: str) -> None:
    if not isinstance(item.get("question"), str) or not item["question"].strip():
        c.add(f"{path}.question", "missing")
    options = item.get("options")
    if not isinstance(options, list) or len(options) < 2:
        c.add(f"{path}.options", "expected a list of at least two options")
        return
    if not all(isinstance(o, str) for o in options):
        c.add(f"{path}.options", "every option must be text")
        return
    answer = item.get("correct_answer")
    if answer is None:
        c.add(f"{path}.correct_answer", "missing")
    elif correct_index(answer, tuple(options)) is None:
        c.add(f"{path}.correct_answer", f"{answer!r} is not one of the options")


def _check_image(c: _Checker, target: str, where: str) -> None:
    if re.match(r"^https?://", target, re.IGNORECASE):
        return  # a web image: kept as a link, never loaded
    name = target.replace("\\", "/")
    parts = name.split("/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        c.add(where, f"image {target!r} points outside the pack")
    elif len(parts) >= 2 and parts[0] == "media" and all(parts[1:]) and "\\" not in target:
        c.media.add(name)
    else:
        c.add(where, f"image {target!r}: images must be files under media/ or web addresses")


def _renamed(match: re.Match[str], rename: Callable[[str], str]) -> str:
    whole, start = match.group(0), match.start(0)
    return whole[: match.start(1) - start] + rename(match.group(1)) + whole[match.end(1) - start :]


def _texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, _join(path, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{path}[{i}]")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def rewrite_images(value: Any, rename: Callable[[str], str]) -> Any:
    """`value` (a lesson body) with every markdown image target passed through `rename`."""
    if isinstance(value, str):
        return _IMAGE.sub(lambda m: _renamed(m, rename), value)
    if isinstance(value, dict):
        return {key: rewrite_images(item, rename) for key, item in value.items()}
    if isinstance(value, list):
        return [rewrite_images(item, rename) for item in value]
    return value
