"""The Videos view driven like a learner: the library, keys, the player, bookmarks, messages, Today.

Real widgets over a real profile (with its sample video) and real decoded clips."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from video_clips import Clips
from view_helpers import add, titles

from app.core.videos.bookmarks import add_bookmark, bookmarks_of
from app.core.videos.library import library
from app.core.videos.watching import set_last_position
from app.db.models import Card
from app.ui.context import ViewContext
from app.ui.videos import bookmark_panel
from app.ui.videos.library_model import VideoTableModel
from app.ui.videos.today_section import ContinueWatchingSection
from app.ui.videos.view import VideosView


def test_the_library_lists_the_sample_and_dropped_files_and_filters_from_the_keyboard(
    qtbot: QtBot, view: VideosView, clips: Clips, qtmodeltester: object
) -> None:
    assert titles(view) == ["Welcome to Videos"]
    assert view.library.count.text() == "1 video"
    add(qtbot, view, clips.h264.path, clips.audio)
    assert titles(view) == ["Cardiac cycle", "Renal physiology talk", "Welcome to Videos"]
    qtmodeltester.check(view.library.model)  # type: ignore[attr-defined]
    qtbot.keyClick(view.library.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.library.search.hasFocus()
    qtbot.keyClicks(view.library.search, "renal")
    qtbot.waitUntil(lambda: titles(view) == ["Renal physiology talk"])
    assert view.library.count.text() == "1 of 3 videos"
    view.library.search.clear()
    qtbot.waitUntil(lambda: len(titles(view)) == 3)
    view.library.state.setCurrentIndex(view.library.state.findText("In progress"))
    qtbot.waitUntil(lambda: titles(view) == [])


def test_enter_plays_space_pauses_b_bookmarks_and_ctrl_z_undoes(
    qtbot: QtBot, view: VideosView, clips: Clips, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(qtbot, view, clips.h264.path)
    table = view.library.table
    table.setFocus()
    table.setCurrentIndex(view.library.model.index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    player = view.player.player
    qtbot.waitUntil(lambda: player.playing and player.position_s > 0.3, timeout=8000)
    assert view.player.title.text() == "Cardiac cycle"
    qtbot.keyClick(view.player, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not player.playing)

    def fill_and_save(dialog: QDialog) -> int:
        assert isinstance(dialog, bookmark_panel.BookmarkDialog)
        dialog.label.setText("Aortic valve closes")
        dialog.note.setPlainText("S2 is **A2** then P2")
        dialog._check()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(bookmark_panel.BookmarkDialog, "exec", fill_and_save)
    qtbot.keyClick(view.player, Qt.Key.Key_B)
    marks = view.player.bookmarks.list
    qtbot.waitUntil(lambda: marks.count() == 1)
    assert "Aortic valve closes" in marks.item(0).text()
    assert len(player.seek_bar.ticks) == 1
    qtbot.keyClick(view.player, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: marks.count() == 0)
    qtbot.keyClick(view.player, Qt.Key.Key_Escape)  # back to the library
    assert view.pages.currentWidget() is view.library


def test_opening_resumes_a_few_seconds_back_and_a_bookmark_seeks(
    qtbot: QtBot, view: VideosView, clips: Clips, tmp_path: Path
) -> None:
    longer = tmp_path / "longer.mp4"
    from video_clips import make_clip

    make_clip(longer, duration=12.0, audio=None)
    add(qtbot, view, longer)
    opened = view.context.opened
    (row,) = [r for r in library(opened.database).rows if r.title == "longer"]
    set_last_position(opened.database, row.id, 9.0)
    add_bookmark(opened.database, row.id, 2.0, "Early point")
    view.open_video_moment(row.id, None)
    player = view.player.player
    qtbot.waitUntil(lambda: player.playing and player.position_s > 0, timeout=8000)
    qtbot.wait(300)
    assert 3.9 <= player.position_s <= 6.0  # 9 s minus 5, played on a little
    qtbot.waitUntil(lambda: view.player.bookmarks.list.count() == 1)
    player.player.pause()
    item = view.player.bookmarks.list.item(0)
    view.player.bookmarks.list.setCurrentItem(item)
    qtbot.keyClick(view.player.bookmarks.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: abs(player.position_s - 2.0) < 0.1)


def test_a_missing_file_offers_locate_which_relinks_and_plays(
    qtbot: QtBot, view: VideosView, clips: Clips, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "drive"
    folder.mkdir()
    shutil.copy(clips.h264.path, folder / "lecture.mp4")
    shutil.copy(clips.vp9.path, folder / "board.webm")
    add(qtbot, view, folder)
    moved = tmp_path / "drive-elsewhere"
    folder.rename(moved)
    view.library.reload()
    qtbot.waitUntil(lambda: sum(r.missing for r in view.library.model.rows) == 2)
    lecture = next(r for r in view.library.model.rows if r.title == "Cardiac cycle")
    view.open_video_moment(lecture.id, None)
    panel = view.player.message
    qtbot.waitUntil(lambda: view.player.screen_stack.currentWidget() is panel)
    assert panel.title.text() == "File missing"
    assert str(folder / "lecture.mp4") in panel.text.text()
    monkeypatch.setattr(
        "app.ui.videos.player_page.QFileDialog.getOpenFileName",
        lambda *_a, **_k: (str(moved / "lecture.mp4"), ""),
    )
    locate = panel.button("Locate…")
    assert locate is not None
    locate.click()
    qtbot.waitUntil(lambda: view.player.player.playing, timeout=8000)
    rows = library(view.context.opened.database).rows
    assert not any(r.missing for r in rows)  # the other video in that folder was found too


def test_a_replaced_file_is_not_played_as_the_video(
    qtbot: QtBot, view: VideosView, clips: Clips, tmp_path: Path
) -> None:
    place = tmp_path / "lecture.mp4"
    shutil.copy(clips.h264.path, place)
    add(qtbot, view, place)
    shutil.copy(clips.vp9.path, place)
    lecture = next(r for r in view.library.model.rows if r.title == "Cardiac cycle")
    view.open_video_moment(lecture.id, None)
    panel = view.player.message
    qtbot.waitUntil(lambda: view.player.screen_stack.currentWidget() is panel)
    assert panel.title.text() == "A different file"
    assert panel.button("Add That File as a New Video") is not None
    assert view.player.player.path is None


def test_an_undecodable_codec_is_named_in_the_view(
    qtbot: QtBot, view: VideosView, clips: Clips
) -> None:
    add(qtbot, view, clips.av1.path)
    av1 = next(r for r in view.library.model.rows if r.title == "av1")
    view.open_video_moment(av1.id, None)
    panel = view.player.message
    qtbot.waitUntil(lambda: view.player.screen_stack.currentWidget() is panel, timeout=10_000)
    assert panel.title.text() == "AV1 cannot be decoded here"
    assert "encoded as AV1" in panel.text.text()


def test_delete_removes_and_undo_brings_back(qtbot: QtBot, view: VideosView, clips: Clips) -> None:
    add(qtbot, view, clips.h264.path)
    table = view.library.table
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: titles(view) == ["Welcome to Videos"])
    assert view.library.undo_button.isVisible()
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: titles(view) == ["Cardiac cycle", "Welcome to Videos"])


def test_a_flashcard_from_a_bookmarked_moment(qtbot: QtBot, view: VideosView) -> None:
    sample = view.library.model.rows[0]
    view.open_video_moment(sample.id, 1.0)
    marks = view.player.bookmarks
    qtbot.waitUntil(lambda: marks.list.count() == 2)
    marks.list.setCurrentRow(0)
    marks.card_button.click()
    qtbot.waitUntil(lambda: "Flashcard made" in view.player.player.notice.text(), timeout=10_000)
    with view.context.opened.database.read_session() as session:
        card = session.scalars(select(Card).where(Card.source_kind == "video")).one()
    assert card.source_id == sample.id and card.source_anchor == "6.000"
    assert "studydesk-media:" in card.front and card.back.startswith("Press **B**")


def test_today_offers_to_continue_and_opens_the_moment(
    qtbot: QtBot, context: ViewContext, view: VideosView
) -> None:
    sample = view.library.model.rows[0]
    set_last_position(context.opened.database, sample.id, 12.0)
    holder = QDialog()
    section = ContinueWatchingSection(context, holder)
    qtbot.addWidget(holder)
    holder.show()
    qtbot.waitUntil(lambda: len(section.buttons) == 1)
    assert section.buttons[0].text() == "R&esume at 0:07"
    asked: list[tuple[object, ...]] = []
    context.navigator.requested.connect(lambda _d, values: asked.append(values))
    section.buttons[0].click()
    assert asked == [(sample.id, 7.0)]
    assert bookmarks_of(context.opened.database, sample.id)


def test_the_model_survives_qtmodeltester_with_many_rows(
    qtmodeltester: object, tmp_path: Path, qapp: QApplication
) -> None:
    model = VideoTableModel(tmp_path)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
