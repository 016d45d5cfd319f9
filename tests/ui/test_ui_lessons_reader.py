"""The lesson reader: the lesson text as a learner sees it, exercises, knowledge checks with
their score in the log, keyboard shortcuts, notes, links and images that never reach out."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from lessons_helpers import (
    WAIT_MS,
    add_course,
    events,
    lesson_id,
    open_course_outline,
    open_legacy_learner,
    open_reader,
    show_view,
)
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextCursor
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_helpers import Gui, click

from app.core.changes import Change
from app.core.opening import OpenProfile
from app.db.models import Note, NoteLink
from app.paths import DataLocations
from app.ui.lessons.lesson_browser import LessonBrowser
from app.ui.lessons.note_dialog import NoteDialog
from app.ui.lessons.view import LessonsView


@pytest.fixture
def learner(locations: DataLocations) -> Iterator[OpenProfile]:
    opened = open_legacy_learner(locations)
    yield opened
    if opened.lock.held:
        opened.close()


@pytest.fixture
def view(qtbot: QtBot, gui: Gui, learner: OpenProfile) -> LessonsView:
    """The reader on lesson 1.1 of "black holes", the one lesson with generated content."""
    shown = show_view(qtbot, gui, learner)
    open_course_outline(qtbot, shown)
    open_reader(qtbot, shown, lesson_id(shown, "1.1"))
    return shown


def blocks(view: LessonsView) -> list[tuple[str, int, bool]]:
    """(text, heading level, is a list item) of each block of the lesson text."""
    found = []
    block = view.reader.browser.document().begin()
    while block.isValid():
        found.append(
            (block.text(), block.blockFormat().headingLevel(), block.textList() is not None)
        )
        block = block.next()
    return found


def test_the_damaged_lesson_reads_with_its_heading_and_list_items_on_their_own_lines(
    qtbot: QtBot, view: LessonsView, learner: OpenProfile
) -> None:
    shown = blocks(view)
    assert shown[0] == ("Newtonian Gravity and its Limitations", 2, False)
    assert not view.reader.title.isVisible()  # the text's own heading is the title
    intro = next(i for i, b in enumerate(shown) if b[0].startswith("Newton's law"))
    assert shown[intro][0].endswith("with a force that is:")
    first_item = shown[intro + 1]
    assert first_item[0].startswith("Directly proportional to the product of their masses:")
    assert first_item[2]
    parts = view.reader.parts
    assert parts is not None and len(parts.exercises) == 3 and len(parts.checks) == 2
    # The visit is its own write, queued once the lesson is shown.
    lesson = lesson_id(view, "1.1")
    qtbot.waitUntil(lambda: bool(events(learner, lesson)), timeout=WAIT_MS)
    assert [kind for kind, _ in events(learner, lesson)] == ["opened"]


def test_a_lesson_without_content_says_so(qtbot: QtBot, view: LessonsView) -> None:
    open_reader(qtbot, view, lesson_id(view, "1.2"))
    assert view.reader.empty.isVisible()
    assert not view.reader.browser.isVisible()
    assert view.reader.title.text() == (
        "1.2  Introduction to Special Relativity: Spacetime and Time Dilation"
    )
    assert view.reader.parts is not None and not view.reader.parts.checks


def test_answering_the_checks_gives_feedback_and_records_the_score(
    qtbot: QtBot, view: LessonsView, learner: OpenProfile
) -> None:
    parts = view.reader.parts
    assert parts is not None
    first, second = parts.checks
    click(qtbot, first.options[0])  # wrong: B is the one that is not a limitation
    qtbot.waitUntil(lambda: first.feedback.isVisible(), timeout=WAIT_MS)
    assert first.feedback.text().startswith("✗ Not quite. The answer is B) It accurately")
    assert first.explanation.isVisible()
    assert all(button.isEnabled() for button in second.options)
    click(qtbot, second.options[2])
    qtbot.waitUntil(lambda: parts.score.isVisible(), timeout=WAIT_MS)
    assert second.feedback.text() == "✓ Correct."
    assert parts.score.text().startswith("You answered 1 of 2 correctly: 50 %")
    qtbot.waitUntil(lambda: "Last score 50 %" in view.reader.state.text(), timeout=WAIT_MS)
    logged = events(learner, lesson_id(view, "1.1"))
    assert [kind for kind, _ in logged] == ["opened", "answered", "answered", "scored"]
    assert logged[-1][1] == 50.0
    open_course_outline(qtbot, view)
    index = view.outline.model.index_of_lesson(lesson_id(view, "1.1"))
    qtbot.waitUntil(lambda: index.siblingAtColumn(2).data() == "50 %", timeout=WAIT_MS)


def test_hints_come_one_at_a_time_and_the_answer_on_request(view: LessonsView) -> None:
    parts = view.reader.parts
    assert parts is not None
    exercise = parts.exercises[0]
    assert exercise.answer_format.text() == "Answer as: Numerical answer in Newtons (N)"
    assert exercise.hint_button.text() == "Show a hint"
    exercise.hint_button.click()
    assert exercise.hints_shown == 1 and exercise.hint_button.text() == "Show another hint (2 left)"
    exercise.hint_button.click()
    exercise.hint_button.click()
    assert exercise.hints_shown == 3 and not exercise.hint_button.isEnabled()
    assert not exercise.solution.isVisible()
    exercise.show_button.click()
    assert exercise.solution.isVisible()
    texts = " ".join(label.text() for label in exercise.solution.findChildren(type(exercise.title)))
    assert "1.982e20" in texts and "Forgetting to square the distance." in texts


def test_keyboard_moves_between_lessons_and_sizes_the_text(qtbot: QtBot, view: LessonsView) -> None:
    reader = view.reader
    target = reader.scroll_area
    size = reader.browser.font().pointSizeF()
    qtbot.keyClick(target, "=", Qt.KeyboardModifier.ControlModifier)
    assert reader.browser.font().pointSizeF() > size
    assert view.context.settings.reader_zoom == 110
    qtbot.keyClick(target, "-", Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(target, "-", Qt.KeyboardModifier.ControlModifier)
    assert reader.browser.font().pointSizeF() < size
    qtbot.keyClick(target, "0", Qt.KeyboardModifier.ControlModifier)
    assert reader.browser.font().pointSizeF() == size

    second = lesson_id(view, "1.2")
    qtbot.keyClick(target, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: reader.lesson is not None and reader.lesson.view.lesson_id == second)
    qtbot.keyClick(target, "[", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reader.lesson is not None and reader.lesson.view.number == "1.1")
    assert not reader.previous_button.isEnabled()
    qtbot.keyClick(target, "]", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reader.lesson is not None and reader.lesson.view.lesson_id == second)
    qtbot.keyClick(target, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reader.complete_button.text() == "✓ Completed", timeout=WAIT_MS)


REMOTE_BODY = {
    "exposition_content": (
        "## Pictures\n\nA remote image: ![a galaxy](https://example.com/galaxy.png)\n\n"
        'Raw HTML: <img src="http://example.com/pixel.gif">\n\n'
        "A local one: ![chart](studydesk-media:{name})\n\n"
        "[Read more](https://example.com/more) or [run](javascript:alert(1))."
    ),
}


def test_remote_images_are_never_requested_and_links_open_outside_only_if_safe(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lessons_helpers import png_bytes

    image = png_bytes()
    name = f"{hashlib.sha256(image).hexdigest()}.png"
    opened.profile.media_dir.mkdir(parents=True, exist_ok=True)
    (opened.profile.media_dir / name).write_bytes(image)
    body = {"exposition_content": REMOTE_BODY["exposition_content"].format(name=name)}
    _course, (lesson,) = add_course(opened, "Galaxies", [body])
    requested: list[str] = []
    original = LessonBrowser.loadResource

    def spy(self: LessonBrowser, kind: int, url: QUrl | str) -> object:
        requested.append(QUrl(url).toString())
        return original(self, kind, url)

    monkeypatch.setattr(LessonBrowser, "loadResource", spy)
    opened_urls: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened_urls.append(url.toString()))
    )
    shown = show_view(qtbot, gui, opened)
    open_reader(qtbot, shown, lesson)
    browser = shown.reader.browser
    browser.document().adjustSize()  # lays out, so images are asked for now
    qtbot.waitUntil(lambda: any(name in url for url in requested), timeout=WAIT_MS)
    assert not [url for url in requested if url.startswith("http")]
    assert browser.refused == []
    text = browser.toPlainText()
    assert "Image (not loaded): a galaxy" in text
    assert '<img src="http://example.com/pixel.gif">' in text  # shown as text, not loaded

    for url in ("https://example.com/more", "mailto:me@example.com", "file:///etc/passwd"):
        browser.anchorClicked.emit(QUrl(url))
    browser.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert opened_urls == ["https://example.com/more", "mailto:me@example.com"]
    assert "javascript" not in browser.toHtml()


def test_add_a_note_quotes_the_selected_text(
    qtbot: QtBot, view: LessonsView, learner: OpenProfile
) -> None:
    browser = view.reader.browser
    found = browser.document().find("Newton's law of universal gravitation")
    browser.setTextCursor(found)
    qtbot.keyClick(
        view.reader.scroll_area,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = view.reader.note_dialog
    assert isinstance(dialog, NoteDialog)
    assert dialog.body.toPlainText().startswith("> Newton's law of universal gravitation")
    assert dialog.title.placeholderText() == "Newtonian Gravity and its Limitations"
    dialog.body.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(dialog.body, "Inverse square!")
    qtbot.keyClicks(dialog.title, "Gravity")
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.reader.notice.text().startswith("Note saved"), timeout=WAIT_MS)
    with learner.database.read_session() as session:
        (note,) = session.scalars(select(Note)).all()
        link = session.scalars(select(NoteLink)).one()
        assert note.title == "Gravity"
        assert note.body == "> Newton's law of universal gravitation\n\nInverse square!"
        assert (link.target_kind, link.target_id) == ("lesson", lesson_id(view, "1.1"))


def test_make_a_flashcard_from_a_check_once(
    qtbot: QtBot, view: LessonsView, learner: OpenProfile
) -> None:
    from sqlalchemy import text

    parts = view.reader.parts
    assert parts is not None
    button = parts.checks[1].card_button
    assert button.isEnabled()
    with qtbot.waitSignal(
        view.context.runner.data_changed,
        check_params_cb=lambda changes, _initiator: bool(changes & Change.CARDS),
        timeout=WAIT_MS,
    ):
        click(qtbot, button)
    assert view.reader.notice.text() == "Flashcard added to the deck “Lessons::black holes”."
    click(qtbot, button)
    qtbot.waitUntil(lambda: "already a flashcard" in view.reader.notice.text(), timeout=WAIT_MS)
    with learner.database.read_session() as session:
        fronts = (
            session.execute(
                text("SELECT front FROM cards WHERE source_kind = 'check' AND deleted_at IS NULL")
            )
            .scalars()
            .all()
        )
    assert len(fronts) == 1 and fronts[0].startswith("What fundamental constant")


def test_the_text_size_setting_reaches_the_reader_and_the_zoom_stays_relative(
    qtbot: QtBot, view: LessonsView, gui: Gui
) -> None:
    reader = view.reader
    before = reader.browser.font().pointSizeF()
    title = view.library.title.font().pointSizeF()
    reader.zoom_in()
    zoomed = reader.browser.font().pointSizeF()
    try:
        gui.appearance.apply_text_size(130)
        qtbot.waitUntil(lambda: reader.browser.font().pointSizeF() > zoomed, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: view.library.title.font().pointSizeF() > title, timeout=WAIT_MS)
        assert reader.zoom == 110
    finally:
        gui.appearance.apply_text_size(100)
        reader.zoom_reset()
    qtbot.waitUntil(lambda: reader.browser.font().pointSizeF() == before, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: view.library.title.font().pointSizeF() == title, timeout=WAIT_MS)
