"""The keyboard alone: Tab reaches every control of every view in reading order, Enter opens
what is selected, and in Review the keys that answer keep working whatever Tab reached."""

from __future__ import annotations

from lessons_helpers import WAIT_MS, lesson_id, open_reader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTextEdit,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.ui.cards.view import CardBrowserView
from app.ui.lessons.view import LessonsView
from app.ui.main_window import MainWindow
from app.ui.review.view import ReviewView


def name_of(widget: QWidget) -> str:
    """What a learner reads on (or in) the control."""
    if isinstance(widget, QAbstractButton) and widget.text():
        return " ".join(widget.text().replace("&", "").split())
    if isinstance(widget, QLineEdit):
        return widget.placeholderText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QPlainTextEdit) and widget.placeholderText():
        return widget.placeholderText()
    return widget.accessibleName() or type(widget).__name__


def inside_item_view(widget: QWidget, view: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not view:
        if isinstance(parent, QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False


def controls(view: QWidget) -> list[QWidget]:
    """The controls on screen in the view that a mouse could use: each must be reachable."""
    found = []
    for widget in view.findChildren(QWidget):
        if not (widget.isVisible() and widget.isEnabled()):
            continue
        if inside_item_view(widget, view):
            continue  # an item view's own header, viewport and scroll bars
        group = widget.group() if isinstance(widget, QRadioButton) else None
        if group is not None and widget is not (group.checkedButton() or group.buttons()[0]):
            continue  # one stop per group of choices; the arrows move within it
        if isinstance(widget, QTextEdit) and widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue  # a card's text on display
        kinds = (
            QAbstractButton,
            QLineEdit,
            QComboBox,
            QAbstractItemView,
            QPlainTextEdit,
            QTextEdit,
        )
        if isinstance(widget, kinds):
            found.append(widget)
    return found


def tab_through(qtbot: QtBot, window: MainWindow, view: QWidget) -> list[QWidget]:
    """Tab from the sidebar through the view until the sidebar has the focus again."""
    window.sidebar.setFocus()
    qtbot.waitUntil(window.sidebar.hasFocus, timeout=WAIT_MS)
    stops: list[QWidget] = []
    for _ in range(80):
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        if focus is window.sidebar:
            return stops
        assert focus is not None and view.isAncestorOf(focus), f"Tab left the view: {focus}"
        assert focus not in stops, f"Tab is caught in {name_of(focus)}: {[*map(name_of, stops)]}"
        stops.append(focus)
    raise AssertionError(f"Tab never came back to the sidebar: {[*map(name_of, stops)]}")


def show(qtbot: QtBot, window: MainWindow, title: str) -> QWidget:
    row = window.pages.row_of(title)
    window.sidebar.setCurrentRow(row)
    view = window.pages.get(row)
    qtbot.waitUntil(view.isVisible, timeout=WAIT_MS)
    qtbot.wait(100)  # its first read arrives
    return view


def assert_reading_order(qtbot: QtBot, window: MainWindow, view: QWidget, names: list[str]):
    stops = tab_through(qtbot, window, view)
    assert [name_of(stop) for stop in stops] == names
    unreached = [name_of(widget) for widget in controls(view) if widget not in stops]
    assert unreached == []


def test_tab_reaches_today_statistics_and_the_library_in_reading_order(
    qtbot: QtBot, window: MainWindow
) -> None:
    today = show(qtbot, window, "Today")
    qtbot.waitUntil(lambda: window.today_sections[0].isVisible(), timeout=WAIT_MS)
    assert_reading_order(qtbot, window, today, ["Start", "Start Review", "Remove Sample Content"])
    stats = show(qtbot, window, "Statistics")
    assert_reading_order(qtbot, window, stats, ["Whole profile", "Last 30 days"])
    lessons = show(qtbot, window, "Lessons")
    assert isinstance(lessons, LessonsView)
    qtbot.waitUntil(lambda: bool(lessons.library.model.rows), timeout=WAIT_MS)
    # The course list lets Tab go on: the arrows move in it.
    assert_reading_order(
        qtbot, window, lessons, ["Search courses", "Last studied", "Start", "Courses"]
    )


def test_tab_reaches_every_part_of_a_lesson_before_the_buttons_below_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    lessons = show(qtbot, window, "Lessons")
    assert isinstance(lessons, LessonsView)
    qtbot.waitUntil(lambda: bool(lessons.library.model.rows), timeout=WAIT_MS)
    lessons.open_course(lessons.library.model.rows[0].course_id)
    qtbot.waitUntil(lambda: lessons.outline.course is not None, timeout=WAIT_MS)
    assert_reading_order(
        qtbot, window, lessons, ["Start: The forgetting curve", "Modules and lessons"]
    )
    open_reader(qtbot, lessons, lesson_id(lessons, "1.3"))  # the lesson shown before may stay
    parts = lessons.reader.parts
    assert parts is not None
    qtbot.waitUntil(lambda: parts.isVisible() and parts.last_control() is not None, timeout=WAIT_MS)
    first_options = [check.options[0] for check in lessons.reader.parts.checks]  # type: ignore[union-attr]
    assert_reading_order(
        qtbot,
        window,
        lessons,
        [
            "Lesson",
            "Lesson text",
            "Your answer (for you only; it is not saved)",
            "Show a hint",
            "Show answer",
            name_of(first_options[0]),
            "Make a flashcard",
            name_of(first_options[1]),
            "Make a flashcard",
            "‹ Previous",
            "Next ›",
            "Add a Note…",
            "Mark Complete",
        ],
    )


def test_tab_reaches_the_card_tools_and_answers_keep_working(
    qtbot: QtBot, window: MainWindow
) -> None:
    review = show(qtbot, window, "Review")
    assert isinstance(review, ReviewView)
    pane = review.pane
    qtbot.waitUntil(lambda: pane.card is not None, timeout=WAIT_MS)
    front = ["Decks", "Study", "Deck", "Add Card", "Card", "Review card"]
    assert_reading_order(qtbot, window, review, [*front, "Show Answer"])

    # Tab onto Show Answer: Space shows the answer and the focus stays with the pane, not on
    # an answer button that Space would press.
    pane.setFocus()
    while QApplication.focusWidget() is not pane.show_button:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(pane.show_button, Qt.Key.Key_Space)
    assert pane.showing_back
    focus = QApplication.focusWidget()
    assert focus is pane
    assert_reading_order(qtbot, window, review, [*front, "Again", "Hard", "Good", "Easy"])

    # Answering with a key works wherever Tab left the focus in the pane.
    answers = pane.answers.buttons
    answers[2].setFocus(Qt.FocusReason.TabFocusReason)
    card = pane.card
    with qtbot.waitSignal(pane.step_shown, timeout=WAIT_MS):
        qtbot.keyClick(answers[2], Qt.Key.Key_3)
    assert not pane.showing_back and pane.card is not None and pane.card.id != card.id  # type: ignore[union-attr]
    assert QApplication.focusWidget() is pane
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    assert pane.showing_back


def test_tab_reaches_the_filters_actions_table_and_editor_of_cards(
    qtbot: QtBot, window: MainWindow
) -> None:
    cards = show(qtbot, window, "Cards")
    assert isinstance(cards, CardBrowserView)
    qtbot.waitUntil(lambda: cards.model.rowCount() > 0, timeout=WAIT_MS)
    cards.select_rows([0])
    qtbot.waitUntil(lambda: cards.editor.card_id is not None, timeout=WAIT_MS)
    bar = cards.toolbar
    buttons = [bar.widgetForAction(action) for action in cards.actions_.toolbar()]
    buttons.append(bar.findChild(QToolButton, "qt_toolbar_ext_button"))
    tools = [name_of(b) for b in buttons if b is not None and b.isVisible() and b.isEnabled()]
    stops = tab_through(qtbot, window, cards)
    names = [name_of(stop) for stop in stops]
    filters = ["Search front and back…", "All decks", "Tags", "Any state", "Any due date"]
    assert names[:6] == [*filters, "Any flag"]
    assert names[6:] == [
        *tools, "Cards", "Note on This Card…", "Front (Markdown)", "Back (Markdown)",
        "tag one, tag two",
    ]  # fmt: skip
    assert [name_of(w) for w in controls(cards) if w not in stops] == []
    # In a small window the actions that do not fit are one Tab away, behind ».
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800, timeout=WAIT_MS)
    qtbot.wait(50)
    stops = tab_through(qtbot, window, cards)
    assert "More actions" in [name_of(stop) for stop in stops]
    assert [name_of(w) for w in controls(cards) if w not in stops] == []


def test_enter_opens_the_selected_course_from_the_search_box_and_from_the_sidebar(
    qtbot: QtBot, window: MainWindow
) -> None:
    lessons = show(qtbot, window, "Lessons")
    assert isinstance(lessons, LessonsView)
    library = lessons.library
    qtbot.waitUntil(lambda: bool(library.model.rows), timeout=WAIT_MS)
    # Tab from the sidebar lands in the search box: Enter opens the selected course.
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is library.search
    qtbot.keyClick(library.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lessons.pages.currentWidget() is lessons.outline, timeout=WAIT_MS)
    lessons.show_library()

    # A search just typed runs first; Enter then opens what it found.
    qtbot.keyClicks(library.search, "spaced")
    qtbot.keyClick(library.search, Qt.Key.Key_Return)
    assert lessons.pages.currentWidget() is library
    qtbot.waitUntil(lambda: library.table.hasFocus(), timeout=WAIT_MS)
    qtbot.keyClick(library.table, Qt.Key.Key_Return)
    assert lessons.pages.currentWidget() is lessons.outline
    lessons.show_library()

    # Enter on the sidebar's title, or View > Lessons (Ctrl+2), puts the keyboard in the list.
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is library.table
    window.sidebar.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is library.table
    qtbot.keyClick(library.table, Qt.Key.Key_Return)
    assert lessons.pages.currentWidget() is lessons.outline
