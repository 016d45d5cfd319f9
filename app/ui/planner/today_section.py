"""Today's part of the active plan: its tasks (each opens its view; Space ticks work done
outside the app), how much is done, and the days to the exam. Hidden when there is no plan."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.features.planner import SHOWS as PLAN_SHOWS
from app.ui.context import ViewContext
from app.ui.planner import common
from app.ui.planner.common import minutes_text, wrapped
from app.ui.planner.task_list import TaskPanel
from app.ui.refresh import RefreshOnChange
from app.ui.theme import scale_text

if TYPE_CHECKING:
    from datetime import datetime

    from app.core.planner.today import TodayPlan
    from app.db.database import ProfileDatabase

log = logging.getLogger(__name__)


def today_line(plan: TodayPlan) -> str:
    done = sum(1 for task in plan.tasks if task.done)
    days = f"{plan.days_to_exam} day{'s' if plan.days_to_exam != 1 else ''} to the exam"
    text = (
        f"{done} of {len(plan.tasks)} tasks done, {minutes_text(plan.done_minutes)} of "
        f"{minutes_text(plan.planned_minutes)}; {days}."
    )
    if not plan.fits:
        text += f" The plan does not fit: {minutes_text(plan.overflow_minutes)} over (see Planner)."
    return text


def _read_today(database: ProfileDatabase, when: datetime) -> TodayPlan | None:
    """On a read worker: the planner (and the ORM, FSRS...) load there, never on the GUI
    thread before the window's first paint."""
    from app.core.planner.today import today_tasks

    return today_tasks(database, now=when)


class PlanTodaySection(RefreshOnChange, QFrame):
    SHOWS = PLAN_SHOWS
    HIDES_WHEN_EMPTY = True

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.plan: TodayPlan | None = None
        self.read_ms: float | None = None  # the last read, asked to shown
        self.reads = 0
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel("Today's plan")
        scale_text(self.heading, 1.25, bold=True)
        self.line = wrapped()
        self.notes = wrapped()
        self.notes.hide()
        self.tasks = TaskPanel(context, "Today's plan tasks")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 16)
        layout.addWidget(self.heading)
        layout.addWidget(self.line)
        layout.addWidget(self.notes)
        layout.addWidget(self.tasks)
        self.hide()
        self.listen_for_changes(context.runner)
        self.refresh()

    def refresh(self) -> None:
        opened, when, asked = self.context.opened, common.now(), time.perf_counter()
        self.context.runner.run_read(
            lambda _p: _read_today(opened.database, when),
            on_done=lambda plan: self._show(plan, asked),
            on_error=lambda _error: self.hide(),
            owner=self,
            latest="today",
        )

    def _show(self, plan: TodayPlan | None, asked: float) -> None:
        self.plan = plan
        self.reads += 1
        self.read_ms = (time.perf_counter() - asked) * 1000
        log.debug("Planner's Today section read and shown in %.0f ms", self.read_ms)
        if plan is None:
            self.hide()
            return
        self.heading.setText(f"Today's plan: {plan.name}")
        self.line.setText(
            today_line(plan) if plan.tasks else "Nothing is planned for today. " + today_line(plan)
        )
        self.notes.setText("\n".join(plan.notes))
        self.notes.setVisible(bool(plan.notes))
        self.tasks.show_tasks(plan.plan_id, plan.tasks)
        self.tasks.tree.fit_rows()
        self.tasks.tree.setVisible(bool(plan.tasks))
        self.show()
