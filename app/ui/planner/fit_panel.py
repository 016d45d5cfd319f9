"""Whether the plan fits, and when it does not, the ways out, each with its effect (computed by
the core: the same work spread again with one thing changed); one click applies one. Under
them a what-if: minutes per study day on a slider, the finish date moving as it slides (only
the newest answer shows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import ViewContext
from app.ui.layouts import clear_layout
from app.ui.planner import common
from app.ui.planner.common import WEEKDAY_NAMES, day_text, minutes_text, wrapped

if TYPE_CHECKING:
    from app.core.planner.schedule import PlanSchedule, WayOut
    from app.core.planner.ways_out import WhatIf

STEP = 5
MOST = 16 * 60


def effect_text(way: WayOut, exam: date) -> str:
    if not way.fits_after:
        return f"Then {minutes_text(way.overflow_after)} still do not fit."
    if way.finish_after is None:
        return "Then it fits."
    return f"Then it fits: new material done by {day_text(way.finish_after)}."


def what_if_text(minutes: int, result: WhatIf, exam: date) -> str:
    start = f"At {minutes_text(minutes)} on each study day"
    if result.finish_date is None and not result.fits:
        return f"{start} it does not fit, even 60 days after the exam."
    if result.finish_date is None:
        return f"{start} there is nothing left to do."
    when = day_text(result.finish_date)
    if result.fits:
        before = (exam - result.finish_date).days
        return f"{start} the new material is done by {when}, {before} days before the exam."
    return f"{start} it would be done by {when}, {result.days_late} days after the exam."


class FitPanel(QWidget):
    apply_requested = Signal(object)  # WayOut
    minutes_requested = Signal(object)  # tuple of 7 minutes: use the what-if's minutes

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.plan_id: str | None = None
        self.exam = date.today()
        self.minutes: tuple[int, ...] = (0,) * 7
        self.what_if: WhatIf | None = None
        self.asked = 0  # what-ifs asked; the test waits on answers
        self.answered = 0
        self.headline = wrapped()
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.ways_box = QFrame()
        self.ways_grid = QGridLayout(self.ways_box)
        self.ways_grid.setContentsMargins(0, 0, 0, 0)
        self.ways_grid.setColumnStretch(0, 1)
        self.apply_buttons: list[QPushButton] = []

        self.what_if_title = QLabel("What if I studied… (minutes on each study day)")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(STEP, MOST)
        self.slider.setSingleStep(STEP)
        self.slider.setPageStep(30)
        self.slider.setAccessibleName("Minutes on each study day")
        self.spin = QSpinBox()
        self.spin.setRange(STEP, MOST)
        self.spin.setSingleStep(STEP)
        self.spin.setSuffix(" min")
        self.spin.setAccessibleName("Minutes on each study day")
        self.what_if_text = wrapped()
        self.use_button = QPushButton("&Use These Minutes")
        self.use_button.setToolTip("Set every study day of the plan to these minutes")
        row = QHBoxLayout()
        row.addWidget(self.slider, 1)
        row.addWidget(self.spin)
        use_row = QHBoxLayout()
        use_row.addWidget(self.use_button)
        use_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.headline)
        layout.addWidget(self.ways_box)
        layout.addSpacing(10)
        layout.addWidget(self.what_if_title)
        layout.addLayout(row)
        layout.addWidget(self.what_if_text)
        layout.addLayout(use_row)
        layout.addStretch(1)
        self.what_if_title.setBuddy(self.slider)

        self.slider.valueChanged.connect(self._slid)
        self.spin.valueChanged.connect(self.slider.setValue)
        self.use_button.clicked.connect(self._use)

    def study_days(self) -> str:
        return ", ".join(n for n, m in zip(WEEKDAY_NAMES, self.minutes, strict=True) if m > 0)

    def show_schedule(self, schedule: PlanSchedule, minutes: Sequence[int]) -> None:
        changed = tuple(minutes) != self.minutes or schedule.plan_id != self.plan_id
        self.plan_id = schedule.plan_id
        self.exam = schedule.exam_date
        self.minutes = tuple(minutes)
        if schedule.fits:
            finish = schedule.finish_date
            self.headline.setText(
                "Everything fits before the exam"
                + (f": the new material is done by {day_text(finish)}." if finish else ".")
            )
        else:
            self.headline.setText(
                f"It does not fit: {minutes_text(schedule.overflow_minutes)} of work is left "
                f"over before the exam on {day_text(schedule.exam_date)}. Ways out:"
                if schedule.ways_out
                else f"It does not fit: {minutes_text(schedule.overflow_minutes)} of work is "
                "left over, and no single change makes it fit. Try the what-if below."
            )
        self._show_ways(schedule.ways_out, schedule.exam_date)
        if changed:
            study = [m for m in self.minutes if m > 0]
            usual = round(sum(study) / len(study) / STEP) * STEP if study else 60
            self.slider.blockSignals(True)
            self.spin.blockSignals(True)
            self.slider.setValue(max(STEP, usual))
            self.spin.setValue(max(STEP, usual))
            self.slider.blockSignals(False)
            self.spin.blockSignals(False)
            self.what_if_title.setText(
                f"What if I studied… (minutes on each study day: {self.study_days()})"
            )
            self.ask_what_if()

    def _show_ways(self, ways: Sequence[WayOut], exam: date) -> None:
        clear_layout(self.ways_grid)
        self.apply_buttons = []
        for line, way in enumerate(ways):
            text = wrapped(f"{way.description}. {effect_text(way, exam)}")
            button = QPushButton(f"Apply &{line + 1}")
            button.setAccessibleName(f"Apply: {way.description}")
            button.setToolTip(way.description)
            button.clicked.connect(lambda _c=False, w=way: self.apply_requested.emit(w))
            self.ways_grid.addWidget(text, line, 0)
            self.ways_grid.addWidget(button, line, 1, Qt.AlignmentFlag.AlignTop)
            self.apply_buttons.append(button)
        self.ways_box.setVisible(bool(ways))

    def chosen_minutes(self) -> tuple[int, ...]:
        value = self.slider.value()
        return tuple(value if m > 0 else 0 for m in self.minutes)

    def _slid(self, value: int) -> None:
        snapped = round(value / STEP) * STEP
        if snapped != value:
            self.slider.setValue(snapped)
            return
        self.spin.blockSignals(True)
        self.spin.setValue(value)
        self.spin.blockSignals(False)
        self.ask_what_if()

    def ask_what_if(self) -> None:
        if self.plan_id is None or not any(self.minutes):
            return
        from app.core.planner.plan_reads import what_if_minutes

        opened, plan_id, minutes, when = (
            self.context.opened, self.plan_id, self.chosen_minutes(), common.now()
        )  # fmt: skip
        self.asked += 1
        self.what_if_text.setText(f"At {minutes_text(self.slider.value())}: working it out…")
        self.context.runner.run_read(
            lambda _p: what_if_minutes(opened.database, plan_id, minutes, now=when),
            on_done=self._show_what_if,
            on_error=lambda error: self.what_if_text.setText(str(error)),
            owner=self,
            latest="whatif",
        )

    def _show_what_if(self, result: WhatIf) -> None:
        self.answered += 1
        self.what_if = result
        shown = max(result.minutes) if result.minutes else self.slider.value()
        self.what_if_text.setText(what_if_text(shown, result, self.exam))
        self.use_button.setEnabled(tuple(result.minutes) != self.minutes)

    def _use(self) -> None:
        self.minutes_requested.emit(self.chosen_minutes())
