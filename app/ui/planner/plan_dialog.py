"""Create or edit a plan: its name, exam and start dates, minutes per weekday, days off, the
final period, and what it covers. Saving runs off the GUI thread; a setting the core refuses
keeps the dialog open with the message naming the field, and the keyboard in that field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.planner import common
from app.ui.planner.common import WEEKDAY_NAMES, day_text, wrapped
from app.ui.planner.scope_editor import ScopeEditor, ScopeRow, row_of
from app.ui.screen_fit import fit_on_screen

if TYPE_CHECKING:
    from app.core.planner.plan_actions import PlanSaved
    from app.core.planner.plans import PlanSettings
    from app.db.database import ProfileDatabase

DEFAULT_MINUTES = (60, 60, 60, 60, 60, 90, 0)
FIELD_NAMES = {
    "name": "Name",
    "exam_date": "Exam date",
    "start_date": "Start date",
    "minutes": "Minutes per weekday",
    "weekdays": "Minutes per weekday",
    "day_minutes": "Minutes per weekday",
    "days_off": "Days off",
    "final_days": "Final period",
    "scope": "What to cover",
}


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


@dataclass(frozen=True)
class PlanForm:
    name: str
    exam_date: date
    start_date: date
    minutes: tuple[int, ...]
    days_off: tuple[date, ...]
    final_days: int
    scope: tuple[ScopeRow, ...]
    removed: tuple[str, ...]


def save_plan(
    database: ProfileDatabase,
    plan_id: str | None,
    form: PlanForm,
    before: tuple[ScopeRow, ...],
    now: datetime,
) -> PlanSaved:
    """Create the plan, or change it: its settings first (checked whole, nothing written if
    refused), then the scope items added, changed and taken out."""
    from app.core.planner import plan_actions as actions
    from app.core.planner.plans import check_scope

    for row in form.scope:
        check_scope(row.spec())
    if plan_id is None:
        return actions.create_plan(
            database, name=form.name, exam_date=form.exam_date, minutes=form.minutes, now=now,
            start_date=form.start_date, days_off=form.days_off, final_days=form.final_days,
            scope=[row.spec() for row in form.scope],
        )  # fmt: skip
    saved = actions.update_plan(
        database, plan_id, now=now, name=form.name, exam_date=form.exam_date,
        start_date=form.start_date, minutes=form.minutes, days_off=form.days_off,
        final_days=form.final_days,
    )  # fmt: skip
    old = {row.id: row for row in before if row.id is not None}
    for scope_id in form.removed:
        actions.remove_scope(database, scope_id, now=now)
    for row in form.scope:
        if row.id is None:
            actions.add_scope(database, plan_id, row.spec())
        elif (was := old.get(row.id)) is not None and (was.priority, was.count) != (
            row.priority,
            row.count,
        ):
            actions.update_scope(database, row.id, priority=row.priority, count=row.count)
    return saved


class PlanDialog(QDialog):
    """`settings` None: a new plan. Accepted once the write succeeded (`saved_id` set)."""

    def __init__(
        self,
        context: ViewContext,
        settings: PlanSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.settings = settings
        self.saved_id: str | None = None
        today = common.now().date()
        self.setWindowTitle("Edit Plan" if settings else "New Plan")
        self.name = QLineEdit(settings.name if settings else "")
        self.name.setPlaceholderText("Step 1 exam")
        self.exam = self._date_edit(settings.exam_date if settings else today + timedelta(days=60))
        self.start = self._date_edit(settings.start_date if settings else today)
        self.minutes = []
        for n, day_name in enumerate(WEEKDAY_NAMES):
            spin = QSpinBox()
            spin.setRange(0, 16 * 60)
            spin.setSingleStep(15)
            spin.setSuffix(" min")
            spin.setAccessibleName(f"Minutes on {day_name}")
            spin.setValue(settings.minutes[n] if settings else DEFAULT_MINUTES[n])
            self.minutes.append(spin)
        self.final = QSpinBox()
        self.final.setRange(0, 90)
        self.final.setSuffix(" days")
        self.final.setValue(settings.final_days if settings else 0)
        self.final.setAccessibleName("Final period in days")
        self.day_off = self._date_edit(today)
        self.add_off = QPushButton("Add Day &Off")
        self.days_off = QListWidget()
        self.days_off.setAccessibleName("Days off")
        self.days_off.setMinimumHeight(48)  # two days; the dialog fits 800 x 600 at 130 % text
        self.remove_off = QPushButton("&Remove Day Off")
        for day in sorted(settings.days_off) if settings else ():
            self._add_day_off(day)

        self.scope = ScopeEditor()
        if settings is not None:
            self.scope.set_rows([row_of(item) for item in settings.scope])
        self.before = tuple(self.scope.rows)
        self.error = wrapped()
        self.error.setStyleSheet("color: #d32f2f;")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Save Plan" if settings else "&Create Plan")

        self.tabs = QTabWidget()
        self.tabs.addTab(self._times_page(), "&Dates and Time")
        self.tabs.addTab(self._scope_page(), "What to Co&ver")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.add_off.clicked.connect(lambda: self._add_day_off(self._date_of(self.day_off)))
        self.remove_off.clicked.connect(self._remove_day_off)
        self.name.setFocus()
        fit_on_screen(self)  # 605 px tall at 100 % text: more than a small laptop's screen
        self._read_choices()

    @staticmethod
    def _date_of(edit: QDateEdit) -> date:
        chosen = edit.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def _date_edit(self, day: date) -> QDateEdit:
        edit = QDateEdit(qdate(day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("ddd d MMM yyyy")
        return edit

    def _times_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Exam date:", self.exam)
        form.addRow("S&tart date:", self.start)
        grid = QGridLayout()
        for n, (day_name, spin) in enumerate(zip(WEEKDAY_NAMES, self.minutes, strict=True)):
            label = QLabel(f"&{n + 1} {day_name}")
            label.setBuddy(spin)
            grid.addWidget(label, (n // 4) * 2, n % 4)
            grid.addWidget(spin, (n // 4) * 2 + 1, n % 4)
        minutes_label = QLabel("Minutes of study on each weekday (Alt+1 … Alt+7):")
        final_label = wrapped("&Final period (timed blocks and reviews only, before the exam):")
        final_label.setBuddy(self.final)
        off_row = QHBoxLayout()
        off_row.addWidget(self.day_off, 1)
        off_row.addWidget(self.add_off)
        off_label = QLabel("Days off:")
        off_label.setBuddy(self.day_off)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(minutes_label)
        layout.addLayout(grid)
        final_row = QHBoxLayout()
        final_row.addWidget(final_label, 1)
        final_row.addWidget(self.final)
        layout.addLayout(final_row)
        layout.addWidget(off_label)
        layout.addLayout(off_row)
        layout.addWidget(self.days_off, 1)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self.remove_off)
        layout.addLayout(remove_row)
        return page

    def _scope_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(
            wrapped(
                "What the plan covers, priority 1 first. New material is spread in this order "
                "within the minutes the reviews leave each day."
            )
        )
        layout.addWidget(self.scope, 1)
        return page

    # --- days off -----------------------------------------------------------------------------

    def _add_day_off(self, day: date) -> None:
        if day in self.chosen_days_off():
            return
        item = QListWidgetItem(day_text(day))
        item.setData(Qt.ItemDataRole.UserRole, day.isoformat())
        self.days_off.addItem(item)
        self.days_off.sortItems()

    def _remove_day_off(self) -> None:
        row = self.days_off.currentRow()
        if row >= 0:
            self.days_off.takeItem(row)

    def chosen_days_off(self) -> tuple[date, ...]:
        return tuple(
            date.fromisoformat(str(self.days_off.item(n).data(Qt.ItemDataRole.UserRole)))
            for n in range(self.days_off.count())
        )

    # --- reading and saving -------------------------------------------------------------------

    def _read_choices(self) -> None:
        from app.core.planner.plan_reads import scope_choices

        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: scope_choices(opened.database), on_done=self.scope.set_choices, owner=self
        )

    def form(self) -> PlanForm:
        return PlanForm(
            name=self.name.text(),
            exam_date=self._date_of(self.exam),
            start_date=self._date_of(self.start),
            minutes=tuple(spin.value() for spin in self.minutes),
            days_off=self.chosen_days_off(),
            final_days=self.final.value(),
            scope=tuple(self.scope.rows),
            removed=tuple(self.scope.removed),
        )

    def save(self) -> None:
        form, before, when = self.form(), self.before, common.now()
        plan_id = self.settings.id if self.settings else None
        opened = self.context.opened
        self.save_button.setEnabled(False)
        self.error.hide()
        self.context.runner.run_write(
            lambda _p: save_plan(opened.database, plan_id, form, before, when),
            label="Saving the plan",
            on_done=self._saved,
            on_error=self.show_error,
            on_finally=lambda: self.save_button.setEnabled(True),
            owner=self,
        )

    def _saved(self, saved: PlanSaved) -> None:
        self.saved_id = saved.plan_id
        self.accept()

    def show_error(self, error: UserError) -> None:
        """Say what is wrong, naming the field, and put the keyboard there."""
        field = getattr(error, "field", "")
        name = FIELD_NAMES.get(field)
        self.error.setText(f"{name}: {error}" if name else str(error))
        self.error.show()
        widget = self.field_widget(field)
        if widget is not None:
            self.tabs.setCurrentIndex(1 if field == "scope" else 0)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def field_widget(self, field: str) -> QWidget | None:
        return {
            "name": self.name,
            "exam_date": self.exam,
            "start_date": self.start,
            "minutes": self.minutes[0],
            "weekdays": self.minutes[0],
            "day_minutes": self.minutes[0],
            "days_off": self.day_off,
            "final_days": self.final,
            "scope": self.scope.tree,
        }.get(field)
