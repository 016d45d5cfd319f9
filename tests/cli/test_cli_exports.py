"""One rule for every export (issue 12, item 13): what is there is replaced only when asked.

`export csv`, `export markdown` and `export course` refuse an existing file (for markdown, a
folder that is not empty), naming it and leaving it exactly as it was; `--force` replaces it.
The rule lives in the export actions the window uses too (`app.importers.export_target`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import run
from app.db.database import ProfileDatabase
from app.errors import UserError
from app.importers.card_file_actions import export_csv_file, export_markdown_folder

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PACK = ROOT / "resources" / "sample" / "courses" / "spaced-repetition"
COURSE = "How to study with spaced repetition"


def cli(data: Path, *args: str) -> int:
    return run(["--data-dir", str(data), *args])


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A profile with a deck of two cards and the sample course."""
    root = tmp_path / "data"
    cards = tmp_path / "cards.csv"
    cards.write_text("uno,one\ndos,two\n", encoding="utf-8")
    assert cli(root, "profile", "create", "Ana") == 0
    assert cli(root, "import", "csv", str(cards), "--deck", "Spanish") == 0
    assert cli(root, "import", "course", str(SAMPLE_PACK)) == 0
    capsys.readouterr()
    return root


EXPORTS = {
    "csv": ("export", "csv", "--deck", "Spanish"),
    "course": ("export", "course", COURSE),
}


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_an_existing_file_is_refused_then_replaced_with_force(
    kind: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    target = tmp_path / f"mine.{kind}"
    target.write_text("the learner's own file", encoding="utf-8")

    assert cli(data, *EXPORTS[kind], str(target)) == 1
    err = capsys.readouterr().err
    assert err == (
        f"studydesk: {target} already exists; nothing was written. Choose another name, or "
        "replace it (--force).\n"
    )
    assert target.read_text(encoding="utf-8") == "the learner's own file"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers

    assert cli(data, *EXPORTS[kind], str(target), "--force") == 0
    assert target.read_text(encoding="utf-8", errors="replace") != "the learner's own file"
    assert str(target) in capsys.readouterr().out


def test_a_folder_that_is_not_empty_is_refused_for_markdown_then_written_into_with_force(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "mine.md").write_text("keep me", encoding="utf-8")

    assert cli(data, "export", "markdown", "--deck", "Spanish", str(folder)) == 1
    assert f"{folder} is not empty; nothing was written" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["mine.md"]

    assert cli(data, "export", "markdown", "--deck", "Spanish", str(folder), "--force") == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "00001-uno.md",
        "00002-dos.md",
        "mine.md",  # files of other names are left alone
    ]
    assert (folder / "mine.md").read_text(encoding="utf-8") == "keep me"


def test_the_rule_is_the_export_actions_own(tmp_path: Path):
    """What the window calls refuses too unless told to replace (its save dialog asks)."""
    database = ProfileDatabase.open(tmp_path / "p" / "db.sqlite3", tmp_path / "b", create=True)
    try:
        from app.core.flashcards.deck_actions import create_deck

        create_deck(database, "Empty")
        target = tmp_path / "out.csv"
        target.write_text("x", encoding="utf-8")
        with pytest.raises(UserError, match="already exists"):
            export_csv_file(database, "Empty", target)
        assert target.read_text(encoding="utf-8") == "x"
        assert export_csv_file(database, "Empty", target, overwrite=True).cards == 0
        assert target.read_bytes() == b"front,back,tags\r\n"
        folder = tmp_path / "md"
        folder.mkdir()
        (folder / "x").write_text("x", encoding="utf-8")
        with pytest.raises(UserError, match="not empty"):
            export_markdown_folder(database, "Empty", folder, None)
        assert export_markdown_folder(database, "Empty", folder, None, overwrite=True).cards == 0
        with pytest.raises(UserError, match="is a file"):
            export_markdown_folder(database, "Empty", target, None, overwrite=True)
    finally:
        database.close()
