"""TechTree's TinyDB files (the `DatabaseService` layout and the lesson engine's) read into records.

The layout is told from each document's shape, not from file or table names, so a file holding
both layouts, renamed tables or extra tables all come in. Whatever does not fit a known shape is
kept verbatim with the reason.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from app.importers.legacy_records import (
    AssessmentRecord,
    CourseRecord,
    LegacyPlan,
    LegacyUser,
    LessonRecord,
    ModuleRecord,
    derived_id,
    derived_ids,
    legacy_time,
    time_note,
    unstorable,
    uuid_or_derived,
)

STATUSES = ("not_started", "in_progress", "completed")
_SYLLABUS_KEYS = {"topic", "level", "duration", "learning_objectives", "modules"}
_ENGINE_KEYS = {"uid", "is_master", "parent_uid", "user_entered_topic", "user_id"}
_STAMP_KEYS = {"created_at", "updated_at"}


class BadDocument(Exception):
    """The document cannot become a typed row; the message is the reason kept with it."""


_WHOLE = re.compile(r"-?\d{1,19}")  # what SQLite's 64-bit INTEGER can hold, as text
_INT_RANGE = range(-(2**63), 2**63)


def as_int(value: object, what: str) -> int:
    if type(value) is int and -(2**63) <= value < 2**63:  # the usual case, first
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value in _INT_RANGE:
        return value
    raise BadDocument(f"{what} is not a whole number ({_short(value)})")


def as_score(value: object, what: str = "score") -> float | None:
    if value is None or value == "":
        return None
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = None
    elif isinstance(value, str):
        try:
            number = float(value.strip().rstrip("%"))
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise BadDocument(f"{what} is not a number ({_short(value)})")
    return number


def _short(value: object) -> str:
    """A value for a reason: its repr, cut short (a whole document can be a "value")."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else "a huge number"
    return text if len(text) <= 80 else text[:77] + "..."


def as_text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def classify(doc: dict[str, Any]) -> str:
    """The kind of a TinyDB document, from its keys."""
    keys = doc.keys()
    if "user_id" in keys and "email" in keys and "syllabus_id" not in keys:
        return "user"
    if "lesson_uid" in keys:
        return "engine_content"
    if "user_email" in keys:
        return "engine_progress"
    if "progress_id" in keys or ({"syllabus_id", "module_index", "status"} <= keys):
        return "progress"
    if "module_index" in keys and "lesson_index" in keys and "content" in keys:
        return "content"
    if "assessment_id" in keys or ({"knowledge_level", "question_history"} <= keys):
        return "assessment"
    if "syllabus_id" in keys and ("content" in keys or "topic" in keys):
        return "syllabus"
    if "modules" in keys and "topic" in keys:
        return "engine_syllabus"
    return "unknown"


