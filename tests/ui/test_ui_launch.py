"""From launch to the main window, as a learner meets it."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from ui_helpers import click, visible

from app.core.profile_lock import ProfileLock
from app.core.profiles import Profile, create_profile, list_profiles
from app.db.check import check_database
from app.errors import ProfileInUse
from app.main import run_gui
from app.paths import DataLocations
from app.ui.device_settings import DeviceSettings
from app.ui.launch import Launcher
from app.ui.main_window import MainWindow
from app.ui.single_instance import SingleInstance, server_name
from app.ui.today.view import TodayView
from app.ui.window_opening import READS_HELD_AT_MOST_MS

WAIT_MS = 15_000


def today(window: MainWindow) -> TodayView:
    view = window.views[0]
    assert isinstance(view, TodayView)
    return view


def test_first_launch_makes_a_profile_named_after_the_user_and_shows_today(
    qtbot: QtBot,
    locations: DataLocations,
    launch: Callable[..., Launcher],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "robin")
    with qtbot.waitCallback(timeout=WAIT_MS) as shown:
        launcher = launch()  # the window can only appear once the event loop runs again
        launcher.window_shown.connect(shown)
    window = shown.args[0]
    assert [p.name for p in list_profiles(locations)] == ["Robin"]
    assert today(window).greeting.text().endswith(", Robin")
    assert "Robin" in window.windowTitle()
    assert today(window).empty_title.text() == "Nothing to study yet"
    assert window.sidebar.item(0).text() == "Today"


def test_several_profiles_show_a_picker_that_opens_the_chosen_one(
    qtbot: QtBot, locations: DataLocations, launch: Callable[..., Launcher]
) -> None:
    ana = create_profile(locations, "Ana")
    create_profile(locations, "Bea", password="s3cret")
    launcher = launch()
    qtbot.waitUntil(lambda: visible(launcher.picker), timeout=WAIT_MS)
    picker = launcher.picker
    assert picker is not None
    assert picker.names() == ["Ana", "Bea"]
    assert picker.list.item(1).toolTip() == "Protected by a password"
    assert picker.list.item(0).toolTip() == ""
    assert QKeySequence.mnemonic(picker.new_button.text()) == QKeySequence("Alt+N")
    picker.select("Ana")
    with qtbot.waitSignal(launcher.window_shown, timeout=WAIT_MS) as shown:
        click(qtbot, picker.open_button)
    assert today(shown.args[0]).greeting.text().endswith(", Ana")
    assert not visible(picker)
    assert launcher.settings.last_profile_id == ana.id  # preselected next time


def test_a_locked_profile_refuses_a_wrong_password_and_opens_with_the_right_one(
    qtbot: QtBot, locations: DataLocations, launch: Callable[..., Launcher]
) -> None:
    profile = create_profile(locations, "Cara", password="s3cret")
    launcher = launch()
    qtbot.waitUntil(lambda: visible(launcher.unlock_dialog), timeout=WAIT_MS)
    dialog = launcher.unlock_dialog
    assert dialog is not None

    qtbot.keyClicks(dialog.password, "guess")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT_MS)
    assert "not the password" in dialog.error.text()
    assert dialog.password.text() == ""
    assert launcher.window is None
    assert not profile.db_file.exists()  # nothing was opened, let alone created

    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=WAIT_MS)
    qtbot.keyClicks(dialog.password, "s3cret")
    with qtbot.waitSignal(launcher.window_shown, timeout=WAIT_MS) as shown:
        click(qtbot, dialog.ok_button)
    assert today(shown.args[0]).greeting.text().endswith(", Cara")


def test_a_locked_profile_takes_the_password_as_typed_and_enter_opens_it(
    qtbot: QtBot, locations: DataLocations, launch: Callable[..., Launcher]
) -> None:
    """The form opened with the keyboard on its Other Profile… button, the default one: what
    the learner typed went nowhere, and Enter went back to the list of profiles."""
    create_profile(locations, "Cara", password="s3cret")
    launcher = launch()
    qtbot.waitUntil(lambda: visible(launcher.unlock_dialog), timeout=WAIT_MS)
    dialog = launcher.unlock_dialog
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=WAIT_MS)
    assert QApplication.focusWidget() is dialog.password
    assert dialog.ok_button.isDefault() and not dialog.other.isDefault()
    qtbot.keyClicks(QApplication.focusWidget(), "s3cret")
    with qtbot.waitSignal(launcher.window_shown, timeout=WAIT_MS) as shown:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert today(shown.args[0]).greeting.text().endswith(", Cara")


def test_a_damaged_profile_is_named_left_untouched_and_the_others_still_open(
    qtbot: QtBot, locations: DataLocations, launch: Callable[..., Launcher]
) -> None:
    damaged = create_profile(locations, "Dana")
    create_profile(locations, "Eli")
    garbage = os.urandom(8192)
    damaged.db_file.write_bytes(garbage)

    launcher = launch(profile_name="Dana")
    qtbot.waitUntil(lambda: visible(launcher.message_box), timeout=WAIT_MS)
    box = launcher.message_box
    assert isinstance(box, QMessageBox)
    assert str(damaged.db_file) in box.text()
    assert damaged.db_file.read_bytes() == garbage

    box.accept()
    qtbot.waitUntil(lambda: visible(launcher.picker), timeout=WAIT_MS)
    assert launcher.picker is not None
    launcher.picker.select("Eli")
    with qtbot.waitSignal(launcher.window_shown, timeout=WAIT_MS) as shown:
        click(qtbot, launcher.picker.open_button)
    assert today(shown.args[0]).greeting.text().endswith(", Eli")
    assert damaged.db_file.read_bytes() == garbage


def test_a_profile_open_in_a_command_says_so(
    qtbot: QtBot, locations: DataLocations, launch: Callable[..., Launcher]
) -> None:
    profile = create_profile(locations, "Finn")
    with ProfileLock(profile):  # as `studydesk` commands hold it
        launcher = launch()
        qtbot.waitUntil(lambda: visible(launcher.message_box), timeout=WAIT_MS)
        assert launcher.message_box is not None
        assert "open in another Study Desk window or command" in launcher.message_box.text()
        assert launcher.window is None


def switch_menu(window: MainWindow) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text() == "S&witch Profile…")


def test_switch_profile_opens_the_chosen_one_and_then_closes_this_one(
    qtbot: QtBot, locations: DataLocations, launch: Callable[..., Launcher]
) -> None:
    gus = create_profile(locations, "Gus")
    launcher = launch(profile_name="Gus")
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=WAIT_MS)
    first = launcher.window
    assert first is not None
    create_profile(locations, "Hal")
    switch_menu(first).trigger()
    qtbot.waitUntil(lambda: visible(launcher.picker), timeout=WAIT_MS)
    picker = launcher.picker
    assert picker is not None
    assert picker.names() == ["Gus", "Hal"]
    assert picker.list.item(0).text() == "Gus  (open now)"
    assert picker.quit_button.text() == "Cancel"
    assert launcher.window is first and first.isVisible()  # open until the next one is
    picker.select("Hal")
    with qtbot.waitSignal(launcher.window_shown, timeout=WAIT_MS) as shown:
        click(qtbot, picker.open_button)
    assert today(shown.args[0]).greeting.text().endswith(", Hal")
    assert launcher.window is shown.args[0]
    qtbot.waitUntil(lambda: released(gus), timeout=WAIT_MS)  # closed in the background


def released(profile: Profile) -> bool:
    try:
        ProfileLock(profile).acquire().release()
    except ProfileInUse:
        return False
    return True


def test_escape_in_switch_profile_goes_back_to_the_open_profile(
    qtbot: QtBot, locations: DataLocations, launch: Callable[..., Launcher]
) -> None:
    ida = create_profile(locations, "Ida")
    create_profile(locations, "Jo")
    launcher = launch(profile_name="Ida")
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=WAIT_MS)
    window = launcher.window
    assert window is not None
    quits: list[int] = []
    launcher.finished.connect(quits.append)
    switch_menu(window).trigger()
    qtbot.waitUntil(lambda: visible(launcher.picker), timeout=WAIT_MS)
    assert launcher.picker is not None
    qtbot.keyClick(launcher.picker, Qt.Key.Key_Escape)
    qtbot.wait(200)
    assert not visible(launcher.picker)
    assert quits == []
    assert launcher.window is window and window.isVisible()
    assert "Ida" in window.windowTitle()
    assert window.context.opened.lock.held
    assert not released(ida)  # still open in its window

    # A locked profile's password form, cancelled, goes back to the picker, then to Ida.
    create_profile(locations, "Kim", password="s3cret")
    switch_menu(window).trigger()
    qtbot.waitUntil(lambda: visible(launcher.picker), timeout=WAIT_MS)
    launcher.picker.select("Kim")
    click(qtbot, launcher.picker.open_button)
    qtbot.waitUntil(lambda: visible(launcher.unlock_dialog), timeout=WAIT_MS)
    assert launcher.unlock_dialog is not None
    click(qtbot, launcher.unlock_dialog.other)
    qtbot.waitUntil(lambda: visible(launcher.picker), timeout=WAIT_MS)
    launcher.picker.reject()
    qtbot.wait(200)
    assert quits == [] and launcher.window is window and window.isVisible()


def test_a_second_launch_for_another_profile_asks_whether_to_switch(
    qtbot: QtBot, locations: DataLocations, launch: Callable[..., Launcher]
) -> None:
    create_profile(locations, "Lea")
    create_profile(locations, "Max")
    launcher = launch(profile_name="Lea")
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=WAIT_MS)
    window = launcher.window
    assert window is not None
    name = server_name(locations)
    first = SingleInstance(name)
    assert first.listen()
    first.raise_requested.connect(launcher.bring_to_front)
    first.open_requested.connect(launcher.open_requested)
    try:
        assert SingleInstance(name).forward_to_running("lea")  # the open one: only forward
        assert launcher.switch_question is None

        assert SingleInstance(name).forward_to_running("Max")
        question = launcher.switch_question
        assert visible(question)
        assert question is not None
        assert "started again, for the profile “Max”" in question.text()
        assert "open with “Lea”" in question.text()
        stay = next(b for b in question.buttons() if b.text() == "Stay with “Lea”")
        click(qtbot, stay)
        qtbot.wait(100)
        assert launcher.window is window and "Lea" in window.windowTitle()

        assert SingleInstance(name).forward_to_running("Max")
        question = launcher.switch_question
        assert question is not None
        switch = next(b for b in question.buttons() if b.text() == "Switch to “Max”")
        with qtbot.waitSignal(launcher.window_shown, timeout=WAIT_MS) as shown:
            click(qtbot, switch)
        assert today(shown.args[0]).greeting.text().endswith(", Max")
    finally:
        first.close()


def test_smoke_run_opens_the_window_and_exits_0(locations: DataLocations) -> None:
    assert run_gui(locations, smoke=True) == 0
    profiles = list_profiles(locations)
    assert len(profiles) == 1
    assert check_database(profiles[0].db_file).healthy
    assert (locations.logs_dir / "studydesk.log").read_text().count("Smoke: first paint") == 1


def test_smoke_run_opens_the_last_used_profile_without_asking(
    locations: DataLocations,
) -> None:
    create_profile(locations, "Ana", password="s3cret")
    bo = create_profile(locations, "Bo")
    create_profile(locations, "Cy")
    DeviceSettings(locations).last_profile_id = bo.id
    assert run_gui(locations, smoke=True) == 0
    opened = [p.name for p in list_profiles(locations) if p.last_opened_at is not None]
    assert opened == ["Bo"]


def test_reads_held_for_the_next_window_wait_for_it_once_the_window_before_is_gone(
    qtbot: QtBot, locations: DataLocations, launch: Callable[..., Launcher]
) -> None:
    """A window's 'release the reads after at most a second' goes with the window: switched away
    from before it, it neither releases the reads held for the next window early nor touches a
    runner it has outlived (as a test's window did in the next test, crashing CI)."""
    create_profile(locations, "Nia")
    with qtbot.waitCallback(timeout=WAIT_MS) as shown:
        launcher = launch(profile_name="Nia")
        launcher.window_shown.connect(shown)
    window: MainWindow = shown.args[0]
    opened = window.context.opened
    runner = launcher.runner
    window.close_for_switch()  # at once: its timer has not fired yet
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    runner.hold_reads()  # as the next window does until its first paint
    ran: list[bool] = []
    runner.run_read(lambda _progress: True, on_done=ran.append)
    qtbot.wait(READS_HELD_AT_MOST_MS + 500)
    assert ran == []
    runner.release_reads()
    qtbot.waitUntil(lambda: ran == [True], timeout=WAIT_MS)
    opened.close()
