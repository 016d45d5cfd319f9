"""The library's settings and keys, driven in the real view: the completion threshold (Settings…)
changes what the library shows as completed; Alt+Up / Alt+Down reorder the playlist shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from video_clips import added_video
from view_helpers import titles

from app.core.videos.library import library
from app.core.videos.playlists import create_playlist, playlist_video_ids
from app.core.videos.watching import completion_threshold_of, record_interval
from app.ui.videos import settings_dialog
from app.ui.videos.library_model import PROGRESS
from app.ui.videos.view import VideosView


def shown_progress(view: VideosView) -> str:
    model = view.library.model
    return str(model.data(model.index(0, PROGRESS)))


def test_lowering_the_completion_threshold_completes_a_video_in_the_library(
    qtbot: QtBot, view: VideosView, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = view.context.opened.database
    (sample,) = library(database).rows  # 18 s long
    view.context.runner.run_write(
        lambda _p: record_interval(database, sample.id, 0.0, 12.0), label="Watching"
    )
    qtbot.waitUntil(lambda: shown_progress(view) == "67%", timeout=10_000)
    asked: list[int] = []

    def set_to_60(dialog: QDialog) -> int:
        assert isinstance(dialog, settings_dialog.VideoSettingsDialog)
        spin = dialog.complete_at
        asked.append(spin.value())
        spin.setFocus()
        spin.selectAll()
        qtbot.keyClicks(spin, "60")
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(settings_dialog.VideoSettingsDialog, "exec", set_to_60)
    qtbot.mouseClick(view.library.settings_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown_progress(view) == "Completed", timeout=10_000)
    assert asked == [90]  # the default, read from the profile
    assert completion_threshold_of(database) == 0.6
    assert library(database).rows[0].completed


def test_alt_up_and_down_reorder_the_playlist_shown(
    qtbot: QtBot, view: VideosView, tmp_path: Path
) -> None:
    database = view.context.opened.database
    ids = [added_video(database, tmp_path, name) for name in ("Atria", "Valves")]
    (sample,) = [r.id for r in library(database).rows if r.title == "Welcome to Videos"]
    playlist = create_playlist(database, "Week 1", [sample, *ids]).playlist_id
    page = view.library
    page.reload()
    qtbot.waitUntil(lambda: page.playlist.findData(playlist) > 0)
    page.playlist.setCurrentIndex(page.playlist.findData(playlist))
    qtbot.waitUntil(lambda: titles(view) == ["Welcome to Videos", "Atria", "Valves"])

    table = page.table
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: titles(view) == ["Atria", "Welcome to Videos", "Valves"])
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # the same video
    qtbot.waitUntil(lambda: titles(view) == ["Atria", "Valves", "Welcome to Videos"])
    assert [row.title for row in page.selected_rows()] == ["Welcome to Videos"]
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # already last
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: titles(view) == ["Atria", "Welcome to Videos", "Valves"])
    assert playlist_video_ids(database, playlist) == (ids[0], sample, ids[1])

    # Without a playlist chosen there is no order to change.
    page.playlist.setCurrentIndex(0)
    qtbot.waitUntil(lambda: titles(view) == ["Atria", "Valves", "Welcome to Videos"])
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.wait(200)
    assert playlist_video_ids(database, playlist) == (ids[0], sample, ids[1])