def build_course(
    course_id: str,
    content: dict[str, Any],
    *,
    owner: str | None,
    master_id: str | None,
    is_master: bool,
    entered_topic: str | None,
    doc: dict[str, Any],
) -> CourseRecord:
    topic = content.get("topic") or doc.get("topic")
    if not isinstance(topic, str) or not topic.strip():
        raise BadDocument("the syllabus has no topic")
    modules_in = content.get("modules", [])
    if not isinstance(modules_in, list):
        raise BadDocument(f"modules is not a list ({type(modules_in).__name__})")
    modules: list[ModuleRecord] = []
    for m_index, module in enumerate(modules_in):
        if not isinstance(module, dict):
            raise BadDocument(f"module {m_index + 1} is not an object")
        lessons_in = module.get("lessons", [])
        if not isinstance(lessons_in, list):
            raise BadDocument(f"the lessons of module {m_index + 1} are not a list")
        week = module.get("week")
        lessons = []
        ids = derived_ids(("lesson", course_id, m_index), len(lessons_in))
        for l_index, lesson in enumerate(lessons_in):
            lesson = {"title": lesson} if isinstance(lesson, str) else lesson
            if not isinstance(lesson, dict):
                raise BadDocument(f"lesson {l_index + 1} of module {m_index + 1} is not an object")
            lessons.append(
                LessonRecord(
                    ids[l_index],
                    l_index,
                    as_text(lesson.get("title")) or f"Lesson {l_index + 1}",
                    as_text(lesson.get("summary")),
                    as_text(lesson.get("duration")),
                )
            )
        modules.append(
            ModuleRecord(
                id=derived_id("module", course_id, m_index),
                position=m_index,
                week=as_int(week, f"week of module {m_index + 1}") if week is not None else None,
                title=as_text(module.get("title")) or f"Module {m_index + 1}",
                summary=as_text(module.get("summary")),
                lessons=lessons,
            )
        )
    objectives = content.get("learning_objectives") or []
    objectives = [objectives] if isinstance(objectives, str) else objectives
    if not isinstance(objectives, list):
        raise BadDocument("learning_objectives is not a list")
    created = legacy_time(doc.get("created_at"))
    return CourseRecord(
        id=course_id,
        topic=topic.strip(),
        level=as_text(content.get("level") or doc.get("level")) or "",
        duration=as_text(content.get("duration")),
        objectives=[as_text(o) or "" for o in objectives],
        owner=owner,
        master_id=master_id,
        is_master=is_master,
        entered_topic=entered_topic,
        created_at=created,
        updated_at=legacy_time(doc.get("updated_at"), created),
        modules=modules,
        extra={k: v for k, v in content.items() if k not in _SYLLABUS_KEYS | _ENGINE_KEYS},
    )


def read_user(
    plan: LegacyPlan, doc: dict[str, Any], table: str = "users", doc_id: str = ""
) -> None:
    email = doc.get("email")
    user_id = doc.get("user_id")
    if not isinstance(user_id, str) or not isinstance(email, str) or "@" not in email:
        raise BadDocument("a user needs a user_id and an email address")
    name = doc.get("name")
    plan.users.append(
        LegacyUser(
            user_id=user_id,
            email=email.strip(),
            name=name.strip() if isinstance(name, str) and name.strip() else email.split("@")[0],
            password_hash=doc.get("password_hash")
            if isinstance(doc.get("password_hash"), str)
            else None,
            created_at=legacy_time(doc.get("created_at")),
            table=table,
            doc_id=doc_id,
        )
    )


def read_syllabus(plan: LegacyPlan, doc: dict[str, Any]) -> None:
    content = doc.get("content", doc)
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except json.JSONDecodeError:
            raise BadDocument("content is text that is not JSON") from None
    if not isinstance(content, dict):
        raise BadDocument("content is not an object")
    sid = doc.get("syllabus_id")
    course_id = uuid_or_derived(sid, "syllabus")
    owner = doc.get("user_id") if isinstance(doc.get("user_id"), str) else None
    course = build_course(
        course_id,
        content,
        owner=owner,
        master_id=None,
        is_master=owner is None,
        entered_topic=None,
        doc=doc,
    )
    course.legacy_key = sid if isinstance(sid, str) else None
    plan.courses.append(course)


def read_engine_syllabus(plan: LegacyPlan, doc: dict[str, Any]) -> None:
    uid = doc.get("uid")
    topic, level = doc.get("topic"), doc.get("level")
    owner = doc.get("user_id") if isinstance(doc.get("user_id"), str) else None
    course_id = (
        uuid_or_derived(uid, "engine-syllabus")
        if uid
        else derived_id("engine-syllabus", topic, level, owner or "")
    )
    parent = doc.get("parent_uid")
    master_id = uuid_or_derived(parent, "engine-syllabus") if parent else None
    is_master = bool(doc.get("is_master", owner is None and parent is None))
    entered = (
        doc.get("user_entered_topic") if isinstance(doc.get("user_entered_topic"), str) else None
    )
    course = build_course(
        course_id,
        doc,
        owner=owner,
        master_id=master_id,
        is_master=is_master,
        entered_topic=entered,
        doc=doc,
    )
    course.legacy_key = uid if isinstance(uid, str) else None
    plan.courses.append(course)


