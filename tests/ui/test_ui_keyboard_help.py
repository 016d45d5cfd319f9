"""Help > Keyboard Shortcuts: F1 (or Ctrl+/) lists every key of the window and of each view,
collected from the live widgets; a filter narrows the list; Esc closes it. And no key in any
view is left without saying what it does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QKeySequence, QScreen
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.ui.key_help import handled_keys
from app.ui.keyboard_help import EVERYWHERE, KeyboardHelpDialog, collect
from app.ui.main_window import MainWindow
from app.ui.screen_fit import SMALL_SCREEN, WINDOW_FRAME
from app.ui.view_registry import VIEWS

NATIVE = QKeySequence.SequenceFormat.NativeText


def native(key: str) -> str:
    return QKeySequence(key).toString(NATIVE)


def press(qtbot: QtBot, window: MainWindow, key: str) -> KeyboardHelpDialog:
    """Press `key` where the keyboard is in the window; the dialog it opens."""
    sequence = QKeySequence(key)[0]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, sequence.key(), sequence.keyboardModifiers())
    qtbot.waitUntil(lambda: open_dialog(window) is not None, timeout=10_000)
    dialog = open_dialog(window)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.complete, timeout=20_000)  # the views not opened yet
    return dialog


def open_dialog(window: MainWindow) -> KeyboardHelpDialog | None:
    shown = [d for d in window.findChildren(KeyboardHelpDialog) if d.isVisible()]
    return shown[0] if shown else None


def rows_of(dialog: KeyboardHelpDialog, group: str) -> dict[str, str]:
    """What each row of `group` does, by its keys."""
    return {keys: what for title, keys, what in dialog.rows_shown() if title == group}


def test_f1_lists_the_keys_of_the_menus_and_of_every_view(qtbot: QtBot, window: MainWindow) -> None:
    dialog = press(qtbot, window, "F1")
    assert not dialog.isModal()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.filter, timeout=5_000)

    titles = [top.text(0) for top in dialog.group_items]
    assert titles[0] == EVERYWHERE
    assert titles[1:] == [spec.title for spec in VIEWS if spec.title in titles]
    for title in ("Lessons", "Review", "Cards", "Videos", "Notebook", "Assessments", "Planner"):
        assert title in titles

    everywhere = rows_of(dialog, EVERYWHERE)
    assert everywhere[native("Ctrl+I")] == "File > Import"
    assert everywhere[native("Ctrl+2")] == "View > Lessons"
    assert any(native("Ctrl+/") in keys for keys in everywhere)

    review = rows_of(dialog, "Review")
    assert review[", ".join(native(k) for k in ("Space", "Return", "Enter"))] == "Show Answer"
    for key, name in (("1", "Again"), ("2", "Hard"), ("3", "Good"), ("4", "Easy")):
        assert review[key] == f"Answer {name}"
    assert review[native("Ctrl+N")] == "Add Card"

    videos = rows_of(dialog, "Videos")
    assert videos[native("Ctrl+Shift+N")] == "A note at the moment playing"
    assert videos[native("B")] == "Bookmark the moment"
    # keys a widget's own handler takes, from its declaration
    assert videos[", ".join(native(k) for k in ("Return", "Enter"))].startswith("Bookmarks:")

    assessments = rows_of(dialog, "Assessments")
    assert assessments[native("Ctrl+E")] == "Block: end it (asks first)"
    assert assessments["A–J"].startswith("Block: choose")
    assert any(keys.startswith(native("Alt+A")) for keys in assessments)  # handled: strike

    planner = rows_of(dialog, "Planner")
    assert planner[native("Home")] == "Calendar: today"


def test_ctrl_slash_opens_it_too_and_no_other_key_is_f1_or_ctrl_slash(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = press(qtbot, window, "Ctrl+/")
    ours = [
        (title, keys)
        for title, keys, what in dialog.rows_shown()
        if native("F1") in keys.split(", ") or native("Ctrl+/") in keys.split(", ")
    ]
    assert (
        ours == [(EVERYWHERE, ours[0][1])]
        and "Keyboard Shortcuts" in rows_of(dialog, EVERYWHERE)[ours[0][1]]
    )


def test_typing_in_the_filter_narrows_the_rows_and_esc_closes(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = press(qtbot, window, "F1")
    everything = dialog.rows_shown()
    qtbot.keyClicks(dialog.filter, "bookmark")
    narrowed = dialog.rows_shown()
    assert 0 < len(narrowed) < len(everything)
    assert all("bookmark" in f"{keys} {what}".casefold() for _group, keys, what in narrowed)
    assert {group for group, _keys, _what in narrowed} == {"Videos"}
    hidden = [top.text(0) for top in dialog.group_items if top.isHidden()]
    assert EVERYWHERE in hidden and "Review" in hidden

    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, native("Ctrl+Shift+N"))  # by key
    groups = {group for group, _keys, _what in dialog.rows_shown()}
    assert {"Review", "Videos", "Lessons", "Assessments"} <= groups

    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "no such key anywhere")
    assert dialog.rows_shown() == [] and dialog.nothing.isVisible()

    qtbot.keyClick(dialog.filter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: open_dialog(window) is None, timeout=5_000)


def test_every_key_of_every_view_says_what_it_does(qtbot: QtBot, window: MainWindow) -> None:
    """A QAction or QShortcut with a key but no words (make a QShortcut with
    app.ui.key_help.add_shortcut), or a declared handled key that is not a key, fails here."""
    groups, unlabelled = collect(window)
    assert unlabelled == []
    assert len(groups) >= len(VIEWS)  # every view but one at most has keys of its own
    for row in range(len(VIEWS)):
        view = window.pages.get(row)
        for obj in [view, *view.findChildren(QWidget)]:
            for handled in handled_keys(obj):
                assert handled.description, type(obj).__name__
                for sequence in handled.sequences():
                    assert sequence.count() == 1 and sequence[0].key() != Qt.Key.Key_unknown, (
                        f"{type(obj).__name__}: {handled.keys}"
                    )


@pytest.mark.parametrize(
    ("theme", "text_size"),
    [("light", 100), ("dark", 100), ("light", 130), ("dark", 130)],
    indirect=["text_size"],
)
def test_it_fits_an_800_by_600_screen_with_every_key_whole(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    monkeypatch: pytest.MonkeyPatch,
    theme: str,
    text_size: int,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(QPoint(), SMALL_SCREEN))
    window = make_window()
    window.set_theme(theme)
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10_000)
    dialog = press(qtbot, window, "F1")
    qtbot.waitExposed(dialog)
    qtbot.wait(50)
    bar = dialog.tree.verticalScrollBar()
    for page in range(bar.maximum() // max(1, bar.pageStep()) + 2):  # every row, to look at
        bar.setValue(page * bar.pageStep())
        dialog.grab().save(str(tmp_path / f"keys-{theme}-{text_size}-{page}.png"))
    bar.setValue(0)
    assert dialog.width() + WINDOW_FRAME.width() <= SMALL_SCREEN.width()
    assert dialog.height() + WINDOW_FRAME.height() <= SMALL_SCREEN.height()
    tree = dialog.tree
    metrics = tree.fontMetrics()
    keys_room = tree.columnWidth(0) - tree.indentation() - 8  # a child row's indent, margins
    words_room = tree.viewport().width() - tree.columnWidth(0) - 8
    assert words_room > keys_room
    rows = [top.child(n) for top in dialog.group_items for n in range(top.childCount())]
    assert len(rows) == len(dialog.rows_shown()) > 100
    for item in rows:
        assert metrics.horizontalAdvance(item.text(0)) <= keys_room, item.text(0)
        for line in item.text(1).split("\n"):  # the words wrap to their column
            assert metrics.horizontalAdvance(line) <= words_room, line
        lines = item.text(1).count("\n") + 1
        assert tree.visualItemRect(item).height() >= lines * metrics.lineSpacing(), item.text(1)
    # the palette's colours, not fixed ones: the list is dark in the dark theme
    lightness = dialog.palette().color(dialog.backgroundRole()).lightnessF()
    assert (lightness < 0.5) == (theme == "dark")
