"""Sync Settings with a real sync server (the ASGI app under uvicorn, SQLite): the account's
devices listed and another one revoked, this computer not revoked, a server that stopped
answering said quietly, plain http:// to another computer refused until allowed, the keyboard,
and how the dialog looks at 800 x 600 in light and dark."""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, click, message_boxes, visible

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync_server"))

from accessibility_helpers import out_of_reading_order, tab_chain, unnamed
from server_helpers import PASSWORD, RunningServer, start_server

from app.core.opening import OpenProfile, open_profile
from app.core.profiles import create_profile
from app.errors import UserError
from app.paths import data_locations
from app.ui.main_window import MainWindow
from app.ui.sync import work
from app.ui.sync.controller import controller_for, open_settings
from app.ui.sync.devices import NAME, SEEN, STATE, UNREACHABLE
from app.ui.sync.dialog import SERVER, SyncSettingsDialog

WAIT_MS = 30_000
SHOTS = Path(os.environ.get("SYNC_SHOTS", "/tmp/sync_shots"))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_server(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    running.add_user("ada")
    yield running
    running.stop()


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[OpenProfile]:
    """The learner's other computer: its own data folder and profile."""
    where = data_locations(tmp_path / "laptop")
    other = open_profile(where, create_profile(where, "Ada"))
    yield other
    other.close()


def sign_in_laptop(
    monkeypatch: pytest.MonkeyPatch, laptop: OpenProfile, server: RunningServer
) -> None:
    """The laptop signs in first (its profile is the account's), named as its own host."""
    with monkeypatch.context() as patch:
        patch.setattr(socket, "gethostname", lambda: "library-laptop")
        work.setup_server(laptop, server.url, "ada", PASSWORD, False)


def settings_dialog(qtbot: QtBot, window: MainWindow) -> SyncSettingsDialog:
    sync = controller_for(window.context, window)
    qtbot.waitUntil(lambda: sync.status is not None, timeout=WAIT_MS)
    open_settings(window.context, window)
    dialog: SyncSettingsDialog = window.sync_dialog  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: visible(dialog))
    return dialog


def sign_in(qtbot: QtBot, dialog: SyncSettingsDialog, url: str, *, merge: bool = True) -> None:
    dialog.form.server_radio.click()  # (a mouse click at its middle misses its short text)
    dialog.form.url_edit.setText(url)
    dialog.form.user_edit.setText("ada")
    dialog.form.password_edit.setText(PASSWORD)
    dialog.form.merge_box.setChecked(merge)
    click(qtbot, dialog.apply_button)


def signed_in(qtbot: QtBot, dialog: SyncSettingsDialog) -> None:
    def done() -> None:
        assert dialog.message.text().startswith("Set up and synced"), dialog.message.text()

    qtbot.waitUntil(done, timeout=WAIT_MS)


def rows(dialog: SyncSettingsDialog) -> list[list[str]]:
    tree = dialog.devices.tree
    return [
        [tree.topLevelItem(r).text(c) for c in range(tree.columnCount())]
        for r in range(tree.topLevelItemCount())
    ]


def answer_next_question(qtbot: QtBot, button_text: str, seen: list[str]) -> None:
    """When the confirmation opens, keep its text and press `button_text`."""

    def press() -> None:
        boxes = message_boxes()
        if not boxes:
            QTimer.singleShot(50, press)
            return
        box = boxes[0]
        seen.append(box.text())
        chosen = next(b for b in box.buttons() if b.text().replace("&", "") == button_text)
        chosen.click()

    QTimer.singleShot(50, press)


