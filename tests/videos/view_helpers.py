"""Helpers for the tests that drive the Videos view (its fixtures are in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from app.ui.videos.view import VideosView


def add(qtbot: QtBot, view: VideosView, *paths: Path) -> None:
    before = view.library.model.rowCount()
    drop = QMimeData()
    drop.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, drop, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    view.library.dropEvent(event)  # dropped onto the view, as from a file manager
    qtbot.waitUntil(lambda: view.library.model.rowCount() > before, timeout=10_000)


def titles(view: VideosView) -> list[str]:
    return [row.title for row in view.library.model.rows]
