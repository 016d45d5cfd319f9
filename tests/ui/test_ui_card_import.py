"""File > Import Cards…: a CSV mapped column by column, an encoding chosen, a refused file that
writes nothing, an Anki package with its counts, and progress in the status bar with a Cancel
that leaves the profile as it was."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import apkg_builder
import pytest
import shiboken6
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from ui_helpers import Gui, click, message_boxes

import app.importers.anki_apkg as anki_apkg
import app.importers.cards_csv as cards_csv
from app.core.changes import Change
from app.core.flashcards.decks import load_tree
from app.core.flashcards.tables import CARDS, DECKS, REVIEWS
from app.core.opening import OpenProfile
from app.db.models import ImportSource
from app.importers.cards_csv import preview_cards_csv, read_cards_csv
from app.ui.main_window import MainWindow
from app.ui.review.card_import import cancelled_text, import_cards
from app.ui.review.card_mapping import CardMappingDialog, default_roles

WAIT_MS = 15_000


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path | None) -> None:
    answer = (str(path), "") if path is not None else ("", "")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: answer))


def told(qtbot: QtBot, title: str) -> QMessageBox:
    qtbot.waitUntil(lambda: any(b.windowTitle() == title for b in message_boxes()), timeout=WAIT_MS)
    box = next(b for b in message_boxes() if b.windowTitle() == title)
    box.close()
    return box


def mapping_dialog(qtbot: QtBot, parent: QWidget) -> CardMappingDialog:
    qtbot.waitUntil(lambda: parent.findChild(CardMappingDialog) is not None, timeout=WAIT_MS)
    dialog = parent.findChild(CardMappingDialog)
    assert dialog is not None
    return dialog


def open_mapping(
    qtbot: QtBot,
    gui: Gui,
    opened: OpenProfile,
    parent: QWidget,
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
) -> CardMappingDialog:
    """File > Import Cards… on this CSV file, up to its mapping dialog."""
    choose_file(monkeypatch, path)
    import_cards(gui.context(opened), parent)
    return mapping_dialog(qtbot, parent)


def ok_button(dialog: CardMappingDialog) -> object:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def cards_in(opened: OpenProfile, deck_name: str) -> set[tuple[str, str]]:
    with opened.database.read_session() as session:
        deck = load_tree(session).find(deck_name)
        if deck is None:
            return set()
        rows = session.execute(
            select(CARDS.c.front, CARDS.c.back).where(CARDS.c.deck_id == deck.id)
        )
        return {(str(front), str(back)) for front, back in rows}


def card_count(opened: OpenProfile) -> int:
    with opened.database.read_session() as session:
        return int(session.execute(select(func.count()).select_from(CARDS)).scalar_one())


def test_swapped_columns_mapped_by_hand_land_in_a_new_deck(
    qtbot: QtBot,
    gui: Gui,
    opened: OpenProfile,
    parent: QWidget,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "spanish.csv"
    path.write_text("1,hello,hola,greetings\n2,house,casa,nouns A1\n")
    dialog = open_mapping(qtbot, gui, opened, parent, monkeypatch, path)
    qtbot.waitUntil(lambda: len(dialog.role_combos) == 4, timeout=WAIT_MS)
    assert dialog.columns() == ("front", "back", "tags", "ignore")  # no header: in file order
    assert dialog.table.item(1, 2).text() == "hola"
    for combo, role in zip(dialog.role_combos, ("ignore", "back", "front", "tags"), strict=True):
        combo.setCurrentIndex(combo.findData(role))
    assert dialog.columns() == ("ignore", "back", "front", "tags")
    assert ok_button(dialog).isEnabled()
    dialog.set_deck_name("Languages::Spanish")
    assert dialog.deck_name() == "Languages::Spanish"

    with qtbot.waitSignal(gui.runner.data_changed, timeout=WAIT_MS) as changed:
        click(qtbot, ok_button(dialog))
    assert changed.args[0] & Change.CARDS
    text = told(qtbot, "Cards Imported").text()
    assert text == "Imported 2 cards into “Languages::Spanish” from spanish.csv."
    assert cards_in(opened, "Languages::Spanish") == {("hola", "hello"), ("casa", "house")}
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()


def test_a_header_row_naming_the_mapped_columns_is_not_a_card(tmp_path: Path) -> None:
    path = tmp_path / "swapped.csv"
    path.write_text("id,back,front\n1,hello,hola\n")
    assert default_roles(preview_cards_csv(path)) == ("ignore", "back", "front")
    parsed = read_cards_csv(path, columns=("ignore", "back", "front"))
    assert [(c.line, c.front, c.back) for c in parsed.cards] == [(2, "hola", "hello")]


def test_a_windows_1252_file_imports_once_that_encoding_is_chosen(
    qtbot: QtBot,
    gui: Gui,
    opened: OpenProfile,
    parent: QWidget,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "words.csv"
    path.write_bytes("café,coffee\nniño,child\n".encode("cp1252"))
    dialog = open_mapping(qtbot, gui, opened, parent, monkeypatch, path)
    # read as UTF-8 it is refused, in the importer's words, and cannot be imported yet
    assert f"{path}, line 1: this is not utf-8 text" in dialog.problem.text()
    assert not ok_button(dialog).isEnabled()

    dialog.set_encoding("cp1252")
    qtbot.waitUntil(lambda: ok_button(dialog).isEnabled(), timeout=WAIT_MS)
    assert dialog.table.item(1, 0).text() == "café"
    assert dialog.columns() == ("front", "back")
    assert dialog.deck_name() == "words"  # a new deck named after the file
    click(qtbot, ok_button(dialog))
    assert told(qtbot, "Cards Imported").text() == "Imported 2 cards into “words” from words.csv."
    assert cards_in(opened, "words") == {("café", "coffee"), ("niño", "child")}


def test_a_wrong_column_count_is_shown_as_the_importer_says_and_nothing_is_written(
    qtbot: QtBot,
    gui: Gui,
    opened: OpenProfile,
    parent: QWidget,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = card_count(opened)
    path = tmp_path / "bad.csv"
    path.write_text("one,uno,numbers\ntwo\nthree,tres\n")
    dialog = open_mapping(qtbot, gui, opened, parent, monkeypatch, path)
    qtbot.waitUntil(lambda: ok_button(dialog).isEnabled(), timeout=WAIT_MS)
    click(qtbot, ok_button(dialog))
    text = told(qtbot, "Cards Not Imported").text()
    assert text == f"{path}, line 2: expected 2 to 3 columns (front, back, tags), found 1."
    assert card_count(opened) == before
    assert cards_in(opened, "bad") == set()
    assert dialog.isVisible() and ok_button(dialog).isEnabled()  # open to fix and try again


def test_an_empty_file_says_so_in_the_dialog(
    qtbot: QtBot,
    gui: Gui,
    opened: OpenProfile,
    parent: QWidget,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "empty.tsv"
    path.write_text("\n\n")
    dialog = open_mapping(qtbot, gui, opened, parent, monkeypatch, path)
    assert dialog.problem.text() == f"{path} is empty; there were no cards to import."
    assert not ok_button(dialog).isEnabled()


def test_an_anki_package_imports_and_reports_its_counts(
    qtbot: QtBot,
    gui: Gui,
    opened: OpenProfile,
    parent: QWidget,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    builder = apkg_builder
    package = builder.Package(
        notes=[
            builder.Note("g-1", builder.BASIC, ['hola <img src="cat.png">', "hello"]),
            builder.Note("g-2", builder.REVERSED, ["casa", "house"], tags="nouns"),
        ],
        media={"cat.png": builder.PNG},
    )
    package.reviews = [(0, 0, 1_700_000_000_000, 3, 0)]
    path = builder.write_apkg(tmp_path / "spanish.apkg", package)
    choose_file(monkeypatch, path)
    with qtbot.waitSignal(gui.runner.data_changed, timeout=WAIT_MS):
        handle = import_cards(gui.context(opened), parent)
    assert handle is not None and handle.label == "Importing spanish.apkg"
    assert told(qtbot, "Cards Imported").text() == (
        "Imported 3 cards (2 notes) into 1 deck, 1 review and 1 image from spanish.apkg."
    )
    assert len(cards_in(opened, "Lang::Spanish")) == 3


def test_a_broken_package_is_refused_naming_the_file(
    qtbot: QtBot,
    gui: Gui,
    opened: OpenProfile,
    parent: QWidget,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = card_count(opened)
    path = tmp_path / "broken.apkg"
    path.write_bytes(b"not a zip")
    choose_file(monkeypatch, path)
    import_cards(gui.context(opened), parent)
    assert str(path) in told(qtbot, "Cards Not Imported").text()
    assert card_count(opened) == before


def test_cancelling_the_file_dialog_does_nothing(
    gui: Gui, opened: OpenProfile, parent: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_file(monkeypatch, None)
    assert import_cards(gui.context(opened), parent) is None


class Held:
    """Holds the import inside its `number`-th call of `add_cards` until released, so the test
    sees the status bar mid-import and can press Cancel there."""

    def __init__(self, add_cards: Callable[..., Any], number: int = 2) -> None:
        self._add_cards = add_cards
        self._number = number
        self.calls = 0
        self.reached = threading.Event()
        self.release = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == self._number:
            self.reached.set()
            self.release.wait(WAIT_MS / 1000)
        return self._add_cards(*args, **kwargs)


def profile_rows(opened: OpenProfile) -> dict[str, int]:
    with opened.database.read_session() as session:
        return {
            table.name: int(session.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (CARDS, DECKS, REVIEWS, ImportSource.__table__)
        }


def media_files(opened: OpenProfile) -> set[str]:
    folder = opened.profile.media_dir
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_an_anki_import_shows_its_progress_and_cancel_leaves_the_profile_as_it_was(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    opened: OpenProfile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    builder = apkg_builder
    notes = [builder.Note(f"g-{n}", builder.BASIC, [f"word {n}", f"meaning {n}"]) for n in range(6)]
    notes[0] = builder.Note("g-0", builder.BASIC, ['cat <img src="cat.png">', "gato"])
    package = builder.Package(notes=notes, media={"cat.png": builder.PNG})
    package.reviews = [(0, 0, 1_700_000_000_000, 3, 0)]
    path = builder.write_apkg(tmp_path / "spanish.apkg", package)
    monkeypatch.setattr(anki_apkg, "CARDS_PER_STEP", 2)
    held = Held(anki_apkg.add_cards)
    monkeypatch.setattr(anki_apkg, "add_cards", held)
    window = make_window()
    before, images = profile_rows(opened), media_files(opened)
    choose_file(monkeypatch, path)
    status = window.task_status
    try:
        menu_action(window, "Import Car&ds…").trigger()
        assert held.reached.wait(WAIT_MS / 1000)  # the image and two cards are in
        qtbot.waitUntil(status.isVisible, timeout=WAIT_MS)
        qtbot.waitUntil(
            lambda: status.label.text() == "Importing spanish.apkg — Adding cards",
            timeout=WAIT_MS,
        )
        assert status.bar.maximum() == 1 + 6 + 1  # the image, each card, the card with answers
        assert 1 <= status.bar.value() < status.bar.maximum()
        assert status.cancel_button.isVisible() and status.cancel_button.isEnabled()
        assert media_files(opened) != images  # the image was already stored
        click(qtbot, status.cancel_button)
        assert status.label.text() == "Importing spanish.apkg — stopping…"
    finally:
        held.release.set()
    box = told(qtbot, "Import Cancelled")
    assert box.text() == cancelled_text(path)
    assert box.text().startswith("Importing spanish.apkg was cancelled. Nothing was imported")
    qtbot.waitUntil(lambda: not status.isVisible(), timeout=WAIT_MS)
    assert profile_rows(opened) == before
    assert media_files(opened) == images
    assert not message_boxes()  # neither "Cards Imported" nor an error


def test_a_csv_import_is_cancelled_with_the_column_dialogs_cancel(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    opened: OpenProfile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "words.csv"
    path.write_text("".join(f"word {n},meaning {n}\n" for n in range(7)))
    monkeypatch.setattr(cards_csv, "ROWS_PER_STEP", 2)
    held = Held(cards_csv.add_cards)
    monkeypatch.setattr(cards_csv, "add_cards", held)
    window = make_window()
    before = profile_rows(opened)
    choose_file(monkeypatch, path)
    status = window.task_status
    try:
        menu_action(window, "Import Car&ds…").trigger()
        dialog = mapping_dialog(qtbot, window)
        qtbot.waitUntil(lambda: ok_button(dialog).isEnabled(), timeout=WAIT_MS)
        click(qtbot, ok_button(dialog))
        assert held.reached.wait(WAIT_MS / 1000)
        qtbot.waitUntil(
            lambda: (
                status.isVisible() and status.label.text() == "Importing words.csv — Adding cards"
            ),
            timeout=WAIT_MS,
        )
        assert status.bar.maximum() == 7
        assert dialog.problem.text() == "Importing… Cancel stops it and keeps nothing."
        click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))
    finally:
        held.release.set()
    assert told(qtbot, "Import Cancelled").text() == cancelled_text(path)
    assert profile_rows(opened) == before
    assert cards_in(opened, "words") == set()
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    assert not message_boxes()


def menu_action(window: MainWindow, text: str) -> QAction:
    return next(action for action in window.feature_actions if action.text() == text)