def test_the_accounts_devices_are_listed_and_another_computer_is_revoked(
    qtbot: QtBot,
    window: MainWindow,
    server: RunningServer,
    laptop: OpenProfile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sign_in_laptop(monkeypatch, laptop, server)
    dialog = settings_dialog(qtbot, window)
    assert not dialog.devices.isVisible()  # no server account yet
    sign_in(qtbot, dialog, server.url)
    signed_in(qtbot, dialog)
    qtbot.waitUntil(lambda: len(rows(dialog)) == 2, timeout=WAIT_MS)
    assert dialog.devices.isVisible()
    listed = {row[NAME]: row for row in rows(dialog)}
    ours = next(name for name in listed if name.endswith("(this computer)"))
    assert "library-laptop" in listed
    assert listed[ours][SEEN] == "now" and listed[ours][STATE] == "signed in"
    assert listed["library-laptop"][SEEN] == "just now"
    assert all(len(row[1]) == 8 for row in rows(dialog))  # short ids; the whole in the tooltip
    assert dialog.form.password_edit.text() == ""  # sent once, kept nowhere

    # This computer: not revoked here, and the dialog says why and what to do instead.
    tree = dialog.devices.tree
    this_row = next(r for r, row in enumerate(rows(dialog)) if row[NAME] == ours)
    tree.setCurrentItem(tree.topLevelItem(this_row))
    assert not dialog.devices.revoke_button.isEnabled()
    assert "computer you are using" in dialog.devices.note.text()
    assert "Turn Sync Off" in dialog.devices.note.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.resize(800, 600)
    dialog.grab().save(str(SHOTS / "sync-devices-this-computer.png"))
    with pytest.raises(UserError, match="computer you are using"):
        work.revoke_device(window.context.opened, dialog.devices.selected())  # type: ignore[arg-type]

    # The laptop: asked first, naming it and saying what happens; then revoked.
    laptop_row = next(r for r, row in enumerate(rows(dialog)) if row[NAME] == "library-laptop")
    tree.setCurrentItem(tree.topLevelItem(laptop_row))
    assert dialog.devices.revoke_button.isEnabled()
    asked: list[str] = []
    answer_next_question(qtbot, "Cancel", asked)
    click(qtbot, dialog.devices.revoke_button)
    assert "library-laptop" in asked[0]
    assert "sign in again" in asked[0] and "already synced stay" in asked[0]
    assert rows(dialog)[laptop_row][STATE] == "signed in"  # cancelled: nothing done

    answer_next_question(qtbot, "Revoke", asked)
    click(qtbot, dialog.devices.revoke_button)
    qtbot.waitUntil(
        lambda: len(rows(dialog)) == 2 and rows(dialog)[laptop_row][STATE] == "revoked",
        timeout=WAIT_MS,
    )
    assert dialog.devices.note.text().startswith("Revoked “library-laptop”: it must sign in again")
    assert not dialog.devices.revoke_button.isEnabled()
    with pytest.raises(UserError):
        work.run_sync(laptop, None)  # its token no longer works
    assert message_boxes() == []


@pytest.mark.timed
def test_a_server_that_stopped_answering_is_a_quiet_note_under_the_devices(
    qtbot: QtBot, window: MainWindow, server: RunningServer
) -> None:
    opened = window.context.opened
    work.setup_server(opened, server.url, "ada", PASSWORD, False)
    server.stop()
    dialog = settings_dialog(qtbot, window)
    qtbot.waitUntil(lambda: dialog.devices.isVisible(), timeout=WAIT_MS)
    shown = time.perf_counter()
    qtbot.waitUntil(lambda: dialog.devices.note.text() == UNREACHABLE, timeout=WAIT_MS)
    # said at once (a refused connection tried twice), not after five tries over 7.5 s
    assert time.perf_counter() - shown < 3.0
    assert rows(dialog) == []
    assert dialog.devices.refresh_button.isEnabled()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.resize(800, 600)
    dialog.grab().save(str(SHOTS / "sync-devices-unreachable.png"))
    assert message_boxes() == []
    top = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]
    assert set(top) == {window, dialog}


