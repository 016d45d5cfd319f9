"""The Statistics view: empty until something is reviewed, then bars, a forecast, counts and
retention that match the review log; a deck narrows it; charts follow light and dark."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCharts import QChart, QPieSeries, QStackedBarSeries
from pytestqt.qtbot import QtBot
from ui_helpers import Gui

from app.core.changes import Change
from app.core.flashcards.browser import CardFilter, CardSort, search_card_ids
from app.core.flashcards.cards import NewCard, add_cards
from app.core.flashcards.reads import local_now
from app.core.flashcards.review import REVIEW_CHANGES, answer_card
from app.core.flashcards.scheduling import Rating
from app.core.opening import OpenProfile
from app.ui.stats.charts import ChartPanel
from app.ui.stats.view import NO_RETENTION_YET, StatisticsView
from app.ui.theme import dark_palette

WAIT_MS = 10_000


def add_and_review(opened: OpenProfile, ratings: list[Rating], deck: str = "Spanish") -> str:
    from app.core.flashcards.decks import ensure_deck

    now = local_now()
    with opened.database.write_session() as session:
        deck_info = ensure_deck(session, deck)
        fronts = [NewCard(f"{deck} word {n}", "meaning") for n in range(len(ratings) + 2)]
        ids = add_cards(session, deck_info.id, fronts).card_ids
    for card_id, rating in zip(ids, ratings, strict=False):
        with opened.database.write_session() as session:
            answer_card(session, card_id, rating, 4000, now)
    return deck_info.id


def open_stats(qtbot: QtBot, gui: Gui, opened: OpenProfile) -> StatisticsView:
    view = StatisticsView(gui.context(opened))
    qtbot.addWidget(view)
    view.resize(1000, 760)
    view.show()
    qtbot.waitUntil(lambda: view.shown is not None, timeout=WAIT_MS)
    return view


def bars(panel: ChartPanel) -> dict[str, list[int]]:
    (series,) = panel.chart().series()
    assert isinstance(series, QStackedBarSeries)
    return {s.label(): [int(s.at(i)) for i in range(s.count())] for s in series.barSets()}


def slices(panel: ChartPanel) -> dict[str, int]:
    (series,) = panel.chart().series()
    assert isinstance(series, QPieSeries)
    return {str(s.property("kind")): int(s.value()) for s in series.slices()}


@pytest.fixture
def reviewed(opened: OpenProfile) -> Iterator[str]:
    yield add_and_review(opened, [Rating.AGAIN, Rating.GOOD, Rating.GOOD, Rating.EASY])


def test_a_profile_without_reviews_shows_the_empty_state(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view = open_stats(qtbot, gui, opened)
    assert view.pages.currentWidget() is view.empty
    assert "No reviews yet" in view.empty.text()


def test_reviewing_a_few_cards_shows_todays_bar_and_the_counts(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, reviewed: str
) -> None:
    view = open_stats(qtbot, gui, opened)
    assert view.pages.currentIndex() == 0
    per_day = bars(view.reviews_chart)
    assert all(len(values) == 30 for values in per_day.values())
    today = {label: values[-1] for label, values in per_day.items()}
    assert today == {"Again": 1, "Hard": 0, "Good": 2, "Easy": 1}
    assert sum(sum(values[:-1]) for values in per_day.values()) == 0
    counts = slices(view.counts_chart)
    stats = view.shown  # type: ignore[union-attr]
    assert counts.get("Learning", 0) + counts.get("Young", 0) == 4
    assert counts["New"] == stats.counts.new >= 2
    forecast = bars(view.forecast_chart)
    assert sum(forecast["Learning"]) + sum(forecast["Review"]) == 4
    assert view.retention_table.rowCount() == 5
    assert view.retention_table.item(0, 0).text() == "Today"
    # Only new cards were answered: no retention yet, and the page says why under its "–".
    assert view.retention_value.text() == "–"
    assert view.retention_note.isVisible()
    assert view.retention_note.text() == NO_RETENTION_YET

    # A longer period: 90 bars, the same day's counts.
    with qtbot.waitSignal(view.context.runner.task_finished, timeout=WAIT_MS):
        view.period.setCurrentIndex(view.period.findData(90))
    qtbot.waitUntil(lambda: view.shown is not None and view.shown.days == 90, timeout=WAIT_MS)
    assert len(bars(view.reviews_chart)["Good"]) == 90
    assert bars(view.reviews_chart)["Good"][-1] == 2


def test_choosing_a_deck_counts_only_its_reviews_and_writes_refresh_the_view(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, reviewed: str
) -> None:
    view = open_stats(qtbot, gui, opened)
    other = add_and_review(opened, [Rating.HARD], deck="French")
    view.reload()
    qtbot.waitUntil(lambda: view.deck.findData(other) > 0, timeout=WAIT_MS)
    view.deck.setCurrentIndex(view.deck.findData(other))
    qtbot.waitUntil(lambda: view.shown is not None and view.shown.deck_id == other, timeout=WAIT_MS)
    today = {label: values[-1] for label, values in bars(view.reviews_chart).items()}
    assert today == {"Again": 0, "Hard": 1, "Good": 0, "Easy": 0}

    # A review written through the runner (as the Review view does): the view reads again.
    def answer_one(_progress: object) -> Change:
        with opened.database.write_session() as session:
            filter_ = CardFilter(deck_id=other, state="new")
            card_id = search_card_ids(session, filter_, CardSort(), local_now())[0]
            answer_card(session, card_id, Rating.GOOD, 3000, local_now())
        return REVIEW_CHANGES

    view.context.runner.run_write(answer_one, label="Answering")
    qtbot.waitUntil(lambda: bars(view.reviews_chart)["Good"][-1] == 1, timeout=WAIT_MS)


def test_charts_follow_the_dark_palette(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, reviewed: str
) -> None:
    view = open_stats(qtbot, gui, opened)
    assert view.reviews_chart.chart().theme() == QChart.ChartTheme.ChartThemeLight
    view.setPalette(dark_palette())
    assert all(c.chart().theme() == QChart.ChartTheme.ChartThemeDark for c in view.charts)
    good = next(s for s in view.reviews_chart.chart().series()[0].barSets() if s.label() == "Good")
    assert good.color().name() == "#4caf50"  # the meaning colors survive the theme


def test_day_labels_show_only_where_each_has_room_never_as_dotted_stubs(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, reviewed: str
) -> None:
    from PySide6.QtCharts import QBarCategoryAxis
    from PySide6.QtGui import QFontMetrics

    view = open_stats(qtbot, gui, opened)
    (axis,) = [a for a in view.reviews_chart.chart().axes() if isinstance(a, QBarCategoryAxis)]
    need = QFontMetrics(axis.labelsFont()).height() + 10  # below this QtCharts cuts them to …

    def room() -> float:
        return view.reviews_chart.chart().plotArea().width() / axis.count()

    for width in (620, 1000, 560, 1200):  # a small laptop's window, then wider, and back
        view.resize(width, 760)
        qtbot.waitUntil(lambda: axis.labelsVisible() == (room() >= need), timeout=WAIT_MS)
    view.resize(1200, 760)
    qtbot.waitUntil(axis.labelsVisible, timeout=WAIT_MS)
    view.resize(620, 760)
    qtbot.waitUntil(lambda: not axis.labelsVisible(), timeout=WAIT_MS)


def watch(opened: OpenProfile, seconds: float, days_ago: int = 0) -> None:
    """Play the sample video for `seconds` of wall-clock time, `days_ago` study days back."""
    from datetime import timedelta

    from app.core.videos.library import library
    from app.core.videos.watching import record_interval

    (sample,) = library(opened.database).rows
    started = local_now() - timedelta(days=days_ago, minutes=5)
    while seconds > 0:
        wall = min(seconds, 15.0)
        record_interval(opened.database, sample.id, 0.0, wall, started_at=started, wall_s=wall)
        started += timedelta(seconds=wall)
        seconds -= wall


def test_watch_time_per_day_shows_with_no_reviews_and_follows_what_is_watched(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    from app.core.videos.library import library
    from app.core.videos.watching import record_interval

    watch(opened, 150, days_ago=1)
    watch(opened, 30)
    view = open_stats(qtbot, gui, opened)
    qtbot.waitUntil(lambda: view.watch_shown is not None, timeout=WAIT_MS)
    assert view.pages.currentIndex() == 0  # watching alone is enough to show the charts
    (series,) = view.watch_chart.chart().series()
    (minutes,) = series.barSets()
    assert minutes.label() == "Minutes watched"
    per_day = [minutes.at(i) for i in range(minutes.count())]
    assert len(per_day) == 30
    assert per_day[-2:] == [2.5, 0.5]  # yesterday, today
    assert sum(per_day[:-2]) == 0
    assert view.watch_chart.chart().title() == "Watch time: 3 min in the last 30 days"
    stats = view.shown

    # Watching through the runner (as the player does) re-reads the watch time only.
    (sample,) = library(opened.database).rows
    view.context.runner.run_write(
        lambda _p: record_interval(opened.database, sample.id, 0.0, 15.0), label="Watching"
    )
    qtbot.waitUntil(
        lambda: view.watch_shown is not None and view.watch_shown[-1].seconds == 45.0,
        timeout=WAIT_MS,
    )
    assert view.shown is stats  # the card statistics were not read again
    assert view.watch_chart.chart().title() == "Watch time: 3 min in the last 30 days"


def test_no_reviews_and_nothing_watched_is_the_empty_state(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view = open_stats(qtbot, gui, opened)
    qtbot.waitUntil(lambda: view.watch_shown is not None, timeout=WAIT_MS)
    assert view.pages.currentWidget() is view.empty
    assert view.watch_chart.chart().title() == "Watch time: nothing in the last 30 days"


def test_the_watch_time_chart_shows_only_once_something_was_watched(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, reviewed: str
) -> None:
    """Reviews and no video watched: the card figures alone, not a full-size empty chart."""
    from app.core.videos.library import library
    from app.core.videos.watching import record_interval

    view = open_stats(qtbot, gui, opened)
    qtbot.waitUntil(lambda: view.watch_shown is not None, timeout=WAIT_MS)
    assert view.pages.currentIndex() == 0 and view.reviews_chart.isVisible()
    assert not view.watch_chart.isVisible()
    (sample,) = library(opened.database).rows
    view.context.runner.run_write(
        lambda _p: record_interval(opened.database, sample.id, 0.0, 15.0), label="Watching"
    )
    qtbot.waitUntil(view.watch_chart.isVisible, timeout=WAIT_MS)
    assert view.watch_chart.chart().title() == "Watch time: under a minute in the last 30 days"
