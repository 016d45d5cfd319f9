"""Bad legacy input: a clear message naming the file, nothing written, nothing lost.

A file that cannot be read at all is refused whole; a document that cannot become a typed row is
kept verbatim in `legacy_documents` with its reason, and the rest of the file comes in.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from importer_helpers import (
    RECONSTRUCTED,
    ROOT,
    count,
    dump_data_dir,
    rows,
    sha256,
    write_big_tinydb,
    write_json,
)

from app.cli import run
from app.core.courses.lesson_log import state_of
from app.core.profiles import Profile, list_profiles
from app.db.database import ProfileDatabase
from app.importers.legacy_import import ImportReport, import_legacy
from app.paths import DataLocations

USER = "0b6f3a52-8d1e-4c57-9a43-2f1c5e7d9b10"
SYLLABUS = "6a2d9c14-3e5f-4b8a-9c7d-1e2f3a4b5c6d"
NAIVE = "2025-03-26T09:29:11.442170"


def import_files(
    locations: DataLocations, default: Profile, *paths: Path, **options: Any
) -> ImportReport:
    return import_legacy(locations, list(paths), default_profile=default, **options)


def kept(db_file: Path) -> dict[tuple[str, str], str]:
    """(table, doc id) -> reason, for every document kept verbatim."""
    found = rows(db_file, "SELECT table_name, doc_id, reason FROM legacy_documents")
    return {(table, doc): reason for table, doc, reason in found}


def syllabus(sid: str = SYLLABUS, *, user: str | None = USER, **content: Any) -> dict[str, Any]:
    body = {
        "topic": "black holes",
        "level": "beginner",
        "duration": "2 weeks",
        "learning_objectives": ["see"],
        "modules": [
            {"week": 1, "title": "Gravity", "lessons": [{"title": "Newton"}, {"title": "Kepler"}]},
            {"week": 2, "title": "Horizons", "lessons": [{"title": "Schwarzschild"}]},
        ],
        **content,
    }
    return {
        "syllabus_id": sid,
        "user_id": user,
        "topic": body["topic"],
        "level": "beginner",
        "content": body,
        "created_at": NAIVE,
        "updated_at": NAIVE,
    }


def progress(module: Any = 0, lesson: Any = 0, **fields: Any) -> dict[str, Any]:
    return {
        "progress_id": str(uuid.uuid4()),
        "user_id": USER,
        "syllabus_id": SYLLABUS,
        "module_index": module,
        "lesson_index": lesson,
        "status": "completed",
        "score": 80.0,
        "created_at": NAIVE,
        "updated_at": NAIVE,
        **fields,
    }


def user(uid: str = USER, email: str = "ana@example.com", **fields: Any) -> dict[str, Any]:
    return {
        "user_id": uid,
        "email": email,
        "name": "Ana",
        "password_hash": None,
        "created_at": NAIVE,
        "updated_at": NAIVE,
        **fields,
    }


def learner_db(locations: DataLocations, name: str = "Ana") -> Path:
    (profile,) = [p for p in list_profiles(locations) if p.name == name]
    return profile.db_file


# --- files refused whole ----------------------------------------------------------------------

RECONSTRUCTED_TEXT = (
    (ROOT.parent / "shared" / "fixtures" / "legacy" / RECONSTRUCTED).read_bytes()
    if (ROOT.parent / "shared" / "fixtures" / "legacy" / RECONSTRUCTED).exists()
    else json.dumps({"users": {"1": user()}, "syllabi": {"1": syllabus()}}, indent=2).encode()
)

REFUSED: dict[str, tuple[bytes, str]] = {
    "truncated": (RECONSTRUCTED_TEXT[: len(RECONSTRUCTED_TEXT) // 2], "ends too early (line"),
    "truncated inside a string": (b'{"users": {"1": {"user_id": "d5fb', "ends too early"),
    "array instead of tinydb": (
        json.dumps([user(), syllabus()]).encode(),
        "holds a JSON list, but not of MS2 questions",
    ),
    "invalid utf-8": ('{"users": {"1": {"name": "Zoë"}}}'.encode("latin-1"), "not UTF-8 text"),
    "utf-16": ('{"users": {}}'.encode("utf-16"), "not UTF-8 text"),
    "not json": (b"user_id,email\n1,ana@example.com\n", "is not valid JSON"),
    "a single value": (b'"techtree"', "holds a single JSON value"),
    "an object of no tables": (b'{"version": 3, "name": "db"}', "not a TinyDB database"),
    "a number too long": (b'{"t": {"1": {"n": ' + b"7" * 5000 + b"}}}", "cannot be read as data"),
    "nested too deeply": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_an_unreadable_file_is_refused_whole_with_its_name(
    case: str, locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    content, said = REFUSED[case]
    path = tmp_path / "techtree_db.json"
    path.write_bytes(content)
    before = dump_data_dir(locations.root)

    report = import_files(locations, default_profile, path)

    assert not report.complete and report.profiles == []
    ((file, reason),) = report.unreadable
    assert file == str(path) and reason.startswith(str(path)) and said in reason
    assert "Nothing was imported" in reason
    assert dump_data_dir(locations.root) == before
    assert path.read_bytes() == content


def test_the_cli_names_each_refused_file_and_exits_1(
    locations: DataLocations, default_profile: Profile, tmp_path: Path, capsys
):
    paths = []
    for number, case in enumerate(("truncated", "not json", "array instead of tinydb")):
        paths.append(tmp_path / f"bad-{number}.json")
        paths[-1].write_bytes(REFUSED[case][0])
    before = dump_data_dir(locations.root)
    code = run(
        ["--data-dir", str(locations.root), "--profile", "Default", "import", "tinydb"]
        + [str(p) for p in paths]
    )
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3
    for line, path in zip(err, paths, strict=True):
        assert line.startswith(f"studydesk: {path} ")
    assert dump_data_dir(locations.root) == before


# A 0-byte or blank file is refused as empty instead (tests/cli/test_cli_commands.py).
@pytest.mark.parametrize(
    "content", [b"{}", b"[]", b'{"_default": {}}', b'{"users": {}, "syllabi": {}}']
)
def test_an_empty_database_is_said_to_be_empty_and_nothing_is_written(
    content: bytes, locations: DataLocations, default_profile: Profile, tmp_path: Path, capsys
):
    path = tmp_path / "techtree_db.json"
    path.write_bytes(content)
    before = dump_data_dir(locations.root)

    report = import_files(locations, default_profile, path)
    assert report.complete and report.profiles == [] and report.unreadable == []
    ((file, message),) = report.empty
    assert file == str(path) and str(path) in message and "nothing to import" in message
    assert dump_data_dir(locations.root) == before  # not even an entry in the import ledger

    assert run(["--data-dir", str(locations.root), "import", "tinydb", str(path)]) == 0
    assert str(path) in capsys.readouterr().out
    assert dump_data_dir(locations.root) == before
    assert path.read_bytes() == content


def test_a_tinydb_file_is_not_taken_for_questions(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    path = write_json(tmp_path / "techtree_db.json", {"users": {"1": user()}})
    before = dump_data_dir(locations.root)
    report = import_files(locations, default_profile, path, questions_only=True)
    ((_, reason),) = report.unreadable
    assert str(path) in reason and "not a JSON list of questions" in reason
    assert dump_data_dir(locations.root) == before


def test_a_file_that_cannot_be_read_is_named_with_what_to_do(
    locations: DataLocations,
    default_profile: Profile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    path = write_json(tmp_path / "techtree_db.json", {"users": {"1": user()}})
    content = path.read_bytes()
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: make the refusal happen anyway
        real_open = pathlib.Path.open

        def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, "open", refuse)
    before = dump_data_dir(locations.root)
    try:
        report = import_files(locations, default_profile, path)
    finally:
        monkeypatch.undo()
        path.chmod(0o600)
    ((_, reason),) = report.unreadable
    assert str(path) in reason and "not allowed to read" in reason and "permission" in reason
    assert dump_data_dir(locations.root) == before
    assert path.read_bytes() == content


def test_a_file_that_changes_while_it_is_read_is_refused(
    locations: DataLocations,
    default_profile: Profile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    path = write_json(tmp_path / "techtree_db.json", {"users": {"1": user()}})
    real_open = pathlib.Path.open

    def open_while_the_old_app_writes(self: Path, *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, *args, **kwargs)
        if self == path:  # the old app appends a document after we looked at the size
            with open(self, "r+", encoding="utf-8") as other:
                data = json.load(other)
                data["users"]["2"] = user(str(uuid.uuid4()), "bo@example.com", name="Bo")
                other.seek(0)
                other.write(json.dumps(data))
        return handle

    monkeypatch.setattr(pathlib.Path, "open", open_while_the_old_app_writes)
    before = dump_data_dir(locations.root)
    report = import_files(locations, default_profile, path)
    monkeypatch.undo()
    ((_, reason),) = report.unreadable
    assert str(path) in reason and "changed while it was being read" in reason
    assert dump_data_dir(locations.root) == before


def test_a_file_touched_between_two_looks_is_refused_even_at_the_same_size(
    locations: DataLocations,
    default_profile: Profile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    path = write_json(tmp_path / "techtree_db.json", {"users": {"1": user()}})
    real_stat = pathlib.Path.stat
    looks = {"n": 0}

    def stat(self: Path, *args: Any, **kwargs: Any) -> Any:
        result = real_stat(self, *args, **kwargs)
        if self != path:
            return result
        looks["n"] += 1
        later = result.st_mtime_ns + 1_000_000 * looks["n"]
        return SimpleNamespace(st_size=result.st_size, st_mtime_ns=later)

    monkeypatch.setattr(pathlib.Path, "stat", stat)
    report = import_files(locations, default_profile, path)
    monkeypatch.undo()
    ((_, reason),) = report.unreadable
    assert "changed while it was being read" in reason
    assert count(default_profile.db_file, "import_sources") == 0


def test_a_200_mb_file_comes_in_whole(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    """Big but valid: imported completely, in a child process whose peak memory is its own."""
    path = tmp_path / "techtree_db.json"
    made = write_big_tinydb(path, 210)
    size = path.stat().st_size
    assert size > 200_000_000
    checksum = sha256(path)
    child = (
        "import resource, sys\n"
        "from app.__main__ import main\n"
        "code = main(sys.argv[1:])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    command = ["--data-dir", str(locations.root), "--profile", "Default", "import", "tinydb"]
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", child, *command, str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    peak_mb = int(done.stderr.strip().splitlines()[-1])
    (profile,) = json.loads(done.stdout)["profiles"]
    assert profile["lesson_contents"] == made["lesson_contents"]
    assert profile["courses"] == made["syllabi"]
    assert profile["kept_verbatim"] == 0
    assert count(default_profile.db_file, "lesson_contents") == made["lesson_contents"]
    assert sha256(path) == checksum
    print(f"\n200 MB import: {size / 1e6:.0f} MB in {seconds:.1f} s, peak {peak_mb} MB")
    # The text, the parsed documents and one table's rows at a time; not copies of the file.
    assert peak_mb < 3.5 * size / 1e6


# --- documents kept verbatim, the rest imported -------------------------------------------------


def test_documents_missing_required_fields_are_kept_with_the_reason(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    no_topic = syllabus(str(uuid.uuid4()))
    del no_topic["topic"], no_topic["content"]["topic"]
    export = {
        "users": {"1": user(), "2": {"user_id": str(uuid.uuid4()), "name": "No Email"}},
        "syllabi": {"1": syllabus(), "2": no_topic},
        "user_progress": {
            "1": progress(),
            "2": {k: v for k, v in progress().items() if k != "user_id"},
            "3": {k: v for k, v in progress(1, 0).items() if k != "status"},
        },
        "lesson_content": {
            "1": {
                "lesson_id": str(uuid.uuid4()),
                "module_index": 0,
                "lesson_index": 1,
                "content": {},
            },
        },
        "user_assessments": {"1": {"assessment_id": str(uuid.uuid4()), "question_history": []}},
        "settings": {"1": {"theme": "dark"}},
    }
    path = write_json(tmp_path / "techtree_db.json", export)
    report = import_files(locations, default_profile, path)
    assert report.complete

    db = learner_db(locations)
    assert count(db, "courses") == 1 and count(db, "lesson_events") == 1
    everywhere = {**kept(db), **kept(default_profile.db_file)}
    assert set(everywhere) == {
        ("users", "2"),
        ("syllabi", "2"),
        ("user_progress", "2"),
        ("user_progress", "3"),
        ("lesson_content", "1"),
        ("user_assessments", "1"),
        ("settings", "1"),
    }
    # Without an email a user is not recognised as one; kept all the same.
    assert everywhere["users", "2"] == "documents of this shape in table 'users' are not known"
    assert "no topic" in everywhere["syllabi", "2"]
    assert "no user_id" in everywhere["user_progress", "2"]
    assert "status None" in everywhere["user_progress", "3"]
    assert "is not in the data" in everywhere["lesson_content", "1"]
    assert "no topic" in everywhere["user_assessments", "1"]
    assert "not known" in everywhere["settings", "1"]
    problems = {(p.table, p.doc_id) for profile in report.profiles for p in profile.problems}
    assert problems == set(everywhere)
    # A document of no user is kept once, with the learner (who had the older app's shared
    # content too), not in the profile the import was started from.
    body = rows(db, "SELECT body FROM legacy_documents WHERE table_name = 'settings'")
    assert [json.loads(b) for (b,) in body] == [{"theme": "dark"}]


def test_wrong_types_are_read_when_they_mean_one_thing_else_kept_with_the_reason(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    export = {
        "users": {"1": user()},
        "syllabi": {
            "1": syllabus(),
            "2": syllabus(str(uuid.uuid4()), modules=[{"week": "two", "title": "x"}]),
        },
        "user_progress": {
            "1": progress("1", " 0 ", score="85.5"),  # an index as text, a score as text
            "2": progress(0, 1, score="ninety"),
            "3": progress("one", 0),
            "4": progress(1, 0, score=True),
            "5": progress(0, 2**70),
            "6": progress(1.0, 0.0, score=1e400),
            "7": progress(0, 0, status="done"),
            "8": progress(0, 1, score="²"),
            "9": progress("²", 0),
        },
    }
    path = write_json(tmp_path / "techtree_db.json", export)
    source = path.read_bytes()
    report = import_files(locations, default_profile, path)
    assert report.complete
    db = learner_db(locations)
    assert rows(
        db,
        "SELECT m.position, l.position, e.score FROM lesson_events e "
        "JOIN lessons l ON l.id = e.lesson_id JOIN course_modules m ON m.id = l.module_id",
    ) == [(1, 0, 85.5)]
    reasons = {doc: reason for (table, doc), reason in kept(db).items() if table != "syllabi"}
    assert reasons == {
        "2": "score is not a number ('ninety')",
        "3": "module_index is not a whole number ('one')",
        "4": "score is not a number (True)",
        "5": f"lesson_index is not a whole number ({2**70})",
        "6": "it holds Infinity, which is not a number JSON can carry (at score)",
        "7": "status 'done' is not one of not_started, in_progress, completed",
        "8": "score is not a number ('²')",
        "9": "module_index is not a whole number ('²')",
    }
    assert kept(db)["syllabi", "2"] == "week of module 1 is not a whole number ('two')"
    assert path.read_bytes() == source


def test_duplicate_ids_keep_the_first_and_set_the_others_aside(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    check = str(uuid.uuid4())
    assessment = {
        "assessment_id": check,
        "user_id": USER,
        "topic": "black holes",
        "knowledge_level": "beginner",
        "score": 40,
        "question_history": ["q"],
        "response_history": ["r"],
        "created_at": NAIVE,
    }
    export = {
        "users": {"1": user(), "2": user(name="Ana again")},
        "syllabi": {"1": syllabus(), "2": syllabus(topic="other")},
        "user_assessments": {"1": assessment, "2": {**assessment, "score": 90}},
    }
    path = write_json(tmp_path / "techtree_db.json", export)
    report = import_files(locations, default_profile, path)
    assert [p.name for p in list_profiles(locations)] == ["Ana", "Default"]
    db = learner_db(locations)
    assert rows(db, "SELECT topic FROM courses") == [("black holes",)]
    assert rows(db, "SELECT id, score FROM placement_checks") == [(check, 40.0)]
    reasons = kept(db)
    assert set(reasons) == {("users", "2"), ("syllabi", "2"), ("user_assessments", "2")}
    assert reasons["users", "2"] == f"another user in this file has the same id {USER}"
    assert reasons["syllabi", "2"] == f"another syllabus in this file has the same id {SYLLABUS}"
    assert "same id" in reasons["user_assessments", "2"]
    assert sum(p.counts["kept_verbatim"] for p in report.profiles) == 3


def test_duplicate_question_ids_in_a_question_bank(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    question = {
        "id": "q_0000abcd",
        "stem": "Which?",
        "choices": [{"label": "A", "text": "this"}, {"label": "B", "text": "that"}],
        "answer": "A",
    }
    bank = [question, {**question, "answer": "B"}, {**question, "id": "q_0000abce", "answer": "C"}]
    path = write_json(tmp_path / "questions.json", bank)
    import_files(locations, default_profile, path, questions_only=True)
    db = default_profile.db_file
    assert rows(db, "SELECT legacy_id, answer FROM questions") == [("q_0000abcd", "A")]
    assert kept(db) == {
        ("questions", "q_0000abcd"): "another entry in this file has the same id q_0000abcd",
        ("questions", "q_0000abce"): "the answer 'C' is not one of the choices ['A', 'B']",
    }


@pytest.mark.parametrize("newest", ["completed", "in_progress"])
def test_progress_duplicates_are_all_logged_and_the_newest_one_wins(
    newest: str, locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    oldest = "in_progress" if newest == "completed" else "completed"
    score = {"completed": 95, "in_progress": None}
    older = progress(0, 0, status=oldest, score=score[oldest], updated_at="2025-03-01T10:00:00")
    newer = progress(0, 0, status=newest, score=score[newest], updated_at="2025-03-02T10:00:00")
    export = {
        "users": {"1": user()},
        "syllabi": {"1": syllabus()},
        "user_progress": {"1": newer, "2": older, "3": dict(older)},  # "3" repeats "2" exactly
    }
    import_files(locations, default_profile, write_json(tmp_path / "techtree_db.json", export))
    db = learner_db(locations)
    events = rows(db, "SELECT status, occurred_at, lesson_id FROM lesson_events ORDER BY 2 DESC")
    # The log keeps both states (an exact repeat of a document is the same event, once) ...
    assert [status for status, _, _ in events] == [newest, oldest]
    assert events[0][1] == "2025-03-02T15:00:00.000000Z"  # 10:00 in New York, winter time
    # ... and the lesson's state is the newest one's.
    database = ProfileDatabase.open(db, db.parent / "backups")
    try:
        with database.read_session() as session:
            state = state_of(session, events[0][2])
    finally:
        database.close()
    assert (state.status, state.score) == (newest, score[newest])


def test_a_syllabus_whose_modules_are_not_a_list_is_kept_with_its_lessons_data(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    export = {
        "users": {"1": user()},
        "syllabi": {"1": syllabus(modules="Week 1: gravity. Week 2: horizons.")},
        "user_progress": {"1": progress()},
        "lesson_content": {
            "1": {
                "lesson_id": str(uuid.uuid4()),
                "syllabus_id": SYLLABUS,
                "module_index": 0,
                "lesson_index": 0,
                "content": {"exposition_content": "# Newton"},
            }
        },
    }
    path = write_json(tmp_path / "techtree_db.json", export)
    report = import_files(locations, default_profile, path)
    db = learner_db(locations)
    assert count(db, "courses") == 0 and count(db, "lesson_contents") == 0
    reasons = {**kept(db), **kept(default_profile.db_file)}
    assert reasons["syllabi", "1"] == "modules is not a list (str)"
    assert "is not in the data" in reasons["user_progress", "1"]
    assert "is not in the data" in reasons["lesson_content", "1"]
    assert sum(p.counts["kept_verbatim"] for p in report.profiles) == 3


def test_orphans_are_kept_and_reported(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    stranger = str(uuid.uuid4())
    export = {
        "users": {"1": user()},
        "syllabi": {"1": syllabus()},
        "user_progress": {
            "1": progress(5, 0),  # no module 5
            "2": progress(user_id=stranger),  # no such learner
            "3": progress(syllabus_id=str(uuid.uuid4())),  # no such syllabus
        },
        "lesson_content": {
            "1": {
                "lesson_id": str(uuid.uuid4()),
                "syllabus_id": SYLLABUS,
                "module_index": 1,
                "lesson_index": 4,
                "content": "plain text",
            }
        },
    }
    path = write_json(tmp_path / "techtree_db.json", export)
    import_files(locations, default_profile, path)
    reasons = {**kept(learner_db(locations)), **kept(default_profile.db_file)}
    outside = "module 5, lesson 0 is outside its syllabus 'black holes'"
    assert reasons["user_progress", "1"] == outside
    assert reasons["user_progress", "2"] == f"its learner {stranger} is not in the users table"
    assert "is not in the data" in reasons["user_progress", "3"]
    assert reasons["lesson_content", "1"] == (
        "module 1, lesson 4 is outside its syllabus 'black holes'"
    )


def test_text_that_is_not_valid_unicode_is_kept_verbatim_not_a_crash(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    # JSON may escape half of a surrogate pair; SQLite's UTF-8 text cannot hold it.
    path = tmp_path / "techtree_db.json"
    good = json.dumps(syllabus(topic="emoji 🚀 stay"))  # an escaped pair: fine
    bad = json.dumps(syllabus(str(uuid.uuid4()), topic="half \ud83d pair"))
    path.write_text(
        f'{{"users": {{"1": {json.dumps(user())}}}, "syllabi": {{"1": {good}, "2": {bad}}}, '
        f'"t\\udc00ble": {{"x": 1}}}}',
        encoding="ascii",
    )
    report = import_files(locations, default_profile, path)
    assert report.complete
    db = learner_db(locations)
    assert rows(db, "SELECT topic FROM courses") == [("emoji 🚀 stay",)]
    reasons = {**kept(db), **kept(default_profile.db_file)}
    assert "not valid Unicode" in reasons["syllabi", "2"]
    assert ("t\\udc00ble", "*") in reasons
    (body,) = rows(db, "SELECT body FROM legacy_documents WHERE doc_id = '2'")
    assert json.loads(body[0])["topic"] == "half \ud83d pair"  # kept exactly, as an escape


def test_a_content_id_used_for_two_lessons_keeps_the_second_aside(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    shared_id = str(uuid.uuid4())

    def content(module: int, lesson: int, text: str) -> dict[str, Any]:
        return {
            "lesson_id": shared_id,
            "syllabus_id": SYLLABUS,
            "module_index": module,
            "lesson_index": lesson,
            "content": {"exposition_content": text},
            "updated_at": NAIVE,
        }

    export = {
        "syllabi": {"1": syllabus(user=None)},
        "lesson_content": {"1": content(0, 0, "# Newton"), "2": content(1, 0, "# Horizon")},
    }
    report = import_files(locations, default_profile, write_json(tmp_path / "t.json", export))
    db = default_profile.db_file
    assert rows(db, "SELECT id, body FROM lesson_contents") == [
        (shared_id, '{"exposition_content": "# Newton"}')
    ]
    assert kept(db) == {
        ("lesson_content", "2"): f"another content in this file has the id {shared_id}"
    }
    assert report.profiles[0].counts["kept_verbatim"] == 1


def test_learners_with_the_same_long_name_get_profiles_of_their_own(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    name = "Maria Fernanda de los Ángeles Gutiérrez-Villanueva y Castellanos"
    export = {
        "users": {
            str(n): user(str(uuid.uuid4()), f"maria{n}@example.com", name=name) for n in range(4)
        }
    }
    report = import_files(locations, default_profile, write_json(tmp_path / "t.json", export))
    names = [p.profile for p in report.profiles if p.created]
    assert len(names) == 4 == len({n.casefold() for n in names})
    assert all(len(n) <= 60 for n in names)
    assert sum(p.legacy_user_id is not None for p in list_profiles(locations)) == 4


def test_lesson_engine_progress_goes_to_the_learners_own_copy(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    master, copy = str(uuid.uuid4()), str(uuid.uuid4())
    modules = [{"week": 1, "title": "Basics_1", "lessons": [{"title": "What_is_it"}]}]
    common = {"topic": "Python", "level": "beginner", "modules": modules}
    engine = {
        "syllabi": {
            "1": {**common, "uid": master, "is_master": True, "parent_uid": None, "user_id": None},
            "2": {**common, "uid": copy, "is_master": False, "parent_uid": master, "user_id": USER},
        },
        "lesson_content": {
            "1": {"lesson_uid": f"{copy}_Basics_1_What_is_it", "content": {"x": 1}},
        },
        "user_progress": {
            "1": {
                "user_email": "ANA@example.com",
                "updated_at": NAIVE,
                "Python": {"completed_lessons": ["What_is_it"], "current_lesson": None},
            }
        },
    }
    files = [
        write_json(tmp_path / "techtree_db.json", {"users": {"1": user()}}),
        write_json(tmp_path / "syllabus_db.json", engine),
    ]
    import_files(locations, default_profile, *files)
    db = learner_db(locations)
    assert rows(db, "SELECT id, master_id FROM courses ORDER BY is_master") == [
        (copy, master),  # the copy stays linked to its master
        (master, None),
    ]
    assert rows(db, "SELECT course_id, status FROM lesson_events") == [(copy, "completed")]
    assert rows(
        db, "SELECT l.course_id FROM lesson_contents c JOIN lessons l ON l.id = c.lesson_id"
    )
    assert kept(db) == {} and kept(default_profile.db_file) == {}


def test_a_question_imported_again_with_another_text_is_kept_and_named(
    locations: DataLocations, default_profile: Profile, tmp_path: Path
):
    question = {
        "id": "q_0000abcd",
        "stem": "Which?",
        "choices": [{"label": "A", "text": "this"}, {"label": "B", "text": "that"}],
        "answer": "A",
    }
    first = write_json(tmp_path / "questions.json", [question])
    import_files(locations, default_profile, first, questions_only=True)
    changed = write_json(tmp_path / "questions-v2.json", [{**question, "answer": "B"}])
    report = import_files(locations, default_profile, changed, questions_only=True)
    db = default_profile.db_file
    assert rows(db, "SELECT legacy_id, answer FROM questions") == [("q_0000abcd", "A")]
    (remark,) = [r for p in report.profiles for r in p.remarks]
    assert (remark.file, remark.doc_id) == (str(changed), "q_0000abcd")
    assert "another text" in remark.text and "kept" in remark.text
    # The same file again: nothing changed, nothing said.
    again = import_files(locations, default_profile, first, questions_only=True)
    assert [r for p in again.profiles for r in p.remarks] == []
