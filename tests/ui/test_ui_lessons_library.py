"""The course library: the courses with their progress, search, sort, Continue, empty states."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lessons_helpers import (
    SAMPLE_TOPIC,
    WAIT_MS,
    add_course,
    events,
    lesson_id,
    open_course_outline,
    show_view,
)
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, click

from app.core.opening import OpenProfile
from app.core.sample_actions import remove_sample_content
from app.ui.lessons.library_model import LibraryColumn
from app.ui.lessons.library_page import NO_COURSES
from app.ui.lessons.view import LessonsView


@pytest.fixture
def view(qtbot: QtBot, gui: Gui, opened: OpenProfile) -> Iterator[LessonsView]:
    """Alex's Lessons view: a new profile holds the sample course."""
    yield show_view(qtbot, gui, opened)


def shown(view: LessonsView, column: LibraryColumn) -> list[str]:
    model = view.library.model
    return [str(model.index(row, column).data()) for row in range(model.rowCount())]


def test_a_new_profile_lists_its_sample_course_at_zero_percent(
    view: LessonsView, qtmodeltester: object
) -> None:
    assert shown(view, LibraryColumn.TOPIC) == [f"{SAMPLE_TOPIC} (sample)"]
    assert shown(view, LibraryColumn.PROGRESS) == ["0 %"]
    assert shown(view, LibraryColumn.LAST_STUDIED) == ["Not yet"]
    assert view.library.continue_button.text() == "&Start"
    qtmodeltester.check(view.library.model)  # type: ignore[attr-defined]


def test_search_narrows_the_list_and_says_when_nothing_matches(
    qtbot: QtBot, view: LessonsView, opened: OpenProfile
) -> None:
    add_course(opened, "Organic chemistry", [None], level="advanced")
    view.library.refresh()
    qtbot.waitUntil(lambda: view.library.model.rowCount() == 2, timeout=WAIT_MS)

    qtbot.keyClicks(view.library.search, "chem adv")
    qtbot.waitUntil(
        lambda: shown(view, LibraryColumn.TOPIC) == ["Organic chemistry"], timeout=WAIT_MS
    )
    view.library.search.clear()
    qtbot.keyClicks(view.library.search, "quantum")
    qtbot.waitUntil(
        lambda: view.library.pages.currentWidget() is view.library.empty, timeout=WAIT_MS
    )
    assert view.library.empty.text() == "No course matches “quantum”."
    assert not view.library.continue_button.isEnabled()
    view.library.search.clear()
    qtbot.waitUntil(lambda: view.library.model.rowCount() == 2, timeout=WAIT_MS)


def test_sorting_by_name_and_by_header_click(
    qtbot: QtBot, view: LessonsView, opened: OpenProfile
) -> None:
    add_course(opened, "Astronomy", [None])
    view.library.refresh()
    qtbot.waitUntil(lambda: view.library.model.rowCount() == 2, timeout=WAIT_MS)
    header = view.library.table.horizontalHeader()
    header.sectionClicked.emit(LibraryColumn.TOPIC)
    assert view.library.sort.currentText() == "Course name"
    qtbot.waitUntil(
        lambda: shown(view, LibraryColumn.TOPIC) == ["Astronomy", f"{SAMPLE_TOPIC} (sample)"],
        timeout=WAIT_MS,
    )


def test_an_empty_library_says_how_to_get_courses(
    qtbot: QtBot, view: LessonsView, opened: OpenProfile
) -> None:
    with qtbot.waitSignal(view.context.runner.data_changed, timeout=WAIT_MS):
        view.context.runner.run_write(lambda _p: remove_sample_content(opened.database), label="")
    qtbot.waitUntil(
        lambda: view.library.pages.currentWidget() is view.library.empty, timeout=WAIT_MS
    )
    assert view.library.empty.text() == NO_COURSES
    assert "File > Import Course…" in NO_COURSES and "File > Import…" in NO_COURSES


def test_enter_opens_the_outline_and_esc_comes_back(qtbot: QtBot, view: LessonsView) -> None:
    view.library.table.setFocus()
    qtbot.keyClick(view.library.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.outline.course is not None, timeout=WAIT_MS)
    assert view.pages.currentWidget() is view.outline
    assert view.breadcrumb.isVisible() and SAMPLE_TOPIC in view.breadcrumb.text()
    qtbot.keyClick(view.outline.tree, Qt.Key.Key_Escape)
    assert view.pages.currentWidget() is view.library


def reads_of(page: object) -> list[int]:
    """Counts the reads a page asks for from now on."""
    reads: list[int] = []
    original = page.refresh  # type: ignore[attr-defined]

    def counted() -> None:
        reads.append(1)
        original()

    page.refresh = counted  # type: ignore[attr-defined]
    return reads


def test_continue_starts_the_first_lesson_and_marking_it_complete_raises_the_percent(
    qtbot: QtBot, view: LessonsView, opened: OpenProfile
) -> None:
    click(qtbot, view.library.continue_button)
    qtbot.waitUntil(lambda: view.reader.lesson is not None, timeout=WAIT_MS)
    lesson = view.reader.lesson
    assert lesson is not None and lesson.view.title == "The forgetting curve"
    # "In progress", and the sample notes taken on this lesson: "· Your 2 notes below"
    qtbot.waitUntil(lambda: view.reader.state.text().startswith("In progress"), timeout=WAIT_MS)

    library_reads = reads_of(view.library)
    qtbot.keyClick(view.reader.scroll_area, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.reader.complete_button.text() == "✓ Completed", timeout=WAIT_MS)
    assert [kind for kind, _ in events(opened, lesson.view.lesson_id)] == ["opened", "completed"]
    assert not view.reader.complete_button.isEnabled()
    assert view.library.stale and library_reads == []  # hidden: it reads again when shown

    view.show_library()
    qtbot.waitUntil(lambda: shown(view, LibraryColumn.PROGRESS) == ["12 %"], timeout=WAIT_MS)
    assert view.library.continue_button.text() == "&Continue"
    open_course_outline(qtbot, view)
    first = lesson_id(view, "1.1")
    qtbot.waitUntil(
        lambda: view.outline.model.index_of_lesson(first).siblingAtColumn(1).data() == "Completed",
        timeout=WAIT_MS,
    )
    assert view.outline.continue_button.text().startswith("&Next: The spacing effect")
