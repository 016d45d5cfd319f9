"""The burn-down: the new material left (hours) at the start of each day from today to the
exam, against the straight line that ends at the start of the final period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from PySide6.QtCharts import QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QColor, QPalette, QPen
from PySide6.QtWidgets import QWidget

from app.ui.chart_palette import BLUE, PaletteChartView

if TYPE_CHECKING:
    from app.core.planner.schedule import BurnPoint

LEFT_COLOR = QColor(BLUE)
IDEAL_COLOR = QColor("#8e8e8e")


def _msecs(day: date) -> float:
    """Noon of the day, local time, as the chart's x (milliseconds since 1970)."""
    return datetime.combine(day, time(12)).timestamp() * 1000


class BurnDownChart(PaletteChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(minimum_height=200, parent=parent)
        self.setAccessibleName("Burn-down of the work left")
        self.points: tuple[BurnPoint, ...] = ()

    def apply_palette(self, palette: QPalette) -> None:
        super().apply_palette(palette)
        self._draw()

    def show_points(self, points: Sequence[BurnPoint]) -> None:
        self.points = tuple(points)
        self._draw()

    def _draw(self) -> None:
        self.clear_chart()
        if not self.points:
            return
        left, ideal = QLineSeries(), QLineSeries()
        left.setName("Work left")
        ideal.setName("On track")
        for point in self.points:
            left.append(_msecs(point.date), point.remaining_minutes / 60)
            ideal.append(_msecs(point.date), point.ideal_minutes / 60)
        left.setPen(QPen(LEFT_COLOR, 2.5))
        pen = QPen(IDEAL_COLOR, 1.5)
        pen.setStyle(Qt.PenStyle.DashLine)
        ideal.setPen(pen)
        x_axis = QDateTimeAxis()
        x_axis.setFormat("d MMM")
        x_axis.setTickCount(min(6, max(2, len(self.points))))
        x_axis.setRange(
            QDateTime.fromMSecsSinceEpoch(int(_msecs(self.points[0].date))),
            QDateTime.fromMSecsSinceEpoch(int(_msecs(self.points[-1].date))),
        )
        y_axis = QValueAxis()
        top = max(max(p.remaining_minutes, p.ideal_minutes) for p in self.points) / 60
        y_axis.setRange(0, max(1.0, top * 1.05))
        y_axis.setLabelFormat("%d")
        y_axis.setTitleText("Hours left")
        self.chart_.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        text = self.palette().color(QPalette.ColorRole.Text)
        for axis in (x_axis, y_axis):
            axis.setLabelsColor(text)
            axis.setTitleBrush(text)
        for series in (ideal, left):
            self.chart_.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
