"""The plan's calendar, painted: a month (six weeks) or one week of days, each cell with its
planned minutes against the day's capacity and what is done against what is planned.

Keyboard: arrows move a day or a week, Page Up/Down a month (a week in the week view), Home goes
to today; the chosen day is announced with `day_chosen` (its tasks show beside the calendar).
"""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui.key_help import HandledKey
from app.ui.planner.common import WEEKDAY_NAMES, day_text, minutes_text

PLANNED_COLOR = QColor("#3a8fd6")
DONE_COLOR = QColor("#2e7d32")
OVER_COLOR = QColor("#d32f2f")
FINAL_COLOR = QColor(142, 107, 191, 40)


@dataclass(frozen=True)
class DayFigures:
    day: date
    capacity: int
    planned: int = 0
    done: int = 0
    overflow: int = 0
    day_off: bool = False
    final: bool = False
    past: bool = False
    exam: bool = False


def day_summary(figures: DayFigures | None, day: date) -> str:
    """What the calendar says of a day, in words (its tooltip and accessible description)."""
    if figures is None:
        return f"{day_text(day)}: not in the plan"
    if figures.exam:
        return f"{day_text(day)}: the exam"
    if figures.day_off or not figures.capacity:
        return f"{day_text(day)}: no study planned (day off)"
    if figures.past:
        return f"{day_text(day)}: {minutes_text(figures.capacity)} were planned"
    text = (
        f"{day_text(day)}: {minutes_text(figures.planned)} planned of "
        f"{minutes_text(figures.capacity)}, {minutes_text(figures.done)} done"
    )
    if figures.overflow:
        text += f", {minutes_text(figures.overflow)} over"
    if figures.final:
        text += " (final period: reviews and question blocks)"
    return text