def read_assessment(plan: LegacyPlan, doc: dict[str, Any], doc_id: str) -> None:
    topic = doc.get("topic")
    if not isinstance(topic, str) or not topic.strip():
        raise BadDocument("the assessment has no topic")
    questions = doc.get("question_history") or []
    responses = doc.get("response_history") or []
    if not isinstance(questions, list) or not isinstance(responses, list):
        raise BadDocument("question_history and response_history must be lists")
    user = doc.get("user_id") if isinstance(doc.get("user_id"), str) else None
    plan.assessments.append(
        AssessmentRecord(
            id=uuid_or_derived(doc.get("assessment_id"), "assessment", topic, doc_id),
            user=user,
            topic=topic.strip(),
            level=as_text(doc.get("knowledge_level")) or "",
            score=as_score(doc.get("score")),
            questions=questions,
            responses=responses,
            taken_at=legacy_time(doc.get("created_at")),
        )
    )


def read_tinydb(plan: LegacyPlan, data: dict[str, Any]) -> None:
    """Read every table of a TinyDB object into `plan`; what cannot be read is kept verbatim."""
    seen_ids: dict[str, set[str]] = {}
    for table, docs in data.items():
        if not isinstance(docs, dict) or not all(str(key).isdigit() for key in docs):
            plan.keep(table, "*", docs, "the table is not a TinyDB table (documents by number)")
            continue
        for doc_id, doc in docs.items():
            read_document(plan, table, str(doc_id), doc, seen_ids)


_DEFERRED = {"progress", "content", "engine_content", "engine_progress"}


def read_document(
    plan: LegacyPlan, table: str, doc_id: str, doc: Any, seen_ids: dict[str, set[str]]
) -> None:
    if not isinstance(doc, dict):
        plan.keep(table, doc_id, doc, "the document is not an object")
        return
    # Whatever is set aside stays with its learner, not in whoever's profile is the default.
    user = doc.get("user_id") if isinstance(doc.get("user_id"), str) else None
    if plan.check_text and (odd := unstorable(doc)) is not None:
        plan.keep(table, doc_id, doc, odd, user)
        return
    kind = classify(doc)
    if kind == "unknown":
        reason = f"documents of this shape in table {table!r} are not known"
        plan.keep(table, doc_id, doc, reason, user)
        return
    own_id = doc.get(
        {"user": "user_id", "syllabus": "syllabus_id", "assessment": "assessment_id"}.get(kind, ""),
    ) or doc.get("uid")
    if isinstance(own_id, str):
        seen = seen_ids.setdefault(kind, set())
        if own_id in seen:
            reason = f"another {kind} in this file has the same id {own_id}"
            plan.keep(table, doc_id, doc, reason, user)
            return
        seen.add(own_id)
    if kind in _DEFERRED:
        plan.pending.append((kind, table, doc_id, doc))
        return
    readers: dict[str, Callable[[], None]] = {
        "user": lambda: read_user(plan, doc, table, doc_id),
        "syllabus": lambda: read_syllabus(plan, doc),
        "engine_syllabus": lambda: read_engine_syllabus(plan, doc),
        "assessment": lambda: read_assessment(plan, doc, doc_id),
    }
    try:
        readers[kind]()
    except BadDocument as error:
        plan.keep(table, doc_id, doc, str(error), user)
        return
    said = time_note(doc, _TIMES_READ[kind])
    if said is not None:
        plan.remark(table, doc_id, said, user)


# The timestamps each kind of document is read with (the others are kept, not read).
_TIMES_READ = {
    "user": ("created_at",),
    "assessment": ("created_at",),
    "syllabus": ("created_at", "updated_at"),
    "engine_syllabus": ("created_at", "updated_at"),
}
