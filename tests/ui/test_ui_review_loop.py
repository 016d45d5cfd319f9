"""The review loop on screen: front, Space for the back, 1-4, Ctrl+Z, @ and -, the counts."""

from __future__ import annotations

import re
from collections.abc import Callable

from flashcard_helpers import fail_review_commits
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from review_helpers import (
    SAMPLE_CARDS,
    SAMPLE_DECK,
    WAIT_MS,
    SessionWatch,
    answer_with_key,
    card_row,
    deck_id,
    reviews_of,
    session_watch,
    show_review,
)
from ui_helpers import Gui

from app.core.opening import OpenProfile
from app.db.models.flashcards import STATE_NEW
from app.ui.main_window import MainWindow
from app.ui.review.finished import NO_CARDS
from app.ui.review.review_pane import CARD_PAGE, FINISHED_PAGE, ReviewPane
from app.ui.review.view import ReviewView

__all__ = ["session_watch"]  # the fixture, imported for pytest


def study_tiny_deck(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, *capitals: str
) -> tuple[ReviewView, ReviewPane]:
    """A deck "Tiny" with one card per country ("Capital of France?" / "Paris"...), and the
    Review view studying it."""
    from app.core.flashcards.cards import add_card
    from app.core.flashcards.decks import create_deck

    answers = {"France": "Paris", "Spain": "Madrid"}
    with opened.database.write_session() as session:
        deck = create_deck(session, "Tiny")
        for country in capitals:
            add_card(session, deck.id, f"Capital of {country}?", answers[country])
    view = show_review(qtbot, gui, opened)
    with qtbot.waitSignal(view.pane.step_shown, timeout=WAIT_MS):
        view.start_review(deck.id)
    return view, view.pane


def test_space_shows_the_back_and_3_answers_good_then_the_next_card_shows(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, session_watch: SessionWatch
) -> None:
    view = show_review(qtbot, gui, opened)
    pane = view.pane
    session_watch.watching = True
    first = pane.card
    assert first is not None and pane.pages.currentIndex() == CARD_PAGE
    assert pane.counts.text() == f"New {SAMPLE_CARDS} · Learning 0 · Due 0"
    front_only = pane.browser.plain_text()
    assert first.back.split()[0] not in front_only

    qtbot.keyClick(pane, Qt.Key.Key_Space)
    assert pane.showing_back
    assert pane.answers.isVisible()
    assert first.back.split()[0] in pane.browser.plain_text()
    labels = [label.text() for label in pane.answers.intervals]
    assert all(labels) and labels == [p.label for p in first.previews]
    assert [b.text() for b in pane.answers.buttons] == ["Again", "Hard", "Good", "Easy"]

    answer_with_key(qtbot, view, Qt.Key.Key_3)
    session_watch.watching = False
    assert reviews_of(opened, first.id) == (1, 0)
    assert card_row(opened, first.id).state != STATE_NEW
    second = pane.card
    assert second is not None and second.id != first.id
    assert not pane.showing_back
    # Good: again in 10 minutes, counted as learning today unless that is past the 4 am rollover.
    from datetime import timedelta

    from app.core.flashcards.study_day import StudyDay
    from app.ui.review.data import local_now

    moment = local_now()
    learning = 1 if moment + timedelta(minutes=10) < StudyDay.of(moment).end else 0
    assert pane.counts.text() == f"New {SAMPLE_CARDS - 1} · Learning {learning} · Due 0"
    assert "Ctrl+Z" in pane.note.text()
    # The deck list follows the answer too.
    qtbot.waitUntil(
        lambda: view.decks.model.counts_of(None).new == SAMPLE_CARDS - 1, timeout=WAIT_MS
    )
    assert session_watch.on_gui_thread == []


