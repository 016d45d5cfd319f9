"""The Planner: the plan to an exam, day by day, re-planned off the GUI thread on any change.

One read (`read_planner`) brings the plans, the chosen plan's settings and its whole schedule;
the tabs show its parts: today's tasks, a month or week calendar with each day's tasks beside
it (`calendar_page.py`), the burn-down, and whether it fits (the ways out and a what-if). With
no plan yet the view says what a plan does and offers to create one.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.features.planner import SHOWS as PLAN_SHOWS
from app.ui.context import ViewContext
from app.ui.planner import common
from app.ui.planner.burn_down import BurnDownChart
from app.ui.planner.calendar_page import CalendarPage
from app.ui.planner.common import day_text, minutes_text, wrapped
from app.ui.planner.fit_panel import FitPanel
from app.ui.planner.plan_dialog import PlanDialog
from app.ui.planner.task_list import TaskPanel
from app.ui.refresh import RefreshOnChange
from app.ui.theme import scale_text

if TYPE_CHECKING:
    from app.core.planner.plan_reads import PlanSummary
    from app.core.planner.plans import PlanSettings
    from app.core.planner.schedule import PlanSchedule, WayOut
    from app.db.database import ProfileDatabase

log = logging.getLogger(__name__)

TODAY_TAB, CALENDAR_TAB, BURN_TAB, FIT_TAB = range(4)

ABOUT_PLANS = (
    "A plan takes you to an exam date. Say when the exam is, how many minutes you can study on "
    "each weekday and what to cover: courses, videos, question subjects and decks. The planner "
    "spreads the work over the days left, leaving room for the flashcard reviews your cards will "
    "need, and every morning it spreads what is left again, so a missed day never breaks it. "
    "Each day's tasks open where you left off, and they are ticked as you do them."
)


@dataclass(frozen=True)
class PlannerState:
    plans: tuple[PlanSummary, ...]
    settings: PlanSettings | None = None
    schedule: PlanSchedule | None = None


def read_planner(database: ProfileDatabase, plan_id: str | None, now: datetime) -> PlannerState:
    """The plans, and the chosen one (else the active, else the first) with its schedule."""
    from app.core.planner.plan_reads import list_plans, plan_settings
    from app.core.planner.schedule import plan_schedule

    plans = list_plans(database)
    if not plans:
        return PlannerState(())
    ids = [plan.id for plan in plans]
    if plan_id not in ids:
        plan_id = next((plan.id for plan in plans if plan.active), ids[0])
    settings = plan_settings(database, plan_id)
    return PlannerState(plans, settings, plan_schedule(database, plan_id, now=now))


def summary_text(schedule: PlanSchedule) -> str:
    left = (schedule.exam_date - schedule.today).days
    days = f"{left} day{'s' if left != 1 else ''} left" if left > 0 else "the exam date has passed"
    text = f"Exam on {day_text(schedule.exam_date)}, {days}."
    if left <= 0:
        return text
    if schedule.fits:
        if schedule.finish_date is not None:
            text += f" It fits: new material done by {day_text(schedule.finish_date)}."
        else:
            text += " It fits: no new material is left."
    else:
        text += f" It does not fit: {minutes_text(schedule.overflow_minutes)} over."
    return text


class PlannerView(RefreshOnChange, QWidget):
    SHOWS = PLAN_SHOWS
    title = "Planner"

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.state: PlannerState | None = None
        self.chosen_id: str | None = None
        self.replan_ms: float | None = None  # how long the last re-plan took, asked to shown
        self.reads = 0  # schedules shown (tests wait on it)
        self._asked_at = 0.0
        self.dialog: PlanDialog | None = None

        self.stack = QStackedWidget()
        self.stack.addWidget(self._empty_page())
        self.stack.addWidget(self._plan_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(self.stack)
        self.stack.setCurrentIndex(0)
        self.listen_for_changes(context.runner)
        self.refresh()

    # --- building -----------------------------------------------------------------------------

    def _empty_page(self) -> QWidget:
        page = QWidget()
        scroll = QScrollArea()  # the words wrap to the width and keep the height they need
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the button, scrolled to
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        heading = QLabel("Plan your study to an exam")
        scale_text(heading, 1.3, bold=True)
        self.empty_heading = heading
        self.empty_text = QLabel(ABOUT_PLANS)
        self.empty_text.setWordWrap(True)
        self.create_button = QPushButton("Create a &Plan…")
        self.create_button.clicked.connect(self.new_plan)
        row = QHBoxLayout()
        row.addWidget(self.create_button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(heading)
        layout.addWidget(self.empty_text)
        layout.addLayout(row)
        layout.addStretch(1)
        return scroll

    def _plan_page(self) -> QWidget:
        page = QWidget()
        self.plans = QComboBox()
        self.plans.setAccessibleName("Plan shown")
        self.plans.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.plans.setMinimumContentsLength(10)
        self.plans.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        plans_label = QLabel("P&lan:")
        plans_label.setBuddy(self.plans)
        self.edit_button = QPushButton("&Edit Plan…")
        self.menu_button = QPushButton("Plan &Menu")
        menu = QMenu(self.menu_button)
        self.new_action = menu.addAction("&New Plan…", self.new_plan)
        self.activate_action = menu.addAction("Make &Active", self.activate)
        self.delete_action = menu.addAction("&Delete Plan…", self.delete)
        self.menu_button.setMenu(menu)
        top = QHBoxLayout()
        top.addWidget(plans_label)
        top.addWidget(self.plans, 1)
        top.addWidget(self.edit_button)
        top.addWidget(self.menu_button)

        self.summary = wrapped()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumWidth(90)
        self.busy.setMaximumHeight(10)
        self.busy.setAccessibleName("Re-planning")
        self.busy.hide()
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary, 1)
        summary_row.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignTop)
        self.notes = wrapped()
        self.notes.hide()
        self.overflow_banner = QFrame()
        self.overflow_banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.overflow_text = wrapped()
        self.ways_button = QPushButton("See the &Ways Out")
        banner = QHBoxLayout(self.overflow_banner)
        banner.setContentsMargins(8, 4, 8, 4)
        banner.addWidget(self.overflow_text, 1)
        banner.addWidget(self.ways_button)
        self.overflow_banner.hide()

        self.today_tasks = TaskPanel(self.context, "Today's tasks")
        self.today_empty = wrapped()
        today_page = QWidget()
        today_layout = QVBoxLayout(today_page)
        today_layout.setContentsMargins(4, 6, 4, 4)
        today_layout.addWidget(self.today_empty)
        today_layout.addWidget(self.today_tasks, 1)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(today_page, "Toda&y")
        self.calendar_page = CalendarPage(
            self.context, lambda: self.state.schedule if self.state else None
        )
        self.tabs.addTab(self.calendar_page, "&Calendar")
        self.burn_down = BurnDownChart()
        self.tabs.addTab(self.burn_down, "&Burn-down")
        self.fit = FitPanel(self.context)
        fit_scroll = QScrollArea()
        fit_scroll.setWidgetResizable(True)
        fit_scroll.setFrameShape(QFrame.Shape.NoFrame)
        fit_scroll.setWidget(self.fit)
        self.tabs.addTab(fit_scroll, "F&it and What-if")

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(summary_row)
        layout.addWidget(self.notes)
        layout.addWidget(self.overflow_banner)
        layout.addWidget(self.tabs, 1)

        self.plans.activated.connect(self._plan_chosen)
        self.edit_button.clicked.connect(self.edit_plan)
        self.ways_button.clicked.connect(lambda: self.tabs.setCurrentIndex(FIT_TAB))
        self.tabs.currentChanged.connect(self._tab_shown)
        self.fit.apply_requested.connect(self.apply_way_out)
        self.fit.minutes_requested.connect(self.use_minutes)
        return page

    # --- reading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        opened, plan_id, when = self.context.opened, self.chosen_id, common.now()
        self._asked_at = time.perf_counter()
        self.busy.show()
        self.context.runner.run_read(
            lambda _p: read_planner(opened.database, plan_id, when),
            label="Re-planning",
            on_done=self._show,
            on_error=self._not_read,
            owner=self,
            latest="plan",
        )

    def _not_read(self, error: UserError) -> None:
        self.busy.hide()
        self.summary.setText(str(error))

    def _show(self, state: PlannerState) -> None:
        self.busy.hide()
        self.state = state
        if state.schedule is None or state.settings is None:
            self.stack.setCurrentIndex(0)
            self.reads += 1
            return
        schedule, settings = state.schedule, state.settings
        self.chosen_id = schedule.plan_id
        self.stack.setCurrentIndex(1)
        self.plans.clear()
        for plan in state.plans:
            self.plans.addItem(f"{plan.name}{' (active)' if plan.active else ''}", plan.id)
        self.plans.setCurrentIndex(max(0, self.plans.findData(schedule.plan_id)))
        self.activate_action.setEnabled(not settings.active)
        self.summary.setText(summary_text(schedule))
        self.notes.setText("\n".join(schedule.notes))
        self.notes.setVisible(bool(schedule.notes))
        self.overflow_banner.setVisible(not schedule.fits)
        if not schedule.fits:
            self.overflow_text.setText(
                f"The work left does not fit before the exam: "
                f"{minutes_text(schedule.overflow_minutes)} over."
            )
        self._show_today(schedule)
        self.calendar_page.show_schedule(schedule)
        self.burn_down.show_points(schedule.burn_down)
        self.fit.show_schedule(schedule, settings.minutes)
        self.replan_ms = (time.perf_counter() - self._asked_at) * 1000
        log.debug("Planner: re-planned and shown in %.0f ms", self.replan_ms)
        self.reads += 1

    def _show_today(self, schedule: PlanSchedule) -> None:
        days = schedule.days
        day = days[0] if days and days[0].date == schedule.today else None
        if day is None:
            first = schedule.days[0].date if schedule.days else None
            self.today_empty.setText(
                f"The plan starts on {day_text(first)}." if first and first > schedule.today
                else "Nothing is planned for today."
            )  # fmt: skip
        elif not day.tasks:
            self.today_empty.setText("Nothing is planned for today: a day off.")
        else:
            self.today_empty.setText(
                f"{minutes_text(day.planned_minutes)} planned today of "
                f"{minutes_text(day.capacity_minutes)}; {minutes_text(day.done_minutes)} done. "
                "Enter opens a task, Space ticks work done outside the app."
            )
        self.today_tasks.show_tasks(schedule.plan_id, day.tasks if day else ())

    def _plan_chosen(self, index: int) -> None:
        plan_id = self.plans.itemData(index)
        if plan_id and plan_id != self.chosen_id:
            self.chosen_id = str(plan_id)
            self.refresh()

    # --- actions ------------------------------------------------------------------------------

    def new_plan(self) -> None:
        self._open_dialog(None)

    def edit_plan(self) -> None:
        if self.state is not None and self.state.settings is not None:
            self._open_dialog(self.state.settings)

    def _open_dialog(self, settings: PlanSettings | None) -> None:
        dialog = PlanDialog(self.context, settings, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._dialog_saved(dialog))
        dialog.open()

    def _dialog_saved(self, dialog: PlanDialog) -> None:
        if dialog.saved_id is not None:
            self.chosen_id = dialog.saved_id

    def _write(self, work: object, label: str) -> None:
        self.context.runner.run_write(work, label=label, owner=self)  # type: ignore[arg-type]

    def activate(self) -> None:
        from app.core.planner.plan_actions import activate_plan

        opened, plan_id, when = self.context.opened, self.chosen_id, common.now()
        if plan_id:
            self._write(lambda _p: activate_plan(opened.database, plan_id, now=when),
                        "Making the plan active")  # fmt: skip

    def delete(self) -> None:
        from app.core.planner.plan_actions import delete_plan

        if self.state is None or self.state.settings is None:
            return
        name = self.state.settings.name
        answer = QMessageBox.question(
            self, "Delete Plan", f"Delete the plan {name!r}? Your work and its logs stay."
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        opened, plan_id, when = self.context.opened, self.state.settings.id, common.now()
        self.chosen_id = None
        self._write(lambda _p: delete_plan(opened.database, plan_id, now=when), "Deleting the plan")

    def apply_way_out(self, way: WayOut) -> None:
        from app.core.planner.plan_actions import apply_way_out

        opened, plan_id, when = self.context.opened, self.chosen_id, common.now()
        if plan_id:
            self._write(lambda _p: apply_way_out(opened.database, plan_id, way, now=when),
                        "Changing the plan")  # fmt: skip

    def use_minutes(self, minutes: tuple[int, ...]) -> None:
        from app.core.planner.plan_actions import update_plan

        opened, plan_id, when = self.context.opened, self.chosen_id, common.now()
        if plan_id:
            self._write(
                lambda _p: update_plan(opened.database, plan_id, now=when, minutes=minutes),
                "Changing the minutes",
            )

    # --- looks and keyboard -------------------------------------------------------------------

    def changeEvent(self, event: object) -> None:
        from PySide6.QtCore import QEvent

        if getattr(event, "type", lambda: None)() == QEvent.Type.PaletteChange:
            self.burn_down.apply_palette(self.palette())
        super().changeEvent(event)  # type: ignore[arg-type]

    def showEvent(self, event: object) -> None:
        self.burn_down.apply_palette(self.palette())
        super().showEvent(event)  # type: ignore[arg-type]

    def _tab_shown(self, tab: int) -> None:
        """A tab chosen by its Alt key or a click: the keyboard goes to what it shows (today's
        tasks, the calendar's days, the chart), not to the control Qt finds next. On the tab bar
        it stays there, where the arrows go on choosing tabs."""
        target = {
            TODAY_TAB: self.today_tasks.tree,
            CALENDAR_TAB: self.calendar_page.calendar,
            BURN_TAB: self.burn_down,
        }.get(tab)
        if target is not None and self.isVisible() and not self.tabs.tabBar().hasFocus():
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def take_focus(self) -> None:
        if self.stack.currentIndex() == 0:
            self.create_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.today_tasks.tree.setFocus(Qt.FocusReason.OtherFocusReason)
