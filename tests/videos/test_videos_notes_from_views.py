"""A note on what the learner is looking at, in one step: Ctrl+Shift+N on a card in Review, the
card browser's "Note on This Card…", a video bookmark's "Notebook…". Each makes a note linked to
it and opens the Notebook on it. Driven in the real window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from app.core.notes.links import LinkTarget
from app.core.notes.note_reads import open_note
from app.core.videos.library import VideoRow, library
from app.ui.cards.view import CardBrowserView
from app.ui.context import ViewContext
from app.ui.main_window import MainWindow
from app.ui.notebook.view import NotebookView
from app.ui.review.view import ReviewView
from app.ui.videos import bookmark_panel
from app.ui.videos.view import VideosView
from tests.access_keys import clashes

WAIT_MS = 10_000


def notebook_on_new_note(qtbot: QtBot, window: MainWindow) -> NotebookView:
    qtbot.waitUntil(lambda: isinstance(window.stack.currentWidget(), NotebookView), timeout=WAIT_MS)
    notebook = window.stack.currentWidget()
    assert isinstance(notebook, NotebookView)
    qtbot.waitUntil(lambda: notebook.opened_note is not None, timeout=WAIT_MS)
    return notebook


def sample_playing_at(
    window: MainWindow, context: ViewContext, at_s: float
) -> tuple[VideoRow, VideosView]:
    """The sample video opened in the player at `at_s`, and the Videos view."""
    (sample,) = library(context.opened.database).rows
    context.navigator.open_video_moment(sample.id, at_s)
    videos = window.view_of("Videos")
    assert isinstance(videos, VideosView)
    return sample, videos


def test_ctrl_shift_n_in_review_and_the_card_browser_make_a_note_on_the_card(
    qtbot: QtBot, window: MainWindow, context: ViewContext
) -> None:
    window.context.navigator.start_review(None)
    review = window.view_of("Review")
    assert isinstance(review, ReviewView)
    pane = review.pane
    qtbot.waitUntil(lambda: pane.card is not None, timeout=WAIT_MS)
    card = pane.card
    assert card is not None
    qtbot.keyClick(
        pane, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    notebook = notebook_on_new_note(qtbot, window)
    note = notebook.opened_note
    assert note is not None
    assert LinkTarget("card", card.id) in [link.target for link in note.links]
    assert note.title and "#" not in note.title and "*" not in note.title
    first = note.id

    context.navigator.open_card(card.id)
    cards = window.view_of("Cards")
    assert isinstance(cards, CardBrowserView)
    qtbot.waitUntil(lambda: cards.editor.card_id == card.id, timeout=WAIT_MS)
    qtbot.mouseClick(cards.editor.note_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: notebook.opened_note is not None and notebook.opened_note.id != first,
        timeout=WAIT_MS,
    )
    second = open_note(context.opened.database, notebook.opened_note.id)  # type: ignore[union-attr]
    assert LinkTarget("card", card.id) in [link.target for link in second.links]


def test_a_bookmarks_notebook_button_makes_a_note_at_that_moment(
    qtbot: QtBot, window: MainWindow, context: ViewContext
) -> None:
    sample, videos = sample_playing_at(window, context, 0.0)
    panel = videos.player.bookmarks
    qtbot.waitUntil(lambda: panel.list.count() == 2, timeout=WAIT_MS)  # the sample's two
    panel.list.setCurrentRow(1)
    mark = panel.selected()
    assert mark is not None
    qtbot.mouseClick(panel.notebook_button, Qt.MouseButton.LeftButton)
    notebook = notebook_on_new_note(qtbot, window)
    note = notebook.opened_note
    assert note is not None
    assert note.title.startswith(f"{sample.title} at ")
    assert LinkTarget("video", sample.id, at_s=mark.at_s) in [link.target for link in note.links]
    assert note.body == mark.note


@pytest.mark.parametrize("full_screen", [False, True], ids=["in the view", "full screen"])
def test_ctrl_shift_n_in_the_player_makes_a_note_at_the_moment_playing(
    qtbot: QtBot, window: MainWindow, context: ViewContext, full_screen: bool
) -> None:
    """In full screen too: the note is written in the Notebook, in the window the full-screen
    video covers, so the video leaves full screen (paused there) and the window takes the keys."""
    sample, videos = sample_playing_at(window, context, 1.0)
    player = videos.player.player
    qtbot.waitUntil(lambda: player.playing and player.position_s > 1.2, timeout=WAIT_MS)
    video, pressed_in = player.video, player
    if full_screen:
        player.setFocus()
        qtbot.keyClick(player, Qt.Key.Key_F)
        qtbot.waitUntil(video.isFullScreen, timeout=WAIT_MS)
        video.activateWindow()
        qtbot.waitUntil(video.isActiveWindow, timeout=WAIT_MS)
        pressed_in = video
    qtbot.keyClick(
        pressed_in,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: not video.isFullScreen(), timeout=WAIT_MS)
    notebook = notebook_on_new_note(qtbot, window)
    note = notebook.opened_note
    assert note is not None and note.title.startswith(f"{sample.title} at 0:0")
    (link,) = [link.target for link in note.links]
    assert link.kind == "video" and link.id == sample.id
    assert link.at_s is not None and 1.2 <= link.at_s <= 4.0
    assert not player.playing  # the lecture waits while the learner writes
    assert not video.isWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)  # the keys go to the note


def test_a_bookmark_is_chosen_edited_and_written_about_from_the_keyboard(
    qtbot: QtBot, window: MainWindow, context: ViewContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample, videos = sample_playing_at(window, context, 0.0)
    page, panel = videos.player, videos.player.bookmarks
    qtbot.waitUntil(lambda: panel.list.count() == 2 and page.player.hasFocus(), timeout=WAIT_MS)
    assert clashes(window) == {}
    qtbot.keyClick(page.player, Qt.Key.Key_Tab)  # from the video to its bookmarks
    assert panel.list.hasFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    mark = panel.selected()
    assert mark is not None

    def relabel(dialog: QDialog) -> int:
        assert isinstance(dialog, bookmark_panel.BookmarkDialog)
        dialog.label.setText("Relabelled")
        dialog._check()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(bookmark_panel.BookmarkDialog, "exec", relabel)
    qtbot.keyClick(panel.list, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)  # Edit…
    qtbot.waitUntil(
        lambda: any("Relabelled" in panel.list.item(n).text() for n in range(2)), timeout=WAIT_MS
    )
    qtbot.keyClick(panel.list, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # Notebook…
    notebook = notebook_on_new_note(qtbot, window)
    note = notebook.opened_note
    assert note is not None and note.title.endswith(": Relabelled")
    assert LinkTarget("video", sample.id, at_s=mark.at_s) in [link.target for link in note.links]


def test_enter_on_a_bookmark_seeks_and_the_video_keys_work_at_once(
    qtbot: QtBot, window: MainWindow, context: ViewContext
) -> None:
    _sample, videos = sample_playing_at(window, context, 0.0)
    page, panel, player = videos.player, videos.player.bookmarks, videos.player.player
    qtbot.waitUntil(lambda: panel.list.count() == 2 and player.playing, timeout=WAIT_MS)
    qtbot.keyClick(player, Qt.Key.Key_Tab)  # to the bookmarks
    qtbot.keyClick(panel.list, Qt.Key.Key_End)
    mark = panel.selected()
    assert mark is not None
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)  # seeks there
    qtbot.waitUntil(lambda: abs(player.position_s - mark.at_s) < 1.0, timeout=WAIT_MS)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # pauses, as in the video
    qtbot.waitUntil(lambda: not player.playing, timeout=1500)  # long before its end at 18 s
    assert page.player.hasFocus()
