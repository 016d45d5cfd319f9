"""The charts of the Statistics view, built from the core's statistics dataclasses.

Each chart follows the window palette (`app.ui.chart_palette`); the colours that carry meaning
(a rating, a card's state) are set again after each change of theme.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import QWidget

from app.core.flashcards.stats import CardCounts, DayReviews, ForecastDay
from app.core.videos.watching import DayWatchTime
from app.ui.chart_palette import AMBER, BLUE, GREEN, PURPLE, PaletteChartView

RATING_COLORS = {"Again": "#d9534f", "Hard": AMBER, "Good": "#4caf50", "Easy": BLUE}
FORECAST_COLORS = {"Learning": AMBER, "Review": BLUE}
COUNT_COLORS = {
    "New": "#6aa7e8",
    "Learning": AMBER,
    "Young": "#7cc47f",
    "Mature": GREEN,
    "Suspended": "#c9b037",
}
WATCH_COLORS = {"Minutes watched": PURPLE}
MAX_LABELLED_DAYS = 31


class ChartPanel(PaletteChartView):
    """One chart; `apply_palette` re-themes it (call it when the palette changes)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, minimum_height=220, parent=parent)
        self._colors: dict[str, str] = {}
        self._day_axis: QBarCategoryAxis | None = None
        self.chart_.plotAreaChanged.connect(lambda _area: self._fit_day_labels())

    def apply_palette(self, palette: QPalette) -> None:
        super().apply_palette(palette)
        self._recolor()

    def _recolor(self) -> None:
        """The theme resets series colors; put back the ones that carry meaning."""
        for series in self.chart_.series():
            if isinstance(series, QStackedBarSeries):
                for bar_set in series.barSets():
                    color = self._colors.get(bar_set.label())
                    if color:
                        bar_set.setColor(QColor(color))
                        bar_set.setBorderColor(QColor(color))
            elif isinstance(series, QPieSeries):
                for pie_slice in series.slices():
                    color = self._colors.get(str(pie_slice.property("kind")))
                    if color:
                        pie_slice.setColor(QColor(color))

    def show_bars(
        self,
        days: Sequence[str],
        sets: Mapping[str, Sequence[float]],
        colors: dict[str, str],
        axis_title: str = "",
    ) -> QStackedBarSeries:
        """Stacked bars, one per day; day labels only where they fit."""
        self.clear_chart()
        self._colors = colors
        series = QStackedBarSeries()
        for label, values in sets.items():
            bar_set = QBarSet(label)
            bar_set.append([float(value) for value in values])
            series.append(bar_set)
        series.setBarWidth(0.85)
        self.chart_.addSeries(series)
        x_axis = QBarCategoryAxis()
        x_axis.append(list(days))
        labelled = len(days) <= MAX_LABELLED_DAYS
        x_axis.setLabelsVisible(labelled)
        self._day_axis = x_axis if labelled else None
        x_axis.setLineVisible(labelled)  # hundreds of ticks would draw a grey band
        x_axis.setLabelsAngle(-90)
        x_axis.setGridLineVisible(False)
        x_axis.setTitleText(axis_title)
        font = x_axis.labelsFont()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.75))
        x_axis.setLabelsFont(font)
        y_axis = QValueAxis()
        top = max((sum(values) for values in zip(*sets.values(), strict=True)), default=0)
        y_axis.setRange(0, max(4, top))
        y_axis.setLabelFormat("%d")  # nice numbers from 4 up are whole
        y_axis.applyNiceNumbers()
        self.chart_.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
        self.apply_palette(self.palette())
        return series

    def _fit_day_labels(self) -> None:
        """Day labels only where each day has room for one: narrower, QtCharts cuts every
        label to a dotted stub (the axis title still gives the dates)."""
        axis = self._day_axis
        if axis is None or not axis.count():
            return
        room = self.chart_.plotArea().width() / axis.count()
        axis.setLabelsVisible(room >= QFontMetrics(axis.labelsFont()).height() + 10)

    def show_pie(self, parts: dict[str, int], colors: dict[str, str]) -> QPieSeries:
        self._day_axis = None
        self.clear_chart()
        self._colors = colors
        series = QPieSeries()
        series.setHoleSize(0.35)
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        for kind, value in parts.items():
            if value:
                pie_slice = series.append(f"{kind}: {value:,}", value)
                pie_slice.setProperty("kind", kind)
        self.chart_.addSeries(series)
        self.apply_palette(self.palette())
        return series


def day_label(day: object) -> str:
    return f"{day.month}/{day.day}"  # type: ignore[attr-defined]


def show_reviews(panel: ChartPanel, reviews: Sequence[DayReviews]) -> QStackedBarSeries:
    labels = [day_label(day.day) for day in reviews]
    title = f"{reviews[0].day:%d %b %Y} – {reviews[-1].day:%d %b %Y}" if reviews else ""
    sets = {
        "Again": [day.again for day in reviews],
        "Hard": [day.hard for day in reviews],
        "Good": [day.good for day in reviews],
        "Easy": [day.easy for day in reviews],
    }
    return panel.show_bars(labels, sets, RATING_COLORS, title)


def show_forecast(panel: ChartPanel, forecast: Sequence[ForecastDay]) -> QStackedBarSeries:
    labels = [day_label(day.day) for day in forecast]
    sets = {
        "Learning": [day.learning for day in forecast],
        "Review": [day.review for day in forecast],
    }
    return panel.show_bars(labels, sets, FORECAST_COLORS, "Today holds the overdue cards")


def show_counts(panel: ChartPanel, counts: CardCounts) -> QPieSeries:
    parts = {
        "New": counts.new,
        "Learning": counts.learning,
        "Young": counts.young,
        "Mature": counts.mature,
        "Suspended": counts.suspended,
    }
    return panel.show_pie(parts, COUNT_COLORS)


def watch_time_text(seconds: float) -> str:
    """A total as the chart's title says it: 2 h 05 min, 12 min, under a minute, nothing."""
    minutes = round(seconds / 60)
    if seconds <= 0:
        return "nothing"
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def show_watch_time(panel: ChartPanel, days: Sequence[DayWatchTime]) -> QStackedBarSeries:
    """Minutes of video watched per study day (wall-clock time, as the watch log keeps it)."""
    labels = [day_label(day.day) for day in days]
    title = f"{days[0].day:%d %b %Y} – {days[-1].day:%d %b %Y}" if days else ""
    minutes = [round(day.seconds / 60, 1) for day in days]
    series = panel.show_bars(labels, {"Minutes watched": minutes}, WATCH_COLORS, title)
    total = sum(day.seconds for day in days)
    panel.chart_.setTitle(f"Watch time: {watch_time_text(total)} in the last {len(days)} days")
    return series
