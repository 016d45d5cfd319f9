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
