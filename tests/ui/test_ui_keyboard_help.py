"""Help > Keyboard Shortcuts: F1 (or Ctrl+/) lists every key of the window, of each view and of
the dialogs a learner uses daily (the card editor, a lesson's note), collected from the live
widgets; a filter narrows the list; Esc closes it. And no key in any view or dialog is left
without saying what it does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, QRect, Qt
from PySide6.QtGui import QKeySequence, QScreen, QShortcut
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.ui.key_collection import EVERYWHERE, IN, Unlabelled, collect, dialog_group
from app.ui.key_help import KeyDialog, add_shortcut, handled_keys, key_dialogs
from app.ui.keyboard_help import KeyboardHelpDialog
from app.ui.main_window import MainWindow
from app.ui.review.view import ReviewView
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


def pairs_of(dialog: KeyboardHelpDialog, group: str) -> list[tuple[str, str]]:
    """(keys, what they do) of each row of `group`: one key may do two things in a view."""
    return [(keys, what) for title, keys, what in dialog.rows_shown() if title == group]


def saving(*keys: str) -> str:
    return ", ".join(native(key) for key in keys)


def test_f1_lists_the_keys_of_the_menus_and_of_every_view(qtbot: QtBot, window: MainWindow) -> None:
    dialog = press(qtbot, window, "F1")
    assert not dialog.isModal()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.filter, timeout=5_000)

    titles = [top.text(0) for top in dialog.group_items]
    assert titles[0] == EVERYWHERE
    views = [title for title in titles[1:] if IN not in title]
    assert views == [spec.title for spec in VIEWS if spec.title in titles]
    for title in ("Lessons", "Review", "Cards", "Videos", "Notebook", "Assessments", "Planner"):
        assert title in titles
    # each view's dialogs just after it, under the dialog's name
    for view, name in (
        ("Review", "Add Card, Edit Card"),
        ("Lessons", "Add a Note"),
        ("Assessments", "Note on the Question"),
        ("Notebook", "Link To…"),
        (EVERYWHERE, "Search Everything"),  # opened by the window itself (Ctrl+K)
    ):
        assert titles.index(f"{view}{IN}{name}") == titles.index(view) + 1
    search = rows_of(dialog, f"{EVERYWHERE}{IN}Search Everything")
    assert search[native("Down")] == "The next result"
    assert search[native("Up")] == "The result before"
    assert rows_of(dialog, f"Notebook{IN}Link To…") == {
        f"{native('Up')}, {native('Down')}": "Move through the targets from the search box"
    }

    everywhere = rows_of(dialog, EVERYWHERE)
    assert everywhere[native("Ctrl+I")] == "File > Import"
    assert everywhere[native("Ctrl+2")] == "View > Lessons"
    assert any(native("Ctrl+/") in keys for keys in everywhere)

    review = rows_of(dialog, "Review")
    assert review[", ".join(native(k) for k in ("Space", "Return", "Enter"))] == "Show Answer"
    for key, name in (("1", "Again"), ("2", "Hard"), ("3", "Good"), ("4", "Easy")):
        assert review[key] == f"Answer {name}"
    assert review[native("Ctrl+N")] == "Add Card"
    assert review[native("Ctrl+Shift+D")] == "New Deck"
    notes = [what for keys, what in pairs_of(dialog, "Review") if keys == native("Ctrl+Shift+N")]
    assert notes == ["Make a Note on This Card", "Deck list: a note on the chosen deck"]
    assert review[native("F2")] == "Deck list: rename the chosen deck"

    editor = rows_of(dialog, f"Review{IN}Add Card, Edit Card")
    assert editor == {saving("Ctrl+Return", "Ctrl+Enter"): "Add or save the card"}
    for note in (f"Lessons{IN}Add a Note", f"Assessments{IN}Note on the Question"):
        assert rows_of(dialog, note) == {saving("Ctrl+Return", "Ctrl+Enter"): "Save the note"}

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
    qtbot.keyClicks(dialog.filter, "save")  # a dialog's keys too
    groups = {group for group, _keys, _what in dialog.rows_shown()}
    assert {f"Review{IN}Add Card, Edit Card", f"Lessons{IN}Add a Note"} <= groups

    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "no such key anywhere")
    assert dialog.rows_shown() == [] and dialog.nothing.isVisible()

    qtbot.keyClick(dialog.filter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: open_dialog(window) is None, timeout=5_000)


def test_every_key_of_every_view_and_its_dialogs_says_what_it_does(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A QAction or QShortcut with a key but no words (make a QShortcut with
    app.ui.key_help.add_shortcut), or a declared handled key that is not a key, in a view or in
    a dialog it declares (`key_dialogs()`), fails here."""
    groups, unlabelled = collect(window)
    assert unlabelled == []
    assert len(groups) >= len(VIEWS)  # every view but one at most has keys of its own
    roots: list[QWidget] = []
    for row in range(len(VIEWS)):
        view = window.pages.get(row)
        roots.append(view)
        for obj in [view, *view.findChildren(QObject)]:
            roots += [declared.build() for declared in key_dialogs(obj)]
    assert any(isinstance(root, QDialog) for root in roots)
    for root in roots:
        for obj in [root, *root.findChildren(QWidget)]:
            for handled in handled_keys(obj):
                assert handled.description, type(obj).__name__
                for sequence in handled.sequences():
                    assert sequence.count() == 1 and sequence[0].key() != Qt.Key.Key_unknown, (
                        f"{type(obj).__name__}: {handled.keys}"
                    )
        if isinstance(root, QDialog):
            root.deleteLater()


