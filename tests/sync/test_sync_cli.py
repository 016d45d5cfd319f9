"""`studydesk sync setup --folder`, `sync`, `sync status`: a second laptop's empty data folder
brings the profile down; another profile's folder is refused; a wrong passphrase too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import run


def cli(data: Path, *args: str) -> int:
    return run(["--data-dir", str(data), *args])


def test_setup_sync_and_status_bring_the_profile_to_a_second_laptop(tmp_path, capsys) -> None:
    first, second, folder = tmp_path / "laptop1", tmp_path / "laptop2", tmp_path / "shared"
    capsys.readouterr()
    from app.core.flashcards import deck_actions
    from app.core.opening import ensure_first_profile, open_profile
    from app.paths import data_locations

    locations = data_locations(first)
    profile = ensure_first_profile(locations)
    assert profile is not None
    opened = open_profile(locations, profile, samples=False)
    deck_actions.create_deck(opened.database, "Anatomy")
    opened.close()

    assert cli(first, "sync", "setup", "--folder", str(folder), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["pushed"] >= 1 and report["dataset"]
    assert cli(second, "sync", "setup", "--folder", str(folder), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["applied"] >= 1
    assert cli(second, "sync", "status", "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert status["enabled"] and status["pending_operations"] == 0 and status["last_sync"]
    assert cli(second, "sync", "--json") == 0
    assert json.loads(capsys.readouterr().out)["pulled"] == 0  # nothing new


def test_another_profiles_folder_and_a_wrong_passphrase_are_refused(
    tmp_path, capsys, monkeypatch
) -> None:
    pytest.importorskip("cryptography")
    a, b, folder = tmp_path / "a", tmp_path / "b", tmp_path / "shared"
    monkeypatch.setenv("SD_PASS", "right")
    assert cli(a, "sync", "setup", "--folder", str(folder), "--passphrase-env", "SD_PASS") == 0
    monkeypatch.setenv("SD_PASS", "wrong")
    assert cli(b, "sync", "setup", "--folder", str(folder), "--passphrase-env", "SD_PASS") == 1
    assert "passphrase is wrong" in capsys.readouterr().err
    assert cli(b, "sync", "setup", "--folder", str(tmp_path / "other")) == 0
    capsys.readouterr()
    monkeypatch.setenv("SD_PASS", "right")
    assert cli(b, "sync", "setup", "--folder", str(folder), "--passphrase-env", "SD_PASS") == 1
    assert "another profile" in capsys.readouterr().err
    assert cli(tmp_path / "c", "sync") == 1
    assert "not set up" in capsys.readouterr().err
