"""Course packs: round trip, idempotent re-import, and every kind of bad pack refused with its
place named and nothing written."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import zipfile
from pathlib import Path

import pytest
from course_helpers import SAMPLE_PACK, add_event, at, pack_document, png, zip_pack

from app.core.courses.lesson import open_lesson
from app.core.courses.library import library
from app.core.courses.markdown import MEDIA_SCHEME
from app.core.courses.outline import outline
from app.core.progress import Progress
from app.db.database import ProfileDatabase
from app.db.models import Course
from app.errors import Cancelled, UserError
from app.importers.course_pack import load_pack
from app.importers.course_pack_actions import export_course_file, import_course_file
from app.importers.course_pack_export import export_course_pack
from app.importers.course_pack_format import CoursePackRefused

TABLES = ("courses", "course_modules", "lessons", "lesson_contents", "lesson_events")


def snapshot(database: ProfileDatabase, media_dir: Path) -> tuple[object, ...]:
    conn = sqlite3.connect(database.db_file)
    try:
        rows = tuple(
            tuple(sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr))
            for table in TABLES
        )
    finally:
        conn.close()
    files = sorted(p.name for p in media_dir.iterdir()) if media_dir.exists() else []
    return rows, tuple(files)


def other_database(tmp_path: Path, name: str) -> ProfileDatabase:
    return ProfileDatabase.open(tmp_path / name / "db.sqlite3", tmp_path / name / "b", create=True)


def with_image(document: dict, target: str = "media/diagram.png") -> dict:
    lesson = document["modules"][0]["lessons"][0]["content"]
    lesson["exposition_content"] += f"\n\n![A diagram]({target})\n"
    return document


def image_pack(path: Path, image: bytes) -> Path:
    """The sample course with an image in its first lesson, carried in the pack."""
    return zip_pack(path, with_image(pack_document()), {"media/diagram.png": image})


def test_the_sample_pack_imports_and_round_trips(database, media_dir, tmp_path):
    first = import_course_file(database, SAMPLE_PACK, media_dir)
    assert first.added == {
        "courses": 1,
        "modules": 3,
        "lessons": 8,
        "lesson_contents": 8,
        "media_files": 0,
    }
    out = tmp_path / "out"
    out.mkdir()
    exported = export_course_file(database, "how to STUDY with spaced repetition", out, media_dir)
    course_id = first.course_id
    with database.read_session() as session:
        original = outline(session, course_id)
    assert exported.path.name == "how-to-study-with-spaced-repetition.sdcourse"
    assert exported.counts["lessons"] == 8
    elsewhere = other_database(tmp_path, "second")
    try:
        again = import_course_file(elsewhere, exported.path, tmp_path / "second" / "media")
        assert again.course_id == course_id and again.added["lessons"] == 8
        with elsewhere.read_session() as session:
            copy = outline(session, course_id)
            for module in copy.modules:
                for lesson in module.lessons:
                    there = open_lesson(session, lesson.lesson_id)
                    with database.read_session() as here_session:
                        here = open_lesson(here_session, lesson.lesson_id)
                    assert there.body == here.body
        assert copy == original
    finally:
        elsewhere.close()


def test_importing_the_same_pack_again_changes_nothing(database, media_dir, tmp_path):
    pack = zip_pack(
        tmp_path / "p.sdcourse", with_image(pack_document()), {"media/diagram.png": png(3, 3)}
    )
    first = import_course_file(database, pack, media_dir)
    assert first.added["media_files"] == 1
    with database.write_session() as session:  # progress made in between survives
        lesson_id = outline(session, first.course_id).modules[0].lessons[0].lesson_id
        add_event(session, lesson_id, "completed", at(1))
    before = snapshot(database, media_dir)
    second = import_course_file(database, pack, media_dir)
    assert not any(second.added.values())
    assert second.already_present["lessons"] == 8 and second.already_present["media_files"] == 1
    assert snapshot(database, media_dir) == before


def test_images_are_stored_by_content_and_travel_with_the_export(database, media_dir, tmp_path):
    image = png(5, 4)
    pack = zip_pack(
        tmp_path / "p.sdcourse", with_image(pack_document()), {"media/diagram.png": image}
    )
    result = import_course_file(database, pack, media_dir)
    (stored,) = media_dir.iterdir()
    assert stored.read_bytes() == image and len(stored.stem) == 64 and stored.suffix == ".png"
    with database.read_session() as session:
        lesson_id = outline(session, result.course_id).modules[0].lessons[0].lesson_id
        view = open_lesson(session, lesson_id, media_dir)
        assert f"{MEDIA_SCHEME}{stored.name}" in view.body.exposition
        assert stored.resolve().as_uri() in view.markdown
        exported = export_course_pack(session, result.course_id, tmp_path / "x.sdcourse", media_dir)
    with zipfile.ZipFile(exported.path) as archive:
        assert f"media/{stored.name}" in archive.namelist()
        assert f"](media/{stored.name})" in archive.read("course.json").decode()
    elsewhere = other_database(tmp_path, "second")
    try:
        result = import_course_file(elsewhere, exported.path, tmp_path / "m2")
        assert result.added["media_files"] == 1
        assert (tmp_path / "m2" / stored.name).read_bytes() == image
    finally:
        elsewhere.close()


def test_a_folder_inside_the_zip_and_a_bare_json_file_are_packs_too(database, media_dir, tmp_path):
    nested = tmp_path / "nested.sdcourse"
    with zipfile.ZipFile(nested, "w") as archive:
        archive.writestr("my-course/course.json", json.dumps(pack_document()))
    assert load_pack(nested).course.topic == "How to study with spaced repetition"
    bare = tmp_path / "course.json"
    bare.write_text(json.dumps(pack_document(id=None, topic="Bare")), encoding="utf-8")
    result = import_course_file(database, bare, media_dir)
    assert result.topic == "Bare" and result.added["lessons"] == 8
    again = import_course_file(database, bare, media_dir)  # ids derived, so still idempotent
    assert again.course_id == result.course_id and not any(again.added.values())


def lesson(document: dict, module: int = 0, index: int = 0) -> dict:
    return document["modules"][module]["lessons"][index]


def without(mapping: dict, key: str) -> dict:
    mapping.pop(key)
    return mapping


def bad_documents() -> list[tuple[str, object, str]]:
    d = pack_document
    cases: list[tuple[str, object, str]] = [
        ("not json", "{not json", "its course.json is damaged at line 1, column 2"),
        ("a list", "[1, 2]", "(top level): expected a JSON object, found a list"),
        ("no format", without(d(), "format"), "format: missing"),
        ("other format", d(format="anki"), "format: expected 'studydesk-course', found 'anki'"),
        ("newer version", d(format_version=2), "format_version: 2 is newer than this Study Desk"),
        ("text version", d(format_version="1"), "format_version: expected a whole number"),
        ("no topic", without(d(), "topic"), "topic: missing"),
        ("typo", {**d(), "modlues": []}, "modlues: unknown key"),
        ("bad id", d(id="123"), "id: expected a UUID"),
    ]
    doc = d()
    without(lesson(doc, 2, 0), "title")
    cases.append(("lesson without title", doc, "modules[2].lessons[0].title: missing"))
    doc = d()
    lesson(doc)["title"] = 12
    cases.append(
        ("title a number", doc, "modules[0].lessons[0].title: expected text, found a number")
    )
    doc = d()
    without(doc["modules"][1], "lessons")
    cases.append(("module without lessons", doc, "modules[1].lessons: missing"))
    doc = d()
    lesson(doc)["content"]["knowledge_assessment"][0]["correct_answer"] = "Nope"
    cases.append(
        (
            "answer not an option",
            doc,
            "modules[0].lessons[0].content.knowledge_assessment[0].correct_answer: "
            "'Nope' is not one of the options",
        )
    )
    doc = d()
    without(lesson(doc, 1, 1)["content"]["active_exercises"][0], "instructions")
    cases.append(
        (
            "exercise without text",
            doc,
            "modules[1].lessons[1].content.active_exercises[0].instructions: missing",
        )
    )
    doc = d()
    lesson(doc)["content"]["exposition_content"] += "\n\n<script>steal()</script>\n"
    cases.append(
        ("script", doc, "modules[0].lessons[0].content.exposition_content: contains a <script> tag")
    )
    doc = d()
    lesson(doc)["content"]["thought_questions"][0] = "[Click](javascript:alert(1))"
    cases.append(("javascript link", doc, "thought_questions[0]: contains a javascript: link"))
    doc = d()
    lesson(doc)["summary"] = '<img src=x onerror="alert(1)">'
    cases.append(
        ("event handler", doc, "modules[0].lessons[0].summary: contains an HTML event handler")
    )
    doc = d()
    doc["modules"][1]["id"] = doc["modules"][0]["id"]
    cases.append(("duplicate id", doc, "modules[1].id: the same id as modules[0]"))
    cases.append(
        (
            "image escapes",
            with_image(d(), "media/../../etc/passwd"),
            "image 'media/../../etc/passwd' points outside the pack",
        )
    )
    cases.append(("absolute image", with_image(d(), "/etc/hosts.png"), "points outside the pack"))
    cases.append(
        (
            "missing image",
            with_image(d()),
            "media: media/diagram.png is referenced by a lesson but is not in the pack",
        )
    )
    return cases


@pytest.mark.parametrize(
    ("document", "said"),
    [(c[1], c[2]) for c in bad_documents()],
    ids=[c[0] for c in bad_documents()],
)
def test_a_bad_course_json_is_refused_with_its_path(database, media_dir, tmp_path, document, said):
    pack = zip_pack(tmp_path / "bad.sdcourse", document)
    before = snapshot(database, media_dir)
    with pytest.raises(CoursePackRefused) as refused:
        import_course_file(database, pack, media_dir)
    assert said in str(refused.value)
    assert str(pack) in str(refused.value)
    assert snapshot(database, media_dir) == before


def test_script_tags_inside_code_are_a_lesson_about_html_and_welcome(database, media_dir, tmp_path):
    doc = pack_document()
    lesson(doc)["content"]["exposition_content"] += "\n\n```html\n<script>alert(1)</script>\n```\n"
    lesson(doc, 0, 1)["content"]["thought_questions"][0] = "What does `<script>` do?"
    result = import_course_file(database, zip_pack(tmp_path / "ok.sdcourse", doc), media_dir)
    assert result.added["lessons"] == 8


def write_raw_zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("course.json", json.dumps(pack_document()))
        for info, data in entries:
            archive.writestr(info, data)
    return path


def symlink_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("media/link.png")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("entries", "said"),
    [
        ([("../evil.png", b"x")], "../evil.png: a path that escapes the pack (..)"),
        ([("media/../../evil.png", b"x")], "a path that escapes the pack"),
        ([("/etc/evil.png", b"x")], "/etc/evil.png: an absolute path, outside the pack"),
        ([(symlink_entry(), b"/etc/passwd")], "media/link.png: a symbolic link"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "symlink"],
)
def test_archive_entries_that_escape_the_pack_are_refused(
    database, media_dir, tmp_path, entries, said
):
    pack = write_raw_zip(tmp_path / "evil.sdcourse", entries)
    before = snapshot(database, media_dir)
    with pytest.raises(CoursePackRefused, match="was not imported") as refused:
        import_course_file(database, pack, media_dir)
    assert said in str(refused.value)
    assert snapshot(database, media_dir) == before
    assert not (tmp_path / "evil.png").exists()


@pytest.mark.parametrize(
    ("image", "said"),
    [
        (png(30_000, 30_000), "media/diagram.png: 30000 x 30000 pixels"),
        (
            png(4, 4) + b"\0" * (21 * 1024 * 1024),
            "media/diagram.png: 21.0 MB; an image may be at most 20 MB",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "an SVG image"),
        (b"GIF89", "not a PNG, JPEG, GIF or WebP image"),
    ],
    ids=["megapixels", "megabytes", "svg", "truncated"],
)
def test_huge_or_strange_images_are_refused(database, media_dir, tmp_path, image, said):
    pack = zip_pack(
        tmp_path / "img.sdcourse", with_image(pack_document()), {"media/diagram.png": image}
    )
    before = snapshot(database, media_dir)
    with pytest.raises(CoursePackRefused) as refused:
        import_course_file(database, pack, media_dir)
    assert said in str(refused.value)
    assert snapshot(database, media_dir) == before


def test_a_file_that_is_not_a_pack_is_refused(database, media_dir, tmp_path):
    junk = tmp_path / "junk.sdcourse"
    junk.write_bytes(b"\x00\x01 this is not a zip")
    with pytest.raises(CoursePackRefused, match=r"neither a \.sdcourse \(zip\) file nor JSON"):
        import_course_file(database, junk, media_dir)
    empty_zip = write_raw_zip(tmp_path / "x.sdcourse", [])
    with zipfile.ZipFile(tmp_path / "nocourse.sdcourse", "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(CoursePackRefused, match=r"no course\.json at the top of the pack"):
        import_course_file(database, tmp_path / "nocourse.sdcourse", media_dir)
    with pytest.raises(UserError, match="is not there"):
        import_course_file(database, tmp_path / "missing.sdcourse", media_dir)
    assert empty_zip.exists()


def test_a_folder_pack_with_a_symlinked_image_is_refused(database, media_dir, tmp_path):
    folder = tmp_path / "folder-pack"
    (folder / "media").mkdir(parents=True)
    (folder / "course.json").write_text(json.dumps(with_image(pack_document())), encoding="utf-8")
    secret = tmp_path / "secret.png"
    secret.write_bytes(png(2, 2))
    (folder / "media" / "diagram.png").symlink_to(secret)
    with pytest.raises(CoursePackRefused, match=r"media/diagram\.png: a symbolic link"):
        import_course_file(database, folder, media_dir)
    assert not media_dir.exists()


def test_json_nested_too_deeply_is_refused_not_a_crash(database, media_dir, tmp_path):
    pack = zip_pack(tmp_path / "deep.sdcourse", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(CoursePackRefused, match="nested too deeply"):
        import_course_file(database, pack, media_dir)


def test_a_changed_outline_under_the_same_id_is_refused(database, media_dir, tmp_path):
    import_course_file(database, SAMPLE_PACK, media_dir)
    doc = pack_document()
    lesson(doc, 0, 0)["id"] = "0190c5a4-0000-7000-8000-000000000001"
    before = snapshot(database, media_dir)
    with pytest.raises(
        CoursePackRefused, match=r"modules\[0\]\.lessons\[0\]: this course is already"
    ):
        import_course_file(database, zip_pack(tmp_path / "v2.sdcourse", doc), media_dir)
    assert snapshot(database, media_dir) == before


def test_a_new_edition_adds_only_its_new_lessons(database, media_dir, tmp_path):
    import_course_file(database, SAMPLE_PACK, media_dir)
    doc = pack_document()
    doc["modules"][2]["lessons"].append({"title": "Bonus: sleep and memory"})
    result = import_course_file(database, zip_pack(tmp_path / "v2.sdcourse", doc), media_dir)
    assert result.added == {
        "courses": 0,
        "modules": 0,
        "lessons": 1,
        "lesson_contents": 0,
        "media_files": 0,
    }


def test_a_cancelled_or_failed_import_leaves_no_rows_and_no_files(
    database, media_dir, tmp_path, monkeypatch
):
    pack = zip_pack(
        tmp_path / "p.sdcourse", with_image(pack_document()), {"media/diagram.png": png(3, 3)}
    )
    before = snapshot(database, media_dir)
    progress = Progress()
    original_check = progress.check
    calls = []

    def cancel_after_writing() -> None:
        calls.append(1)
        if len(calls) == 2:  # after the rows and the image are written, before commit
            assert len(list(media_dir.iterdir())) == 1
            progress.cancel()
        original_check()

    monkeypatch.setattr(progress, "check", cancel_after_writing)
    with pytest.raises(Cancelled):
        import_course_file(database, pack, media_dir, progress=progress)
    assert snapshot(database, media_dir) == before

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        import_course_file(database, pack, media_dir)
    assert snapshot(database, media_dir) == before


def test_a_deleted_course_comes_back_when_imported_again(database, media_dir):
    first = import_course_file(database, SAMPLE_PACK, media_dir)
    with database.write_session() as session:
        session.get(Course, first.course_id).deleted_at = at(0)
    with database.read_session() as session:
        assert library(session) == []
    again = import_course_file(database, SAMPLE_PACK, media_dir)
    assert again.restored
    with database.read_session() as session:
        assert [r.topic for r in library(session)] == ["How to study with spaced repetition"]


def test_export_refuses_to_overwrite_and_names_ambiguous_courses(database, media_dir, tmp_path):
    import_course_file(database, SAMPLE_PACK, media_dir)
    target = tmp_path / "c.sdcourse"
    target.write_text("keep me")
    with pytest.raises(UserError, match="already exists"):
        export_course_file(database, "How to study with spaced repetition", target, media_dir)
    with pytest.raises(UserError, match="There is no course called 'Chess'"):
        export_course_file(database, "Chess", target, media_dir)
    assert target.read_text() == "keep me"
