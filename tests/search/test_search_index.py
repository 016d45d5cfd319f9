"""The search index follows every change in the change's own transaction: added, edited,
soft-deleted and restored cards, notes, questions, lessons, videos and bookmarks; existing rows
are indexed by the upgrade; a repair remakes it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from search_helpers import add_note, add_question, found, hits, update
from sqlalchemy import text

from app.core.flashcards.card_actions import CardText, delete_cards, restore_cards, save_card
from app.core.search import search_all
from app.db.database import ProfileDatabase
from app.db.engine import create_file_owner_only, make_engine
from app.db.inspect import FileState
from app.db.migrate import run_upgrade
from app.db.models import Course, CourseModule, Lesson, LessonContent, Note, Question
from app.db.models.videos import Video, VideoBookmark

SOURCE_TABLES = ("notes", "lessons", "cards", "questions", "videos", "video_bookmarks")


def test_every_source_table_has_its_triggers(database: ProfileDatabase) -> None:
    """A later revision that recreates a source table (batch mode) drops its triggers: this
    fails until it makes them again."""
    with database.read_session() as session:
        names = set(
            session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
        )
    for table in SOURCE_TABLES:
        for event in ("insert", "update", "delete"):
            assert f"search_{table}_{event}" in names
    for event in ("insert", "update", "delete"):
        assert f"search_lesson_contents_{event}" in names
        assert f"search_docs_{event}" in names


def test_a_card_is_found_as_soon_as_it_is_saved_and_gone_when_deleted(
    database: ProfileDatabase,
) -> None:
    saved = save_card(database, CardText(None, None, "Mitral stenosis", "Opening snap", ()))
    (card_id,) = saved.card_ids
    assert found(database, "mitral") == [("card", card_id)]
    assert found(database, "opening snap") == [("card", card_id)]

    save_card(database, CardText(card_id, None, "Aortic stenosis", "Crescendo murmur", ()))
    assert found(database, "mitral") == []
    assert found(database, "crescendo") == [("card", card_id)]

    delete_cards(database, [card_id])
    assert found(database, "aortic") == []
    restore_cards(database, [card_id])
    assert found(database, "aortic") == [("card", card_id)]


def test_a_note_follows_its_edits_and_its_soft_delete(database: ProfileDatabase) -> None:
    note_id = add_note(database, "Cardiac cycle", "Systole, then diastole.")
    assert found(database, "diastole") == [("note", note_id)]
    update(database, Note, note_id, body="Preload and afterload.")
    assert found(database, "diastole") == []
    assert found(database, "afterload") == [("note", note_id)]
    update(database, Note, note_id, kind="article")
    assert found(database, "afterload") == [("article", note_id)]
    update(database, Note, note_id, deleted_at=datetime.now(UTC))
    assert found(database, "afterload") == []


def test_the_index_changes_inside_the_writing_transaction(database: ProfileDatabase) -> None:
    """Seen by the transaction that writes (before its commit), gone with its rollback."""
    match = text("SELECT count(*) FROM search_text WHERE search_text MATCH 'glomerulus'")
    with pytest.raises(RuntimeError), database.write_session() as session:
        session.add(Note(title="Glomerulus", body=""))
        session.flush()
        assert session.execute(match).scalar() == 1
        raise RuntimeError("the learner's write fails")
    with database.read_session() as session:
        assert session.execute(match).scalar() == 0
        assert session.execute(text("SELECT count(*) FROM search_docs")).scalar() == 0


def test_questions_with_their_choices_and_explanations(database: ProfileDatabase) -> None:
    question_id = add_question(
        database, "<p>A 45-year-old with a <b>murmur</b> at the apex</p>", "Rheumatic fever"
    )
    assert found(database, "rheumatic") == [("question", question_id)]
    assert found(database, "mitral") == [("question", question_id)]  # a choice
    (hit,) = hits(database, "murmur apex")
    assert hit.plain_title == "A 45-year-old with a murmur at the apex"
    assert "<" not in hit.snippet and ">" not in hit.snippet
    update(database, Question, question_id, deleted_at=datetime.now(UTC))
    assert found(database, "rheumatic") == []


def test_lessons_with_their_content_videos_and_bookmarks(database: ProfileDatabase) -> None:
    with database.write_session() as session:
        course = Course(topic="Cardiology")
        session.add(course)
        session.flush()
        module = CourseModule(course_id=course.id, position=0, title="Week 1")
        session.add(module)
        session.flush()
        lesson = Lesson(module_id=module.id, course_id=course.id, position=0, title="Valves")
        session.add(lesson)
        session.flush()
        lesson_id = lesson.id
        session.add(
            LessonContent(
                lesson_id=lesson_id,
                body={
                    "exposition_content": "The tricuspid valve has three leaflets.",
                    "metadata": {"note": "zygomatic"},
                    "knowledge_assessment": [{"question": "Which valve?", "options": ["Pulmonic"]}],
                },
            )
        )
        video = Video(fingerprint="1:abc", title="Heart sounds lecture")
        session.add(video)
        session.flush()
        video_id = video.id
        mark = VideoBookmark(video_id=video_id, at_s=83.5, label="Split S2", note="inspiration")
        session.add(mark)
        session.flush()
        bookmark_id = mark.id
    assert found(database, "tricuspid") == [("lesson", lesson_id)]
    assert found(database, "pulmonic") == [("lesson", lesson_id)]
    assert found(database, "zygomatic") == []  # metadata is not lesson text
    assert found(database, "heart sounds") == [("video", video_id)]
    (hit,) = hits(database, "inspiration")
    assert (hit.kind, hit.id) == ("bookmark", bookmark_id)
    assert hit.anchor == f"studydesk:video/{video_id}?t=83.5"

    with database.write_session() as session:
        content = session.query(LessonContent).one()
        content.body = {"exposition_content": "Semilunar valves."}
    assert found(database, "tricuspid") == []
    assert found(database, "semilunar") == [("lesson", lesson_id)]
    update(database, Lesson, lesson_id, title="Heart valves")
    assert found(database, "semilunar") == [("lesson", lesson_id)]

    update(database, Video, video_id, deleted_at=datetime.now(UTC))
    assert found(database, "inspiration") == [] and found(database, "lecture") == []
    update(database, Video, video_id, deleted_at=None)
    assert found(database, "inspiration") == [("bookmark", bookmark_id)]


def test_the_upgrade_indexes_what_the_profile_already_holds(tmp_path: Path) -> None:
    db_file = tmp_path / "p" / "studydesk.sqlite3"
    db_file.parent.mkdir()
    create_file_owner_only(db_file)
    engine = make_engine(db_file)
    run_upgrade(engine, FileState(db_file, None, "0007"), to="0006")
    engine.dispose()
    conn = sqlite3.connect(db_file)
    at = "2024-01-01 00:00:00.000000"
    with conn:
        conn.executemany(
            "INSERT INTO notes (id, kind, title, body, bookmarked, is_sample, source, pinned, "
            "created_at, updated_at, deleted_at) VALUES (?, ?, ?, ?, 0, 0, '', 0, ?, ?, ?)",
            [
                ("n1", "note", "Imported note", "about the pancreas", at, at, None),
                ("n2", "article", "Library article", "pancreatitis", at, at, None),
                ("n3", "note", "Deleted", "pancreas too", at, at, at),
            ],
        )
    conn.close()
    database = ProfileDatabase.open(db_file, tmp_path / "b")
    try:
        assert sorted(found(database, "pancrea")) == [("article", "n2"), ("note", "n1")]
    finally:
        database.close()


def test_the_indexes_pass_their_integrity_check(database: ProfileDatabase) -> None:
    note_id = add_note(database, "Cardiac cycle", "Systole")
    update(database, Note, note_id, body="Diastole")
    save_card(database, CardText(None, None, "Front", "Back", ()))
    with database.write_session() as session:
        for index in ("search_text", "search_trigram"):
            session.execute(
                text(f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)")
            )
    assert search_all(database, "systole") == []