def test_plain_http_to_another_computer_is_refused_until_allowed(
    qtbot: QtBot, window: MainWindow, server: RunningServer
) -> None:
    dialog = settings_dialog(qtbot, window)
    form = dialog.form
    form.set_kind(SERVER)
    for url in (server.url, "https://sync.example.org", "http://localhost:8000", ""):
        form.url_edit.setText(url)
        assert not form.insecure_box.isVisible(), url
    # 0.0.0.0 reaches this computer on Linux, yet it is no loopback address: the client counts
    # it as another computer, as it would 192.168.1.20.
    port = server.url.rsplit(":", 1)[1]
    lan_url = f"http://0.0.0.0:{port}"
    form.url_edit.setText("http://192.168.1.20:8080")
    assert form.insecure_box.isVisible()
    sign_in(qtbot, dialog, lan_url)
    text = dialog.message.text()
    assert "plain http://" in text and "https://" in text
    assert "Allow plain HTTP to this server" in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.resize(800, 600)
    dialog.grab().save(str(SHOTS / "sync-plain-http.png"))
    assert form.password_edit.text() == PASSWORD  # nothing was sent: nothing to type again
    sync = controller_for(window.context, window)
    assert sync.status is not None and not sync.status.enabled

    # The option is reached by Tab where it stands, between the address and the user name.
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=WAIT_MS)
    stops = tab_chain(qtbot, form.url_edit)
    assert stops[:2] == [form.insecure_box, form.user_edit]
    assert out_of_reading_order(until(dialog.close_button, [form.url_edit, *stops])) == []
    qtbot.keyClick(dialog, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(form.insecure_box.isChecked)  # a mnemonic clicks a moment later
    assert form.insecure_box.hasFocus()
    click(qtbot, dialog.apply_button)
    signed_in(qtbot, dialog)
    assert sync.status is not None and sync.status.target is not None
    assert sync.status.target["insecure_http"] is True
    qtbot.waitUntil(lambda: len(rows(dialog)) == 1, timeout=WAIT_MS)

    # Opened again, the dialog shows the choice as it was made.
    dialog.close()
    again = settings_dialog(qtbot, window)
    assert again.form.kind() == SERVER and again.form.insecure_box.isChecked()
    assert again.form.insecure_box.isVisible()
    again.close()


def until(last: QWidget, stops: list[QWidget]) -> list[QWidget]:
    """The Tab stops up to `last` (Tab goes round from the bottom to the top after it)."""
    return stops[: stops.index(last) + 1]


def mnemonics(root: QWidget) -> list[str]:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, (QAbstractButton, QLabel)):
            continue
        text = widget.text()
        at = text.replace("&&", "").find("&")
        if at >= 0:
            found.append(text.replace("&&", "")[at + 1].lower())
    return found


