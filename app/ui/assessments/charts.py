"""The Analytics charts: percent correct per area drawn as its 95 % interval (a box from the
low to the high end, the line inside at the percentage), and the weekly trend. Built from the
core's analytics dataclasses; colours follow the window's palette."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QBoxPlotSeries,
    QBoxSet,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from app.core.assessments.analytics import AreaFigures, WeekPoint
from app.ui.chart_palette import BLUE, GREEN, PURPLE, PaletteChartView

BOX_COLOR = BLUE
LINE_COLOR = GREEN
TIME_COLOR = PURPLE
MAX_AREAS = 12
NAME_CHARS = 14


def short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


class AnalyticsChart(PaletteChartView):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, minimum_height=230, parent=parent)

    def _axes(self, categories: Sequence[str], title: str, top: float) -> QValueAxis:
        x_axis = QBarCategoryAxis()
        x_axis.append(list(categories))
        x_axis.setLabelsAngle(-45 if len(categories) > 6 else 0)
        y_axis = QValueAxis()
        y_axis.setRange(0, top)
        y_axis.setTitleText(title)
        y_axis.setLabelFormat("%d")
        self.chart_.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        return y_axis

    def show_areas(self, areas: Sequence[AreaFigures]) -> None:
        """Each area's 95 % interval as a box, its percentage as the line inside."""
        self.clear_chart()
        shown = list(areas[:MAX_AREAS])
        series = QBoxPlotSeries()
        series.setName("% correct, with its 95 % range")
        for area in shown:
            box = QBoxSet(area.low, area.low, area.percent, area.high, area.high, short(area.name))
            box.setBrush(QColor(BOX_COLOR))
            series.append(box)
        self.chart_.addSeries(series)
        self._axes([short(a.name) for a in shown], "% correct", 100)
        for axis in self.chart_.axes():
            series.attachAxis(axis)

    def show_weeks(self, weeks: Sequence[WeekPoint]) -> None:
        """Percent correct by week (a line; weeks with no answer left out) and answers (bars)."""
        self.clear_chart()
        labels = [w.week_start.strftime("%d %b") for w in weeks]
        bars = QBarSet("Answers")
        bars.append([float(w.attempts) for w in weeks])
        bars.setColor(QColor(TIME_COLOR))
        count_series = QBarSeries()
        count_series.append(bars)
        line = QLineSeries()
        line.setName("% correct")
        line.setColor(QColor(LINE_COLOR))
        for n, week in enumerate(weeks):
            if week.percent is not None:
                line.append(n, week.percent)
        self.chart_.addSeries(count_series)
        self.chart_.addSeries(line)
        x_axis = QBarCategoryAxis()
        x_axis.append(labels)
        x_axis.setLabelsAngle(-45)
        percent_axis = QValueAxis()
        percent_axis.setRange(0, 100)
        percent_axis.setLabelFormat("%d")
        percent_axis.setTitleText("% correct")
        count_axis = QValueAxis()
        count_axis.setRange(0, max([1, *(w.attempts for w in weeks)]))
        count_axis.setLabelFormat("%d")
        count_axis.setTitleText("answers")
        self.chart_.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(percent_axis, Qt.AlignmentFlag.AlignLeft)
        self.chart_.addAxis(count_axis, Qt.AlignmentFlag.AlignRight)
        count_series.attachAxis(x_axis)
        count_series.attachAxis(count_axis)
        line.attachAxis(x_axis)
        line.attachAxis(percent_axis)

    def show_times(self, weeks: Sequence[WeekPoint]) -> None:
        """Mean seconds per question, by week."""
        self.clear_chart()
        bars = QBarSet("Seconds per question")
        bars.append([(w.mean_time_ms or 0) / 1000 for w in weeks])
        bars.setColor(QColor(TIME_COLOR))
        series = QBarSeries()
        series.append(bars)
        self.chart_.addSeries(series)
        top = max([10.0, *((w.mean_time_ms or 0) / 1000 * 1.15 for w in weeks)])
        self._axes([w.week_start.strftime("%d %b") for w in weeks], "seconds", top)
        for axis in self.chart_.axes():
            series.attachAxis(axis)
