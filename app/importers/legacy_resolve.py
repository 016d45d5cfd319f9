"""Linking content and progress documents to the lessons they belong to, across all files read.

TechTree's `DatabaseService` finds a lesson by (syllabus_id, module_index, lesson_index); its
lesson engine by `lesson_uid` ("<syllabus uid>_<module title>_<lesson title>", titles may hold
"_") and its progress by topic and lesson title. What points nowhere is kept verbatim as an orphan.

Each progress event records where it came from in its `detail` (`{"legacy": {...}}`: the table,
the document's id and its `progress_id`, or the learner's email, topic and lesson title), so every
old record can be found again. A timestamp that is there but cannot be read is named in the
report with what was used instead.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from app.importers.legacy_records import (
    ContentRecord,
    CourseRecord,
    JsonText,
    LegacyPlan,
    LessonRecord,
    ProgressRecord,
    derived_id,
    legacy_time,
    time_note,
    uuid_or_derived,
)
from app.importers.techtree import STATUSES, BadDocument, as_int, as_score


class CourseIndex:
    def __init__(self, plans: list[LegacyPlan]) -> None:
        self.by_id: dict[str, CourseRecord] = {}
        for plan in plans:
            for course in plan.courses:
                self.by_id.setdefault(course.id, course)
        self.by_key = {c.legacy_key: c for c in self.by_id.values() if c.legacy_key}
        self._engine_lessons: dict[str, tuple[CourseRecord, str]] | None = None
        self._by_syllabus_id: dict[str, CourseRecord | None] = {}

    def for_syllabus_id(self, value: Any) -> CourseRecord | None:
        """The course a DatabaseService `syllabus_id` names (looked up once per id)."""
        if not isinstance(value, str):
            return self.by_id.get(uuid_or_derived(value, "syllabus"))
        if value not in self._by_syllabus_id:
            self._by_syllabus_id[value] = self.by_id.get(uuid_or_derived(value, "syllabus"))
        return self._by_syllabus_id[value]

    def for_topic(self, topic: str, owner: str | None) -> CourseRecord | None:
        """The learner's own copy of a topic first, then a shared one, then anyone's."""
        wanted_topic = topic.strip().casefold()  # course topics are stored stripped
        matches = [c for c in self.by_id.values() if c.topic.casefold() == wanted_topic]
        for wanted in (owner, None):
            for course in matches:
                if course.owner == wanted:
                    return course
        return matches[0] if matches else None

    def engine_lesson(self, lesson_uid: str) -> tuple[CourseRecord, str] | None:
        if self._engine_lessons is None:  # built once: a scan per document is quadratic
            self._engine_lessons = {}
            for key, course in self.by_key.items():
                for module in course.modules:
                    for lesson in module.lessons:
                        uid = f"{key}_{module.title}_{lesson.title}"
                        self._engine_lessons.setdefault(uid, (course, lesson.id))
        return self._engine_lessons.get(lesson_uid)


def _content_dict(value: Any) -> dict[str, Any] | JsonText:
    if isinstance(value, JsonText):  # an object, kept as the text it was written as
        return value
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return {"exposition_content": value}
    if not isinstance(value, dict):
        raise BadDocument("content is not an object")
    return value


def _syllabus_lesson(index: CourseIndex, doc: dict[str, Any]) -> tuple[CourseRecord, LessonRecord]:
    """The course and lesson a document names by syllabus id and module and lesson index;
    BadDocument when either is not in the data."""
    course = index.for_syllabus_id(doc.get("syllabus_id"))
    if course is None:
        raise BadDocument(f"its syllabus {doc.get('syllabus_id')} is not in the data")
    m, n = (
        as_int(doc.get("module_index"), "module_index"),
        as_int(doc.get("lesson_index"), "lesson_index"),
    )
    lesson = course.lesson_at(m, n)
    if lesson is None:
        raise BadDocument(f"module {m}, lesson {n} is outside its syllabus {course.topic!r}")
    return course, lesson


def resolve_content(index: CourseIndex, doc: dict[str, Any], kind: str) -> ContentRecord:
    if kind == "content":
        course, lesson = _syllabus_lesson(index, doc)
        content_id = uuid_or_derived(doc.get("lesson_id"), "content", lesson.id)
        lesson_id = lesson.id
    else:
        uid = doc.get("lesson_uid")
        found = index.engine_lesson(uid) if isinstance(uid, str) else None
        if found is None:
            raise BadDocument(f"no syllabus has the lesson {uid!r}")
        course, lesson_id = found
        content_id = derived_id("engine-content", uid)
    created_at, updated_at = doc.get("created_at"), doc.get("updated_at")
    created = legacy_time(created_at)
    # Written at the same moment (the usual case): the same reading, not a second one.
    updated = created if updated_at == created_at else legacy_time(updated_at, created)
    return ContentRecord(
        content_id, course.id, lesson_id, _content_dict(doc.get("content")), created, updated
    )


def resolve_progress(
    index: CourseIndex, doc: dict[str, Any], table: str = "user_progress", doc_id: str = ""
) -> ProgressRecord:
    user = doc.get("user_id")
    if not isinstance(user, str):
        raise BadDocument("the progress has no user_id")
    course, lesson = _syllabus_lesson(index, doc)
    status = doc.get("status")
    if status not in STATUSES:
        raise BadDocument(f"status {status!r} is not one of {', '.join(STATUSES)}")
    created_at, updated_at = doc.get("created_at"), doc.get("updated_at")
    stamp = updated_at or created_at
    at = legacy_time(updated_at, legacy_time(created_at))  # an unreadable one: the other
    # The id is made from the timestamp as written, not as read: reading depends on the
    # computer's time zone (and on the clock, when the timestamp is missing or unreadable).
    progress_id = doc.get("progress_id")
    event_id = derived_id("progress", progress_id, user, lesson.id, stamp, status)
    legacy = {"table": table, "doc_id": doc_id, "progress_id": progress_id}
    return ProgressRecord(
        event_id,
        user,
        course.id,
        lesson.id,
        str(status),
        as_score(doc.get("score")),
        at,
        {"legacy": legacy},
    )


def resolve_engine_progress(
    plan: LegacyPlan,
    index: CourseIndex,
    table: str,
    doc_id: str,
    doc: dict[str, Any],
    owner_of: Callable[[str], str | None] = lambda email: None,
) -> None:
    """One per-learner document: each topic entry becomes events for the lessons it names.

    A topic is matched to the learner's own copy of the syllabus first (`owner_of` gives the
    legacy user id behind an email), then to the shared one.
    """
    email = doc.get("user_email")
    if not isinstance(email, str) or "@" not in email:
        plan.keep(table, doc_id, doc, "the progress has no user_email")
        return
    user = f"email:{email.strip().casefold()}"
    owner = owner_of(email.strip().casefold())
    doc_stamp = doc.get("updated_at") or doc.get("created_at")
    updated = legacy_time(doc.get("updated_at"), legacy_time(doc.get("created_at")))
    unreadable: list[str] = []
    for topic, entry in doc.items():
        if topic in ("user_email", "created_at", "updated_at", "doc_id"):
            continue
        where = f"{doc_id}/{topic}"
        if not isinstance(entry, dict):
            plan.keep(table, where, {topic: entry}, "the topic's progress is not an object", user)
            continue
        course = index.for_topic(topic, owner)
        if course is None:
            plan.keep(table, where, {topic: entry}, f"no syllabus has the topic {topic!r}", user)
            continue
        raw_performance = entry.get("performance")
        performance: dict[str, Any] = raw_performance if isinstance(raw_performance, dict) else {}
        events: list[tuple[str, str, float | None, Any]] = []
        completed = entry.get("completed_lessons") or []
        if not isinstance(completed, list):
            reason = "completed_lessons is not a list of lesson titles"
            plan.keep(table, where, {topic: entry}, reason, user)
            continue
        for title in completed:
            raw_perf = performance.get(title) if isinstance(title, str) else None
            perf: dict[str, Any] = raw_perf if isinstance(raw_perf, dict) else {}
            try:
                score = as_score(perf.get("score"))
            except BadDocument:
                score = None
            events.append((str(title), "completed", score, perf.get("completed_at")))
        current = entry.get("current_lesson")
        if isinstance(current, str) and current not in completed:
            events.append((current, "in_progress", None, None))
        missing = []
        for title, status, score, when in events:
            lesson = course.lesson_titled(title)
            if lesson is None:
                missing.append(title)
                continue
            at = legacy_time(when, updated)
            if when is not None and when != "" and at is updated:
                unreadable.append(f"{topic} / {title}: completed_at {when!r}")
            stamp = when if when is not None else doc_stamp  # as written: see resolve_progress
            legacy = {"table": table, "doc_id": doc_id, "email": email, "topic": topic}
            plan.progress.append(
                ProgressRecord(
                    derived_id("engine-progress", user, course.id, lesson.id, status, stamp),
                    user,
                    course.id,
                    lesson.id,
                    status,
                    score,
                    at,
                    {"legacy": {**legacy, "lesson": title}},
                )
            )
        if missing:
            plan.keep(
                table,
                where,
                {topic: entry},
                f"lessons not in the syllabus {course.topic!r}: {', '.join(missing[:5])}",
                user,
            )
    said = [note] if (note := time_note(doc)) is not None else []
    if unreadable:
        shown = "; ".join(unreadable[:5]) + (" ..." if len(unreadable) > 5 else "")
        said.append(f"{shown}: not a time; the document's own time was used")
    if said:
        plan.remark(table, doc_id, "; ".join(said), user)


def resolve_pending(
    plans: list[LegacyPlan],
    known_learner: Callable[[str], bool],
    owner_of: Callable[[str], str | None] = lambda email: None,
) -> None:
    """Turn every plan's pending documents into content and progress records or orphans.

    `known_learner` answers for a legacy user id or "email:<address>"; progress of a learner
    it does not know is kept verbatim. `owner_of` gives the legacy user id of an email.
    """
    index = CourseIndex(plans)
    known_learner = functools.lru_cache(maxsize=None)(known_learner)  # a few learners, many rows
    for plan in plans:
        newest: dict[str, tuple[ContentRecord, str, str, dict[str, Any]]] = {}
        for kind, table, doc_id, doc in plan.pending:
            user = doc.get("user_id") if isinstance(doc.get("user_id"), str) else None
            try:
                if kind in ("content", "engine_content"):
                    record = resolve_content(index, doc, kind)
                    older = newest.get(record.lesson_id)
                    if older is None or record.updated_at > older[0].updated_at:
                        newest[record.lesson_id] = (record, table, doc_id, doc)
                        if older is not None:
                            plan.keep(
                                older[1],
                                older[2],
                                older[3],
                                "a newer content of the same lesson exists",
                            )
                    else:
                        plan.keep(table, doc_id, doc, "a newer content of the same lesson exists")
                elif kind == "progress":
                    event = resolve_progress(index, doc, table, doc_id)
                    if not known_learner(event.user):
                        raise BadDocument(f"its learner {event.user} is not in the users table")
                    plan.progress.append(event)
                    if (said := time_note(doc)) is not None:
                        plan.remark(table, doc_id, said, user)
                else:
                    email = doc.get("user_email")
                    if isinstance(email, str) and not known_learner(
                        f"email:{email.strip().casefold()}"
                    ):
                        raise BadDocument(f"its learner {email} is not in the users table")
                    resolve_engine_progress(plan, index, table, doc_id, doc, owner_of)
            except BadDocument as error:
                plan.keep(table, doc_id, doc, str(error), user)
        used: set[str] = set()
        for record, table, doc_id, doc in newest.values():
            if record.id in used:  # the same lesson_id on contents of two lessons
                reason = f"another content in this file has the id {record.id}"
                plan.keep(table, doc_id, doc, reason)
                continue
            used.add(record.id)
            plan.contents.append(record)
            if (said := time_note(doc)) is not None:  # said where the lesson's course goes
                plan.remark(table, doc_id, said, index.by_id[record.course_id].owner)
        plan.pending.clear()
