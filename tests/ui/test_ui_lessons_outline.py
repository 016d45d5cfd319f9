"""A course's outline: modules with weeks, lesson status and score, objectives, placement checks,
and Continue, over the TechTree learner's imported course and the sample course."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from lessons_helpers import (
    SAMPLE_TOPIC,
    WAIT_MS,
    lesson_id,
    open_course_outline,
    open_legacy_learner,
    show_view,
)
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, click

from app.core.courses.placement import PlacementAnswer, record_placement_check
from app.core.opening import OpenProfile
from app.paths import DataLocations
from app.ui.lessons.library_model import LibraryColumn
from app.ui.lessons.outline_model import OutlineColumn
from app.ui.lessons.view import LessonsView


@pytest.fixture
def learner(locations: DataLocations) -> Iterator[OpenProfile]:
    opened = open_legacy_learner(locations)
    yield opened
    if opened.lock.held:
        opened.close()


@pytest.fixture
def view(qtbot: QtBot, gui: Gui, learner: OpenProfile) -> LessonsView:
    shown = show_view(qtbot, gui, learner)
    open_course_outline(qtbot, shown)
    return shown


def status(view: LessonsView, number: str) -> str:
    index = view.outline.model.index_of_lesson(lesson_id(view, number))
    return str(index.siblingAtColumn(OutlineColumn.STATUS).data())


def test_the_imported_course_is_in_the_library_at_zero_percent(view: LessonsView) -> None:
    model = view.library.model
    assert model.index(0, LibraryColumn.TOPIC).data() == "black holes"
    assert model.index(0, LibraryColumn.PROGRESS).data() == "0 %"
    assert model.index(0, LibraryColumn.LEVEL).data() == "Good knowledge"
    assert model.index(0, LibraryColumn.LAST_STUDIED).data() != "Not yet"


def test_the_outline_has_six_weekly_modules_and_marks_lessons_without_content(
    view: LessonsView, qtmodeltester: object
) -> None:
    model = view.outline.model
    assert model.rowCount() == 6
    titles = [str(model.index(row, 0).data()) for row in range(6)]
    assert titles[0] == "Week 1 · Module 1: Gravity and the Foundations of Black Hole Theory"
    assert all(title.startswith(f"Week {n} · Module {n}: ") for n, title in enumerate(titles, 1))
    assert sum(model.rowCount(model.index(row, 0)) for row in range(6)) == 52
    assert status(view, "1.1") == "Not started"
    assert status(view, "1.2") == "No content yet"
    assert status(view, "2.2") == "In progress · no content yet"
    assert view.outline.facts.text() == "Good knowledge · 6 weeks · 0 of 52 lessons completed"
    assert view.outline.no_placement.isVisible()
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_continue_opens_the_lesson_in_progress_and_esc_leads_back_to_it(
    qtbot: QtBot, view: LessonsView
) -> None:
    in_progress = lesson_id(view, "2.2")
    assert view.outline.tree.currentIndex().data(Qt.ItemDataRole.UserRole + 1) == in_progress
    assert view.outline.continue_button.text().startswith("&Continue: Stellar-Mass")
    click(qtbot, view.outline.continue_button)
    qtbot.waitUntil(lambda: view.reader.lesson is not None, timeout=WAIT_MS)
    assert view.reader.lesson is not None
    assert view.reader.lesson.view.lesson_id == in_progress
    assert view.reader.empty.isVisible()  # 2.2 has no content yet
    qtbot.keyClick(view.reader.scroll_area, Qt.Key.Key_Escape)
    assert view.pages.currentWidget() is view.outline
    qtbot.keyClick(view.outline.tree, Qt.Key.Key_Backspace)
    assert view.pages.currentWidget() is view.library


def test_enter_on_a_lesson_opens_it(qtbot: QtBot, view: LessonsView) -> None:
    first = view.outline.model.index_of_lesson(lesson_id(view, "1.1"))
    view.outline.tree.setCurrentIndex(first)
    qtbot.keyClick(view.outline.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.reader.lesson is not None, timeout=WAIT_MS)
    assert view.reader.lesson is not None
    assert view.reader.lesson.view.number == "1.1"
    assert "1.1 Newtonian Gravity and its Limitations" in view.breadcrumb.text()


def test_placement_checks_show_level_score_date_and_the_answers(
    qtbot: QtBot, view: LessonsView, learner: OpenProfile, qtmodeltester: object
) -> None:
    answers = [
        PlacementAnswer("What is an event horizon?", "The edge nothing escapes", 1, True),
        PlacementAnswer("What is Hawking radiation?", "Light from the disk", 3, False),
    ]
    with learner.database.write_session() as session:
        record_placement_check(
            session, "black holes", answers, now=datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        )
    view.outline.refresh()
    model = view.outline.placement_model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    assert view.outline.placement_box.isVisible() and not view.outline.no_placement.isVisible()
    check = [model.index(0, column).data() for column in range(3)]
    assert check[1:] == ["Beginner", "25 %"]  # 1 of weight 4 right
    assert "2026" in str(check[0])
    first = model.index(0, 0, model.index(0, 0))
    assert first.data() == (
        "1. What is an event horizon? — Your answer: The edge nothing escapes (correct)"
    )
    assert str(model.index(1, 0, model.index(0, 0)).data()).endswith("(incorrect)")
    assert model.index(0, 1, model.index(0, 0)).data() is None
    assert view.outline.placement.isFirstColumnSpanned(0, model.index(0, 0))
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_the_sample_course_shows_its_objectives(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    shown = show_view(qtbot, gui, opened)
    open_course_outline(qtbot, shown)
    assert shown.outline.topic.text() == SAMPLE_TOPIC
    assert shown.outline.objectives.isVisible()
    assert "Explain the forgetting curve" in shown.outline.objectives.text()
    module = shown.outline.model.index(0, 0, QModelIndex())
    assert shown.outline.tree.isFirstColumnSpanned(0, QModelIndex())
    assert shown.outline.model.rowCount(module) == 3
