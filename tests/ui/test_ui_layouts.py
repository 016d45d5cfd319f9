"""app.ui.layouts.clear_layout: what a view's refill leaves of the old rows."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.ui.layouts import clear_layout


def flush_deletes() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_every_widget_and_spacer_goes_and_the_widgets_are_deleted(qtbot: QtBot):
    host = QWidget()
    qtbot.addWidget(host)
    grid = QGridLayout(host)
    labels = [QLabel(f"deck {n}") for n in range(3)]
    for line, label in enumerate(labels):
        grid.addWidget(label, line, 0)
    grid.setRowStretch(3, 1)
    destroyed: list[int] = []
    for n, label in enumerate(labels):
        label.destroyed.connect(lambda _o=None, n=n: destroyed.append(n))
    clear_layout(grid)
    assert grid.count() == 0
    flush_deletes()
    assert sorted(destroyed) == [0, 1, 2]


def test_kept_widgets_are_taken_out_but_not_deleted(qtbot: QtBot):
    host = QWidget()
    qtbot.addWidget(host)
    row = QHBoxLayout(host)
    none = QLabel("No links")
    chip = QPushButton("a note")
    row.addWidget(none)
    row.addWidget(chip)
    row.addStretch(1)
    gone: list[str] = []
    chip.destroyed.connect(lambda _o=None: gone.append("chip"))
    clear_layout(row, keep=(none,))
    flush_deletes()
    assert row.count() == 0
    assert gone == ["chip"]
    assert none.text() == "No links"  # still alive
    row.addWidget(none)
    assert row.itemAt(0).widget() is none


def test_items_before_first_stay(qtbot: QtBot):
    host = QWidget()
    qtbot.addWidget(host)
    row = QHBoxLayout(host)
    row.addStretch(1)
    row.addWidget(QPushButton("Find the file"))
    row.addWidget(QPushButton("Remove"))
    clear_layout(row, first=1)
    assert row.count() == 1
    assert row.itemAt(0).spacerItem() is not None
