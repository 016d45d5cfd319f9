"""The Cards view: a lazy table over thousands of cards, sort, search, bulk changes and undo."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

import pytest
from cards_helpers import fill_cards
from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot
from ui_helpers import Gui

import app.core.flashcards.reads as cards_data
from app.core import sample_actions
from app.core.changes import Change
from app.core.flashcards import card_actions, reads
from app.core.flashcards.browser import CardFilter, CardSort, SortKey, count_cards, search_card_ids
from app.core.opening import OpenProfile
from app.ui.cards.model import BLOCK, DUE, FRONT, STATE, CardTableModel
from app.ui.cards.view import NO_CARDS, NO_MATCH, CardBrowserView

WAIT_MS = 10_000


def count(opened: OpenProfile, card_filter: CardFilter) -> int:
    with opened.database.read_session() as session:
        return count_cards(session, card_filter, datetime.now().astimezone())


def ids_in_order(opened: OpenProfile, card_filter: CardFilter, sort: CardSort) -> tuple[str, ...]:
    with opened.database.read_session() as session:
        return search_card_ids(session, card_filter, sort, datetime.now().astimezone())


class RowFetches:
    """Counts `card_rows` calls (made on worker threads) and the ids each asked for."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, ...]] = []
        self._lock = threading.Lock()
        real = cards_data.card_rows

        def counting(session: object, card_ids: Sequence[str], now: datetime) -> object:
            with self._lock:
                self.calls.append(tuple(card_ids))
            return real(session, card_ids, now)  # type: ignore[arg-type]

        monkeypatch.setattr(cards_data, "card_rows", counting)


def loaded(model: CardTableModel, row: int = 0) -> bool:
    return not model.loading and model.cached_row(row) is not None


def open_browser(qtbot: QtBot, gui: Gui, opened: OpenProfile) -> CardBrowserView:
    view = CardBrowserView(gui.context(opened))
    qtbot.addWidget(view)
    view.resize(1200, 640)
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        view.show()
    qtbot.waitUntil(lambda: loaded(view.model), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(view.decks), timeout=WAIT_MS)  # the filter bar's own read
    return view


@pytest.fixture
def cards(opened: OpenProfile) -> list[str]:
    """300 cards made after the sample deck's, in creation order."""
    return fill_cards(opened.database, 300)


@pytest.fixture
def view(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, cards: list[str]
) -> Iterator[CardBrowserView]:
    yield open_browser(qtbot, gui, opened)


def shown(view: CardBrowserView, column: int, rows: int = 5) -> list[str]:
    return [str(view.model.index(row, column).data()) for row in range(rows)]


def test_the_card_model_passes_the_model_tester(
    qtbot: QtBot, view: CardBrowserView, opened: OpenProfile, qtmodeltester: object
) -> None:
    model = view.model
    assert model.rowCount() == count(opened, CardFilter()) >= 300
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    # Every row asked for, fetched, and checked again with its text.
    assert {model.index(row, FRONT).data() for row in range(BLOCK, model.rowCount())} == {"…"}
    qtbot.waitUntil(lambda: loaded(model, model.rowCount() - 1), timeout=WAIT_MS)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert all(text != "…" for text in shown(view, FRONT, model.rowCount()))


def first_page_seconds(qtbot: QtBot, view: CardBrowserView, card_filter: CardFilter) -> float:
    """From setting the filter to the first visible rows painted with their text."""
    painted: list[float] = []
    model = view.model

    class PaintWatch(QObject):
        def eventFilter(self, _obj: QObject, event: object) -> bool:
            if getattr(event, "type", lambda: None)() == event.Type.Paint and loaded(model):  # type: ignore[attr-defined]
                painted.append(time.perf_counter())
            return False

    watch = PaintWatch()
    view.table.viewport().installEventFilter(watch)
    start = time.perf_counter()
    view.set_filter(card_filter)
    qtbot.waitUntil(lambda: bool(painted), timeout=WAIT_MS)
    view.table.viewport().removeEventFilter(watch)
    return painted[0] - start


