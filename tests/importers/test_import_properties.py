"""Generated TechTree exports: every document is accounted for, and importing again adds nothing.

Hypothesis draws a `DatabaseService` file (`techtree_db.json`) and a lesson-engine file
(`syllabus_db.json`) with missing fields, orphans, duplicates, wrong types, unicode titles with
"_" in them, unknown tables and documents that are not objects. Both are imported together.

Accounted for: each document is either kept verbatim in `legacy_documents` (found by file, table
and doc id) or found in its typed table, and per kind the typed rows plus the documents kept
verbatim are exactly the documents. Then the same documents written out differently (another
checksum), imported on a computer in another time zone, add nothing; the very same file again
changes nothing at all.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_helpers import dump_data_dir, rows, sha256, write_json

from app.core.profiles import create_profile, list_profiles
from app.db.check import check_database
from app.db.database import ProfileDatabase
from app.importers.legacy_import import import_legacy
from app.paths import data_locations

STATUSES = ("not_started", "in_progress", "completed")

# --- strategies --------------------------------------------------------------------------------

letters = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
words = st.text(letters, min_size=1, max_size=8)
title = st.one_of(
    words,
    st.builds(lambda a, b: f"{a}_{b}", words, words),  # lesson_uid splits on "_"
    st.builds(lambda a: f"_{a}_", words),
)
stamp = st.one_of(
    st.datetimes(datetime(2001, 1, 1), datetime(2035, 1, 1)).map(lambda d: d.isoformat()),
    st.datetimes(datetime(2001, 1, 1), datetime(2035, 1, 1), timezones=st.just(UTC)).map(
        lambda d: d.isoformat()
    ),
    st.sampled_from(["", "yesterday", None, 20250101]),
)
score = st.one_of(
    st.none(),
    st.floats(0, 100, allow_nan=False),
    st.integers(0, 100),
    st.sampled_from(["85.5", "90%", "ninety", True, [], 10**40]),
)
index_like = st.one_of(
    st.integers(0, 3), st.integers(-2, 6).map(str), st.sampled_from([1.0, "one", None, 2**64])
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.text(letters, max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(words, inner, max_size=3),
    max_leaves=8,
)


@dataclass
class Doc:
    """One generated document and what it is, for the accounting."""

    file: str  # "techtree" or "engine"
    table: str
    doc_id: str
    kind: str
    body: Any


@dataclass
class Export:
    techtree: dict[str, dict[str, Any]] = field(default_factory=dict)
    engine: dict[str, dict[str, Any]] = field(default_factory=dict)
    docs: list[Doc] = field(default_factory=list, repr=False)
    learners: dict[str, str] = field(default_factory=dict, repr=False)  # email -> user id

    def add(self, file: str, table: str, kind: str, body: Any) -> None:
        tables = self.techtree if file == "techtree" else self.engine
        docs = tables.setdefault(table, {})
        doc_id = str(len(docs) + 1)
        docs[doc_id] = body
        self.docs.append(Doc(file, table, doc_id, kind, body))


def _modules(draw: st.DrawFn, prefix: str) -> list[dict[str, Any]]:
    modules = []
    for m in range(draw(st.integers(0, 3))):
        module: dict[str, Any] = {
            "week": draw(st.sampled_from([m + 1, m + 1, str(m + 1), None])),
            "title": f"{prefix}{m} " + draw(title),
            "lessons": [{"title": draw(title)} for _ in range(draw(st.integers(0, 3)))],
        }
        if draw(st.booleans()):
            module["summary"] = draw(words)
        modules.append(module)
    return modules


@st.composite
def exports(draw: st.DrawFn) -> Export:
    out = Export()
    users = [str(uuid.uuid4()) for _ in range(draw(st.integers(0, 3)))]
    emails = [f"learner{i}@example.com" for i in range(len(users))]
    strangers = [str(uuid.uuid4())]
    out.learners = dict(zip(emails, users, strict=True))
    for number, (user_id, email) in enumerate(zip(users, emails, strict=True)):
        doc: dict[str, Any] = {
            "user_id": user_id,
            "email": email,
            "password_hash": None,
            "created_at": draw(stamp),
        }
        if draw(st.booleans()):  # `name` may be missing: the email's first part is used
            doc["name"] = draw(st.text(letters, max_size=20))
        out.add("techtree", "users", "user", doc)
        if number == 0 and draw(st.integers(0, 4)) == 0:  # the same user twice
            out.add("techtree", "users", "user", {**doc, "name": "again"})

    # DatabaseService syllabi, found by syllabus_id and (module_index, lesson_index).
    syllabi: list[tuple[str, list[dict[str, Any]]]] = []
    for number in range(draw(st.integers(0, 3))):
        sid = str(uuid.uuid4())
        modules: Any = _modules(draw, "ds")
        content: dict[str, Any] = {
            "topic": f"ds topic {number} " + draw(words),
            "level": draw(st.sampled_from(["beginner", "advanced", 3])),
            "duration": draw(st.sampled_from(["4 weeks", None])),
            "learning_objectives": draw(st.lists(words, max_size=2)),
            "modules": modules,
        }
        flaw = draw(st.integers(0, 9))
        if flaw == 0:
            content["modules"] = "not a list"
        elif flaw == 1:
            del content["topic"]
        doc = {
            "syllabus_id": sid,
            "user_id": draw(st.sampled_from([None, *users, *strangers])),
            "level": "beginner",
            "content": content,
            "created_at": draw(stamp),
            "updated_at": draw(stamp),
        }
        if "topic" in content:
            doc["topic"] = content["topic"]
        out.add("techtree", "syllabi", "syllabus", doc)
        syllabi.append((sid, modules if isinstance(modules, list) else []))
        if draw(st.integers(0, 5)) == 0:  # the same syllabus_id again
            out.add("techtree", "syllabi", "syllabus", {**doc, "topic": "dup"})

    def place(draw: st.DrawFn) -> tuple[Any, Any, Any]:
        if syllabi and draw(st.integers(0, 4)):
            sid, modules = draw(st.sampled_from(syllabi))
            spots = [(m, n) for m, mod in enumerate(modules) for n in range(len(mod["lessons"]))]
            if spots and draw(st.integers(0, 3)):
                m, n = draw(st.sampled_from(spots))
                as_text = draw(st.integers(0, 5)) == 0  # "an index as text"
                return sid, (str(m) if as_text else m), n
            return sid, draw(index_like), draw(index_like)
        return draw(st.sampled_from([str(uuid.uuid4()), None, "not-a-uuid"])), 0, 0

    lesson_ids: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        sid, m, n = place(draw)
        reuse = lesson_ids and draw(st.integers(0, 5)) == 0  # a duplicate lesson_id
        lesson_ids.append(draw(st.sampled_from(lesson_ids)) if reuse else str(uuid.uuid4()))
        out.add(
            "techtree",
            "lesson_content",
            "content",
            {
                "lesson_id": lesson_ids[-1],
                "syllabus_id": sid,
                "module_index": m,
                "lesson_index": n,
                "content": draw(
                    st.one_of(
                        st.fixed_dictionaries({"exposition_content": st.text(letters)}),
                        st.text(letters, max_size=20),
                        st.integers(),
                    )
                ),
                "created_at": draw(stamp),
                "updated_at": draw(stamp),
            },
        )
    for _ in range(draw(st.integers(0, 6))):
        sid, m, n = place(draw)
        doc = {
            "progress_id": str(uuid.uuid4()),
            "user_id": draw(st.sampled_from([*users, *users, *strangers, None])),
            "syllabus_id": sid,
            "module_index": m,
            "lesson_index": n,
            "status": draw(st.sampled_from([*STATUSES, "done"])),
            "score": draw(score),
            "created_at": draw(stamp),
            "updated_at": draw(stamp),
        }
        if draw(st.integers(0, 6)) == 0:
            del doc[draw(st.sampled_from(sorted(doc)))]  # a missing field
        out.add("techtree", "user_progress", "progress", doc)
    check_ids: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        reuse = check_ids and draw(st.integers(0, 4)) == 0
        check_ids.append(draw(st.sampled_from(check_ids)) if reuse else str(uuid.uuid4()))
        doc = {
            "assessment_id": check_ids[-1],
            "user_id": draw(st.sampled_from([*users, None])),
            "topic": draw(st.one_of(words, st.none())),
            "knowledge_level": draw(st.sampled_from(["beginner", "advanced"])),
            "score": draw(score),
            "question_history": draw(st.lists(words, max_size=3)),
            "response_history": draw(st.one_of(st.lists(words, max_size=2), st.just("x"))),
            "created_at": draw(stamp),
        }
        out.add("techtree", "user_assessments", "assessment", doc)

    # The lesson engine's file: syllabi by uid (or none, the oldest layout), copies of masters,
    # content by "<uid>_<module title>_<lesson title>", progress per learner by topic and title.
    engine: list[dict[str, Any]] = []
    for number in range(draw(st.integers(0, 4))):
        doc = {
            "topic": f"en topic {number} " + draw(words),
            "level": "beginner",
            "duration": "3 weeks",
            "learning_objectives": draw(st.lists(words, max_size=2)),
            "modules": _modules(draw, "en"),
        }
        if draw(st.integers(0, 3)):  # newer layout
            masters = [e for e in engine if e.get("is_master")]
            parent = draw(st.sampled_from([None, *masters])) if masters and users else None
            if parent is not None:  # a learner's copy: the master's syllabus, their own uid
                doc.update(topic=parent["topic"], modules=parent["modules"])
            doc.update(
                uid=str(uuid.uuid4()),
                is_master=parent is None and draw(st.booleans()),
                parent_uid=parent["uid"] if parent else None,
                user_entered_topic=draw(words),
                user_id=draw(st.sampled_from(users)) if parent else None,
                created_at=draw(stamp),
                updated_at=draw(stamp),
            )
        out.add("engine", "syllabi", "engine_syllabus", doc)
        engine.append(doc)
    for _ in range(draw(st.integers(0, 4))):
        lessons = [
            f"{doc['uid']}_{module['title']}_{lesson['title']}"
            for doc in engine
            if doc.get("uid")
            for module in doc["modules"]
            for lesson in module["lessons"]
        ]
        uid = draw(st.sampled_from(lessons)) if lessons else f"{uuid.uuid4()}_a_b"
        content = {"exposition_content": draw(st.text(letters, max_size=20))}
        out.add(
            "engine",
            "lesson_content",
            "engine_content",
            {"lesson_uid": uid, "content": content, "updated_at": draw(stamp)},
        )
    for email in draw(st.lists(st.sampled_from([*emails, "nobody@example.com"]), max_size=2)):
        doc = {"user_email": email, "created_at": draw(stamp), "updated_at": draw(stamp)}
        for course in draw(st.lists(st.sampled_from(engine), max_size=2)) if engine else []:
            titles = [lesson["title"] for m in course["modules"] for lesson in m["lessons"]]
            done = draw(st.lists(st.sampled_from([*titles, "no such lesson"]), max_size=3))
            doc[course["topic"]] = {
                "completed_lessons": done,
                "current_lesson": draw(st.sampled_from([*titles, None])) if titles else None,
                "performance": {
                    t: {"score": draw(score), "completed_at": draw(stamp)} for t in done
                },
                "overall_progress": 0.5,
            }
        if draw(st.integers(0, 3)) == 0:
            doc["a topic nobody has"] = {"completed_lessons": ["x"]}
        out.add("engine", "user_progress", "engine_progress", doc)

    for _ in range(draw(st.integers(0, 2))):  # tables nobody knows, documents that are not objects
        out.add(
            "techtree",
            draw(st.sampled_from(["settings", "_default"])),
            "unknown",
            {"note": draw(json_value)},
        )
    if draw(st.integers(0, 4)) == 0:
        out.add("engine", "syllabi", "unknown", draw(st.sampled_from([[1, 2], "text", 7, None])))
    return out


# --- the accounting ----------------------------------------------------------------------------


def utc_text(value: Any) -> str | None:
    """What a legacy timestamp becomes, or None when the importer may use the import time."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(os.environ["TZ"]))
    return parsed.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdecimal():
        return int(value)
    return None


