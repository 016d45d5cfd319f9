"""The card editor: Ctrl+N adds a card, E edits the one on screen, images go to the media folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from lessons_helpers import png_bytes
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot
from review_helpers import SAMPLE_CARDS, SAMPLE_DECK, WAIT_MS, card_row, deck_id, show_review
from ui_helpers import Gui, visible

from app.core.flashcards import card_actions, reads
from app.core.flashcards.browser import CardFilter, CardSort
from app.core.opening import OpenProfile
from app.ui.review.card_editor import CardEditor
from app.ui.screen_fit import SMALL_SCREEN, WINDOW_FRAME, fitted_size


def test_ctrl_n_adds_a_card_that_shows_in_the_deck_counts(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view = show_review(qtbot, gui, opened)
    qtbot.keyClick(view.pane, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = view.editor
    assert isinstance(editor, CardEditor) and editor.isVisible()
    assert editor.windowTitle() == "Add Card"
    editor.deck.setCurrentIndex(editor.deck.findText(SAMPLE_DECK))
    editor.front.setPlainText("What is **active recall**?")
    editor.back.setPlainText("Retrieving the answer from memory.")
    editor.tags.setText("study-skills, memory")
    qtbot.waitUntil(lambda: "active recall" in editor.preview.plain_text(), timeout=WAIT_MS)
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        qtbot.keyClick(editor.front, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert editor.isVisible() and editor.front.toPlainText() == ""  # ready for the next
    assert editor.status.text().startswith(f"Added to {SAMPLE_DECK}")
    qtbot.waitUntil(
        lambda: view.decks.model.counts_of(None).new == SAMPLE_CARDS + 1, timeout=WAIT_MS
    )
    sample = view.decks.model.counts_of(deck_id(opened, SAMPLE_DECK))
    assert sample.new == SAMPLE_CARDS + 1


def test_an_empty_front_is_refused_in_the_editor(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view = show_review(qtbot, gui, opened)
    view.add_card()
    editor = view.editor
    assert editor is not None
    editor.save()
    assert editor.status.text() == "A card needs something on its front."


def test_e_edits_the_card_on_screen(qtbot: QtBot, gui: Gui, opened: OpenProfile) -> None:
    view = show_review(qtbot, gui, opened)
    card = view.pane.card
    assert card is not None
    qtbot.keyClick(view.pane, Qt.Key.Key_E)
    editor = view.editor
    assert isinstance(editor, CardEditor) and editor.windowTitle() == "Edit Card"
    assert editor.front.toPlainText() == card.front
    editor.front.setPlainText("Edited: what does spaced repetition do?")
    with qtbot.waitSignal(view.pane.step_shown, timeout=WAIT_MS):
        editor.save()
    assert not visible(editor)
    assert card_row(opened, card.id).front == "Edited: what does spaced repetition do?"
    assert view.pane.card is not None and view.pane.card.id == card.id
    assert "Edited: what does" in view.pane.browser.plain_text()


def test_insert_image_stores_it_in_the_media_folder_and_links_it(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, tmp_path: Path
) -> None:
    view = show_review(qtbot, gui, opened)
    view.add_card()
    editor = view.editor
    assert editor is not None
    picture = tmp_path / "cell.png"
    picture.write_bytes(png_bytes())
    editor.back.setFocus()
    qtbot.waitUntil(lambda: editor.writing_into is editor.back, timeout=WAIT_MS)
    editor.insert_image(picture)
    qtbot.waitUntil(lambda: "studydesk-media:" in editor.back.toPlainText(), timeout=WAIT_MS)
    stored = list(opened.profile.media_dir.glob("*.png"))
    assert len(stored) == 1
    assert editor.back.toPlainText() == f"![cell](studydesk-media:{stored[0].name})"
    editor.front.setPlainText("A cell")
    qtbot.waitUntil(lambda: "A cell" in editor.preview.plain_text(), timeout=WAIT_MS)
    assert editor.preview.refused == []


def test_saving_an_edit_without_changes_keeps_a_tag_of_two_words(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    # Issue 12: E then Save on a card tagged "machine learning" split it into two tags.
    every_card = reads.browser_ids(opened.database, CardFilter(), CardSort()).ids
    card_actions.tag_cards(opened.database, every_card, ["machine learning"])
    view = show_review(qtbot, gui, opened)
    card = view.pane.card
    assert card is not None and "machine learning" in card.tags
    qtbot.keyClick(view.pane, Qt.Key.Key_E)
    editor = view.editor
    assert isinstance(editor, CardEditor)
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        editor.save_button.click()
    assert reads.card_detail(opened.database, card.id).tags == card.tags
    assert "machine learning" in reads.browser_choices(opened.database).tags
    assert "machine" not in reads.browser_choices(opened.database).tags


@pytest.mark.parametrize("percent", [100, 130])
def test_the_editor_opens_within_a_small_laptop_screen(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, percent: int
) -> None:
    """It opened 820 px wide whatever the screen, its Add button past the edge of an 800 px
    one; now it takes that size only where the screen has room, title bar and borders too."""
    gui.appearance.apply_text_size(percent)
    try:
        view = show_review(qtbot, gui, opened)
        view.add_card()
        editor = view.editor
        assert editor is not None
        area = editor.screen().availableGeometry().size()
        assert area.width() <= 800  # the test screen is a small one
        assert editor.width() + WINDOW_FRAME.width() <= area.width()
        assert editor.height() + WINDOW_FRAME.height() <= area.height()
        least = editor.minimumSizeHint()  # it can always be made to fit the smallest screen
        assert least.width() + WINDOW_FRAME.width() <= SMALL_SCREEN.width(), least
        assert least.height() + WINDOW_FRAME.height() <= SMALL_SCREEN.height(), least
        assert fitted_size(QSize(820, 520), QSize(500, 300), QSize(1280, 800)) == QSize(820, 520)
    finally:
        gui.appearance.apply_text_size(100)


def test_enter_in_the_tags_box_adds_the_card_and_asks_for_no_image(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Insert Image… was the form's default button: Enter after the tags opened a file
    chooser instead of adding the card."""
    asked: list[object] = []
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: asked.append(a) or ("", ""))
    )
    view = show_review(qtbot, gui, opened)
    view.add_card()
    editor = view.editor
    assert editor is not None
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=WAIT_MS)
    editor.front.setPlainText("What is **spacing**?")
    editor.back.setPlainText("Reviews spread over days.")
    editor.tags.setFocus()
    qtbot.keyClicks(editor.tags, "memory")
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        qtbot.keyClick(editor.tags, Qt.Key.Key_Return)
    assert asked == []
    assert editor.status.text().startswith("Added to")
    editor.image_button.setFocus(Qt.FocusReason.TabFocusReason)  # Tab reached it: Enter is its
    qtbot.keyClick(editor.image_button, Qt.Key.Key_Return)
    assert len(asked) == 1
