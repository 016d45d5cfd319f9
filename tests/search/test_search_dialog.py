"""The Ctrl+K dialog as a learner uses it: type, see the results grouped by kind with the
found words bold, Enter opens the lesson in its view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from search_helpers import add_note

from app.core.opening import OpenProfile, open_profile
from app.core.profiles import create_profile
from app.db.models import Course, CourseModule, Lesson
from app.features.declarations import Destination
from app.logs import setup_logging
from app.paths import DataLocations, data_locations
from app.ui.context import ViewContext
from app.ui.device_settings import DeviceSettings
from app.ui.error_dialog import ErrorReporter
from app.ui.search.dialog import SearchDialog, open_search
from app.ui.tasks import TaskRunner
from app.ui.theme import Appearance


@pytest.fixture
def context(qapp: QApplication, data_dir: Path) -> Iterator[ViewContext]:
    locations: DataLocations = data_locations()
    opened: OpenProfile = open_profile(locations, create_profile(locations, "Maya"), samples=False)
    runner = TaskRunner()
    reporter = ErrorReporter(setup_logging(locations))
    made = ViewContext(
        locations, runner, opened, DeviceSettings(locations), Appearance(qapp), reporter
    )
    yield made
    runner.shutdown(timeout=10)
    opened.close()


def add_lesson(context: ViewContext, title: str) -> str:
    with context.opened.database.write_session() as session:
        course = Course(topic="Cardiology")
        session.add(course)
        session.flush()
        module = CourseModule(course_id=course.id, position=0, title="Week 1")
        session.add(module)
        session.flush()
        lesson = Lesson(module_id=module.id, course_id=course.id, position=0, title=title)
        session.add(lesson)
        session.flush()
        return lesson.id


def test_type_see_grouped_results_and_enter_opens_the_lesson(
    qtbot: QtBot, context: ViewContext
) -> None:
    lesson_id = add_lesson(context, "Heart valves")
    add_note(context.opened.database, "My heart notes", "valves and more valves")
    window = QWidget()
    qtbot.addWidget(window)
    open_search(context, window)
    dialog = window.findChild(SearchDialog)
    assert dialog is not None and dialog.isVisible()

    qtbot.keyClicks(dialog.edit, "heart val")
    qtbot.waitUntil(lambda: dialog.shown_text == "heart val", timeout=5000)
    kinds = [hit.kind for hit in dialog.hits()]
    assert sorted(kinds) == ["lesson", "note"]
    headers = [
        dialog.results.item(row).text()
        for row in range(dialog.results.count())
        if dialog.results.item(row).flags() == Qt.ItemFlag.NoItemFlags
    ]
    assert sorted(headers) == ["Lessons", "Notes"]
    labels = [label.text() for label in dialog.results.findChildren(QLabel)]
    assert any("<b>valves</b>" in text.lower() for text in labels)

    # Enter on the lesson (Down moves to it if the note came first)
    while dialog.results.currentItem().data(Qt.ItemDataRole.UserRole + 1).kind != "lesson":
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Down)
    with qtbot.waitSignal(context.navigator.requested, timeout=2000) as opened:
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert opened.args == [Destination.LESSON, (lesson_id,)]
    assert not dialog.isVisible()


def test_only_the_newest_text_is_answered(qtbot: QtBot, context: ViewContext) -> None:
    add_note(context.opened.database, "Kidney", "nephron")
    dialog = SearchDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.edit.setText("kid")
    dialog.search_now()
    dialog.edit.setText("zzz nothing")
    dialog.search_now()
    qtbot.waitUntil(lambda: dialog.shown_text == "zzz nothing", timeout=5000)
    qtbot.wait(200)
    assert dialog.hits() == [] and "Nothing found" in dialog.status.text()
