"""Several files refused from one drop are told in one message naming each with its reason; a
file refused alone keeps its own message; the good files of the drop come in as before."""

from __future__ import annotations

import time
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_ui_open_files import WAIT_MS, drag, told, write_apkg
from ui_helpers import message_boxes

from app.core.flashcards.reads import deck_tree
from app.ui.dialogs.import_report import ImportReportDialog
from app.ui.main_window import MainWindow
from app.ui.refused_files import TITLE, RefusedFilesDialog
from app.ui.screen_fit import SMALL_SCREEN, WINDOW_FRAME

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da6360000002000154a24f5d0000000049454e44ae426082"
)


def shown_refusals() -> list[RefusedFilesDialog]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, RefusedFilesDialog) and shiboken6.isValid(w) and w.isVisible()
    ]


def refused_dialog(qtbot: QtBot) -> RefusedFilesDialog:
    qtbot.waitUntil(lambda: bool(shown_refusals()), timeout=WAIT_MS)
    (dialog,) = shown_refusals()
    return dialog


def refused_texts(qtbot: QtBot, title: str, number: int) -> list[str]:
    """The words of each of the `number` files told together, each as its own box (`title`)
    would say it alone; the message is closed."""
    dialog = refused_dialog(qtbot)
    assert [refusal.title for refusal in dialog.refused] == [title] * number
    texts = [refusal.text for refusal in dialog.refused]
    dialog.accept()
    return texts


def settled(qtbot: QtBot, window: MainWindow) -> None:
    """Every import of the drop has ended."""
    qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=WAIT_MS)
    qtbot.wait(50)


def test_three_bad_files_of_different_kinds_are_named_in_one_message_closed_by_enter(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    picture = tmp_path / "photo.apkg"
    picture.write_bytes(PNG)
    folder = tmp_path / "dossier.sdqbank"
    folder.mkdir()
    odd = tmp_path / "notes.pdf"
    odd.write_bytes(b"%PDF")
    assert drag(window, [picture, folder, odd], drop=True)
    dialog = refused_dialog(qtbot)
    assert dialog.windowTitle() == TITLE
    text = dialog.shown_text()
    assert text.startswith("3 files were not imported.")
    assert "not an Anki package (.apkg): it is another kind of file renamed" in text
    assert "dossier.sdqbank is a folder, not a file" in text
    assert "Study Desk cannot open notes.pdf." in text
    for path in (picture, folder, odd):
        assert path.name in text
    settled(qtbot, window)
    assert message_boxes() == []  # no box of its own for any of them
    assert len(shown_refusals()) == 1
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not shown_refusals(), timeout=WAIT_MS)


def test_enter_closes_it_from_the_list_too(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    gone = [tmp_path / f"gone {i}.apkg" for i in range(2)]
    assert drag(window, gone, drop=True)
    dialog = refused_dialog(qtbot)
    dialog.entries.setFocus()
    qtbot.keyClick(dialog.entries, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not shown_refusals(), timeout=WAIT_MS)


def test_a_good_and_a_bad_file_dropped_together_import_the_good_and_name_the_bad_once(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    deck = write_apkg(tmp_path / "Español básico.apkg")
    empty = tmp_path / "vide.apkg"
    empty.write_bytes(b"")
    assert drag(window, [deck, empty], drop=True)
    assert told(qtbot, "Cards Imported").text().endswith("from Español básico.apkg.")
    text = told(qtbot, "Cards Not Imported").text()
    assert text.startswith(str(empty)) and "it is empty (0 bytes)" in text
    settled(qtbot, window)
    assert message_boxes() == [] and shown_refusals() == []  # named once
    assert any(d.full_name.startswith("Lang") for d in deck_tree(window.context.opened.database))


def test_one_bad_file_keeps_its_own_message(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "Révision.apkg"
    folder.mkdir()
    assert drag(window, [folder], drop=True)
    text = told(qtbot, "File Not Opened").text()
    assert text == (
        f"Révision.apkg is a folder, not a file, so there is nothing in it to import. "
        f"Open the folder and choose the file inside it. Nothing was imported. ({folder})"
    )
    settled(qtbot, window)
    assert message_boxes() == [] and shown_refusals() == []


def test_twelve_bad_files_fit_an_800_by_600_screen_and_the_list_scrolls(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.resize(800, 600)
    bad: list[Path] = []
    for i in range(6):
        picture = tmp_path / f"photo de vacances numéro {i}.apkg"
        picture.write_bytes(PNG)
        empty = tmp_path / f"paquet vide {i}.sdcourse"
        empty.write_bytes(b"")
        bad += [picture, empty]
    started = time.monotonic()
    assert drag(window, bad, drop=True)
    dialog = refused_dialog(qtbot)
    elapsed = time.monotonic() - started
    qtbot.waitExposed(dialog)
    text = dialog.shown_text()
    assert text.startswith("12 files were not imported.")
    assert all(path.name in text for path in bad)
    frame = dialog.frameGeometry()
    small = SMALL_SCREEN + WINDOW_FRAME  # 800 x 600 less a taskbar, with the title bar
    assert frame.width() <= small.width() and frame.height() <= small.height()
    assert dialog.entries.verticalScrollBar().maximum() > 0  # the list scrolls, the window not
    shot = window.grab()  # the window at 800 x 600 with the message over its middle
    painter = QPainter(shot)
    corner = window.rect().center() - dialog.rect().center()
    painter.drawPixmap(corner, dialog.grab())
    painter.end()
    shot.save("/tmp/refused_files_800x600.png")
    print(f"told {elapsed:.2f} s after the drop; dialog {frame.width()} x {frame.height()}")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not shown_refusals(), timeout=WAIT_MS)


def test_an_older_apps_file_refused_is_told_with_the_other_refused_files(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    half = tmp_path / "techtree copie.json"
    half.write_text('{"users": {"1": {"name": ', encoding="utf-8")
    picture = tmp_path / "photo.apkg"
    picture.write_bytes(PNG)
    assert drag(window, [half, picture], drop=True)
    dialog = refused_dialog(qtbot)
    text = dialog.shown_text()
    assert text.startswith("2 files were not imported.")
    assert "techtree copie.json" in text and "not valid JSON: it ends too early" in text
    assert "photo.apkg" in text and "not an Anki package (.apkg)" in text
    qtbot.waitUntil(lambda: window.legacy_import is None, timeout=WAIT_MS)
    assert window.import_action.isEnabled()
    settled(qtbot, window)
    assert message_boxes() == [] and len(shown_refusals()) == 1
    dialog.accept()


def test_an_older_apps_file_refused_alone_keeps_its_import_report(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    half = tmp_path / "techtree copie.json"
    half.write_text('{"users": {"1": {"name": ', encoding="utf-8")
    assert drag(window, [half], drop=True)

    def report() -> ImportReportDialog | None:
        found = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, ImportReportDialog) and shiboken6.isValid(w) and w.isVisible()
        ]
        return found[0] if found else None

    qtbot.waitUntil(lambda: report() is not None, timeout=WAIT_MS)
    shown = report()
    assert shown is not None
    assert shown.heading.text() == "Nothing was imported"
    assert "techtree copie.json is not valid JSON: it ends too early" in shown.shown_text()
    assert shown_refusals() == [] and message_boxes() == []
    shown.close()
