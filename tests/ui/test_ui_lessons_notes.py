"""The notes a learner takes from a lesson are listed on the lesson page, newest first."""

from __future__ import annotations

from lessons_helpers import WAIT_MS, lesson_id, open_course_outline, open_reader, show_view
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, click

from app.core.courses import lesson_actions
from app.core.opening import OpenProfile
from app.ui.lessons.note_dialog import NoteDialog
from app.ui.lessons.view import LessonsView


def save_note(qtbot: QtBot, view: LessonsView, selected: str, text: str, title: str) -> None:
    """Select `selected` in the lesson text (if any), Ctrl+Shift+N, write, Save."""
    browser = view.reader.browser
    found = browser.document().find(selected) if selected else QTextCursor(browser.document())
    assert not found.isNull()
    browser.setTextCursor(found)
    view.activateWindow()  # back from the last note's dialog: window shortcuts need it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view, timeout=WAIT_MS)
    qtbot.keyClick(
        view.reader.scroll_area,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = view.reader.note_dialog
    assert isinstance(dialog, NoteDialog)
    qtbot.keyClicks(dialog.body, text)
    qtbot.keyClicks(dialog.title, title)
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        click(qtbot, dialog.save_button)


def shown_notes(view: LessonsView) -> list[tuple[str, str, str]]:
    """(title, quote, text) of each note the lesson lists, top to bottom."""
    return [
        (
            box.title.text(),
            box.quote.text() if box.quote is not None else "",
            box.text.text() if box.text is not None else "",
        )
        for box in view.reader.notes.boxes
        if box.isVisible()
    ]


def test_notes_saved_from_a_lesson_are_listed_on_it_newest_first(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view = show_view(qtbot, gui, opened)
    open_course_outline(qtbot, view)
    first, second = lesson_id(view, "1.3"), lesson_id(view, "1.2")
    open_reader(qtbot, view, first)
    reader = view.reader
    qtbot.waitUntil(lambda: reader.notes.lesson_id == first, timeout=WAIT_MS)
    assert not reader.notes.heading.isVisible() and shown_notes(view) == []
    exercise = reader.parts.exercises[0] if reader.parts else None
    assert exercise is not None
    qtbot.keyClicks(exercise.answer, "curve, spacing, testing")

    save_note(qtbot, view, "testing effect", "Test myself first.", "Recall")
    qtbot.waitUntil(lambda: len(shown_notes(view)) == 1, timeout=WAIT_MS)
    assert reader.notes.heading.isVisible()
    assert shown_notes(view) == [("Recall", "“testing effect”", "Test myself first.")]
    save_note(qtbot, view, "", "Spacing beats cramming.", "")
    qtbot.waitUntil(lambda: len(shown_notes(view)) == 2, timeout=WAIT_MS)
    title = reader.lesson.view.title if reader.lesson else ""
    assert shown_notes(view)[0] == (title, "", "Spacing beats cramming.")
    assert "Your 2 notes" in reader.state.text()
    # Saving a note does not read the lesson again: what the learner wrote is still there.
    assert reader.parts is not None and reader.parts.exercises[0] is exercise
    assert exercise.answer.toPlainText() == "curve, spacing, testing"

    # Another lesson lists only its own; a note written elsewhere (the command line) shows
    # when the lesson is opened again.
    open_reader(qtbot, view, second)
    qtbot.waitUntil(lambda: reader.notes.lesson_id == second, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not reader.notes.heading.isVisible(), timeout=WAIT_MS)
    assert shown_notes(view) == [] and "note" not in reader.state.text()
    lesson_actions.add_lesson_note(opened.database, first, "From the terminal", "Typed elsewhere.")
    open_reader(qtbot, view, first)
    qtbot.waitUntil(lambda: len(shown_notes(view)) == 3, timeout=WAIT_MS)
    assert shown_notes(view)[0] == ("From the terminal", "", "Typed elsewhere.")
    reader.go_to_notes()
    assert reader.scroll_area.verticalScrollBar().value() > 0
