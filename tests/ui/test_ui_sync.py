"""Sync in the window: Sync Settings, Ctrl+Y, the status bar, two profiles meeting through a
folder, an unreachable server, and the first launch's "I already use Study Desk"."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, click, visible

from app.core import sample_actions as sample_action
from app.core.flashcards.cards import add_card
from app.core.flashcards.decks import ensure_deck
from app.core.opening import OpenProfile, open_profile
from app.core.profiles import create_profile, list_profiles
from app.db.models import ProfileSetting
from app.paths import data_locations
from app.ui.launch import Launcher
from app.ui.main_window import MainWindow
from app.ui.sync import work
from app.ui.sync.controller import SyncController, controller_for, open_settings
from app.ui.sync.dialog import FOLDER, OFF, SERVER, SyncSettingsDialog
from app.ui.sync.first_launch import BringProfileDialog

WAIT_MS = 20_000
SHOTS = Path(os.environ.get("SYNC_SHOTS", "/tmp/sync_shots"))


@contextmanager
def laptop(tmp_path: Path, name: str = "Alex") -> Iterator[OpenProfile]:
    """The other computer: its own data folder and profile, open while the block runs."""
    other_locations = data_locations(tmp_path / "laptop")
    other = open_profile(other_locations, create_profile(other_locations, name))
    try:
        yield other
    finally:
        other.close()


def segments(folder: Path) -> int:
    return len(list((folder / "devices").glob("*/*.seg")))


def settings_dialog(qtbot: QtBot, window: MainWindow) -> SyncSettingsDialog:
    open_settings(window.context, window)
    dialog = window.sync_dialog  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: visible(dialog))
    return dialog


def controller(window: MainWindow) -> SyncController:
    return controller_for(window.context, window)


def press_ctrl_y(qtbot: QtBot, window: MainWindow) -> None:
    action = next(a for a in window.feature_actions if a.shortcut().toString() == "Ctrl+Y")
    action.trigger()


def add_a_card(opened: OpenProfile, front: str) -> None:
    with opened.database.write_session() as session:
        deck = ensure_deck(session, "Biology")
        add_card(session, deck.id, front, "an answer")


def cards_fronts(qtbot: QtBot, window: MainWindow) -> list[str]:
    from app.ui.cards.model import FRONT

    row = next(r for r in range(window.sidebar.count()) if window.sidebar.item(r).text() == "Cards")
    window.open_view(row)
    view = window.pages.get(row)
    model = view.model  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not model.loading and model.rowCount() > 0, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: all(model.cached_row(r) is not None for r in range(model.rowCount())),
        timeout=WAIT_MS,
    )
    return [str(model.index(r, FRONT).data()) for r in range(model.rowCount())]


def test_folder_set_up_in_sync_settings_then_ctrl_y_syncs_and_the_status_bar_says_so(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    dialog = settings_dialog(qtbot, window)
    sync = controller(window)
    qtbot.waitUntil(lambda: sync.status is not None, timeout=WAIT_MS)
    assert dialog.form.kind() == OFF
    click(qtbot, dialog.form.folder_radio)
    assert dialog.apply_button.text() == "&Use This Folder"
    dialog.form.folder_edit.setText(str(tmp_path / "shared"))
    click(qtbot, dialog.apply_button)
    qtbot.waitUntil(lambda: sync.status is not None and sync.status.enabled, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Set up and synced"), timeout=WAIT_MS)
    assert (tmp_path / "shared" / "studydesk-sync.json").exists()
    assert dialog.device_label.text() == sync.status.device_id
    assert dialog.last_label.text() == "just now"
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "sync-settings.png"))
    dialog.close()

    add_a_card(window.context.opened, "Mitochondria")
    sync.read_status()
    qtbot.waitUntil(lambda: "waiting" in sync.label.plain, timeout=WAIT_MS)
    assert sync.label.plain.startswith("Synced just now · ")
    with qtbot.waitSignal(sync.status_changed, timeout=WAIT_MS):
        press_ctrl_y(qtbot, window)
    assert sync.status is not None and sync.status.pending_operations == 0
    assert sync.label.plain == "Synced just now"
    assert sync.label.isVisible()
    window.statusBar().grab().save(str(SHOTS / "status-bar.png"))


def test_a_card_added_on_one_computer_appears_in_the_others_cards_view_after_ctrl_y(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "shared"
    with laptop(tmp_path) as other:
        sync = controller(window)
        window.context.runner.run_write(
            lambda _p: work.setup_folder(window.context.opened, folder, None, False),
            label="",
            on_done=sync.settings_changed,
        )
        qtbot.waitUntil(lambda: sync.status is not None and sync.status.enabled, timeout=WAIT_MS)
        work.setup_folder(other, folder, None, True)  # each had a profile: the union of both
        add_a_card(other, "Made on the laptop")
        outcome = work.run_sync(other, None)
        assert outcome.result is not None and outcome.result.pushed > 0
    with qtbot.waitSignal(window.context.runner.data_changed, timeout=WAIT_MS):
        press_ctrl_y(qtbot, window)
    qtbot.waitUntil(lambda: "Made on the laptop" in cards_fronts(qtbot, window), timeout=WAIT_MS)


def test_an_unreachable_server_is_a_quiet_status_and_no_dialog(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.sync import engine
    from app.sync.server_target import Unreachable

    sync = controller(window)
    qtbot.waitUntil(lambda: sync.status is not None, timeout=WAIT_MS)
    real_status = engine.status

    def as_if_on_a_server(database: object) -> object:
        found = real_status(database)  # type: ignore[arg-type]
        target = {"kind": "server", "url": "https://127.0.0.1:9", "user": "alex"}
        return type(found)(**{**found.as_json(), "enabled": True, "target": target})

    def no_answer(*_args: object, **_kwargs: object) -> object:
        raise Unreachable("https://127.0.0.1:9 does not answer.")

    monkeypatch.setattr(engine, "status", as_if_on_a_server)
    monkeypatch.setattr("app.sync.server_setup.open_server_target", no_answer)
    with qtbot.waitSignal(sync.status_changed, timeout=WAIT_MS):
        press_ctrl_y(qtbot, window)
    assert sync.label.plain.startswith("Sync: server not reachable, will retry")
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [window]


def test_a_folder_of_another_profile_with_a_wrong_passphrase_is_refused_in_the_dialog(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "shared"
    with laptop(tmp_path, "Sam") as other:
        work.setup_folder(other, folder, "right passphrase", False)
    sync = controller(window)
    qtbot.waitUntil(lambda: sync.status is not None, timeout=WAIT_MS)
    dialog = settings_dialog(qtbot, window)
    click(qtbot, dialog.form.folder_radio)
    dialog.form.folder_edit.setText(str(folder))
    dialog.form.passphrase_edit.setText("wrong passphrase")
    click(qtbot, dialog.apply_button)
    qtbot.waitUntil(lambda: "passphrase" in dialog.message.text().lower(), timeout=WAIT_MS)
    assert not sync.status or not sync.status.enabled  # nothing was changed
    dialog.close()


def test_the_passphrase_is_asked_once_a_session_and_a_wrong_one_is_said_in_the_status_bar(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "shared"
    sync = controller(window)
    qtbot.waitUntil(lambda: sync.status is not None, timeout=WAIT_MS)
    opened = window.context.opened
    with qtbot.waitSignal(sync.status_changed, timeout=WAIT_MS):
        window.context.runner.run_write(
            lambda _p: work.setup_folder(opened, folder, "our passphrase", False),
            label="",
            on_done=sync.settings_changed,
        )
    sync.remember_passphrase(None)  # as after a restart: never stored
    sync.state = ""
    with qtbot.waitSignal(sync.status_changed, timeout=WAIT_MS):
        sync.sync(automatic=True)
    assert sync.label.plain == "Sync paused: the folder's passphrase is needed · Enter it…"
    assert sync.sync(automatic=True) is None  # rounds wait for it

    sync.remember_passphrase("not our passphrase")
    with qtbot.waitSignal(sync.status_changed, timeout=WAIT_MS):
        press_ctrl_y(qtbot, window)
    assert sync.label.plain.startswith("Sync stopped: The sync passphrase is wrong")
    assert sync.label.plain.endswith(" · Sync Settings…")
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [window]
    window.statusBar().grab().save(str(SHOTS / "status-bar-stopped.png"))
    assert window.minimumSizeHint().width() <= 800  # the message does not widen the window

    sync.remember_passphrase("our passphrase")
    with qtbot.waitSignal(sync.status_changed, timeout=WAIT_MS):
        press_ctrl_y(qtbot, window)
    assert sync.label.plain == "Synced just now"


def test_closing_the_window_pushes_what_is_waiting(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "shared"
    sync = controller(window)
    opened = window.context.opened
    with qtbot.waitSignal(sync.status_changed, timeout=WAIT_MS):
        window.context.runner.run_write(
            lambda _p: work.setup_folder(opened, folder, None, False),
            label="",
            on_done=sync.settings_changed,
        )
    before = segments(folder)
    add_a_card(opened, "Written just before closing")
    window.close()
    assert segments(folder) == before + 1


def test_first_launch_brings_the_profile_from_a_folder(
    qtbot: QtBot, gui: Gui, launch: Callable[..., Launcher], tmp_path: Path
) -> None:
    folder = tmp_path / "shared"
    with laptop(tmp_path) as other:
        with other.database.write_session() as session:
            session.merge(ProfileSetting(key="daily_goal", value=45))
        work.setup_folder(other, folder, None, False)
        add_a_card(other, "From my first computer")
        work.run_sync(other, None)
        samples_there = sample_action.has_sample_content(other.database)
    launcher = launch()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=WAIT_MS)
    window = launcher.window
    assert window is not None
    qtbot.waitUntil(lambda: visible(getattr(window, "sync_offer", None)), timeout=WAIT_MS)
    offer: BringProfileDialog = window.sync_offer  # type: ignore[attr-defined]
    offer.grab().save(str(SHOTS / "first-launch.png"))
    click(qtbot, offer.bring_button)
    assert offer.form.isVisible() and offer.form.kind() == FOLDER
    assert not offer.form.off_radio.isVisible()
    offer.form.folder_edit.setText(str(folder))
    SHOTS.mkdir(parents=True, exist_ok=True)
    offer.grab().save(str(SHOTS / "first-launch-form.png"))
    click(qtbot, offer.go_button)
    qtbot.waitUntil(lambda: not visible(offer), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: "From my first computer" in cards_fronts(qtbot, window), timeout=WAIT_MS
    )
    # The new computer's profile was made to receive the learner's: its defaults and the
    # samples it removed are not sent back. The first computer keeps its goal and samples.
    new = window.context.opened
    with new.database.read_session() as session:
        setting = session.get(ProfileSetting, "daily_goal")
        assert setting is not None and setting.value == 45
    pushed = window.context.runner.run_write(lambda _p: work.run_sync(new, None), label="")
    qtbot.waitUntil(lambda: pushed.finished, timeout=WAIT_MS)
    again = data_locations(tmp_path / "laptop")
    (alex,) = list_profiles(again)
    other = open_profile(again, alex)
    try:
        work.run_sync(other, None)
        with other.database.read_session() as session:
            setting = session.get(ProfileSetting, "daily_goal")
            assert setting is not None and setting.value == 45
        assert sample_action.has_sample_content(other.database) == samples_there
    finally:
        other.close()


def test_start_fresh_keeps_the_new_profile(qtbot: QtBot, launch: Callable[..., Launcher]) -> None:
    launcher = launch()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=WAIT_MS)
    window = launcher.window
    qtbot.waitUntil(lambda: visible(getattr(window, "sync_offer", None)), timeout=WAIT_MS)
    offer = window.sync_offer  # type: ignore[union-attr]
    click(qtbot, offer.fresh_button)
    assert not visible(offer)


def test_sync_settings_fit_800x600_at_130_percent_text(
    qtbot: QtBot, window: MainWindow, qapp: QApplication
) -> None:
    font = qapp.font()
    original = font.pointSizeF()
    font.setPointSizeF(original * 1.3)
    qapp.setFont(font)
    try:
        dialog = settings_dialog(qtbot, window)
        dialog.form.set_kind(SERVER)
        dialog.adjustSize()
        hint = dialog.sizeHint()
        dialog.grab().save(str(SHOTS / "sync-settings-130.png"))
        assert hint.width() <= 800 and hint.height() <= 600, hint
        dialog.close()
    finally:
        font.setPointSizeF(original)
        qapp.setFont(font)
