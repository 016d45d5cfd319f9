"""Statistics: how much was reviewed, what falls due, where the cards stand, how much sticks,
and how much video was watched.

Computed in one background read (about a tenth of a second over 100,000 cards); the view reads
only when shown, and again after writes touching cards, reviews or decks. Watch time (the whole
profile's, per study day) is a read of its own, made again after what was watched changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.core.flashcards import reads
from app.core.flashcards.decks import DeckInfo
from app.core.flashcards.stats import DeckStatistics, Retention
from app.core.videos.watching import DayWatchTime, watch_time_per_day
from app.ui.context import ViewContext
from app.ui.refresh import RefreshOnChange
from app.ui.stats.charts import (
    ChartPanel,
    show_counts,
    show_forecast,
    show_reviews,
    show_watch_time,
)

PERIODS = ((30, "Last 30 days"), (90, "Last 90 days"), (365, "Last 365 days"))
NO_REVIEWS = "No reviews yet"
WATCH_DAYS = 30
EMPTY_TEXT = (
    f"<h3>{NO_REVIEWS}</h3><p>Statistics appear here once you have reviewed some cards "
    "or watched a video.</p>"
)
CALCULATING = "calculating…"
NO_RETENTION_YET = (
    "None yet: it counts your answers to cards you have already learnt, not to new ones."
)


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.1f} %"


class StatisticsView(RefreshOnChange, QWidget):
    title = "Statistics"
    SHOWS = Change.CARDS | Change.REVIEWS | Change.DECKS | Change.WATCHING
    CARD_CHANGES = Change.CARDS | Change.REVIEWS | Change.DECKS

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.mark_stale()  # loads when first shown
        self.shown: DeckStatistics | None = None
        self.watch_shown: tuple[DayWatchTime, ...] | None = None

        self.deck = QComboBox()
        self.deck.addItem("Whole profile", None)
        # As wide as "Whole profile"; a longer deck name reads whole in the list below it.
        self.deck.setMinimumContentsLength(14)
        self.deck.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.period = QComboBox()
        for days, text in PERIODS:
            self.period.addItem(text, days)
        top = QHBoxLayout()
        deck_label = QLabel("&Deck:")
        deck_label.setBuddy(self.deck)  # names the list for a screen reader; Alt+D goes to it
        period_label = QLabel("&Reviews over:")
        period_label.setBuddy(self.period)
        top.addWidget(deck_label)
        top.addWidget(self.deck)
        top.addSpacing(12)
        top.addWidget(period_label)
        top.addWidget(self.period)
        top.addStretch(1)

        self.reviews_chart = ChartPanel("Reviews per day")
        self.forecast_chart = ChartPanel("Due in the next 30 days")
        self.counts_chart = ChartPanel("Cards")
        self.watch_chart = ChartPanel("Watch time")
        self.watch_chart.setToolTip(
            "Minutes spent playing videos each day (the whole profile, whichever deck is chosen)"
        )
        self.retention_value = QLabel("–")
        font = QFont(self.retention_value.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.retention_value.setFont(font)
        self.retention_value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.retention_table = QTableWidget(0, 4)
        self.retention_table.setHorizontalHeaderLabels(["Period", "Passed", "Failed", "Retention"])
        self.retention_table.verticalHeader().hide()
        self.retention_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.retention_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the periods' names
        self.retention = retention = QFrame()
        retention.setFrameShape(QFrame.Shape.StyledPanel)
        retention_layout = QVBoxLayout(retention)
        heading = QLabel("True retention (review cards remembered), last 30 days")
        heading.setWordWrap(True)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        retention_layout.addWidget(heading)
        retention_layout.addWidget(self.retention_value)
        # Under a lone "–", what it is waiting for (the first answers were all to new cards).
        self.retention_note = QLabel(NO_RETENTION_YET)
        self.retention_note.setWordWrap(True)
        self.retention_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.retention_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.retention_note.hide()
        retention_layout.addWidget(self.retention_note)
        retention_layout.addWidget(self.retention_table, 1)

        self.grid_page = grid_page = QWidget()
        self.grid = grid = QGridLayout(grid_page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.reviews_chart, 0, 0, 1, 2)
        grid.addWidget(self.forecast_chart, 1, 0, 1, 2)
        grid.addWidget(self.counts_chart, 2, 0)
        grid.addWidget(retention, 2, 1)
        grid.addWidget(self.watch_chart, 4, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.side_by_side = True
        grid_page.installEventFilter(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(grid_page)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(scroll)
        self.pages.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        self.deck.currentIndexChanged.connect(lambda _i: self.refresh())
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.listen_for_changes(context.runner)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.grid_page and event.type() == QEvent.Type.Resize:
            self._place_retention()
        return False

    def _place_retention(self) -> None:
        """The cards and the retention table side by side where the table's four columns fit
        half the page, else each on a row of its own (a small laptop, larger text): never
        "Last …" three times over."""
        table = self.retention_table
        header = table.horizontalHeader()
        need = sum(
            max(header.sectionSizeHint(column), table.sizeHintForColumn(column))
            for column in range(table.columnCount())
        )
        around = self.retention.width() - table.viewport().width()  # frames and margins
        half = (self.grid_page.width() - self.grid.horizontalSpacing()) // 2
        side_by_side = half - around >= need
        if side_by_side == self.side_by_side:
            return
        self.side_by_side = side_by_side
        self.grid.removeWidget(self.counts_chart)
        self.grid.removeWidget(self.retention)
        if side_by_side:
            self.grid.addWidget(self.counts_chart, 2, 0)
            self.grid.addWidget(self.retention, 2, 1)
        else:
            self.grid.addWidget(self.counts_chart, 2, 0, 1, 2)
            self.grid.addWidget(self.retention, 3, 0, 1, 2)

    @property
    def charts(self) -> tuple[ChartPanel, ...]:
        return (self.reviews_chart, self.forecast_chart, self.counts_chart, self.watch_chart)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            for chart in self.charts:
                chart.apply_palette(self.palette())
        elif event.type() == QEvent.Type.FontChange:  # the table's columns need more or less
            QTimer.singleShot(0, self, self._place_retention)

    def refresh_for(self, changes: Change) -> None:
        if changes & self.CARD_CHANGES:
            self.reload()
        else:
            self.read_watch_time()

    def reload(self) -> None:
        """Read the decks, the statistics and the watch time again."""
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: reads.deck_tree(opened.database), on_done=self._decks_arrived, owner=self
        )
        self.read_watch_time()
        self.refresh()

    def read_watch_time(self) -> None:
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: watch_time_per_day(opened.database, reads.local_now(), WATCH_DAYS),
            on_done=self._watch_time_arrived,
            owner=self,
            latest="watch time",
        )

    def _watch_time_arrived(self, days: tuple[DayWatchTime, ...]) -> None:
        self.watch_shown = days
        show_watch_time(self.watch_chart, days)
        self._choose_page()

    def _choose_page(self) -> None:
        """The charts once anything was reviewed or watched; else what will appear here."""
        reviewed = self.shown is not None and self.shown.has_reviews
        watched = any(day.seconds > 0 for day in self.watch_shown or ())
        # No chart of nothing: a learner who watched no video in these days sees the card
        # figures only (the chart comes back with the first minute watched).
        self.watch_chart.setVisible(watched)
        if reviewed or watched:
            self.pages.setCurrentIndex(0)
        elif self.shown is not None:
            self.pages.setCurrentWidget(self.empty)

    def refresh(self) -> None:
        deck_id, days, opened = (
            self.deck.currentData(),
            self.period.currentData(),
            self.context.opened,
        )
        self._show_calculating()
        self.context.runner.run_read(
            lambda _p: reads.statistics(opened.database, deck_id, days),
            label="Calculating statistics",
            on_done=self._arrived,
            owner=self,
            latest="statistics",
        )

    def _show_calculating(self) -> None:
        """Say the figures are on their way where they will appear: the first chart's title
        (it has the room a row of controls lacks at 800 x 600), or the page saying there are
        none yet."""
        self.reviews_chart.chart_.setTitle(f"Reviews per day: {CALCULATING}")
        self.empty.setText(f"<h3>{CALCULATING.capitalize()}</h3>")

    def _decks_arrived(self, decks: tuple[DeckInfo, ...]) -> None:
        chosen = self.deck.currentData()
        self.deck.blockSignals(True)
        self.deck.clear()
        self.deck.addItem("Whole profile", None)
        for deck in decks:
            self.deck.addItem("    " * deck.depth + deck.name, deck.id)
        self.deck.setCurrentIndex(max(0, self.deck.findData(chosen)))
        self.deck.blockSignals(False)
        if chosen is not None and self.deck.currentData() is None:
            self.refresh()

    def _arrived(self, stats: DeckStatistics) -> None:
        self.shown = stats
        self.empty.setText(EMPTY_TEXT)
        self._choose_page()
        show_reviews(self.reviews_chart, stats.reviews)
        self.reviews_chart.chart_.setTitle(
            f"Reviews per day: {sum(day.reviews for day in stats.reviews):,} in "
            f"{self.period.currentText().lower()}"
        )
        show_forecast(self.forecast_chart, stats.forecast)
        show_counts(self.counts_chart, stats.counts)
        self.counts_chart.chart_.setTitle(f"Cards: {stats.counts.total:,}")
        self._show_retention(stats.retention)

    def _show_retention(self, periods: tuple[Retention, ...]) -> None:
        month = next((p for p in periods if p.label == "Last 30 days"), None)
        self.retention_value.setText(_percent(month.rate if month else None))
        self.retention_note.setVisible(month is None or month.rate is None)
        self.retention_table.setRowCount(len(periods))
        for row, period in enumerate(periods):
            values = (
                period.label,
                f"{period.passed:,}",
                f"{period.failed:,}",
                _percent(period.rate),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.retention_table.setItem(row, column, item)
        self._place_retention()  # wider figures may need the page's width
