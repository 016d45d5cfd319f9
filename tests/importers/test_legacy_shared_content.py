"""What the older apps kept outside any one account (TechTree's shared syllabi, the lesson
engine's syllabi with no user, MS2's question bank, notes and articles) comes in where the
learners will open it.

TechTree showed a shared (master) syllabus to every account, and MS2's question bank was the
same for everyone: each learner of the older apps finds them in their own profile, not in the
profile made for the launch (or the one the import was started from). With no account in the
files, they go to the profile the import is for, as before. The report says where they went.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from importer_helpers import (
    ENGINE,
    MS2_ARTICLES,
    MS2_NOTES,
    MS2_QUESTIONS,
    RECONSTRUCTED,
    USERS_DAY_TWO,
    count,
    dump_data_dir,
    rows,
    sha256,
    write_json,
)

from app.core.profiles import Profile, find_profile, list_profiles
from app.importers.legacy_import import ImportReport, import_legacy
from app.importers.report_text import report_lines, shared_sentence
from app.paths import DataLocations
from app.ui.dialogs.import_report import report_html

SYLLABUS_ID = "30643741-275d-4a09-a3a0-707588680816"  # the reconstructed file's own syllabus
MS2 = (MS2_QUESTIONS, MS2_NOTES, MS2_ARTICLES)


def load(fixtures: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((fixtures / name).read_text(encoding="utf-8"))
    return data


def held(profile: Profile) -> dict[str, int]:
    db = profile.db_file
    return {t: count(db, t) for t in ("courses", "lesson_contents", "questions", "notes")}


def course_topics(profile: Profile) -> list[str]:
    return sorted(topic for (topic,) in rows(profile.db_file, "SELECT topic FROM courses"))


def engine_topics(fixtures: Path) -> list[str]:
    return sorted(s["topic"].strip() for s in load(fixtures, ENGINE)["syllabi"].values())


def with_a_shared_syllabus(fixtures: Path, tmp_path: Path) -> tuple[Path, str]:
    """The reconstructed TechTree file, with a second learner and a shared copy of its
    syllabus (user_id null, as the app's masters were) that has a lesson text and progress
    of the second learner."""
    data = load(fixtures, RECONSTRUCTED)
    own = data["syllabi"]["1"]
    shared_id = str(uuid.uuid4())
    data["syllabi"]["2"] = {
        **own,
        "syllabus_id": shared_id,
        "user_id": None,
        "topic": "stars",
        "content": {**own["content"], "topic": "stars"},
    }
    data["lesson_content"]["2"] = {
        **data["lesson_content"]["1"],
        "lesson_id": str(uuid.uuid4()),
        "syllabus_id": shared_id,
    }
    second = str(uuid.uuid4())
    data["users"]["2"] = {
        **data["users"]["1"],
        "user_id": second,
        "email": "second@example.com",
        "name": "Second Learner",
    }
    data["user_progress"]["2"] = {
        **data["user_progress"]["1"],
        "progress_id": str(uuid.uuid4()),
        "user_id": second,
        "syllabus_id": shared_id,
    }
    data["user_assessments"] = {  # taken without an account: one learner's, nobody knows whose
        "1": {
            "assessment_id": str(uuid.uuid4()),
            "user_id": None,
            "topic": "stars",
            "knowledge_level": "beginner",
            "score": 20.0,
            "question_history": ["What is a star?"],
            "response_history": ["A ball of gas"],
            "created_at": "2025-03-25T10:00:00",
        }
    }
    return write_json(tmp_path / "techtree_db.json", data), shared_id


def test_the_one_learner_finds_the_shared_courses_and_question_bank_in_their_profile(
    locations: DataLocations, default_profile: Profile, fixtures: Path
):
    """First launch on a computer with TechTree (one account), its lesson engine (syllabi of
    no user) and MS2 QBank (no accounts at all)."""
    files = [fixtures / name for name in (RECONSTRUCTED, ENGINE, *MS2)]
    checksums = {path: sha256(path) for path in files}

    report = import_legacy(locations, files, default_profile=default_profile)

    learner = find_profile(locations, "Sample Learner")
    assert course_topics(learner) == sorted(["black holes", *engine_topics(fixtures)])
    assert held(learner) == {"courses": 4, "lesson_contents": 1, "questions": 2, "notes": 5}
    assert count(learner.db_file, "lesson_events") == 1
    # The profile made for the launch is not where the learner looks: nothing went there.
    assert held(default_profile) == {"courses": 0, "lesson_contents": 0, "questions": 0, "notes": 0}
    assert report.shared_with == ["Sample Learner"]
    sentence = shared_sentence(report)
    assert sentence is not None and "'Sample Learner'" in sentence
    assert sentence in report_lines(report)
    assert "Sample Learner" in report_html(report).split("<h3>")[0]  # said before the profiles
    assert report.as_json()["shared_with"] == ["Sample Learner"]

    before = dump_data_dir(locations.root)
    again = import_legacy(locations, files, default_profile=default_profile)
    assert dump_data_dir(locations.root) == before
    assert all(p.already_imported and not any(p.counts.values()) for p in again.profiles)
    assert {path: sha256(path) for path in files} == checksums


def test_with_several_learners_the_shared_content_is_kept_once_where_the_import_is_for(
    locations: DataLocations, default_profile: Profile, fixtures: Path, tmp_path: Path
):
    """Not a copy in each learner's profile: for 100 learners that was 1.2 million lessons and
    6 minutes instead of 5 s. Each learner still has the shared courses they studied."""
    techtree, shared_id = with_a_shared_syllabus(fixtures, tmp_path)
    files = [techtree, fixtures / ENGINE, fixtures / MS2_QUESTIONS]
    checksums = {path: sha256(path) for path in files}

    report = import_legacy(locations, files, default_profile=default_profile)

    first, second = (
        find_profile(locations, "Sample Learner"),
        find_profile(locations, "Second Learner"),
    )
    shared_topics = sorted(["stars", *engine_topics(fixtures)])
    assert course_topics(default_profile) == shared_topics
    assert held(default_profile)["questions"] == 2
    assert course_topics(first) == ["black holes"]
    assert course_topics(second) == ["stars"]  # the shared course their progress is in
    assert (
        count(
            second.db_file,
            "lesson_contents",
            "lesson_id IN (SELECT id FROM lessons WHERE course_id = ?)",
            shared_id,
        )
        == 1
    )
    assert count(first.db_file, "questions") == count(second.db_file, "questions") == 0
    # Progress stays with the learner who made it.
    assert rows(first.db_file, "SELECT DISTINCT course_id FROM lesson_events") == [(SYLLABUS_ID,)]
    assert rows(second.db_file, "SELECT DISTINCT course_id FROM lesson_events") == [(shared_id,)]
    # A placement check of no account is one learner's result: kept once, not given to each.
    assert count(default_profile.db_file, "placement_checks") == 1
    assert (
        count(first.db_file, "placement_checks") == count(second.db_file, "placement_checks") == 0
    )
    assert report.shared_with == [default_profile.name] and report.shared_once
    sentence = shared_sentence(report)
    assert sentence is not None and repr(default_profile.name) in sentence
    assert "each learner's profile has the shared courses they studied" in sentence

    before = dump_data_dir(locations.root)
    import_legacy(locations, files, default_profile=default_profile)
    assert dump_data_dir(locations.root) == before
    assert {path: sha256(path) for path in files} == checksums


def test_a_file_that_grew_adds_its_new_shared_course_once(
    locations: DataLocations, default_profile: Profile, fixtures: Path, tmp_path: Path
):
    import_legacy(locations, [fixtures / USERS_DAY_TWO], default_profile=default_profile)
    data = load(fixtures, USERS_DAY_TWO)
    engine = load(fixtures, ENGINE)
    data["syllabi"] = {
        "1": {
            "syllabus_id": (shared_id := str(uuid.uuid4())),
            "user_id": None,
            "topic": "stars",
            "level": "beginner",
            "content": {**engine["syllabi"]["1"], "topic": "stars"},
            "created_at": "2025-03-24T10:33:24.898145",
            "updated_at": "2025-03-24T10:33:24.898145",
        }
    }
    grown = write_json(tmp_path / "techtree_db.json", data)

    report = import_legacy(locations, [grown], default_profile=default_profile)

    learners = [p for p in list_profiles(locations) if p.legacy_user_id]
    assert len(learners) == 2
    assert rows(default_profile.db_file, "SELECT id FROM courses") == [(shared_id,)]
    assert {p.profile: p.counts["courses"] for p in report.profiles} == {
        "Default": 1,
        "Test User": 0,
        "Second Learner": 0,
    }
    before = dump_data_dir(locations.root)
    import_legacy(locations, [grown], default_profile=default_profile)
    assert dump_data_dir(locations.root) == before


def test_without_any_account_the_shared_content_goes_to_the_profile_imported_into(
    locations: DataLocations, default_profile: Profile, fixtures: Path
):
    report = import_legacy(
        locations,
        [fixtures / ENGINE, *(fixtures / n for n in MS2)],
        default_profile=default_profile,
    )

    assert held(default_profile) == {"courses": 3, "lesson_contents": 0, "questions": 2, "notes": 5}
    assert [p.name for p in list_profiles(locations)] == ["Default"]
    assert report.shared_with == [] and shared_sentence(report) is None


def test_an_import_into_a_learners_own_profile_brings_what_is_new_and_the_bank(
    locations: DataLocations, default_profile: Profile, fixtures: Path, tmp_path: Path
):
    """File > Import from the migrated learner's own window: the file grew (a new progress
    record), and the question bank comes along; nothing is taken for "already imported"."""
    import_legacy(locations, [fixtures / RECONSTRUCTED], default_profile=default_profile)
    learner = find_profile(locations, "Sample Learner")
    data = load(fixtures, RECONSTRUCTED)
    data["user_progress"]["2"] = {
        **data["user_progress"]["1"],
        "progress_id": str(uuid.uuid4()),
        "lesson_index": 2,
        "status": "completed",
    }
    grown = write_json(tmp_path / "techtree_db.json", data)

    report = import_legacy(locations, [grown, fixtures / MS2_QUESTIONS], default_profile=learner)

    assert [(p.profile, p.counts["progress"], p.counts["questions"]) for p in report.profiles] == [
        ("Sample Learner", 1, 2)
    ]
    assert count(learner.db_file, "lesson_events") == 2
    assert count(learner.db_file, "questions") == 2
    assert held(default_profile)["questions"] == 0
    again = import_legacy(locations, [grown, fixtures / MS2_QUESTIONS], default_profile=learner)
    assert [p.already_imported for p in again.profiles] == [
        [str(grown), str(fixtures / MS2_QUESTIONS)]
    ]


def test_a_dry_run_says_where_the_shared_content_would_go(
    locations: DataLocations, default_profile: Profile, fixtures: Path
):
    files = [fixtures / RECONSTRUCTED, fixtures / MS2_QUESTIONS]
    report: ImportReport = import_legacy(
        locations, files, default_profile=default_profile, dry_run=True
    )

    counts = {p.profile: p.counts["questions"] for p in report.profiles}
    assert counts == {"Default": 0, "Sample Learner": 2}
    assert report.shared_with == ["Sample Learner"]
    assert [p.name for p in list_profiles(locations)] == ["Default"]