@dataclass
class Found:
    """Everything the import wrote, over all profiles (a shared course is in several)."""

    kept: set[tuple[str, str, str]] = field(default_factory=set)  # (file, table, doc id)
    learners: set[str] = field(default_factory=set)
    courses: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    contents: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    events: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    checks: set[str] = field(default_factory=set)
    masters: dict[str, str | None] = field(default_factory=dict)


def found_in(root: Path, files: dict[str, Path]) -> Found:
    names = {str(path): name for name, path in files.items()}
    found = Found()
    for profile in list_profiles(data_locations(root)):
        if profile.legacy_user_id:
            found.learners.add(profile.legacy_user_id)
        db = profile.db_file
        if not db.exists():
            continue
        report = check_database(db)
        assert report.integrity == [] and report.foreign_keys == [], profile.name
        for path, table, doc_id in rows(
            db,
            "SELECT s.path, d.table_name, d.doc_id FROM legacy_documents d "
            "JOIN import_sources s ON s.id = d.source_id",
        ):
            found.kept.add((names[path], table, doc_id))
        for course_id, topic, master in rows(db, "SELECT id, topic, master_id FROM courses"):
            found.courses[course_id] = (topic,)
            found.masters[course_id] = master
        for row in rows(
            db,
            "SELECT c.id, l.course_id, m.position, l.position, m.title, l.title "
            "FROM lesson_contents c JOIN lessons l ON l.id = c.lesson_id "
            "JOIN course_modules m ON m.id = l.module_id",
        ):
            found.contents[row[0]] = row[1:]
        for row in rows(
            db,
            "SELECT e.id, e.course_id, m.position, l.position, l.title, e.status, e.occurred_at "
            "FROM lesson_events e JOIN lessons l ON l.id = e.lesson_id "
            "JOIN course_modules m ON m.id = l.module_id",
        ):
            found.events[row[0]] = row[1:]
        found.checks |= {check for (check,) in rows(db, "SELECT id FROM placement_checks")}
    return found


