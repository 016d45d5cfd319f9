"""Alt+letter keys in the window: Today's buttons each have one, and no two controls on screen
share a letter with each other or with the menu bar (File, View, Help), in any view."""

from __future__ import annotations

from datetime import datetime

import pytest
from lessons_helpers import WAIT_MS, lesson_id, open_course_outline, open_reader
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.courses.course_reads import course_library
from app.core.planner.plan_actions import create_plan
from app.core.planner.plans import ScopeSpec
from app.core.videos.library import library
from app.core.videos.watching import set_last_position
from app.ui.lessons.view import LessonsView
from app.ui.main_window import MainWindow
from app.ui.notebook.view import NotebookView
from app.ui.planner import common
from app.ui.review.view import ReviewView
from tests.access_keys import clashes


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=WAIT_MS)
    qtbot.wait(20)


def show(qtbot: QtBot, window: MainWindow, title: str) -> QWidget:
    window.open_view(window.pages.row_of(title))
    view = window.view_of(title)
    assert view is not None
    qtbot.waitUntil(view.isVisible, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    return view


def unkeyed(view: QWidget) -> list[str]:
    """The visible buttons of `view` without an Alt key."""
    return [
        button.text()
        for button in view.findChildren(QAbstractButton)
        if button.isVisible() and not QKeySequence.mnemonic(button.text()).toString()
    ]


def test_todays_buttons_each_have_an_alt_key_clashing_with_nothing(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = window.context.opened.database
    now = datetime.now().astimezone()
    monkeypatch.setattr(common, "now", lambda: now)
    (course,) = course_library(database)
    create_plan(
        database, name="Exam", exam_date=now.date().replace(year=now.year + 1),
        minutes=[60] * 7, now=now, scope=[ScopeSpec("course", course.course_id)],
    )  # fmt: skip
    (video,) = library(database).rows
    set_last_position(database, video.id, 12.0)
    today = show(qtbot, window, "Today")
    window.view_of("Today").refresh()  # type: ignore[union-attr]
    for section in window.today_sections:
        section.refresh()
    qtbot.waitUntil(lambda: all(s.isVisible() for s in window.today_sections), timeout=WAIT_MS)
    wait_idle(qtbot, window)
    assert unkeyed(today) == []
    assert clashes(window) == {}

    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(
        lambda: window.stack.currentWidget() is window.view_of("Review"), timeout=WAIT_MS
    )


def test_no_two_controls_share_an_alt_key_in_any_view(qtbot: QtBot, window: MainWindow) -> None:
    found: dict[str, dict[str, list[str]]] = {}

    def check(where: str) -> None:
        wait_idle(qtbot, window)
        if clash := clashes(window):
            found[where] = clash

    for title in ("Today", "Cards", "Statistics"):
        show(qtbot, window, title)
        check(title)

    lessons = show(qtbot, window, "Lessons")
    assert isinstance(lessons, LessonsView)
    qtbot.waitUntil(lambda: bool(lessons.library.model.rows), timeout=WAIT_MS)
    check("Lessons: library")
    open_course_outline(qtbot, lessons)
    check("Lessons: outline")
    open_reader(qtbot, lessons, lesson_id(lessons, "1.1"))
    check("Lessons: reader")

    review = show(qtbot, window, "Review")
    assert isinstance(review, ReviewView)
    qtbot.waitUntil(lambda: review.pane.card is not None, timeout=WAIT_MS)
    check("Review: question")
    qtbot.keyClick(review.pane, Qt.Key.Key_Space)
    check("Review: answer")

    notebook = show(qtbot, window, "Notebook")
    assert isinstance(notebook, NotebookView)
    check("Notebook")
    assert found == {}
    assert QApplication.activeModalWidget() is None
