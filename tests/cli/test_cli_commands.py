"""The `studydesk` command line: what a learner or a script sees, and its exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import run
from app.db.revisions import known_revisions

ROOT = Path(__file__).resolve().parents[2]


def cli(data_dir: Path, *args: str) -> int:
    return run(["--data-dir", str(data_dir), *args])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_create_then_check_reports_a_healthy_profile_at_head(tmp_path, capsys):
    assert cli(tmp_path, "profile", "create", "Ana") == 0
    capsys.readouterr()
    assert cli(tmp_path, "db", "check", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["integrity"] == "ok"
    assert report["foreign_keys"] == []
    assert report["revision"] == report["head"] == known_revisions().head
    assert {"profile_settings", "import_sources", "legacy_documents"} <= set(report["tables"])


def test_profile_list_rename_and_delete_to_trash(tmp_path, capsys):
    cli(tmp_path, "profile", "create", "Ana")
    cli(tmp_path, "profile", "create", "Bo")
    assert cli(tmp_path, "profile", "rename", "bo", "Beatriz") == 0
    capsys.readouterr()
    assert cli(tmp_path, "profile", "list", "--json") == 0
    names = [p["name"] for p in json.loads(capsys.readouterr().out)]
    assert names == ["Ana", "Beatriz"]
    assert cli(tmp_path, "profile", "delete", "Beatriz", "--yes") == 0
    trashed = list((tmp_path / "trash").iterdir())
    assert len(trashed) == 1
    assert (trashed[0] / "studydesk.sqlite3").is_file()  # moved, not erased
    capsys.readouterr()
    cli(tmp_path, "profile", "list")
    assert capsys.readouterr().out.split() == ["Ana"]


def test_delete_without_confirmation_changes_nothing(tmp_path, capsys, monkeypatch):
    cli(tmp_path, "profile", "create", "Ana")
    monkeypatch.setattr(sys, "stdin", None)
    assert cli(tmp_path, "profile", "delete", "Ana") == 1
    assert "--yes" in capsys.readouterr().err
    assert not (tmp_path / "trash").exists()


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Ana", "already exists"),
        ("../evil", "cannot be used"),
        ("a/b", "cannot be used"),
        ("  ", "needs a name"),
    ],
)
def test_bad_profile_names_are_refused_with_the_reason(tmp_path, capsys, name, said):
    cli(tmp_path, "profile", "create", "Ana")
    capsys.readouterr()
    assert cli(tmp_path, "profile", "create", name) == 1
    err = capsys.readouterr().err
    assert said in err
    assert len(err.strip().splitlines()) == 1


def test_several_profiles_need_a_choice(tmp_path, capsys):
    cli(tmp_path, "profile", "create", "Ana")
    cli(tmp_path, "profile", "create", "Bo")
    capsys.readouterr()
    assert cli(tmp_path, "db", "check") == 1
    assert "--profile" in capsys.readouterr().err
    assert cli(tmp_path, "--profile", "Bo", "db", "check") == 0


def test_locked_profile_is_created_with_a_password(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYDESK_PASSWORD", "s3cret")
    monkeypatch.setattr(sys, "stdin", None)
    assert cli(tmp_path, "profile", "create", "Ana", "--password") == 0
    meta = json.loads(next(tmp_path.glob("profiles/*/profile.json")).read_text())
    assert meta["password_hash"].startswith("$argon2id$")


def test_deleting_a_locked_profile_needs_its_password(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    monkeypatch.setenv("STUDYDESK_PASSWORD", "s3cret")
    assert cli(tmp_path, "profile", "create", "Ana", "--password") == 0
    monkeypatch.setenv("STUDYDESK_PASSWORD", "wrong")
    capsys.readouterr()
    assert cli(tmp_path, "profile", "delete", "Ana", "--yes") == 1
    assert "not the password" in capsys.readouterr().err
    assert not (tmp_path / "trash").exists()
    monkeypatch.setenv("STUDYDESK_PASSWORD", "s3cret")
    assert cli(tmp_path, "profile", "delete", "Ana", "--yes") == 0
    assert len(list((tmp_path / "trash").iterdir())) == 1


def test_backup_then_restore_brings_back_the_old_data(tmp_path, capsys):
    cli(tmp_path, "profile", "create", "Ana")
    db_file = next(tmp_path.glob("profiles/*/studydesk.sqlite3"))
    assert cli(tmp_path, "db", "backup") == 0
    backup = Path(capsys.readouterr().out.split("Backed up to ")[1].split(" (")[0])
    with sqlite3.connect(db_file) as conn:
        conn.execute(
            "INSERT INTO profile_settings VALUES (?, ?, ?)",
            ("goal", '"30 min"', "2026-01-01T00:00:00.000000Z"),
        )
    assert cli(tmp_path, "db", "restore", backup.name, "--yes") == 0
    out = capsys.readouterr().out
    assert "before-restore" in out
    with sqlite3.connect(db_file) as conn:
        assert conn.execute(
            "SELECT count(*) FROM profile_settings WHERE key='goal'"
        ).fetchone() == (0,)
    safety = next(db_file.parent.glob("backups/*before-restore*.sqlite3"))
    with sqlite3.connect(safety) as conn:
        assert conn.execute(
            "SELECT count(*) FROM profile_settings WHERE key='goal'"
        ).fetchone() == (1,)


def test_restoring_a_file_that_is_not_a_backup_leaves_everything(tmp_path, capsys):
    cli(tmp_path, "profile", "create", "Ana")
    db_file = next(tmp_path.glob("profiles/*/studydesk.sqlite3"))
    before = digest(db_file)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    assert cli(tmp_path, "db", "restore", str(junk), "--yes") == 1
    assert str(junk) in capsys.readouterr().err
    assert digest(db_file) == before
    assert not list(db_file.parent.glob("backups/*before-restore*"))


def test_damaged_profile_is_refused_by_check_and_upgrade_and_left_untouched(tmp_path, capsys):
    cli(tmp_path, "profile", "create", "Ana")
    db_file = next(tmp_path.glob("profiles/*/studydesk.sqlite3"))
    db_file.write_bytes(os.urandom(8192))
    before = digest(db_file)
    capsys.readouterr()
    for command in (("db", "check"), ("db", "upgrade"), ("db", "backup")):
        assert cli(tmp_path, *command) == 1
        assert str(db_file) in capsys.readouterr().err
    assert digest(db_file) == before


def test_newer_profile_is_refused_with_update_advice(tmp_path, capsys):
    cli(tmp_path, "profile", "create", "Ana")
    db_file = next(tmp_path.glob("profiles/*/studydesk.sqlite3"))
    with sqlite3.connect(db_file) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999'")
    before = digest(db_file)
    capsys.readouterr()
    assert cli(tmp_path, "db", "upgrade") == 1
    assert "newer version of Study Desk" in capsys.readouterr().err
    assert digest(db_file) == before


def test_restore_is_refused_while_the_profile_is_open_elsewhere(tmp_path, capsys):
    from app.core.opening import open_profile
    from app.core.profiles import find_profile
    from app.paths import data_locations

    cli(tmp_path, "profile", "create", "Ana")
    cli(tmp_path, "db", "backup")
    backup = next(tmp_path.glob("profiles/*/backups/*.sqlite3"))
    locations = data_locations(tmp_path)
    opened = open_profile(locations, find_profile(locations, "Ana"))
    try:
        capsys.readouterr()
        assert cli(tmp_path, "db", "restore", str(backup), "--yes") == 1
        assert "open in another Study Desk" in capsys.readouterr().err
    finally:
        opened.close()


def test_exit_codes_from_a_real_process(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}

    def studydesk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(tmp_path), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
        )

    version = studydesk("--version")
    assert version.returncode == 0 and version.stdout.startswith("Study Desk ")
    assert studydesk("profile", "frobnicate").returncode == 2
    missing = studydesk("--profile", "Nobody", "db", "check")
    assert missing.returncode == 1
    assert "no profile called 'Nobody'" in missing.stderr


PASSWORD = "s3cret"
SAMPLE_COURSE = ROOT / "resources" / "sample" / "courses" / "spaced-repetition"

# Every command that reads or changes a profile; "{...}" stands for a file made by the test.
EVERY_DOOR = [
    ("profile", "rename", "Ana", "Anna"),
    ("profile", "delete", "Ana", "--yes"),
    ("db", "check"),
    ("db", "backup"),
    ("db", "upgrade"),
    ("db", "restore", "{backup}", "--yes"),
    ("import", "csv", "{csv}", "--deck", "Spanish"),
    ("export", "csv", "--deck", "Getting started", "{out}"),
    ("import", "course", str(SAMPLE_COURSE)),
    ("export", "course", "How to study with spaced repetition", "{out}"),
    ("deck", "optimise", "--deck", "Getting started"),
    ("import", "questions", "{notes}"),
    ("videos", "list"),
]


def snapshot(root: Path) -> dict[str, str]:
    """Every file of every profile (and the trash), by path: what a command may not change."""
    return {
        str(path.relative_to(root)): digest(path)
        for folder in (root / "profiles", root / "trash")
        if folder.exists()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".studydesk.lock"
    }


@pytest.fixture
def locked_ana(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir holding one profile, Ana, locked with PASSWORD, and the files the commands
    read; no terminal to type into."""
    from app.core.opening import open_profile
    from app.core.profiles import find_profile
    from app.paths import data_locations

    monkeypatch.setattr(sys, "stdin", None)
    monkeypatch.setenv("STUDYDESK_PASSWORD", PASSWORD)
    data = tmp_path / "data"
    assert cli(data, "profile", "create", "Ana", "--password") == 0
    locations = data_locations(data)
    opened = open_profile(locations, find_profile(locations, "Ana"), password=PASSWORD)
    opened.backup()
    opened.close()
    monkeypatch.delenv("STUDYDESK_PASSWORD")
    (tmp_path / "cards.csv").write_text("hola,hello\nadiós,goodbye\n", encoding="utf-8")
    notes = [{"id": "n1", "title": "Heart sounds", "body": "S1 and S2"}]
    (tmp_path / "notes.json").write_text(json.dumps(notes), encoding="utf-8")
    return data