def engine_courses(export: Export, found: Found, topic: str) -> dict[str, str | None]:
    """Course id -> owner of the imported courses with this topic (the oldest have none)."""
    owners = {
        doc.body["uid"]: doc.body.get("user_id")
        for doc in export.docs
        if doc.kind == "engine_syllabus" and doc.body.get("uid")
    }
    return {cid: owners.get(cid) for cid, (t,) in found.courses.items() if t == topic}


def assert_accounted_for(export: Export, found: Found) -> None:
    verbatim = Counter()
    typed = Counter()
    ds_courses = set()
    for doc in export.docs:
        if (doc.file, doc.table, doc.doc_id) in found.kept:
            verbatim[doc.kind] += 1
            continue
        body = doc.body
        typed[doc.kind] += 1
        if doc.kind == "user":
            assert body["user_id"] in found.learners, doc
        elif doc.kind == "syllabus":
            assert body["syllabus_id"] in found.courses, doc
            ds_courses.add(body["syllabus_id"])
        elif doc.kind == "engine_syllabus":
            if body.get("uid"):
                assert body["uid"] in found.courses, doc
                if body.get("parent_uid"):  # a learner's copy stays linked to its master
                    assert found.masters[body["uid"]] == body["parent_uid"], doc
            else:
                assert (body["topic"].strip(),) in found.courses.values(), doc
        elif doc.kind == "content":
            course, m, n, _, _ = found.contents[body["lesson_id"]]
            where = (body["syllabus_id"], whole(body["module_index"]), whole(body["lesson_index"]))
            assert (course, m, n) == where, doc
        elif doc.kind == "engine_content":
            assert any(
                f"{course}_{mt}_{lt}" == body["lesson_uid"]
                for course, _, _, mt, lt in found.contents.values()
            ), doc
        elif doc.kind == "progress":
            when = utc_text(body.get("updated_at") or body.get("created_at"))
            expected = (
                body["syllabus_id"],
                whole(body["module_index"]),
                whole(body["lesson_index"]),
                body["status"],
            )
            assert any(
                (event[0], event[1], event[2], event[4]) == expected and when in (None, event[5])
                for event in found.events.values()
            ), doc
        elif doc.kind == "engine_progress":
            learner = export.learners[body["user_email"]]
            for topic, entry in body.items():
                where = (doc.file, doc.table, f"{doc.doc_id}/{topic}")
                if topic in ("user_email", "created_at", "updated_at") or where in found.kept:
                    continue
                # The learner's own copy of the topic first, else the shared syllabus.
                courses = engine_courses(export, found, topic.strip())
                own = {uid for uid, owner in courses.items() if owner == learner}
                shared = {uid for uid, owner in courses.items() if owner is None}
                on = own or shared or set(courses)
                titles = set(entry["completed_lessons"]) | {entry["current_lesson"]} - {None}
                have = {e[3] for e in found.events.values() if e[0] in on}
                assert titles <= have, (topic, titles, have)
        elif doc.kind == "assessment":
            assert body["assessment_id"] in found.checks, doc
        else:
            raise AssertionError(f"{doc} should have been kept verbatim")
    # Typed rows plus documents kept verbatim are the documents, kind by kind.
    assert typed["user"] == len(found.learners)
    assert typed["syllabus"] + typed["engine_syllabus"] == len(found.courses)
    assert typed["content"] + typed["engine_content"] == len(found.contents)
    ds_events = [e for e in found.events.values() if e[0] in ds_courses]
    assert typed["progress"] == len(ds_events)
    assert typed["assessment"] == len(found.checks)