def test_answer_keys_do_nothing_before_the_back_shows(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view = show_review(qtbot, gui, opened)
    first = view.pane.card
    assert first is not None
    qtbot.keyClick(view.pane, Qt.Key.Key_3)
    qtbot.wait(200)
    assert view.pane.card is not None and view.pane.card.id == first.id
    assert reviews_of(opened, first.id) == (0, 0)


def test_ctrl_z_undoes_the_answer_and_the_card_is_due_again(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view = show_review(qtbot, gui, opened)
    pane = view.pane
    first = pane.card
    assert first is not None
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    answer_with_key(qtbot, view, Qt.Key.Key_4)
    assert card_row(opened, first.id).state != STATE_NEW

    with qtbot.waitSignal(pane.step_shown, timeout=WAIT_MS):
        qtbot.keyClick(pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not pane.busy, timeout=WAIT_MS)
    assert reviews_of(opened, first.id) == (1, 1)
    row = card_row(opened, first.id)
    assert row.state == STATE_NEW and row.due is None
    assert pane.card is not None and pane.card.id == first.id
    assert pane.counts.text() == f"New {SAMPLE_CARDS} · Learning 0 · Due 0"
    assert pane.note.text() == "Undid the answer"
    assert not pane.undo_action.isEnabled()


def test_at_suspends_and_minus_buries_each_undoable(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view = show_review(qtbot, gui, opened)
    pane = view.pane
    first = pane.card
    assert first is not None
    answer_with_key(qtbot, view, Qt.Key.Key_At)
    assert card_row(opened, first.id).suspended
    assert pane.card is not None and pane.card.id != first.id
    assert pane.counts.text() == f"New {SAMPLE_CARDS - 1} · Learning 0 · Due 0"

    second = pane.card
    answer_with_key(qtbot, view, Qt.Key.Key_Minus)
    assert card_row(opened, second.id).buried_until is not None
    assert pane.counts.text() == f"New {SAMPLE_CARDS - 2} · Learning 0 · Due 0"

    qtbot.keyClick(pane, Qt.Key.Key_Z)  # without Ctrl: nothing happens
    qtbot.wait(100)
    assert not pane.busy and card_row(opened, second.id).buried_until is not None


def test_undo_brings_back_a_buried_then_a_suspended_card(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view = show_review(qtbot, gui, opened)
    pane = view.pane
    first = pane.card
    assert first is not None
    answer_with_key(qtbot, view, Qt.Key.Key_At)
    second = pane.card
    assert second is not None
    answer_with_key(qtbot, view, Qt.Key.Key_Minus)
    for _ in range(2):
        with qtbot.waitSignal(pane.step_shown, timeout=WAIT_MS):
            pane.undo_action.trigger()
        qtbot.waitUntil(lambda: not pane.busy, timeout=WAIT_MS)
    assert card_row(opened, second.id).buried_until is None
    assert not card_row(opened, first.id).suspended
    assert pane.counts.text() == f"New {SAMPLE_CARDS} · Learning 0 · Due 0"


def test_a_deck_studied_to_the_end_shows_the_summary_and_when_the_next_card_is_due(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view, pane = study_tiny_deck(qtbot, gui, opened, "France")
    assert pane.counts.text() == "New 1 · Learning 0 · Due 0"
    qtbot.keyClick(pane, Qt.Key.Key_Return)
    answer_with_key(qtbot, view, Qt.Key.Key_4)  # Easy: straight to review, days away
    assert pane.card is None and pane.pages.currentIndex() == FINISHED_PAGE
    assert pane.finished.title.text() == "Session complete"
    assert "Studied 1 card" in pane.finished.summary.text()
    assert "Again 0 · Hard 0 · Good 0 · Easy 1" in pane.finished.summary.text()
    message = pane.finished.message.text()
    assert message.startswith("All done for now — next card due ")
    assert message.split("due ")[1].startswith(("tomorrow at", "on "))


def test_a_lost_last_answer_leaves_the_saved_one_before_it_undoable(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, monkeypatch
) -> None:
    view, pane = study_tiny_deck(qtbot, gui, opened, "France", "Spain")
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    answer_with_key(qtbot, view, Qt.Key.Key_4)  # saved
    assert len(pane.undo_stack) == 1
    saved = pane.undo_stack[0]

    fail_review_commits(monkeypatch)
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    qtbot.keyClick(pane, Qt.Key.Key_4)  # the last card: committed before the end screen
    qtbot.waitUntil(lambda: "could not save your last answer" in pane.note.text(), timeout=WAIT_MS)
    monkeypatch.undo()
    assert pane.undo_stack == [saved]  # the first answer is on disk and can still be undone


def test_again_on_the_only_card_brings_it_back_front_first(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    view, pane = study_tiny_deck(qtbot, gui, opened, "France")
    first = pane.card
    assert first is not None
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    answer_with_key(qtbot, view, Qt.Key.Key_1)  # Again: due in a minute, nothing else left
    assert pane.card is not None and pane.card.id == first.id
    assert not pane.showing_back  # the front again, not the answer just seen
    assert pane.show_action.isEnabled() and not pane.answer_actions[0].isEnabled()


def test_a_learning_card_tells_in_minutes_and_an_empty_deck_how_to_get_cards(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    from app.core.flashcards.cards import add_card
    from app.core.flashcards.decks import create_deck, update_deck_settings
    from app.core.flashcards.review import answer_card
    from app.ui.review.data import local_now

    with opened.database.write_session() as session:
        soon = create_deck(session, "Soon")
        update_deck_settings(session, soon.id, learning_steps=[1800, 7200])
        card = add_card(session, soon.id, "Two plus two?", "Four").card_ids[0]
        # Again: the first step, 30 minutes away (past the 20 minutes studied ahead).
        answer_card(session, card, 1, 4000, local_now())
        empty = create_deck(session, "Empty")
    view = show_review(qtbot, gui, opened)
    pane = view.pane
    with qtbot.waitSignal(pane.step_shown, timeout=WAIT_MS):
        view.start_review(soon.id)
    assert pane.card is None
    assert pane.finished.message.text() in (
        "All done for now — next card due in 30 minutes",
        "All done for now — next card due in 29 minutes",
    )
    assert pane.finished.title.text() == "All caught up"

    with qtbot.waitSignal(pane.step_shown, timeout=WAIT_MS):
        view.start_review(empty.id)
    assert pane.finished.message.text() == (
        "No cards yet — add a card (Ctrl+N) or import a deck (File > Import Cards…)"
    )
    assert pane.counts.deck.text() == "Empty"
    assert deck_id(opened, SAMPLE_DECK)


def test_an_answer_that_cannot_be_saved_is_said_and_its_card_comes_back(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, monkeypatch
) -> None:

    view = show_review(qtbot, gui, opened)
    pane = view.pane
    first = pane.card
    assert first is not None
    fail_review_commits(monkeypatch)
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    qtbot.keyClick(pane, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: "could not save your last answer" in pane.note.text(), timeout=WAIT_MS)
    assert "disk is full" in pane.note.text()
    monkeypatch.undo()
    # The pane reads again: the card whose answer was lost is back, and nothing was logged.
    qtbot.waitUntil(
        lambda: pane.card is not None and pane.card.id == first.id and not pane.busy,
        timeout=WAIT_MS,
    )
    assert reviews_of(opened, first.id) == (0, 0)
    assert pane.counts.text() == f"New {SAMPLE_CARDS} · Learning 0 · Due 0"
    # The lost answer cannot be undone (Ctrl+Z would have said "no such answer").
    assert pane.undo_stack == [] and not pane.undo_action.isEnabled()


def test_each_key_press_is_one_write_task_and_the_loop_runs_only_on_the_write_thread(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, monkeypatch
) -> None:
    """An answer is one task on the write thread (it commits before the next card comes
    back: no task follows to commit it), and no read task touches the review loop."""
    import threading

    from app.core.flashcards.review_loop import ReviewLoop

    threads: list[str] = []
    for name in ("current", "answer", "undo", "suspend", "bury", "undo_change"):
        real = getattr(ReviewLoop, name)

        def spy(self, *args, _real=real, **kwargs):
            threads.append(threading.current_thread().name)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(ReviewLoop, name, spy)
    view = show_review(qtbot, gui, opened)
    pane = view.pane
    runner = view.context.runner
    writes: list[object] = []
    real_run_write = runner.run_write

    def counted(fn, **kwargs):
        if kwargs.get("owner") is pane:
            writes.append(fn)
        return real_run_write(fn, **kwargs)

    monkeypatch.setattr(runner, "run_write", counted)
    first = pane.card
    assert first is not None
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    answer_with_key(qtbot, view, Qt.Key.Key_3)
    assert len(writes) == 1  # the answer, committed in the same task
    assert reviews_of(opened, first.id) == (1, 0)
    answer_with_key(qtbot, view, Qt.Key.Key_Minus)  # bury
    with qtbot.waitSignal(pane.step_shown, timeout=WAIT_MS):
        pane.undo_action.trigger()
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT_MS)
    with qtbot.waitSignal(pane.step_shown, timeout=WAIT_MS):
        pane.refresh()
    assert len(writes) == 4
    assert threads and all(name.startswith("studydesk-write") for name in threads)


def test_the_review_goes_on_after_a_backup_is_restored_under_it(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    """Restoring closes the database the pane's loop was reading (the loop lets go of its
    connection then); the pane goes on with the restored data."""
    from app.core.restoring import restore_open_profile

    view = show_review(qtbot, gui, opened)
    pane = view.pane
    first = pane.card
    assert first is not None
    backup = opened.backup("manual")
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    answer_with_key(qtbot, view, Qt.Key.Key_3)
    assert pane.card is not None and pane.card.id != first.id
    with qtbot.waitSignal(pane.step_shown, timeout=WAIT_MS):
        view.context.runner.run_write(
            lambda _p: restore_open_profile(opened, backup.path), label="Restoring"
        )
    assert pane.card is not None and pane.card.id == first.id  # the answer was after it
    assert reviews_of(opened, first.id) == (0, 0)
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    answer_with_key(qtbot, view, Qt.Key.Key_3)
    assert reviews_of(opened, first.id) == (1, 0)


def test_closing_the_profile_backs_up_every_answer_and_folds_the_log_in(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    """As the window closes: the runner stops, then the profile closes. Every answer was
    committed by its own task, so the closing backup has it; the loop lets go of its
    connection with the database, so the log is folded into the file."""
    import sqlite3
    from contextlib import closing as closing_connection

    view = show_review(qtbot, gui, opened)
    pane = view.pane
    first = pane.card
    assert first is not None
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    answer_with_key(qtbot, view, Qt.Key.Key_3)
    gui.runner.shutdown(timeout=10)
    closing = opened.close()
    assert closing is not None and closing.reason == "on-close"
    wal = opened.profile.db_file.with_name(opened.profile.db_file.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    for path in (closing.path, opened.profile.db_file):
        with closing_connection(sqlite3.connect(path)) as conn:
            logged = conn.execute(
                "SELECT count(*) FROM card_reviews WHERE card_id = ?", (first.id,)
            ).fetchone()
        assert logged == (1,)


def test_the_empty_review_names_the_file_menu_entry_that_imports_a_deck(
    make_window: Callable[[], MainWindow],
) -> None:
    """It said "import a deck (File > Import…)": that entry takes the older apps' files, not
    decks (Anki, CSV), which File > Import Cards… takes."""
    window = make_window()
    file_menu = window.menuBar().actions()[0]
    assert file_menu.text() == "&File"
    entries = {
        action.text().replace("&", ""): action.toolTip()
        for action in file_menu.menu().actions()
        if not action.isSeparator()
    }
    named = re.findall(r"File > ([^)]+…)", NO_CARDS)
    assert named == ["Import Cards…"]
    assert "flashcards" in entries[named[0]]
