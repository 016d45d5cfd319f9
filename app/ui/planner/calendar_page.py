"""The Planner's Calendar tab: a month (or a week) of the plan's days, each day's planned and
done minutes, and beside it the tasks of the day chosen (ticked only on today)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from app.ui.context import ViewContext
from app.ui.planner.calendar import DayFigures, PlanCalendar, _add_months
from app.ui.planner.common import day_text, minutes_text, wrapped
from app.ui.planner.task_list import TaskPanel

if TYPE_CHECKING:
    from app.core.planner.schedule import PlanSchedule


def day_figures(schedule: PlanSchedule) -> dict[date, DayFigures]:
    figures = {
        past.date: DayFigures(past.date, past.capacity_minutes, day_off=past.day_off, past=True)
        for past in schedule.history
    }
    for day in schedule.days:
        figures[day.date] = DayFigures(
            day.date, day.capacity_minutes, day.planned_minutes, day.done_minutes,
            day.overflow_minutes, day.day_off, day.final_period,
        )  # fmt: skip
    figures[schedule.exam_date] = DayFigures(schedule.exam_date, 0, exam=True)
    return figures


class CalendarPage(QWidget):
    """`schedule_of()`: the schedule the view shows now (None while it shows no plan)."""

    def __init__(
        self,
        context: ViewContext,
        schedule_of: Callable[[], PlanSchedule | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._schedule_of = schedule_of
        self.calendar = PlanCalendar()
        self.previous_button = QToolButton()
        self.previous_button.setText("‹")
        self.previous_button.setAccessibleName("Previous month")
        self.previous_button.setToolTip("Previous month or week (Page Up)")
        self.next_button = QToolButton()
        self.next_button.setText("›")
        self.next_button.setAccessibleName("Next month")
        self.next_button.setToolTip("Next month or week (Page Down)")
        self.month_title = QLabel()
        self.today_button = QPushButton("To&day")
        self.week_button = QPushButton("Wee&k")
        self.week_button.setCheckable(True)
        self.week_button.setToolTip("Show one week instead of the month")
        controls = QHBoxLayout()
        controls.addWidget(self.previous_button)
        controls.addWidget(self.month_title, 1)
        controls.addWidget(self.next_button)
        controls.addWidget(self.today_button)
        controls.addWidget(self.week_button)
        self.day_title = wrapped()
        font = self.day_title.font()
        font.setBold(True)
        self.day_title.setFont(font)
        self.day_tasks = TaskPanel(
            context, "The day's tasks",
            can_tick=lambda: (schedule := schedule_of()) is not None
            and self.calendar.selected == schedule.today,
        )  # fmt: skip
        self.day_tasks.tree.setColumnHidden(1, True)  # narrow: the title says the kind
        side = QVBoxLayout()
        side.addWidget(self.day_title)
        side.addWidget(self.day_tasks, 1)
        body = QHBoxLayout()
        body.addWidget(self.calendar, 3)
        body.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(controls)
        layout.addLayout(body, 1)

        def step(forward: bool) -> None:
            days = 7 if self.calendar.week_mode else 0
            chosen = self.calendar.selected
            moved = (chosen + timedelta(days=days if forward else -days)) if days else (
                _add_months(chosen, 1 if forward else -1)
            )  # fmt: skip
            self.calendar.choose(moved)

        self.previous_button.clicked.connect(lambda: step(False))
        self.next_button.clicked.connect(lambda: step(True))
        self.today_button.clicked.connect(lambda: self.calendar.choose(self.calendar.today))
        self.week_button.toggled.connect(self._week_mode)
        self.calendar.day_chosen.connect(self._day_chosen)

    def show_schedule(self, schedule: PlanSchedule) -> None:
        self.calendar.show_figures(day_figures(schedule), schedule.today)
        self._day_chosen(self.calendar.selected)
        self.month_title.setText(self.calendar.title())

    def _day_chosen(self, day: date) -> None:
        self.month_title.setText(self.calendar.title())
        schedule = self._schedule_of()
        if schedule is None:
            return
        planned = next((d for d in schedule.days if d.date == day), None)
        if day == schedule.exam_date:
            title = f"{day_text(day)}: the exam"
        elif planned is None:
            title = f"{day_text(day)}: " + (
                "before today" if day < schedule.today else "not in the plan"
            )
        else:
            title = (
                f"{day_text(day)}: {minutes_text(planned.planned_minutes)} of "
                f"{minutes_text(planned.capacity_minutes)}"
                + (", final period" if planned.final_period else "")
            )
        self.day_title.setText(title)
        self.day_tasks.show_tasks(schedule.plan_id, planned.tasks if planned else ())

    def _week_mode(self, week: bool) -> None:
        self.calendar.set_week_mode(week)
        what = "week" if week else "month"
        self.previous_button.setAccessibleName(f"Previous {what}")
        self.next_button.setAccessibleName(f"Next {what}")
        self.month_title.setText(self.calendar.title())
