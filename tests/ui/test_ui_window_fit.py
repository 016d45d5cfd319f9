"""The window as a learner on a small laptop sees it: every view at 800 x 600, light and dark."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest
from fit_helpers import cut_off, items_cut_off
from lessons_helpers import WAIT_MS, lesson_id
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QScreen
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot
from ui_helpers import Gui, click, settle

from app.core.flashcards.queue import QueueCounts
from app.importers.legacy_import import ImportReport
from app.ui.assessments.bank_model import QUESTION
from app.ui.assessments.bank_page import QUESTION_LEAST_CHARACTERS
from app.ui.assessments.view import AssessmentsView
from app.ui.dialogs.forms import WorkDialog
from app.ui.dialogs.import_report import ImportReportDialog
from app.ui.dialogs.profiles import ProfilesDialog
from app.ui.lessons.library_model import LibraryColumn
from app.ui.lessons.view import LessonsView
from app.ui.main_window import MainWindow
from app.ui.notebook.link_panels import LinkChips
from app.ui.review.deck_model import NAME
from app.ui.review.view import ReviewView
from app.ui.screen_fit import SMALL_SCREEN, WINDOW_FRAME
from app.ui.stats.view import StatisticsView
from app.ui.videos.library_model import BOOKMARKS, THUMB, TITLE
from app.ui.videos.view import VideosView
from app.ui.view_registry import VIEWS

TOOLTIP = Qt.ItemDataRole.ToolTipRole

SMALL = (800, 600)  # the smallest laptop screens, less the taskbar
QWIDGETSIZE_MAX = (1 << 24) - 1


def lightness_at_bottom(widget: QWidget) -> float:
    """How light the widget's empty lower part is (0 black, 1 white), as drawn."""
    image = widget.grab().toImage()
    return QColor(image.pixel(image.width() // 2, image.height() - 5)).lightnessF()


def test_switching_to_dark_while_running_darkens_the_sidebar_at_once(
    qtbot: QtBot, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    window.set_theme("light")
    window.show()
    qtbot.waitExposed(window)
    assert lightness_at_bottom(window.sidebar) > 0.8
    window.set_theme("dark")
    qtbot.waitUntil(lambda: lightness_at_bottom(window.sidebar) < 0.3, timeout=2000)
    assert lightness_at_bottom(window.pages.get(0)) < 0.3
    window.set_theme("light")
    qtbot.waitUntil(lambda: lightness_at_bottom(window.sidebar) > 0.8, timeout=2000)


def open_sample_lesson(qtbot: QtBot, window: MainWindow, number: str) -> LessonsView:
    """The Lessons view on this lesson of the sample course."""
    window.sidebar.setCurrentRow(window.pages.row_of("Lessons"))
    view = window.pages.get(window.pages.row_of("Lessons"))
    assert isinstance(view, LessonsView)
    qtbot.waitUntil(lambda: bool(view.library.model.rows), timeout=WAIT_MS)
    view.open_course(view.library.model.rows[0].course_id)
    qtbot.waitUntil(lambda: view.outline.course is not None, timeout=WAIT_MS)
    view.open_lesson(lesson_id(view, number))
    qtbot.waitUntil(
        lambda: view.reader.lesson is not None and view.reader.lesson.view.number == number,
        timeout=WAIT_MS,
    )
    return view


@pytest.mark.parametrize("size", [SMALL, (1280, 860)])
def test_exercise_answers_and_check_options_read_whole_in_the_lesson(
    qtbot: QtBot, make_window: Callable[[], MainWindow], size: tuple[int, int]
) -> None:
    window = make_window()
    window.resize(*size)
    qtbot.waitExposed(window)
    view = open_sample_lesson(qtbot, window, "1.3")
    parts = view.reader.parts
    assert parts is not None and parts.exercises and parts.checks
    for exercise in parts.exercises:
        exercise.show_hint()
        click(qtbot, exercise.show_button)
    parts.checks[0].options[1].click()  # wrong: the right answer is named in full
    qtbot.waitUntil(parts.checks[0].feedback.isVisible, timeout=WAIT_MS)
    settle(qtbot, window)
    solution = parts.exercises[0].solution
    texts = [label.text() for label in solution.findChildren(QLabel)]
    assert "Expected answer" in texts and "Common misconceptions" in texts
    assert cut_off(view) == []


def view_cases() -> list[object]:
    """Every sidebar view, by title."""
    return [spec.title for spec in VIEWS]


@pytest.mark.parametrize(
    ("theme", "text_size"), [("light", 100), ("dark", 100), ("light", 130)], indirect=["text_size"]
)
@pytest.mark.parametrize("title", view_cases())
def test_every_view_fits_800_by_600_without_squeezing_the_sidebar(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    theme: str,
    text_size: int,
    title: str,
    tmp_path: Path,
) -> None:
    window = make_window()
    window.set_theme(theme)
    window.resize(*SMALL)
    qtbot.waitExposed(window)
    sidebar = window.sidebar.width()
    hint = window.sidebar.sizeHintForColumn(0)
    assert sidebar >= window.sidebar.minimumWidth() >= hint
    row = window.pages.row_of(title)
    window.sidebar.setCurrentRow(row)
    view = window.pages.get(row)
    qtbot.waitUntil(view.isVisible, timeout=WAIT_MS)
    settle(qtbot, window)
    window.grab().save(str(tmp_path / f"{theme}-{text_size}-{title}.png"))  # to look at
    assert window.width() <= SMALL[0], f"{title} widens the window to {window.width()}"
    assert window.sidebar.width() == sidebar, f"{title} squeezes the sidebar"
    assert window.sidebar.viewport().width() >= hint, f"{title}: sidebar text is cut"
    assert view.minimumSizeHint().width() <= view.width()
    assert cut_off(view) == []
    if isinstance(view, ReviewView):
        assert items_cut_off(view.decks.tree, NAME, as_shown=True) == []  # long ones elided
        bar = view.pane.counts  # "All decks" on one line, not "All" over "decks"
        assert bar.deck.text() == "All decks"
        for counts in (bar.current, QueueCounts(), QueueCounts(120, 30, 999)):  # its room varies
            bar.show_counts("All decks", counts)
            qtbot.wait(10)  # the bar lays out again
            deck = bar.deck
            lines = deck.heightForWidth(deck.width()), deck.heightForWidth(QWIDGETSIZE_MAX)
            assert lines[0] == lines[1], f"{counts}: {deck.width()} px"
    if isinstance(view, LessonsView):
        assert items_cut_off(view.library.table, LibraryColumn.TOPIC) == []
    if isinstance(view, VideosView):  # the sample video's title, beside its thumbnail
        table = view.library.table
        assert table.model().rowCount() == 1
        assert items_cut_off(table, TITLE, beside=THUMB.width() + 8) == []
        bookmarks = table.model().headerData(BOOKMARKS, Qt.Orientation.Horizontal, TOOLTIP)
        assert bookmarks == "Bookmarks"
    if title == "Notebook":  # the sample note's link chips whole, above their scroll bar
        links = view.findChild(LinkChips)
        assert links is not None
        strip, chips = links.strip, links.chips()
        assert len(chips) == 2
        assert all(chip.height() <= strip.viewport().height() for chip in chips)
    if isinstance(view, AssessmentsView):  # the question's start is read; the rest scrolls
        table = view.bank.table
        least = table.fontMetrics().averageCharWidth() * QUESTION_LEAST_CHARACTERS
        assert table.columnWidth(QUESTION) >= least
        assert table.columnWidth(QUESTION) == max(
            least,
            table.viewport().width()
            - sum(
                table.columnWidth(c) for c in range(table.model().columnCount()) if c != QUESTION
            ),
        )


@pytest.mark.parametrize(
    ("theme", "text_size"), [("light", 100), ("dark", 100), ("light", 130)], indirect=["text_size"]
)
def test_the_lesson_pages_and_the_answer_side_of_review_fit_800_by_600(
    qtbot: QtBot, make_window: Callable[[], MainWindow], theme: str, text_size: int, tmp_path: Path
) -> None:
    window = make_window()
    window.set_theme(theme)
    window.resize(*SMALL)
    qtbot.waitExposed(window)
    lessons = open_sample_lesson(qtbot, window, "1.3")
    for exercise in lessons.reader.parts.exercises:  # type: ignore[union-attr]
        exercise.show_button.click()
    settle(qtbot, window)
    window.grab().save(str(tmp_path / f"{theme}-lesson.png"))
    assert window.width() <= SMALL[0] and cut_off(lessons) == []
    # The page ends where the lesson does: no screenful of blank page to scroll through after
    # its last part (it was as tall as the lesson would be at the column's narrowest).
    page, room = lessons.reader.scroll_area.widget(), lessons.reader.scroll_area.viewport()
    assert page.height() == max(room.height(), page.heightForWidth(page.width()))
    # What the reader says (a flashcard made, and in which deck) reads on a line or two, not
    # in a narrow column between the buttons, six lines tall, taking the lesson's room.
    check = lessons.reader.parts.checks[0]  # type: ignore[union-attr]
    lesson_room = room.height()
    check.card_button.click()
    notice = lessons.reader.notice
    qtbot.waitUntil(lambda: notice.text().startswith("Flashcard added"), timeout=WAIT_MS)
    settle(qtbot, window)
    lines = notice.heightForWidth(notice.width()) // notice.fontMetrics().lineSpacing()
    assert lines <= 2, notice.text()
    spacing = lessons.reader.layout().spacing()
    assert lesson_room - room.height() <= 2 * notice.fontMetrics().lineSpacing() + spacing
    assert cut_off(lessons) == []
    lessons.open_course(lessons.outline.course_id or "")
    qtbot.waitUntil(lambda: lessons.pages.currentWidget() is lessons.outline, timeout=WAIT_MS)
    # The outline's figures (and its "Continue: <lesson>" button) come by a read of their own,
    # and the layout follows a new text on the next pass: wait for it, then check it fits.
    settled = lambda: window.width() <= SMALL[0] and cut_off(lessons) == []  # noqa: E731
    with contextlib.suppress(WaitTimeout):  # the assert below says what is cut
        qtbot.waitUntil(settled, timeout=3000)
    window.grab().save(str(tmp_path / f"{theme}-outline.png"))
    assert window.width() <= SMALL[0] and cut_off(lessons) == []

    window.sidebar.setCurrentRow(window.pages.row_of("Review"))
    review = window.pages.get(window.pages.row_of("Review"))
    assert isinstance(review, ReviewView)
    qtbot.waitUntil(lambda: review.pane.card is not None, timeout=WAIT_MS)
    review.pane.show_answer()
    settle(qtbot, window)
    window.grab().save(str(tmp_path / f"{theme}-review-answer.png"))
    assert window.width() <= SMALL[0] and cut_off(review) == []


@pytest.mark.parametrize("text_size", [130], indirect=True)
def test_statistics_says_it_is_calculating_at_800_by_600_without_cutting_a_word(
    qtbot: QtBot, make_window: Callable[[], MainWindow], gui: Gui, text_size: int
) -> None:
    window = make_window()
    window.resize(*SMALL)
    qtbot.waitExposed(window)
    gui.runner.hold_reads()  # the figures take a while on a large profile: hold them
    row = window.pages.row_of("Statistics")
    window.sidebar.setCurrentRow(row)
    view = window.pages.get(row)
    qtbot.waitUntil(view.isVisible, timeout=WAIT_MS)
    qtbot.wait(50)  # the layouts settle
    assert isinstance(view, StatisticsView)
    assert view.reviews_chart.isVisible()
    assert view.reviews_chart.chart_.title() == "Reviews per day: calculating…"
    assert cut_off(view) == []
    gui.runner.release_reads()
    qtbot.waitUntil(lambda: "calculating" not in view.reviews_chart.chart_.title(), timeout=WAIT_MS)
    assert view.empty.text().startswith("<h3>No reviews yet")


@pytest.mark.parametrize("text_size", [130], indirect=True)
@pytest.mark.parametrize("title", view_cases())
def test_every_view_fits_800_by_600_while_its_first_read_is_still_on_its_way(
    qtbot: QtBot, make_window: Callable[[], MainWindow], gui: Gui, text_size: int, title: str
) -> None:
    """A large profile's reads take a while: what a view says meanwhile ("Loading…") reads
    whole too, at the larger text size."""
    window = make_window()
    window.resize(*SMALL)
    qtbot.waitExposed(window)
    gui.runner.hold_reads()
    row = window.pages.row_of(title)
    window.sidebar.setCurrentRow(row)
    view = window.pages.get(row)
    qtbot.waitUntil(view.isVisible, timeout=WAIT_MS)
    qtbot.wait(50)  # the layouts settle
    assert window.width() <= SMALL[0], f"{title} widens the window to {window.width()}"
    assert cut_off(view) == []
    gui.runner.release_reads()


@pytest.mark.parametrize("text_size", [100, 130], indirect=True)
def test_the_small_forms_show_their_fields_hints_whole(
    qtbot: QtBot, make_window: Callable[[], MainWindow], text_size: int
) -> None:
    """New Profile's "For example, your first name" and New Deck's "For example, Spanish or
    Biology::Cells" ended in "…" at 130 %: the forms kept their 380 px of the usual size."""
    window = make_window()
    window.resize(*SMALL)
    qtbot.waitExposed(window)
    window.manage_profiles()
    profiles = window.dialog
    assert isinstance(profiles, ProfilesDialog)
    profiles.create_profile()
    review = window.pages.get(window.pages.row_of("Review"))
    assert isinstance(review, ReviewView)
    review.decks.new_deck()
    for form in (profiles.form, review.decks.dialog):
        assert isinstance(form, WorkDialog)
        qtbot.waitExposed(form)
        assert form.width() <= SMALL[0]
        assert cut_off(form) == [], form.windowTitle()
        form.reject()


@pytest.mark.parametrize(
    ("theme", "text_size"), [("light", 100), ("dark", 100), ("light", 130)], indirect=["text_size"]
)
def test_statistics_with_a_review_fits_800_by_600(
    qtbot: QtBot, make_window: Callable[[], MainWindow], theme: str, text_size: int, tmp_path: Path
) -> None:
    """The retention table read "Yeste…" and "Last …" three times (7, 30 or 365 days?) under a
    cut "Retention" at 130 %: half the page's width is too little for its four columns then."""
    window = make_window()
    window.set_theme(theme)
    window.resize(*SMALL)
    qtbot.waitExposed(window)
    window.sidebar.setCurrentRow(window.pages.row_of("Review"))
    review = window.pages.get(window.pages.row_of("Review"))
    assert isinstance(review, ReviewView)
    qtbot.waitUntil(lambda: review.pane.card is not None, timeout=WAIT_MS)
    review.pane.show_answer()
    with qtbot.waitSignal(review.pane.step_shown, timeout=WAIT_MS):
        review.pane.answer(3)
    window.sidebar.setCurrentRow(window.pages.row_of("Statistics"))
    view = window.pages.get(window.pages.row_of("Statistics"))
    assert isinstance(view, StatisticsView)
    table = view.retention_table
    qtbot.waitUntil(lambda: table.rowCount() == 5 and table.isVisible(), timeout=WAIT_MS)
    settle(qtbot, window)
    window.grab().save(str(tmp_path / f"{theme}-{text_size}-statistics.png"))
    assert window.width() <= SMALL[0] and cut_off(view) == []
    for column in range(table.columnCount()):
        assert items_cut_off(table, column) == []
        header = table.horizontalHeader()
        assert header.sectionSize(column) >= header.sectionSizeHint(column), column
    assert table.horizontalScrollBar().maximum() == 0  # nothing hidden sideways


@pytest.mark.parametrize("text_size", [100, 130], indirect=True)
def test_the_import_report_opens_within_a_small_laptop_screen(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    gui: Gui,
    text_size: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It opened 540 px tall whatever the screen: with its title bar, 10 px more than an
    800 x 600 screen leaves above its taskbar, its Close button half under the taskbar."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(QPoint(), SMALL_SCREEN))
    window = make_window()
    report = ImportReportDialog(gui.runner, ImportReport(), "Imported", window)
    qtbot.addWidget(report)
    assert report.width() + WINDOW_FRAME.width() <= SMALL_SCREEN.width()
    assert report.height() + WINDOW_FRAME.height() <= SMALL_SCREEN.height()
    report.show()
    qtbot.waitExposed(report)
    assert cut_off(report) == []


@pytest.mark.parametrize("text_size", [100, 130], indirect=True)
def test_the_window_opens_as_wide_as_its_views_need_on_a_small_laptop(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    text_size: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On an 800 px screen it opened 720 px wide (90 % of it) and grew as the learner went
    from view to view, to 779 px at 130 % text (Review, Cards…): past the screen's right edge
    once placed a little way in."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(QPoint(), SMALL_SCREEN))
    window = make_window()
    qtbot.waitExposed(window)
    opened_at = window.size()
    assert opened_at.width() + WINDOW_FRAME.width() <= SMALL_SCREEN.width()
    assert opened_at.height() + WINDOW_FRAME.height() <= SMALL_SCREEN.height()
    for spec in VIEWS:
        row = window.pages.row_of(spec.title)
        window.sidebar.setCurrentRow(row)
        view = window.pages.get(row)
        qtbot.waitUntil(view.isVisible, timeout=WAIT_MS)
        settle(qtbot, window)
        assert window.size() == opened_at, f"{spec.title} resizes the window to {window.size()}"
        assert cut_off(view) == [], spec.title