def check_first_page(qtbot: QtBot, gui: Gui, opened: OpenProfile, cards: int) -> None:
    fill_cards(opened.database, cards)
    view = open_browser(qtbot, gui, opened)
    assert view.model.rowCount() >= cards
    seconds = first_page_seconds(qtbot, view, CardFilter(deck_id=None, state="review"))
    print(f"\nfirst page painted at {cards:,} cards (review filter): {seconds * 1000:.0f} ms")
    assert view.model.rowCount() == count(opened, CardFilter(state="review"))
    assert view.model.index(0, STATE).data() == "review"
    seconds = first_page_seconds(qtbot, view, CardFilter())
    print(f"first page painted at {cards:,} cards (no filter): {seconds * 1000:.0f} ms")
    assert seconds < 3.0


@pytest.mark.timed
def test_the_first_page_of_5000_cards_shows_quickly(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    check_first_page(qtbot, gui, opened, 5_000)


@pytest.mark.slow
@pytest.mark.timed
def test_the_first_page_of_100000_cards_shows_quickly(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    check_first_page(qtbot, gui, opened, 100_000)


def test_scrolling_to_the_end_fetches_only_the_visible_blocks(
    qtbot: QtBot, gui: Gui, opened: OpenProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_cards(opened.database, 5_000)
    fetches = RowFetches(monkeypatch)
    view = open_browser(qtbot, gui, opened)
    model = view.model
    assert len(fetches.calls) == 1  # the first block, read with the ids
    assert len(fetches.calls[0]) == BLOCK

    view.table.scrollToBottom()
    last = model.rowCount() - 1
    qtbot.waitUntil(lambda: loaded(model, last), timeout=WAIT_MS)
    qtbot.wait(100)  # any stray fetch would have been asked for by now
    blocks = model.rowCount() // BLOCK + 1
    print(f"\nscrolled to the end of {model.rowCount():,} rows: {len(fetches.calls)} fetches")
    assert 2 <= len(fetches.calls) <= 3, f"{len(fetches.calls)} of {blocks} blocks fetched"
    assert all(len(call) <= BLOCK for call in fetches.calls)
    assert model.index(last, FRONT).data() != "…"


def test_clicking_the_due_header_sorts_by_due_date(
    qtbot: QtBot, view: CardBrowserView, opened: OpenProfile
) -> None:
    header = view.table.horizontalHeader()
    x = header.sectionViewportPosition(DUE) + header.sectionSize(DUE) // 2
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    expected = ids_in_order(opened, CardFilter(), CardSort(SortKey.DUE))
    assert view.model.card_ids(range(view.model.rowCount())) == list(expected)
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert view.model.card_sort == CardSort(SortKey.DUE, descending=True)
    qtbot.waitUntil(lambda: loaded(view.model, 20), timeout=WAIT_MS)
    dues = shown(view, DUE, 20)
    assert all(dues) and dues == sorted(dues, reverse=True)  # review cards, latest first
    # The State column cannot sort: the indicator stays on Due.
    x = header.sectionViewportPosition(STATE) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorSection() == DUE


def test_search_deck_and_state_narrow_the_list(
    qtbot: QtBot, view: CardBrowserView, opened: OpenProfile
) -> None:
    bar = view.filter_bar
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        qtbot.keyClicks(bar.search, "topic 42")
    assert 0 < view.model.rowCount() == count(opened, CardFilter(text="topic 42")) < 10
    qtbot.waitUntil(lambda: loaded(view.model), timeout=WAIT_MS)
    assert "topic 42" in view.model.index(0, FRONT).data()

    qtbot.waitUntil(lambda: bar.deck.findText("History") > 0, timeout=WAIT_MS)
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        bar.search.clear()
        bar.deck.setCurrentIndex(bar.deck.findText("History"))
    history = bar.deck.currentData()
    assert view.model.rowCount() == count(opened, CardFilter(deck_id=history)) == 100
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        bar.state.setCurrentIndex(bar.state.findData("new"))
    assert view.model.rowCount() == count(opened, CardFilter(deck_id=history, state="new"))


def suspended_ids(opened: OpenProfile) -> set[str]:
    return set(ids_in_order(opened, CardFilter(state="suspended"), CardSort()))


def trigger(qtbot: QtBot, view: CardBrowserView, act: Callable[[], None]) -> None:
    """Run an action that writes, and wait until the view shows the result."""
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        act()


def test_bulk_suspend_then_ctrl_z_undoes_it(
    qtbot: QtBot, view: CardBrowserView, opened: OpenProfile
) -> None:
    view.select_rows(range(3, 13))
    chosen = set(view.selected_ids())
    assert len(chosen) == 10
    trigger(qtbot, view, view.actions_.suspend.trigger)
    assert suspended_ids(opened) == chosen
    qtbot.waitUntil(lambda: loaded(view.model, 3), timeout=WAIT_MS)
    assert view.model.index(3, STATE).data() == "suspended"
    assert set(view.selected_ids()) == chosen  # the selection survives the refresh
    assert "Suspend 10 cards" in view.message.text()

    view.table.setFocus()
    trigger(
        qtbot,
        view,
        lambda: qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
    )
    assert suspended_ids(opened) == set()
    qtbot.waitUntil(lambda: view.model.index(3, STATE).data() != "suspended", timeout=WAIT_MS)
    assert not view.actions_.undo.isEnabled()


def test_delete_asks_first_and_hides_the_cards_until_undone(
    qtbot: QtBot, view: CardBrowserView, opened: OpenProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = view.model.rowCount()
    view.select_rows([0, 1])
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: answers.pop(0))
    view.actions_.delete.trigger()  # cancelled: nothing happens
    assert count(opened, CardFilter()) == total
    trigger(qtbot, view, view.actions_.delete.trigger)
    assert view.model.rowCount() == count(opened, CardFilter()) == total - 2
    trigger(qtbot, view, view.actions_.undo.trigger)
    assert view.model.rowCount() == total


def test_move_and_tag_selected_cards(
    qtbot: QtBot,
    view: CardBrowserView,
    opened: OpenProfile,
    cards: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view.select_rows(view.model.rows_of(cards[:6]))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: ("History", True))
    history = next(deck for deck in view.decks if deck.full_name == "History")
    before = count(opened, CardFilter(deck_id=history.id))
    trigger(qtbot, view, view.actions_.move.trigger)
    assert count(opened, CardFilter(deck_id=history.id)) == before + 4  # 2 were there already

    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("cell biology, exam", True))
    trigger(qtbot, view, view.actions_.add_tags.trigger)
    assert count(opened, CardFilter(tags=("exam",))) == 6
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        qtbot.keyClicks(view.filter_bar.tag, "cell biology")
    assert view.model.rowCount() == 6
    qtbot.waitUntil(lambda: loaded(view.model), timeout=WAIT_MS)
    assert view.model.index(0, 3).data() == "cell biology, exam"


def test_the_editor_saves_the_selected_card(
    qtbot: QtBot, view: CardBrowserView, opened: OpenProfile, cards: list[str]
) -> None:
    (row,) = view.model.rows_of([cards[1]])
    view.select_rows([row])
    card_id = view.selected_ids()[0]
    editor = view.editor
    qtbot.waitUntil(lambda: editor.card_id == card_id, timeout=WAIT_MS)
    assert editor.front.toPlainText() == "Question 1 about topic 1"
    assert not editor.save_button.isEnabled()
    editor.front.setPlainText("What is a **cell**?")
    editor.tags.setText("cells")
    editor.tags.textEdited.emit("cells")
    trigger(qtbot, view, editor.save_button.click)
    with opened.database.read_session() as session:
        from app.core.flashcards.browser import get_card

        card = get_card(session, card_id)
    assert (card.front, card.tags) == ("What is a **cell**?", ("cells",))
    qtbot.waitUntil(
        lambda: view.model.index(row, FRONT).data() == "What is a cell?",
        timeout=WAIT_MS,
    )
    view.select_rows([row, row + 1])
    assert editor.card_id is None and "2 cards selected" in editor.heading.text()


def test_open_card_shows_that_card_whatever_the_filter(
    qtbot: QtBot, view: CardBrowserView, cards: list[str]
) -> None:
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        qtbot.keyClicks(view.filter_bar.search, "topic 42")
    assert cards[250] not in view.model.card_ids(range(view.model.rowCount()))
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        view.open_card(cards[250])
    assert view.filter_bar.search.text() == "" and view.selected_ids() == [cards[250]]
    qtbot.waitUntil(lambda: view.editor.card_id == cards[250], timeout=WAIT_MS)
    assert view.editor.front.toPlainText() == "Question 250 about topic 56"


def test_a_tag_of_two_words_stays_one_in_the_browser_editor(
    qtbot: QtBot, view: CardBrowserView, opened: OpenProfile, cards: list[str]
) -> None:
    card_actions.tag_cards(opened.database, cards[:1], ["machine learning", "cause, effect"])
    trigger(qtbot, view, lambda: view.refresh_for(Change.TAGS))
    view.select_rows(view.model.rows_of(cards[:1]))
    editor = view.editor
    qtbot.waitUntil(lambda: editor.card_id == cards[0], timeout=WAIT_MS)
    assert editor.tags.text() == '"cause, effect", machine learning'
    editor.front.setPlainText("Edited front")  # the tags as shown, saved again
    trigger(qtbot, view, editor.save_button.click)
    assert reads.card_detail(opened.database, cards[0]).tags == (
        "cause, effect",
        "machine learning",
    )
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        qtbot.keyClicks(view.filter_bar.tag, "machine learning, Cause, effect")
    assert view.model.rowCount() == 0  # "Cause" and "effect" are no tags of it: quote them
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        view.filter_bar.tag.setText('machine learning, "Cause, effect"')
    assert view.model.card_ids(range(view.model.rowCount())) == cards[:1]


def test_an_empty_list_says_why_and_how_to_get_cards(
    qtbot: QtBot, gui: Gui, opened: OpenProfile
) -> None:
    """An empty list said only "0 cards", the editor beside it "No card selected"."""
    view = open_browser(qtbot, gui, opened)
    assert view.editor.heading.text() == "No card selected"
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        qtbot.keyClicks(view.filter_bar.search, "no card says this")
    assert view.model.rowCount() == 0
    assert view.editor.heading.text() == NO_MATCH
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        view.filter_bar.search.clear()
    assert view.editor.heading.text() == "No card selected"

    removed: list[object] = []
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        gui.runner.run_write(
            lambda _progress: sample_actions.remove_sample_content(opened.database),
            label="Removing sample content",
            on_done=removed.append,
        )
    assert removed and view.model.rowCount() == 0
    assert view.editor.heading.text() == NO_CARDS
    assert "Ctrl+N" in NO_CARDS and "File > Import Cards…" in NO_CARDS


def contrast(one: QColor, other: QColor) -> float:
    """WCAG's contrast ratio of two colors (1 to 21)."""

    def luminance(color: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        r, g, b = channel(color.redF()), channel(color.greenF()), channel(color.blueF())
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_suspended_and_deleted_cards_read_on_either_theme(
    qtbot: QtBot,
    gui: Gui,
    view: CardBrowserView,
    monkeypatch: pytest.MonkeyPatch,
    scheme: str,
) -> None:
    """Their rows had one color on both themes: suspended ones olive at 3.5:1 on the light
    page, deleted ones red at 3:1 on the dark one."""
    gui.appearance.apply_theme(scheme)
    view.select_rows([0])
    trigger(qtbot, view, view.actions_.suspend.trigger)
    view.select_rows([1])
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    trigger(qtbot, view, view.actions_.delete.trigger)
    qtbot.waitUntil(lambda: loaded(view.model), timeout=WAIT_MS)
    assert view.model.index(0, STATE).data() == "suspended"
    suspended = view.model.index(0, FRONT).data(Qt.ItemDataRole.ForegroundRole)
    with qtbot.waitSignal(view.model.ids_loaded, timeout=WAIT_MS):
        view.filter_bar.state.setCurrentIndex(view.filter_bar.state.findData("deleted"))
    qtbot.waitUntil(lambda: loaded(view.model), timeout=WAIT_MS)
    deleted = view.model.index(0, FRONT).data(Qt.ItemDataRole.ForegroundRole)
    palette = view.table.palette()
    for color in (suspended, deleted):
        assert isinstance(color, QColor)
        for back in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
            assert contrast(color, palette.color(back)) >= 4.5, (color.name(), back)
    gui.appearance.apply_theme("light")