def door(data: Path, command: tuple[str, ...]) -> list[str]:
    backup = next(data.glob("profiles/*/backups/*.sqlite3"))
    files = {
        "{backup}": str(backup),
        "{csv}": str(data.parent / "cards.csv"),
        "{notes}": str(data.parent / "notes.json"),
        "{out}": str(data.parent / "out" / "file"),
    }
    return ["--profile", "Ana", *(files.get(arg, arg) for arg in command)]


@pytest.mark.parametrize("command", EVERY_DOOR, ids=lambda c: " ".join(c[:2]))
def test_every_command_on_a_locked_profile_needs_its_password(
    locked_ana: Path, command: tuple[str, ...], capsys, monkeypatch
):
    args = door(locked_ana, command)
    before = snapshot(locked_ana)
    capsys.readouterr()

    assert cli(locked_ana, *args) == 1  # no terminal and no STUDYDESK_PASSWORD
    err = capsys.readouterr().err
    assert "'Ana' is locked" in err and "STUDYDESK_PASSWORD" in err
    assert len(err.strip().splitlines()) == 1

    monkeypatch.setenv("STUDYDESK_PASSWORD", "guess")
    assert cli(locked_ana, *args) == 1
    err = capsys.readouterr().err
    assert err.strip() == "studydesk: That is not the password of the profile 'Ana'."
    assert snapshot(locked_ana) == before
    assert not (locked_ana.parent / "out").exists()


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (("profile", "rename", "Ana", "Anna"), "Renamed to 'Anna'"),
        (("db", "check"), "Integrity:    ok"),
        (("db", "backup"), "Backed up to"),
        (("db", "upgrade"), "already up to date"),
        (("import", "csv", "{csv}", "--deck", "Spanish"), "2 cards"),
        (("videos", "list"), ""),
    ],
    ids=lambda c: " ".join(c[:2]) if isinstance(c, tuple) else "",
)
def test_with_its_password_a_locked_profile_does_what_was_asked(
    locked_ana: Path, command: tuple[str, ...], said: str, capsys, monkeypatch
):
    monkeypatch.setenv("STUDYDESK_PASSWORD", PASSWORD)
    capsys.readouterr()
    assert cli(locked_ana, *door(locked_ana, command)) == 0
    assert said in capsys.readouterr().out