# --- the property ------------------------------------------------------------------------------


def use_zone(zone: str) -> None:
    os.environ["TZ"] = zone
    time.tzset()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(export=exports())
def test_every_document_is_accounted_for_and_a_second_import_adds_nothing(
    export: Export, tmp_path_factory, local_zone: str
):
    work = tmp_path_factory.mktemp("export")
    files = {
        "techtree": write_json(work / "techtree_db.json", export.techtree),
        "engine": write_json(work / "syllabus_db.json", export.engine),
    }
    checksums = {name: sha256(path) for name, path in files.items()}
    locations = data_locations(work / "data")
    default = create_profile(locations, "Default")
    ProfileDatabase.open(default.db_file, default.backups_dir, create=True).close()

    first = import_legacy(locations, list(files.values()), default_profile=default)
    assert first.unreadable == []
    assert_accounted_for(export, found_in(locations.root, files))
    after_first = dump_data_dir(locations.root)

    # The same documents written out another way, on a computer in another time zone.
    rewritten = {
        "techtree": write_json(work / "techtree_copy.json", export.techtree, indent=1),
        "engine": write_json(work / "syllabus_copy.json", export.engine, indent=1),
    }
    use_zone("Asia/Tokyo")
    try:
        second = import_legacy(locations, list(rewritten.values()), default_profile=default)
        assert [p.counts for p in second.profiles if any(p.counts.values())] == []
        assert not any(p.created for p in second.profiles)
        after_second = dump_data_dir(locations.root)
        for name, profile in after_first.items():
            tables = {t: r for t, r in profile["tables"].items() if t != "import_sources"}
            again = after_second[name]["tables"]
            assert {t: r for t, r in again.items() if t != "import_sources"} == tables, name
        assert set(after_second) == set(after_first)

        third = import_legacy(locations, list(rewritten.values()), default_profile=default)
        assert all(p.already_imported for p in third.profiles)
        assert dump_data_dir(locations.root) == after_second
    finally:
        use_zone(local_zone)
    assert {name: sha256(path) for name, path in files.items()} == checksums
