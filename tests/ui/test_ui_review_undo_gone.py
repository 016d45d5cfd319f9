"""Review's Ctrl+Z after the card of the last answer went away (Remove Sample Content on Today
mid-session): the undo is withdrawn, says there is nothing to undo, and Ctrl+Z changes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from review_helpers import WAIT_MS, reviews_of
from ui_helpers import message_boxes

import app.ui.today.view as today_view
from app.core.flashcards.review import CardToShow
from app.core.sample_actions import remove_sample_content
from app.ui.main_window import MainWindow
from app.ui.review.data import NOTHING_TO_UNDO
from app.ui.review.review_pane import ReviewPane
from app.ui.review.view import ReviewView
from app.ui.today.view import TodayView


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=WAIT_MS)
    qtbot.wait(20)


def answer_a_sample_card(qtbot: QtBot, window: MainWindow) -> tuple[ReviewPane, CardToShow]:
    """In the Review view: Space, then 3 (Good) on the first card; Ctrl+Z is offered."""
    window.open_view(window.pages.row_of("Review"))
    review = window.view_of("Review")
    assert isinstance(review, ReviewView)
    pane = review.pane
    qtbot.waitUntil(lambda: pane.card is not None, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    card = pane.card
    assert card is not None
    pane.setFocus()
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    with qtbot.waitSignal(pane.step_shown, timeout=WAIT_MS):
        qtbot.keyClick(pane, Qt.Key.Key_3)
    qtbot.waitUntil(pane.undo_action.isEnabled, timeout=WAIT_MS)
    assert "Ctrl+Z to undo" in pane.note.text()
    assert pane.undo_action.toolTip() == "Take back the answer (Ctrl+Z)"
    return pane, card


def test_ctrl_z_after_the_answered_card_is_removed_offers_no_undo(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    pane, card = answer_a_sample_card(qtbot, window)

    window.open_view(window.pages.row_of("Today"))
    today = window.view_of("Today")
    assert isinstance(today, TodayView)
    monkeypatch.setattr(today_view, "confirm", lambda *_args: True)
    qtbot.waitUntil(today.remove_samples_button.isVisible, timeout=WAIT_MS)
    today.remove_samples_button.click()
    qtbot.waitUntil(today.undo_bar.isVisible, timeout=WAIT_MS)
    wait_idle(qtbot, window)

    window.open_view(window.pages.row_of("Review"))
    qtbot.waitUntil(pane.isVisible, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    pane.setFocus()
    qtbot.keyClick(pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)

    assert message_boxes() == [] and QApplication.activeModalWidget() is None
    assert reviews_of(window.context.opened, card.id) == (1, 0)  # the answer stays, not undone
    assert not pane.undo_action.isEnabled()
    assert "nothing to undo" in pane.undo_action.toolTip().lower()
    assert "Ctrl+Z" not in pane.note.text() and "Undid" not in pane.note.text()


def test_ctrl_z_before_the_pane_heard_of_the_removal_undoes_nothing(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Removed where the window did not announce it (as a sync might): the undo itself finds
    the card gone and says so."""
    pane, card = answer_a_sample_card(qtbot, window)
    remove_sample_content(window.context.opened.database)
    qtbot.keyClick(pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    assert message_boxes() == [] and QApplication.activeModalWidget() is None
    assert reviews_of(window.context.opened, card.id) == (1, 0)
    assert pane.note.text() == NOTHING_TO_UNDO
    assert not pane.undo_action.isEnabled() and pane.undo_action.text() == "Nothing to Undo"
