"""Revision 0006 gives every note already in a profile its first version, and notes imported
from MS2 get one too, with their article and question citations resolved where the target is."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from app.core.notes.link_reads import backlinks
from app.core.notes.links import LinkTarget
from app.core.notes.note_actions import save_note
from app.core.notes.note_reads import NoteQuery, note_list, note_versions, open_note
from app.core.profiles import create_profile
from app.db.database import ProfileDatabase
from app.db.engine import make_engine
from app.db.inspect import FileState
from app.db.migrate import run_upgrade
from app.db.models.notes import FIRST_VERSION_NAMESPACE, first_version_id
from app.db.revisions import known_revisions
from app.importers.legacy_actions import import_legacy_files
from app.paths import data_locations

NOW = "2026-01-02T03:04:05.000000Z"


def test_revision_0006_gives_existing_notes_their_first_version(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    run_upgrade(engine, FileState(path, None, known_revisions().head), to="0005")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        for note_id, kind, title, body in (
            ("n1", "note", "Valves", "See [x](studydesk:lesson/l1)"),
            ("a1", "article", "Cardiology basics", "The heart has four chambers."),
        ):
            conn.execute(
                "INSERT INTO notes (id, kind, title, summary, body, bookmarked, legacy_id, "
                "is_sample, source, created_at, updated_at) "
                "VALUES (?, ?, ?, NULL, ?, 0, NULL, 0, 'ms2', ?, ?)",
                (note_id, kind, title, body, NOW, NOW),
            )
        conn.execute(
            "INSERT INTO note_links (id, note_id, target_kind, target_id, resolved, created_at, "
            "updated_at) VALUES ('k1', 'n1', 'article', 'a1', 1, ?, ?)",
            (NOW, NOW),
        )
    database = ProfileDatabase.open(path, tmp_path / "backups")
    try:
        versions = note_versions(database, "n1")
        assert [(v.id, v.parent_ids, v.title, v.size) for v in versions] == [
            (first_version_id("n1"), (), "Valves", len("See [x](studydesk:lesson/l1)"))
        ]
        assert versions[0].created_at.isoformat().startswith("2026-01-02T03:04:05")
        opened = open_note(database, "n1")
        assert opened.head_version_id == first_version_id("n1")
        assert not opened.pinned and opened.notebook_id is None
        assert [(link.target, link.source, link.exists) for link in opened.links] == [
            (LinkTarget("article", "a1"), "origin", True),
            (LinkTarget("lesson", "l1"), "body", False),
        ]
        saved = save_note(database, "n1", title="Valves", body="new", base_version_id=None)
        assert note_versions(database, "n1")[0].parent_ids == (first_version_id("n1"),)
        assert saved.version_id != first_version_id("n1")
    finally:
        database.close()


def test_the_revision_and_the_models_derive_first_versions_alike() -> None:
    revision = (Path(__file__).parents[2] / "alembic" / "versions" / "0006_notebook.py").read_text()
    assert str(FIRST_VERSION_NAMESPACE) in revision


def test_ms2_notes_come_in_with_a_first_version_and_resolved_citations(tmp_path: Path) -> None:
    locations = data_locations(tmp_path / "data")
    profile = create_profile(locations, "Default")
    ProfileDatabase.open(profile.db_file, profile.backups_dir, create=True).close()
    articles = tmp_path / "articles.json"
    articles.write_text(
        json.dumps(
            [
                {
                    "id": "cardio",
                    "title": "Cardiology basics",
                    "summary": "s",
                    "body": "Four chambers.",
                }
            ]
        ),
        encoding="utf-8",
    )
    notes = tmp_path / "notes.json"
    notes.write_text(
        json.dumps(
            [
                {
                    "id": "note-1",
                    "title": "Valve lesions",
                    "body": "Auscultation.",
                    "tags": ["cardiology"],
                    "article_ids": ["cardio", "not-exported"],
                    "question_ids": ["question-101"],
                    "video_ids": ["v-9"],
                }
            ]
        ),
        encoding="utf-8",
    )
    import_legacy_files(locations, [articles, notes], default_profile=profile)
    database = ProfileDatabase.open(profile.db_file, profile.backups_dir)
    try:
        listed = note_list(database).rows
        assert [(row.title, row.tags) for row in listed] == [("Valve lesions", ("cardiology",))]
        note_id = listed[0].id
        assert [v.id for v in note_versions(database, note_id)] == [first_version_id(note_id)]
        links = {
            (link.target.kind, link.target.id): link for link in open_note(database, note_id).links
        }
        article = next(
            row
            for row in note_list(database, NoteQuery(include_articles=True)).rows
            if row.kind == "article"
        )
        assert links["article", article.id].exists
        assert links["article", article.id].title == "Cardiology basics"
        assert not links["article", "not-exported"].exists
        assert not links["question", "question-101"].exists
        assert not links["video", "v-9"].exists
        assert [b.id for b in backlinks(database, LinkTarget("article", article.id))] == [note_id]
    finally:
        database.close()
