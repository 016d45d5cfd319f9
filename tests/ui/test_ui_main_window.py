"""The main window: backups, restore, theme, remembered layout, profiles, sample content."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, click, message_boxes

import app.ui.today.view as today_view
from app.core.changes import Change
from app.core.opening import OpenProfile, open_profile
from app.core.profiles import create_profile, find_profile, list_profiles
from app.db.backup import list_backups
from app.db.inspect import integrity_problems
from app.db.models import ProfileSetting
from app.paths import DataLocations
from app.ui.dialogs import profiles as profiles_module
from app.ui.dialogs import restore as restore_module
from app.ui.dialogs.profile_forms import NewProfileDialog, PasswordDialog, RenameProfileDialog
from app.ui.dialogs.profiles import ProfilesDialog
from app.ui.dialogs.restore import RestoreDialog
from app.ui.main_window import MainWindow
from app.ui.settings_dialog import SettingsDialog
from app.ui.tasks import TaskRunner
from app.ui.today.view import TodayView

WAIT_MS = 10_000
ROOT = Path(__file__).resolve().parents[2]


def set_goal(opened: OpenProfile, minutes: int) -> None:
    with opened.database.write_session() as session:
        session.merge(ProfileSetting(key="daily_goal", value=minutes))


def goal(opened: OpenProfile) -> object:
    with opened.database.read_session() as session:
        row = session.get(ProfileSetting, "daily_goal")
        return row.value if row is not None else None


def test_back_up_now_makes_a_checked_backup_and_says_where(
    qtbot: QtBot, make_window: Callable[[], MainWindow], opened: OpenProfile
) -> None:
    window = make_window()
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: "Backup saved" in window.statusBar().currentMessage(), timeout=WAIT_MS)
    backups = list_backups(opened.profile.backups_dir)
    assert [b.reason for b in backups] == ["manual"]
    assert integrity_problems(backups[0].path) == []
    assert str(backups[0].path) in window.statusBar().currentMessage()


def test_restore_brings_back_the_old_data_and_keeps_a_before_restore_backup(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    opened: OpenProfile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window()
    set_goal(opened, 20)
    backup = window.back_up_now()
    qtbot.waitUntil(lambda: backup.finished, timeout=WAIT_MS)
    set_goal(opened, 45)

    monkeypatch.setattr(restore_module, "confirm", lambda *args: True)
    window.restore_from_backup()
    dialog = window.dialog
    assert isinstance(dialog, RestoreDialog)
    qtbot.waitUntil(lambda: dialog.list.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert dialog.list.topLevelItem(0).text(1) == "Made by you"
    with qtbot.waitSignal(window.context.runner.data_changed, timeout=WAIT_MS) as changed:
        click(qtbot, dialog.restore_button)
    assert changed.args[0] == Change.EVERYTHING
    assert goal(opened) == 20

    safety = [b for b in list_backups(opened.profile.backups_dir) if b.reason == "before-restore"]
    assert len(safety) == 1
    told = [box for box in message_boxes() if box.windowTitle() == "Backup Restored"]
    assert told and str(safety[0].path) in told[0].text()


def test_dark_theme_darkens_the_window_and_is_remembered(
    qtbot: QtBot, make_window: Callable[[], MainWindow], gui: Gui
) -> None:
    window = make_window()
    light = window.palette().color(QPalette.ColorRole.Window).lightness()
    dark_action = next(a for a in window.theme_actions.actions() if a.data() == "dark")
    dark_action.trigger()
    qtbot.waitUntil(
        lambda: window.palette().color(QPalette.ColorRole.Window).lightness() < light - 100,
        timeout=WAIT_MS,
    )
    assert dark_action.isChecked()
    assert gui.settings.theme == "dark"
    window.set_theme("light")


def test_window_size_and_place_are_restored_on_the_next_launch(
    qtbot: QtBot, gui: Gui, locations: DataLocations, opened: OpenProfile
) -> None:
    first = MainWindow(gui.context(opened))
    first.show()
    first.resize(760, 520)
    qtbot.waitUntil(lambda: first.size().width() == 760, timeout=WAIT_MS)
    first.close()  # shuts the runner down and closes the profile, as quitting does

    runner = TaskRunner()
    reopened = open_profile(locations, find_profile(locations, "Alex"))
    gui.runner = runner
    second = MainWindow(gui.context(reopened))
    try:
        second.show()
        assert (second.width(), second.height()) == (760, 520)
    finally:
        second.close()


def test_removing_sample_content_says_what_goes_asks_first_and_can_be_undone(
    qtbot: QtBot, gui: Gui, locations: DataLocations, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = open_profile(locations, create_profile(locations, "Sam"))  # loads the samples
    asked: list[str] = []
    answer = {"remove": False}

    def confirm(_parent: object, _title: str, text: str, _action: str) -> bool:
        asked.append(text)
        return answer["remove"]

    monkeypatch.setattr(today_view, "confirm", confirm)
    window = MainWindow(gui.context(opened))
    try:
        window.show()
        today = window.views[0]
        assert isinstance(today, TodayView)
        qtbot.waitUntil(today.samples.isVisible, timeout=WAIT_MS)

        click(qtbot, today.remove_samples_button)  # then Cancel: nothing goes
        qtbot.waitUntil(lambda: len(asked) == 1, timeout=WAIT_MS)
        assert "The sample course “How to study with spaced repetition”" in asked[0]
        assert "14 sample cards" in asked[0]
        qtbot.wait(100)
        assert today.samples.isVisible() and sample_cards(opened) == 14

        answer["remove"] = True
        with qtbot.waitSignal(gui.runner.data_changed, timeout=WAIT_MS):
            click(qtbot, today.remove_samples_button)
        qtbot.waitUntil(lambda: not today.samples.isVisible(), timeout=WAIT_MS)
        assert sample_cards(opened) == 0
        assert today.undo_bar.isVisible()
        # Nothing left to study: Today says where study material comes from, by the File
        # menu's own names (it said only "As you add lessons, flashcards…").
        qtbot.waitUntil(today.empty_title.isVisible, timeout=WAIT_MS)
        file_menu = window.menuBar().actions()[0].menu()
        entries = {action.text().replace("&", "") for action in file_menu.actions()}
        named = re.findall(r"File > ([^)]+…)", today.empty_text.text())
        assert named == ["Import Course…", "Import Cards…"]
        assert set(named) <= entries
        assert "Ctrl+N" in today.empty_text.text()

        with qtbot.waitSignal(gui.runner.data_changed, timeout=WAIT_MS):
            click(qtbot, today.undo_button)
        qtbot.waitUntil(today.samples.isVisible, timeout=WAIT_MS)
        assert not today.undo_bar.isVisible()
        assert sample_cards(opened) == 14
    finally:
        window.close()


def sample_cards(opened: OpenProfile) -> int:
    with closing(sqlite3.connect(opened.profile.db_file)) as conn:
        query = "SELECT count(*) FROM cards WHERE is_sample = 1 AND deleted_at IS NULL"
        return int(conn.execute(query).fetchone()[0])


def manage_profiles(qtbot: QtBot, window: MainWindow, *names: str) -> ProfilesDialog:
    """The window's File > Manage Profiles dialog, once it lists `names` (default: the open
    profile, Alex)."""
    window.manage_profiles()
    manager = window.dialog
    assert isinstance(manager, ProfilesDialog)
    wanted = list(names or ("Alex",))
    qtbot.waitUntil(lambda: manager.names() == wanted, timeout=WAIT_MS)
    return manager


def test_manage_profiles_creates_renames_and_deletes_to_the_trash(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    locations: DataLocations,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window()
    manager = manage_profiles(qtbot, window)
    assert not manager.delete_button.isEnabled()  # the open profile
    assert manager.note.isVisible()

    manager.create_profile()
    form = manager.form
    assert isinstance(form, NewProfileDialog)
    qtbot.keyClicks(form.name, "Bo")
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: manager.names() == ["Alex", "Bo"], timeout=WAIT_MS)

    manager.create_profile()
    duplicate = manager.form
    assert isinstance(duplicate, NewProfileDialog)
    qtbot.keyClicks(duplicate.name, "alex")
    click(qtbot, duplicate.ok_button)
    qtbot.waitUntil(duplicate.error.isVisible, timeout=WAIT_MS)
    assert "already exists" in duplicate.error.text()
    duplicate.reject()

    manager.select("Alex")
    manager.rename_profile()
    rename = manager.form
    assert isinstance(rename, RenameProfileDialog)
    rename.name.setText("Alexandra")
    click(qtbot, rename.ok_button)
    qtbot.waitUntil(lambda: "Alexandra" in window.windowTitle(), timeout=WAIT_MS)
    today = window.views[0]
    assert isinstance(today, TodayView)
    assert today.greeting.text().endswith(", Alexandra")

    monkeypatch.setattr(profiles_module, "confirm", lambda *args: True)
    qtbot.waitUntil(lambda: manager.names() == ["Alexandra", "Bo"], timeout=WAIT_MS)
    manager.select("Bo")
    bo_folder = next(p.folder for p in list_profiles(locations) if p.name == "Bo")
    click(qtbot, manager.delete_button)
    qtbot.waitUntil(lambda: manager.names() == ["Alexandra"], timeout=WAIT_MS)
    assert not bo_folder.exists()
    trashed = list(locations.trash_dir.iterdir())
    assert len(trashed) == 1 and (trashed[0] / "profile.json").exists()


def test_a_password_can_be_set_and_is_then_asked_for(
    qtbot: QtBot, make_window: Callable[[], MainWindow], locations: DataLocations
) -> None:
    manager = manage_profiles(qtbot, make_window())
    manager.change_password()
    form = manager.form
    assert isinstance(form, PasswordDialog)
    qtbot.keyClicks(form.password, "tulip")
    qtbot.keyClicks(form.repeat, "tulips")
    click(qtbot, form.ok_button)
    assert "not the same" in form.error.text()
    qtbot.keyClicks(form.repeat, "tulip")
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: find_profile(locations, "Alex").locked, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: manager.list.item(0).toolTip() == "Protected by a password")


def test_settings_change_text_size_and_show_the_folders(
    qtbot: QtBot, make_window: Callable[[], MainWindow], gui: Gui, opened: OpenProfile
) -> None:
    window = make_window()
    before = QApplication.font().pointSizeF()
    today = window.views[0]
    assert isinstance(today, TodayView)
    heading_before = today.greeting.font().pointSizeF()
    window.open_settings()
    dialog = window.dialog
    assert isinstance(dialog, SettingsDialog)
    shown = " ".join(label.text() for label in dialog.findChildren(type(window.profile_label)))
    assert str(opened.profile.backups_dir) in shown
    assert str(gui.locations.root) in shown
    dialog.text_size.setCurrentIndex(dialog.text_size.findText("Larger"))
    dialog.accept()
    try:
        assert QApplication.font().pointSizeF() > before
        qtbot.waitUntil(lambda: today.greeting.font().pointSizeF() > heading_before)
        assert gui.settings.text_size == 130
    finally:
        gui.appearance.apply_text_size(100)


def test_closing_the_window_backs_up_changes_and_frees_the_profile(
    qtbot: QtBot, make_window: Callable[[], MainWindow], opened: OpenProfile
) -> None:
    window = make_window()
    set_goal(opened, 30)
    window.close()
    assert [b.reason for b in list_backups(opened.profile.backups_dir)] == ["on-close"]
    assert not opened.lock.held
    assert not shiboken6.isValid(window) or not window.isVisible()


def test_about_names_the_version_and_folders(
    make_window: Callable[[], MainWindow], locations: DataLocations
) -> None:
    from app.ui.about_dialog import AboutDialog

    window = make_window()
    window.about()
    dialog = window.dialog
    assert isinstance(dialog, AboutDialog) and dialog.isVisible()
    assert dialog.version_label.text() == "Study Desk 0.1.0"
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert str(locations.root) in texts and str(locations.logs_dir) in texts
    dialog.close()


def test_an_automatic_backup_follows_changes_after_30_minutes(
    qtbot: QtBot, make_window: Callable[[], MainWindow], opened: OpenProfile
) -> None:
    window = make_window()
    window.back_up_if_due()  # nothing changed yet: no backup
    set_goal(opened, 15)
    window.back_up_if_due()  # changed, but the last backup is recent: still none
    opened.last_backup_at -= timedelta(minutes=31)
    window.back_up_if_due()
    qtbot.waitUntil(
        lambda: [b.reason for b in list_backups(opened.profile.backups_dir)] == ["auto"],
        timeout=WAIT_MS,
    )


def test_views_are_built_when_first_shown_and_reachable_by_keyboard(
    qtbot: QtBot, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert titles == [
        "Today", "Lessons", "Review", "Cards", "Statistics", "Videos", "Notebook", "Assessments",
        "Planner",
    ]  # fmt: skip
    # Only Today is paid for at startup.
    assert isinstance(window.views[0], TodayView)
    assert window.views[1:] == [None] * (len(titles) - 1)
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    for row, title in enumerate(titles):
        action = view_menu.actions()[row]
        assert action.shortcut() == QKeySequence(f"Ctrl+{row + 1}")
        action.trigger()
        qtbot.waitUntil(lambda row=row: window.stack.currentIndex() == row, timeout=WAIT_MS)
        shown = window.stack.currentWidget()
        assert shown is window.views[row]
        assert getattr(shown, "title", None) == title


def test_renaming_a_locked_profile_asks_for_its_password(
    qtbot: QtBot, make_window: Callable[[], MainWindow], locations: DataLocations
) -> None:
    bea = create_profile(locations, "Bea", password="tulip")
    manager = manage_profiles(qtbot, make_window(), "Alex", "Bea")
    manager.select("Bea")
    manager.rename_profile()
    rename = manager.form
    assert isinstance(rename, RenameProfileDialog)
    assert rename.password.isVisible()
    rename.name.setText("Beatriz")
    qtbot.keyClicks(rename.password, "rose")
    click(qtbot, rename.ok_button)
    qtbot.waitUntil(rename.error.isVisible, timeout=WAIT_MS)
    assert rename.error.text() == "That is not the password of the profile 'Bea'."
    assert rename.password.text() == ""
    assert find_profile(locations, bea.id).name == "Bea"

    qtbot.waitUntil(rename.ok_button.isEnabled, timeout=WAIT_MS)
    qtbot.keyClicks(rename.password, "tulip")
    click(qtbot, rename.ok_button)
    qtbot.waitUntil(lambda: manager.names() == ["Alex", "Beatriz"], timeout=WAIT_MS)
    assert find_profile(locations, bea.id).name == "Beatriz"


def test_importing_a_course_file_cut_short_names_that_file_in_plain_words(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QFileDialog

    sample = ROOT / "resources" / "sample" / "courses" / "spaced-repetition" / "course.json"
    text = sample.read_text(encoding="utf-8")
    cut = tmp_path / "Memory course.json"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    answer = (str(cut), "")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: answer))
    window = make_window()
    action = next(a for a in window.feature_actions if a.text() == "Import &Course…")
    action.trigger()
    qtbot.waitUntil(
        lambda: any(b.windowTitle() == "Course Not Imported" for b in message_boxes()),
        timeout=WAIT_MS,
    )
    box = next(b for b in message_boxes() if b.windowTitle() == "Course Not Imported")
    said = box.text()
    box.close()
    assert str(cut) in said
    assert "course.json" not in said.replace(str(cut), "")
    assert "JSON" not in said and "Expecting" not in said
    assert "ends too early" in said


def test_manage_profiles_buttons_answer_their_alt_keys(
    qtbot: QtBot, make_window: Callable[[], MainWindow]
) -> None:
    """New, Rename, Password and Delete had no key of their own (the File menu and the forms
    have theirs): Alt+N now opens New Profile, and each button has a letter no other has."""
    manager = manage_profiles(qtbot, make_window())
    buttons = [
        manager.new_button,
        manager.rename_button,
        manager.password_button,
        manager.delete_button,
    ]  # Close is Escape
    keys = [QKeySequence.mnemonic(button.text()).toString() for button in buttons]
    assert "" not in keys and len(set(keys)) == len(keys), keys
    manager.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is manager, timeout=WAIT_MS)
    qtbot.keyClick(manager, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(manager.form, NewProfileDialog), timeout=WAIT_MS)
    assert manager.form is not None
    manager.form.reject()


def test_enter_on_a_profile_in_manage_profiles_opens_no_new_profile_form(
    qtbot: QtBot, make_window: Callable[[], MainWindow]
) -> None:
    """New… was the dialog's default button: Enter on the selected profile opened the New
    Profile form. Enter now closes the dialog, as its Close button does."""
    manager = manage_profiles(qtbot, make_window())
    manager.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is manager, timeout=WAIT_MS)
    assert QApplication.focusWidget() is manager.list
    manager.rename_button.setFocus(Qt.FocusReason.TabFocusReason)  # a button Tab reached
    qtbot.keyClick(manager.rename_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(manager.form, RenameProfileDialog), timeout=WAIT_MS)
    manager.form.reject()  # type: ignore[union-attr]
    manager.form = None
    manager.list.setFocus()
    qtbot.keyClick(manager.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not manager.isVisible(), timeout=WAIT_MS)
    assert manager.form is None
