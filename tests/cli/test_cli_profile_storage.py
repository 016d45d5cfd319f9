"""The command line and a profile's storage (issue 12): every import takes a backup first, a
damaged profile is mended by `db repair` (and `db check` says so), and in a folder that cannot
be written the reading commands work while the writing ones say why in one line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from apkg_builder import BASIC, Note, Package, write_apkg

from app.cli import run
from app.core.profiles import Profile, list_profiles
from app.db.backup import BEFORE_IMPORT, list_backups
from app.paths import data_locations
from tests.storage_doors import course_pack, damage_profile, read_only, table_counts


def cli(data_dir: Path, *args: str) -> int:
    return run(["--data-dir", str(data_dir), *args])


def snapshot(root: Path) -> dict[str, str]:
    """Every file of the profiles (their data, media and backups) by path; not the lock, the
    log, or profile.json (which notes when a profile was last opened)."""
    skipped = {".studydesk.lock", "profile.json"}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((root / "profiles").rglob("*"))
        if path.is_file() and path.name not in skipped
    }


def import_files(tmp_path: Path) -> dict[str, list[str]]:
    """One file for each import command, by the command's name."""
    (tmp_path / "cards.csv").write_text("hola,hello\nadiós,goodbye\n", encoding="utf-8")
    package = Package(
        notes=[Note("g1", BASIC, ["casa", "house"]), Note("g2", BASIC, ["sol", "sun"])]
    )
    apkg = write_apkg(tmp_path / "spanish.apkg", package)
    pack = course_pack(tmp_path / "course.sdcourse")
    notes = tmp_path / "notes.json"
    notes.write_text('[{"id": "n1", "title": "Heart sounds", "body": "S1 and S2"}]')
    return {
        "csv": ["import", "csv", str(tmp_path / "cards.csv"), "--deck", "Spanish"],
        "apkg": ["import", "apkg", str(apkg)],
        "course": ["import", "course", str(pack)],
        "tinydb": ["import", "tinydb", str(notes)],
    }


@pytest.fixture
def ana(tmp_path: Path) -> Path:
    """A data folder whose one profile (Ana's, named after her computer account) holds the
    deck she imported last week; that import made the profile."""
    data = tmp_path / "data"
    (tmp_path / "first.csv").write_text("uno,one\n", encoding="utf-8")
    first = ["import", "csv", str(tmp_path / "first.csv"), "--deck", "Setup"]
    assert cli(data, *first) == 0
    return data


def the_profile(data: Path) -> Profile:
    (profile,) = list_profiles(data_locations(data))
    return profile


def profile_file(data: Path) -> Path:
    return the_profile(data).db_file


@pytest.mark.parametrize("kind", ["csv", "apkg", "course", "tinydb"])
def test_every_import_backs_the_profile_up_before_it_writes(
    ana: Path, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = table_counts(profile_file(ana))
    backups_dir = profile_file(ana).parent / "backups"
    earlier = {b.path for b in list_backups(backups_dir)}

    assert cli(ana, *import_files(tmp_path)[kind]) == 0, capsys.readouterr()

    taken = [b for b in list_backups(backups_dir) if b.path not in earlier]
    safety = [b for b in taken if b.reason == BEFORE_IMPORT]
    assert len(safety) == 1, [b.reason for b in taken]
    assert table_counts(safety[0].path) == before  # what the profile held just before
    assert table_counts(profile_file(ana)) != before  # and the import did bring something


def test_an_import_that_makes_the_profile_takes_no_backup(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli(data, *import_files(tmp_path)["csv"]) == 0
    backups = list(data.glob("profiles/*/backups/*.sqlite3"))
    assert all(BEFORE_IMPORT not in path.name for path in backups)  # nothing there to lose


@pytest.mark.parametrize("kind", ["csv", "apkg", "course", "tinydb"])
def test_an_import_into_a_damaged_profile_is_refused_in_one_line_and_writes_nothing(
    ana: Path, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    damage_profile(data_locations(ana), the_profile(ana))
    before = snapshot(ana)
    capsys.readouterr()

    assert cli(ana, *import_files(tmp_path)[kind]) == 1

    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "is damaged" in err and "studydesk db repair" in err
    assert snapshot(ana) == before  # not a row, not a backup


def test_db_check_of_a_damaged_profile_advises_the_repair(
    ana: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage_profile(data_locations(ana), the_profile(ana))
    capsys.readouterr()
    assert cli(ana, "db", "check") == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "is damaged" in err and "`studydesk db repair`" in err and "restore a backup" in err


def test_db_repair_mends_a_damaged_profile_and_keeps_the_damaged_file(
    ana: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage_profile(data_locations(ana), the_profile(ana))
    db_file = profile_file(ana)
    damaged_bytes = hashlib.sha256(db_file.read_bytes()).hexdigest()
    capsys.readouterr()

    assert cli(ana, "db", "repair") == 0
    out = capsys.readouterr().out
    assert "Repaired studydesk.sqlite3" in out and "could not be read" in out
    kept = list(db_file.parent.glob("repairs/*/damaged.sqlite3"))
    assert len(kept) == 1 and str(kept[0]) in out
    assert hashlib.sha256(kept[0].read_bytes()).hexdigest() == damaged_bytes
    assert table_counts(db_file)["cards"] == 1  # the deck from last week is still there

    assert cli(ana, "db", "check") == 0
    assert cli(ana, *import_files(tmp_path)["csv"]) == 0
    capsys.readouterr()
    assert cli(ana, "db", "repair") == 0
    assert "nothing to repair" in capsys.readouterr().out


def test_in_a_folder_that_cannot_be_written_reading_works_and_writing_says_why(
    ana: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = import_files(tmp_path)
    before = snapshot(ana)
    out = tmp_path / "out"
    out.mkdir()
    capsys.readouterr()
    with read_only(ana):
        assert cli(ana, "profile", "list") == 0
        assert cli(ana, "db", "check") == 0
        assert cli(ana, "export", "csv", "--deck", "Setup", str(out / "a.csv")) == 0
        assert cli(ana, "export", "markdown", "--deck", "Setup", str(out / "md")) == 0
        said = capsys.readouterr()
        assert the_profile(ana).name in said.out and said.err == ""
        assert (out / "a.csv").read_text(encoding="utf-8").count("uno") == 1

        for command in (
            files["csv"],
            files["course"],
            files["tinydb"],
            ["db", "backup"],
            ["db", "repair"],
        ):
            assert cli(ana, *command) == 1, command
            err = capsys.readouterr().err.strip()
            assert len(err.splitlines()) == 1, err
            assert "Study Desk cannot write" in err and str(ana) in err, err
    assert snapshot(ana) == before
