"""The player page: the video, its bookmarks beside it, and what to do when the file cannot play.

Every read and write goes through the task runner to the videos core: opening reads the file's
state and the video's bookmarks and watched ranges; the player's intervals are appended with
`record_interval`; bookmarks are added, edited and deleted with undo (Ctrl+Z). Ctrl+Shift+N
writes a Notebook note at the moment playing, as it does on a card or a question; in full
screen the video first leaves it (the Notebook is in the window the video covers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Change
from app.core.notes.links import LinkTarget
from app.core.videos import bookmarks as marks
from app.core.videos.files import FileCheck, check_file, locate_video
from app.core.videos.library import VideoDetail, video_detail
from app.core.videos.subtitles import Subtitles, read_subtitles, sidecar_files
from app.core.videos.tracking import Interval
from app.core.videos.watching import Watched, record_interval, set_last_position
from app.db.database import ProfileDatabase
from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.key_help import add_shortcut
from app.ui.note_from import make_note_on
from app.ui.videos import messages
from app.ui.videos.bookmark_panel import BookmarkDialog, BookmarkPanel
from app.ui.videos.player import VideoPlayer

RESUME_BACK_S = 5.0


@dataclass(frozen=True)
class Opened:
    check: FileCheck
    detail: VideoDetail
    sidecars: tuple[Subtitles, ...]
    problems: tuple[str, ...]  # sidecar files that could not be read, or read with a warning


def read_opened(database: ProfileDatabase, video_id: str) -> Opened:
    """On a read thread: the file's state, the video, its sidecar subtitles."""
    check = check_file(database, video_id)
    detail = video_detail(database, video_id)
    sidecars, problems = [], []
    if check.playable and check.path:
        for path in sidecar_files(Path(check.path)):
            try:
                read = read_subtitles(path)
            except UserError as error:
                problems.append(str(error))
                continue
            sidecars.append(read)
            if read.warning:
                problems.append(read.warning)
    return Opened(check, detail, tuple(sidecars), tuple(problems))


def resume_point(detail: VideoDetail) -> float:
    """A few seconds before where the learner stopped; the start again after the end."""
    row = detail.row
    last = row.last_position_s
    if row.duration_s > 0 and last >= row.duration_s - 1.0:
        return 0.0
    return max(0.0, last - RESUME_BACK_S)


