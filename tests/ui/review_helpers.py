"""Helpers for the Review view tests: the view on screen over a profile with the sample deck."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from ui_helpers import Gui

from app.core.flashcards.decks import load_tree
from app.core.opening import OpenProfile
from app.db.models import Card, CardReview, CardReviewUndo
from app.ui.review.view import ReviewView

WAIT_MS = 15_000
SAMPLE_DECK = "Sample::Getting started with flashcards"
SAMPLE_CARDS = 14


def show_review(qtbot: QtBot, gui: Gui, opened: OpenProfile) -> ReviewView:
    view = ReviewView(gui.context(opened))
    qtbot.addWidget(view)
    view.resize(1000, 640)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()  # shortcuts only work in the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: view.decks.model.loaded and view.pane.step is not None,
        timeout=WAIT_MS,
    )
    view.pane.setFocus()
    return view


def press(qtbot: QtBot, view: ReviewView, key: Qt.Key, text: str = "") -> None:
    qtbot.keyClick(view.pane, key, Qt.KeyboardModifier.NoModifier)


def answer_with_key(qtbot: QtBot, view: ReviewView, key: Qt.Key) -> None:
    """Press the key and wait until the next step is on screen (the answer was committed before
    it came back) and every task has run (the deck list's refresh too)."""
    with qtbot.waitSignal(view.pane.step_shown, timeout=WAIT_MS):
        qtbot.keyClick(view.pane, key)
    qtbot.waitUntil(lambda: not view.pane.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not view.context.runner.busy, timeout=WAIT_MS)


def deck_id(opened: OpenProfile, full_name: str) -> str:
    with opened.database.read_session() as session:
        deck = load_tree(session).find(full_name)
        assert deck is not None
        return deck.id


def card_row(opened: OpenProfile, card_id: str) -> Card:
    with opened.database.read_session() as session:
        card = session.get(Card, card_id)
        assert card is not None
        return card


def reviews_of(opened: OpenProfile, card_id: str) -> tuple[int, int]:
    """(answers logged, answers undone) for the card."""
    with opened.database.read_session() as session:
        logged = session.scalar(
            select(func.count()).select_from(CardReview).where(CardReview.card_id == card_id)
        )
        undone = session.scalar(
            select(func.count())
            .select_from(CardReviewUndo)
            .where(CardReviewUndo.card_id == card_id)
        )
    return int(logged or 0), int(undone or 0)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


class SessionWatch:
    """Records sessions opened on the GUI thread while `watching` (the test's own checks of
    the database run on that thread too, outside the watch)."""

    def __init__(self, database: object) -> None:
        self.watching = False
        self.on_gui_thread: list[str] = []
        for name in ("read_session", "write_session"):
            setattr(database, name, self._guard(name, getattr(database, name)))

    def _guard(
        self, name: str, original: Callable[[], AbstractContextManager[Session]]
    ) -> Callable[[], AbstractContextManager[Session]]:
        def guarded() -> AbstractContextManager[Session]:
            if self.watching and threading.current_thread() is threading.main_thread():
                self.on_gui_thread.append(name)
            return original()

        return guarded


@pytest.fixture
def session_watch(opened: OpenProfile) -> Iterator[SessionWatch]:
    yield SessionWatch(opened.database)
