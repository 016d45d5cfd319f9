"""The deck list: its model, Enter to study a deck, and the deck actions and their keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from review_helpers import SAMPLE_CARDS, SAMPLE_DECK, WAIT_MS, deck_id, show_review
from ui_helpers import Gui

from app.core.notes.links import LinkTarget
from app.core.notes.note_reads import open_note
from app.core.opening import OpenProfile
from app.features.declarations import Destination
from app.ui.review import deck_panel
from app.ui.review.deck_dialogs import (
    TOP_LEVEL,
    DeckOptionsDialog,
    MoveDeckDialog,
    NewDeckDialog,
    parse_steps,
    steps_text,
)
from app.ui.review.deck_model import DUE, LEARN, NAME, NEW, DeckTreeModel


def test_the_deck_tree_model_passes_the_model_tester(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, qtmodeltester: ModelTester
) -> None:
    view = show_review(qtbot, gui, opened)
    model = view.decks.model
    qtmodeltester.check(model)
    assert model.rowCount() == 2  # All decks, Sample
    all_row, sample = model.index(0, NAME), model.index(1, NAME)
    assert all_row.data() == "All decks" and sample.data() == "Sample"
    child = model.index(0, NAME, sample)
    assert child.data() == "Getting started with flashcards"
    assert child.parent() == sample
    assert [model.index(0, c, sample).data() for c in (NEW, LEARN, DUE)] == ["14", "0", "0"]
    assert model.index(0, NEW).data() == str(SAMPLE_CARDS)

    fresh = DeckTreeModel()
    qtmodeltester.check(fresh)  # only "All decks" before the first load
    assert fresh.rowCount() == 1


def test_enter_on_a_deck_studies_that_deck(qtbot: QtBot, gui: Gui, opened: OpenProfile) -> None:
    view = show_review(qtbot, gui, opened)
    tree, model = view.decks.tree, view.decks.model
    sample = model.index(1, NAME)
    child = model.index(0, NAME, sample)
    tree.setFocus()
    tree.setCurrentIndex(child)
    with qtbot.waitSignal(view.pane.step_shown, timeout=WAIT_MS):
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert view.pane.deck_id == deck_id(opened, SAMPLE_DECK)
    assert view.pane.counts.deck.text() == SAMPLE_DECK
    assert view.pane.hasFocus()  # Space works straight away
    assert view.pane.card is not None and view.pane.card.deck_name == SAMPLE_DECK


def test_a_new_deck_appears_in_the_list(qtbot: QtBot, gui: Gui, opened: OpenProfile) -> None:
    view = show_review(qtbot, gui, opened)
    view.decks.tree.setCurrentIndex(view.decks.model.index(0, NAME))  # All decks: at the top
    view.decks.new_deck()
    dialog = view.decks.dialog
    assert isinstance(dialog, NewDeckDialog)
    dialog.name.setText("Spanish")
    dialog.accept()
    qtbot.waitUntil(lambda: view.decks.model.rowCount() == 3, timeout=WAIT_MS)
    assert [view.decks.model.index(r, NAME).data() for r in range(3)] == [
        "All decks",
        "Sample",
        "Spanish",
    ]


def test_deck_options_limit_new_cards(qtbot: QtBot, gui: Gui, opened: OpenProfile) -> None:
    view = show_review(qtbot, gui, opened)
    view.decks.select_deck(deck_id(opened, "Sample"))
    view.decks.deck_options()
    dialog = view.decks.dialog
    assert isinstance(dialog, DeckOptionsDialog)
    assert dialog.steps.text() == "1m 10m"
    dialog.new_per_day.setValue(5)
    dialog.scheduler.setCurrentIndex(dialog.scheduler.findData("sm2"))
    assert not dialog.retention.isEnabled()
    dialog.accept()
    qtbot.waitUntil(lambda: view.decks.model.index(1, NEW).data() == "5", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: view.pane.counts.current.new == 5, timeout=WAIT_MS)


def test_optimise_fits_fsrs_to_the_decks_reviews_and_save_keeps_it(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    from flashcard_helpers import generate_profile

    from app.core.flashcards.decks import load_tree
    from app.ui.review.data import local_now

    generate_profile(
        opened.database, cards=600, days=60, new_per_day=12, top_decks=1, subdecks=1,
        now=local_now(), seed=4,
    )  # fmt: skip
    top_id = deck_id(opened, "Subject 00")  # with "Part 0" (the sample decks got cards too)
    view = show_review(qtbot, gui, opened)
    qtbot.waitUntil(lambda: view.decks.model.index_of(top_id).isValid(), timeout=WAIT_MS)
    view.decks.select_deck(top_id)
    view.decks.deck_options()
    dialog = view.decks.dialog
    assert isinstance(dialog, DeckOptionsDialog)
    assert dialog.parameters_note.text() == "The defaults."
    assert not dialog.defaults_button.isEnabled()
    dialog.optimise_button.click()
    qtbot.waitUntil(lambda: "Save to use them" in dialog.parameters_note.text(), timeout=WAIT_MS)
    import re

    note = dialog.parameters_note.text()
    fitted = re.match(r"Fitted to ([\d,]+) reviews of ([\d,]+) cards", note)
    assert fitted is not None and int(fitted[1].replace(",", "")) > 400
    assert "prediction error" in dialog.parameters_note.text()
    dialog.accept()

    def saved() -> bool:
        with opened.database.read_session() as session:
            return bool(load_tree(session).by_id(top_id).fsrs_parameters)

    qtbot.waitUntil(saved, timeout=WAIT_MS)


@pytest.mark.timed
def test_the_window_keeps_working_during_a_fit_and_closing_stops_it(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    """fsrs-rs holds Python's lock while it fits: the fit runs in a child process, so the
    window keeps painting, and closing the dialog ends that process at once."""
    import multiprocessing
    import time
    from itertools import pairwise

    from flashcard_helpers import generate_profile
    from PySide6.QtCore import QTimer

    from app.ui.review.data import local_now

    generate_profile(
        opened.database, cards=2000, days=120, new_per_day=25, top_decks=1, subdecks=1,
        now=local_now(), seed=6,
    )  # fmt: skip
    view = show_review(qtbot, gui, opened)
    top_id = deck_id(opened, "Subject 00")
    qtbot.waitUntil(lambda: view.decks.model.index_of(top_id).isValid(), timeout=WAIT_MS)
    view.decks.select_deck(top_id)
    view.decks.deck_options()
    dialog = view.decks.dialog
    assert isinstance(dialog, DeckOptionsDialog)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    dialog.optimise_button.click()
    assert not dialog.optimise_button.isEnabled() and not dialog.ok_button.isEnabled()
    dialog.scheduler.setCurrentIndex(dialog.scheduler.findData("sm2"))
    dialog.scheduler.setCurrentIndex(dialog.scheduler.findData("fsrs"))
    assert not dialog.optimise_button.isEnabled()  # still fitting: not twice at once
    started = time.perf_counter()
    qtbot.waitUntil(lambda: dialog._fit is None, timeout=WAIT_MS)
    took = time.perf_counter() - started
    timer.stop()
    assert "Save to use them" in dialog.parameters_note.text()
    gaps = [b - a for a, b in pairwise(ticks)]
    assert len(ticks) > took / 0.05 and max(gaps) < 0.25  # no freeze while it fitted
    # A second fit, stopped by closing the dialog: its process ends with it.
    dialog.optimise_button.click()
    qtbot.waitUntil(lambda: bool(multiprocessing.active_children()), timeout=WAIT_MS)
    dialog.reject()
    qtbot.waitUntil(lambda: not multiprocessing.active_children(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not view.context.runner.busy, timeout=WAIT_MS)


def test_optimise_with_too_few_reviews_says_how_many_are_needed(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view = show_review(qtbot, gui, opened)
    view.decks.select_deck(deck_id(opened, "Sample"))
    view.decks.deck_options()
    dialog = view.decks.dialog
    assert isinstance(dialog, DeckOptionsDialog)
    dialog.optimise_button.click()
    qtbot.waitUntil(lambda: "needs at least 400" in dialog.parameters_note.text(), timeout=WAIT_MS)
    assert "0 reviews" in dialog.parameters_note.text()
    assert dialog.optimise_button.isEnabled()  # ready to try again later


def test_deleting_a_deck_asks_first(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = show_review(qtbot, gui, opened)
    view.decks.select_deck(deck_id(opened, "Sample"))
    asked: list[str] = []
    monkeypatch.setattr(deck_panel, "confirm", lambda *args: asked.append(args[2]) or False)
    view.decks.delete_deck()
    qtbot.wait(100)
    assert view.decks.model.rowCount() == 2
    monkeypatch.setattr(deck_panel, "confirm", lambda *args: True)
    view.decks.delete_deck()
    qtbot.waitUntil(lambda: view.decks.model.rowCount() == 1, timeout=WAIT_MS)
    assert "14 of its cards are due today" in asked[0]
    qtbot.waitUntil(lambda: view.pane.card is None, timeout=WAIT_MS)
    assert view.pane.finished.message.text().startswith("No cards yet")


CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_ctrl_shift_d_makes_a_deck_from_anywhere_in_review(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view = show_review(qtbot, gui, opened)
    for where in (view.pane, view.decks.tree):  # the card pane has the keyboard first
        where.setFocus()
        qtbot.waitUntil(where.hasFocus, timeout=WAIT_MS)
        qtbot.keyClick(where, Qt.Key.Key_D, CTRL_SHIFT)
        dialog = view.decks.dialog
        assert isinstance(dialog, NewDeckDialog) and dialog.isVisible()
        dialog.reject()
        view.decks.dialog = None


def test_ctrl_shift_n_in_the_deck_list_makes_a_note_on_the_deck_as_it_does_elsewhere(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    """Ctrl+Shift+N makes a note on what the keyboard is on in every view: here the chosen deck
    (it made a new deck before); with "All decks" chosen it does nothing."""
    view = show_review(qtbot, gui, opened)
    tree = view.decks.tree
    tree.setFocus()
    view.decks.select_deck(deck_id(opened, SAMPLE_DECK))
    opened_notes: list[tuple[object, tuple[object, ...]]] = []
    view.context.navigator.requested.connect(lambda *args: opened_notes.append(args))
    qtbot.keyClick(tree, Qt.Key.Key_N, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool(opened_notes), timeout=WAIT_MS)
    assert view.decks.dialog is None  # no New Deck dialog
    ((destination, (note_id,)),) = opened_notes
    assert destination == Destination.NOTE
    note = open_note(opened.database, str(note_id))
    assert [link.target for link in note.links] == [
        LinkTarget("deck", deck_id(opened, SAMPLE_DECK))
    ]
    assert note.title == SAMPLE_DECK

    tree.setCurrentIndex(view.decks.model.index(0, NAME))  # All decks
    assert not view.decks.note_action.isEnabled()
    qtbot.keyClick(tree, Qt.Key.Key_N, CTRL_SHIFT)
    qtbot.wait(200)
    assert len(opened_notes) == 1 and view.decks.dialog is None


def test_learning_steps_read_and_write() -> None:
    assert parse_steps("1m 10m 1d") == (60, 600, 86400)
    assert parse_steps("5, 30s") == (300, 30)
    assert parse_steps("soon") is None
    assert steps_text((60, 600, 86400, 45)) == "1m 10m 1d 45s"


def test_move_deck_puts_a_deck_at_the_top_and_never_inside_itself(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view = show_review(qtbot, gui, opened)
    view.decks.select_deck(deck_id(opened, SAMPLE_DECK))
    assert view.decks.move_action.isEnabled()
    view.decks.move_deck()
    dialog = view.decks.dialog
    assert isinstance(dialog, MoveDeckDialog)
    places = [dialog.target.itemText(i) for i in range(dialog.target.count())]
    assert places == [TOP_LEVEL, "Sample"]  # not into itself
    assert dialog.target.currentText() == "Sample"  # where it is now
    dialog.accept()  # already there: said, not done
    assert "already there" in dialog.error.text()
    dialog.target.setCurrentIndex(0)
    dialog.accept()
    qtbot.waitUntil(lambda: view.decks.model.rowCount() == 3, timeout=WAIT_MS)
    names = [view.decks.model.index(r, NAME).data() for r in range(3)]
    assert names == ["All decks", "Getting started with flashcards", "Sample"]
    # The cards went with it.
    moved = deck_id(opened, "Getting started with flashcards")
    qtbot.waitUntil(lambda: view.decks.model.counts_of(moved).new == SAMPLE_CARDS, timeout=WAIT_MS)

    view.decks.select_deck(deck_id(opened, "Sample"))
    view.decks.move_deck()
    dialog = view.decks.dialog
    assert isinstance(dialog, MoveDeckDialog)
    places = [dialog.target.itemText(i) for i in range(dialog.target.count())]
    assert places == [TOP_LEVEL, "Getting started with flashcards"]
    dialog.reject()
