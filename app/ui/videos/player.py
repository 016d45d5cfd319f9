"""The player itself: QMediaPlayer, QAudioOutput and a QVideoWidget, the seek bar, the controls
and every key (Space/K, Left/Right, J/L, `,` `.`, `<` `>`, Up/Down, M, F, Esc, C).

It knows nothing of the database. It reports what was watched as intervals (`watched`), says
when a file opens but no picture comes (`no_picture`, naming the codec), when the file goes
away while open (`file_gone`) and when QtMultimedia fails (`failed`).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QShortcut
from PySide6.QtMultimedia import (
    QAudioOutput,
    QMediaDevices,
    QMediaMetaData,
    QMediaPlayer,
    QVideoFrame,
)
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.videos.bookmarks import clock
from app.core.videos.subtitles import Subtitles
from app.core.videos.tracking import Interval, IntervalTracker
from app.ui.key_help import add_shortcut
from app.ui.override_cache import settle_notify_overrides
from app.ui.videos.probe import quiet_multimedia_logging, video_codec_name

SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
FLUSH_MS = 30_000
FIRST_FRAME_TIMEOUT_MS = 3_000
FILE_CHECK_MS = 2_000
DEFAULT_FRAME_S = 1 / 25


class VideoPlayer(QWidget):
    watched = Signal(object, float)  # closed intervals (a list), the position to resume from
    no_picture = Signal(str)  # the video codec's name
    file_gone = Signal(float)  # where it stopped
    failed = Signal(str)
    bookmark_key = Signal()
    back_key = Signal()
    note_key = Signal()  # Ctrl+Shift+N in full screen, which it has just left

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        quiet_multimedia_logging()
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        # Without a sound device (a headless machine) no audio output is attached: QtMultimedia
        # would otherwise keep remaking its audio renderer's objects on a thread of its own.
        if not QMediaDevices.defaultAudioOutput().isNull():
            self.player.setAudioOutput(self.audio)
        self.video = QVideoWidget()
        # QtMultimedia's threads destroy objects connected to these three: see override_cache.
        settle_notify_overrides(self.player, self.audio, self.video)
        self.video.setMinimumSize(QSize(320, 180))
        self.video.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # The picture is a window of its own in a container that takes the keyboard when the
        # system focuses that window (on a busy machine, after the player was given it): the
        # keys belong to the player (Space, J/K/L, Tab to the bookmarks) wherever it shows.
        for surface in (self.video, *self.video.findChildren(QWidget)):
            surface.setFocusProxy(self)
        self.player.setVideoOutput(self.video)
        if hasattr(self.player, "setPitchCompensation"):
            self.player.setPitchCompensation(True)  # faster speech keeps its pitch
        self.sink = self.video.videoSink()
        self.path: Path | None = None
        self.tracker = IntervalTracker()
        self.subtitle_options: list[tuple[str, int | Subtitles | None]] = [("Off", None)]
        self.subtitle_choice = 0
        self.frame_s = DEFAULT_FRAME_S
        self._start_s = 0.0
        self._got_frame = False
        self._build_controls()
        self._bind_keys()

        self.player.positionChanged.connect(self._on_position)
        self.player.durationChanged.connect(self._on_duration)
        self.player.playbackStateChanged.connect(self._on_state)
        self.player.mediaStatusChanged.connect(self._on_status)
        self.player.errorOccurred.connect(self._on_error)
        self.player.tracksChanged.connect(self._on_tracks)
        self.sink.videoFrameChanged.connect(self._on_frame)
        self._flush_timer = QTimer(self, interval=FLUSH_MS)
        self._flush_timer.timeout.connect(self.flush)
        self._frame_timer = QTimer(self, singleShot=True, interval=FIRST_FRAME_TIMEOUT_MS)
        self._frame_timer.timeout.connect(self._no_frame)
        self._file_timer = QTimer(self, interval=FILE_CHECK_MS)
        self._file_timer.timeout.connect(self._check_file)

    # --- building ----------------------------------------------------------------------------
    def _build_controls(self) -> None:
        from app.ui.videos.seek_bar import SeekBar

        style = self.style()
        self.seek_bar = SeekBar()
        self.seek_bar.seek_requested.connect(self.seek)
        self.play_button = self._button(
            QStyle.StandardPixmap.SP_MediaPlay, "Play or pause (Space, K)"
        )
        self.play_button.clicked.connect(self.toggle_play)
        back = self._button(QStyle.StandardPixmap.SP_MediaSeekBackward, "Back 10 s (J)")
        back.clicked.connect(lambda: self.jump(-10))
        forward = self._button(QStyle.StandardPixmap.SP_MediaSeekForward, "Forward 10 s (L)")
        forward.clicked.connect(lambda: self.jump(10))
        self.time_label = QLabel("0:00 / 0:00")
        self.speed_label = QLabel("1×")
        self.speed_label.setToolTip("Speed: < slower, > faster")
        self.subtitle_label = QLabel("Subtitles off")
        self.subtitle_label.setToolTip("C switches subtitles")
        self.mute_button = self._button(QStyle.StandardPixmap.SP_MediaVolume, "Mute (M)")
        self.mute_button.clicked.connect(self.toggle_mute)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setMaximumWidth(100)
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume.valueChanged.connect(lambda v: self.audio.setVolume(v / 100))
        self.audio.setVolume(0.8)
        full = self._button(QStyle.StandardPixmap.SP_TitleBarMaxButton, "Full screen (F)")
        full.clicked.connect(self.toggle_full_screen)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()
        row = QHBoxLayout()
        for widget in (self.play_button, back, forward, self.time_label):
            row.addWidget(widget)
        row.addStretch(1)
        for control in (self.subtitle_label, self.speed_label, self.mute_button, self.volume, full):
            row.addWidget(control)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.seek_bar)
        layout.addLayout(row)
        del style

    def _button(self, icon: QStyle.StandardPixmap, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(self.style().standardIcon(icon))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def _bind_keys(self) -> None:
        """Each key twice: on this widget (with its children) and on the video widget, which is
        a window of its own in full screen; only one set is enabled at a time."""
        keys: dict[str, tuple[str, Callable[[], object]]] = {
            "Space": ("Play or pause", self.toggle_play), "K": ("Play or pause", self.toggle_play),
            "Left": ("Back 5 seconds", lambda: self.jump(-5)),
            "Right": ("Forward 5 seconds", lambda: self.jump(5)),
            "J": ("Back 10 seconds", lambda: self.jump(-10)),
            "L": ("Forward 10 seconds", lambda: self.jump(10)),
            ",": ("One frame back (paused)", lambda: self.step_frames(-1)),
            ".": ("One frame forward (paused)", lambda: self.step_frames(1)),
            "<": ("Slower", lambda: self.change_speed(-1)),
            ">": ("Faster", lambda: self.change_speed(1)),
            "Up": ("Louder", lambda: self.volume.setValue(self.volume.value() + 10)),
            "Down": ("Quieter", lambda: self.volume.setValue(self.volume.value() - 10)),
            "M": ("Mute or unmute", self.toggle_mute),
            "F": ("Full screen or back", self.toggle_full_screen),
            "C": ("The next subtitles (or none)", self.next_subtitles),
            "B": ("Bookmark the moment", self.bookmark_key.emit),
        }  # fmt: skip
        window = Qt.ShortcutContext.WindowShortcut
        self.shortcuts: list[QShortcut] = []
        self.full_screen_shortcuts: list[QShortcut] = []
        for text, (description, action) in keys.items():
            self.shortcuts.append(add_shortcut(self, text, description, action))
            there = add_shortcut(self.video, text, description, action, window)
            there.setEnabled(False)
            self.full_screen_shortcuts.append(there)
        leave = add_shortcut(
            self.video, "Esc", "Leave full screen", lambda: self.set_full_screen(False), window
        )
        leave.setEnabled(False)
        self.full_screen_shortcuts.append(leave)
        # Out of full screen the page's own Ctrl+Shift+N makes the note. The note is written in
        # the Notebook, in the window the full-screen video covers: leave full screen first.
        note = add_shortcut(
            self.video, "Ctrl+Shift+N", "Leave full screen and write a note at the moment",
            self._note_from_full_screen, window,
        )  # fmt: skip
        note.setEnabled(False)
        self.full_screen_shortcuts.append(note)
        self.shortcuts.append(add_shortcut(self, "Esc", "Back to the videos", self.back_key.emit))

    # --- opening and closing --------------------------------------------------------------
    def load(self, path: Path, start_s: float, sidecars: list[Subtitles]) -> None:
        """Open `path` and play from `start_s`."""
        self.unload()
        self.path = path
        self._start_s = max(0.0, start_s)
        self._got_frame = False
        self.subtitle_options = [("Off", None)] + [(s.name, s) for s in sidecars]
        self.subtitle_choice = 0
        self._show_subtitle_choice()
        self.seek_bar.set_position(self._start_s)
        self.player.setSource(QUrl.fromLocalFile(str(path)))
        self._file_timer.start()
        self.player.play()

    def unload(self) -> None:
        """Stop playing and report what was watched; the file is let go."""
        if self.path is None:
            return
        position = self.position_s
        self._report(self.tracker.pause(position, time.monotonic()), position)
        self._file_timer.stop()
        self._frame_timer.stop()
        self._flush_timer.stop()
        self.player.stop()
        self.player.setSource(QUrl())
        self.sink.setSubtitleText("")
        self.path = None
        self.notice.hide()

    @property
    def position_s(self) -> float:
        return self.player.position() / 1000

    @property
    def playing(self) -> bool:
        return self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def flush(self) -> None:
        """Report what was played so far (every half minute, and when the view hides)."""
        position = self.position_s
        self._report(self.tracker.flush(position, time.monotonic()), position)

    def _report(self, intervals: list[Interval], position: float) -> None:
        if self.path is not None:
            self.watched.emit(intervals, position)

    # --- actions ----------------------------------------------------------------------------
    def toggle_play(self) -> None:
        if self.path is None:
            return
        if self.playing:
            self.player.pause()
        else:
            if self.player.mediaStatus() == QMediaPlayer.MediaStatus.EndOfMedia:
                self.player.setPosition(0)
            self.player.play()

    def seek(self, seconds: float) -> None:
        """Go to `seconds`: the frame that holds that moment is the one shown."""
        if self.path is None:
            return
        duration = self.player.duration() / 1000
        target = max(0.0, min(seconds, duration if duration > 0 else seconds))
        closed = self.tracker.seek(target, time.monotonic())
        self._report(closed, target)
        # The middle of the frame that holds `target`: QtMultimedia can land a frame early on
        # a frame's edge.
        frame = math.floor(target / self.frame_s + 1e-6)
        self.player.setPosition(round((frame + 0.5) * self.frame_s * 1000))
        self.seek_bar.set_position(target)

    def jump(self, seconds: float) -> None:
        self.seek(self.position_s + seconds)

    def step_frames(self, frames: int) -> None:
        """One frame back or on, when paused (while playing it is the next key's job)."""
        if self.path is None or self.playing:
            return
        # The frame shown now, from the position (which `seek` puts half a frame in).
        current = math.floor(self.position_s / self.frame_s + 1e-3)
        self.seek((current + frames) * self.frame_s)

    def change_speed(self, steps: int) -> None:
        rate = self.player.playbackRate()
        nearest = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - rate))
        speed = SPEEDS[max(0, min(len(SPEEDS) - 1, nearest + steps))]
        self._report(
            self.tracker.set_speed(self.position_s, speed, time.monotonic()), self.position_s
        )
        self.player.setPlaybackRate(speed)
        self.speed_label.setText(f"{speed:g}×")

    def toggle_mute(self) -> None:
        self.audio.setMuted(not self.audio.isMuted())
        icon = (
            QStyle.StandardPixmap.SP_MediaVolumeMuted
            if self.audio.isMuted()
            else QStyle.StandardPixmap.SP_MediaVolume
        )
        self.mute_button.setIcon(self.style().standardIcon(icon))

    def toggle_full_screen(self) -> None:
        self.set_full_screen(not self.video.isFullScreen())

    def set_full_screen(self, on: bool) -> None:
        self.video.setFullScreen(on)
        for shortcut in self.shortcuts:
            shortcut.setEnabled(not on)
        for shortcut in self.full_screen_shortcuts:
            shortcut.setEnabled(on)

    def _note_from_full_screen(self) -> None:
        self.set_full_screen(False)
        self.window().activateWindow()  # the keys go to the note, not the video left behind
        self.note_key.emit()

    def next_subtitles(self) -> None:
        self.subtitle_choice = (self.subtitle_choice + 1) % len(self.subtitle_options)
        self._show_subtitle_choice()

    def _show_subtitle_choice(self) -> None:
        name, choice = self.subtitle_options[self.subtitle_choice]
        self.player.setActiveSubtitleTrack(choice if isinstance(choice, int) else -1)
        self.sink.setSubtitleText("")
        self.subtitle_label.setText("Subtitles off" if choice is None else f"Subtitles: {name}")
        self._show_sidecar_text(self.position_s)

    def _show_sidecar_text(self, seconds: float) -> None:
        _name, choice = self.subtitle_options[self.subtitle_choice]
        if isinstance(choice, Subtitles):
            self.sink.setSubtitleText(choice.text_at(seconds))

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # --- what the player says ---------------------------------------------------------------
    def _on_tracks(self) -> None:
        sidecars = [option for option in self.subtitle_options if isinstance(option[1], Subtitles)]
        own = []
        for number, track in enumerate(self.player.subtitleTracks()):
            language = track.stringValue(QMediaMetaData.Key.Language)
            title = track.stringValue(QMediaMetaData.Key.Title)
            own.append((title or language or f"Track {number + 1}", number))
        self.subtitle_options = [("Off", None), *own, *sidecars]
        self.subtitle_choice = min(self.subtitle_choice, len(self.subtitle_options) - 1)
        rate = self.player.metaData().value(QMediaMetaData.Key.VideoFrameRate)
        if isinstance(rate, float | int) and rate > 0:
            self.frame_s = 1 / float(rate)

    def _on_duration(self, ms: int) -> None:
        self.seek_bar.set_duration(ms / 1000)

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        loaded = (
            QMediaPlayer.MediaStatus.LoadedMedia,
            QMediaPlayer.MediaStatus.BufferingMedia,
            QMediaPlayer.MediaStatus.BufferedMedia,
        )
        if status in loaded and self._start_s > 0:
            start, self._start_s = self._start_s, 0.0
            self.seek(start)
        waiting = self.player.hasVideo() and not self._got_frame
        if status in loaded and waiting and not self._frame_timer.isActive():
            self._frame_timer.start()
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            end = self.player.duration() / 1000
            self._report(self.tracker.pause(end, time.monotonic()), end)

    def _on_frame(self, frame: QVideoFrame) -> None:
        if frame.isValid() and not self._got_frame:
            self._got_frame = True
            self._frame_timer.stop()

    def _no_frame(self) -> None:
        if self.path is None or self._got_frame or not self.player.hasVideo():
            return
        codec = video_codec_name(self.player.metaData().value(QMediaMetaData.Key.VideoCodec))
        self.no_picture.emit(codec or "unknown")

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(icon))
        wall = time.monotonic()
        if playing:
            self.tracker.play(self.position_s, self.player.playbackRate(), wall)
            self._flush_timer.start()
        else:
            self._flush_timer.stop()
            self._report(self.tracker.pause(self.position_s, wall), self.position_s)

    def _on_position(self, ms: int) -> None:
        seconds = ms / 1000
        self.seek_bar.set_position(seconds)
        duration = self.player.duration() / 1000
        self.time_label.setText(f"{clock(seconds)} / {clock(duration)}")
        self._report(self.tracker.position(seconds, time.monotonic()), seconds)
        self.seek_bar.set_live(self.tracker.current())
        self._show_sidecar_text(seconds)

    def _on_error(self, error: QMediaPlayer.Error, text: str) -> None:
        if error == QMediaPlayer.Error.NoError or self.path is None:
            return
        if not self.path.exists():
            self._check_file()
            return
        self.failed.emit(text or "the file could not be played")

    def _check_file(self) -> None:
        if self.path is not None and not os.path.exists(self.path):
            where = self.position_s
            self.unload()
            self.file_gone.emit(where)
