"""The first launch of a brand-new learner (an empty data folder, no older app's files): while
the profile is made, "Setting up Study Desk for “Robin”…"; then over Today, a welcome says what
Study Desk is and where to start, and offers to bring a profile from another computer; it fits
an 800 x 600 laptop, light or dark, at 100 % and 130 % text."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, click, visible

import app.core.samples as samples
import app.ui.launch as launch_module
from app.core.opening import open_profile
from app.core.profiles import create_profile
from app.paths import DataLocations
from app.ui import window_opening
from app.ui.launch import Launcher
from app.ui.main_window import MainWindow
from app.ui.sync import first_launch
from app.ui.sync.dialog import SERVER
from app.ui.sync.first_launch import BringProfileDialog

WAIT_MS = 20_000
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
SMALL_SCREEN = (800, 570)  # 800 x 600 less a taskbar (app/ui/screen_fit.py)


def welcome(qtbot: QtBot, launch: Callable[..., Launcher]) -> tuple[MainWindow, BringProfileDialog]:
    launcher = launch()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=WAIT_MS)
    window = launcher.window
    assert window is not None
    window.resize(*SMALL_SCREEN)
    qtbot.waitUntil(lambda: visible(getattr(window, "sync_offer", None)), timeout=WAIT_MS)
    return window, window.sync_offer  # type: ignore[attr-defined]


def shown_text(dialog: BringProfileDialog) -> str:
    return " ".join(
        label.text() for label in (dialog.title, dialog.what_it_is, dialog.where_to_start)
    )


def test_the_welcome_says_what_study_desk_is_and_where_to_start(
    qtbot: QtBot, launch: Callable[..., Launcher]
) -> None:
    # The entry point (and tests/conftest.py) registered the samples: the new profile has them.
    window, dialog = welcome(qtbot, launch)
    text = shown_text(dialog)
    name = window.context.opened.profile.name
    assert first_launch.WELCOME_TITLE in text
    assert "flashcards" in text and "offline" in text  # what it is
    assert f"“{name}” is ready" in text
    assert "sample content" in text  # there is something to try at once
    assert "<b>Today</b>" in text and "File &gt; Import" in text  # where to start
    # "Start Studying" is what Enter does; it says nothing of an empty profile, which it is not.
    assert dialog.fresh_button.isDefault()
    assert "empty" not in dialog.fresh_button.toolTip()
    assert dialog.bring_button.text().replace("&", "") == "I Already Use Study Desk: Sync…"
    assert "account or folder" in dialog.already_text.text()
    click(qtbot, dialog.fresh_button)
    assert not visible(dialog)


def test_without_sample_content_the_welcome_does_not_promise_any(
    qtbot: QtBot, launch: Callable[..., Launcher], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(samples, "_KINDS", {})  # no sample kinds: the new profile has none
    _window, dialog = welcome(qtbot, launch)
    assert "sample content" not in shown_text(dialog)
    assert "File &gt; Import" in shown_text(dialog)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("text_size", [100, 130], indirect=True)
def test_the_welcome_and_its_form_fit_a_small_laptop(
    qtbot: QtBot,
    gui: Gui,
    launch: Callable[..., Launcher],
    text_size: int,
    theme: str,
    qapp: QApplication,
) -> None:
    gui.appearance.apply_theme(theme)
    try:
        _window, dialog = welcome(qtbot, launch)
        qtbot.waitExposed(dialog)
        # Wide enough to read in a few lines, no wider than the screen.
        assert 400 <= dialog.width() <= SMALL_SCREEN[0], dialog.size()
        assert dialog.height() <= SMALL_SCREEN[1], dialog.size()
        for label in (dialog.what_it_is, dialog.where_to_start):
            lines = label.height() / label.fontMetrics().lineSpacing()
            assert lines <= 5.5, (label.text(), lines)
        # Nothing below the last button but the margin: no empty line for a message not given.
        bottom = dialog.bring_button.geometry().bottom()
        assert dialog.height() - bottom <= 2 * dialog.fontMetrics().height(), dialog.size()
        SHOTS.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(SHOTS / f"first-launch-welcome-{theme}-{text_size}.png"))
        click(qtbot, dialog.bring_button)
        dialog.form.set_kind(SERVER)  # the taller of the two forms
        qtbot.wait(1)
        assert dialog.go_button.isDefault() and not dialog.fresh_button.isDefault()
        hint = dialog.sizeHint()
        assert dialog.width() <= SMALL_SCREEN[0] and dialog.height() <= SMALL_SCREEN[1]
        assert hint.height() <= SMALL_SCREEN[1], hint
        dialog.grab().save(str(SHOTS / f"first-launch-welcome-form-{theme}-{text_size}.png"))
    finally:
        gui.appearance.apply_theme("light")


def opening_words(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each small window shown while a profile opens says, as it is made."""
    said: list[str] = []

    class Watched(window_opening.OpeningWindow):
        def __init__(self, name: str, **kwargs: bool) -> None:
            super().__init__(name, **kwargs)
            said.append(self.label.text())

    monkeypatch.setattr(launch_module, "OpeningWindow", Watched)
    return said


def test_the_first_opening_says_study_desk_is_being_set_up(
    qtbot: QtBot, launch: Callable[..., Launcher], monkeypatch: pytest.MonkeyPatch
) -> None:
    said = opening_words(monkeypatch)
    monkeypatch.setattr(getpass, "getuser", lambda: "robin")
    first = launch()
    qtbot.waitUntil(lambda: first.window is not None, timeout=WAIT_MS)
    assert said == ["Setting up Study Desk for “Robin”…"]


def test_a_profile_opened_before_says_opening(
    qtbot: QtBot,
    locations: DataLocations,
    launch: Callable[..., Launcher],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    said = opening_words(monkeypatch)
    open_profile(locations, create_profile(locations, "Alex")).close()
    launcher = launch()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=WAIT_MS)
    assert said == ["Opening “Alex”…"]
