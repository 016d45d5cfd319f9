"""First launch with the older app's data: the learner's own profile, made from their old
account, asks for a password; the form says it is the one they had in the older app, and which
account it was, until it has been given once (it is then upgraded, and the form stops saying so)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from test_ui_legacy_import import FIXTURES, OLD_PASSWORD, RECONSTRUCTED, report_dialog
from ui_helpers import click, visible

from app.core.profiles import list_profiles
from app.importers.discovery import LEGACY_DIRS_ENV
from app.paths import DataLocations
from app.ui.dialogs.profile_forms import unlock_intro
from app.ui.launch import Launcher

WAIT_MS = 20_000


@pytest.fixture
def legacy_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The older app's file in a folder named in STUDYDESK_LEGACY_DIRS; an empty home."""
    if not FIXTURES.is_dir():
        pytest.skip(f"the legacy sample files are not here: {FIXTURES}")
    folder = tmp_path / "old techtree"
    folder.mkdir()
    shutil.copy(FIXTURES / RECONSTRUCTED, folder / "techtree_db.json")
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(LEGACY_DIRS_ENV, str(folder))
    return folder


def test_the_password_form_says_it_is_the_older_apps_password(
    qtbot: QtBot, locations: DataLocations, launch: Callable[..., Launcher], legacy_folder: Path
) -> None:
    launcher = launch()
    qtbot.waitUntil(lambda: launcher.legacy_import is not None, timeout=WAIT_MS)
    assert launcher.legacy_import is not None
    report_dialog(qtbot, launcher.legacy_import).close()
    qtbot.waitUntil(lambda: visible(launcher.picker), timeout=WAIT_MS)
    assert launcher.picker is not None
    click(qtbot, launcher.picker.open_button)  # preselected: their own profile
    qtbot.waitUntil(lambda: visible(launcher.unlock_dialog), timeout=WAIT_MS)
    unlock = launcher.unlock_dialog
    assert unlock is not None
    intro = unlock.intro.text()
    assert intro.startswith("“Sample Learner” is protected by a password.")
    assert "use the password you had there (as " in intro and "@" in intro
    qtbot.keyClicks(unlock.password, OLD_PASSWORD)
    with qtbot.waitSignal(launcher.window_shown, timeout=WAIT_MS):
        click(qtbot, unlock.ok_button)
    # Given once, it is Study Desk's own password now: nothing more to say about it.
    (learner,) = [p for p in list_profiles(locations) if p.name == "Sample Learner"]
    assert unlock_intro(learner) == "“Sample Learner” is protected by a password."
