"""The window and a profile's storage (issue 12): File > Restore says what each backup holds and
puts its media back; a damaged profile opens read-only under a banner that offers the repair; a
profile in a folder that cannot be written opens read-only too, without it; every import from
the window takes a backup first."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import apkg_builder
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from review_helpers import reviews_of, show_review
from ui_helpers import Gui, click, message_boxes

from app.core.opening import OpenProfile, open_profile
from app.core.profiles import Profile, create_profile
from app.db.backup import BEFORE_IMPORT, describe_backup, list_backups
from app.db.models import ProfileSetting
from app.main import run_gui
from app.paths import DataLocations
from app.ui.dialogs import restore as restore_module
from app.ui.dialogs.repair import RepairDialog
from app.ui.dialogs.restore import HOLDS, SIZE, RestoreDialog, size_text
from app.ui.launch import Launcher
from app.ui.lessons.pack_actions import import_course_pack
from app.ui.main_window import MainWindow
from app.ui.review.card_import import import_cards
from tests.storage_doors import course_pack, damage_profile, read_only, table_counts

WAIT_MS = 20_000


def set_goal(opened: OpenProfile, minutes: int) -> None:
    """Something of the learner's own, so the profile has changes worth a backup."""
    with opened.database.write_session() as session:
        session.merge(ProfileSetting(key="daily_goal", value=minutes))


def told(qtbot: QtBot, title: str) -> QMessageBox:
    qtbot.waitUntil(lambda: any(b.windowTitle() == title for b in message_boxes()), timeout=WAIT_MS)
    return next(b for b in message_boxes() if b.windowTitle() == title)


def opened_window(qtbot: QtBot, launcher: Launcher) -> MainWindow:
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=WAIT_MS)
    assert launcher.window is not None
    return launcher.window


def closed_profile(locations: DataLocations, name: str) -> Profile:
    profile = create_profile(locations, name)
    open_profile(locations, profile, samples=False).close()  # its file made
    return profile


def test_restore_says_what_each_backup_holds_and_puts_its_media_back(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    opened: OpenProfile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window()
    image = opened.profile.media_dir / "heart.png"
    image.parent.mkdir(exist_ok=True)
    image.write_bytes(apkg_builder.PNG * 200)
    backup = window.back_up_now()
    qtbot.waitUntil(lambda: backup.finished, timeout=WAIT_MS)
    image.unlink()  # lost since: the restore must bring it back
    (made,) = list_backups(opened.profile.backups_dir)
    contents = describe_backup(made.path)
    assert contents.media_files is not None and contents.media_files >= 1

    monkeypatch.setattr(restore_module, "confirm", lambda *args: True)
    window.restore_from_backup()
    dialog = window.dialog
    assert isinstance(dialog, RestoreDialog)
    qtbot.waitUntil(
        lambda: (
            dialog.list.topLevelItemCount() == 1 and dialog.list.topLevelItem(0).text(HOLDS) != "…"
        ),
        timeout=WAIT_MS,
    )
    row = dialog.list.topLevelItem(0)
    files = "file" if contents.media_files == 1 else "files"
    assert row.text(HOLDS) == f"Data + {contents.media_files} media {files}"
    assert row.text(SIZE) == size_text(contents.total_bytes)  # the data and its media
    assert f"This backup holds {contents.summary}." in dialog.state.text()

    click(qtbot, dialog.restore_button)
    box = told(qtbot, "Backup Restored")
    assert (
        f"{contents.media_files} media {'file was' if files == 'file' else 'files were'} put back"
        in box.text()
    )
    assert image.read_bytes() == apkg_builder.PNG * 200


def test_a_damaged_profile_opens_read_only_under_a_banner_and_the_repair_mends_it(
    qtbot: QtBot, launch: Callable[..., Launcher], locations: DataLocations
) -> None:
    profile = closed_profile(locations, "Alex")
    damage_profile(locations, profile)

    window = opened_window(qtbot, launch())  # opened on the write thread, like any launch
    banner = window.read_only_banner
    assert banner.isVisible() and banner.repair_button.isVisible()
    assert "damaged" in banner.title.text()
    assert "is damaged" in banner.message.text()
    assert "File > Repair Profile…" in banner.message.text()

    window.backup_action.trigger()  # a write is refused in the same words
    refused = told(qtbot, "Study Desk")
    assert "is damaged" in refused.text() and "writes nothing into it" in refused.text()
    refused.close()

    click(qtbot, banner.repair_button)
    dialog = window.dialog
    assert isinstance(dialog, RepairDialog)
    with qtbot.waitSignal(dialog.repaired, timeout=WAIT_MS) as repaired:
        click(qtbot, dialog.repair_button)
    assert repaired.args[0].repaired is not None
    assert "The damaged file is kept as" in dialog.text.text()
    kept = list(profile.folder.glob("repairs/*/damaged.sqlite3"))
    assert len(kept) == 1 and str(kept[0]) in dialog.text.text()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=WAIT_MS)
    assert window.context.opened.read_only is None
    qtbot.waitUntil(lambda: dialog.close_button is not None, timeout=WAIT_MS)
    click(qtbot, dialog.close_button)

    window.backup_action.trigger()  # and the profile takes writes again
    qtbot.waitUntil(lambda: "Backup saved" in window.statusBar().currentMessage(), timeout=WAIT_MS)