def test_a_dialogs_key_without_words_is_caught(qtbot: QtBot) -> None:
    """The check above at work: a dialog's QShortcut made without add_shortcut says nothing."""

    def a_dialog() -> QDialog:
        dialog = QDialog()
        dialog.setWindowTitle("A dialog")
        QShortcut(QKeySequence("Ctrl+Return"), dialog)  # no words: caught
        add_shortcut(dialog, "Ctrl+D", "Do it", dialog.accept)
        button = QPushButton("&Go", dialog)
        button.setShortcut(QKeySequence("Ctrl+G"))  # its own text says what it does
        return dialog

    unlabelled: list[Unlabelled] = []
    group = dialog_group("A view", KeyDialog("A dialog", a_dialog), unlabelled)
    assert group.title == f"A view{IN}A dialog"
    assert [(row.keys_text, row.description) for row in group.rows] == [
        (native("Ctrl+D"), "Do it"),
        (native("Ctrl+G"), "Go"),
    ]
    assert unlabelled == [Unlabelled(group.title, native("Ctrl+Return"), "QShortcut")]


def test_no_shortcut_is_made_without_its_words() -> None:
    """A dialog no view declares is not read by the window, so: every QShortcut in the app is
    made by add_shortcut, which takes what it does (a new key in any dialog says it)."""
    app_ui = Path(__file__).parents[2] / "app" / "ui"
    made = [
        f"{path.relative_to(app_ui)}:{n}"
        for path in sorted(app_ui.rglob("*.py"))
        if path.name != "key_help.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "QShortcut(" in line
    ]
    assert made == []


def test_an_open_dialogs_keys_are_the_dialogs_not_the_views(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.context.navigator.start_review(None)
    review = window.view_of("Review")
    assert isinstance(review, ReviewView)
    review.add_card()  # the card editor open over Review
    assert review.editor is not None
    qtbot.waitExposed(review.editor)
    groups, unlabelled = collect(window)
    assert unlabelled == []
    (review_keys,) = [group for group in groups if group.title == "Review"]
    assert "Add or save the card" not in [row.description for row in review_keys.rows]
    (editor_keys,) = [group for group in groups if group.title.startswith(f"Review{IN}")]
    assert [row.description for row in editor_keys.rows] == ["Add or save the card"]
    review.editor.close()


def test_ctrl_shift_n_makes_a_note_wherever_it_is_and_new_decks_key_is_its_own(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Ctrl+Shift+N makes a note in every view (in Review's deck list one on the deck, not a new
    deck); New Deck's key does nothing else anywhere."""
    groups, _unlabelled = collect(window)
    rows = [(group.title, row) for group in groups for row in group.rows]
    note_key = native("Ctrl+Shift+N")
    notes = [(title, row.description) for title, row in rows if note_key in row.keys]
    assert {"Review", "Lessons", "Videos", "Assessments"} <= {title for title, _what in notes}
    assert all("note" in what.casefold() for _title, what in notes), notes
    (new_deck,) = [row for _title, row in rows if row.description == "New Deck"]
    for key in new_deck.keys:
        assert [(t, r.description) for t, r in rows if key in r.keys] == [("Review", "New Deck")]


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
