"""The two sample notes (linked to the sample lesson and deck, removed and restored with the
other samples) and `studydesk notes add / list / search`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import app.cli
from app.cli import run
from app.core.notes.link_reads import backlinks
from app.core.notes.note_reads import NoteQuery, note_list, open_note
from app.core.samples import (
    describe_sample_content,
    load_sample_content,
    register_sample,
    remove_sample_content,
    restore_sample_content,
)
from app.db.database import ProfileDatabase
from app.features import FEATURES
from app.features.notebook import NOTEBOOK


@pytest.mark.usefixtures("own_sample_registry")
def test_sample_notes_link_the_sample_lesson_and_deck_and_go_with_the_samples(
    database: ProfileDatabase,
) -> None:
    for kind in NOTEBOOK.samples:
        register_sample(kind)
    with database.write_session() as session:
        load_sample_content(session)
    rows = note_list(database).rows
    assert {row.title for row in rows} == {
        "How to take notes that help you remember", "Spacing and testing, in my words",
    }  # fmt: skip
    assert all(row.tags == ("study-skills/notes",) for row in rows)
    first = next(row for row in rows if row.title.startswith("How to"))
    links = open_note(database, first.id).links
    by_kind = {link.target.kind: link for link in links}
    assert set(by_kind) == {"lesson", "deck", "note"}
    assert all(link.exists for link in links)
    assert by_kind["lesson"].title == "The forgetting curve"
    assert by_kind["lesson"].source == "origin"
    other = by_kind["note"].target
    assert [b.id for b in backlinks(database, other)] == [first.id]
    assert {b.title for b in backlinks(database, by_kind["lesson"].target)} == {
        row.title for row in rows
    }
    assert note_list(database, NoteQuery(tag="study-skills")).rows == note_list(database).rows

    with database.read_session() as session:
        assert "2 sample notes" in describe_sample_content(session)
    with database.write_session() as session:
        removed = remove_sample_content(session)
    assert note_list(database).rows == ()
    with database.write_session() as session:
        restore_sample_content(session, removed)
    assert len(note_list(database).rows) == 2


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if NOTEBOOK not in FEATURES:  # until the Notebook is in FEATURES
        monkeypatch.setattr(app.cli, "FEATURES", (*FEATURES, NOTEBOOK))
    return tmp_path / "data"


def cli(data: Path, *args: str) -> int:
    return run(["--data-dir", str(data), *args])


def test_notes_add_list_and_search(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "valves.md"
    body.write_text("# Valves\n\nThe **mitral** valve closes first (S1).", encoding="utf-8")
    assert (
        cli(
            data,
            "notes",
            "add",
            "--title",
            "Valves",
            "--tag",
            "cardio / valves",
            "--tag",
            "exam",
            "--body-file",
            str(body),
            "--json",
        )
        == 0
    )
    added = json.loads(capsys.readouterr().out)
    assert (added["title"], added["tags"]) == ("Valves", ["cardio/valves", "exam"])
    assert cli(data, "notes", "add", "--title", "Krebs cycle") == 0
    assert "Added “Krebs cycle”" in capsys.readouterr().out

    assert cli(data, "notes", "list", "--json") == 0
    listed = [n for n in json.loads(capsys.readouterr().out) if n["kind"] == "note"]
    titles = [n["title"] for n in listed]
    assert titles[:2] == ["Krebs cycle", "Valves"]  # newest change first
    valves = next(n for n in listed if n["title"] == "Valves")
    assert valves["id"] == added["id"]
    assert valves["snippet"].startswith("Valves The mitral valve closes first")
    assert set(valves) == {
        "id",
        "title",
        "kind",
        "tags",
        "notebook_id",
        "pinned",
        "updated_at",
        "links",
        "snippet",
    }

    assert cli(data, "notes", "search", "MITRAL", "--json") == 0
    found = json.loads(capsys.readouterr().out)
    assert [(n["kind"], n["id"], n["title"]) for n in found] == [("note", added["id"], "Valves")]
    assert "mitral" in found[0]["snippet"]
    assert cli(data, "notes", "search", "kreb") == 0  # the last word is a prefix
    assert "Krebs cycle" in capsys.readouterr().out
    assert cli(data, "notes", "search", '"unbalanced (NEAR *') == 0
    assert cli(data, "notes", "search", "100%") == 0
    assert "No note holds “100%”." in capsys.readouterr().out
    assert cli(data, "notes", "list") == 0
    assert f"{added['id']}  Valves [cardio/valves, exam]" in capsys.readouterr().out


def test_notes_add_refuses_what_it_cannot_read(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latin = tmp_path / "latin1.md"
    latin.write_bytes("café".encode("latin-1"))
    assert cli(data, "notes", "add", "--title", "x", "--body-file", str(latin)) == 1
    assert "is not UTF-8 text" in capsys.readouterr().err
    assert cli(data, "notes", "add", "--title", "x", "--body-file", str(tmp_path / "none.md")) == 1
    assert "cannot read the note's text" in capsys.readouterr().err
    assert cli(data, "notes", "search", "  ") == 1
