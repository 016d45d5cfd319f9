"""Exporting notes to a folder of markdown: front matter, wiki links between exported notes,
attachments beside them, safe and unique file names; importing the export back adds nothing,
and into another profile brings the same notes, links and tags."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml
from markdown_fixtures import png

from app.core.flashcards.media import store_media
from app.core.notes.links import LinkTarget, link_markdown
from app.core.notes.note_actions import create_note
from app.core.notes.notebook_actions import create_notebook
from app.db.database import ProfileDatabase
from app.errors import UserError
from app.importers.markdown_actions import export_notes_folder, import_markdown_folder
from app.importers.markdown_files import split_front_matter


def table(database: ProfileDatabase, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(database.db_file)
    try:
        return sorted(conn.execute(sql).fetchall(), key=repr)
    finally:
        conn.close()


@pytest.fixture
def notebook(database: ProfileDatabase, tmp_path: Path) -> dict[str, str]:
    media = tmp_path / "media"
    image = store_media(media, png())
    cardio = create_notebook(database, "Cardio").notebook_id
    valves_book = create_notebook(database, "Valves: a/b", cardio).notebook_id
    lesson = LinkTarget("lesson", "lesson-1")
    first = create_note(
        database, title="Heart", body="Pumps.", tags=["cardio/heart"], notebook_id=cardio,
        links=[lesson],
    )  # fmt: skip
    second = create_note(
        database,
        title="CON",
        body=f"Back to {link_markdown('the heart', LinkTarget('note', first.note_id))}\n"
        f"![diagram](studydesk-media:{image})",
        notebook_id=valves_book,
    )
    create_note(database, title="Heart", body="Another heart, no notebook.")
    return {"cardio": cardio, "first": first.note_id, "second": second.note_id, "image": image}


def test_everything_exports_with_front_matter_wiki_links_and_attachments(
    database: ProfileDatabase, notebook: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = export_notes_folder(database, out, tmp_path / "media")
    assert (done.exported.notes, done.exported.attachments) == (3, 1)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == [
        "Cardio/Heart.md",
        "Cardio/Valves_ a_b/CON_.md",
        "Heart.md",
        f"attachments/{notebook['image']}",
    ]
    fields, body = split_front_matter((out / "Cardio/Valves_ a_b/CON_.md").read_text())
    assert fields["id"] == notebook["second"] and fields["title"] == "CON"
    # "Heart" names two notes: the link says which by its path
    assert body.startswith("Back to [[Cardio/Heart|the heart]]\n")
    assert f"![diagram](../../attachments/{notebook['image']})" in body
    heart = yaml.safe_load((out / "Cardio/Heart.md").read_text().split("---")[1])
    assert heart["tags"] == ["cardio/heart"]
    assert heart["links"] == ["studydesk:lesson/lesson-1"]


def test_an_export_imported_back_adds_nothing_and_elsewhere_brings_it_all(
    database: ProfileDatabase, notebook: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    export_notes_folder(database, out, tmp_path / "media")
    tables = ("notes", "note_versions", "note_links", "note_tags", "notebooks")
    before = {t: table(database, f"SELECT * FROM {t}") for t in tables}
    again = import_markdown_folder(database, out, tmp_path / "media")
    assert again.counts.notes == 0 and again.problems == ()
    assert {t: table(database, f"SELECT * FROM {t}") for t in tables} == before

    other = ProfileDatabase.open(tmp_path / "o" / "p.sqlite3", tmp_path / "o" / "b", create=True)
    try:
        came = import_markdown_folder(other, out, tmp_path / "o" / "media")
        assert came.counts.notes == 3 and came.problems == ()
        assert table(other, "SELECT id, title, body FROM notes") == table(
            database, "SELECT id, title, body FROM notes"
        )
        link = "SELECT note_id, target_kind, target_id, source FROM note_links"
        assert table(other, link) == table(database, link)
        assert (tmp_path / "o" / "media" / notebook["image"]).is_file()
    finally:
        other.close()


def test_one_note_or_one_notebook(
    database: ProfileDatabase, notebook: dict[str, str], tmp_path: Path
) -> None:
    one = export_notes_folder(database, tmp_path / "one", None, note_id=notebook["first"])
    assert one.exported.notes == 1 and (tmp_path / "one" / "Heart.md").is_file()
    book = export_notes_folder(database, tmp_path / "b", None, notebook_id=notebook["cardio"])
    assert book.exported.notes == 2 and book.exported.missing_attachments == 1
    assert (tmp_path / "b" / "Heart.md").is_file()
    with pytest.raises(UserError, match="not empty"):
        export_notes_folder(database, tmp_path / "b", None)
    with pytest.raises(UserError, match="notebook"):
        export_notes_folder(database, tmp_path / "c", None, notebook_id="nope")
