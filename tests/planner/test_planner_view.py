"""The Planner view as a learner drives it: the empty state, a plan created in the editor,
today's tasks done from the logs and by a hand tick, opening a task, the ways out applied, the
what-if moving the finish date, and the Today section. On a fixed clock (a Monday in March)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from planner_helpers import add_course, add_deck, add_questions
from planner_ui_helpers import NOW, WAIT_MS, day, fix_clock, make_view, open_context, wait_idle
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.courses.lesson_actions import mark_lesson_complete
from app.core.planner.plan_actions import create_plan
from app.core.planner.plan_reads import plan_settings
from app.core.planner.plans import ScopeSpec
from app.features.declarations import Destination
from app.ui.context import ViewContext
from app.ui.main_window import MainWindow
from app.ui.planner.plan_dialog import PlanDialog, qdate
from app.ui.planner.today_section import PlanTodaySection
from app.ui.planner.view import PlannerView
from app.ui.screen_fit import SMALL_SCREEN, WINDOW_FRAME, fitted_size
from tests.access_keys import clashes


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    return fix_clock(monkeypatch)


@pytest.fixture
def context(qapp: QApplication, data_dir: Path, clock: list[datetime]) -> Iterator[ViewContext]:
    yield from open_context(qapp)


def a_plan(context: ViewContext, lessons: int = 12, minutes: int = 60, days: int = 30) -> str:
    database = context.opened.database
    course, _ids = add_course(database, "Cardiology", lessons, minutes=15)
    return create_plan(
        database, name="Step 1", exam_date=day(days), minutes=[minutes] * 6 + [0], now=NOW,
        scope=[ScopeSpec("course", course)],
    ).plan_id  # fmt: skip


def shown_titles(view: PlannerView) -> list[str]:
    return [task.title for task in view.today_tasks.tree.tasks]


def write_and_wait(qtbot: QtBot, view: PlannerView, context: ViewContext, work: object) -> None:
    before = view.reads
    context.runner.run_write(work, label="test")  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: view.reads > before, timeout=WAIT_MS)
    wait_idle(qtbot, context)


def test_no_plan_says_what_a_plan_does_and_creates_one_in_the_editor(
    qtbot: QtBot, context: ViewContext
) -> None:
    add_course(context.opened.database, "Cardiology", 8, minutes=20)
    view = make_view(qtbot, context)
    assert view.stack.currentIndex() == 0
    assert "exam" in view.empty_text.text() and view.create_button.isVisible()

    view.take_focus()
    qtbot.keyClick(view.create_button, Qt.Key.Key_Space)
    dialog = view.dialog
    assert isinstance(dialog, PlanDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.name, "Step 1")
    dialog.exam.setDate(qdate(day(21)))
    qtbot.waitUntil(lambda: dialog.scope.choices is not None, timeout=WAIT_MS)
    dialog.scope.kind.setCurrentIndex(dialog.scope.kind.findData("course"))
    assert dialog.scope.target.currentText() == "Cardiology"
    dialog.scope.add_button.click()
    assert [row.title for row in dialog.scope.rows] == ["Cardiology"]
    before = view.reads
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: view.reads > before and view.stack.currentIndex() == 1, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    assert view.plans.currentText() == "Step 1 (active)"
    assert "Cardiology 1.1" in shown_titles(view)[0]
    assert "Exam on" in view.summary.text() and "21 days left" in view.summary.text()


def test_bad_settings_keep_the_editor_open_naming_the_field(
    qtbot: QtBot, context: ViewContext
) -> None:
    view = make_view(qtbot, context)
    view.new_plan()
    dialog = view.dialog
    assert dialog is not None
    dialog.name.setText("Boards")
    dialog.exam.setDate(qdate(day(-3)))
    dialog.save_button.click()
    qtbot.waitUntil(dialog.error.isVisible, timeout=WAIT_MS)
    assert dialog.error.text().startswith("Exam date:") and "in the past" in dialog.error.text()
    assert dialog.focusWidget() is dialog.exam or dialog.exam.isAncestorOf(dialog.focusWidget())

    dialog.exam.setDate(qdate(day(20)))
    for spin in dialog.minutes:
        spin.setValue(0)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error.text().startswith("Minutes"), timeout=WAIT_MS)
    assert "0 minutes" in dialog.error.text()
    assert dialog.isVisible() and view.stack.currentIndex() == 0  # nothing was written


def test_the_plan_editor_fits_a_small_laptop_screen_even_at_larger_text(
    qtbot: QtBot, context: ViewContext
) -> None:
    """It asked for 605 px of height at the usual text size (680 at 130 %) and opened with
    its Create Plan button below the screen of an 800 x 600 laptop."""
    assert fitted_size(QSize(462, 680), QSize(462, 538), SMALL_SCREEN) == QSize(462, 570)
    assert fitted_size(QSize(300, 400), QSize(200, 300), SMALL_SCREEN) == QSize(300, 400)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    usual = app.font()
    larger = app.font()
    larger.setPointSizeF(usual.pointSizeF() * 1.3)
    app.setFont(larger)
    try:
        view = make_view(qtbot, context)
        view.new_plan()
        dialog = view.dialog
        assert dialog is not None
        area = dialog.screen().availableGeometry().size()
        assert dialog.height() <= area.height() and dialog.width() <= area.width()
        least = dialog.minimumSizeHint()
        # it can always be made to fit, with the title bar the system adds
        assert least.height() + WINDOW_FRAME.height() <= SMALL_SCREEN.height(), least
        dialog.reject()
    finally:
        app.setFont(usual)


def test_a_lesson_completed_marks_its_task_done_and_a_hand_tick_marks_another(
    qtbot: QtBot, context: ViewContext
) -> None:
    plan_id = a_plan(context)
    view = make_view(qtbot, context)
    tasks = view.today_tasks.tree.tasks
    assert len(tasks) >= 3 and not any(task.done for task in tasks)
    first = tasks[0]
    database = context.opened.database
    write_and_wait(
        qtbot, view, context,
        lambda _p: mark_lesson_complete(database, first.target, NOW + timedelta(minutes=5)),
    )  # fmt: skip
    tasks = view.today_tasks.tree.tasks
    assert tasks[0].key == first.key and tasks[0].done and not tasks[0].ticked
    assert view.today_tasks.tree.topLevelItem(0).text(0) == "Done"

    tree = view.today_tasks.tree
    tree.setFocus()
    tree.setCurrentItem(tree.topLevelItem(1))
    before = view.reads
    qtbot.keyClick(tree, Qt.Key.Key_Space)  # work done outside the app
    qtbot.waitUntil(lambda: view.reads > before, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    second = view.today_tasks.tree.tasks[1]
    assert second.done and second.ticked and tree.topLevelItem(1).text(0) == "Ticked"
    assert view.today_tasks.tick_button.text() == "Undo &Tick"

    tree.setCurrentItem(tree.topLevelItem(0))  # seen done by the app: no hand tick
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    assert "done already" in view.today_tasks.message.text()
    assert plan_settings(database, plan_id).name == "Step 1"


def test_enter_opens_the_task_where_it_belongs(qtbot: QtBot, context: ViewContext) -> None:
    a_plan(context)
    view = make_view(qtbot, context)
    tree = view.today_tasks.tree
    tree.setFocus()
    task = tree.tasks[0]
    with qtbot.waitSignal(context.navigator.requested) as asked:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert asked.args == [Destination.LESSON, (task.target,)]


def test_when_it_does_not_fit_one_click_applies_a_way_out(
    qtbot: QtBot, context: ViewContext
) -> None:
    plan_id = a_plan(context, lessons=80, minutes=30, days=12)  # 20 h of lessons, 5.5 h of time
    view = make_view(qtbot, context)
    schedule = view.state.schedule if view.state else None
    assert schedule is not None and not schedule.fits
    assert view.overflow_banner.isVisible() and "over" in view.overflow_text.text()
    qtbot.keyClick(view.ways_button, Qt.Key.Key_Space)
    assert view.tabs.currentIndex() == 3
    ways = {way.kind: way for way in schedule.ways_out}
    assert "more_minutes" in ways and ways["more_minutes"].fits_after
    buttons = view.fit.apply_buttons
    assert len(buttons) == len(schedule.ways_out)
    index = list(ways).index("more_minutes")
    before = view.reads
    buttons[index].click()
    qtbot.waitUntil(lambda: view.reads > before, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    after = view.state.schedule if view.state else None
    assert after is not None and after.fits and not view.overflow_banner.isVisible()
    assert plan_settings(context.opened.database, plan_id).minutes[0] > 30


def test_the_what_if_slider_moves_the_finish_date(qtbot: QtBot, context: ViewContext) -> None:
    a_plan(context, lessons=40, minutes=60, days=40)  # 10 h of lessons
    view = make_view(qtbot, context)
    view.tabs.setCurrentIndex(3)
    fit = view.fit
    qtbot.waitUntil(lambda: fit.what_if is not None, timeout=WAIT_MS)
    at_60 = fit.what_if
    assert at_60 is not None and at_60.finish_date is not None
    for value in (90, 120, 180):  # quick moves: only the newest answer shows
        fit.slider.setValue(value)
    qtbot.waitUntil(
        lambda: fit.what_if is not None and max(fit.what_if.minutes) == 180, timeout=WAIT_MS
    )
    wait_idle(qtbot, context)
    at_180 = fit.what_if
    assert at_180 is not None and at_180.finish_date is not None
    assert at_180.finish_date < at_60.finish_date
    assert "3 h on each study day" in fit.what_if_text.text()
    assert fit.spin.value() == 180


def test_the_calendar_goes_by_keyboard_and_lists_the_days_tasks(
    qtbot: QtBot, context: ViewContext
) -> None:
    a_plan(context, lessons=40)
    view = make_view(qtbot, context)
    view.take_focus()  # as the view opens: in today's tasks
    qtbot.keyClick(view.today_tasks.tree, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    page = view.calendar_page
    calendar = page.calendar
    assert view.tabs.currentIndex() == 1 and calendar.hasFocus()  # the arrows move the day
    assert calendar.selected == day(0) and "March 2026" in page.month_title.text()
    qtbot.keyClick(calendar, Qt.Key.Key_Right)
    assert calendar.selected == day(1)
    assert page.day_tasks.tree.tasks and "of 1 h" in page.day_title.text()
    assert "planned of" in calendar.accessibleDescription()
    qtbot.keyClick(calendar, Qt.Key.Key_PageDown)
    assert calendar.selected.month == 4 and "April" in page.month_title.text()
    qtbot.keyClick(calendar, Qt.Key.Key_Home)
    assert calendar.selected == day(0)
    page.week_button.click()
    assert calendar.rows() == 1 and page.month_title.text().startswith("Week of")
    assert not page.day_tasks.can_tick() or calendar.selected == day(0)
    qtbot.keyClick(calendar, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # back to Today
    assert view.tabs.currentIndex() == 0 and view.today_tasks.tree.hasFocus()
    view.tabs.tabBar().setFocus()
    qtbot.keyClick(view.tabs.tabBar(), Qt.Key.Key_Right)  # on the tab bar the arrows go on
    assert view.tabs.currentIndex() == 1 and view.tabs.tabBar().hasFocus()


@pytest.mark.timed
def test_the_today_section_lists_todays_tasks_fast(qtbot: QtBot, context: ViewContext) -> None:
    database = context.opened.database
    a_plan(context)
    add_questions(database, "Pathology", 50)
    add_deck(database, "Pharmacology", new=40, studied=200, now=NOW)
    host = QWidget()
    qtbot.addWidget(host)
    section = PlanTodaySection(context, host)
    host.resize(800, 600)
    host.show()
    qtbot.waitUntil(lambda: section.reads > 0, timeout=WAIT_MS)
    assert section.isVisible() and section.heading.text() == "Today's plan: Step 1"
    assert section.tasks.tree.tasks and "days to the exam" in section.line.text()
    times = []
    for _ in range(5):  # the schedule is cached for the day: each read asks only the logs
        before = section.reads
        started = time.perf_counter()
        section.refresh()
        qtbot.waitUntil(lambda b=before: section.reads > b, timeout=WAIT_MS)
        times.append((time.perf_counter() - started) * 1000)
    assert min(times) < 200, times


def test_a_questions_task_opens_a_new_block_of_its_subject(
    qtbot: QtBot, context: ViewContext
) -> None:
    from app.ui.assessments.view import BUILDER, AssessmentsView

    add_questions(context.opened.database, "Pathology", 30, system="Renal")
    add_questions(context.opened.database, "Anatomy", 10)
    view = AssessmentsView(context)
    qtbot.addWidget(view)
    view.show()
    view.open_questions("Pathology", "Renal", 20, "unused")  # before its lists are read
    wait_idle(qtbot, context)
    qtbot.waitUntil(lambda: view.builder.subjects.count() > 0, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    assert view.tabs.currentIndex() == BUILDER
    assert view.builder.subjects.ticked() == ("Pathology",)
    assert view.builder.systems.ticked() == ("Renal",)
    assert view.builder.count.value() == 20


def test_each_alt_key_in_the_planner_and_its_editor_does_what_it_underlines(
    qtbot: QtBot, context: ViewContext
) -> None:
    a_plan(context, lessons=80, minutes=30, days=12)  # does not fit: the ways out are offered
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.show()
    planner_row = window.pages.row_of("Planner")
    window.open_view(planner_row)
    view = window.view_of("Planner")
    assert isinstance(view, PlannerView)
    qtbot.waitUntil(lambda: view.reads > 0, timeout=WAIT_MS)
    wait_idle(qtbot, context)
    assert view.overflow_banner.isVisible()
    for tab in range(view.tabs.count()):
        view.tabs.setCurrentIndex(tab)
        assert clashes(window) == {}, view.tabs.tabText(tab)

    view.tabs.setCurrentIndex(0)
    tree = view.today_tasks.tree
    tree.setFocus()
    tree.setCurrentItem(tree.topLevelItem(0))
    with qtbot.waitSignal(context.navigator.requested) as asked:  # Open the task (Alt+O)
        qtbot.keyClick(tree, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    assert asked.args == [Destination.LESSON, (tree.tasks[0].target,)]
    window.open_view(planner_row)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    assert view.tabs.currentIndex() == 3  # Fit and What-if
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    assert view.tabs.currentIndex() == 1  # Calendar, its Week button beside the ways out
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.calendar_page.week_button.isChecked)  # a button clicks as it shows

    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible())
    dialog = view.dialog
    assert isinstance(dialog, PlanDialog)
    for tab in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(tab)
        assert clashes(dialog) == {}, dialog.tabs.tabText(tab)
    dialog.reject()