def test_an_answer_in_a_damaged_profile_says_why_and_the_card_stays(
    qtbot: QtBot, gui: Gui, locations: DataLocations
) -> None:
    profile = create_profile(locations, "Alex")
    open_profile(locations, profile).close()  # with the sample cards
    damage_profile(locations, profile)
    opened = open_profile(locations, profile)
    try:
        view = show_review(qtbot, gui, opened)
        pane = view.pane
        first = pane.card
        assert first is not None
        qtbot.keyClick(pane, Qt.Key.Key_Space)
        qtbot.keyClick(pane, Qt.Key.Key_3)
        qtbot.waitUntil(lambda: "is damaged" in pane.note.text(), timeout=WAIT_MS)
        assert str(opened.read_only) in pane.note.text()  # not SQLite's "readonly database"
        qtbot.waitUntil(lambda: not gui.runner.busy, timeout=WAIT_MS)
        assert pane.card is not None and pane.card.id == first.id
        assert reviews_of(opened, first.id) == (0, 0)
    finally:
        qtbot.waitUntil(lambda: not gui.runner.busy, timeout=WAIT_MS)
        opened.close()


def test_file_repair_profile_on_a_sound_profile_changes_nothing(
    qtbot: QtBot, make_window: Callable[[], MainWindow], opened: OpenProfile
) -> None:
    window = make_window()
    assert not window.read_only_banner.isVisible()
    window.repair_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, RepairDialog)
    with qtbot.waitSignal(dialog.repaired, timeout=WAIT_MS) as repaired:
        click(qtbot, dialog.repair_button)
    assert repaired.args[0].repaired is None
    assert "nothing to repair" in dialog.text.text()
    assert not (opened.profile.folder / "repairs").exists()


def test_a_profile_in_a_folder_that_cannot_be_written_opens_read_only_without_the_repair(
    qtbot: QtBot, launch: Callable[..., Launcher], locations: DataLocations
) -> None:
    profile = closed_profile(locations, "Alex")
    with read_only(profile.folder):
        window = opened_window(qtbot, launch())
        banner = window.read_only_banner
        assert banner.isVisible()
        assert not banner.repair_button.isVisible()
        assert f"Study Desk cannot write in {profile.folder}" in banner.message.text()
        window.close()


def test_smoke_says_when_the_profile_opened_read_only(
    locations: DataLocations, capsys: pytest.CaptureFixture[str]
) -> None:
    damage_profile(locations, closed_profile(locations, "Alex"))
    assert run_gui(locations, smoke=True) == 0
    out = capsys.readouterr().out
    assert "Study Desk opened “Alex” read-only: The profile file" in out
    assert "is damaged" in out
    log = (locations.logs_dir / "studydesk.log").read_text()
    assert "opened read-only" in log


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    answer = (str(path), "")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: answer))
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *_a, **_k: ([str(path)], ""))
    )


def import_from_the_window(
    door: str, window: MainWindow, gui: Gui, opened: OpenProfile, tmp_path: Path
) -> None:
    """File > Import Cards… (an Anki package), Import Course… or Import… (the older apps)."""
    parent = QWidget()
    window.dialog = parent  # kept alive
    if door == "cards":
        package = apkg_builder.Package(
            notes=[apkg_builder.Note("g1", apkg_builder.BASIC, ["casa", "house"])]
        )
        apkg_builder.write_apkg(tmp_path / "spanish.apkg", package)
        import_cards(gui.context(opened), parent)
    elif door == "course":
        course_pack(tmp_path / "course.sdcourse")
        import_course_pack(gui.context(opened), parent)
    else:
        window.import_action.trigger()


@pytest.mark.parametrize("door", ["cards", "course", "older apps"])
def test_every_import_from_the_window_backs_the_profile_up_first(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    gui: Gui,
    opened: OpenProfile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    door: str,
) -> None:
    window = make_window()
    set_goal(opened, 25)
    files = {
        "cards": tmp_path / "spanish.apkg",
        "course": tmp_path / "course.sdcourse",
        "older apps": tmp_path / "notes.json",
    }
    notes = [{"id": "n1", "title": "Heart sounds", "body": "S1 and S2"}]
    files["older apps"].write_text(json.dumps(notes), encoding="utf-8")
    choose_file(monkeypatch, files[door])
    before = table_counts(opened.profile.db_file)

    with qtbot.waitSignal(gui.runner.data_changed, timeout=WAIT_MS):
        import_from_the_window(door, window, gui, opened, tmp_path)

    safety = [b for b in list_backups(opened.profile.backups_dir) if b.reason == BEFORE_IMPORT]
    assert len(safety) == 1
    assert table_counts(safety[0].path) == before
    assert table_counts(opened.profile.db_file) != before
