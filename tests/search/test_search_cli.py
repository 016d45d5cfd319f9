"""`studydesk search QUERY [--json]`: the Ctrl+K search from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from search_helpers import add_note

from app.cli import run
from app.core.opening import open_profile
from app.core.profiles import find_profile
from app.paths import data_locations


def cli(data_dir: Path, *args: str) -> int:
    return run(["--data-dir", str(data_dir), *args])


@pytest.fixture
def profile_with_a_note(tmp_path: Path) -> str:
    assert cli(tmp_path, "profile", "create", "Ana") == 0
    locations = data_locations(str(tmp_path))
    opened = open_profile(locations, find_profile(locations, "Ana"), samples=False)
    try:
        return add_note(opened.database, "Cardiac cycle", "Systole then diastole, «quoted»")
    finally:
        opened.close()


def test_search_prints_json_results(tmp_path: Path, profile_with_a_note: str, capsys) -> None:
    capsys.readouterr()
    assert cli(tmp_path, "search", "diastol", "--json") == 0
    (result,) = [r for r in json.loads(capsys.readouterr().out) if r["kind"] == "note"]
    assert result["id"] == profile_with_a_note
    assert result["title"] == "Cardiac cycle"
    assert "diastole" in result["snippet"] and "\x02" not in result["snippet"]


def test_search_prints_text_and_any_query_is_safe(
    tmp_path: Path, profile_with_a_note: str, capsys
) -> None:
    capsys.readouterr()
    assert cli(tmp_path, "search", "cardiac", "cycle") == 0
    out = capsys.readouterr().out
    assert "Notes" in out and "Cardiac cycle" in out and profile_with_a_note in out
    assert cli(tmp_path, "search", '"((( NEAR zqxw *') == 0
    assert "Nothing found" in capsys.readouterr().out
