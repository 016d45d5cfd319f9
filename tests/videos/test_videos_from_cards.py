"""A card made from a video moment opens that moment: from Review once the answer shows (a
button, or V), and from the card browser's detail. Driven in the real window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.core.flashcards.from_video import make_card_from_video_moment
from app.core.videos.library import library
from app.ui.cards.view import CardBrowserView
from app.ui.context import ViewContext
from app.ui.main_window import MainWindow
from app.ui.review.review_pane import ReviewPane
from app.ui.review.view import ReviewView
from app.ui.videos.view import VideosView

WAIT_MS = 10_000


@pytest.fixture
def card_at_12s(context: ViewContext) -> tuple[str, str]:
    """A card made from the sample video's moment at 0:12 (its deck, the video)."""
    opened = context.opened
    (sample,) = library(opened.database).rows
    made = make_card_from_video_moment(
        opened.database, opened.profile.media_dir, sample.id, 12.0, "Keys", "Space plays"
    )
    assert made.created
    with opened.database.read_session() as session:
        from app.db.models import Card

        deck_id = session.get(Card, made.card_id).deck_id  # type: ignore[union-attr]
    return deck_id, sample.id


def playing_video(qtbot: QtBot, window: MainWindow, video_id: str) -> VideosView:
    videos = window.view_of("Videos")
    assert isinstance(videos, VideosView)
    assert window.stack.currentWidget() is videos
    player = videos.player
    qtbot.waitUntil(lambda: player.video_id == video_id, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: player.player.position_s >= 12.0, timeout=WAIT_MS)
    assert player.player.playing
    return videos


def reviewing(qtbot: QtBot, window: MainWindow, deck_id: str | None) -> ReviewPane:
    """Review (through the navigator, as Today does) with the deck's first card on screen."""
    window.context.navigator.start_review(deck_id)
    review = window.view_of("Review")
    assert isinstance(review, ReviewView)
    pane = review.pane
    qtbot.waitUntil(lambda: pane.card is not None, timeout=WAIT_MS)
    return pane


def test_v_in_review_opens_the_video_at_the_cards_moment(
    qtbot: QtBot, window: MainWindow, card_at_12s: tuple[str, str]
) -> None:
    deck_id, video_id = card_at_12s
    pane = reviewing(qtbot, window, deck_id)
    assert pane.card is not None and pane.card.source_kind == "video"
    assert not pane.moment_button.isVisible()  # the front first: the video would tell
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    assert pane.moment_button.isVisible()
    assert pane.moment_button.text() == "Open video at 0:12"
    qtbot.keyClick(pane, Qt.Key.Key_V)
    videos = playing_video(qtbot, window, video_id)
    # It opened at the moment (not where the learner stopped, a few seconds back).
    assert videos.player.player.position_s < 14.0


def test_the_button_in_review_and_the_card_browser_open_the_moment(
    qtbot: QtBot, window: MainWindow, context: ViewContext, card_at_12s: tuple[str, str]
) -> None:
    deck_id, video_id = card_at_12s
    pane = reviewing(qtbot, window, deck_id)
    pane.show_answer()
    qtbot.mouseClick(pane.moment_button, Qt.MouseButton.LeftButton)
    videos = playing_video(qtbot, window, video_id)
    videos.show_library()

    (card_id,) = [pane.card.id]  # type: ignore[union-attr]
    context.navigator.open_card(card_id)
    cards = window.view_of("Cards")
    assert isinstance(cards, CardBrowserView)
    editor = cards.editor
    qtbot.waitUntil(lambda: editor.card_id == card_id, timeout=WAIT_MS)
    assert editor.moment_button.isVisible()
    assert editor.moment_button.text() == "Open video at 0:12"
    qtbot.mouseClick(editor.moment_button, Qt.MouseButton.LeftButton)
    playing_video(qtbot, window, video_id)


def test_a_card_from_anything_else_offers_no_video(qtbot: QtBot, window: MainWindow) -> None:
    pane = reviewing(qtbot, window, None)  # the sample decks' cards
    pane.show_answer()
    assert pane.card is not None and pane.card.source_kind != "video"
    assert not pane.moment_button.isVisible()
    assert not pane.moment_action.isEnabled()
