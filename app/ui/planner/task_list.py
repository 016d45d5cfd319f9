"""A day's tasks as a list the keyboard drives: Enter opens a task in its view, Space ticks it
done by hand (work done outside the app) or takes a hand tick back. Done comes from the logs;
the list only asks the core to tick, which refuses a task already done."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import ViewContext
from app.ui.key_help import HandledKey
from app.ui.planner import common
from app.ui.planner.common import KIND_NAMES, minutes_text, open_task, wrapped

if TYPE_CHECKING:
    from app.core.planner.tasks import PlanTask

DONE, KIND, TITLE, MINUTES = range(4)


def done_text(task: PlanTask) -> str:
    if task.ticked:
        return "Ticked"
    return "Done" if task.done else ""


class TaskTree(QTreeWidget):
    """One row per task: done, kind, title, minutes."""

    open_requested = Signal(object)  # PlanTask
    tick_requested = Signal(object)

    def __init__(self, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks: tuple[PlanTask, ...] = ()
        self.setAccessibleName(accessible)
        self.setColumnCount(4)
        self.setHeaderLabels(["Done", "Kind", "Task", "Time"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (DONE, KIND, MINUTES):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.itemActivated.connect(lambda item, _c: self.open_requested.emit(self.task_of(item)))
        self.itemClicked.connect(self._clicked)

    def show_tasks(self, tasks: Sequence[PlanTask]) -> None:
        current = self.current_task()
        self.tasks = tuple(tasks)
        self.clear()
        for task in self.tasks:
            item = QTreeWidgetItem(
                [done_text(task), KIND_NAMES.get(task.kind, task.kind), task.title,
                 minutes_text(task.minutes)]
            )  # fmt: skip
            state = Qt.CheckState.Checked if task.done else Qt.CheckState.Unchecked
            item.setCheckState(DONE, state)
            item.setData(DONE, Qt.ItemDataRole.UserRole, task.key)
            item.setToolTip(TITLE, task.title)
            item.setTextAlignment(MINUTES, Qt.AlignmentFlag.AlignRight)
            self.addTopLevelItem(item)
        keys = [t.key for t in self.tasks]
        row = keys.index(current.key) if current is not None and current.key in keys else 0
        chosen = self.topLevelItem(row) if self.tasks else None
        if chosen is not None:
            self.setCurrentItem(chosen)

    def task_of(self, item: QTreeWidgetItem | None) -> PlanTask | None:
        if item is None:
            return None
        row = self.indexOfTopLevelItem(item)
        return self.tasks[row] if 0 <= row < len(self.tasks) else None

    def current_task(self) -> PlanTask | None:
        return self.task_of(self.currentItem())

    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        task = self.task_of(item)
        if column == DONE and task is not None:
            self.tick_requested.emit(task)

    TICK = HandledKey("Tasks: tick the chosen task done, or not", "Space")
    OPEN = HandledKey("Tasks: open the chosen task (its lesson, video, deck…)", "Return", "Enter")
    HANDLED_KEYS = (TICK, OPEN)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        task = self.current_task()
        if self.TICK.matches(event) and task is not None:
            self.tick_requested.emit(task)
            return
        if self.OPEN.matches(event) and task is not None:
            self.open_requested.emit(task)
            return
        super().keyPressEvent(event)

    def fit_rows(self, most: int = 8) -> None:
        """As tall as its rows (up to `most`), for a list inside a scrolling page."""
        rows = max(1, min(most, len(self.tasks)))
        row_height = self.sizeHintForRow(0) if self.tasks else self.fontMetrics().height() + 8
        header = self.header().sizeHint().height()
        self.setFixedHeight(header + rows * row_height + 2 * self.frameWidth() + 4)


class TaskPanel(QWidget):
    """The tasks with Open and Tick buttons; ticks go to the core (`tick_task`)."""

    def __init__(
        self,
        context: ViewContext,
        accessible: str = "Tasks",
        *,
        can_tick: Callable[[], bool] = lambda: True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.plan_id: str | None = None
        self.can_tick = can_tick
        self.tree = TaskTree(accessible)
        self.open_button = QPushButton("&Open")
        self.open_button.setToolTip("Open the task in its view (Enter)")
        self.tick_button = QPushButton("&Tick as Done")
        self.tick_button.setToolTip("Mark work done outside the app as done (Space)")
        self.message = wrapped()
        self.message.hide()
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.tick_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.tree.open_requested.connect(self.open)
        self.tree.tick_requested.connect(self.tick)
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        self.open_button.clicked.connect(lambda: self.open(self.tree.current_task()))
        self.tick_button.clicked.connect(lambda: self.tick(self.tree.current_task()))
        self._enable()

    def show_tasks(self, plan_id: str | None, tasks: Sequence[PlanTask]) -> None:
        self.plan_id = plan_id
        self.tree.show_tasks(tasks)
        self._enable()

    def _enable(self) -> None:
        task = self.tree.current_task()
        self.open_button.setEnabled(task is not None)
        tickable = task is not None and self.can_tick() and (task.ticked or not task.done)
        self.tick_button.setEnabled(tickable)
        self.tick_button.setText(
            "Undo &Tick" if task is not None and task.ticked else "&Tick as Done"
        )

    def open(self, task: PlanTask | None) -> None:
        if task is not None:
            open_task(self.context.navigator, task)

    def tick(self, task: PlanTask | None) -> None:
        """Tick the task done by hand, or take back a hand tick. A task the app saw done
        cannot be ticked (the core refuses; the reason shows under the list)."""
        if task is None or self.plan_id is None:
            return
        if not self.can_tick():
            self._say("Only today's tasks can be ticked.")
            return
        if task.done and not task.ticked:
            self._say(f"{task.title} is done already: the app saw it.")
            return
        from app.core.planner.plan_actions import tick_task, untick_task

        action = untick_task if task.ticked else tick_task
        opened, plan_id, key, when = self.context.opened, self.plan_id, task.key, common.now()
        self.message.hide()
        self.context.runner.run_write(
            lambda _p: action(opened.database, plan_id, key, now=when),
            label="Ticking a task",
            on_error=lambda error: self._say(str(error)),
            owner=self,
        )

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
