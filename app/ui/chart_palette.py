"""Charts that follow the window's palette, and the colours several views' charts share.

A dark palette gets QtCharts' dark theme; the chart's background is the palette's base colour,
so it sits in its view like any other panel, and its title, legend and axes take the palette's
text colour. A theme resets the series' colours: a chart whose colours carry meaning sets them
again after `apply_chart_palette` (its view's `apply_palette` does).
"""

from __future__ import annotations

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QWidget

BLUE = "#3a8fd6"
GREEN = "#2e7d32"
AMBER = "#e0a030"
PURPLE = "#8e6bbf"


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply_chart_palette(chart: QChart, palette: QPalette) -> None:
    """Theme, background and text colours of `chart` (and of the axes it has now) by `palette`."""
    chart.setTheme(
        QChart.ChartTheme.ChartThemeDark if is_dark(palette) else QChart.ChartTheme.ChartThemeLight
    )
    chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
    text = palette.color(QPalette.ColorRole.Text)
    chart.setTitleBrush(text)
    chart.legend().setLabelColor(text)
    for axis in chart.axes():
        axis.setLabelsColor(text)
        axis.setTitleBrush(text)


class PaletteChartView(QChartView):
    """One chart (`chart_`, its legend below it), antialiased; `apply_palette` re-themes it: call
    it when the palette changes."""

    def __init__(
        self, title: str = "", *, minimum_height: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.chart_ = QChart()
        if title:
            self.chart_.setTitle(title)
        self.chart_.setMargins(QMargins(4, 4, 4, 4))
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.setChart(self.chart_)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(minimum_height)

    def apply_palette(self, palette: QPalette) -> None:
        apply_chart_palette(self.chart_, palette)

    def clear_chart(self) -> None:
        """Remove every series and axis (before drawing the chart anew)."""
        self.chart_.removeAllSeries()
        for axis in self.chart_.axes():
            self.chart_.removeAxis(axis)
