"""Legacy learners and their progress: every old record can be found again, and nothing is merged
or made up without the report saying so (issue 12, item 2).

- Each `user_progress` document's `progress_id` (DatabaseService layout) and each lesson-engine
  entry (its document, email, topic and lesson) is recorded in the lesson event's detail.
- A timestamp that is there but cannot be read is named in the report with what was used.
- Two legacy users with one email but two user ids are two learners: two profiles, the second
  named with the day its account was made, and a note in the report.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from importer_helpers import rows, techtree_export, write_json

from app.core.profiles import Profile, list_profiles
from app.importers.legacy_import import ImportReport, import_legacy
from app.importers.report_text import report_lines
from app.paths import DataLocations
from app.ui.dialogs.import_report import report_html

NAIVE = "2025-03-26T09:29:11.442170"  # 13:29:11 UTC in New York (the tests' zone)


def import_files(locations: DataLocations, default: Profile, *paths: Path) -> ImportReport:
    return import_legacy(locations, list(paths), default_profile=default)


def every_profile_db(locations: DataLocations) -> list[Path]:
    return [p.db_file for p in list_profiles(locations) if p.db_file.exists()]


def event_details(locations: DataLocations) -> list[dict[str, Any]]:
    found = []
    for db in every_profile_db(locations):
        found += [json.loads(d) for (d,) in rows(db, "SELECT detail FROM lesson_events")]
    return found


def kept_bodies(locations: DataLocations) -> list[str]:
    found = []
    for db in every_profile_db(locations):
        found += [body for (body,) in rows(db, "SELECT body FROM legacy_documents")]
    return found


def test_every_progress_id_of_a_generated_export_can_be_found(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    export = techtree_export(users=3, syllabi=4, contents=5, progress=98, assessments=0)
    path = write_json(tmp_path / "techtree_db.json", export)
    documents = export["user_progress"]

    report = import_files(locations, default_profile, path)

    assert report.complete
    details = event_details(locations)
    recorded = {d["legacy"]["progress_id"]: d["legacy"] for d in details}
    kept = kept_bodies(locations)
    for doc_id, doc in documents.items():
        if doc["progress_id"] in recorded:
            legacy = recorded[doc["progress_id"]]
            assert (legacy["table"], legacy["doc_id"]) == ("user_progress", doc_id)
        else:  # kept aside whole (an orphan): its body holds the id
            assert any(doc["progress_id"] in body for body in kept), doc
    assert len(recorded) >= 90  # nearly all came in as events; none is lost either way
    # and it is findable with SQLite's own JSON functions
    some = next(iter(recorded))
    found = sum(
        rows(
            db,
            "SELECT count(*) FROM lesson_events WHERE detail ->> '$.legacy.progress_id' = ?",
            some,
        )[0][0]
        for db in every_profile_db(locations)
    )
    assert found == 1


def test_lesson_engine_progress_records_its_document_email_topic_and_lesson(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    user_id = str(uuid.uuid4())
    users = {"users": {"1": {"user_id": user_id, "email": "ana@example.com", "name": "Ana"}}}
    modules = [{"title": "Basics", "lessons": [{"title": "One"}, {"title": "Two"}]}]
    engine = {
        "syllabi": {"1": {"topic": "Python", "level": "beginner", "modules": modules}},
        "user_progress": {
            "7": {
                "user_email": "ana@example.com",
                "updated_at": NAIVE,
                "Python": {"completed_lessons": ["One"], "current_lesson": "Two"},
            }
        },
    }
    files = [
        write_json(tmp_path / "techtree_db.json", users),
        write_json(tmp_path / "syllabus_db.json", engine),
    ]
    import_files(locations, default_profile, *files)
    legacy = sorted((d["legacy"] for d in event_details(locations)), key=lambda d: d["lesson"])
    common = {"table": "user_progress", "doc_id": "7", "email": "ana@example.com"}
    assert legacy == [
        {**common, "topic": "Python", "lesson": "One"},
        {**common, "topic": "Python", "lesson": "Two"},
    ]


def test_a_timestamp_that_cannot_be_read_is_named_in_the_report(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    user_id, syllabus_id = str(uuid.uuid4()), str(uuid.uuid4())
    modules = [{"title": "Gravity", "lessons": [{"title": "Newton"}]}]
    export = {
        "users": {"1": {"user_id": user_id, "email": "ana@example.com", "name": "Ana"}},
        "syllabi": {
            "1": {
                "syllabus_id": syllabus_id,
                "user_id": user_id,
                "topic": "black holes",
                "content": {"topic": "black holes", "modules": modules},
                "created_at": "the day after tomorrow",
                "updated_at": NAIVE,
            }
        },
        "user_progress": {
            "1": {
                "progress_id": str(uuid.uuid4()),
                "user_id": user_id,
                "syllabus_id": syllabus_id,
                "module_index": 0,
                "lesson_index": 0,
                "status": "completed",
                "score": 90,
                "created_at": NAIVE,
                "updated_at": "yesterday",
            }
        },
    }
    before = datetime.now(UTC)
    report = import_files(locations, default_profile, write_json(tmp_path / "t.json", export))

    (ana,) = [p for p in report.profiles if p.profile == "Ana"]
    said = {(r.table, r.doc_id): r.text for r in ana.remarks}
    assert said == {
        ("syllabi", "1"): "created_at 'the day after tomorrow' is not a time; "
        "the import's time was used",
        ("user_progress", "1"): "updated_at 'yesterday' is not a time; its created_at was used",
    }
    lines = report_lines(report)
    assert (
        "  note: user_progress #1: updated_at 'yesterday' is not a time; its created_at was used"
        in lines
    )
    # The event is when the learner did it (created_at), not the moment of the import.
    ((occurred,),) = rows(ana_db(locations), "SELECT occurred_at FROM lesson_events")
    assert occurred == "2025-03-26T13:29:11.442170Z"
    ((created,),) = rows(ana_db(locations), "SELECT created_at FROM courses")
    assert created >= before.strftime("%Y-%m-%dT%H:%M")  # the import's time, as it says
    # The ledger keeps what was said with the file.
    ((ledger,),) = rows(ana_db(locations), "SELECT report FROM import_sources")
    assert len(json.loads(ledger)["remarks"]) == 2


def ana_db(locations: DataLocations) -> Path:
    (profile,) = [p for p in list_profiles(locations) if p.name == "Ana"]
    return profile.db_file


def progress_of(user_id: str, syllabus_id: str, lesson: int) -> dict[str, Any]:
    return {
        "progress_id": str(uuid.uuid4()),
        "user_id": user_id,
        "syllabus_id": syllabus_id,
        "module_index": 0,
        "lesson_index": lesson,
        "status": "completed",
        "score": 50 + lesson,
        "created_at": NAIVE,
        "updated_at": NAIVE,
    }


def test_two_learners_with_one_email_are_kept_apart_and_reported(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    first, second, syllabus_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    user = {"email": "ana@example.com", "name": "Ana", "password_hash": None}
    lessons = [{"title": f"Lesson {n}"} for n in range(3)]
    export = {
        "users": {
            "1": {**user, "user_id": first, "created_at": "2025-03-22T21:11:52"},
            "2": {**user, "user_id": second, "created_at": "2025-04-02T08:00:00"},
        },
        "syllabi": {
            "1": {
                "syllabus_id": syllabus_id,
                "user_id": None,
                "topic": "orbits",
                "content": {"topic": "orbits", "modules": [{"title": "M", "lessons": lessons}]},
            }
        },
        "user_progress": {
            "1": progress_of(first, syllabus_id, 0),
            "2": progress_of(second, syllabus_id, 1),
            "3": progress_of(second, syllabus_id, 2),
        },
    }
    path = write_json(tmp_path / "techtree_db.json", export)

    report = import_files(locations, default_profile, path)

    learners = {p.legacy_user_id: p for p in list_profiles(locations) if p.legacy_user_id}
    assert {user_id: p.name for user_id, p in learners.items()} == {
        first: "Ana",
        second: "Ana (account of 2025-04-02)",
    }
    for user_id, lessons_done in ((first, [0]), (second, [1, 2])):
        positions = rows(
            learners[user_id].db_file,
            "SELECT l.position FROM lesson_events e JOIN lessons l ON l.id = e.lesson_id "
            "ORDER BY 1",
        )
        assert [p for (p,) in positions] == lessons_done
    (second_report,) = [p for p in report.profiles if p.profile_id == learners[second].id]
    (remark,) = second_report.remarks
    assert (remark.table, remark.doc_id) == ("users", "2")
    assert remark.text == (
        f"The learner 'Ana' (user {first}) has the same email (ana@example.com) but is another "
        "learner (another user id); this one is kept apart, in the profile "
        "'Ana (account of 2025-04-02)'"
    )
    assert any("kept apart" in line for line in report_lines(report))
    html = report_html(report)  # the window's report dialog says it too
    assert "<h3>Notes</h3>" in html and "techtree_db.json, users #2" in html
    assert "kept apart, in the profile &#x27;Ana (account of 2025-04-02)&#x27;" in html

    # Importing again finds each by their own id: nothing new, no third profile.
    again = import_files(locations, default_profile, path)
    assert len(list_profiles(locations)) == 3
    assert all(not any(p.counts.values()) for p in again.profiles)


def test_a_learner_with_the_email_of_a_profile_made_before_gets_their_own(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    user = {"email": "Bo@example.com", "name": "Bo", "created_at": "2025-03-22T21:11:52"}
    import_files(
        locations,
        default_profile,
        write_json(tmp_path / "one.json", {"users": {"1": {**user, "user_id": first}}}),
    )
    report = import_files(
        locations,
        default_profile,
        write_json(
            tmp_path / "two.json",
            {"users": {"4": {**user, "user_id": second, "email": "bo@EXAMPLE.com"}}},
        ),
    )
    names = sorted(p.name for p in list_profiles(locations))
    assert names == ["Bo", "Bo (account of 2025-03-22)", "Default"]
    (made,) = [p for p in report.profiles if p.created]
    (remark,) = made.remarks
    assert remark.text.startswith("The profile 'Bo' has the same email (bo@EXAMPLE.com)")