def test_renaming_a_profile_open_in_a_window_is_refused_and_says_so(tmp_path, capsys):
    from app.core.opening import open_profile
    from app.core.profiles import find_profile, list_profiles
    from app.paths import data_locations

    cli(tmp_path, "profile", "create", "Ana")
    locations = data_locations(tmp_path)
    opened = open_profile(locations, find_profile(locations, "Ana"))  # as the window holds it
    try:
        capsys.readouterr()
        assert cli(tmp_path, "profile", "rename", "Ana", "Anna") == 1
        err = capsys.readouterr().err
        assert "'Ana' is open in another Study Desk window" in err
        assert len(err.strip().splitlines()) == 1
        assert [p.name for p in list_profiles(locations)] == ["Ana"]
    finally:
        opened.close()
    assert cli(tmp_path, "profile", "rename", "Ana", "Anna") == 0


def test_a_truncated_course_pack_names_the_file_in_plain_words(tmp_path, capsys):
    cut = tmp_path / "my course.json"
    text = (SAMPLE_COURSE / "course.json").read_text(encoding="utf-8")
    cut.write_text(text[: len(text) // 3], encoding="utf-8")
    assert cli(tmp_path / "data", "import", "course", str(cut)) == 1
    err = capsys.readouterr().err.strip()
    assert str(cut) in err
    assert "course.json" not in err.replace(str(cut), "")
    assert "Expecting" not in err and "JSON" not in err
    assert "ends too early" in err


def test_restoring_a_file_that_is_not_a_backup_says_where_the_backups_are(tmp_path, capsys):
    cli(tmp_path, "profile", "create", "Ana")
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    capsys.readouterr()
    assert cli(tmp_path, "db", "restore", str(junk), "--yes") == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"{junk} is not a Study Desk backup" in err
    assert "Nothing was restored" in err
    backups = next(tmp_path.glob("profiles/*")) / "backups"
    assert err.endswith(f"The backups of 'Ana' are in {backups}.")
    assert "Restore a backup" not in err and "Restore backup" not in err


@pytest.mark.parametrize("content", [b"", b"  \n"])
def test_an_empty_file_is_not_imported_and_says_it_is_empty(tmp_path, capsys, content):
    cli(tmp_path, "profile", "create", "Ana")
    empty = tmp_path / "db.json"
    empty.write_bytes(content)
    capsys.readouterr()
    assert cli(tmp_path, "import", "tinydb", str(empty)) == 1
    out = capsys.readouterr()
    assert f"{empty} is empty" in out.err
    assert "holds no documents" not in out.out + out.err