def test_every_control_is_reached_by_tab_each_has_its_own_key_and_escape_closes(
    qtbot: QtBot,
    window: MainWindow,
    server: RunningServer,
    laptop: OpenProfile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sign_in_laptop(monkeypatch, laptop, server)
    dialog = settings_dialog(qtbot, window)
    sign_in(qtbot, dialog, server.url)
    qtbot.waitUntil(lambda: len(rows(dialog)) == 2, timeout=WAIT_MS)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=WAIT_MS)
    stops = tab_chain(qtbot, dialog.form.server_radio)
    reached = {*stops, dialog.form.server_radio}
    for control in (
        dialog.form.url_edit,
        dialog.form.user_edit,
        dialog.form.password_edit,
        dialog.form.merge_box,
        dialog.apply_button,
        dialog.sync_button,
        dialog.devices.tree,
        dialog.devices.revoke_button,
        dialog.devices.refresh_button,
        dialog.close_button,
    ):
        assert control in reached, control.text() if hasattr(control, "text") else control
    assert unnamed(dialog) == []  # a screen reader names every control
    keys = mnemonics(dialog)
    assert len(keys) == len(set(keys)), keys
    assert {"d", "v", "l", "c"} <= set(keys)
    assert (
        out_of_reading_order(until(dialog.close_button, [dialog.form.server_radio, *stops])) == []
    )
    dialog.form.folder_radio.click()
    keys = mnemonics(dialog)
    assert len(keys) == len(set(keys)), keys
    dialog.form.server_radio.click()

    # Alt+D goes to the device list, Alt+V asks to revoke the one chosen there.
    qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert dialog.devices.tree.hasFocus()
    asked: list[str] = []
    assert dialog.devices.revoke_button.isEnabled(), dialog.devices.selected()
    answer_next_question(qtbot, "Cancel", asked)
    qtbot.keyClick(dialog, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(asked))  # a mnemonic clicks the button a moment later
    assert "library-laptop" in asked[0]

    qtbot.keyClick(dialog.devices.tree, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_sync_settings_with_devices_fit_800x600_light_and_dark(
    qtbot: QtBot,
    window: MainWindow,
    server: RunningServer,
    laptop: OpenProfile,
    monkeypatch: pytest.MonkeyPatch,
    qapp: QApplication,
    gui: Gui,
    theme: str,
) -> None:
    gui.appearance.apply_theme(theme)
    sign_in_laptop(monkeypatch, laptop, server)
    dialog = settings_dialog(qtbot, window)
    sign_in(qtbot, dialog, server.url)
    qtbot.waitUntil(lambda: len(rows(dialog)) == 2, timeout=WAIT_MS)
    font = qapp.font()
    original = font.pointSizeF()
    font.setPointSizeF(original * 1.3)
    qapp.setFont(font)
    try:
        QApplication.processEvents()
        dialog.layout().activate()
        assert dialog.minimumSizeHint().width() <= 800
        dialog.resize(800, 600)
        qtbot.wait(100)
        SHOTS.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(SHOTS / f"sync-devices-{theme}.png"))
        assert (dialog.width(), dialog.height()) == (800, 600)
        for label in dialog.findChildren(QLabel):  # no text cut off
            if label.isVisible() and label.wordWrap() and label.text():
                wanted = label.heightForWidth(label.width())
                assert label.height() >= wanted, (label.text(), label.height(), wanted)
        SHOTS.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(SHOTS / f"sync-devices-{theme}.png"))
        assert message_boxes() == []
    finally:
        font.setPointSizeF(original)
        qapp.setFont(font)
        gui.appearance.apply_theme("light")
    dialog.close()


def test_a_revoke_while_the_server_is_away_is_said_quietly_and_nothing_is_revoked(
    qtbot: QtBot,
    window: MainWindow,
    server: RunningServer,
    laptop: OpenProfile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sign_in_laptop(monkeypatch, laptop, server)
    work.setup_server(window.context.opened, server.url, "ada", PASSWORD, True)
    dialog = settings_dialog(qtbot, window)
    qtbot.waitUntil(lambda: len(rows(dialog)) == 2, timeout=WAIT_MS)
    assert dialog.devices.selected().name == "library-laptop"  # type: ignore[union-attr]
    server.stop()
    asked: list[str] = []
    answer_next_question(qtbot, "Revoke", asked)
    click(qtbot, dialog.devices.revoke_button)
    qtbot.waitUntil(
        lambda: "cannot be reached now: nothing was revoked" in dialog.devices.note.text(),
        timeout=WAIT_MS,
    )
    assert dialog.devices.revoke_button.isEnabled()  # it can be tried again
    assert [row[STATE] for row in rows(dialog)] == ["signed in", "signed in"]
    assert message_boxes() == []


def test_this_computer_revoked_from_another_says_so_in_the_dialog_not_in_a_box(
    qtbot: QtBot,
    window: MainWindow,
    server: RunningServer,
    laptop: OpenProfile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.sync import server_setup

    sign_in_laptop(monkeypatch, laptop, server)
    work.setup_server(window.context.opened, server.url, "ada", PASSWORD, True)
    ours = next(d for d in server_setup.list_devices(window.context.opened.database) if d["this"])
    server_setup.revoke_device(laptop.database, str(ours["id"]))
    dialog = settings_dialog(qtbot, window)
    qtbot.waitUntil(
        lambda: dialog.devices.note.text().startswith("The devices could not be listed"),
        timeout=WAIT_MS,
    )
    assert "revoked" in dialog.devices.note.text()
    assert message_boxes() == []
