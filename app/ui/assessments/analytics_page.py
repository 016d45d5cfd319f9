"""Analytics: percent correct by subject and by system with the 95 % range shown (never a bare
percentage of two answers), answers and time per question, the weakest areas, the weekly
trend, and the study streak across cards, lessons, videos and questions. A subject can be
drilled into (its systems, its weeks). Offline there is no cohort, and the page says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.assessments.analytics import Analytics, AreaFigures, analytics
from app.core.flashcards.reads import local_now
from app.ui.assessments.charts import AnalyticsChart
from app.ui.assessments.widgets import clock, plural, small_combo, wrapped

if TYPE_CHECKING:
    from app.ui.context import ViewContext

TABLE_HEADERS = ("Area", "Answers", "Correct", "95 % range", "Time")


def range_text(area: AreaFigures) -> str:
    return f"{area.low:.0f}–{area.high:.0f}%"


def weak_text(data: Analytics) -> str:
    if not data.weak_areas:
        need = data.min_attempts
        return (
            f"No weak area yet: an area needs {need} answers before it is judged."
            if data.total.attempts
            else ""
        )
    lines = [
        f"{n}. {w.figures.name} ({w.kind}): {w.figures.percent:.0f}% correct, "
        f"likely {range_text(w.figures)}, {plural(w.figures.attempts, 'answer')}"
        for n, w in enumerate(data.weak_areas, 1)
    ]
    text = "<b>Weakest areas</b> (lowest by the top of their 95 % range):<br/>" + "<br/>".join(
        lines
    )
    if data.too_few:
        text += (
            f"<br/>Too few answers to judge yet (under {data.min_attempts}): "
            + ", ".join(data.too_few[:8])
            + ("…" if len(data.too_few) > 8 else "")
        )
    return text


class AnalyticsPage(QScrollArea):
    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.data: Analytics | None = None
        self.setWidgetResizable(True)
        self.setAccessibleName("Analytics")  # a Tab stop: the arrows scroll the figures
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.cohort = wrapped("")
        self.cohort.setAccessibleName("About these figures")
        self.subject = small_combo([("All subjects", None)], "Drill down into a subject")
        self.summary = wrapped("")
        self.summary.setAccessibleName("Summary")
        self.empty = wrapped(
            "No answers yet: take a block (New Block) and your figures by subject and system, "
            "weak areas and trend show here."
        )
        self.empty.hide()
        self.weak = wrapped("")
        self.weak.setAccessibleName("Weak areas")
        self.areas_chart = AnalyticsChart("Percent correct by subject (95 % range)")
        self.systems_chart = AnalyticsChart("Percent correct by system (95 % range)")
        self.weeks_chart = AnalyticsChart("Weekly trend")
        self.times_chart = AnalyticsChart("Time per question, by week")
        self.table = QTreeWidget()
        self.table.setAccessibleName("Figures by subject and system")
        self.table.setHeaderLabels(list(TABLE_HEADERS))
        self.table.setMinimumHeight(180)
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(TABLE_HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 6, 8, 6)
        layout.addWidget(self.cohort)
        layout.addWidget(self.subject)
        layout.addWidget(self.summary)
        layout.addWidget(self.empty)
        layout.addWidget(self.weak)
        for chart in (self.areas_chart, self.systems_chart, self.weeks_chart, self.times_chart):
            layout.addWidget(chart)
        self.table_title = QLabel("By subject and system")
        layout.addWidget(self.table_title)
        layout.addWidget(self.table)
        layout.addStretch(1)  # a short page (no answers yet) stays at the top
        self.setWidget(body)
        self.subject.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.itemActivated.connect(self._drill)

    def reload(self) -> None:
        subject = self.subject.currentData()
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: analytics(opened.database, now=local_now(), subject=subject),
            on_done=self._show,
            owner=self,
            latest="analytics",
        )

    def _show(self, data: Analytics) -> None:
        self.data = data
        palette = self.palette()
        self.cohort.setText(data.cohort_note)
        if data.subject is None:
            kept = self.subject.currentData()
            self.subject.blockSignals(True)
            self.subject.clear()
            self.subject.addItem("All subjects", None)
            for area in data.by_subject:
                self.subject.addItem(area.name, area.name)
            self.subject.setCurrentIndex(max(0, self.subject.findData(kept) if kept else 0))
            self.subject.blockSignals(False)
        total, streak = data.total, data.streak
        today = "studied today" if streak.studied_today else "not yet today"
        self.summary.setText(
            f"<b>{total.percent:.0f}% correct</b> (likely {range_text(total)}) of "
            f"{plural(total.attempts, 'answer')}, {clock(total.mean_time_ms)} per question. "
            f"Study streak: {plural(streak.current_days, 'day')} ({today}); "
            f"longest {plural(streak.longest_days, 'day')}."
        )
        has = total.attempts > 0
        self.empty.setVisible(not has)
        # Before the first answer: the message alone, not "0% correct" over an empty table.
        studied = streak.current_days > 0 or streak.longest_days > 0
        self.summary.setVisible(has or studied)
        if not has:
            self.summary.setText(
                f"Study streak: {plural(streak.current_days, 'day')} ({today}); "
                f"longest {plural(streak.longest_days, 'day')}."
            )
        self.cohort.setVisible(has)  # what the figures compare with: said once there are some
        self.subject.setVisible(has or data.subject is not None)  # a way back from a subject
        self.table_title.setVisible(has)
        self.table.setVisible(has)
        self.weak.setText(weak_text(data))
        self.weak.setVisible(bool(self.weak.text()))
        drill = data.subject is not None
        self.areas_chart.setVisible(has and not drill)
        self.systems_chart.setVisible(has)
        self.weeks_chart.setVisible(has)
        self.times_chart.setVisible(has)
        if drill:
            self.systems_chart.chart_.setTitle(f"{data.subject}: percent correct by system")
        else:
            self.systems_chart.chart_.setTitle("Percent correct by system (95 % range)")
        for chart in (self.areas_chart, self.systems_chart, self.weeks_chart, self.times_chart):
            chart.apply_palette(palette)
        if has:
            self.areas_chart.show_areas(data.by_subject)
            self.systems_chart.show_areas(data.by_system)
            self.weeks_chart.show_weeks(data.weeks)
            self.times_chart.show_times(data.weeks)
            for chart in (self.areas_chart, self.systems_chart, self.weeks_chart):
                chart.apply_palette(palette)
            self.times_chart.apply_palette(palette)
        self._fill_table(data)

    def _fill_table(self, data: Analytics) -> None:
        self.table.clear()
        groups = [("Systems", data.by_system)]
        if data.subject is None:
            groups.insert(0, ("Subjects", data.by_subject))
        for title, areas in groups:
            parent = QTreeWidgetItem([title])
            self.table.addTopLevelItem(parent)
            for area in areas:
                item = QTreeWidgetItem(
                    [
                        area.name,
                        f"{area.attempts:,}",
                        f"{area.percent:.0f}%",
                        range_text(area),
                        clock(area.mean_time_ms),
                    ]
                )
                item.setData(0, 256, area.name if title == "Subjects" else None)
                parent.addChild(item)
            parent.setExpanded(True)

    def _drill(self, item: QTreeWidgetItem, _column: int) -> None:
        subject = item.data(0, 256)
        if subject:
            self.subject.setCurrentIndex(max(0, self.subject.findData(subject)))
