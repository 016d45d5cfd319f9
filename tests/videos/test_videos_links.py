"""A video goes with a course or one of its lessons: the choices read through core (numbered as
the outline numbers them), set with the other details in one write, shown in the library row and
searched; set from the details dialog (Ctrl+E) in the real view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.core.courses.course_reads import course_outline
from app.core.videos.library import LibraryQuery, library
from app.core.videos.library_actions import Categories, VideoLink, link_video, set_categories
from app.core.videos.links import link_choices
from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.videos import details_dialog
from app.ui.videos.library_model import TITLE
from app.ui.videos.view import VideosView

COURSE = "How to study with spaced repetition"


def test_the_choices_are_the_courses_with_their_lessons_numbered_as_in_the_outline(
    context: ViewContext,
) -> None:
    database = context.opened.database
    (course,) = link_choices(database)
    assert course.title == COURSE
    outline = course_outline(database, course.id)
    assert outline is not None
    expected = [(x.lesson_id, x.number, x.title) for m in outline.modules for x in m.lessons]
    assert [(x.id, x.number, x.title) for x in course.lessons] == expected


def test_a_link_is_set_with_the_details_shown_searched_and_cleared(context: ViewContext) -> None:
    database = context.opened.database
    (sample,) = library(database).rows
    assert sample.link_text is None
    (course,) = link_choices(database)
    lesson = course.lessons[1]
    set_categories(
        database, sample.id, Categories("Study skills"), link=VideoLink(lesson_id=lesson.id)
    )
    (row,) = library(database).rows
    assert (row.course_id, row.lesson_id) == (course.id, lesson.id)  # the lesson's course too
    assert row.link_text == f"{COURSE} › {lesson.title}"
    assert row.subject == "Study skills"
    assert library(database, LibraryQuery(search="spacing effect")).rows == (row,)
    set_categories(database, sample.id, Categories(), link=VideoLink(course_id=course.id))
    assert library(database).rows[0].link_text == COURSE
    set_categories(database, sample.id, Categories())  # no link given: the link stays
    assert library(database).rows[0].link_text == COURSE
    link_video(database, sample.id)  # neither: unlinked
    assert library(database).rows[0].link_text is None
    with pytest.raises(UserError, match="no longer exists"):
        set_categories(database, sample.id, Categories("Changed"), link=VideoLink(lesson_id="gone"))
    assert library(database).rows[0].subject is None  # nothing was written


def test_ctrl_e_links_the_video_to_a_lesson_and_the_row_shows_it(
    qtbot: QtBot, view: VideosView, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def choose_lesson(dialog: QDialog) -> int:
        assert isinstance(dialog, details_dialog.DetailsDialog)
        seen.append(dialog.link.currentText())
        at = dialog.link.findText("1.2", Qt.MatchFlag.MatchContains)
        assert at > 0
        dialog.link.setCurrentIndex(at)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(details_dialog.DetailsDialog, "exec", choose_lesson)
    table = view.library.table
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    model = view.library.model
    qtbot.waitUntil(lambda: model.rows[0].lesson_id is not None, timeout=10_000)
    assert seen == [details_dialog.NOT_LINKED]
    title = model.data(model.index(0, TITLE))
    assert title == f"Welcome to Videos\n{COURSE} › The spacing effect"
    assert f"Course: {COURSE} › The spacing effect" in model.data(
        model.index(0, TITLE), Qt.ItemDataRole.ToolTipRole
    )

    # Opened again, the dialog shows the lesson chosen.
    qtbot.keyClick(table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen[1].strip().startswith("1.2")
