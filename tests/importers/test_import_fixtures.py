"""The real legacy samples in ../shared/fixtures/legacy/ come in whole, with their ids."""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from importer_helpers import (
    ENGINE,
    MS2_ARTICLES,
    MS2_NOTES,
    MS2_QUESTIONS,
    MS2_SCHEMA,
    RECONSTRUCTED,
    USERS_DAY_ONE,
    USERS_DAY_TWO,
    count,
    dump_data_dir,
    rows,
    sha256,
)

from app.cli import run
from app.core.profiles import Profile, find_profile, list_profiles, unlock
from app.db.check import check_database
from app.errors import WrongPassword
from app.importers.legacy_import import ImportReport, import_legacy
from app.paths import DataLocations

PASSWORD = "correct horse battery staple"
SYLLABUS_ID = "30643741-275d-4a09-a3a0-707588680816"
CONTENT_ID = "110a3d11-f42b-429e-a513-43a252e60af7"
ZERO = {
    "courses": 0,
    "modules": 0,
    "lessons": 0,
    "lesson_contents": 0,
    "progress": 0,
    "assessments": 0,
    "questions": 0,
    "notes": 0,
    "kept_verbatim": 0,
}


def load(fixtures: Path, name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((fixtures / name).read_text(encoding="utf-8"))


def utc_text(naive: str, zone: str) -> str:
    """A naive local timestamp as the database stores it: UTC, microseconds, 'Z'."""
    local = datetime.fromisoformat(naive).replace(tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def by_profile(report: ImportReport) -> dict[str, dict[str, object]]:
    return {p.profile: {**p.counts, "created": p.created} for p in report.profiles}


def healthy(profile: Profile) -> None:
    check = check_database(profile.db_file)
    assert check.integrity == [] and check.foreign_keys == []


def test_reconstructed_file_becomes_a_locked_profile_with_its_course(
    locations: DataLocations, default_profile: Profile, fixtures: Path, local_zone: str
):
    source = load(fixtures, RECONSTRUCTED)
    report = import_legacy(locations, [fixtures / RECONSTRUCTED], default_profile=default_profile)

    assert report.complete and report.unreadable == [] and report.empty == []
    learner = by_profile(report)["Sample Learner"]
    assert learner == {
        **ZERO,
        "courses": 1,
        "modules": 6,
        "lessons": 52,
        "lesson_contents": 1,
        "progress": 1,
        "created": True,
    }
    assert all(not p.problems for p in report.profiles)
    assert sorted(p.name for p in list_profiles(locations)) == ["Default", "Sample Learner"]

    profile = find_profile(locations, "Sample Learner")
    assert profile.locked and profile.password_hash.startswith("$2b$")  # type: ignore[union-attr]
    assert profile.legacy_user_id == "f1d2c603-b054-4b0c-a3dd-883447d9e419"
    assert profile.legacy_email == "learner@example.com"
    with pytest.raises(WrongPassword):
        unlock(profile, "not the password")
    assert unlock(profile, PASSWORD).password_hash.startswith("$argon2id$")  # type: ignore[union-attr]

    db = profile.db_file
    syllabus = source["syllabi"]["1"]
    assert rows(db, "SELECT id, topic, level, duration, legacy_key, created_at FROM courses") == [
        (
            SYLLABUS_ID,
            "black holes",
            "good knowledge",
            "6 weeks",
            SYLLABUS_ID,
            utc_text(syllabus["created_at"], local_zone),
        )
    ]
    modules = syllabus["content"]["modules"]
    assert rows(db, "SELECT position, week, title FROM course_modules ORDER BY position") == [
        (i, m["week"], m["title"]) for i, m in enumerate(modules)
    ]
    assert count(db, "lessons") == 52 == sum(len(m["lessons"]) for m in modules)
    titles = rows(
        db,
        "SELECT m.position, l.position, l.title FROM lessons l "
        "JOIN course_modules m ON m.id = l.module_id ORDER BY m.position, l.position",
    )
    assert titles == [
        (i, j, lesson["title"])
        for i, m in enumerate(modules)
        for j, lesson in enumerate(m["lessons"])
    ]

    ((content_id, at_module, at_lesson, body),) = rows(
        db,
        "SELECT c.id, m.position, l.position, c.body FROM lesson_contents c "
        "JOIN lessons l ON l.id = c.lesson_id JOIN course_modules m ON m.id = l.module_id",
    )
    assert (content_id, at_module, at_lesson) == (CONTENT_ID, 0, 0)
    # The damaged generated markdown is kept exactly as it was.
    assert json.loads(body) == source["lesson_content"]["1"]["content"]

    progress = source["user_progress"]["1"]
    assert rows(
        db,
        "SELECT e.kind, e.status, e.score, e.course_id, m.position, l.position, e.occurred_at "
        "FROM lesson_events e JOIN lessons l ON l.id = e.lesson_id "
        "JOIN course_modules m ON m.id = l.module_id",
    ) == [
        (
            "status",
            "in_progress",
            None,
            SYLLABUS_ID,
            1,
            1,
            utc_text(progress["updated_at"], local_zone),
        )
    ]
    assert utc_text(progress["updated_at"], local_zone) == "2025-03-27T23:39:23.075760Z"
    assert count(default_profile.db_file, "courses") == 0
    healthy(profile)


def test_lesson_engine_file_keeps_weeks_durations_and_objectives(
    locations: DataLocations, default_profile: Profile, fixtures: Path
):
    syllabi = list(load(fixtures, ENGINE)["syllabi"].values())
    report = import_legacy(locations, [fixtures / ENGINE], default_profile=default_profile)

    assert [p.profile for p in report.profiles] == ["Default"]
    assert by_profile(report)["Default"] == {
        **ZERO,
        "courses": 3,
        "modules": sum(len(s["modules"]) for s in syllabi),
        "lessons": sum(len(m["lessons"]) for s in syllabi for m in s["modules"]),
        "created": False,
    }
    assert report.profiles[0].problems == []
    db = default_profile.db_file
    for syllabus in syllabi:
        ((course_id, level, duration, objectives, is_master, master),) = rows(
            db,
            "SELECT id, level, duration, objectives, is_master, master_id FROM courses "
            "WHERE topic = ?",
            syllabus["topic"],
        )
        assert (level, duration) == (syllabus["level"], syllabus["duration"])
        assert json.loads(objectives) == syllabus["learning_objectives"]
        assert (is_master, master) == (1, None)
        assert rows(
            db,
            "SELECT position, week, title FROM course_modules WHERE course_id = ? "
            "ORDER BY position",
            course_id,
        ) == [(i, m["week"], m["title"]) for i, m in enumerate(syllabus["modules"])]
        lessons = rows(
            db,
            "SELECT l.title FROM lessons l JOIN course_modules m ON m.id = l.module_id "
            "WHERE l.course_id = ? ORDER BY m.position, l.position",
            course_id,
        )
        assert [t for (t,) in lessons] == [
            lesson["title"] for m in syllabus["modules"] for lesson in m["lessons"]
        ]
    healthy(default_profile)


def test_ms2_questions_notes_and_articles_keep_ids_tags_and_links(
    locations: DataLocations, default_profile: Profile, fixtures: Path
):
    files = [fixtures / MS2_QUESTIONS, fixtures / MS2_ARTICLES, fixtures / MS2_NOTES]
    report = import_legacy(locations, files, default_profile=default_profile)

    assert by_profile(report)["Default"] == {**ZERO, "questions": 2, "notes": 5, "created": False}
    db = default_profile.db_file
    questions = {q["id"]: q for q in load(fixtures, MS2_QUESTIONS)}
    stored = rows(
        db,
        "SELECT legacy_id, stem, choices, answer, explanation, subject, system, difficulty, "
        "status, extra, source FROM questions",
    )
    assert sorted(r[0] for r in stored) == ["q_1a2b3c4d", "q_5e6f7a8b"]
    for legacy_id, stem, choices, answer, explanation, *more in stored:
        subject, system, hard, status, extra, src = more
        q = questions[legacy_id]
        meta = q["metadata"]
        assert (stem, answer, src) == (q["stem"], q["answer"], "ms2")
        assert json.loads(choices) == q["choices"]
        assert json.loads(explanation) == q["explanation"]
        assert (subject, system, hard, status) == (
            meta["subject"],
            meta["system"],
            meta["difficulty"],
            meta["status"],
        )
        kept = json.loads(extra)
        assert kept["usage_count"] == meta["usage_count"]
        assert kept["keywords"] == meta["keywords"]
        assert kept["references"] == meta["references"]
        assert kept.get("media") == meta.get("media")
        tags = rows(
            db,
            "SELECT t.name FROM question_tags qt JOIN tags t ON t.id = qt.tag_id "
            "JOIN questions q ON q.id = qt.question_id WHERE q.legacy_id = ?",
            legacy_id,
        )
        assert sorted(t for (t,) in tags) == sorted(q["tags"])

    notes = rows(db, "SELECT legacy_id, kind, title, bookmarked FROM notes ORDER BY legacy_id")
    assert notes == [
        ("cardiology-basics", "article", "Cardiology Essentials", 0),
        ("infectious-diseases", "article", "Approach to Infectious Disease", 0),
        ("note-1", "note", "Valve lesions comparison", 0),
        ("note-2", "note", "Empiric antibiotics ladder", 1),
        ("renal-pathology", "article", "Renal Pathology High-Yield", 1),
    ]
    links = rows(
        db,
        "SELECT n.legacy_id, k.target_kind, k.target_id, k.resolved, t.legacy_id "
        "FROM note_links k JOIN notes n ON n.id = k.note_id "
        "LEFT JOIN notes t ON t.id = k.target_id ORDER BY n.legacy_id, k.target_kind",
    )
    (art1, question1, art2) = links
    assert (art1[0], art1[1], art1[3], art1[4]) == ("note-1", "article", 1, "cardiology-basics")
    # The note cites a question that was never exported: kept by its legacy id, unresolved.
    assert question1 == ("note-1", "question", "question-101", 0, None)
    assert (art2[0], art2[1], art2[3], art2[4]) == ("note-2", "article", 1, "infectious-diseases")
    note_tags = rows(
        db,
        "SELECT t.name FROM note_tags nt JOIN tags t ON t.id = nt.tag_id "
        "JOIN notes n ON n.id = nt.note_id WHERE n.legacy_id = 'note-1'",
    )
    assert sorted(t for (t,) in note_tags) == ["audio", "cardiology"]
    healthy(default_profile)


def test_day_two_finds_the_first_learner_again_and_adds_the_second(
    locations: DataLocations, default_profile: Profile, fixtures: Path
):
    first = import_legacy(locations, [fixtures / USERS_DAY_ONE], default_profile=default_profile)
    assert by_profile(first)["Test User"]["created"] is True
    test_user = find_profile(locations, "Test User")

    second = import_legacy(locations, [fixtures / USERS_DAY_TWO], default_profile=default_profile)
    made = by_profile(second)
    assert made["Test User"]["created"] is False
    assert made["Second Learner"]["created"] is True
    assert [p.name for p in list_profiles(locations)] == ["Default", "Second Learner", "Test User"]
    again = find_profile(locations, "Test User")
    assert again.id == test_user.id
    assert again.legacy_user_id == "d5fb76c4-287c-48d4-919f-ba3a29fd3793"
    newcomer = find_profile(locations, "Second Learner")
    assert newcomer.legacy_user_id == "bbe41922-d712-43b2-8b00-530705964873"
    assert newcomer.legacy_email == "second.learner@example.com"
    assert newcomer.password_hash == load(fixtures, USERS_DAY_TWO)["users"]["2"]["password_hash"]


def test_a_second_import_of_the_same_files_changes_nothing(
    locations: DataLocations, default_profile: Profile, fixtures: Path
):
    files = [
        fixtures / name
        for name in (
            USERS_DAY_ONE,
            RECONSTRUCTED,
            ENGINE,
            MS2_QUESTIONS,
            MS2_ARTICLES,
            MS2_NOTES,
            USERS_DAY_TWO,
        )
    ]
    checksums = {path: sha256(path) for path in files}
    first = import_legacy(locations, files, default_profile=default_profile)
    assert first.complete
    before = dump_data_dir(locations.root)

    second = import_legacy(locations, files, default_profile=default_profile)
    assert dump_data_dir(locations.root) == before
    assert {p.profile for p in second.profiles} == {p.profile for p in first.profiles}
    for profile in second.profiles:
        assert profile.counts == ZERO and not profile.created and profile.problems == []
        assert profile.already_imported
    assert {path: sha256(path) for path in files} == checksums
    for profile in list_profiles(locations):
        healthy(profile)


def test_the_cli_reports_the_import_as_json(
    locations: DataLocations, default_profile: Profile, fixtures: Path, capsys
):
    code = run(
        [
            "--data-dir",
            str(locations.root),
            "--profile",
            "Default",
            "import",
            "tinydb",
            str(fixtures / RECONSTRUCTED),
            "--json",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] is False and report["unreadable"] == []
    (learner,) = [p for p in report["profiles"] if p["profile"] == "Sample Learner"]
    assert learner["created"] is True
    assert {k: learner[k] for k in ("courses", "modules", "lessons", "lesson_contents")} == {
        "courses": 1,
        "modules": 6,
        "lessons": 52,
        "lesson_contents": 1,
    }
    assert learner["progress"] == 1 and learner["problems"] == []
    learner_db = find_profile(locations, "Sample Learner").db_file
    assert count(learner_db, "courses", "id = ?", SYLLABUS_ID) == 1


def test_the_question_schema_is_refused_and_nothing_is_written_for_it(
    locations: DataLocations, default_profile: Profile, fixtures: Path, capsys
):
    schema = fixtures / MS2_SCHEMA
    checksum = sha256(schema)
    before = dump_data_dir(locations.root)
    args = ["--data-dir", str(locations.root), "--profile", "Default", "import"]

    assert run([*args, "tinydb", str(schema)]) == 1
    err = capsys.readouterr().err
    assert str(schema) in err and "Nothing was imported" in err
    assert run([*args, "questions", str(schema)]) == 1
    assert str(schema) in capsys.readouterr().err
    assert dump_data_dir(locations.root) == before

    # Next to a good file: the good one comes in, the schema is still refused (exit 1).
    assert run([*args, "questions", str(fixtures / MS2_QUESTIONS), str(schema)]) == 1
    assert str(schema) in capsys.readouterr().err
    db = default_profile.db_file
    assert count(db, "questions") == 2
    assert count(db, "import_sources", "path = ?", str(schema)) == 0
    assert count(db, "legacy_documents") == 0
    assert sha256(schema) == checksum


def test_a_dry_run_says_what_would_come_in_and_writes_nothing(
    locations: DataLocations, default_profile: Profile, fixtures: Path
):
    before = dump_data_dir(locations.root)
    report = import_legacy(
        locations, [fixtures / RECONSTRUCTED], default_profile=default_profile, dry_run=True
    )
    assert report.dry_run
    assert by_profile(report)["Sample Learner"] == {
        **ZERO,
        "courses": 1,
        "modules": 6,
        "lessons": 52,
        "lesson_contents": 1,
        "progress": 1,
        "created": True,
    }
    assert dump_data_dir(locations.root) == before


def test_the_same_file_changed_and_imported_in_another_time_zone_adds_only_what_is_new(
    locations: DataLocations, default_profile: Profile, fixtures: Path, tmp_path: Path
):
    """A learner travels: the naive timestamps now read differently, the ids must not."""
    import_legacy(locations, [fixtures / RECONSTRUCTED], default_profile=default_profile)
    learner_db = find_profile(locations, "Sample Learner").db_file
    before = dump_data_dir(locations.root)

    grown = load(fixtures, RECONSTRUCTED)
    extra = dict(grown["user_progress"]["1"], progress_id=str(uuid.uuid4()), lesson_index=2)
    extra["updated_at"] = "2025-03-28T08:00:00"
    grown["user_progress"]["2"] = extra
    path = tmp_path / "techtree_db.json"
    path.write_text(json.dumps(grown, indent=2), encoding="utf-8")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    report = import_legacy(locations, [path], default_profile=default_profile)

    assert by_profile(report)["Sample Learner"] == {**ZERO, "progress": 1, "created": False}
    assert count(learner_db, "lesson_events") == 2
    after = dump_data_dir(locations.root)
    for folder, profile in before.items():
        for table, content in profile["tables"].items():
            if table not in ("import_sources", "lesson_events"):
                assert after[folder]["tables"][table] == content, table
    new_event = rows(
        learner_db,
        "SELECT occurred_at FROM lesson_events e JOIN lessons l ON l.id = e.lesson_id "
        "WHERE l.position = 2",
    )
    assert new_event == [("2025-03-27T23:00:00.000000Z",)]  # 08:00 in Tokyo
