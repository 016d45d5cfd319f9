"""Importing a folder of markdown notes (an Obsidian vault, a Joplin export): front matter,
#tags, wiki and markdown links to ids, attachments into media, folders as notebooks; the same
folder twice adds nothing; every bad file reported by name, nothing lost; a cancel keeps nothing."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from markdown_fixtures import png, write

from app.core.notes.links import LinkTarget, links_in
from app.core.progress import Progress
from app.db.database import ProfileDatabase
from app.db.models.notes import first_version_id
from app.errors import Cancelled, UserError
from app.importers.markdown_actions import import_markdown_folder
from app.importers.markdown_links import MAX_ATTACHMENT_READ


def rows(database: ProfileDatabase, sql: str, *args: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(database.db_file)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def note(database: ProfileDatabase, title: str) -> tuple[str, str]:
    ((note_id, body),) = rows(
        database, "SELECT id, body FROM notes WHERE title = ? AND deleted_at IS NULL", title
    )
    return str(note_id), str(body)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "Vault"
    write(
        root,
        "Cardio/Heart.md",
        "---\ntitle: The heart\ntags: [cardio, anatomy/organs]\naliases: [Cor]\n"
        "created: 2023-04-01T10:00:00Z\nauthor: me\n---\n"
        "The heart pumps. See [[Valves|the valves]] and [[Lungs]] and [[Nowhere]].\n"
        "![[diagram.png]] and ![scan](../files/scan.pdf) #cardio/valves\n"
        "```\n[[Valves]] #notatag\n```\n",
    )
    write(root, "Cardio/Valves.md", "Mitral and aortic. Back to [[Cor]] #valves")
    write(root, "Lungs.md", "# Lungs\nBreathing. [heart](Cardio/Heart.md) [web](https://x.org)")
    write(root, "Cardio/diagram.png", png())
    write(root, "files/scan.pdf", b"%PDF-1.4\n%...\n")
    write(root, ".obsidian/app.json", "{}")
    return root


def test_a_vault_comes_in_with_tags_links_notebooks_and_attachments(
    database: ProfileDatabase, vault: Path, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    done = import_markdown_folder(database, vault, media)

    assert (done.counts.notes, done.counts.notebooks, done.counts.attachments) == (3, 2, 2)
    assert [(p.file, p.text) for p in done.problems] == [
        ("Cardio/Heart.md", "links to “Nowhere”, not in the folder")
    ]
    heart_id, heart = note(database, "The heart")
    valves_id, valves = note(database, "Valves")
    lungs_id, lungs = note(database, "Lungs")
    assert f"[the valves](studydesk:note/{valves_id})" in heart
    assert f"[Lungs](studydesk:note/{lungs_id})" in heart
    assert "[[Nowhere]]" in heart  # left as text, reported
    assert "```\n[[Valves]] #notatag\n```" in heart  # code is never rewritten
    assert heart.startswith("---\naliases:\n- Cor\nauthor: me\n---\n")  # other fields kept
    assert f"[Cor](studydesk:note/{heart_id})" in valves  # an alias
    assert f"[heart](studydesk:note/{heart_id})" in lungs
    assert "[web](https://x.org)" in lungs
    (image,) = [f for f in os.listdir(media) if f.endswith(".png")]
    (pdf,) = [f for f in os.listdir(media) if f.endswith(".pdf")]
    assert f"![diagram](studydesk-media:{image})" in heart
    assert f"[scan](studydesk-media:{pdf})" in heart

    tags = rows(
        database,
        "SELECT n.title, t.name FROM note_tags nt JOIN tags t ON t.id = nt.tag_id "
        "JOIN notes n ON n.id = nt.note_id ORDER BY n.title, t.name",
    )
    assert tags == [
        ("The heart", "anatomy/organs"),
        ("The heart", "cardio"),
        ("The heart", "cardio/valves"),
        ("Valves", "valves"),
    ]
    books = dict(rows(database, "SELECT name, parent_id FROM notebooks"))
    ((vault_id,),) = rows(database, "SELECT id FROM notebooks WHERE name = 'Vault'")
    assert books == {"Vault": None, "Cardio": vault_id}
    placed = dict(rows(database, "SELECT n.title, b.name FROM notes n JOIN notebooks b "
                                 "ON b.id = n.notebook_id"))  # fmt: skip
    assert placed == {"The heart": "Cardio", "Valves": "Cardio", "Lungs": "Vault"}
    # Each note has its first version and its body links, as note_actions makes them.
    for note_id, body in rows(database, "SELECT id, body FROM notes"):
        versions = rows(
            database, "SELECT id, body, parent_ids FROM note_versions WHERE note_id = ?", note_id
        )
        assert versions == [(first_version_id(str(note_id)), body, "[]")]
        links = rows(
            database,
            "SELECT target_kind, target_id, resolved, source FROM note_links WHERE note_id = ?",
            note_id,
        )
        assert sorted(links) == sorted((t.kind, t.id, 1, "body") for t in links_in(str(body)))
    ((created,),) = rows(database, "SELECT created_at FROM notes WHERE title = 'The heart'")
    assert str(created).startswith("2023-04-01T10:00:00")


def test_the_same_folder_twice_adds_nothing(
    database: ProfileDatabase, vault: Path, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    import_markdown_folder(database, vault, media)
    tables = ("notes", "note_versions", "note_links", "note_tags", "notebooks", "tags",
              "import_sources")  # fmt: skip
    before = {t: rows(database, f"SELECT * FROM {t} ORDER BY 1") for t in tables}
    files = sorted(os.listdir(media))

    again = import_markdown_folder(database, vault, media)

    assert (again.counts.notes, again.counts.already_there) == (0, 3)
    assert again.summary == "Every note in Vault was imported before; nothing new came in."
    assert {t: rows(database, f"SELECT * FROM {t} ORDER BY 1") for t in tables} == before
    assert sorted(os.listdir(media)) == files
    assert again.changes.name in (None, "NONE") or not again.changes


def test_bad_files_are_reported_by_name_and_lose_nothing(
    database: ProfileDatabase, tmp_path: Path
) -> None:
    root = tmp_path / "bad"
    write(root, "latin1.md", "caf\xe9 au lait".encode("latin-1"))
    write(root, "badyaml.md", "---\ntitle: [unclosed\n---\nThe body stays.")
    write(root, "a/Same.md", "first in a")
    write(root, "b/Same.md", "second in b")
    write(root, "b/links.md", "to [[Same]] and ![[gone.png]] and ![[huge.png]] and ![x](f.svg)")
    write(root, "b/huge.png", png(30_000, 30_000))
    write(root, "b/f.svg", "<svg onload='alert(1)'></svg>")
    outside = write(tmp_path / "elsewhere", "secret.md", "not for import")
    (root / "escape.md").symlink_to(outside)
    (root / "escape_dir").symlink_to(outside.parent, target_is_directory=True)

    done = import_markdown_folder(database, root, tmp_path / "media")

    problems = {(p.file, p.text.split(";")[0].split(" (")[0]) for p in done.problems}
    assert ("latin1.md", "not valid UTF-8") in problems
    assert ("badyaml.md", "the front matter is not YAML") in problems
    assert ("escape.md", "a link to a file outside the folder") in problems
    assert ("escape_dir", "a link to a folder outside") in problems
    assert ("b/links.md", "the attachment gone.png is missing") in problems
    texts = {p.file + ": " + p.text for p in done.problems}
    assert any("huge.png was not copied: 30000 x 30000 pixels" in t for t in texts)
    assert any("f.svg was not copied: an SVG image" in t for t in texts)
    assert "b/links.md: “Same” names 2 notes; the link goes to b/Same.md" in texts
    assert done.counts.notes == 5  # every readable note, the bad ones too
    assert note(database, "latin1")[1] == "caf\ufffd au lait"
    assert note(database, "badyaml")[1] == "---\ntitle: [unclosed\n---\nThe body stays."
    same_b = rows(database, "SELECT id FROM notes WHERE body = 'second in b'")[0][0]
    assert f"[Same](studydesk:note/{same_b})" in note(database, "links")[1]
    assert "![[gone.png]]" in note(database, "links")[1]
    assert not rows(database, "SELECT 1 FROM notes WHERE body = 'not for import'")
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").iterdir())


def test_a_huge_pdf_is_skipped_and_reported(
    database: ProfileDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.importers.markdown_links as links

    monkeypatch.setattr(links, "MAX_ATTACHMENT_READ", 100)
    root = tmp_path / "v"
    write(root, "n.md", "[big](big.pdf)")
    write(root, "big.pdf", b"%PDF-1.4\n" + b"x" * 200)
    done = import_markdown_folder(database, root, tmp_path / "media")
    assert [p.text for p in done.problems] == [
        "the attachment big.pdf was not copied: 0 MB; an attachment may be at most 0 MB"
    ]
    assert note(database, "n")[1] == "[big](big.pdf)"
    assert MAX_ATTACHMENT_READ == 100 * 1024 * 1024


def test_a_cancel_keeps_nothing_not_even_the_media(
    database: ProfileDatabase, vault: Path, tmp_path: Path
) -> None:
    progress = Progress()
    calls = 0

    def cancel_while_writing(done: int, total: int, message: str) -> None:
        nonlocal calls
        calls += 1
        if message.startswith("Writing"):
            progress.cancel()

    progress._on_change = cancel_while_writing
    media = tmp_path / "media"
    with pytest.raises(Cancelled):
        import_markdown_folder(database, vault, media, progress=progress)
    assert rows(database, "SELECT count(*) FROM notes") == [(0,)]
    assert not any(media.iterdir())
    assert calls > 0


def test_a_folder_with_no_markdown_is_refused(database: ProfileDatabase, tmp_path: Path) -> None:
    write(tmp_path / "empty", "x.txt", "text")
    with pytest.raises(UserError, match="no markdown file"):
        import_markdown_folder(database, tmp_path / "empty", tmp_path / "media")
    with pytest.raises(UserError, match="is not a folder"):
        import_markdown_folder(database, tmp_path / "missing", tmp_path / "media")


def test_reference_text_comes_in_as_library_articles(
    database: ProfileDatabase, vault: Path, tmp_path: Path
) -> None:
    done = import_markdown_folder(database, vault, tmp_path / "media", kind="article")
    assert done.summary.startswith("Imported 3 library articles")
    kinds = rows(database, "SELECT DISTINCT kind, notebook_id FROM notes")
    assert kinds == [("article", None)]
    _, heart = note(database, "The heart")
    valves_id, _ = note(database, "Valves")
    assert LinkTarget("article", valves_id) in links_in(heart)
    # as notes too: other ids, nothing shared
    import_markdown_folder(database, vault, tmp_path / "media")
    assert rows(database, "SELECT kind, count(*) FROM notes GROUP BY kind") == [
        ("article", 3),
        ("note", 3),
    ]
    assert json.loads(json.dumps(done.as_json()))["notes"] == 3