class PlanCalendar(QWidget):
    day_chosen = Signal(object)  # date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures: dict[date, DayFigures] = {}
        self.today = date.today()
        self.selected = self.today
        self.week_mode = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Plan calendar")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)

    # --- data ---------------------------------------------------------------------------------

    def show_figures(self, figures: dict[date, DayFigures], today: date) -> None:
        moved = today != self.today
        self.figures = figures
        self.today = today
        if moved:
            self.selected = today
        self._announce()
        self.update()

    def set_week_mode(self, week: bool) -> None:
        self.week_mode = week
        self.updateGeometry()
        self.update()

    def choose(self, day: date) -> None:
        if day != self.selected:
            self.selected = day
            self.update()
        self._announce()

    def _announce(self) -> None:
        text = day_summary(self.figures.get(self.selected), self.selected)
        self.setAccessibleDescription(text)
        self.setToolTip(text)
        self.day_chosen.emit(self.selected)

    def title(self) -> str:
        if self.week_mode:
            first = self.first_shown()
            return f"Week of {day_text(first)}"
        return f"{months.month_name[self.selected.month]} {self.selected.year}"

    # --- layout -------------------------------------------------------------------------------

    def first_shown(self) -> date:
        if self.week_mode:
            return self.selected - timedelta(days=self.selected.weekday())
        first = self.selected.replace(day=1)
        return first - timedelta(days=first.weekday())

    def rows(self) -> int:
        return 1 if self.week_mode else 6

    def _header_height(self) -> int:
        return self.fontMetrics().height() + 6

    def cell_rect(self, index: int) -> QRectF:
        top = self._header_height()
        width = self.width() / 7
        height = (self.height() - top) / self.rows()
        return QRectF((index % 7) * width, top + (index // 7) * height, width, height)

    def day_at(self, x: float, y: float) -> date | None:
        top = self._header_height()
        if y < top:
            return None
        column = int(x // (self.width() / 7))
        row = int((y - top) // ((self.height() - top) / self.rows()))
        if not (0 <= column < 7 and 0 <= row < self.rows()):
            return None
        return self.first_shown() + timedelta(days=row * 7 + column)

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        cell = QSize(self.fontMetrics().horizontalAdvance("000/000") + 10, line * 3 + 10)
        if self.week_mode:
            cell.setHeight(line * 6)
        return QSize(cell.width() * 7, self._header_height() + cell.height() * self.rows())

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        width = self.fontMetrics().horizontalAdvance("Wed") + 8
        rows = self.rows()
        return QSize(width * 7, self._header_height() + rows * (line * 2 + 10))

    # --- painting -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        faint = palette.color(QPalette.ColorRole.PlaceholderText)
        header = self._header_height()
        painter.setPen(faint)
        for column, name in enumerate(WEEKDAY_NAMES):
            width = self.width() / 7
            painter.drawText(
                QRectF(column * width, 0, width, header), Qt.AlignmentFlag.AlignCenter, name
            )
        first = self.first_shown()
        for index in range(self.rows() * 7):
            day = first + timedelta(days=index)
            self._paint_day(painter, self.cell_rect(index), day, palette, text, faint)
        painter.end()

    def _paint_day(
        self,
        painter: QPainter,
        rect: QRectF,
        day: date,
        palette: QPalette,
        text: QColor,
        faint: QColor,
    ) -> None:
        figures = self.figures.get(day)
        cell = rect.adjusted(1, 1, -1, -1)
        base = palette.color(QPalette.ColorRole.Base)
        if figures is not None and (figures.day_off or not figures.capacity) and not figures.exam:
            base = palette.color(QPalette.ColorRole.AlternateBase)
        painter.fillRect(cell, base)
        if figures is not None and figures.final:
            painter.fillRect(cell, FINAL_COLOR)
        outside = not self.week_mode and day.month != self.selected.month
        if day == self.selected:
            painter.fillRect(cell, _with_alpha(palette.color(QPalette.ColorRole.Highlight), 70))
        pen_color = palette.color(QPalette.ColorRole.Mid)
        if day == self.today:
            pen_color = palette.color(QPalette.ColorRole.Highlight)
        painter.setPen(pen_color)
        painter.drawRect(cell)
        if day == self.selected and self.hasFocus():
            painter.setPen(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRect(cell.adjusted(2, 2, -2, -2))
        line = self.fontMetrics().height()
        inner = cell.adjusted(4, 2, -4, -3)
        font = QFont(self.font())
        font.setBold(day == self.today)
        painter.setFont(font)
        painter.setPen(faint if outside or (figures and figures.past) else text)
        label = str(day.day) if not self.week_mode else f"{WEEKDAY_NAMES[day.weekday()]} {day.day}"
        if figures is not None and figures.exam:
            label += " Exam"
        painter.drawText(
            QRectF(inner.left(), inner.top(), inner.width(), line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            label,
        )
        painter.setFont(self.font())
        if figures is None or figures.exam or not figures.capacity:
            return
        self._paint_bars(painter, inner, figures, faint, text)

    def _paint_bars(
        self, painter: QPainter, inner: QRectF, figures: DayFigures, faint: QColor, text: QColor
    ) -> None:
        line = self.fontMetrics().height()
        bar_height = max(4.0, line / 3)
        bar = QRectF(inner.left(), inner.bottom() - bar_height, inner.width(), bar_height)
        painter.fillRect(bar, _with_alpha(faint, 60))
        if not figures.past:
            share = min(1.0, figures.planned / figures.capacity)
            painter.fillRect(
                QRectF(bar.left(), bar.top(), bar.width() * share, bar.height()),
                OVER_COLOR if figures.overflow else PLANNED_COLOR,
            )
            if figures.planned:
                done = min(1.0, figures.done / figures.planned) * share
                painter.fillRect(
                    QRectF(bar.left(), bar.top(), bar.width() * done, bar.height()), DONE_COLOR
                )
        words = f"{figures.planned}/{figures.capacity}" if not figures.past else ""
        if words and self.fontMetrics().horizontalAdvance(words) > inner.width():
            words = str(figures.planned)  # a narrow cell: the bar shows the capacity
        if self.week_mode and not figures.past:
            words = (
                f"{minutes_text(figures.planned)} of {minutes_text(figures.capacity)}\n"
                f"{minutes_text(figures.done)} done"
            )
        if words and inner.height() > line * 2 + bar_height:
            painter.setPen(OVER_COLOR if figures.overflow else text)
            room = QRectF(inner.left(), inner.top() + line, inner.width(),
                          inner.height() - line - bar_height - 2)  # fmt: skip
            painter.drawText(room, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
                                       | Qt.TextFlag.TextWordWrap), words)  # fmt: skip

    # --- input --------------------------------------------------------------------------------

    STEPS: ClassVar[dict[HandledKey, timedelta]] = {
        HandledKey("Calendar: the day before", "Left"): timedelta(days=-1),
        HandledKey("Calendar: the day after", "Right"): timedelta(days=1),
        HandledKey("Calendar: a week before", "Up"): timedelta(days=-7),
        HandledKey("Calendar: a week after", "Down"): timedelta(days=7),
    }
    PAGE_BACK = HandledKey("Calendar: the month (or week) before", "PgUp")
    PAGE_ON = HandledKey("Calendar: the month (or week) after", "PgDown")
    TODAY = HandledKey("Calendar: today", "Home")
    HANDLED_KEYS = (*STEPS, PAGE_BACK, PAGE_ON, TODAY)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = next((step for key, step in self.STEPS.items() if key.matches(event)), None)
        if step is not None:
            self.choose(self.selected + step)
        elif self.PAGE_BACK.matches(event) or self.PAGE_ON.matches(event):
            forward = self.PAGE_ON.matches(event)
            if self.week_mode:
                self.choose(self.selected + timedelta(days=7 if forward else -7))
            else:
                self.choose(_add_months(self.selected, 1 if forward else -1))
        elif self.TODAY.matches(event):
            self.choose(self.today)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        day = self.day_at(event.position().x(), event.position().y())
        if day is not None:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.choose(day)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        day = self.day_at(event.position().x(), event.position().y())
        if day is not None:
            self.setToolTip(day_summary(self.figures.get(day), day))
        super().mouseMoveEvent(event)


def _with_alpha(color: QColor, alpha: int) -> QColor:
    copy = QColor(color)
    copy.setAlpha(alpha)
    return copy


def _add_months(day: date, count: int) -> date:
    month = day.month - 1 + count
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, months.monthrange(year, month)[1]))