class PlayerPage(QWidget):
    """`back_requested()`: return to the library. `changed(changes)`: this page wrote something
    the library shows."""

    back_requested = Signal()
    video_removed = Signal(str)

    def __init__(self, context: ViewContext, owner: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.owner = owner  # the view: the initiator of this page's writes
        self.opened: Opened | None = None
        self.undo_stack: list[tuple[str, marks.Bookmark | None, str]] = []
        self.watched_ranges: list[tuple[float, float]] = []

        self.back_button = QPushButton("‹ Library")
        self.back_button.setToolTip("Back to the library (Esc)")
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.clicked.connect(self.back_requested.emit)
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)

        self.player = VideoPlayer()
        self.message = messages.MessagePanel()
        self.screen_stack = QStackedWidget()
        self.screen_stack.addWidget(self.player)
        self.screen_stack.addWidget(self.message)
        self.bookmarks = BookmarkPanel()
        self.bookmarks.setMinimumWidth(170)
        splitter = QSplitter()
        splitter.addWidget(self.screen_stack)
        splitter.addWidget(self.bookmarks)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([700, 260])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.player.watched.connect(self._record)
        self.player.no_picture.connect(self._no_picture)
        self.player.file_gone.connect(self._file_gone)
        self.player.failed.connect(self._failed)
        self.player.bookmark_key.connect(self.add_bookmark)
        self.player.back_key.connect(self.back_requested.emit)
        self.player.note_key.connect(self.note_here)
        self.message.action.connect(self._on_message_action)
        self.bookmarks.seek_requested.connect(self._seek_to_bookmark)
        self.bookmarks.add_requested.connect(self.add_bookmark)
        self.bookmarks.edit_requested.connect(self.edit_bookmark)
        self.bookmarks.delete_requested.connect(self.delete_bookmark)
        self.bookmarks.card_requested.connect(self.make_card)
        self.bookmarks.note_requested.connect(self.make_note)
        keys: dict[QKeySequence | QKeySequence.StandardKey, tuple[str, Callable[[], object]]] = {
            QKeySequence.StandardKey.Undo: ("Undo the last bookmark change", self.undo),
            # as on a card or a question
            QKeySequence("Ctrl+Shift+N"): ("A note at the moment playing", self.note_here),
        }
        for key, (description, action) in keys.items():
            add_shortcut(self, key, description, action)

    @property
    def video_id(self) -> str | None:
        return None if self.opened is None else self.opened.detail.row.id

    # --- opening -----------------------------------------------------------------------------
    def open_video(self, video_id: str, at_s: float | None = None) -> None:
        """Read the video and play it: from `at_s`, or a few seconds before where it stopped."""
        self.close_video()
        self.title.setText("Opening…")
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: read_opened(opened.database, video_id),
            on_done=lambda result: self._show(result, at_s),
            on_error=lambda error: self._show_error(str(error)),
            owner=self,
        )

    def _show(self, opened: Opened, at_s: float | None) -> None:
        self.opened = opened
        detail = opened.detail
        self.undo_stack.clear()
        self.title.setText(detail.row.title)
        self.bookmarks.set_bookmarks(detail.bookmarks)
        self.watched_ranges = list(detail.watched)
        seek_bar = self.player.seek_bar
        seek_bar.set_duration(detail.row.duration_s)
        seek_bar.set_watched(self.watched_ranges)
        seek_bar.set_bookmarks([(b.at_s, b.label) for b in detail.bookmarks])
        if not opened.check.playable or opened.check.path is None:
            self._show_message(messages.file_message(opened.check))
            return
        self.screen_stack.setCurrentWidget(self.player)
        start = resume_point(detail) if at_s is None else at_s
        self.player.load(Path(opened.check.path), start, list(opened.sidecars))
        self.player.show_notice("\n".join(opened.problems))
        self.player.setFocus()

    def close_video(self) -> None:
        """Stop and save what was watched and where."""
        self.player.unload()
        self.opened = None

    def _show_message(self, message: messages.Message) -> None:
        self.message.show_message(message)
        self.screen_stack.setCurrentWidget(self.message)

    def _show_error(self, text: str) -> None:
        self.title.setText("")
        self._show_message(messages.Message("Cannot open", text, ()))

    def hideEvent(self, event: QHideEvent) -> None:
        # Switching views keeps a lecture playing; what was played so far is saved now.
        self.player.flush()
        super().hideEvent(event)

    # --- what was watched ---------------------------------------------------------------------
    def _record(self, intervals: list[Interval], position: float) -> None:
        video_id = self.video_id
        if video_id is None:
            return
        opened = self.context.opened
        runner = self.context.runner
        for interval in intervals:
            self.watched_ranges.append((interval.start_s, interval.end_s))
            runner.run_write(
                lambda _p, i=interval: record_interval(  # type: ignore[misc]
                    opened.database, video_id, i.start_s, i.end_s, speed=i.speed,
                    started_at=i.started_at, wall_s=i.wall_s, position_s=position,
                ),
                label="",
                on_done=self._watched,
                on_error=lambda _error: None,  # a refused interval is simply not counted
                owner=self,
                initiator=self.owner,
            )  # fmt: skip
        if not intervals:
            runner.run_write(
                lambda _p: set_last_position(opened.database, video_id, position),
                label="",
                on_error=lambda _error: None,
                owner=self,
                initiator=self.owner,
            )
        self.player.seek_bar.set_watched(self.watched_ranges)

    def _watched(self, watched: Watched) -> None:
        if watched.completed_now:
            self.player.show_notice("Completed: you have watched most of this video.")

    # --- problems -------------------------------------------------------------------------------
    def _no_picture(self, codec: str) -> None:
        if self.opened is None:
            return
        row = self.opened.detail.row
        has_audio = bool(row.audio_codec) or self.player.player.hasAudio()
        self.player.player.pause()
        self._show_message(messages.codec_message(row.title, codec, has_audio))

    def _file_gone(self, at_s: float) -> None:
        if self.opened is not None:
            row = self.opened.detail.row
            self._show_message(messages.gone_message(row.title, self.opened.check.path or "", at_s))

    def _failed(self, reason: str) -> None:
        if self.opened is not None:
            self._show_message(messages.failed_message(self.opened.detail.row.title, reason))

    def _on_message_action(self, action: str) -> None:
        if self.opened is None:
            return
        video_id = self.opened.detail.row.id
        if action == messages.RETRY:
            self.open_video(video_id)
        elif action == messages.PLAY_SOUND:
            self.screen_stack.setCurrentWidget(self.player)
            self.player.player.play()
        elif action == messages.LOCATE:
            self.locate(video_id)
        elif action == messages.REMOVE:
            self.video_removed.emit(video_id)
        elif action == messages.ADD_AS_NEW and self.opened.check.path:
            from app.ui.videos.adding import add_paths

            add_paths(self.context, self.window(), [Path(self.opened.check.path)])

    def locate(self, video_id: str) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, "Locate the Video File", str(Path.home()), "Videos and audio (*)"
        )
        if not name:
            return
        opened = self.context.opened
        self.context.runner.run_write(
            lambda _p: locate_video(opened.database, video_id, Path(name)),
            label="Looking for moved videos",
            on_done=lambda _report: self.open_video(video_id),
            owner=self,
            initiator=self.owner,
        )

    # --- bookmarks ------------------------------------------------------------------------------
    def _seek_to_bookmark(self, seconds: float) -> None:
        """Enter or a click on a bookmark: play from there, the keys the video's again (Space
        pauses, J/L jump); Tab goes back to the bookmarks."""
        self.player.seek(seconds)
        if self.screen_stack.currentWidget() is self.player:
            self.player.setFocus(Qt.FocusReason.OtherFocusReason)

    def seek_to(self, seconds: float) -> None:
        self.player.seek(seconds)

    def add_bookmark(self) -> None:
        video_id = self.video_id
        if video_id is None:
            return
        at_s = self.player.position_s
        was_playing = self.player.playing
        self.player.player.pause()
        dialog = BookmarkDialog(self, title="Add Bookmark", at_s=at_s)
        if dialog.exec() == BookmarkDialog.DialogCode.Accepted:
            seconds, label, note = dialog.values()
            self._write_bookmark(
                lambda db: marks.add_bookmark(db, video_id, seconds, label, note), "Adding bookmark"
            )
        if was_playing:
            self.player.player.play()

    def edit_bookmark(self, mark: marks.Bookmark) -> None:
        dialog = BookmarkDialog(
            self, title="Edit Bookmark", at_s=mark.at_s, label=mark.label, note=mark.note
        )
        if dialog.exec() == BookmarkDialog.DialogCode.Accepted:
            seconds, label, note = dialog.values()
            self._write_bookmark(
                lambda db: marks.edit_bookmark(db, mark.id, at_s=seconds, label=label, note=note),
                "Saving bookmark",
            )

    def delete_bookmark(self, mark: marks.Bookmark) -> None:
        self._write_bookmark(lambda db: marks.delete_bookmark(db, mark.id), "Deleting bookmark")

    def undo(self) -> None:
        if not self.undo_stack:
            return
        kind, before, bookmark_id = self.undo_stack.pop()
        if kind == "add":
            self._write_bookmark(
                lambda db: marks.delete_bookmark(db, bookmark_id), "Undoing", undoable=False
            )
        elif before is not None:
            self._write_bookmark(
                lambda db: marks.restore_bookmark(db, before), "Undoing", undoable=False
            )

    def _write_bookmark(self, action: Any, label: str, *, undoable: bool = True) -> None:
        opened = self.context.opened

        def done(result: marks.BookmarkChanged) -> None:
            if undoable:
                kind = "add" if result.before is None else "change"
                self.undo_stack.append((kind, result.before, result.bookmark.id))
            self._reload_bookmarks(result.bookmark.id)

        self.context.runner.run_write(
            lambda _p: action(opened.database),
            label=label,
            on_done=done,
            owner=self,
            initiator=self.owner,
        )

    def _reload_bookmarks(self, keep: str | None = None) -> None:
        video_id = self.video_id
        if video_id is None:
            return
        opened = self.context.opened
        self.context.runner.run_read(
            lambda _p: marks.bookmarks_of(opened.database, video_id),
            on_done=lambda found: self._show_bookmarks(found, keep),
            owner=self,
        )

    def _show_bookmarks(self, found: tuple[marks.Bookmark, ...], keep: str | None) -> None:
        self.bookmarks.set_bookmarks(found, keep)
        self.player.seek_bar.set_bookmarks([(b.at_s, b.label) for b in found])

    def refresh_for(self, changes: Change) -> None:
        """Another part of the window changed this video's bookmarks (never reloads the file)."""
        if changes & Change.BOOKMARKS:
            self._reload_bookmarks()

    # --- a note or a card from a moment ---------------------------------------------------------
    def make_note(self, mark: marks.Bookmark) -> None:
        """A notebook note linked to this moment (its chip seeks here), opened to write in;
        the bookmark's own note, if any, is its first words."""
        if self.opened is None:
            return
        title = f"{self.opened.detail.row.title} at {marks.clock(mark.at_s)}"
        if mark.label:
            title += f": {mark.label}"
        target = LinkTarget("video", mark.video_id, at_s=mark.at_s)
        make_note_on(self.context, self, target, title, mark.note)

    def note_here(self) -> None:
        """Ctrl+Shift+N: a notebook note linked to the moment playing (no bookmark needed),
        the video paused while the learner writes."""
        if self.opened is None:
            return
        at_s = round(max(0.0, self.player.position_s), 1)
        self.player.player.pause()
        title = f"{self.opened.detail.row.title} at {marks.clock(at_s)}"
        target = LinkTarget("video", self.opened.detail.row.id, at_s=at_s)
        make_note_on(self.context, self, target, title)

    def make_card(self, mark: marks.Bookmark) -> None:
        if self.opened is None or self.opened.check.path is None:
            return
        from app.core.flashcards.from_video import make_card_from_video_moment
        from app.ui.videos.probe import png_bytes, shared_prober

        path = Path(self.opened.check.path)
        video_id = self.opened.detail.row.id
        opened = self.context.opened
        media_dir = opened.profile.media_dir
        prober = shared_prober()

        def frame(_progress: object) -> bytes | None:
            image = prober.frame_at(path, mark.at_s)
            return None if image is None else png_bytes(image)

        def write(image: bytes | None) -> None:
            self.context.runner.run_write(
                lambda _p: make_card_from_video_moment(
                    opened.database, media_dir, video_id, mark.at_s, mark.label, mark.note, image
                ),
                label="Making a flashcard",
                on_done=lambda made: self.player.show_notice(
                    f"Flashcard made in the deck “Videos::{self.title.text()}”."
                    if made.created
                    else "This moment already has a card."
                ),
                owner=self,
                initiator=self.owner,
            )

        self.context.runner.run_read(frame, label="Taking the frame", on_done=write, owner=self)
