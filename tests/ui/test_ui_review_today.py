"""Today's flashcards section: due cards per deck and a button to start reviewing."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from review_helpers import SAMPLE_CARDS, WAIT_MS
from ui_helpers import Gui, click

from app.core.opening import OpenProfile
from app.core.sample_actions import remove_sample_content
from app.features import Destination
from app.ui.review.today_section import DueCardsSection
from app.ui.today.view import TodayView


def test_today_lists_the_sample_deck_with_its_due_count_and_starts_a_review(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    today = TodayView(gui.context(opened))
    qtbot.addWidget(today)
    section = DueCardsSection(gui.context(opened))
    today.add_section(section)
    today.show()
    qtbot.waitExposed(today)
    qtbot.waitUntil(section.isVisible, timeout=WAIT_MS)
    assert section.deck_names() == ["Sample"]
    assert section.rows[0].counts.total == SAMPLE_CARDS
    assert section.total.text() == f"{SAMPLE_CARDS} cards to study today"
    assert not today.empty.isVisible()
    with qtbot.waitSignal(section.context.navigator.requested, timeout=WAIT_MS) as asked:
        click(qtbot, section.button)
    assert asked.args == [Destination.DECK_REVIEW, (None,)]

    runner = today.context.runner
    with qtbot.waitSignal(runner.data_changed, timeout=WAIT_MS):
        runner.run_write(lambda _p: remove_sample_content(opened.database), label="")
    qtbot.waitUntil(lambda: not section.isVisible(), timeout=WAIT_MS)
