"""A long deck name in Review's list at the Larger text size (130 %) in an 800 x 600 window:
two lines at most, the rest elided, the whole name in its tooltip and accessible name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot
from review_helpers import SAMPLE_DECK, WAIT_MS
from ui_helpers import Gui

from app.ui.main_window import MainWindow
from app.ui.review.deck_model import NAME
from app.ui.review.deck_panel import NAME_LINES
from app.ui.review.view import ReviewView


@pytest.fixture
def larger_text(gui: Gui) -> Iterator[None]:
    gui.appearance.apply_text_size(130)  # Settings > Text size > Larger
    yield
    gui.appearance.apply_text_size(100)


def accessible_names(widget: object) -> list[str]:
    interface = QAccessible.queryAccessibleInterface(widget)
    found, stack = [], [interface]
    while stack:
        node = stack.pop()
        found.append(node.text(QAccessible.Text.Name))
        stack += [node.child(i) for i in range(node.childCount())]
    return found


def test_a_long_deck_name_takes_two_lines_and_keeps_its_whole_name_for_tooltips_and_readers(
    qtbot: QtBot, make_window: Callable[[], MainWindow], larger_text: None, tmp_path: Path
) -> None:
    window = make_window()
    window.resize(800, 600)
    qtbot.waitExposed(window)
    window.sidebar.setCurrentRow(window.pages.row_of("Review"))
    view = window.view_of("Review")
    assert isinstance(view, ReviewView)
    tree, model = view.decks.tree, view.decks.model
    qtbot.waitUntil(lambda: model.loaded, timeout=WAIT_MS)
    qtbot.wait(150)  # the rows lay out at the name column's width
    window.grab().save(str(tmp_path / "review-130.png"))  # to look at

    index = model.index_of(model.decks()[-1].id)
    assert model.deck(index).full_name == SAMPLE_DECK
    name = index.sibling(index.row(), NAME)
    option = QStyleOptionViewItem()
    tree.itemDelegate().initStyleOption(option, name)
    shown = option.text.split("\u2028")
    assert len(shown) == NAME_LINES and shown[-1].endswith("…"), shown
    line = tree.fontMetrics().lineSpacing()
    assert tree.visualRect(name).height() < (NAME_LINES + 1) * line  # was four lines tall
    assert name.data() == "Getting started with flashcards"  # what a screen reader reads
    assert "Getting started with flashcards" in accessible_names(tree)
    assert model.data(name, Qt.ItemDataRole.ToolTipRole) == SAMPLE_DECK
